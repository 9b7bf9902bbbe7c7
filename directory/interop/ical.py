"""iCalendar (.ics) export of events: one event or a list, with recurrence rules, zones, place and link.

The output keeps to RFC 5545: every TZID a time names has its VTIMEZONE, with the zone's standard and
daylight transitions for the years the events span, and a rule's UNTIL is in UTC when its start has a zone.
The calendar also names the directory's zone (X-WR-TIMEZONE), which `ical_import` uses to read back an
export of this directory without changing what it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from directory.present import category_label, full_address, place_text
from directory.privacy import is_confidential
from directory.routes import detail_link
from directory.schedule import DEFAULT_EVENT_MINUTES, event_zone_name

PRODID = "-//Peer Recovery Support Directory//EN"
UID_SUFFIX = "@peer-recovery-directory"
# A rule with no end repeats for ever; its zone is described this many years past the last dated moment.
OPEN_ENDED_YEARS = 10


def event_calendar(rows: Iterable[Mapping[str, str]], *, directory_zone: str, base_url: str = "") -> bytes:
    """An .ics calendar with one VEVENT per entry that has an event start; others are skipped.

    An event naming no zone is in directory_zone (Settings.timezone).
    A confidential entry's LOCATION says so and gives only its city, state and ZIP.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", directory_zone)
    events: list[Event] = []
    zones: set[str] = set()
    stamp = datetime.now(UTC)
    first: date | None = None
    last = stamp.date()
    open_ended = False
    for row in rows:
        if not row.get("event_start"):
            continue
        zone_name = event_zone_name(row, directory_zone)
        zones.add(zone_name)
        zone = ZoneInfo(zone_name)
        start = datetime.fromisoformat(row["event_start"]).replace(tzinfo=zone)
        end = (datetime.fromisoformat(row["event_end"]).replace(tzinfo=zone) if row.get("event_end")
               else start + timedelta(minutes=DEFAULT_EVENT_MINUTES))
        event = Event()
        event.add("uid", f"{row['id']}{UID_SUFFIX}")
        event.add("summary", row["name"])
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("dtstamp", stamp)
        first = min(first or start.date(), start.date())
        last = max(last, end.date())
        if row.get("recurrence_rule"):
            rule = _utc_until(vRecur.from_ical(row["recurrence_rule"]), zone)
            event.add("rrule", rule)
            if rule.get("UNTIL"):
                last = max(last, rule["UNTIL"][0].date())
            else:  # a COUNT may run for years past the start, and no end runs for ever
                open_ended = True
        if is_confidential(row):
            place = place_text(row, ", ")
        else:
            place = ", ".join(p for p in (row.get("location_name", ""), full_address(row)) if p)
        if place:
            event.add("location", place)
        link = row.get("conference_url") or (base_url + detail_link(row["id"]) if base_url else row.get("website", ""))
        if link:
            event.add("url", link)
        description = [category_label(row.get("category", "")), row.get("description", "")]
        if row.get("conference_url"):
            description.append(f"Join online: {row['conference_url']}")
        if row.get("conference_phone"):
            description.append(f"Join by phone: {row['conference_phone']}")
        event.add("description", "\n".join(d for d in description if d))
        events.append(event)
    if first is not None:
        years = OPEN_ENDED_YEARS if open_ended else 1
        for name in sorted(zones):
            calendar.add_component(zone_component(name, first.year, last.year + years))
    for event in events:
        calendar.add_component(event)
    # calendar.to_ical(), with its lines folded by _fold: the same bytes in about half the time.
    return b"\r\n".join(_fold(line).encode("utf-8") for line in calendar.content_lines() if line) + b"\r\n"


# RFC 5545 (3.1) folds content lines longer than 75 octets. icalendar 7.3 folds one character at a time, which
# was 40% of the Events page when every card built its file; this writes the very same folds (each part at
# most 74 octets, an escaping backslash or caret never left at the end of a part) a part at a time.
_FOLD_AT = 75


def _fold(line: str) -> str:
    """A content line folded exactly as icalendar's Contentline.to_ical folds it."""
    if len(line) < _FOLD_AT and len(line.encode("utf-8")) < _FOLD_AT:
        return line
    parts: list[str] = []
    if line.isascii():
        while len(line) >= _FOLD_AT:
            cut = _FOLD_AT - 1 - (line[_FOLD_AT - 2] in "\\^")
            parts.append(line[:cut])
            line = line[cut:]
        return "\r\n ".join([*parts, line])
    part: list[str] = []
    size = 0
    for char in line:  # as icalendar does, counting each character's octets
        octets = len(char.encode("utf-8"))
        if part and size + octets >= _FOLD_AT:
            carried = [part.pop()] if len(part) > 1 and part[-1] in "\\^" else []
            parts.append("".join(part))
            part, size = carried, sum(len(c.encode("utf-8")) for c in carried)
        part.append(char)
        size += octets
    return "\r\n ".join([*parts, "".join(part)])


def zone_component(name: str, first_year: int, end_year: int) -> Timezone:
    """A VTIMEZONE for an IANA zone: its offset on 1 January of first_year, then every change before end_year.

    Each observance's DTSTART is the local time just before the change, read with its TZOFFSETFROM, as
    RFC 5545 (3.6.5) has it: spring forward in New York is 02:00 at -0500. (icalendar 7.3's own
    Calendar.add_missing_timezones writes 03:00 there, an hour late, so it is not used.)
    """
    component = Timezone()
    component.add("tzid", name)
    component.add("x-lic-location", name)
    for daylight, starts, offset_from, offset_to, abbreviation in _changes(name, first_year, end_year):
        observance = TimezoneDaylight() if daylight else TimezoneStandard()
        observance.add("dtstart", starts)
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        observance.add("tzname", abbreviation)
        component.add_component(observance)
    return component


@lru_cache(maxsize=256)
def _changes(name: str, first_year: int, end_year: int) -> tuple[
        tuple[bool, datetime, timedelta, timedelta, str], ...]:
    """(daylight?, local start, offset from, offset to, abbreviation) of the zone's first offset and its changes.

    Remembered: every event card's own calendar needs its zone, and finding the changes takes a scan.
    """
    zone = ZoneInfo(name)
    moment = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    found = [_observance(zone, moment, moment)]
    end = datetime(end_year, 1, 1, tzinfo=UTC)
    day = timedelta(days=1)
    while moment < end:
        following = moment + day
        if following.astimezone(zone).utcoffset() != moment.astimezone(zone).utcoffset():
            low, high = moment, following  # the change is in (low, high]: narrow it to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            changed = high.replace(microsecond=0)
            found.append(_observance(zone, changed - timedelta(seconds=1), changed))
        moment = following
    return tuple(found)


def _observance(zone: ZoneInfo, before: datetime, at: datetime) -> tuple[bool, datetime, timedelta, timedelta, str]:
    """The observance that starts at `at` (UTC), `before` being just before it."""
    was, now = before.astimezone(zone), at.astimezone(zone)
    offset_from, offset_to = was.utcoffset() or timedelta(), now.utcoffset() or timedelta()
    return bool(now.dst()), (at + offset_from).replace(tzinfo=None), offset_from, offset_to, now.tzname() or zone.key


def _utc_until(rule: vRecur, zone: ZoneInfo) -> vRecur:
    """The rule with its UNTIL in UTC, as RFC 5545 asks when the start has a zone.

    The stored UNTIL is local wall-clock time (a date means its midnight, as the directory's own schedule
    reads it), so the same sittings are kept.
    """
    if not rule.get("UNTIL"):
        return rule
    until = rule["UNTIL"][0]
    if not isinstance(until, datetime):
        until = datetime(until.year, until.month, until.day)
    if until.tzinfo is None:
        until = until.replace(tzinfo=zone)
    rule = vRecur(rule)
    rule["UNTIL"] = [until.astimezone(UTC)]
    return rule
