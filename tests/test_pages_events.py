"""The Events page through AppTest, with the clock pinned by DIRECTORY_NOW."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from directory import schedule
from directory.store import Store
from tests.apps import APP

NY = ZoneInfo("America/New_York")
NOW = "2026-11-26T18:30"  # a Thursday evening


@pytest.fixture
def events_app(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/events.py")
    return at.run()


def _expected(sample_dir: Path, view: str) -> list[str]:
    frame = Store(sample_dir).load().frame
    rows = frame[(frame["status"] == "active") & (frame["event_start"] != "")].to_dict("records")
    start, end = schedule.window(view, datetime.fromisoformat(NOW).replace(tzinfo=NY))
    return [row["name"] for _, row in schedule.agenda(rows, start, end)]


_CARD_HEAD = "** · "  # an event card opens with its bold times and zone, then the name


def _shown(at: AppTest) -> list[str]:
    names = []
    for m in at.markdown:
        if m.value.startswith("**") and _CARD_HEAD in m.value.split("\n", 1)[0]:
            names.append(m.value.split(_CARD_HEAD, 1)[1].replace("\\", ""))
    return names


@pytest.mark.parametrize("view", schedule.VIEWS)
def test_every_view_lists_the_sittings_in_its_window(events_app: AppTest, sample_dir: Path, view: str) -> None:
    """Each view shows exactly the sittings the schedule finds for it, soonest first, grouped by day."""
    at = events_app.radio(key="ev_view").set_value(view).run()
    assert not at.exception
    expected = _expected(sample_dir, view)
    assert _shown(at) == expected
    if view in ("This week", "Today", "Tonight"):
        assert expected, f"the sample has events {view.lower()}"
    assert any("Times are Eastern time" in c.value for c in at.caption)


def test_time_of_day_and_filters_narrow_the_agenda(events_app: AppTest) -> None:
    """Choosing Morning keeps morning sittings; a support-type filter applies as on Find."""
    at = events_app.radio(key="ev_view").set_value("This week").run()
    everything = _shown(at)
    at.multiselect(key="ev_times").set_value(["Morning"]).run()
    mornings = at.markdown
    assert len(_shown(at)) < len(everything)
    assert all(" am – " in m.value for m in mornings if m.value.startswith("**") and _CARD_HEAD in m.value)


def test_empty_window_suggests_widening(events_app: AppTest) -> None:
    """When nothing is on, the page says what to try."""
    at = events_app
    at.text_input(key="f_text").set_value("no such event anywhere").run()
    assert any("Try a longer window" in i.value for i in at.info)


def test_details_opens_the_entry(events_app: AppTest) -> None:
    """Details on an event opens its detail view on the Find page."""
    at = events_app.radio(key="ev_view").set_value("This week").run()
    at.button(key="ev_open_0").click().run()
    assert at.query_params["id"]
    assert at.button(key="back") is not None


def test_picked_dates_and_calendar_downloads(events_app: AppTest) -> None:
    """A picked date range lists its sittings, and the list and each event download as .ics."""
    at = events_app.radio(key="ev_view").set_value("Pick dates").run()
    at.date_input(key="ev_dates").set_value((datetime(2026, 12, 1).date(), datetime(2026, 12, 3).date())).run()
    assert not at.exception
    days = [s.value for s in at.header]
    assert days and all(any(d in day for d in (" 1 December", " 2 December", " 3 December")) for day in days)
    downloads = at.get("download_button")
    assert any(d.proto.label.startswith("Add all") for d in downloads)
    assert sum(d.proto.label == "Add to calendar" for d in downloads) == len(_shown(at))


def test_the_detail_view_shows_the_next_sitting(events_app: AppTest) -> None:
    """An event's detail names its next date and time, with the zone as people say it."""
    at = events_app.radio(key="ev_view").set_value("This week").run()
    at.button(key="ev_open_0").click().run()
    assert any(re.search(r"\*\*Next:\*\* .*\d [ap]m Eastern", m.value) for m in at.markdown)
    assert not any("America/New" in m.value for m in at.markdown)


def test_event_cards_say_times_as_people_read_them(events_app: AppTest) -> None:
    """'7 pm – 8:30 pm Eastern' on each card: the directory's own zone by its short name, never its IANA name."""
    at = events_app.radio(key="ev_view").set_value("This week").run()
    heads = [m.value.split(_CARD_HEAD, 1)[0].replace("\\", "") for m in at.markdown
             if m.value.startswith("**") and _CARD_HEAD in m.value.split("\n", 1)[0]]
    assert heads
    clock = r"\d{1,2}(:\d\d)? [ap]m"
    assert all(re.fullmatch(rf"\*\*{clock} – {clock} (Eastern|\w+ time \(.+\))", head) for head in heads), heads
    assert not any("America/New" in m.value for m in at.markdown)


def test_one_sitting_is_counted_in_the_singular(events_app: AppTest, sample_dir: Path) -> None:
    """A window with a single sitting says '1 sitting.' and offers to add 'this event', not 'all 1'."""
    tonight = _expected(sample_dir, "Tonight")
    frame = Store(sample_dir).load().frame
    name = next(n for n in tonight if tonight.count(n) == 1 and (frame["name"] == n).sum() == 1)
    at = events_app.radio(key="ev_view").set_value("Tonight").run()
    at.text_input(key="f_text").set_value(name).run()
    if len(_shown(at)) != 1:
        pytest.skip("the name's words match more than one event tonight")
    assert any(c.value.startswith("1 sitting. ") for c in at.caption)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Add this event to a calendar (.ics)" in labels and not any("Add all" in label for label in labels)
