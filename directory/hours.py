"""Structured weekly opening hours, stored as text such as "Mon-Fri 09:00-17:00; Sat closed".

Each part names a day or a run of days and then either "closed" or one or more
time ranges separated by commas. A range whose end is earlier than its start
runs past midnight ("Fri 20:00-02:00"). Days that are not named are closed.

`parse_textual_hours` reads hours as people write them ("9:00 am - 5:00 pm, Monday - Friday", "M-F 9-6pm")
into that form, or gives None when the text has more than one reading; `parse_clock` reads one time.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from directory.errors import DirectoryError, Message
from directory.i18n import N_

DAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_INDEX = {name.lower(): i for i, name in enumerate(DAY_NAMES)}
_PART = re.compile(r"^(?P<days>[A-Za-z]{3}(?:\s*-\s*[A-Za-z]{3})?)\s+(?P<times>.+)$")
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")

WeeklyHours = dict[int, list[tuple[int, int]]]


class HoursError(DirectoryError, ValueError):
    """A weekly-hours text cannot be read; the message names the part that is wrong."""


def _minutes(hours: str, minutes: str, *, allow_24: bool) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and (m or not allow_24)):
        raise HoursError(Message(N_("'{time}' is not a time of day"), time=f"{hours}:{minutes}"))
    return h * 60 + m


def _days(text: str) -> list[int]:
    names = [n.strip().lower() for n in text.split("-")]
    try:
        indexes = [_DAY_INDEX[n] for n in names]
    except KeyError as missing:
        raise HoursError(Message(N_("unknown day {day}; use Mon, Tue, Wed, Thu, Fri, Sat or Sun"),
                                 day=str(missing))) from None
    if len(indexes) == 1:
        return indexes
    start, end = indexes
    return [(start + i) % 7 for i in range(((end - start) % 7) + 1)]


def _looks_like_a_twelve_hour_clock(start: int, end: int, end_hour_digits: int) -> bool:
    # "9:00-5:00" on a 24-hour clock runs overnight, but whoever wrote it almost surely meant 9 to 5 on
    # a 12-hour clock. A real overnight range writes its end hour with two digits ("20:00-02:00").
    return end < start and end_hour_digits == 1 and 60 <= start < 13 * 60


def parse_hours(text: str) -> WeeklyHours:
    """Read a weekly-hours text into {weekday: [(start_minute, end_minute), ...]}; Monday is 0."""
    week: WeeklyHours = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _PART.match(part)
        if not match:
            raise HoursError(Message(N_("'{part}' should look like 'Mon-Fri 09:00-17:00' or 'Sat closed'"),
                                     part=part))
        days = _days(match["days"])
        times = match["times"].strip()
        ranges: list[tuple[int, int]] = []
        if times.lower() != "closed":
            for piece in (t.strip() for t in times.split(",")):
                found = _RANGE.match(piece)
                if not found:
                    raise HoursError(Message(N_("'{piece}' should be a range such as 09:00-17:00"), piece=piece))
                start = _minutes(found[1], found[2], allow_24=False)
                end = _minutes(found[3], found[4], allow_24=True)
                if start == end:
                    raise HoursError(Message(N_("'{piece}' starts and ends at the same time"), piece=piece))
                if _looks_like_a_twelve_hour_clock(start, end, len(found[3])):
                    raise HoursError(Message(N_("'{piece}' would run past midnight; write 24-hour times such as "
                                                "09:00-17:00, or 02:00 for a real overnight end"), piece=piece))
                ranges.append((start, end))
        for day in days:
            if day in week:
                raise HoursError(Message(N_("{day} is listed twice"), day=DAY_NAMES[day]))
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


# --- Hours as people write them ------------------------------------------------------------------
# Real exports write "9:00 am - 5:00 pm, Monday - Friday", "Mon :12 p.m. - 8 p.m.", "9-6pm", "830am",
# "M-F" and "Open 24 hours". The reader below turns such text into canonical hours only when every word
# is accounted for and every time has one sensible reading; otherwise it returns None and the caller
# keeps the text as written, because a wrong "open now" is worse than none.

_ALL_DAYS: tuple[int, ...] = tuple(range(7))
_DAY_WORDS: dict[str, tuple[int, ...]] = {
    **{word: (day,) for day, words in enumerate((
        ("mo", "mon", "monday", "mondays"),
        ("tu", "tue", "tues", "tuesday", "tuesdays"),
        ("we", "wed", "weds", "wednesday", "wednesdays"),
        ("th", "thu", "thur", "thurs", "thursday", "thursdays"),
        ("fr", "fri", "friday", "fridays"),
        ("sa", "sat", "saturday", "saturdays"),
        ("su", "sun", "sunday", "sundays"),
    )) for word in words},
    "weekday": (0, 1, 2, 3, 4), "weekdays": (0, 1, 2, 3, 4), "weekend": (5, 6), "weekends": (5, 6),
    "everyday": _ALL_DAYS,
}
# Compact day codes such as "M-F", "MWF", "MTF", "WTh", "TTh". A lone "T" or "S" could be either of two
# days, so codes are read only with a capital first letter and in weekday order, and "T" only inside a
# longer code, where the MTWThF convention makes it Tuesday.
_COMPACT_CODE = re.compile(r"(?:M|T[uUhH]?|W|F|S[aAuU])+")
_COMPACT_LETTER = re.compile(r"T[uUhH]|S[aAuU]|[MTWF]")
_COMPACT_DAY = {"m": 0, "t": 1, "tu": 1, "w": 2, "th": 3, "f": 4, "sa": 5, "su": 6}
_RANGE_WORDS = frozenset({"to", "thru", "through", "till", "til", "until"})
# Words that add nothing to the hours: "Open Tuesday through Saturday", "Hours: ...", "from 9am to 5pm".
_FILLER_WORDS = frozenset({"open", "from", "on", "hours", "hrs"})

# Rewrites applied before reading, in order; each turns the spellings of one thing into one form.
# The first set is about single times and serves parse_clock too; the second is about whole schedules.
_TIME_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), r) for p, r in (
        (r"[\u2010-\u2015\u2212]", "-"),  # hyphens, en and em dashes, minus
        (r"(?<=\d)\s+:\s*(?=\d)", ":"),  # "5 :00 pm"
        (r"(?<=\d)\s*([ap])\.?\s?m\b\.?", r"\1m"),  # "9 a.m.", "9 AM", "9 a. m." -> "9am"
        (r"(?<=\d)([ap])\b\.?", r"\1m"),  # "9:00p" -> "9:00pm"
        (r"\b12(?::00)?\s*noon\b", "noon"),
        (r"\b12(?::00)?\s*midnight\b", "midnight"),
    ))
_SCHEDULE_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), r) for p, r in (
        (r"\\n", "\n"),  # a line break written as backslash-n, as the Miami 211 HSDS export does
        (r"\b24\s*/\s*7\b", "allday"),
        (r"\b24\s*-?\s*(?:hours?|hrs?)(?:\s+(?:a|per)\s+day|\s*/\s*day)?(?![a-z])", "allday"),
        (r"\b(?:7|seven)\s+days?\s*(?:a|per|/)\s*week\b", "everyday"),
        (r"\b(?:every\s*day|daily|all\s+week)\b", "everyday"),
    ))
_TOKEN = re.compile(
    r"(?P<space>[ \t\r\f\v]+)|(?P<clause>[;\n])|(?P<list>[,/&+])|(?P<dash>-)|(?P<punct>[:.])"
    r"|(?P<time>(?:\d{1,2}(?::\d{1,2}){1,2}|\d{1,2}\.\d{2}|\d{1,4})(?:am|pm)?)(?![\w:])"
    r"|(?P<word>[a-z]+)\.?",
    re.IGNORECASE,
)
_TIME_PARTS = re.compile(r"(\d{1,4})(?::(\d{1,2})|\.(\d{2}))?(?::(\d{2}))?(am|pm)?")  # "9.30am" too


class _Time(NamedTuple):
    """One time as written, before deciding what it means."""

    hour: int
    minute: int
    meridiem: str  # "am", "pm", "noon", "midnight" or "" when not said
    has_minutes: bool  # "9:30", "0930" or "830am" rather than a bare "9"
    padded: bool  # the hour has a leading zero, as on a 24-hour clock ("09:30")


def _read_time(token: str) -> _Time | None:
    word = token.lower()
    if word in ("noon", "midday"):
        return _Time(12, 0, "noon", True, False)
    if word == "midnight":
        return _Time(0, 0, "midnight", True, False)
    found = _TIME_PARTS.fullmatch(word)
    if not found:
        return None
    digits, minutes, seconds, meridiem = found[1], found[2] or found[3], found[4], found[5] or ""
    if minutes is None and len(digits) > 2:  # "830am", "0930", "1700"
        digits, minutes = digits[:-2], digits[-2:]
    elif len(digits) > 2:
        return None
    if minutes is not None and len(minutes) == 1 and minutes != "0":
        return None  # "9:3" might be 9:03 or 9:30; "9:0" can only be 9:00
    if (minutes is not None and int(minutes) > 59) or (seconds is not None and int(seconds) > 59):
        return None
    return _Time(int(digits), int(minutes or 0), meridiem, minutes is not None, digits.startswith("0"))


def _twelve_hour(time: _Time, meridiem: str) -> int | None:
    """Minutes after midnight on a 12-hour clock; 12am is 0."""
    if not 1 <= time.hour <= 12:
        return None
    return (time.hour % 12 + (12 if meridiem == "pm" else 0)) * 60 + time.minute


def _said(time: _Time) -> int | None:
    """Minutes after midnight of a time whose half of the day is written (or noon, midnight)."""
    if time.meridiem == "noon":
        return 12 * 60
    if time.meridiem == "midnight":
        return 0
    return _twelve_hour(time, time.meridiem)


def _length(start: int, end: int) -> int:
    return (end - start) % (24 * 60) or 24 * 60


def _twelve_oclock_confusable(first: _Time, second: _Time, start: int, end: int) -> bool:
    # "12am" and "12pm" are often swapped by mistake: "9am-12am" almost surely means noon, not a
    # 15-hour day. A range is kept only if it is shorter than with either 12's am/pm swapped
    # ("8pm-12am", "12pm-5pm" and "11am-12pm" stay; "9am-12am" and "12am-5pm" go to text).
    for time, is_start in ((first, True), (second, False)):
        if time.hour != 12 or time.meridiem not in ("am", "pm"):
            continue
        swapped = _twelve_hour(time, "am" if time.meridiem == "pm" else "pm") or 0
        other = _length(swapped, end) if is_start else _length(start, swapped or 24 * 60)
        if other <= _length(start, end):
            return True
    return False


def _text_range(first: _Time, second: _Time) -> tuple[int, int] | None:
    """The one sensible (start, end) for a written range, or None when it could mean more than one."""
    if second.meridiem:
        end = _said(second)
        if end is None:
            return None
        end = end or 24 * 60  # a range ending at 12am or midnight ends at the end of the day
        if first.meridiem:
            start = _said(first)
            if start is not None and _twelve_oclock_confusable(first, second, start, end):
                return None
        elif second.meridiem == "am" and second.hour == 12:
            return None  # "11-12am": 11 pm to midnight, or 11 to 12 in the morning
        else:
            # "9-6pm", "10-2pm", "7-9pm": the end's half of the day is said and the start's is not. The
            # start is the reading that comes before the end, and the later one when both do ("1-4pm").
            readings = [m for m in (_twelve_hour(first, "am"), _twelve_hour(first, "pm")) if m is not None]
            before_end = [m for m in readings if m < end]
            start = max(before_end) if before_end else None
    elif first.meridiem:
        return None  # "9am-5": the end is not said
    else:
        # Neither half of the day is said: only an unmistakable 24-hour clock is read ("13:00-17:00",
        # "08:30-12:00"); a bare "9-5" or "8:00-5:00" is left as text.
        if not (first.has_minutes and second.has_minutes):
            return None
        if not any(t.hour >= 13 or t.padded for t in (first, second)) or first.hour > 23 or second.hour > 24:
            return None
        start, end = first.hour * 60 + first.minute, second.hour * 60 + second.minute
        end_hour_digits = 1 if second.hour < 10 and not second.padded else 2
        if end > 24 * 60 or _looks_like_a_twelve_hour_clock(start, end, end_hour_digits):
            return None
    if start is None or start == end or (end < start and start == end % (24 * 60)):
        return None
    return start, end


class _Run(NamedTuple):
    """Days named together, or times given together, within one clause of the text."""

    kind: str  # "days", "times", "closed" or "allday"
    days: tuple[int, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()


def _compact_days(token: str) -> tuple[int, ...] | None:
    if not _COMPACT_CODE.fullmatch(token) or token == "T":
        return None
    days = tuple(_COMPACT_DAY[letter.lower()] for letter in _COMPACT_LETTER.findall(token))
    return days if list(days) == sorted(set(days)) else None


def _tokens(text: str) -> list[tuple[str, str]] | None:
    for pattern, replacement in _TIME_REWRITES + _SCHEDULE_REWRITES:
        text = pattern.sub(replacement, text)
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        if not found:
            return None  # a character we cannot account for: "(", "*", "'"
        position = found.end()
        kind = found.lastgroup or ""
        value = found[kind]
        if kind == "word":
            word = value.lower()
            if word in ("noon", "midday", "midnight"):
                kind = "time"
            elif word in ("closed", "allday"):
                kind = word
            elif word in _RANGE_WORDS:
                kind = "dash"
            elif word == "and":
                kind = "list"
            elif word in _FILLER_WORDS:
                continue
            elif word not in _DAY_WORDS and _compact_days(value) is None:
                return None  # a word we cannot account for: "appointment", "summer", "intake"
        if kind not in ("space", "punct"):
            tokens.append((kind, value))
    return tokens


def _day_set(word: str) -> tuple[int, ...]:
    return _DAY_WORDS.get(word.lower()) or _compact_days(word) or ()


def _runs(tokens: list[tuple[str, str]]) -> list[_Run] | None:
    """The runs of days and runs of times in one clause, in order; None if a piece cannot be read."""
    items: list[_Run] = []
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        following = [k for k, _ in tokens[i + 1:i + 3]]
        if kind == "word":
            days = _day_set(value)
            if following == ["dash", "word"]:
                last_days = _day_set(tokens[i + 2][1])
                if len(days) != 1 or len(last_days) != 1:
                    return None  # "weekdays-Sat", "MWF-Sa": not a run from one day to another
                days = tuple((days[0] + n) % 7 for n in range((last_days[0] - days[0]) % 7 + 1))
                i += 2
            item = _Run("days", days=days)
        elif kind == "time":
            if following != ["dash", "time"]:
                return None  # a lone time: "arrive at 8:30am"
            first_time, second_time = _read_time(value), _read_time(tokens[i + 2][1])
            found = _text_range(first_time, second_time) if first_time and second_time else None
            if found is None:
                return None
            item = _Run("times", ranges=(found,))
            i += 2
        elif kind in ("closed", "allday"):
            item = _Run(kind, ranges=((0, 24 * 60),) if kind == "allday" else ())
        else:
            i += 1  # commas, "and", a dash between a day and its times ("Monday - closed")
            continue
        previous = items[-1] if items else None
        if previous and previous.kind == item.kind == "days":
            if set(previous.days) & set(item.days):
                return None  # "Mon, Mon-Fri": a day named twice
            items[-1] = _Run("days", days=previous.days + item.days)
        elif previous and previous.kind == item.kind == "times":
            items[-1] = _Run("times", ranges=previous.ranges + item.ranges)
        else:
            items.append(item)
        i += 1
    return items


def _pairs(items: list[_Run]) -> list[tuple[tuple[int, ...], tuple[tuple[int, int], ...]]] | None:
    """Days matched with their times, whichever comes first ("Mon 9am-5pm", "9am-5pm, Mon")."""
    if len(items) == 1 and items[0].kind == "allday":
        return [(_ALL_DAYS, items[0].ranges)]  # "Open 24 hours" names no day: every day
    pairs = []
    for i in range(0, len(items), 2):
        pair = items[i:i + 2]
        kinds = sorted(item.kind == "days" for item in pair)
        if kinds != [False, True]:
            return None  # days without times, or times without days
        days, times = (pair[0], pair[1]) if pair[0].kind == "days" else (pair[1], pair[0])
        pairs.append((days.days, times.ranges))
    return pairs


def _overlap(ranges: list[tuple[int, int]]) -> bool:
    ends = [(start, end if end > start else end + 24 * 60) for start, end in sorted(ranges)]
    return any(later[0] < earlier[1] for earlier, later in pairwise(ends))


def parse_textual_hours(text: str) -> str | None:
    """Canonical hours from text such as 'Mon-Fri 9am-5pm; Sat 10-2pm', or None unless it has one clear reading."""
    try:
        return format_hours(parse_hours(text)) or None
    except HoursError:
        pass
    tokens = _tokens(text.strip())
    if not tokens:
        return None
    week: WeeklyHours = {}
    clause: list[tuple[str, str]] = []
    for token in [*tokens, ("clause", ";")]:
        if token[0] != "clause":
            clause.append(token)
            continue
        items = _runs(clause) if clause else []
        pairs = _pairs(items) if items is not None else None
        if pairs is None:
            return None
        for days, ranges in pairs:
            if _overlap(list(ranges)):
                return None
            for day in days:
                if day in week:
                    return None  # a day given twice: the text contradicts itself or has exceptions
                week[day] = sorted(ranges)
        clause = []
    return format_hours(week) if week else None


def parse_clock(text: str) -> int | None:
    """Minutes after midnight for one time of day ('9:00am', '830am', '17:00:00', 'noon'), or None if unclear."""
    value = text.strip()
    for pattern, replacement in _TIME_REWRITES:
        value = pattern.sub(replacement, value)
    time = _read_time(value)
    if time is None:
        return None
    if time.meridiem:
        return _said(time)
    # No half of the day: HSDS writes opens_at and closes_at on a 24-hour clock ("09:00", "17:00:00",
    # "0830"). A bare "9" or "830" could be morning or evening.
    if not time.has_minutes or (len(value) < 4 and ":" not in value):
        return None
    if time.hour > 24 or (time.hour == 24 and time.minute):
        return None
    return time.hour * 60 + time.minute
