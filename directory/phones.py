"""Phone numbers: normalising, tel: links, short service numbers (211, 988) and labelled extra numbers."""

from __future__ import annotations

import re

import phonenumbers

from directory.errors import DirectoryError, Message
from directory.i18n import N_, _

# N11 service numbers people really dial, and the 988 crisis line: complete numbers as they are.
SHORT_NUMBERS = frozenset({"211", "311", "411", "511", "611", "711", "811", "911", "988"})
# Labels that name a number nobody can call or join by.
_NOT_CALLABLE = re.compile(r"\bfax\b|\bfacsimile\b", re.IGNORECASE)
# What a phone dials after connecting: pauses (",") then a meeting id, extension or passcode, e.g. ",,503536771#".
_DIAL_SUFFIX = re.compile(r"^(?P<number>.*?\d)\s*(?P<suffix>(?:,+[\d*#]+)+#?)$")
# A label is anything before the first colon, when a number follows ("Main Number (24 hours): 202 ...").
_LABELLED = re.compile(r"^\s*(?P<label>[^:;]{1,80}?)\s*:\s*(?P<number>.+?)\s*$")
# The label an unlabelled number is stored with: kept in English in the data, translated where shown.
PHONE_LABEL = N_("Phone")
# The labels imports write (column_mapping.PHONE_LABELS, salvage's "Also") and people often type, by their
# lower-case form: shown in the chosen language. Any other label is the entry's own words, shown as written.
_KNOWN_LABELS: dict[str, str] = {label.lower(): label for label in (
    PHONE_LABEL, N_("Fax"), N_("TTY"), N_("Toll free"), N_("Hotline"), N_("Business line"), N_("Out of area"),
    N_("After hours"), N_("Intake"), N_("Mobile"), N_("Text"), N_("Also"), N_("Main"), N_("Office"),
    N_("Crisis line"))}


class PhoneError(DirectoryError, ValueError):
    """A phone number cannot be read; its Message says why, in any language (a loaded file's problems are held)."""


def normalise_phone(value: str) -> str:
    """A phone number in national format for US numbers (with any extension), international otherwise."""
    text = value.strip()
    dialled = _DIAL_SUFFIX.match(text)
    if dialled:
        return normalise_phone(dialled["number"]) + dialled["suffix"]
    if re.sub(r"\D", "", text) in SHORT_NUMBERS and len(re.sub(r"[\d\s().-]", "", text)) == 0:
        return re.sub(r"\D", "", text)
    try:
        parsed = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        raise PhoneError(Message(N_("'{value}' is not a phone number"), value=value)) from None
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneError(Message(N_("'{value}' is not a complete phone number"), value=value))
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def phone_link(value: str) -> str:
    """A tel: link for a stored phone number (extension included, as ';ext=')."""
    if value in SHORT_NUMBERS:
        return "tel:" + value
    dialled = _DIAL_SUFFIX.match(value)
    if dialled:
        return phone_link(dialled["number"]) + dialled["suffix"].replace("#", "%23")
    parsed = phonenumbers.parse(value, "US")
    link = "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return link + (f";ext={parsed.extension}" if parsed.extension else "")


def is_callable_label(label: str) -> bool:
    """Whether a number with this label can be called (a fax cannot)."""
    return not _NOT_CALLABLE.search(label)


def split_labelled(value: str) -> list[tuple[str, str]]:
    """'Intake: (215) 555-0100;Fax: ...' as (label, number) pairs; an item without a label is labelled 'Phone'."""
    pairs = []
    for item in (part.strip() for part in value.split(";")):
        if not item:
            continue
        found = _LABELLED.match(item)
        pairs.append((found["label"].strip(), found["number"]) if found else (PHONE_LABEL, item))
    return pairs


def label_words(label: str) -> str:
    """A stored phone label as shown: a common one ('Fax', 'Intake') in the chosen language, any other as written."""
    known = _KNOWN_LABELS.get(label.strip().lower())
    return _(known) if known else label


def join_labelled(pairs: list[tuple[str, str]]) -> str:
    """The stored cell for (label, number) pairs."""
    return ";".join(f"{label}: {number}" for label, number in pairs)


def normalise_labelled(value: str) -> str:
    """Check and normalise every labelled number; raises PhoneError naming the first bad one."""
    return join_labelled([(label, normalise_phone(number)) for label, number in split_labelled(value)])
