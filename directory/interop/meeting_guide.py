"""Meeting Guide JSON feeds (the code4recovery format): meetings in as weekly sober events, and back out.

A meeting becomes a support-group entry with a weekly RFC 5545 rule. Its first sitting is dated from a fixed
anchor week (the week of Sunday 7 January 2024), so importing the same feed twice gives the same values.
Attendance follows the meeting-list tools: a conference link or phone with the TC (location temporarily
closed) type is online; a link or phone with an address is hybrid; neither is in person; TC with no link
means the meeting is not meeting, so it comes in retired (inactive). A TSML feed's own `attendance_option`
wins, and "inactive" there retires the meeting too.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from directory import taxonomy as tx
from directory.hours import parse_clock
from directory.interop import limits
from directory.interop import meeting_guide_types as types
from directory.interop.limits import ImportLimitExceeded
from directory.interop.records import SourceRow, UnusableInput
from directory.privacy import CONFIDENTIAL_LOCATION, CONFIDENTIAL_NOTE, is_confidential
from directory.schema import join_list, split_list

CATEGORY = "support_group"
ANCHOR_SUNDAY = date(2024, 1, 7)
WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # Meeting Guide counts days from Sunday = 0
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_US_TAIL = re.compile(r"^(?P<state>[A-Z]{2})(?:\s+(?P<zip>\d{5}(?:-\d{4})?))?$")
_DAY_NAMES = {name: number for number, names in enumerate(
    ("sunday sun su", "monday mon mo", "tuesday tue tues tu", "wednesday wed we", "thursday thu thur thurs th",
     "friday fri fr", "saturday sat sa")) for name in names.split()}
# The attendance a TSML feed states outright; "inactive" means the meeting is not meeting.
_ATTENDANCE_OPTIONS = {"in_person": "in_person", "online": "online", "hybrid": "hybrid"}


def read_meeting_guide(data: bytes, *, max_meetings: int | None = None) -> list[SourceRow]:
    """One source row per meeting; a meeting with an unusable field still comes out, with its problems.

    An item of the list that is not a meeting (not a JSON object) comes out too, empty, with its problem.
    A feed over a limit (limits.MAX_JSON_BYTES, MAX_JSON_DEPTH, `max_meetings` or else MAX_ROWS meetings,
    MAX_COLUMNS keys or a value over MAX_FIELD_CHARS) raises ImportLimitExceeded, the first three before parsing.
    """
    most = limits.MAX_ROWS if max_meetings is None else max_meetings
    if len(data) > limits.MAX_JSON_BYTES:
        raise ImportLimitExceeded(f"the feed holds more than the {limits.size_text(limits.MAX_JSON_BYTES)} a feed "
                                  "may be; import it in parts")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput("the feed is not UTF-8 text") from None
    _check_outline(text, most)
    try:
        feed = json.loads(text)
    except RecursionError:
        raise UnusableInput("the feed is nested too deeply to be a Meeting Guide feed (a list of meetings)") from None
    except ValueError as error:
        raise UnusableInput(f"the feed is not valid JSON ({error})") from None
    del text
    if not isinstance(feed, list) or (feed and not any(isinstance(m, dict) for m in feed)):
        raise UnusableInput("a Meeting Guide feed is a JSON list of meetings")
    for number, item in enumerate(feed, start=1):
        if isinstance(item, dict):
            _within_limits(number, item)
    return [_meeting_row(n, item) if isinstance(item, dict) else _not_a_meeting(n, item)
            for n, item in enumerate(feed, start=1)]


# Strings, then everything but brackets and commas: what is left shows a feed's depth and length cheaply.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_STRUCTURE = re.compile(r"[^\[\]{},]+")


def _check_outline(text: str, most: int) -> None:
    """Refuse a feed nested deeper than MAX_JSON_DEPTH, or holding more than `most` items, before parsing it."""
    depth = commas = 0
    for mark in _NOT_STRUCTURE.sub("", _JSON_STRING.sub("", text)):
        if mark in "[{":
            depth += 1
            if depth > limits.MAX_JSON_DEPTH:
                raise ImportLimitExceeded(f"the feed is nested too deeply (more than {limits.MAX_JSON_DEPTH} levels) "
                                          "to be a Meeting Guide feed (a list of meetings)")
        elif mark in "]}":
            depth -= 1
        elif depth == 1:
            commas += 1  # items of the top-level list, less one
            if commas >= most:
                raise ImportLimitExceeded(f"the feed has more than {most:,} meetings, the most one import may "
                                          "bring in; import it in parts")


def _within_limits(number: int, meeting: dict[str, Any]) -> None:
    """Refuse a meeting with more keys than MAX_COLUMNS or a text value longer than MAX_FIELD_CHARS."""
    if len(meeting) > limits.MAX_COLUMNS:
        raise ImportLimitExceeded(f"item {number:,} of the feed has {len(meeting):,} fields, more than the "
                                  f"{limits.MAX_COLUMNS:,} a meeting may have")
    for key, value in meeting.items():
        values = value if isinstance(value, list) else [value]
        if len(str(key)) > limits.MAX_FIELD_CHARS or any(
                isinstance(v, str) and len(v) > limits.MAX_FIELD_CHARS for v in values):
            most = limits.size_text(limits.MAX_FIELD_CHARS, "characters")
            raise ImportLimitExceeded(f"item {number:,} of the feed, field {_short(str(key))}, holds more than "
                                      f"{most} of text, which no meeting needs; this feed cannot be imported")


def _short(key: str) -> str:
    return repr(key if len(key) <= 60 else key[:60] + "…")


def _not_a_meeting(line: int, item: Any) -> SourceRow:
    return SourceRow(line, {}, {"item": _as_text(item)},
                     {"row": f"item {line} of the feed is not a meeting (a JSON object) but {type(item).__name__}"})


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError):
        return "(a value nested too deeply to show)"


def _meeting_row(line: int, meeting: dict[str, Any]) -> SourceRow:
    raw = {str(k): _as_text(v) for k, v in meeting.items()}
    problems: dict[str, str] = {}
    text = {str(k): _text(v) for k, v in meeting.items()}
    days, start, end = _days(meeting.get("day"), problems), _clock(text.get("time", ""), "time", problems), None
    if text.get("end_time"):
        end = _clock(text["end_time"], "end_time", problems)
    codes = _codes(meeting.get("types"))
    values: dict[str, str] = {
        "name": text.get("name", ""),
        "external_id": text.get("slug") or _stable_id(text, meeting.get("day")),
        "category": CATEGORY,
        "support_types": join_list(tx.default_support_types(CATEGORY)),
        "organization": text.get("group", ""),
        "description": text.get("notes", ""),
        "location_name": text.get("location", ""),
        "website": text.get("url", ""),
        "conference_url": text.get("conference_url", ""),
        "conference_phone": text.get("conference_phone", ""),
        "event_timezone": text.get("timezone", ""),
        # The date part as written ("2020-10-27 16:17:24", "8/25/2022 11:17:07 AM"); the importer reads it.
        "last_verified": re.split(r"[\sT]", text.get("updated", ""), maxsplit=1)[0],
    }
    if not values["name"]:
        problems["name"] = "the meeting has no name"
    values.update(_place(text))
    values.update(_classify(codes))
    values["attendance"], values["status"] = _attendance(values, codes, text.get("attendance_option", ""))
    if days and start is not None:
        first = ANCHOR_SUNDAY + timedelta(days=days[0])
        begins = datetime.combine(first, start)
        values["event_start"] = begins.strftime("%Y-%m-%dT%H:%M")
        if end is not None:
            ends = datetime.combine(first, end)
            values["event_end"] = (ends if ends > begins else ends + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        values["recurrence_rule"] = "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAYS[d] for d in days)
    return SourceRow(line, {k: v for k, v in values.items() if v}, raw, problems)


def _text(value: Any) -> str:
    if value is None or isinstance(value, (list, dict)):
        return ""
    return str(value).strip()


def _stable_id(text: dict[str, str], day: Any) -> str:
    # No slug: the same meeting (name, day, time, place) gets the same id on every import.
    text = {**text, "day": text.get("day") or ("" if day is None else _as_text(day))}
    key = "|".join(text.get(k, "") for k in ("name", "day", "time", "location", "address", "formatted_address"))
    return "mg-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _days(day: Any, problems: dict[str, str]) -> list[int]:
    """Days from 0 (Sunday): a number, a list of them ([6]), a digit string or a day's name."""
    given = day if isinstance(day, list) else [] if day is None or day == "" else [day]
    days: list[int] = []
    for item in given:
        word = str(item).strip().casefold()
        number = _DAY_NAMES.get(word, int(float(word)) if re.fullmatch(r"\d(?:\.0+)?", word) else -1)
        if not 0 <= number <= 6:
            problems["day"] = f"'{item}' is not a day from 0 (Sunday) to 6 (Saturday)"
            return []
        days.append(number)
    if not days:
        problems["day"] = "the meeting has no day"
    return sorted(set(days))


def _clock(value: str, what: str, problems: dict[str, str]) -> time | None:
    """'19:30', '19:30:00', or with am/pm ('8:00 PM', '7:30 p.m.'); a bare hour ('7') is not guessed."""
    found = _TIME.match(value)
    if found and int(found[1]) < 24 and int(found[2]) < 60:
        return time(int(found[1]), int(found[2]))
    minutes = None if re.fullmatch(r"\d{1,4}", value) else parse_clock(value)
    if minutes is not None and minutes < 24 * 60:
        return time(minutes // 60, minutes % 60)
    problems[what] = f"'{value}' is not a time like 19:30 or 7:30 PM" if value else "the meeting has no time"
    return None


def _codes(given: Any) -> list[str]:
    """Type codes from a list (["O", "D"]) or a comma-separated string ("C,M"); null gives none."""
    items = given if isinstance(given, list) else str(given or "").split(",")
    return [str(code).strip() for code in items if str(code).strip()]


def _place(text: dict[str, str]) -> dict[str, str]:
    place = {"address": text.get("address", ""), "city": text.get("city", ""), "state": text.get("state", ""),
             "zip": text.get("postal_code", "")}
    if not place["address"] and text.get("formatted_address"):
        place.update(_split_formatted(text["formatted_address"]))
    elif "," in place["address"] and not (place["city"] or place["zip"]):
        place.update(_split_formatted(place["address"]))  # the whole address in `address`
    if text.get("latitude") and text.get("longitude"):
        # Passed on as given: the importer checks them against the ZIP and marks them as the source's own.
        place.update(latitude=text["latitude"], longitude=text["longitude"])
    return place


def _split_formatted(formatted: str) -> dict[str, str]:
    """'12 Oak St, Media, PA 19063, USA' -> address, city, state and ZIP."""
    parts = [p.strip() for p in formatted.split(",") if p.strip()]
    if parts and parts[-1].upper() in ("USA", "US", "UNITED STATES"):
        parts = parts[:-1]
    tail = _US_TAIL.match(parts[-1]) if parts else None
    if not tail or len(parts) < 2:
        return {"address": formatted.strip()}
    return {"address": ", ".join(parts[:-2]), "city": parts[-2], "state": tail["state"], "zip": tail["zip"] or ""}


def _classify(codes: list[str]) -> dict[str, str]:
    populations = [types.TYPE_POPULATIONS[c] for c in codes if c in types.TYPE_POPULATIONS]
    languages = [types.TYPE_LANGUAGES[c] for c in codes if c in types.TYPE_LANGUAGES]
    access = [types.TYPE_ACCESSIBILITY[c] for c in codes if c in types.TYPE_ACCESSIBILITY]
    controlled = {*types.TYPE_POPULATIONS, *types.TYPE_LANGUAGES, *types.TYPE_ACCESSIBILITY, types.ONLINE,
                  types.TEMPORARILY_CLOSED}
    tags = [types.tag_for(c) for c in codes if c not in controlled]
    return {"populations": join_list(_unique(populations)), "languages": join_list(_unique(languages)),
            "accessibility": join_list(_unique(access)), "tags": join_list(_unique(tags))}


def _attendance(values: dict[str, str], codes: list[str], option: str = "") -> tuple[str, str]:
    """Attendance and status: as a TSML feed's attendance_option states, else from the links and TC."""
    online = bool(values.get("conference_url") or values.get("conference_phone"))
    closed = types.TEMPORARILY_CLOSED in codes
    if online:
        attendance, status = ("online" if closed or not values.get("address") else "hybrid"), "active"
    else:
        attendance, status = "in_person", "inactive" if closed else "active"
    option = option.strip().casefold()
    if option == "inactive":
        return attendance, "inactive"
    return _ATTENDANCE_OPTIONS.get(option, attendance), status


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def meeting_guide_feed(frame: pd.DataFrame) -> bytes:
    """The active weekly meetings and events as a Meeting Guide JSON feed (UTF-8); no confidential street or pin."""
    weekly = frame[(frame["status"] == "active") & frame["recurrence_rule"].str.contains("FREQ=WEEKLY", na=False)
                   & (frame["event_start"] != "")]
    return json.dumps([_meeting(row) for row in weekly.to_dict("records") if _byday(row)], ensure_ascii=False,
                      indent=1).encode("utf-8")


def _byday(row: dict[str, str]) -> list[int]:
    for part in row["recurrence_rule"].split(";"):
        if part.upper().startswith("BYDAY="):
            return sorted({WEEKDAYS.index(d.strip()[-2:]) for d in part[6:].split(",") if d.strip()[-2:] in WEEKDAYS})
    # A weekly rule without BYDAY repeats on the first sitting's weekday.
    return [(datetime.fromisoformat(row["event_start"]).weekday() + 1) % 7]


def _meeting(row: dict[str, str]) -> dict[str, Any]:
    days = _byday(row)
    codes = [code for tag in split_list(row["tags"]) if (code := types.code_for(tag))]
    for mapping, column in ((types.TYPE_POPULATIONS, "populations"), (types.TYPE_LANGUAGES, "languages"),
                            (types.TYPE_ACCESSIBILITY, "accessibility")):
        inverse = {value: code for code, value in mapping.items()}
        codes += [inverse[v] for v in split_list(row[column]) if v in inverse]
    if row["attendance"] in ("online", "hybrid"):
        codes.append(types.ONLINE)
    if row["attendance"] == "online" and row["address"]:
        codes.append(types.TEMPORARILY_CLOSED)
    meeting: dict[str, Any] = {
        "name": row["name"], "slug": row["external_id"] or row["id"], "day": days[0] if len(days) == 1 else days,
        "time": row["event_start"][11:16], "end_time": row["event_end"][11:16], "timezone": row["event_timezone"],
        "types": _unique(codes), "address": row["address"], "city": row["city"], "state": row["state"],
        "postal_code": row["zip"], "country": "US" if row["state"] else "",
        "conference_url": row["conference_url"], "conference_phone": row["conference_phone"],
        "notes": row["description"], "location": row["location_name"], "group": row["organization"],
        "updated": f"{row['last_verified'] or row['updated_at'][:10]} 00:00:00".strip(), "url": row["website"],
    }
    if is_confidential(row):
        # The feed is public: it says the place is confidential and keeps only the city, state and ZIP.
        meeting.update(address="", location=CONFIDENTIAL_LOCATION, location_notes=CONFIDENTIAL_NOTE)
    elif row["latitude"] and row["longitude"]:
        meeting.update(latitude=float(row["latitude"]), longitude=float(row["longitude"]))
    return {k: v for k, v in meeting.items() if v not in ("", [], None) and v != "00:00:00"}
