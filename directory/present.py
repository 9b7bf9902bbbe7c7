"""Plain-text presentation of a resource, shared by the pages, the CLI and the map."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import phonenumbers

from directory import taxonomy as tx
from directory.hours import DAY_NAMES, HoursError, format_hours, parse_hours
from directory.i18n import N_, _, babel_locale, current_language, ngettext, number
from directory.phones import is_callable_label, label_words, phone_link, split_labelled
from directory.privacy import CONFIDENTIAL_LOCATION, is_confidential
from directory.schedule import clock, day_words, event_zone_name, with_zone
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
    return separator.join(part for part in (_(CONFIDENTIAL_LOCATION), full_address(row)) if part)


def is_online_only(row: Mapping[str, str]) -> bool:
    """Whether an entry meets only online: attendance 'online', or none given with a meeting link and no street."""
    attendance = row.get("attendance", "")
    if attendance:
        return attendance == "online"
    return bool(row.get("conference_url")) and not row.get("address")


def directions_url(row: Mapping[str, str]) -> str:
    """An OpenStreetMap directions link to the resource; '' when it has no location, is confidential or online."""
    lat, lon = row.get("latitude", ""), row.get("longitude", "")
    # An online meeting's coordinates are its ZIP's center: there is nowhere to travel to.
    if lat and lon and not is_confidential(row) and not is_online_only(row):
        return f"https://www.openstreetmap.org/directions?route=%3B{quote(lat)}%2C{quote(lon)}"
    return ""


def distance_label(miles: float | None, *, zip_area: bool = False) -> str:
    """'0.4 mi' or '12 mi'; 'about 3 mi (ZIP area)' for a distance to a ZIP's center; empty when unknown."""
    if miles is None or (isinstance(miles, float) and math.isnan(miles)):
        return ""
    if zip_area:
        # Whole miles only: the distance is to the center of the ZIP, not to the place.
        return _("about {miles} mi (ZIP area)").format(miles=number(max(1, round(miles))))
    return _("{miles} mi").format(miles=number(miles, digits=1) if miles < 10 else number(miles))


def distance_text(row: Mapping[str, str], miles: float | None) -> str:
    """The distance to show for an entry: never finer than the ZIP when confidential, and none when online only."""
    if is_online_only(row):
        return ""
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
        return _("{label}: {number}").format(label=self.label, number=self.number)


def other_phones(row: Mapping[str, str]) -> list[LabelledPhone]:
    """The entry's extra numbers with their labels as shown (common ones translated); a fax, or a number that
    cannot be read, gets no link."""
    phones = []
    for label, dialled in split_labelled(row.get("other_phones", "") or ""):
        link = ""
        if is_callable_label(label):
            try:
                link = phone_link(dialled)
            except phonenumbers.NumberParseException:
                link = ""  # kept as text a person can read, never guessed into a number
        phones.append(LabelledPhone(label_words(label), dialled, link))
    return phones


def result_count(count: int) -> str:
    """'1 result' or '12 results' ('1 resultado', '12 resultados')."""
    return ngettext("{count} result", "{count} results", count).format(count=number(count))


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


# The stored rule's day codes, Monday first as Babel numbers them.
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_ORDINALS = {"1": N_("First"), "2": N_("Second"), "3": N_("Third"), "4": N_("Fourth"), "-1": N_("Last")}


def _day_name(day: int, width: str = "wide") -> str:
    """A weekday's name in the current language: 'Thursday' / 'jueves', or 'Thu' / 'jue' abbreviated."""
    from babel.dates import get_day_names

    return get_day_names(width, locale=babel_locale())[day]


def _and_list(words: list[str]) -> str:
    """'Monday', 'Monday and Thursday', 'Monday, Tuesday and Thursday' in the current language."""
    if len(words) < 2:
        return "".join(words)
    return _("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])


def _rule_words(rule: str) -> str:
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if parts.get("FREQ") == "WEEKLY" and parts.get("INTERVAL", "1") == "1" and all(d in _WEEKDAYS for d in days):
        if not days:
            return _("Every week")
        return _("Every {days}").format(days=_and_list([_day_name(_WEEKDAYS[d]) for d in days]))
    if parts.get("FREQ") == "MONTHLY" and len(days) == 1:
        ordinal, day = days[0][:-2], days[0][-2:]
        if ordinal in _ORDINALS and day in _WEEKDAYS:
            return _("{ordinal} {day} of each month").format(ordinal=_(_ORDINALS[ordinal]),
                                                             day=_day_name(_WEEKDAYS[day]))
    if parts.get("FREQ") == "DAILY" and parts.get("INTERVAL", "1") == "1":
        return _("Every day")
    return _("Repeats")


def event_summary(row: Mapping[str, str], directory_zone: str) -> str:
    """When an event happens in plain words, e.g. 'Every Thursday, 7 pm – 9 pm Eastern'."""
    if not row.get("event_start"):
        return ""
    start = datetime.fromisoformat(row["event_start"])
    end = datetime.fromisoformat(row["event_end"]) if row.get("event_end") else None
    times = clock(start) + (f" – {clock(end)}" if end else "")
    day = _rule_words(row["recurrence_rule"]) if row.get("recurrence_rule") else day_words(start, short=True, year=True)
    when = _("{day}, {times}").format(day=day, times=times)
    return with_zone(when, event_zone_name(row, directory_zone), directory_zone)


def _minute_words(minute: int) -> str:
    if minute % 1440 == 0:
        return _("midnight")
    if minute == 720:
        return _("noon")
    return clock(datetime(2000, 1, 1, minute // 60, minute % 60))


def hours_words(hours: str) -> str:
    """Weekly hours as people read them, e.g. 'Mon–Fri 9 am – 5 pm; Sat closed'; unreadable text as written."""
    try:
        week = parse_hours(hours)
    except HoursError:
        return hours
    parts = []
    # The canonical text already joins runs of days with equal hours; only its words change here.
    for part in format_hours(week).split("; "):
        names = part.split(" ", 1)[0].split("-")
        first = DAY_NAMES.index(names[0])
        days = "–".join(_short_day(name) for name in names)
        ranges = week[first]
        if not ranges:
            parts.append(_("{days} closed").format(days=days))
        elif ranges == [(0, 1440)]:
            parts.append(_("{days} open 24 hours").format(days=days))
        else:
            times = ", ".join(f"{_minute_words(s)} – {_minute_words(e)}" for s, e in ranges)
            parts.append(_("{days} {times}").format(days=days, times=times))
    return "; ".join(parts)


def _short_day(name: str) -> str:
    # English keeps the stored abbreviations ('Thu'); another language takes Babel's ('jue').
    return name if current_language() == "en" else _day_name(DAY_NAMES.index(name), "abbreviated")
