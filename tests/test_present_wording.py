"""Wording people read on a phone: counts that agree, times with their zone as said aloud, online entries."""

from __future__ import annotations

import pytest

from directory.present import (
    directions_url,
    distance_text,
    event_summary,
    hours_words,
    is_online_only,
    result_count,
)

NY = "America/New_York"
PLACE = {"address": "12 Oak St", "city": "Media", "state": "PA", "zip": "19063", "latitude": "39.9",
         "longitude": "-75.3"}
# An online meeting as imports and the sample store it: a city and ZIP, the ZIP's center as coordinates, a link.
ONLINE = {"city": "Cherry Hill", "state": "NJ", "zip": "08034", "latitude": "39.9074", "longitude": "-75.0008",
          "geocode_quality": "zip_centroid", "attendance": "online",
          "conference_url": "https://meet.example.org/recovery-0001"}


@pytest.mark.parametrize(("count", "expected"), [(0, "0 results"), (1, "1 result"), (2, "2 results"),
                                                 (1200, "1,200 results")])
def test_result_count_agrees_with_its_number(count: int, expected: str) -> None:
    """Never '1 results'."""
    assert result_count(count) == expected


@pytest.mark.parametrize(("row", "expected"), [
    ({"event_start": "2026-01-08T19:00", "event_end": "2026-01-08T21:00", "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH"},
     "Every Thursday, 7 pm – 9 pm Eastern"),
    ({"event_start": "2026-01-08T19:30", "event_end": "2026-01-08T21:00", "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH",
      "event_timezone": NY}, "Every Thursday, 7:30 pm – 9 pm Eastern"),
    ({"event_start": "2026-01-08T18:00", "recurrence_rule": "FREQ=MONTHLY;BYDAY=1SA",
      "event_timezone": "America/Chicago"}, "First Saturday of each month, 6 pm Central time (America/Chicago)"),
    ({"event_start": "2026-12-05T10:00", "event_end": "2026-12-05T12:00", "event_timezone": "America/Los_Angeles"},
     "Sat 5 Dec 2026, 10 am – 12 pm Pacific time (America/Los_Angeles)"),
    ({"event_start": "2026-01-08T19:00", "event_timezone": "Europe/London"}, "Thu 8 Jan 2026, 7 pm Europe/London"),
    ({}, ""),
])
def test_event_summary_says_times_as_people_read_them(row: dict, expected: str) -> None:
    """'7 pm Eastern' for the directory's zone; another zone is named in full; never a bare America/New_York."""
    assert event_summary(row, NY) == expected


@pytest.mark.parametrize(("hours", "expected"), [
    ("Mon-Fri 09:00-17:00", "Mon–Fri 9 am – 5 pm"),
    ("Mon-Fri 09:00-17:00; Sat closed", "Mon–Fri 9 am – 5 pm; Sat closed"),
    ("Mon 09:30-12:00, 13:00-17:00", "Mon 9:30 am – noon, 1 pm – 5 pm"),
    ("Fri 20:00-02:00", "Fri 8 pm – 2 am"),
    ("Wed 18:00-24:00", "Wed 6 pm – midnight"),
    ("Mon-Sun 00:00-24:00", "Mon–Sun open 24 hours"),
    ("Sat 10:00-14:00; Mon 09:00-17:00", "Mon 9 am – 5 pm; Sat 10 am – 2 pm"),
    ("whenever the door is open", "whenever the door is open"),
])
def test_hours_words_read_like_a_sign_on_the_door(hours: str, expected: str) -> None:
    """Stored 24-hour ranges are said on a 12-hour clock; text that cannot be read is kept as written."""
    assert hours_words(hours) == expected


@pytest.mark.parametrize(("row", "expected"), [
    (ONLINE, True),
    ({**ONLINE, "attendance": "hybrid"}, False),
    ({**ONLINE, "attendance": "in_person"}, False),
    ({**ONLINE, "attendance": ""}, True),  # no attendance given: a meeting link and no street mean online
    ({**ONLINE, "attendance": "", "address": "12 Oak St"}, False),
    (PLACE, False),
])
def test_is_online_only(row: dict, expected: bool) -> None:
    """Online attendance, or a meeting link with no street when attendance is not given."""
    assert is_online_only(row) is expected


@pytest.mark.parametrize(("row", "distance", "directions"), [
    (PLACE, "1.3 mi", "https://www.openstreetmap.org/directions?route=%3B39.9%2C-75.3"),
    (ONLINE, "", ""),
    ({**ONLINE, "attendance": ""}, "", ""),
    ({**ONLINE, "attendance": "hybrid", "address": "12 Oak St"}, "1.3 mi",
     "https://www.openstreetmap.org/directions?route=%3B39.9074%2C-75.0008"),
])
def test_an_online_meeting_has_no_distance_and_no_directions(row: dict, distance: str, directions: str) -> None:
    """Its coordinates are only its ZIP's center: there is no place to be near or to travel to."""
    assert distance_text(row, 1.26) == distance
    assert directions_url(row) == directions
