"""Structured weekly opening hours, stored as text such as "Mon-Fri 09:00-17:00; Sat closed".

Each part names a day or a run of days and then either "closed" or one or more
time ranges separated by commas. A range whose end is earlier than its start
runs past midnight ("Fri 20:00-02:00"). Days that are not named are closed.
"""

from __future__ import annotations

import re

DAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_INDEX = {name.lower(): i for i, name in enumerate(DAY_NAMES)}
_PART = re.compile(r"^(?P<days>[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?)\s+(?P<times>.+)$")
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")

WeeklyHours = dict[int, list[tuple[int, int]]]


class HoursError(ValueError):
    """Raised when a weekly-hours text cannot be read."""


def _minutes(hours: str, minutes: str, *, allow_24: bool) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and (m or not allow_24)):
        raise HoursError(f"'{hours}:{minutes}' is not a time of day")
    return h * 60 + m


def _days(text: str) -> list[int]:
    names = [n.strip().lower() for n in text.split("-")]
    try:
        indexes = [_DAY_INDEX[n] for n in names]
    except KeyError as missing:
        raise HoursError(f"unknown day {missing}; use Mon, Tue, Wed, Thu, Fri, Sat or Sun") from None
    if len(indexes) == 1:
        return indexes
    start, end = indexes
    return [(start + i) % 7 for i in range(((end - start) % 7) + 1)]


def parse_hours(text: str) -> WeeklyHours:
    """Read a weekly-hours text into {weekday: [(start_minute, end_minute), ...]}; Monday is 0."""
    week: WeeklyHours = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _PART.match(part)
        if not match:
            raise HoursError(f"'{part}' should look like 'Mon-Fri 09:00-17:00' or 'Sat closed'")
        days = _days(match["days"])
        times = match["times"].strip()
        ranges: list[tuple[int, int]] = []
        if times.lower() != "closed":
            for piece in (t.strip() for t in times.split(",")):
                found = _RANGE.match(piece)
                if not found:
                    raise HoursError(f"'{piece}' should be a range such as 09:00-17:00")
                start = _minutes(found[1], found[2], allow_24=False)
                end = _minutes(found[3], found[4], allow_24=True)
                if start == end:
                    raise HoursError(f"'{piece}' starts and ends at the same time")
                ranges.append((start, end))
        for day in days:
            if day in week:
                raise HoursError(f"{DAY_NAMES[day]} is listed twice")
            week[day] = sorted(ranges)
    return week


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_hours(week: WeeklyHours) -> str:
    """Write weekly hours back as canonical text, joining runs of days with equal hours."""
    parts: list[str] = []
    day = 0
    while day < 7:
        if day not in week:
            day += 1
            continue
        run_end = day
        while run_end + 1 < 7 and week.get(run_end + 1) == week[day]:
            run_end += 1
        days = DAY_NAMES[day] if run_end == day else f"{DAY_NAMES[day]}-{DAY_NAMES[run_end]}"
        ranges = week[day]
        times = ", ".join(f"{_clock(s)}-{_clock(e)}" for s, e in ranges) if ranges else "closed"
        parts.append(f"{days} {times}")
        day = run_end + 1
    return "; ".join(parts)


_DAY_WORDS = {"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
              "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5,
              "sun": 6, "sunday": 6}
_TIME = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_TEXT_PART = re.compile(
    rf"^(?P<d1>[a-z]+)\.?(?:\s*(?:-|–|to|through|thru)\s*(?P<d2>[a-z]+)\.?)?\s*:?\s*"
    rf"(?:(?P<closed>closed)|{_TIME}\s*(?:-|–|to)\s*{_TIME})$"
)


def _text_minutes(hour: str, minute: str | None, meridiem: str | None) -> int | None:
    h, m = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem.startswith("p") else 0)
    elif h > 24:
        return None
    return h * 60 + m if m < 60 else None


def parse_textual_hours(text: str) -> str | None:
    """Canonical hours from text such as 'Mon-Fri 9am-5pm; Sat 10am-2pm', or None when it is ambiguous."""
    week: WeeklyHours = {}
    for part in re.split(r"\s*(?:;|,|\band\b|\n)\s*", text.strip().lower()):
        if not part:
            continue
        match = _TEXT_PART.match(part)
        if not match or match["d1"] not in _DAY_WORDS or (match["d2"] and match["d2"] not in _DAY_WORDS):
            return None
        first = _DAY_WORDS[match["d1"]]
        last = _DAY_WORDS[match["d2"]] if match["d2"] else first
        days = [(first + i) % 7 for i in range(((last - first) % 7) + 1)]
        if match["closed"]:
            ranges: list[tuple[int, int]] = []
        else:
            h1, m1, am1, h2, m2, am2 = match.groups()[3:9]
            if bool(am1) != bool(am2) and not am2:
                return None  # "9am-5" leaves the end unclear
            start = _text_minutes(h1, m1, am1 or am2)
            end = _text_minutes(h2, m2, am2)
            if start is None or end is None or start == end or (not am2 and int(h2) <= 12 and int(h1) <= 12):
                return None  # bare "9-5" could mean several things
            ranges = [(start, end)]
        for day in days:
            if day in week:
                return None
            week[day] = ranges
    return format_hours(week) if week else None


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.]?(\d{1,2}))?(?::\d{2})?\s*(a\.?m\.?|p\.?m\.?|a|p)?$")


def parse_clock(text: str) -> int | None:
    """Minutes after midnight for one time of day ('9:00am', '830am', '17:00:00', 'noon'), or None if unclear."""
    value = text.strip().lower()
    if value in ("noon", "12 noon", "midday"):
        return 12 * 60
    if value in ("midnight", "12 midnight"):
        return 0
    found = _CLOCK.match(value)
    if not found:
        return None
    hour, minute, meridiem = int(found[1]), int(found[2] or 0), found[3]
    if found[2] is None and len(found[1]) > 2:
        return None
    if meridiem:
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return (hour % 12 + (12 if meridiem.startswith("p") else 0)) * 60 + minute
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return hour * 60 + minute
