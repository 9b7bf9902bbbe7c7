"""iCalendar export: events read back with their rule, zone, place and link, and RFC 5545 conformance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

# icalendar's own folding (7.3, private) is the oracle the export's faster folding must match byte for byte.
from icalendar.parser.string import _foldline

from directory.interop.ical import _fold, event_calendar
from directory.schedule import occurrences
from directory.store import Store
from tests.factories import valid_frame


def test_recurring_and_one_off_events_round_trip_through_ics() -> None:
    """Each event becomes a VEVENT with zone-aware times, its RRULE, location and URL; others are skipped."""
    frame = valid_frame(
        {"name": "Thursday Sober Volleyball", "event_start": "2026-01-01T19:00", "event_end": "2026-01-01T21:00",
         "event_timezone": "America/New_York", "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH", "address": "1 Main St"},
        {"name": "New Year Sober Dance", "event_start": "2026-12-31T20:00", "event_timezone": "America/Chicago",
         "conference_url": "https://meet.example.org/dance"},
        {"name": "Just a Center"},
        prefix="ev")
    calendar = Calendar.from_ical(event_calendar(frame.to_dict("records"), directory_zone="America/New_York"))
    events = {e.get("summary"): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Thursday Sober Volleyball", "New Year Sober Dance"}
    volleyball = events["Thursday Sober Volleyball"]
    assert volleyball.decoded("dtstart") == datetime(2026, 1, 1, 19, 0, tzinfo=ZoneInfo("America/New_York"))
    assert volleyball.get("rrule").to_ical() == b"FREQ=WEEKLY;BYDAY=TH"
    assert "1 Main St" in volleyball.get("location")
    dance = events["New Year Sober Dance"]
    assert dance.decoded("dtend").hour == 21, "an event without an end lasts an hour"
    assert str(dance.decoded("dtstart").tzinfo) == "America/Chicago"
    assert dance.get("url") == "https://meet.example.org/dance"


def _zone_frame():
    return valid_frame(
        {"name": "Thursday Sober Volleyball", "event_start": "2026-01-01T19:00", "event_end": "2026-01-01T21:00",
         "event_timezone": "America/New_York", "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270301T190000"},
        {"name": "Chicago Sober Social", "event_start": "2026-06-05T18:00", "event_timezone": "America/Chicago"},
        {"name": "Phoenix Morning Walk", "event_start": "2026-06-06T07:00", "event_timezone": "America/Phoenix",
         "recurrence_rule": "FREQ=MONTHLY;BYDAY=1SA"},
        {"name": "Meeting in the Directory's Zone", "event_start": "2026-03-02T12:00"},
        prefix="tz")


def test_every_tzid_of_the_export_has_a_vtimezone_with_the_zone_s_real_changes() -> None:
    """RFC 5545 3.2.19: each TZID names a VTIMEZONE; each observance starts at the zone's real change.

    Also the directory's own zone, used by an event that names none. An observance's DTSTART is local time
    read with its TZOFFSETFROM, so spring forward in New York is 02:00 at -0500 (not 03:00).
    """
    calendar = Calendar.from_ical(event_calendar(_zone_frame().to_dict("records"), directory_zone="America/Denver"))
    used = {str(prop.params["TZID"]) for event in calendar.walk("VEVENT") for prop in event.values()
            if hasattr(prop, "params") and "TZID" in prop.params}
    described = {str(zone["TZID"]): zone for zone in calendar.walk("VTIMEZONE")}
    assert used == {"America/New_York", "America/Chicago", "America/Phoenix", "America/Denver"}
    assert used <= set(described)
    for name in used:
        zone = ZoneInfo(name)
        changes = described[name].walk("STANDARD") + described[name].walk("DAYLIGHT")
        for observance in changes:
            start = observance.decoded("dtstart").replace(tzinfo=None)
            offset_from, offset_to = observance.decoded("tzoffsetfrom"), observance.decoded("tzoffsetto")
            at = (start - offset_from).replace(tzinfo=ZoneInfo("UTC"))
            assert (at - timedelta(seconds=1)).astimezone(zone).utcoffset() == offset_from, (name, start)
            assert at.astimezone(zone).utcoffset() == offset_to, (name, start)
            assert bool(at.astimezone(zone).dst()) == (observance.name == "DAYLIGHT")
        daylight_years = {o.decoded("dtstart").year for o in described[name].walk("DAYLIGHT")}
        if name != "America/Phoenix":  # the years the events span, and the open-ended rule's years after
            assert set(range(2026, 2036)) <= daylight_years, name
        else:
            assert not daylight_years
    new_york = {o.decoded("dtstart").replace(tzinfo=None) for o in described["America/New_York"].walk("DAYLIGHT")}
    assert datetime(2026, 3, 8, 2, 0) in new_york


def test_until_goes_out_in_utc_and_the_sittings_stay_the_same() -> None:
    """A rule's local UNTIL goes out in UTC (RFC 5545 3.3.10, the start has a zone); the last sitting is kept."""
    frame = _zone_frame()
    calendar = Calendar.from_ical(event_calendar(frame.to_dict("records"), directory_zone="America/Denver"))
    volleyball = next(e for e in calendar.walk("VEVENT") if e.get("summary") == "Thursday Sober Volleyball")
    until = volleyball.get("rrule")["UNTIL"][0]
    assert until == datetime(2027, 3, 2, 0, 0, tzinfo=ZoneInfo("UTC"))  # 19:00 in New York, standard time
    assert b"UNTIL=20270302T000000Z" in volleyball.get("rrule").to_ical()


def test_a_second_parser_expands_the_sample_s_events_as_the_directory_does(sample_dir) -> None:
    """recurring-ical-events, an independent reader, finds the same sittings for 8 weeks as schedule.occurrences.

    The weeks cross the spring change of clocks, so a VTIMEZONE error would move sittings by an hour.
    """
    recurring = pytest.importorskip("recurring_ical_events")
    zone = ZoneInfo("America/New_York")
    rows = [r for r in Store(sample_dir).read_raw().to_dict("records") if r["status"] == "active"]
    calendar = Calendar.from_ical(event_calendar(rows, directory_zone="America/New_York"))
    start = datetime(2026, 2, 22, tzinfo=zone)
    end = start + timedelta(weeks=8)
    theirs = {(str(e["UID"]).removesuffix("@peer-recovery-directory"), e.decoded("dtstart"), e.decoded("dtend"))
              for e in recurring.of(calendar).between(start, end)}
    ours = {(row["id"], sitting.start, sitting.end) for row in rows if row["event_start"]
            for sitting in occurrences(row, start, end)}
    assert len(ours) > 40
    assert {(i, s.astimezone(UTC), e.astimezone(UTC)) for i, s, e in theirs} == {
        (i, s.astimezone(UTC), e.astimezone(UTC)) for i, s, e in ours}


@pytest.mark.parametrize("line", [
    "", "SUMMARY:short", "X" * 74, "X" * 75, "X" * 148, "X" * 149, "X" * 150,
    "DESCRIPTION:" + "a" * 61 + "\\n" + "b" * 100,  # an escape that would straddle the fold
    "D:" + "x" * 71 + "\\\\" + "y" * 80, "P;X=" + "^" * 200, "\\" * 300,
    "LOCATION:Café Réunion, " + "é" * 40 + " and 🎉 " * 12,  # multi-octet characters near the fold
    "SUMMARY:" + "ü" * 36 + "\\," + "ü" * 50,
])
def test_lines_are_folded_as_icalendar_folds_them(line: str) -> None:
    """The export's folding writes exactly icalendar's folds: at most 74 octets a part, escapes kept whole."""
    assert _fold(line) == _foldline(line)


def test_random_lines_fold_as_icalendar_folds_them() -> None:
    """Random lines of ASCII, escapes and multi-octet characters, of every length around the fold."""
    import random

    chosen = random.Random(16)
    alphabet = "abc ,;:\\^\n" + "éü€🎉"
    for length in range(0, 400, 3):
        ascii_line = "".join(chosen.choice("ab\\^;,") for _ in range(length))
        mixed_line = "".join(chosen.choice(alphabet) for _ in range(length)).replace("\n", "n")
        assert _fold(ascii_line) == _foldline(ascii_line)
        assert _fold(mixed_line) == _foldline(mixed_line)


def test_the_export_is_what_icalendar_itself_would_write(sample_dir) -> None:
    """The sample's events export to the very bytes icalendar's Calendar.to_ical gives for the same calendar."""
    frame = Store(sample_dir).load().frame
    data = event_calendar(frame[frame["event_start"] != ""].to_dict("records"), directory_zone="America/New_York")
    assert data == Calendar.from_ical(data).to_ical()
    assert any(len(line) > 75 for line in data.replace(b"\r\n ", b"").split(b"\r\n")), "some lines were folded"
