"""Time: event occurrences (one-off or RFC 5545 recurring) and weekly opening hours, for an injected 'now'.

The directory's 'now' comes from `Settings.current_time()`; its zone is also the zone of an event that names none.

Recurrences are expanded in local wall-clock time and only then given their zone, so a meeting "every
Thursday at 7 pm" stays at 7 pm on both sides of a daylight-saving change.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from dateutil.rrule import rrulestr

from directory import i18n
from directory.hours import parse_hours
from directory.i18n import N_, _

DEFAULT_EVENT_MINUTES = 60


@dataclass(frozen=True)
class Occurrence:
    """One sitting of an event, with zone-aware start and end."""

    start: datetime
    end: datetime


def event_zone_name(row: Mapping[str, str], directory_zone: str) -> str:
    """The zone an event's times are in: its own, or the directory's when it names none."""
    return row.get("event_timezone") or directory_zone


# The names people use for US zones. Zones that share a name keep the same clock all year, so an event in
# America/Detroit reads as plain "Eastern" in a New York directory; Arizona (no daylight saving) is left out.
_COMMON_ZONE_NAMES: dict[str, str] = {
    **dict.fromkeys(("America/New_York", "America/Detroit", "America/Indiana/Indianapolis",
                     "America/Kentucky/Louisville", "US/Eastern"), N_("Eastern")),
    **dict.fromkeys(("America/Chicago", "US/Central"), N_("Central")),
    **dict.fromkeys(("America/Denver", "America/Boise", "US/Mountain"), N_("Mountain")),
    **dict.fromkeys(("America/Los_Angeles", "US/Pacific"), N_("Pacific")),
    **dict.fromkeys(("America/Anchorage", "US/Alaska"), N_("Alaska")),
    **dict.fromkeys(("Pacific/Honolulu", "US/Hawaii"), N_("Hawaii")),
}


def zone_label(zone_name: str, directory_zone: str) -> str:
    """How a time's zone is written after it: 'Eastern' for the directory's own zone ('' when it has no common
    name), and in full for another, e.g. 'Central time (America/Chicago)', or the IANA name outside the US table."""
    zone_name = zone_name or directory_zone
    common = _COMMON_ZONE_NAMES.get(zone_name, "")
    if zone_name == directory_zone or (common and common == _COMMON_ZONE_NAMES.get(directory_zone)):
        return _(common) if common else ""
    return _("{zone} time ({name})").format(zone=_(common), name=zone_name) if common else zone_name


def zone_name_of(moment: datetime) -> str:
    """The IANA name of an aware datetime's zone (its plain text for a zone without one)."""
    return getattr(moment.tzinfo, "key", None) or str(moment.tzinfo)


def with_zone(text: str, zone_name: str, directory_zone: str) -> str:
    """A time followed by its zone as people read it: '7 pm Eastern', '7 pm Central time (America/Chicago)'."""
    label = zone_label(zone_name, directory_zone)
    return f"{text} {label}" if label else text


def occurrences(row: Mapping[str, str], start: datetime, end: datetime) -> list[Occurrence]:
    """Sittings of an entry's event that overlap [start, end), in order.

    start and end are aware datetimes in the directory's zone, which is also the zone of an event naming none.
    """
    if not row.get("event_start"):
        return []
    zone = ZoneInfo(row["event_timezone"]) if row.get("event_timezone") else start.tzinfo
    first = datetime.fromisoformat(row["event_start"])
    length = (datetime.fromisoformat(row["event_end"]) - first if row.get("event_end")
              else timedelta(minutes=DEFAULT_EVENT_MINUTES))
    if not row.get("recurrence_rule"):
        starts = [first]
    else:
        # Search in naive local time, widened by the event's length so sittings already under way count.
        local_from = (start.astimezone(zone) - length).replace(tzinfo=None)
        local_to = end.astimezone(zone).replace(tzinfo=None)
        rule = rrulestr(row["recurrence_rule"], dtstart=first)
        starts = rule.between(local_from, local_to, inc=True)
    found = []
    for naive in starts:
        sitting = Occurrence(naive.replace(tzinfo=zone), (naive + length).replace(tzinfo=zone))
        if sitting.end > start and sitting.start < end:
            found.append(sitting)
    return found


def next_occurrence(row: Mapping[str, str], now: datetime, horizon_days: int = 400) -> Occurrence | None:
    """The sitting under way at `now`, or else the next one within the horizon."""
    upcoming = occurrences(row, now, now + timedelta(days=horizon_days))
    return upcoming[0] if upcoming else None


@dataclass(frozen=True)
class OpenStatus:
    """Whether a service is open at a moment, and when that changes."""

    is_open: bool
    change_at: datetime | None  # closing time when open, next opening when closed

    def describe(self) -> str:
        """'Open now · closes 5 pm' or 'Opens Monday 9 am'; empty when the hours say nothing."""
        if self.change_at is None:
            return _("Open now") if self.is_open else ""
        clock_text = clock(self.change_at)
        if self.is_open:
            return _("Open now · closes {time}").format(time=clock_text)
        return _("Opens {day} {time}").format(day=i18n.weekday(self.change_at), time=clock_text)


def day_words(moment: date, *, short: bool = False, year: bool = False) -> str:
    """'Thursday 8 January' ('jueves 8 de enero'), or 'Thu 8 Jan 2026' with short and year."""
    return i18n.day_words(moment, short=short, year=year)


def clock(moment: datetime) -> str:
    """'7 pm' or '7:30 pm' ('7 p. m.' in Spanish)."""
    return i18n.clock(moment)


def _intervals(hours: str, around: datetime) -> list[tuple[datetime, datetime]]:
    """Opening intervals from the day before `around` to a week after, in its zone."""
    week = parse_hours(hours)
    zone = around.tzinfo
    found = []
    for offset in range(-1, 8):
        day = (around + timedelta(days=offset)).date()
        for start_minute, end_minute in week.get(day.weekday(), []):
            opens = datetime.combine(day, time(start_minute // 60, start_minute % 60), zone)
            closes_day = day + timedelta(days=1) if end_minute <= start_minute or end_minute == 1440 else day
            closes = datetime.combine(closes_day, time((end_minute // 60) % 24, end_minute % 60), zone)
            found.append((opens, closes))
    return sorted(found)


def open_status(hours: str, now: datetime) -> OpenStatus | None:
    """Whether weekly hours are open at `now` (aware) and when that changes; None when hours are unknown."""
    if not hours:
        return None
    intervals = _intervals(hours, now)
    for opens, closes in intervals:
        if opens <= now < closes:
            # Ranges that touch (Mon 20:00-24:00 then Tue 00:00-02:00) close at the later end.
            for later_open, later_close in intervals:
                if later_open == closes:
                    closes = later_close
            return OpenStatus(True, closes)
    upcoming = [opens for opens, _ in intervals if opens > now]
    return OpenStatus(False, upcoming[0] if upcoming else None)


# Views and times of day are keyed by their English names (message ids): pages show them with _().
VIEWS: tuple[str, ...] = (N_("Happening now"), N_("Today"), N_("Tonight"), N_("This weekend"), N_("This week"))
TIMES_OF_DAY: dict[str, tuple[int, int]] = {N_("Morning"): (5, 12), N_("Afternoon"): (12, 17),
                                            N_("Evening"): (17, 21), N_("Night"): (21, 29)}


def window(view: str, at: datetime) -> tuple[datetime, datetime]:
    """The [start, end) of a named view seen from `at`; past time is never included."""
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if view == "Happening now":
        return at, at + timedelta(seconds=1)
    if view == "Today":
        return at, day + timedelta(days=1)
    if view == "Tonight":
        return max(at, day.replace(hour=17)), day + timedelta(days=1, hours=4)
    if view == "This weekend":
        friday = day + timedelta(days=4 - day.weekday())  # this week's Friday, even when it is the weekend
        return max(at, friday.replace(hour=17)), friday + timedelta(days=3)
    if view == "This week":
        return at, at + timedelta(days=7)
    raise ValueError(f"unknown view '{view}'")


def agenda(rows: list[Mapping[str, str]], start: datetime, end: datetime,
           times_of_day: tuple[str, ...] = ()) -> list[tuple[Occurrence, Mapping[str, str]]]:
    """Every sitting of the rows' events in [start, end), soonest first, optionally by time of day."""
    found = []
    for row in rows:
        for sitting in occurrences(row, start, end):
            hour = sitting.start.astimezone(start.tzinfo).hour
            if times_of_day and not any(lo <= hour < hi or lo <= hour + 24 < hi
                                        for lo, hi in (TIMES_OF_DAY[t] for t in times_of_day)):
                continue
            found.append((sitting, row))
    return sorted(found, key=lambda pair: (pair[0].start, pair[1].get("name", "")))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime) -> int:
    """An aware moment as whole microseconds since 1970 (UTC): exact, unlike a float timestamp."""
    return (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True, eq=False)
class Agenda:
    """Sittings of many events, soonest first (then by name), each with the position of its event's row.

    Held as arrays, one element per sitting, so a page narrows thousands of sittings to its window, time of
    day and search results without a Python loop, and only then looks at the rows it shows.
    """

    sittings: np.ndarray  # Occurrence objects
    rows: np.ndarray  # positions of the events' rows in the expanded frame
    starts: np.ndarray  # microseconds since 1970, UTC
    ends: np.ndarray
    hours: np.ndarray  # the hour each sitting starts, in the zone the agenda was expanded in

    def __len__(self) -> int:
        return len(self.rows)

    def _keep(self, keep: np.ndarray) -> Agenda:
        return Agenda(self.sittings[keep], self.rows[keep], self.starts[keep], self.ends[keep], self.hours[keep])

    def within(self, start: datetime, end: datetime) -> Agenda:
        """The sittings that overlap [start, end)."""
        return self._keep((self.ends > _micros(start)) & (self.starts < _micros(end)))

    def at_times(self, times_of_day: tuple[str, ...]) -> Agenda:
        """The sittings starting in any of these times of day (TIMES_OF_DAY); all of them when none is named."""
        if not times_of_day:
            return self
        keep = np.zeros(len(self), dtype=bool)
        for lo, hi in (TIMES_OF_DAY[t] for t in times_of_day):
            keep |= ((lo <= self.hours) & (self.hours < hi)) | ((lo <= self.hours + 24) & (self.hours + 24 < hi))
        return self._keep(keep)

    def of_rows(self, rows: np.ndarray) -> Agenda:
        """The sittings of the events whose rows are at these positions (a search's matches)."""
        return self._keep(np.isin(self.rows, rows))

    def events(self) -> np.ndarray:
        """The positions of the events' rows, each once, in the order of their first sitting."""
        return pd.unique(self.rows)


_SCHEDULE_COLUMNS = ("event_start", "event_end", "event_timezone", "recurrence_rule")


def expand(frame: pd.DataFrame, start: datetime, end: datetime,
           known: dict[tuple[str, ...], list[Occurrence]] | None = None) -> Agenda:
    """Every sitting of the frame's events in [start, end), as `agenda` finds them; hours are in start's zone.

    `known` maps schedules (event_start, event_end, event_timezone, recurrence_rule) already expanded over this
    same window to their sittings; it is used, and gains the schedules expanded here.
    """
    positions = np.flatnonzero(frame["event_start"].to_numpy(dtype=object) != "")
    columns = [frame[c].to_numpy(dtype=object)[positions] for c in (*_SCHEDULE_COLUMNS, "name")]
    # Many entries share a schedule (every Thursday at 7 pm from the same date): expand each schedule once.
    expanded = {} if known is None else known
    found: list[tuple[int, str, Occurrence, int]] = []
    for position, *schedule, name in zip(positions.tolist(), *columns, strict=True):
        key = tuple(schedule)
        if key not in expanded:
            expanded[key] = occurrences(dict(zip(_SCHEDULE_COLUMNS, key, strict=True)), start, end)
        found.extend((_micros(sitting.start), name, sitting, position) for sitting in expanded[key])
    found.sort(key=lambda item: (item[0], item[1]))
    sittings = np.empty(len(found), dtype=object)
    sittings[:] = [item[2] for item in found]
    return Agenda(
        sittings,
        np.array([item[3] for item in found], dtype=np.int64),
        np.array([item[0] for item in found], dtype=np.int64),
        np.array([_micros(item[2].end) for item in found], dtype=np.int64),
        np.array([item[2].start.astimezone(start.tzinfo).hour for item in found], dtype=np.int64),
    )


# Expansions kept per frame (the shared, never-mutated frame of one version of the directory), by window.
_EXPANSIONS_KEPT = 8
_expansions: dict[int, tuple[weakref.ref, OrderedDict[tuple[str, datetime, datetime], Agenda]]] = {}
# Sittings of each schedule, by window, whatever frame it came from: the next version of the directory (one
# entry edited) expands only the schedules it has not seen.
_SCHEDULE_WINDOWS_KEPT = 4
_schedules: OrderedDict[tuple[str, datetime, datetime], dict[tuple[str, ...], list[Occurrence]]] = OrderedDict()
_expansions_lock = threading.Lock()


def _forget(frame_id: int) -> None:
    with _expansions_lock:
        _expansions.pop(frame_id, None)


def agenda_of(frame: pd.DataFrame, start: datetime, end: datetime) -> Agenda:
    """expand(frame, start, end), cut from an expansion of whole days that is kept while the frame lives.

    A kept expansion runs from the start's day to a week later (or to the end's day, if later), and serves any
    window it covers, so every named view seen on one day, and every rerun as the clock moves, reuses one
    expansion instead of expanding each recurrence rule again. The frame must not be changed after this is
    called: a new version of the directory is a new frame.
    """
    first = datetime.combine(start.date(), time(), start.tzinfo)
    last = max(first + timedelta(days=8), datetime.combine(end.date() + timedelta(days=1), time(), end.tzinfo))
    key = (zone_name_of(start), first, last)
    with _expansions_lock:
        kept = _expansions.get(id(frame))
        if kept is None or kept[0]() is not frame:
            kept = (weakref.ref(frame), OrderedDict())
            _expansions[id(frame)] = kept
            weakref.finalize(frame, _forget, id(frame))
        # Any kept expansion that covers the window will do: the weekend's is cut from this week's.
        covering = [k for k in kept[1] if k[0] == key[0] and k[1] <= start and end <= k[2]]
        whole = kept[1][covering[-1]] if covering else None
        if covering:
            kept[1].move_to_end(covering[-1])
    if whole is None:  # expanded outside the lock: other sessions go on meanwhile (two may expand at once)
        with _expansions_lock:
            known = _schedules.setdefault(key, {})
            _schedules.move_to_end(key)
            while len(_schedules) > _SCHEDULE_WINDOWS_KEPT:
                _schedules.popitem(last=False)
        whole = expand(frame, first, last, known)
        with _expansions_lock:
            kept[1][key] = whole
            while len(kept[1]) > _EXPANSIONS_KEPT:
                kept[1].popitem(last=False)
    return whole.within(start, end)
