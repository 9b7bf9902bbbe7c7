"""iCalendar export: events read back with their rule, zone, place and link."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from directory.interop.ical import event_calendar
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
