"""iCalendar (.ics) import: an organization's calendar export (Google Calendar, Outlook) in as events.

A VEVENT becomes a row: SUMMARY the name, DESCRIPTION the description (meeting links it names are taken out
as the conference link and phone), LOCATION the place, URL the website, DTSTART/DTEND the times in local
wall-clock time with their zone, and RRULE the recurrence rule. Times given with a TZID keep it (a Microsoft
zone name such as "Eastern Standard Time" becomes its IANA name); UTC times are read in the calendar's own
zone (X-WR-TIMEZONE) when it names one; floating times stay in the directory's zone. An all-day event runs
from the midnight of its first day to the midnight after its last.

What the directory cannot hold is kept readable and reported, never dropped: dates a rule skips (EXDATE),
extra dates (RDATE) and changed or cancelled sittings (RECURRENCE-ID) are listed in the description and
reported as a problem of the row, so it waits for review. A UID is the row's external id; an event of this
directory's own export (its UID ends in `ical.UID_SUFFIX`) carries the entry's id, so importing an export
matches each event to its entry, and what the export filled in by default (the directory's zone, the
hour-long length of an event with no end) is not read back as if the entry had said it.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from icalendar import Calendar, Component, vRecur
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from directory import taxonomy as tx
from directory.i18n import N_, _
from directory.interop import limits
from directory.interop.ical import PRODID, UID_SUFFIX
from directory.interop.limits import ImportLimitExceeded
from directory.interop.records import SourceRow, UnusableInput
from directory.privacy import CONFIDENTIAL_LOCATION
from directory.routes import detail_link
from directory.schedule import DEFAULT_EVENT_MINUTES, clock, day_words

# The text a calendar file starts with (after a byte-order mark or blank lines), for format detection.
MAGIC = b"BEGIN:VCALENDAR"
_JOIN_ONLINE = "Join online: "
_JOIN_PHONE = "Join by phone: "
_CONFERENCE_PROPERTIES = ("X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL")
_US_TAIL = re.compile(r"^(?P<state>[A-Z]{2})(?:\s+(?P<zip>\d{5}(?:-\d{4})?))?$")
_COUNTRY = ("USA", "US", "UNITED STATES", "UNITED STATES OF AMERICA")
_HTML = re.compile(r"<\s*/?\s*(?:br|p|a|b|i|u|em|strong|ul|ol|li|span|div|html|body)\b[^>]*>", re.IGNORECASE)
_EXTERNAL_ID_CHARS = 200
# Google Calendar's block of joining instructions, between two rows of "-::~:~::~" marks.
_GOOGLE_JOIN_BLOCK = re.compile(r"-::~[:~]*::-.*?-::~[:~]*::-", re.DOTALL)
# LOCATION texts that name an online meeting's service, not a place.
_ONLINE_PLACES = frozenset({"microsoft teams meeting", "google meet", "zoom", "zoom meeting", "online", "virtual"})


def looks_like_ical(head: bytes) -> bool:
    """Whether a file's first bytes are those of an iCalendar file."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:len(MAGIC)].upper() == MAGIC


def read_ical(data: bytes, *, max_events: int | None = None) -> list[SourceRow]:
    """One source row per event (a recurring event with its changed sittings is one row), with its problems.

    A calendar over a limit (limits.MAX_JSON_BYTES, since it is parsed whole; `max_events` or else MAX_ROWS
    events; a value over MAX_FIELD_CHARS) raises ImportLimitExceeded, the first two before parsing.
    """
    most = limits.MAX_ROWS if max_events is None else max_events
    text = limits.whole_text(data, N_("calendar"))
    if not looks_like_ical(text[:64].encode("utf-8")):
        raise UnusableInput(_("an iCalendar file starts with BEGIN:VCALENDAR"))
    if (count := len(re.findall(r"^BEGIN:VEVENT\s*$", text, re.MULTILINE | re.IGNORECASE))) > most:
        raise ImportLimitExceeded(_("the calendar has {count} events, more than the {most} one import may bring "
                                    "in; import it in parts").format(count=f"{count:,}", most=f"{most:,}"))
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError) as error:
        raise UnusableInput(_("the calendar cannot be read as iCalendar ({error})").format(error=error)) from None
    rows: list[SourceRow] = []
    events_before = 0  # a row's line is its event's place among the file's VEVENTs
    for calendar in calendars:
        rows += _calendar_rows(calendar, events_before)
        events_before += len(calendar.walk("VEVENT"))
    return rows


def _calendar_rows(calendar: Component, before: int) -> list[SourceRow]:
    own = str(calendar.get("PRODID", "")) == PRODID
    calendar_zone = _iana(str(calendar.get("X-WR-TIMEZONE", "")))
    events = list(calendar.walk("VEVENT"))
    for number, event in enumerate(events, start=before + 1):
        _within_limits(number, event)
    masters: dict[str, int] = {}
    for index, event in enumerate(events):
        if event.get("RECURRENCE-ID") is None:
            masters.setdefault(str(event.get("UID", "")) or f"#{index}", index)
    changed: dict[int, list[Component]] = {}
    rows: list[SourceRow] = []
    for event in events:
        uid = str(event.get("UID", ""))
        if event.get("RECURRENCE-ID") is not None and uid in masters:
            changed.setdefault(masters[uid], []).append(event)
    for index, event in enumerate(events):
        uid = str(event.get("UID", ""))
        if event.get("RECURRENCE-ID") is not None and uid in masters:
            continue
        row = _EventReader(event, own=own, calendar_zone=calendar_zone).row(before + index + 1,
                                                                             changed.get(index, []))
        rows.append(row)
    return rows


def _within_limits(number: int, event: Component) -> None:
    for name, value in event.property_items(recursive=False, sorted=False):
        if len(str(value)) > limits.MAX_FIELD_CHARS:
            most = limits.size_text(limits.MAX_FIELD_CHARS, "characters")
            raise ImportLimitExceeded(_("event {number} of the calendar, property {name}, holds more than {most} of "
                                        "text, which no event needs; this calendar cannot be imported").format(
                number=f"{number:,}", name=repr(name[:60]), most=most))


def _iana(tzid: str) -> str:
    """The IANA name of a TZID: itself, a Microsoft name's (Outlook), or the tail of a prefixed one; else ''."""
    tzid = tzid.strip().strip('"')
    if not tzid:
        return ""
    if tzid in _zones():
        return tzid
    if tzid in WINDOWS_TO_OLSON:
        return WINDOWS_TO_OLSON[tzid]
    parts = tzid.split("/")  # "/mozilla.org/20050126_1/America/New_York", "/citadel.org/.../America/Chicago"
    for start in range(1, len(parts)):
        if (tail := "/".join(parts[start:])) in _zones():
            return tail
    return ""


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


class _EventReader:
    """Reads one VEVENT into the directory's columns, collecting the problems it meets."""

    def __init__(self, event: Component, *, own: bool, calendar_zone: str) -> None:
        self.event, self.own, self.calendar_zone = event, own, calendar_zone
        self.problems: dict[str, str] = {}
        self.notes: list[str] = []
        self.zone = ""

    def problem(self, column: str, message: str) -> None:
        if message in self.problems.get(column, ""):  # the start and the end often share one problem
            return
        self.problems[column] = f"{self.problems[column]}; {message}" if column in self.problems else message

    def row(self, line: int, changed: list[Component]) -> SourceRow:
        event = self.event
        raw = {name: _shown(value) for name, value in event.property_items(recursive=False, sorted=False)
               if name not in ("BEGIN", "END")}
        values: dict[str, str] = {"name": _one_line(str(event.get("SUMMARY", "")))}
        if not values["name"]:
            self.problem("name", "the event has no SUMMARY (title)")
        uid = str(event.get("UID", "")).strip()
        if self.own and uid.endswith(UID_SUFFIX):
            values["id"] = uid.removesuffix(UID_SUFFIX)
        elif uid:
            values["external_id"] = uid if len(uid) <= _EXTERNAL_ID_CHARS else (
                "ics-" + hashlib.sha1(uid.encode("utf-8")).hexdigest())
        values.update(self._times())
        values.update(self._rule())
        self._skipped_and_extra()
        for sitting in changed:
            self._changed(sitting)
        if event.get("RECURRENCE-ID") is not None:
            self.problem("recurrence_rule", "this is one changed sitting of a recurring event whose other "
                                            "sittings are not in the calendar")
        values.update(self._description())
        location = _one_line(str(event.get("LOCATION", "")))
        if location.casefold() not in _ONLINE_PLACES:
            values.update(_place(location))
        url = str(event.get("URL", "")).strip()
        # The export's link to the entry's own page (with a base URL) is no website of the entry's.
        ours = self.own and "id" in values and url.endswith(detail_link(values["id"]))
        if url and url != values.get("conference_url") and not ours:
            values["website"] = url
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            values["status"] = "inactive"
        flags = ("excluded_by_source",) if str(event.get("CLASS", "")).upper() in ("PRIVATE", "CONFIDENTIAL") else ()
        return SourceRow(line, {k: v for k, v in values.items() if v}, raw, self.problems,
                         codes=_categories(event), flags=flags)

    # Times -----------------------------------------------------------------------------------------------

    def _times(self) -> dict[str, str]:
        start_property = self.event.get("DTSTART")
        if start_property is None:
            self.problem("event_start", "the event has no DTSTART (start)")
            return {}
        start, self.zone = self._local(start_property)
        if start is None:
            return {}
        end: datetime | None = None
        if (end_property := self.event.get("DTEND")) is not None:
            end = self._local(end_property, self.zone)[0]
        elif (duration := self.event.get("DURATION")) is not None:
            end = start + duration.dt
        elif not isinstance(start_property.dt, datetime):
            end = start + timedelta(days=1)  # an all-day event with no end lasts its day
        values = {"event_start": _minutes(start), "event_timezone": self.zone}
        if end is not None and end > start:
            values["event_end"] = _minutes(end)
        if self.own:
            # What this directory's export filled in for an entry that did not say it is not read back.
            if self.zone == self.calendar_zone:
                del values["event_timezone"]
            if end is not None and end - start == timedelta(minutes=DEFAULT_EVENT_MINUTES):
                values.pop("event_end", None)
        return values

    def _local(self, prop: object, zone: str | None = None) -> tuple[datetime | None, str]:
        """A DTSTART/DTEND's local wall-clock time and its IANA zone ('' for the directory's)."""
        moment = prop.dt  # type: ignore[attr-defined]
        if not isinstance(moment, datetime):  # an all-day date: its midnight, in the calendar's zone
            return datetime.combine(moment, time()), self.calendar_zone if zone is None else zone
        tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""  # type: ignore[attr-defined]
        named = _iana(tzid) if tzid else ""
        if tzid and not named:
            if moment.tzinfo is not None and (zone or self.calendar_zone):
                target = zone or self.calendar_zone
                return moment.astimezone(ZoneInfo(target)).replace(tzinfo=None), target
            self.problem("event_timezone", f"the zone '{tzid}' is not one the directory knows; the time is kept "
                                           "as written, in the directory's zone")
            return moment.replace(tzinfo=None), ""
        if zone is not None and named != zone and moment.tzinfo is not None and zone:
            return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None), zone  # an end given in another zone
        if named:
            return moment.replace(tzinfo=None), named
        if moment.tzinfo is not None:  # UTC: read in the calendar's zone, or else kept in UTC
            target = zone or self.calendar_zone or "UTC"
            return moment.astimezone(ZoneInfo(target)).replace(tzinfo=None), target
        return moment, self.calendar_zone if zone is None else zone  # floating: the calendar's or directory's

    def _wall(self, moment: date) -> datetime:
        """A RECURRENCE-ID, EXDATE or UNTIL moment as wall-clock time in the event's zone."""
        if not isinstance(moment, datetime):
            return datetime.combine(moment, time())
        if moment.tzinfo is not None and self.zone:
            return moment.astimezone(ZoneInfo(self.zone)).replace(tzinfo=None)
        return moment.replace(tzinfo=None)

    # Recurrence ------------------------------------------------------------------------------------------

    def _rule(self) -> dict[str, str]:
        rules = self.event.get("RRULE")
        if rules is None:
            return {}
        if isinstance(rules, list):
            self.problem("recurrence_rule", f"the event has {len(rules)} rules; only the first is kept, the others "
                                            "are: " + " | ".join(r.to_ical().decode() for r in rules[1:]))
            rules = rules[0]
        # A rule icalendar could not parse is kept as text, which to_ical() would escape ("\;"): read it as written.
        text = rules.to_ical().decode() if isinstance(rules, vRecur) else str(rules)
        # Exchange writes "BYDAY=MO, TU, WE": spaces the RFC does not allow, but whose meaning is plain.
        text = re.sub(r"\s*([,;=])\s*", r"\1", text.strip())
        try:
            rule = vRecur(vRecur.from_ical(text))
        except ValueError:
            self.notes.append(f"Repeats: {_one_line(text)}")
            self.problem("recurrence_rule", f"the repeat rule '{_one_line(text)[:120]}' cannot be read; it is kept "
                                            "in the description")
            return {}
        if rule.get("UNTIL"):
            until = self._wall(rule["UNTIL"][0])
            # A date stays a date; a time becomes local wall-clock time, as the directory's rules are read.
            rule["UNTIL"] = [until.date() if until.time() == time() and not isinstance(
                rule["UNTIL"][0], datetime) else until]
        return {"recurrence_rule": rule.to_ical().decode()}

    def _skipped_and_extra(self) -> None:
        skipped = sorted({self._wall(m.dt) for prop in _listed(self.event.get("EXDATE")) for m in prop.dts})
        if skipped:
            self.notes.append("Not meeting on: " + ", ".join(_when(m) for m in skipped))
            self.problem("recurrence_rule", f"the calendar skips {len(skipped)} sitting(s) (EXDATE), which a rule "
                                            "cannot hold; they are listed in the description")
        extra = sorted({self._wall(m.dt) for prop in _listed(self.event.get("RDATE")) for m in prop.dts})
        if extra:
            self.notes.append("Also meeting on: " + ", ".join(_when(m) for m in extra))
            self.problem("recurrence_rule", f"the calendar adds {len(extra)} extra sitting(s) (RDATE), which a rule "
                                            "cannot hold; they are listed in the description")

    def _changed(self, sitting: Component) -> None:
        was = self._wall(sitting["RECURRENCE-ID"].dt)
        if str(sitting.get("STATUS", "")).upper() == "CANCELLED":
            self.notes.append(f"Cancelled: {_when(was)}")
            self.problem("recurrence_rule", f"the sitting of {_when(was)} is cancelled, which a rule cannot hold; "
                                            "it is listed in the description")
            return
        reader = _EventReader(sitting, own=self.own, calendar_zone=self.calendar_zone)
        start = reader._local(sitting["DTSTART"])[0] if sitting.get("DTSTART") else None
        what = [f"moves to {_when(start)}"] if start is not None and start != was else []
        for name, words in (("SUMMARY", "is called"), ("LOCATION", "meets at")):
            if sitting.get(name) is not None and str(sitting[name]) != str(self.event.get(name, "")):
                what.append(f"{words} '{_one_line(str(sitting[name]))}'")
        self.notes.append(f"Changed: the sitting of {_when(was)} " + (" and ".join(what) or "is changed"))
        self.problem("recurrence_rule", f"the sitting of {_when(was)} is changed (RECURRENCE-ID), which a rule "
                                        "cannot hold; the change is listed in the description")

    # Words -----------------------------------------------------------------------------------------------

    def _description(self) -> dict[str, str]:
        text = _GOOGLE_JOIN_BLOCK.sub("", _plain(str(self.event.get("DESCRIPTION", "")))).strip()
        lines = text.split("\n")
        values: dict[str, str] = {}
        kept: list[str] = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith(_JOIN_ONLINE) and "conference_url" not in values:
                values["conference_url"] = stripped.removeprefix(_JOIN_ONLINE).strip()
            elif stripped.startswith(_JOIN_PHONE) and "conference_phone" not in values:
                values["conference_phone"] = stripped.removeprefix(_JOIN_PHONE).strip()
            else:
                kept.append(line)
        if kept and (category := _CATEGORY_BY_LABEL.get(kept[0].strip())):
            values["category"] = category  # this directory's export opens the description with it
            kept = kept[1:]
        for name in _CONFERENCE_PROPERTIES:
            if "conference_url" not in values and str(self.event.get(name, "")).startswith("http"):
                values["conference_url"] = str(self.event[name]).strip()
        values["description"] = "\n".join([*kept, *self.notes]).strip()
        return values


_CATEGORY_BY_LABEL = {term.english_label: term.key for term in tx.CATEGORIES}


def _listed(value: object) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _when(moment: datetime) -> str:
    words = day_words(moment.date(), short=True, year=True)
    return words if moment.time() == time() else f"{words} {clock(moment)}"


def _minutes(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    """A description as plain text: Google Calendar writes some as HTML."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _HTML.search(text):
        text = re.sub(r"<\s*(?:br|/p|/li|/div)\b[^>]*>", "\n", text, flags=re.IGNORECASE)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text.strip()


def _shown(value: object) -> str:
    try:
        shown = value.to_ical()  # type: ignore[attr-defined]
    except AttributeError:
        return str(value)
    return shown.decode("utf-8", "replace") if isinstance(shown, bytes) else str(shown)


def _categories(event: Component) -> tuple[str, ...]:
    found: list[str] = []
    for prop in _listed(event.get("CATEGORIES")):
        found += [str(c).strip() for c in getattr(prop, "cats", [prop]) if str(c).strip()]
    return tuple(dict.fromkeys(found))


def _place(location: str) -> dict[str, str]:
    """LOCATION text -> venue, street, city, state and ZIP: 'Hall, 12 Oak St, Media, PA 19063, USA'.

    'Confidential location, City, ST ZIP' (this directory's own export) keeps the place confidential. Parts
    before the first that starts with a number are the venue; a text with no city, state and ZIP at its end
    is a street when it starts with a number, else a venue.
    """
    parts = [p.strip() for p in location.split(",") if p.strip()]
    if parts and parts[-1].upper() in _COUNTRY:
        parts = parts[:-1]
    if not parts:
        return {}
    place: dict[str, str] = {}
    if parts[0] == CONFIDENTIAL_LOCATION:
        place["location_confidential"] = "yes"
        parts = parts[1:]
    tail = _US_TAIL.match(parts[-1]) if len(parts) >= 2 else None
    if tail:
        place.update(city=parts[-2], state=tail["state"], zip=tail["zip"] or "")
        parts = parts[:-2]
    elif "location_confidential" in place:
        return place
    if not parts:
        return place
    street_at = next((i for i, part in enumerate(parts) if part[:1].isdigit()), None)
    if street_at is None:
        place["location_name"] = ", ".join(parts)
    else:
        place["location_name"] = ", ".join(parts[:street_at])
        place["address"] = ", ".join(parts[street_at:])
    return {k: v for k, v in place.items() if v}

