"""Resource packets: a short list of entries a peer leader hands to someone, carried only by resource ids.

A packet is never stored. Its share link holds the ids (and the language it was made in, ?lang=es, when that is
not the default) and nothing else; the note for the person exists only in the session and in the download made
from it. Every word a packet shows is in the current language (directory.i18n).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import pandas as pd
import phonenumbers

from directory.crisis import crisis_text
from directory.entry_language import entry_text
from directory.i18n import N_, _
from directory.present import category_label, hours_words, other_phones, place_text, support_types_of
from directory.privacy import public_record
from directory.routes import PACKET_PARAM, language_params, url_of
from directory.schedule import clock, day_words, next_occurrence, with_zone, zone_label, zone_name_of
from directory.schema import ID_PATTERN, phone_link

MAX_ENTRIES = 20
NOTE_MAX_CHARS = 300
# A message id: shown as _(NO_LONGER_LISTED).
NO_LONGER_LISTED = N_("no longer listed")


@dataclass(frozen=True)
class PacketEntry:
    """One id of a packet and, while it is listed, its directory row."""

    resource_id: str
    row: Mapping[str, str] | None

    @property
    def listed(self) -> bool:
        return self.row is not None


def parse_ids(text: str) -> list[str]:
    """The ids of a share link's `ids` value: well-formed ones only, first occurrence kept, at most MAX_ENTRIES."""
    ids = [part.strip() for part in text.split(",")]
    return list(dict.fromkeys(i for i in ids if ID_PATTERN.match(i)))[:MAX_ENTRIES]


def share_link(ids: Iterable[str], base_url: str = "") -> str:
    """The link that rebuilds a packet: `<base>/packet?ids=ID1,ID2`, plus `&lang=es` when Spanish is chosen."""
    # The commas stay as written (ids never hold one), so the link reads plainly in a text message.
    query = f"{PACKET_PARAM}={','.join(ids)}" + "".join(f"&{key}={value}" for key, value in language_params().items())
    return f"{base_url.rstrip('/')}{url_of('pages/packet.py')}?{query}"


def base_url_of(page_url: str) -> str:
    """The scheme and host of a page address, e.g. 'https://help.example.org'; '' when there is none."""
    parts = urlsplit(page_url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def build_packet(frame: pd.DataFrame, ids: Iterable[str]) -> list[PacketEntry]:
    """The packet's entries in order, as a visitor may see them; an id that is gone or no longer active has no row."""
    active = frame[frame["status"] == "active"].set_index("id", drop=False)
    # A packet is handed out, so even a frame read straight from the store gives only the public record.
    return [PacketEntry(i, public_record(active.loc[i].to_dict()) if i in active.index else None) for i in ids]


def entry_name(row: Mapping[str, str]) -> str:
    """An entry's name in the current language where it has one, marked when it is only in the other language."""
    name = entry_text(row, "name")
    note = name.note()
    return _("{name} ({note})").format(name=name.text, note=note) if note else name.text


def offers(row: Mapping[str, str]) -> str:
    """What an entry offers, in plain words: its category and kinds of support."""
    category = category_label(row.get("category", ""))
    kinds = ", ".join(t.label.lower() for t in support_types_of(row))
    return _("{category} ({kinds} support)").format(category=category, kinds=kinds) if kinds else category


def when_text(row: Mapping[str, str], now: datetime) -> str:
    """Opening hours, or the next time an event meets after now (Settings.current_time(), in the directory's
    zone), with the zone as people read it: 'Eastern', or named in full when the event keeps another zone."""
    directory_zone = zone_name_of(now)
    if row.get("event_start"):
        sitting = next_occurrence(row, now)
        if sitting is None:
            return ""
        when = _("{day}, {time}").format(day=day_words(sitting.start), time=clock(sitting.start))
        return _("Next: {when}").format(when=with_zone(when, zone_name_of(sitting.start), directory_zone))
    if row.get("hours"):
        zone = zone_label(directory_zone, directory_zone)
        hours = hours_words(row["hours"])
        return (_("Hours: {hours} ({zone} time)").format(hours=hours, zone=zone) if zone
                else _("Hours: {hours}").format(hours=hours))
    return _("Hours: {hours}").format(hours=row["hours_text"]) if row.get("hours_text") else ""


@dataclass(frozen=True)
class EntryLine:
    """One line of a packet entry: its text, and for a number that can be called, the number and its tel: link."""

    lead: str
    number: str = ""
    link: str = ""

    @property
    def text(self) -> str:
        """The whole line as plain text, for print, PDF and messages."""
        return self.lead + self.number


def _call_link(number: str) -> str:
    try:
        return phone_link(number)
    except phonenumbers.NumberParseException:
        return ""  # shown as text a person can read, never guessed into a number


def entry_details(row: Mapping[str, str], now: datetime) -> list[EntryLine]:
    """The lines a packet shows for one entry after its name, each phone number with its tel: link."""
    verified = (_("Last checked by a peer leader: {date}").format(date=row["last_verified"])
                if row.get("last_verified") else _("Not yet checked by a peer leader"))
    phones = ([EntryLine(_("Phone:") + " ", row["phone"], _call_link(row["phone"]))] if row.get("phone") else []) + [
        EntryLine(f"{extra.label}: ", extra.number, extra.link) for extra in other_phones(row)]
    lines = [EntryLine(offers(row)), EntryLine(place_text(row)), *phones,
             EntryLine(join_online(row.get("conference_url", ""))), EntryLine(when_text(row, now)),
             EntryLine(verified)]
    return [line for line in lines if line.text]


def join_online(url: str) -> str:
    """'Join online: <link>' in the current language; '' when there is no link."""
    return _("Join online: {link}").format(link=url) if url else ""


def entry_lines(row: Mapping[str, str], now: datetime) -> list[str]:
    """The lines a packet shows for one entry after its name, as plain text."""
    return [line.text for line in entry_details(row, now)]


def packet_text(entries: list[PacketEntry], now: datetime, note: str = "", link: str = "") -> str:
    """A plain-text packet for a text message or an e-mail: name, phone and place for each, then the crisis lines."""
    lines = [_("Places that could help:")]
    for n, entry in enumerate(entries, start=1):
        if not entry.listed:
            lines.append(f"{n}. ({_(NO_LONGER_LISTED)})")
            continue
        row = entry.row
        details = [row.get("phone", ""), *(extra.text for extra in other_phones(row)),
                   place_text(row) or row.get("conference_url", ""), when_text(row, now)]
        lines.append(f"{n}. {entry_name(row)}" + "".join(f"\n   {d}" for d in details if d))
    if note.strip():
        lines.append(_("Note: {note}").format(note=note.strip()[:NOTE_MAX_CHARS]))
    if link:
        lines.append(_("Open the list: {link}").format(link=link))
    # The short heading keeps a three-place packet within a text message or two.
    lines += [_("In crisis?") + " " + "; ".join(crisis_text())]
    return "\n".join(lines) + "\n"
