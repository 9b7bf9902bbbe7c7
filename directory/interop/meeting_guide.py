"""Meeting Guide JSON feeds (the code4recovery format): meetings in as weekly sober events, and back out.

A meeting becomes a support-group entry with a weekly RFC 5545 rule. Its first sitting is dated from a fixed
anchor week (the week of Sunday 7 January 2024), so importing the same feed twice gives the same values.
Attendance follows the meeting-list tools (code4recovery tsml-ui): a conference link or phone (or the ONL
type) makes a meeting online; a street address that is not approximate and not TC (location temporarily
closed) makes it in person; both is hybrid; neither (TC with no link) means the meeting is not meeting, so it
comes in retired (inactive). A TSML feed's own `attendance_option` wins, and "inactive" there retires it too.
The zone is the meeting's `timezone`, else the one of its ZIP, city or coordinates (offline, US only).

The types that imply a recovery pathway (A Secular; AL-AN and AL, held with Al-Anon or Alateen) fill
`pathways` too, and the secular pathway goes back out as A (meeting_guide_types has the table).

Our export follows the spec and adds one object, `directory`, with the values the spec has no field for
(category, populations without a type code, the true first sitting...); our importer reads it back, so a
re-import of our own feed changes nothing. Other readers ignore it, as they ignore any unknown field.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
import usaddress

from directory import taxonomy as tx
from directory.gazetteer import time_zone
from directory.hours import parse_clock
from directory.i18n import N_, _
from directory.interop import limits
from directory.interop import meeting_guide_types as types
from directory.interop.limits import ImportLimitExceeded
from directory.interop.records import SourceRow, UnusableInput, row_dicts
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
# A JSON object with one of these is a meeting, even when it is not in a list.
_MEETING_KEYS = frozenset({"name", "slug", "day", "time", "address", "formatted_address"})
# Spec fields with no column of their own: kept in the description as labelled paragraphs, in this order.
_NOTE_LABELS = {"location_notes": "Location notes", "group_notes": "Group notes",
                "conference_url_notes": "Online meeting notes", "conference_phone_notes": "Phone meeting notes",
                "regions": "Regions", "district": "District"}
_LABEL_FIELDS = {label: key for key, label in _NOTE_LABELS.items()}
_REGION_JOIN = " > "  # the spec's own separator for regions written as one text
# Our columns the spec cannot carry (or carries only in part), sent in the feed's `directory` object.
EXTENSION = "directory"
_EXTENDED = ("category", "support_types", "dimensions", "stages", "populations", "pathways", "languages", "cost",
             "accessibility", "moud_welcome", "peer_run", "eligibility", "tags", "event_start", "event_end",
             "recurrence_rule")
_PLACE_LABELS = frozenset({"PlaceName", "StateName", "ZipCode", "CountryName"})
_COUNTRIES = ("USA", "US", "UNITED STATES", "UNITED STATES OF AMERICA")


def read_meeting_guide(data: bytes, *, max_meetings: int | None = None) -> list[SourceRow]:
    """One source row per meeting; a meeting with an unusable field still comes out, with its problems.

    An item of the list that is not a meeting (not a JSON object) comes out too, empty, with its problem.
    A feed over a limit (limits.MAX_JSON_BYTES, MAX_JSON_DEPTH, `max_meetings` or else MAX_ROWS meetings,
    MAX_COLUMNS keys or a value over MAX_FIELD_CHARS) raises ImportLimitExceeded, the first three before parsing.
    """
    most = limits.MAX_ROWS if max_meetings is None else max_meetings
    text = limits.whole_text(data, N_("feed"))
    _check_outline(text, most)
    try:
        feed = json.loads(text)
    except RecursionError:
        raise UnusableInput(_("the feed is nested too deeply to be a Meeting Guide feed (a list of "
                              "meetings)")) from None
    except ValueError as error:
        raise UnusableInput(_("the feed is not valid JSON ({error})").format(error=error)) from None
    del text
    if isinstance(feed, dict) and _MEETING_KEYS & set(feed):
        feed = [feed]  # one meeting on its own: a feed of one
    if feed == []:
        raise UnusableInput(_("the feed lists no meetings (it is an empty list)"))
    if not isinstance(feed, list) or not any(isinstance(m, dict) for m in feed):
        raise UnusableInput(_("a Meeting Guide feed is a JSON list of meetings"))
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
                raise ImportLimitExceeded(_("the feed is nested too deeply (more than {depth} levels) to be a Meeting "
                                            "Guide feed (a list of meetings)").format(depth=limits.MAX_JSON_DEPTH))
        elif mark in "]}":
            depth -= 1
        elif depth == 1:
            commas += 1  # items of the top-level list, less one
            if commas >= most:
                raise ImportLimitExceeded(_("the feed has more than {most} meetings, the most one import may bring in; "
                                            "import it in parts").format(most=f"{most:,}"))


def _within_limits(number: int, meeting: dict[str, Any]) -> None:
    """Refuse a meeting with more keys than MAX_COLUMNS or a text value longer than MAX_FIELD_CHARS."""
    if len(meeting) > limits.MAX_COLUMNS:
        raise ImportLimitExceeded(_("item {number} of the feed has {count} fields, more than the {most} a meeting "
                                    "may have").format(number=f"{number:,}", count=f"{len(meeting):,}",
                                                       most=f"{limits.MAX_COLUMNS:,}"))
    for key, value in meeting.items():
        values = value if isinstance(value, list) else [value]
        if len(str(key)) > limits.MAX_FIELD_CHARS or any(
                isinstance(v, str) and len(v) > limits.MAX_FIELD_CHARS for v in values):
            most = limits.size_text(limits.MAX_FIELD_CHARS, "characters")
            raise ImportLimitExceeded(_("item {number} of the feed, field {field}, holds more than {most} of text, "
                                        "which no meeting needs; this feed cannot be imported").format(
                number=f"{number:,}", field=_short(str(key)), most=most))


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
    confidential = text.get("location") == CONFIDENTIAL_LOCATION and text.get("location_notes") == CONFIDENTIAL_NOTE
    values: dict[str, str] = {
        "name": text.get("name", ""),
        "external_id": text.get("slug") or _stable_id(text, meeting.get("day")),
        "category": CATEGORY,
        "support_types": join_list(tx.default_support_types(CATEGORY)),
        "organization": text.get("group", ""),
        "description": _description(meeting, text, confidential),
        "location_name": "" if confidential else text.get("location", ""),
        "website": text.get("url", ""),
        "conference_url": text.get("conference_url", ""),
        "conference_phone": text.get("conference_phone", ""),
        # `updated` says when the feed's editors last changed the meeting, not that a peer leader checked it,
        # so it never becomes last_verified.
    }
    if not values["name"]:
        problems["name"] = "the meeting has no name"
    place = _place(text)
    approximate = place.pop("approximate", "")
    values.update(place)
    values["event_timezone"] = text.get("timezone") or _zone(place)
    values.update(_classify(codes))
    values["attendance"], values["status"] = _attendance(values, codes, text, approximate=approximate)
    if days and start is not None:
        first = ANCHOR_SUNDAY + timedelta(days=days[0])
        begins = datetime.combine(first, start)
        values["event_start"] = begins.strftime("%Y-%m-%dT%H:%M")
        if end is not None:
            ends = datetime.combine(first, end)
            values["event_end"] = (ends if ends > begins else ends + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        values["recurrence_rule"] = "FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAYS[d] for d in days)
    values.update(_extension(meeting.get(EXTENSION), days, start))
    return SourceRow(line, {k: v for k, v in values.items() if v}, raw, problems,
                     flags=("private_address",) if confidential else ())


def _description(meeting: dict[str, Any], text: dict[str, str], confidential: bool) -> str:
    """The notes, then each spec field we have no column for as a labelled paragraph ("Regions: A > B")."""
    regions = meeting.get("regions")
    if isinstance(regions, list):
        region = _REGION_JOIN.join(str(r).strip() for r in regions if str(r).strip())
    else:
        region = text.get("regions") or _REGION_JOIN.join(
            r for r in (text.get("region", ""), text.get("sub_region", "")) if r)
    extra = {**text, "regions": region, "location_notes": "" if confidential else text.get("location_notes", "")}
    # A blank line ends a paragraph, so one inside a field is closed up to keep the labels readable back.
    # TSML feeds often repeat the location notes as the meeting's notes: said once is enough.
    paragraphs = [text.get("notes", "")] + [f"{label}: {_one_paragraph(extra[key])}"
                                            for key, label in _NOTE_LABELS.items()
                                            if extra.get(key) and extra[key] != text.get("notes", "")]
    return "\n\n".join(p for p in paragraphs if p)


def _one_paragraph(value: str) -> str:
    return re.sub(r"\n\s*\n+", "\n", value.strip())


def _zone(place: dict[str, str]) -> str:
    """The IANA zone of a meeting that names none, from its ZIP, city or coordinates; "" when not known."""
    try:
        lat, lon = float(place.get("latitude", "")), float(place.get("longitude", ""))
    except ValueError:
        lat = lon = None
    return time_zone(zip_code=place.get("zip", ""), city=place.get("city", ""), state=place.get("state", ""),
                     lat=lat, lon=lon)


def _extension(given: Any, days: list[int], start: time | None) -> dict[str, str]:
    """Our own values from the `directory` object of a feed we wrote; the first sitting only if it still agrees
    with the feed's day and time (another tool may have edited those and left the object as it was)."""
    if not isinstance(given, dict):
        return {}
    values = {k: _text(given.get(k)) for k in _EXTENDED if _text(given.get(k))}
    first = values.get("event_start", "")
    try:
        sitting = datetime.fromisoformat(first)
    except ValueError:
        sitting = None
    agrees = (sitting is not None and start is not None and sitting.time() == start
              and (sitting.weekday() + 1) % 7 in days
              and _byday({"recurrence_rule": values.get("recurrence_rule", ""), "event_start": first}) == days)
    if not agrees:
        for key in ("event_start", "event_end", "recurrence_rule"):
            values.pop(key, None)
    return values


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
    """Address, city, state, ZIP and coordinates; a one-line address is split; `approximate` is "yes" when the
    place is only a city or an area (as the feed says, or as a formatted address of fewer than 4 parts shows)."""
    place = {"address": text.get("address", ""), "city": text.get("city", ""), "state": text.get("state", ""),
             "zip": text.get("postal_code", "")}
    formatted = text.get("formatted_address", "")
    if not place["address"] and formatted:
        place.update(_split_formatted(formatted))
        if len([p for p in formatted.split(",") if p.strip()]) < 4:
            place["approximate"] = "yes"  # as tsml-ui reads it: "Street, City, ST ZIP, Country" has 4
    elif place["address"] and not (place["city"] or place["zip"]):
        place.update(_split_formatted(place["address"]))  # the whole address in `address`
    stated = text.get("approximate", "").casefold()
    if stated in ("yes", "true", "no", "false"):
        place["approximate"] = "yes" if stated in ("yes", "true") else ""
    if text.get("latitude") and text.get("longitude"):
        # Passed on as given: the importer checks them against the ZIP and marks them as the source's own.
        place.update(latitude=text["latitude"], longitude=text["longitude"])
    return place


def _split_formatted(formatted: str) -> dict[str, str]:
    """'12 Oak St, Media, PA 19063, USA' or '100 Main St Tupelo MS 38801' -> address, city, state and ZIP.

    usaddress (a trained US address parser) finds the parts; an address it cannot read, or one with no US
    state, stays whole in `address`.
    """
    parts = [p.strip() for p in formatted.split(",") if p.strip()]
    if parts and parts[-1].upper().rstrip(".") in _COUNTRIES:
        parts = parts[:-1]
    tail = _US_TAIL.match(parts[-1]) if parts else None
    if tail and len(parts) >= 2 and not parts[-2][:1].isdigit():  # the common shape, read as it is
        return {"address": ", ".join(parts[:-2]), "city": parts[-2], "state": tail["state"],
                "zip": tail["zip"] or ""}
    try:
        tokens = usaddress.parse(", ".join(parts))
    except Exception:  # the parser's own errors are not part of its API; an unreadable address stays whole
        return {"address": formatted.strip()}
    labels = [label for _, label in tokens]
    where = [i for i, label in enumerate(labels) if label in _PLACE_LABELS]
    city = " ".join(word for word, label in tokens if label == "PlaceName").strip(" ,")
    state = " ".join(word for word, label in tokens if label == "StateName").strip(" ,.").upper()
    zip_code = " ".join(word for word, label in tokens if label == "ZipCode").strip(" ,")
    # Trusted only as street, then city, state and ZIP at the end, with a two-letter state.
    if not where or where != list(range(where[0], len(labels))) or not city or not re.fullmatch(r"[A-Z]{2}", state):
        return {"address": formatted.strip()}
    return {"address": " ".join(word for word, _ in tokens[:where[0]]).strip(" ,"), "city": city, "state": state,
            "zip": zip_code if re.fullmatch(r"\d{5}(?:-\d{4})?", zip_code) else ""}


def _classify(codes: list[str]) -> dict[str, str]:
    populations = [types.TYPE_POPULATIONS[c] for c in codes if c in types.TYPE_POPULATIONS]
    languages = [types.TYPE_LANGUAGES[c] for c in codes if c in types.TYPE_LANGUAGES]
    access = [types.TYPE_ACCESSIBILITY[c] for c in codes if c in types.TYPE_ACCESSIBILITY]
    pathways = [types.TYPE_PATHWAYS[c] for c in codes if c in types.TYPE_PATHWAYS]
    controlled = {*types.TYPE_POPULATIONS, *types.TYPE_LANGUAGES, *types.TYPE_ACCESSIBILITY, *types.PATHWAY_ONLY,
                  types.ONLINE, types.TEMPORARILY_CLOSED}
    tags = [types.tag_for(c) for c in codes if c not in controlled]
    return {"populations": join_list(_unique(populations)), "languages": join_list(_unique(languages)),
            "accessibility": join_list(_unique(access)), "pathways": join_list(_unique(pathways)),
            "tags": join_list(_unique(tags))}


def _attendance(values: dict[str, str], codes: list[str], text: dict[str, str], *,
                approximate: str = "") -> tuple[str, str]:
    """Attendance and status: as a TSML feed's attendance_option states, else as tsml-ui derives it.

    Online: a conference link or phone, or the ONL type. In person: a street address that is not approximate
    and not TC. Both is hybrid; an online meeting with no street (a city only) is online, not hybrid.
    """
    online = bool(values.get("conference_url") or values.get("conference_phone")) or types.ONLINE in codes
    closed = types.TEMPORARILY_CLOSED in codes
    in_person = bool(values.get("address")) and not approximate and not closed
    if online:
        attendance, status = ("hybrid" if in_person else "online"), "active"
    else:
        attendance, status = "in_person", "inactive" if closed else "active"
    option = text.get("attendance_option", "").strip().casefold()
    if option == "inactive":
        return attendance, "inactive"
    return _ATTENDANCE_OPTIONS.get(option, attendance), status


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def meeting_guide_feed(frame: pd.DataFrame) -> bytes:
    """The weekly meetings and events as a Meeting Guide JSON feed (UTF-8); no confidential street or pin.

    Active ones, and retired ones with the TC type (the spec's "temporarily closed"), so a feed reader keeps
    them; entries awaiting review stay out.
    """
    weekly = frame[frame["status"].isin(("active", "inactive"))
                   & frame["recurrence_rule"].str.contains("FREQ=WEEKLY", na=False) & (frame["event_start"] != "")]
    # No indent: the C encoder, several times faster than the pure-Python one that indentation needs.
    return json.dumps([_meeting(row) for row in row_dicts(weekly) if _byday(row)], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


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
    codes += [types.PATHWAY_TYPES[p] for p in split_list(row["pathways"]) if p in types.PATHWAY_TYPES]
    if row["attendance"] in ("online", "hybrid"):
        codes.append(types.ONLINE)
    retired = row["status"] == "inactive"
    if retired or (row["attendance"] == "online" and row["address"]):
        codes.append(types.TEMPORARILY_CLOSED)
    notes, fields = _split_description(row["description"])
    meeting: dict[str, Any] = {
        "name": row["name"], "slug": row["external_id"] or row["id"], "day": days[0] if len(days) == 1 else days,
        "time": row["event_start"][11:16], "end_time": row["event_end"][11:16], "timezone": row["event_timezone"],
        "types": _unique(codes), "address": row["address"], "city": row["city"], "state": row["state"],
        "postal_code": row["zip"], "country": "US" if row["state"] else "",
        "conference_url": row["conference_url"], "conference_phone": row["conference_phone"],
        "notes": notes, "location": row["location_name"], "group": row["organization"],
        "updated": _updated(row), "url": row["website"],
        # TSML's own field: says outright what the types and links imply, so no reader has to guess.
        "attendance_option": "inactive" if retired else row["attendance"],
        **fields,
    }
    if is_confidential(row):
        # The feed is public: it says the place is confidential and keeps only the city, state and ZIP.
        meeting.update(address="", location=CONFIDENTIAL_LOCATION, location_notes=CONFIDENTIAL_NOTE)
    elif row["latitude"] and row["longitude"]:
        meeting.update(latitude=float(row["latitude"]), longitude=float(row["longitude"]))
    meeting[EXTENSION] = {column: row[column] for column in _EXTENDED if row[column]}
    return {k: v for k, v in meeting.items() if v not in ("", [], {}, None)}


def _updated(row: dict[str, str]) -> str:
    # The spec's `updated` is "YYYY-MM-DD HH:MM:SS" (UTC): when the entry last changed.
    stamp = row["updated_at"] or row["created_at"]
    return stamp[:19].replace("T", " ") if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", stamp) else ""


def _split_description(description: str) -> tuple[str, dict[str, Any]]:
    """The notes, and the spec fields an import kept as labelled paragraphs at the end of the description."""
    paragraphs = description.split("\n\n")
    fields: dict[str, Any] = {}
    while paragraphs:
        label, _, value = paragraphs[-1].partition(": ")
        key = _LABEL_FIELDS.get(label)
        if key is None or key in fields or not value:
            break
        fields[key] = value.split(_REGION_JOIN) if key == "regions" else value
        paragraphs.pop()
    # Read from the end: put back in the description's order, so a re-import writes the same text.
    return "\n\n".join(paragraphs), dict(reversed(fields.items()))
