"""Plain-text presentation of a resource, shared by the pages, the CLI and the map."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import phonenumbers

from directory import taxonomy as tx
from directory.phones import is_callable_label, phone_link, split_labelled
from directory.privacy import CONFIDENTIAL_LOCATION, is_confidential
from directory.schedule import event_zone_name
from directory.schema import split_list


def full_address(row: Mapping[str, str]) -> str:
    """Street, city, state and ZIP joined the way an envelope shows them; never a confidential entry's street."""
    place = " ".join(part for part in (row.get("state", ""), row.get("zip", "")) if part)
    city_line = ", ".join(part for part in (row.get("city", ""), place) if part)
    # Checked here as well as in the public view, so a row read straight from the store cannot leak either.
    street = "" if is_confidential(row) else row.get("address", "")
    return ", ".join(part for part in (street, city_line) if part)


def place_text(row: Mapping[str, str], separator: str = " · ") -> str:
    """Where an entry is, as a visitor may see it: its address, or 'Confidential location · City, ST ZIP'."""
    if not is_confidential(row):
        return full_address(row)
    return separator.join(part for part in (CONFIDENTIAL_LOCATION, full_address(row)) if part)


def directions_url(row: Mapping[str, str]) -> str:
    """An OpenStreetMap directions link to the resource; '' when it has no location or it is confidential."""
    lat, lon = row.get("latitude", ""), row.get("longitude", "")
    if lat and lon and not is_confidential(row):
        return f"https://www.openstreetmap.org/directions?route=%3B{quote(lat)}%2C{quote(lon)}"
    return ""


def distance_label(miles: float | None, *, zip_area: bool = False) -> str:
    """'0.4 mi' or '12 mi'; 'about 3 mi (ZIP area)' for a distance to a ZIP's centre; empty when unknown."""
    if miles is None or (isinstance(miles, float) and math.isnan(miles)):
        return ""
    if zip_area:
        # Whole miles only: the distance is to the centre of the ZIP, not to the place.
        return f"about {max(1, round(miles))} mi (ZIP area)"
    return f"{miles:.1f} mi" if miles < 10 else f"{miles:.0f} mi"


def distance_text(row: Mapping[str, str], miles: float | None) -> str:
    """The distance to show for an entry: never finer than the ZIP when its location is confidential."""
    return distance_label(miles, zip_area=is_confidential(row))


@dataclass(frozen=True)
class LabelledPhone:
    """One of an entry's extra numbers: its label, the number, and a tel: link ('' when it cannot be called)."""

    label: str
    number: str
    link: str

    @property
    def text(self) -> str:
        """'Label: number', as printed in packets (never a link)."""
        return f"{self.label}: {self.number}"


def other_phones(row: Mapping[str, str]) -> list[LabelledPhone]:
    """The entry's extra numbers with their labels; a fax, or a number that cannot be read, gets no link."""
    phones = []
    for label, number in split_labelled(row.get("other_phones", "") or ""):
        link = ""
        if is_callable_label(label):
            try:
                link = phone_link(number)
            except phonenumbers.NumberParseException:
                link = ""  # kept as text a person can read, never guessed into a number
        phones.append(LabelledPhone(label, number, link))
    return phones


def result_count(count: int) -> str:
    """'1 result' or '12 results'."""
    return f"{count:,} result" + ("" if count == 1 else "s")


def category_label(key: str) -> str:
    """The readable name of a category key."""
    return tx.label_of(tx.CATEGORIES, key)


def support_types_of(row: Mapping[str, str]) -> list[tx.SupportType]:
    """The support types of a row, in taxonomy order."""
    chosen = set(split_list(row.get("support_types", "")))
    return [t for t in tx.SUPPORT_TYPES if t.key in chosen]


def labels(terms: tuple[tx.Term, ...], cell: str) -> list[str]:
    """Readable labels for a stored list cell."""
    return [tx.label_of(terms, key) for key in split_list(cell)]


_WEEKDAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
             "SA": "Saturday", "SU": "Sunday"}
_ORDINALS = {"1": "First", "2": "Second", "3": "Third", "4": "Fourth", "-1": "Last"}


def _clock(moment: datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0").lower()


def _rule_words(rule: str) -> str:
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if parts.get("FREQ") == "WEEKLY" and parts.get("INTERVAL", "1") == "1" and all(d in _WEEKDAYS for d in days):
        return "Every " + " and ".join(_WEEKDAYS[d] for d in days) if days else "Every week"
    if parts.get("FREQ") == "MONTHLY" and len(days) == 1:
        ordinal, day = days[0][:-2], days[0][-2:]
        if ordinal in _ORDINALS and day in _WEEKDAYS:
            return f"{_ORDINALS[ordinal]} {_WEEKDAYS[day]} of each month"
    if parts.get("FREQ") == "DAILY" and parts.get("INTERVAL", "1") == "1":
        return "Every day"
    return "Repeats"


def event_summary(row: Mapping[str, str], directory_zone: str) -> str:
    """When an event happens in plain words, e.g. 'Every Thursday, 7:00 pm – 9:00 pm (America/New_York)'."""
    if not row.get("event_start"):
        return ""
    start = datetime.fromisoformat(row["event_start"])
    end = datetime.fromisoformat(row["event_end"]) if row.get("event_end") else None
    times = _clock(start) + (f" – {_clock(end)}" if end else "")
    zone = event_zone_name(row, directory_zone)
    if row.get("recurrence_rule"):
        when = f"{_rule_words(row['recurrence_rule'])}, {times}"
    else:
        when = f"{start.strftime('%a %d %b %Y')}, {times}"
    return f"{when} ({zone})"
