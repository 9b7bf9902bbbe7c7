"""Events and opening hours against an injected clock: DST, past midnight, and time zones."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from directory.schedule import day_words, next_occurrence, occurrences, open_status, with_zone, zone_label, zone_name_of

NY = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")


def _event(**fields: str) -> dict[str, str]:
    return {"event_start": "2026-01-01T19:00", "event_end": "2026-01-01T20:30", "event_timezone": "America/New_York",
            "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH", **fields}


@pytest.mark.parametrize(
    ("window_start", "utc_hours"),
    [
        (datetime(2026, 3, 1, tzinfo=NY), [0, 23, 23]),  # spring forward on 8 March
        (datetime(2026, 10, 25, tzinfo=NY), [23, 0, 0]),  # fall back on 1 November
    ],
)
def test_weekly_events_keep_their_local_time_across_daylight_saving(window_start: datetime, utc_hours) -> None:
    """'Every Thursday 7 pm' stays 7 pm local on both sides of each change; the UTC hour moves."""
    found = occurrences(_event(), window_start, window_start + timedelta(days=21))
    assert [o.start.hour for o in found] == [19, 19, 19]
    assert [o.start.astimezone(ZoneInfo("UTC")).hour for o in found] == utc_hours
    assert all(o.end - o.start == timedelta(minutes=90) for o in found)


def test_monthly_rule_on_the_first_saturday() -> None:
    """FREQ=MONTHLY;BYDAY=1SA gives the first Saturday of each month."""
    event = _event(event_start="2026-01-03T10:00", event_end="2026-01-03T12:00",
                   recurrence_rule="FREQ=MONTHLY;BYDAY=1SA")
    found = occurrences(event, datetime(2026, 2, 1, tzinfo=NY), datetime(2026, 5, 1, tzinfo=NY))
    assert [o.start.date().isoformat() for o in found] == ["2026-02-07", "2026-03-07", "2026-04-04"]


def test_an_event_spanning_midnight_is_under_way_after_midnight() -> None:
    """A Friday 8 pm to 1 am social is the 'next' sitting at 12:30 am Saturday, because it is still on."""
    event = _event(event_start="2026-01-02T20:00", event_end="2026-01-03T01:00", recurrence_rule="FREQ=WEEKLY;BYDAY=FR")
    now = datetime(2026, 3, 14, 0, 30, tzinfo=NY)
    sitting = next_occurrence(event, now)
    assert sitting.start == datetime(2026, 3, 13, 20, 0, tzinfo=NY)
    assert sitting.end == datetime(2026, 3, 14, 1, 0, tzinfo=NY)


def test_one_off_events_and_past_ones() -> None:
    """A one-off event appears in its window and not after it has ended."""
    event = _event(event_start="2026-12-05T18:00", event_end="2026-12-05T21:00", recurrence_rule="")
    assert next_occurrence(event, datetime(2026, 12, 1, tzinfo=NY)).start.day == 5
    assert next_occurrence(event, datetime(2026, 12, 5, 21, 30, tzinfo=NY)) is None
    assert occurrences({"event_start": ""}, datetime(2026, 1, 1, tzinfo=NY), datetime(2027, 1, 1, tzinfo=NY)) == []


def test_events_in_another_zone_compare_by_the_instant() -> None:
    """A 7 pm Chicago meeting is 8 pm in New York."""
    event = _event(event_timezone="America/Chicago")
    sitting = next_occurrence(event, datetime(2026, 6, 1, tzinfo=NY))
    assert sitting.start.tzinfo == CHICAGO and sitting.start.astimezone(NY).hour == 20


@pytest.mark.parametrize(
    ("hours", "now", "expected"),
    [
        ("Mon-Fri 09:00-17:00", datetime(2026, 11, 23, 10, 0, tzinfo=NY), "Open now · closes 5 pm"),
        ("Mon-Fri 09:00-17:00", datetime(2026, 11, 23, 17, 0, tzinfo=NY), "Opens Tuesday 9 am"),
        ("Mon-Fri 09:00-17:00", datetime(2026, 11, 28, 12, 0, tzinfo=NY), "Opens Monday 9 am"),
        ("Fri 20:00-02:00", datetime(2026, 11, 28, 1, 15, tzinfo=NY), "Open now · closes 2 am"),
        ("Fri 20:00-02:00", datetime(2026, 11, 28, 2, 0, tzinfo=NY), "Opens Friday 8 pm"),
        ("Mon 09:00-12:00, 13:00-17:30", datetime(2026, 11, 23, 12, 30, tzinfo=NY), "Opens Monday 1 pm"),
        ("Mon 09:00-12:00, 13:00-17:30", datetime(2026, 11, 23, 13, 30, tzinfo=NY), "Open now · closes 5:30 pm"),
        ("Sat 20:00-24:00; Sun 00:00-03:00", datetime(2026, 11, 28, 23, 0, tzinfo=NY), "Open now · closes 3 am"),
        ("Sun closed", datetime(2026, 11, 29, 12, 0, tzinfo=NY), ""),
    ],
)
def test_opening_hours_say_when_they_change(hours: str, now: datetime, expected: str) -> None:
    """Open now with its closing time, or the next opening; overnight and split hours included."""
    assert open_status(hours, now).describe() == expected


def test_unknown_hours_say_nothing() -> None:
    """No hours means no claim either way."""
    assert open_status("", datetime(2026, 11, 23, tzinfo=NY)) is None


def test_hours_across_the_fall_back_night() -> None:
    """A Saturday-night range past midnight still closes at 2 am local on the night clocks go back."""
    status = open_status("Sat 20:00-02:00", datetime(2026, 11, 1, 0, 30, tzinfo=NY))
    assert status.is_open and status.change_at.hour == 2


@pytest.mark.parametrize(
    ("view", "at", "start", "end"),
    [
        ("Today", datetime(2026, 11, 25, 15, 0, tzinfo=NY), datetime(2026, 11, 25, 15, 0, tzinfo=NY),
         datetime(2026, 11, 26, 0, 0, tzinfo=NY)),
        ("Tonight", datetime(2026, 11, 25, 15, 0, tzinfo=NY), datetime(2026, 11, 25, 17, 0, tzinfo=NY),
         datetime(2026, 11, 26, 4, 0, tzinfo=NY)),
        ("Tonight", datetime(2026, 11, 25, 22, 0, tzinfo=NY), datetime(2026, 11, 25, 22, 0, tzinfo=NY),
         datetime(2026, 11, 26, 4, 0, tzinfo=NY)),
        ("This weekend", datetime(2026, 11, 24, 9, 0, tzinfo=NY), datetime(2026, 11, 27, 17, 0, tzinfo=NY),
         datetime(2026, 11, 30, 0, 0, tzinfo=NY)),
        ("This weekend", datetime(2026, 11, 28, 9, 0, tzinfo=NY), datetime(2026, 11, 28, 9, 0, tzinfo=NY),
         datetime(2026, 11, 30, 0, 0, tzinfo=NY)),
        ("This week", datetime(2026, 11, 25, 9, 0, tzinfo=NY), datetime(2026, 11, 25, 9, 0, tzinfo=NY),
         datetime(2026, 12, 2, 9, 0, tzinfo=NY)),
    ],
)
def test_views_cover_the_right_hours(view: str, at: datetime, start: datetime, end: datetime) -> None:
    """Today runs to midnight, tonight from 5 pm to 4 am, the weekend from Friday 5 pm, never into the past."""
    from directory.schedule import window

    assert window(view, at) == (start, end)


def test_agenda_orders_sittings_and_filters_by_time_of_day() -> None:
    """Sittings come soonest first; choosing Evening keeps only those starting 5 pm to 9 pm."""
    from directory.schedule import agenda

    morning = _event(name="Coffee", event_start="2026-01-01T09:00", event_end="2026-01-01T10:00")
    evening = _event(name="Volleyball")
    start = datetime(2026, 11, 26, 0, 0, tzinfo=NY)
    both = agenda([evening, morning], start, start + timedelta(days=1))
    assert [row["name"] for _, row in both] == ["Coffee", "Volleyball"]
    assert [row["name"] for _, row in agenda([evening, morning], start, start + timedelta(days=1),
                                             ("Evening",))] == ["Volleyball"]


def test_now_can_be_fixed_for_demos_and_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """DIRECTORY_NOW pins the clock; without it the real clock is used, in the directory's zone."""
    from directory.config import load_settings

    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-26T19:30")
    assert load_settings().current_time() == datetime(2026, 11, 26, 19, 30, tzinfo=NY)
    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-27T00:30:00+00:00")
    assert load_settings().current_time() == datetime(2026, 11, 26, 19, 30, tzinfo=NY)
    monkeypatch.delenv("DIRECTORY_NOW")
    assert load_settings().current_time().tzinfo == NY


@pytest.mark.parametrize(("zone", "directory_zone", "expected"), [
    ("America/New_York", "America/New_York", "Eastern"),  # the directory's own zone: its short name only
    ("", "America/New_York", "Eastern"),  # an event naming no zone keeps the directory's
    ("America/Detroit", "America/New_York", "Eastern"),  # another name for the same clock
    ("America/Chicago", "America/New_York", "Central time (America/Chicago)"),
    ("America/Denver", "America/New_York", "Mountain time (America/Denver)"),
    ("America/Los_Angeles", "America/New_York", "Pacific time (America/Los_Angeles)"),
    ("America/Anchorage", "America/New_York", "Alaska time (America/Anchorage)"),
    ("Pacific/Honolulu", "America/New_York", "Hawaii time (Pacific/Honolulu)"),
    ("America/New_York", "America/Chicago", "Eastern time (America/New_York)"),
    ("America/Chicago", "America/Chicago", "Central"),
    ("America/Phoenix", "America/Denver", "America/Phoenix"),  # no daylight saving: never just "Mountain"
    ("Europe/London", "America/New_York", "Europe/London"),
    ("Europe/London", "Europe/London", ""),  # an own zone without a common name goes unsaid
])
def test_zone_label_names_a_zone_in_full_only_when_it_differs(zone: str, directory_zone: str,
                                                              expected: str) -> None:
    """The directory's own zone reads 'Eastern'; any other is named in full, never as a bare IANA name in the US."""
    assert zone_label(zone, directory_zone) == expected


@pytest.mark.parametrize(("zone", "expected"), [
    (NY, "7 pm Eastern"),
    (CHICAGO, "7 pm Central time (America/Chicago)"),
    (ZoneInfo("Europe/Paris"), "7 pm Europe/Paris"),
])
def test_a_time_is_followed_by_its_zone_as_people_read_it(zone: ZoneInfo, expected: str) -> None:
    """'7 pm Eastern' in the directory's zone; elsewhere the zone in full."""
    moment = datetime(2026, 11, 26, 19, 0, tzinfo=zone)
    assert with_zone("7 pm", zone_name_of(moment), "America/New_York") == expected


def test_with_zone_adds_nothing_for_an_own_zone_without_a_common_name() -> None:
    """A directory in Europe/London shows its own times bare, and a New York event with its zone in full."""
    assert with_zone("7 pm", "Europe/London", "Europe/London") == "7 pm"
    assert with_zone("7 pm", "America/New_York", "Europe/London") == "7 pm Eastern time (America/New_York)"


@pytest.mark.parametrize(
    ("moment", "short", "year", "expected"),
    [
        (datetime(2026, 1, 8, 19, 0), False, False, "Thursday 8 January"),
        (datetime(2026, 11, 26), False, False, "Thursday 26 November"),
        (datetime(2026, 1, 8), True, True, "Thu 8 Jan 2026"),
        (datetime(2026, 3, 1), True, False, "Sun 1 Mar"),
    ],
)
def test_days_are_written_without_a_leading_zero(moment: datetime, short: bool, year: bool, expected: str) -> None:
    """'Thursday 8 January', never 'Thursday 08 January'."""
    assert day_words(moment, short=short, year=year) == expected


def _frame_of(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"id": f"e{n}", "name": f"Event {n}", **row} for n, row in enumerate(rows)])


_EVENTS = [
    _event(),  # Thursdays 7 pm New York
    _event(event_start="2026-01-01T09:00", event_end="2026-01-01T10:00", recurrence_rule="FREQ=DAILY"),
    _event(event_timezone="America/Chicago", recurrence_rule="FREQ=WEEKLY;BYDAY=SA,SU"),
    _event(event_start="2026-11-27T23:30", event_end="2026-11-28T01:00", recurrence_rule=""),  # one night only
    _event(recurrence_rule="FREQ=MONTHLY;BYDAY=1SA", event_start="2026-01-03T10:00", event_end="2026-01-03T12:00"),
    _event(event_start="", event_end="", recurrence_rule=""),  # no event: never a sitting
    _event(),  # the same schedule as the first, under another name
]


@pytest.mark.parametrize("now", [datetime(2026, 11, 26, 18, 30, tzinfo=NY), datetime(2026, 3, 7, 23, 0, tzinfo=NY),
                                 datetime(2026, 10, 31, 12, 0, tzinfo=NY)])
@pytest.mark.parametrize("times", [(), ("Morning",), ("Evening", "Night")])
def test_the_kept_agenda_finds_what_agenda_finds(now: datetime, times: tuple[str, ...]) -> None:
    """agenda_of (one kept expansion, narrowed) lists the same sittings in the same order as agenda, in every
    view, across both daylight-saving changes."""
    from directory.schedule import VIEWS, agenda, agenda_of, window

    frame = _frame_of(_EVENTS)
    rows = frame.to_dict("records")
    for view in VIEWS:
        start, end = window(view, now)
        found = agenda_of(frame, start, end).at_times(times)
        assert [(s, frame["id"].iloc[p]) for s, p in zip(found.sittings, found.rows, strict=True)] == [
            (s, row["id"]) for s, row in agenda(rows, start, end, times)]


def test_one_expansion_serves_a_day_of_reruns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every named view on one day, and every rerun as the clock moves, reuse one expansion of the frame; a new
    frame (a new version of the directory) is expanded afresh."""
    from directory import schedule

    expanded: list[int] = []
    real = schedule.expand

    def counting(frame: pd.DataFrame, start: datetime, end: datetime, known: dict) -> schedule.Agenda:
        expanded.append(len(frame))
        return real(frame, start, end, known)

    monkeypatch.setattr(schedule, "expand", counting)
    frame = _frame_of(_EVENTS)
    for minutes in range(0, 300, 30):
        now = datetime(2026, 11, 26, 9, 0, tzinfo=NY) + timedelta(minutes=minutes)
        for view in schedule.VIEWS:
            schedule.agenda_of(frame, *schedule.window(view, now))
    assert expanded == [len(frame)]
    schedule.agenda_of(_frame_of(_EVENTS[:2]), *schedule.window("Today", now))
    assert expanded == [len(frame), 2]


def test_an_agenda_narrows_to_rows_and_lists_each_event_once() -> None:
    """of_rows keeps a search's matches; events() names each event once, in the order of its first sitting."""
    from directory.schedule import agenda_of

    frame = _frame_of(_EVENTS)
    start = datetime(2026, 11, 26, 0, 0, tzinfo=NY)
    week = agenda_of(frame, start, start + timedelta(days=7))
    assert list(week.events()) == list(dict.fromkeys(week.rows.tolist()))
    assert set(week.events()) == {0, 1, 2, 3, 6}
    only = week.of_rows(np.array([2, 3]))
    assert set(only.rows.tolist()) == {2, 3} and len(only) == sum(week.rows >= 2) - sum(week.rows == 6)
    assert [s.start for s in only.sittings] == sorted(s.start for s in only.sittings)


def test_a_new_version_expands_only_the_schedules_it_has_not_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """After one entry's event changes (a new frame), only that event's schedule is expanded again."""
    from directory import schedule

    expanded: list[str] = []
    real = schedule.occurrences

    def counting(row: dict[str, str], start: datetime, end: datetime) -> list[schedule.Occurrence]:
        expanded.append(row["event_start"])
        return real(row, start, end)

    monkeypatch.setattr(schedule, "occurrences", counting)
    start = datetime(2031, 5, 6, 12, 0, tzinfo=NY)  # a day no other test expands
    before = schedule.agenda_of(_frame_of(_EVENTS), start, start + timedelta(days=7))
    assert len(expanded) == len({tuple(e.values()) for e in _EVENTS if e["event_start"]})
    expanded.clear()
    edited = _frame_of([*_EVENTS[:-1], _event(event_start="2026-01-01T20:00", event_end="2026-01-01T21:00")])
    after = schedule.agenda_of(edited, start, start + timedelta(days=7))
    assert expanded == ["2026-01-01T20:00"]
    assert len(after) == len(before)
