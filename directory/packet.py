"""Resource packets: a short list of entries a peer leader hands to someone, carried only by resource ids.

A packet is never stored. Its share link holds the ids and nothing else; the note for the person exists only
in the session and in the download made from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import pandas as pd
import phonenumbers

from directory.crisis import crisis_text
from directory.present import category_label, hours_words, other_phones, place_text, support_types_of
from directory.privacy import public_record
from directory.routes import PACKET_PARAM, url_of
from directory.schedule import clock, day_words, next_occurrence, with_zone, zone_label, zone_name_of
from directory.schema import ID_PATTERN, phone_link

MAX_ENTRIES = 20
NOTE_MAX_CHARS = 300
NO_LONGER_LISTED = "no longer listed"


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
    """The link that rebuilds a packet: `<base>/packet?ids=ID1,ID2` (relative when no base is known)."""
    return f"{base_url.rstrip('/')}{url_of('pages/packet.py')}?{PACKET_PARAM}={','.join(ids)}"


def base_url_of(page_url: str) -> str:
    """The scheme and host of a page address, e.g. 'https://help.example.org'; '' when there is none."""
    parts = urlsplit(page_url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def build_packet(frame: pd.DataFrame, ids: Iterable[str]) -> list[PacketEntry]:
    """The packet's entries in order, as a visitor may see them; an id that is gone or no longer active has no row."""
    active = frame[frame["status"] == "active"].set_index("id", drop=False)
    # A packet is handed out, so even a frame read straight from the store gives only the public record.
    return [PacketEntry(i, public_record(active.loc[i].to_dict()) if i in active.index else None) for i in ids]


def offers(row: Mapping[str, str]) -> str:
    """What an entry offers, in plain words: its category and kinds of support."""
    kinds = ", ".join(t.label.lower() for t in support_types_of(row))
    return f"{category_label(row.get('category', ''))}" + (f" ({kinds} support)" if kinds else "")


def when_text(row: Mapping[str, str], now: datetime) -> str:
    """Opening hours, or the next time an event meets after now (Settings.current_time(), in the directory's
    zone), with the zone as people read it: 'Eastern', or named in full when the event keeps another zone."""
    directory_zone = zone_name_of(now)
    if row.get("event_start"):
        sitting = next_occurrence(row, now)
        if sitting is None:
            return ""
        when = f"{day_words(sitting.start)}, {clock(sitting.start)}"
        return "Next: " + with_zone(when, zone_name_of(sitting.start), directory_zone)
    if row.get("hours"):
        zone = zone_label(directory_zone, directory_zone)
        return f"Hours: {hours_words(row['hours'])}" + (f" ({zone} time)" if zone else "")
    return f"Hours: {row['hours_text']}" if row.get("hours_text") else ""


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
    verified = f"Last checked by a peer leader: {row['last_verified']}" if row.get("last_verified") else (
        "Not yet checked by a peer leader")
    phones = ([EntryLine("Phone: ", row["phone"], _call_link(row["phone"]))] if row.get("phone") else []) + [
        EntryLine(f"{extra.label}: ", extra.number, extra.link) for extra in other_phones(row)]
    lines = [EntryLine(offers(row)), EntryLine(place_text(row)), *phones,
             EntryLine(f"Join online: {row['conference_url']}" if row.get("conference_url") else ""),
             EntryLine(when_text(row, now)), EntryLine(verified)]
    return [line for line in lines if line.text]


def entry_lines(row: Mapping[str, str], now: datetime) -> list[str]:
    """The lines a packet shows for one entry after its name, as plain text."""
    return [line.text for line in entry_details(row, now)]


def packet_text(entries: list[PacketEntry], now: datetime, note: str = "", link: str = "") -> str:
    """A plain-text packet for a text message or an e-mail: name, phone and place for each, then the crisis lines."""
    lines = ["Places that could help:"]
    for n, entry in enumerate(entries, start=1):
        if not entry.listed:
            lines.append(f"{n}. ({NO_LONGER_LISTED})")
            continue
        row = entry.row
        details = [row.get("phone", ""), *(extra.text for extra in other_phones(row)),
                   place_text(row) or row.get("conference_url", ""), when_text(row, now)]
        lines.append(f"{n}. {row['name']}" + "".join(f"\n   {d}" for d in details if d))
    if note.strip():
        lines.append(f"Note: {note.strip()[:NOTE_MAX_CHARS]}")
    if link:
        lines.append(f"Open the list: {link}")
    lines += ["In crisis? " + "; ".join(crisis_text())]
    return "\n".join(lines) + "\n"
