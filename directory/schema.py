"""The resource record: its columns, and validation with one clear message per field.

Every value is a string, as it is in the CSV. Lists are stored as keys joined by
";" (for example "emotional;affiliational"), and yes/no flags as "yes", "no" or
empty for "not known".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from dateutil.rrule import rrulestr
from email_validator import EmailNotValidError, validate_email

from directory import taxonomy as tx
from directory.errors import DirectoryError, Message, message_of
from directory.hours import HoursError, format_hours, parse_hours
from directory.i18n import N_, current_language
from directory.phones import PhoneError, normalise_labelled, normalise_phone, phone_link  # noqa: F401 (re-exported)
from directory.text import clean_text

LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Field:
    """One column of the resource CSV."""

    name: str
    kind: str
    doc: str
    required: bool = False
    max_length: int = 200
    terms: tuple[tx.Term, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("id", "id", N_("Stable identifier; assigned by the store for new entries."), True, 64),
    Field("external_id", "text", N_("Identifier in another system (a 211 export, a meeting feed)."), max_length=200),
    Field("name", "text", N_("Name of the resource."), True),
    Field("organization", "text", N_("Organization that runs it.")),
    Field("description", "multiline", N_("What it offers, in plain words."), max_length=10000),
    Field("name_es", "text", N_("The name in Spanish, when it has one (shown when Spanish is chosen).")),
    Field("description_es", "multiline", N_("The description in Spanish (shown when Spanish is chosen)."),
          max_length=10000),
    Field("category", "choice", N_("One category key."), True, terms=tx.CATEGORIES),
    Field("support_types", "choices", N_("One or more support-type keys."), True, terms=tx.SUPPORT_TYPES),
    Field("dimensions", "choices", N_("Recovery dimensions served."), terms=tx.RECOVERY_DIMENSIONS),
    Field("stages", "choices", N_("Stages of treatment served."), terms=tx.STAGES),
    Field("attendance", "choice", N_("How people take part."), terms=tx.ATTENDANCE),
    Field("populations", "choices", N_("Populations especially welcomed."), terms=tx.POPULATIONS),
    Field("pathways", "choices", N_("Recovery pathways it follows or welcomes; none ranked above another."),
          terms=tx.PATHWAYS),
    Field("languages", "list", N_("Languages offered, e.g. 'English;Spanish'."), max_length=300),
    Field("cost", "choices", N_("Cost options."), terms=tx.COSTS),
    Field("accessibility", "choices", N_("Accessibility features."), terms=tx.ACCESSIBILITY),
    Field("moud_welcome", "yesno", N_("'yes' when people taking medication for OUD are welcome."), terms=tx.YES_NO),
    Field("peer_run", "yesno", N_("'yes' when designed and delivered by peers."), terms=tx.YES_NO),
    Field("eligibility", "multiline", N_("Who can use it, in the source's own words."), max_length=2000),
    Field("tags", "list", N_("Free keywords for search, e.g. 'volleyball;sober fun'."), max_length=500),
    Field("location_name", "text", N_("Name of the venue or building.")),
    Field("address", "text", N_("Street address.")),
    Field("city", "text", N_("City or town."), max_length=100),
    Field("state", "state", N_("Two-letter state code."), max_length=2),
    Field("zip", "zip", N_("5-digit ZIP code (ZIP+4 accepted)."), max_length=10),
    Field("latitude", "latitude", N_("Latitude in decimal degrees."), max_length=20),
    Field("longitude", "longitude", N_("Longitude in decimal degrees."), max_length=20),
    Field("geocode_quality", "choice", N_("How the location was found."), terms=tx.GEOCODE_QUALITIES),
    Field("location_confidential", "yesno", N_("'yes' to show only the city and ZIP: never the street, a pin, "
                                            "directions or a distance finer than the ZIP."), terms=tx.YES_NO),
    Field("phone", "phone", N_("Phone number; stored normalised."), max_length=40),
    Field("other_phones", "labelled_phones", N_("More numbers with their labels, e.g. 'Intake: (215) 555-0100;"
                                             "Fax: (215) 555-0199'. A fax is never offered as a number to call."),
          max_length=500),
    Field("website", "url", N_("http(s) web address."), max_length=500),
    Field("email", "email", N_("E-mail address."), max_length=254),
    Field("hours", "hours", N_("Weekly hours, e.g. 'Mon-Fri 09:00-17:00; Sat closed'."), max_length=500),
    Field("hours_text", "multiline", N_("Hours as written by a source, when they cannot be structured."),
          max_length=2000),
    Field("event_start", "datetime", N_("Event start, local time 'YYYY-MM-DDTHH:MM'."), max_length=32),
    Field("event_end", "datetime", N_("Event end, local time 'YYYY-MM-DDTHH:MM'."), max_length=32),
    Field("event_timezone", "timezone", N_("IANA time zone of the event times, e.g. America/New_York."), max_length=64),
    Field("recurrence_rule", "rrule", N_("RFC 5545 rule, e.g. 'FREQ=WEEKLY;BYDAY=TH'."), max_length=300),
    Field("conference_url", "url", N_("Link to join online."), max_length=500),
    Field("conference_phone", "phone", N_("Phone number to join by phone."), max_length=40),
    Field("status", "choice", N_("active, inactive (retired) or pending (awaiting review)."), True, terms=tx.STATUSES),
    Field("review_reasons", "choices", N_("Why the entry waits for a peer leader's review (set by an import)."),
          terms=tx.REVIEW_REASONS),
    Field("review_notes", "multiline", N_("What an import found and kept for review, with its evidence."),
          max_length=20000),
    Field("last_verified", "date", N_("Date a peer leader last checked it (YYYY-MM-DD)."), max_length=10),
    Field("verified_by", "text", N_("Who last checked it."), max_length=100),
    Field("created_at", "timestamp", N_("When it was created (UTC, ISO 8601)."), max_length=32),
    Field("created_by", "text", N_("Who created it."), max_length=100),
    Field("updated_at", "timestamp", N_("When it was last changed (UTC, ISO 8601)."), max_length=32),
    Field("updated_by", "text", N_("Who last changed it."), max_length=100),
    Field("row_version", "version", N_("Increases by one on every change; guards against lost updates."), True, 12),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
# Columns the store keeps itself on every write; no editor, import or caller sets them.
STORE_KEPT: tuple[str, ...] = ("row_version", "created_at", "created_by", "updated_at", "updated_by")
# An entry's identity and bookkeeping: never changed by an edit or an update.
UNCHANGEABLE: tuple[str, ...] = ("id", *STORE_KEPT)

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ZIP = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")
_POSTAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$")
_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
    "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split()
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class FieldError(DirectoryError, ValueError):
    """A single field's value is not acceptable; the message says why (`message` keeps its id and values)."""

    @property
    def message(self) -> Message:
        """The message, which can be said again in another language."""
        return message_of(self)


_IS_REQUIRED = N_("is required")


def _required() -> Message:
    return Message(_IS_REQUIRED)


def _is_required(message: str | None) -> bool:
    # By id, not text: the text is in the language of whoever validated.
    return getattr(message, "msgid", message) == _IS_REQUIRED


@dataclass(frozen=True)
class ValidationResult:
    """Normalised values for every column, and a message for each bad field."""

    values: dict[str, str]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def split_list(value: str) -> list[str]:
    """Split a stored list cell into its items."""
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def join_list(items: list[str] | tuple[str, ...]) -> str:
    """Join items into a stored list cell."""
    return LIST_SEPARATOR.join(items)


def _term_key(terms: tuple[tx.Term, ...], raw: str, what: str) -> str:
    wanted = raw.strip().lower()
    for term in terms:
        if (wanted in (term.key, term.english_label.lower(), term.label.lower())
                or wanted.replace(" ", "_").replace("-", "_") == term.key):
            return term.key
    options = ", ".join(term.key for term in terms)
    raise FieldError(Message(N_("unknown {what} '{raw}'; use one of: {options}"), what=what, raw=raw, options=options))


def _check_choice(value: str, f: Field) -> str:
    return _term_key(f.terms, value, f.name.replace("_", " "))


def _check_choices(value: str, f: Field) -> str:
    chosen: list[str] = []
    for item in split_list(value):
        key = _term_key(f.terms, item, f.name.rstrip("s").replace("_", " "))
        if key not in chosen:
            chosen.append(key)
    return join_list(chosen)


def _check_list(value: str, f: Field) -> str:
    return join_list(list(dict.fromkeys(split_list(value))))


def _check_yesno(value: str, f: Field) -> str:
    lowered = value.lower()
    if lowered in ("yes", "y", "true", "1"):
        return "yes"
    if lowered in ("no", "n", "false", "0"):
        return "no"
    raise FieldError(Message(N_("use yes, no, or leave empty when not known")))


def _check_coordinate(value: str, limit: float) -> str:
    try:
        number = float(value)
    except ValueError:
        raise FieldError(Message(N_("'{value}' is not a number"), value=value)) from None
    if not -limit <= number <= limit:
        raise FieldError(Message(N_("must be between -{limit} and {limit}"), limit=f"{limit:g}"))
    return f"{number:.6f}".rstrip("0").rstrip(".")


def _check_zip(value: str, f: Field) -> str:
    match = _ZIP.match(value)
    if not match and _POSTAL.match(value) and any(c.isalpha() for c in value) and any(c.isdigit() for c in value):
        # Another country's postal code (Canada's "T6E 4E8", the UK's "SW1A 1AA"), kept as given. It has letters
        # and digits both: all digits is read as a US ZIP, and a word ("abc") is no postal code.
        return value.upper()
    if not match:
        raise FieldError(Message(N_("use a 5-digit ZIP code such as 19104 "
                                    "(or another country's postal code as written)")))
    return match[1] + (f"-{match[2]}" if match[2] else "")


def _check_state(value: str, f: Field) -> str:
    if value.upper() not in _STATES:
        raise FieldError(Message(N_("use a two-letter state code such as PA")))
    return value.upper()


def _check_phone(value: str, f: Field) -> str:
    try:
        return normalise_phone(value)
    except PhoneError as error:
        raise FieldError(message_of(error)) from None


def _check_labelled_phones(value: str, f: Field) -> str:
    try:
        return normalise_labelled(value)
    except PhoneError as error:
        raise FieldError(message_of(error)) from None


def _check_url(value: str, f: Field) -> str:
    if " " in value:
        raise FieldError(Message(N_("a web address cannot contain spaces")))
    if not _SCHEME.match(value):
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise FieldError(Message(N_("only http:// and https:// links are allowed")))
    if not parts.hostname or "." not in parts.hostname:
        raise FieldError(Message(N_("'{value}' is not a web address"), value=value))
    return value


def _check_email(value: str, f: Field) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise FieldError(message_of(error)) from None


def _check_date(value: str, f: Field) -> str:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise FieldError(Message(N_("use an ISO date such as 2025-03-31"))) from None
    return day.isoformat()


def _check_datetime(value: str, f: Field) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(Message(N_("use an ISO date and time such as 2025-03-31T19:00"))) from None
    if moment.tzinfo is not None:
        raise FieldError(Message(N_("give local time without an offset, and the zone in event_timezone")))
    return moment.isoformat(timespec="minutes")


def _check_timestamp(value: str, f: Field) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(Message(N_("use an ISO timestamp such as 2025-03-31T19:00:00Z"))) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check_timezone(value: str, f: Field) -> str:
    if value not in _timezones():
        raise FieldError(Message(N_("unknown time zone '{value}'; use a name such as America/New_York"), value=value))
    return value


def _timezones() -> set[str]:
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = available_timezones()
    return _TIMEZONES


_TIMEZONES: set[str] | None = None


def _check_rrule(value: str, f: Field) -> str:
    rule = value.removeprefix("RRULE:").strip().upper()
    if not rule.startswith("FREQ=") and ";FREQ=" not in rule:
        raise FieldError(Message(N_("a recurrence rule needs FREQ, e.g. FREQ=WEEKLY;BYDAY=TH")))
    try:
        rrulestr(rule, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError) as error:
        raise FieldError(Message(N_("not a valid recurrence rule: {error}"), error=str(error))) from None
    return rule


def _check_hours(value: str, f: Field) -> str:
    try:
        return format_hours(parse_hours(value))
    except HoursError as error:
        raise FieldError(message_of(error)) from None


def _check_id(value: str, f: Field) -> str:
    if not ID_PATTERN.match(value):
        raise FieldError(Message(N_("use letters, digits, '-', '_' or '.', at most 64 characters")))
    return value


def _check_version(value: str, f: Field) -> str:
    if not value.isdigit() or int(value) < 1:
        raise FieldError(Message(N_("must be a whole number of 1 or more")))
    return str(int(value))


_CHECKS = {
    "id": _check_id,
    "choice": _check_choice,
    "choices": _check_choices,
    "list": _check_list,
    "yesno": _check_yesno,
    "latitude": lambda v, f: _check_coordinate(v, 90),
    "longitude": lambda v, f: _check_coordinate(v, 180),
    "zip": _check_zip,
    "state": _check_state,
    "phone": _check_phone,
    "labelled_phones": _check_labelled_phones,
    "url": _check_url,
    "email": _check_email,
    "date": _check_date,
    "datetime": _check_datetime,
    "timestamp": _check_timestamp,
    "timezone": _check_timezone,
    "rrule": _check_rrule,
    "hours": _check_hours,
    "version": _check_version,
}


# Checks worth remembering: imports repeat the same phone formats, states, zones and rules thousands of times.
_REMEMBERED_KINDS = frozenset({"phone", "labelled_phones", "url", "email", "timezone", "rrule", "hours", "choice",
                               "choices", "yesno", "state", "zip", "datetime", "timestamp"})


@lru_cache(maxsize=65_536)
def _remembered(name: str, raw: str, language: str) -> tuple[str, Message | None]:
    # Errors are remembered as messages so a cached failure raises a fresh exception each time; the language is
    # part of the key because a message's text is in the language it was made in.
    try:
        return _validate_uncached(name, raw), None
    except FieldError as error:
        return "", error.message


def validate_field(name: str, raw: str) -> str:
    """Clean and check one value; returns the normalised value or raises FieldError."""
    if not raw:
        if FIELD_BY_NAME[name].required:
            raise FieldError(_required())
        return ""
    if FIELD_BY_NAME[name].kind in _REMEMBERED_KINDS and len(raw or "") <= 500:
        value, error = _remembered(name, raw or "", current_language())
        if error is not None:
            raise FieldError(error)
        return value
    return _validate_uncached(name, raw)


def _validate_uncached(name: str, raw: str) -> str:
    f = FIELD_BY_NAME[name]
    value = clean_text(raw or "", multiline=f.kind == "multiline")
    if not value:
        if f.required:
            raise FieldError(_required())
        return ""
    if len(value) > f.max_length:
        raise FieldError(Message(N_("is too long ({length} characters; at most {limit})"), length=len(value),
                                 limit=f.max_length))
    check = _CHECKS.get(f.kind)
    return check(value, f) if check else value


# An entry nobody can see yet (pending review) or any more (retired) may still lack a classification.
_OPTIONAL_WHILE_PENDING = ("category", "support_types")
_UNLISTED_STATUSES = ("pending", "inactive")


def _cross_checks(values: dict[str, str], errors: dict[str, str]) -> None:
    if values.get("status") in _UNLISTED_STATUSES:
        for name in _OPTIONAL_WHILE_PENDING:
            if _is_required(errors.get(name)):
                del errors[name]
    has_lat, has_lon = bool(values.get("latitude")), bool(values.get("longitude"))
    if has_lat != has_lon and "latitude" not in errors and "longitude" not in errors:
        errors["longitude" if has_lat else "latitude"] = Message(N_("give both latitude and longitude, or neither"))
    if has_lat and has_lon and not values.get("geocode_quality") and "geocode_quality" not in errors:
        errors["geocode_quality"] = Message(N_("say how the location was found (for example zip_centroid or manual)"))
    start, end = values.get("event_start"), values.get("event_end")
    if start and end and "event_start" not in errors and "event_end" not in errors and end <= start:
        errors["event_end"] = Message(N_("must be after the event start"))
    if end and not start and "event_start" not in errors:
        errors["event_start"] = Message(N_("an event with an end needs a start"))
    if values.get("recurrence_rule") and not start and "event_start" not in errors:
        errors["event_start"] = Message(N_("a recurring event needs a first start"))
    if _verified_after_saving(values) and "last_verified" not in errors:
        errors["last_verified"] = Message(N_("cannot be in the future"))
    if (values.get("moud_welcome") == "no" and tx.MEDICATION_PATHWAY in split_list(values.get("pathways", ""))
            and "pathways" not in errors):
        errors["pathways"] = Message(N_("says medication-supportive, but 'Medication for OUD welcome' says no: "
                                         "change one of them"))


# A day's grace, because last_verified is a date in the directory's zone and updated_at a UTC moment.
_ZONE_GRACE = timedelta(days=1)


def _verified_after_saving(values: Mapping[str, str]) -> bool:
    # The store stamps updated_at from its clock (DIRECTORY_NOW when set) on every save, so "the future"
    # is judged against the save itself, never against the machine's own date.
    verified, saved = values.get("last_verified"), values.get("updated_at")
    if not verified or not saved:
        return False
    try:
        return date.fromisoformat(verified) > datetime.fromisoformat(saved.replace("Z", "+00:00")).date() + _ZONE_GRACE
    except ValueError:
        return False


_REQUIRED = tuple(f.name for f in FIELDS if f.required)
_COLUMN_SET = frozenset(COLUMNS)


def rule_errors(values: Mapping[str, str]) -> dict[str, str]:
    """The record-wide rules alone (required fields, rules across fields), for values already validated."""
    errors = {name: _required() for name in _REQUIRED if not values.get(name)}
    _cross_checks(dict(values), errors)
    return errors


@lru_cache(maxsize=64)
def _fields_to_check(normalised: frozenset[str]) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.name not in normalised)


def validate_record(raw: Mapping[str, str], *, require_id: bool = True,
                    normalised: frozenset[str] = frozenset()) -> ValidationResult:
    """Check every column of a record; unknown columns are ignored here.

    `normalised` names columns whose values already came out of `validate_field` (an import's salvage): they
    are taken as they are, and only the rules across columns are checked for them.
    """
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if normalised:
        values = dict(raw) if raw.keys() == _COLUMN_SET else {name: raw.get(name, "") for name in COLUMNS}
        for name in _REQUIRED:
            if name in normalised and not values[name] and (require_id or name not in ("id", "row_version")):
                errors[name] = _required()
    for f in _fields_to_check(normalised):
        cell = raw.get(f.name, "")
        cell = "" if cell is None else str(cell)
        if f.name in ("id", "row_version") and not require_id and not cell.strip():
            values[f.name] = ""
            continue
        try:
            values[f.name] = validate_field(f.name, cell)
        except FieldError as error:
            values[f.name] = clean_text(cell)
            errors[f.name] = error.message
    _cross_checks(values, errors)
    return ValidationResult(values, errors)
