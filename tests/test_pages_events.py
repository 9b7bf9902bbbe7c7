"""The Events page through AppTest, with the clock pinned by DIRECTORY_NOW."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from bench.synthetic import write_scaled_sample
from directory import schedule
from directory.auth import Curator
from directory.interop import ical
from directory.store import Store
from directory.ui import cards, filters
from tests.apps import APP
from tests.test_privacy import confidential_record, leaks

NY = ZoneInfo("America/New_York")
NOW = "2026-11-26T18:30"  # a Thursday evening
PAGE_SIZE = filters.RESULTS_PER_PAGE  # as on Find


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
    assert _shown(at) == expected[:PAGE_SIZE]  # the first page of them
    assert any(c.value.startswith(f"{len(expected)} sitting") for c in at.caption)
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


@pytest.fixture
def many_events_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, Path]:
    """The Events page on the sample repeated three times (bench.synthetic.write_scaled_sample): 75 sittings
    this week, so three pages."""
    folder = tmp_path / "data"
    write_scaled_sample(folder, 900)
    monkeypatch.setenv("DIRECTORY_DATA_DIR", str(folder))
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/events.py")
    at.run()
    return at.radio(key="ev_view").set_value("This week").run(), folder


def _expected_sittings(folder: Path, view: str, times: tuple[str, ...] = ()) -> list[tuple[schedule.Occurrence, str]]:
    frame = Store(folder).load().frame
    rows = frame[(frame["status"] == "active") & (frame["event_start"] != "")].to_dict("records")
    start, end = schedule.window(view, datetime.fromisoformat(NOW).replace(tzinfo=NY))
    return [(sitting, row["name"]) for sitting, row in schedule.agenda(rows, start, end, times)]


def _expected_ids(folder: Path, view: str) -> list[tuple[schedule.Occurrence, str]]:
    frame = Store(folder).load().frame
    rows = frame[(frame["status"] == "active") & (frame["event_start"] != "")].to_dict("records")
    start, end = schedule.window(view, datetime.fromisoformat(NOW).replace(tzinfo=NY))
    return [(sitting, row["id"]) for sitting, row in schedule.agenda(rows, start, end)]


def _headings(sittings: list[tuple[schedule.Occurrence, str]], before: schedule.Occurrence | None) -> list[str]:
    """The day headings a page of these sittings should show, the first marked continued after the same day."""
    days: list[str] = []
    last = before.start.astimezone(NY).date() if before else None
    for sitting, _ in sittings:
        local = sitting.start.astimezone(NY)
        if not days or local.date() != last:
            days.append(schedule.day_words(local) + (" (continued)" if not days and local.date() == last else ""))
        last = local.date()
    return days


def test_events_come_a_page_at_a_time_with_their_day_headings(many_events_app: tuple[AppTest, Path]) -> None:
    """25 sittings a page, as Find; Next shows the following 25 with the right headings, and the count stays the
    whole window's."""
    at, folder = many_events_app
    expected = _expected_sittings(folder, "This week")
    assert len(expected) > 2 * PAGE_SIZE
    assert _shown(at) == [name for _, name in expected[:PAGE_SIZE]]
    assert [h.value for h in at.header] == _headings(expected[:PAGE_SIZE], None)
    assert at.button(key="ev_prev").disabled

    at.button(key="ev_next").click().run()
    assert not at.exception
    page_two = expected[PAGE_SIZE:2 * PAGE_SIZE]
    assert _shown(at) == [name for _, name in page_two]
    assert [h.value for h in at.header] == _headings(page_two, expected[PAGE_SIZE - 1][0])
    assert any(c.value.startswith(f"{len(expected)} sittings. ") for c in at.caption)
    pages = -(-len(expected) // PAGE_SIZE)
    assert any(c.value.startswith(f"Page 2 of {pages}: sittings {PAGE_SIZE + 1}–{2 * PAGE_SIZE} of {len(expected)}.")
               for c in at.caption)
    assert at.button(key=f"ev_open_{PAGE_SIZE}") is not None

    at.button(key="ev_prev").click().run()
    assert _shown(at) == [name for _, name in expected[:PAGE_SIZE]]


def test_a_page_that_starts_mid_day_repeats_the_day_heading(many_events_app: tuple[AppTest, Path]) -> None:
    """Whenever a page starts on the day the page before ended, its first heading names that day again."""
    at, folder = many_events_app
    expected = _expected_sittings(folder, "This week")
    continued = [n for n in range(PAGE_SIZE, len(expected), PAGE_SIZE)
                 if expected[n][0].start.astimezone(NY).date() == expected[n - 1][0].start.astimezone(NY).date()]
    assert continued, "the scaled sample has a page that starts mid-day"
    for _ in range(continued[0] // PAGE_SIZE):
        at.button(key="ev_next").click().run()
    day = schedule.day_words(expected[continued[0]][0].start.astimezone(NY))
    assert at.header[0].value == f"{day} (continued)"


def test_the_page_is_kept_across_reruns_until_the_search_changes(many_events_app: tuple[AppTest, Path]) -> None:
    """A rerun stays on the page; choosing a time of day (a new search) starts again at page 1."""
    at, folder = many_events_app
    expected = [name for _, name in _expected_sittings(folder, "This week")]
    at.button(key="ev_next").click().run()
    at.button(key="ev_next").click().run()
    at.run()
    assert _shown(at) == expected[2 * PAGE_SIZE:3 * PAGE_SIZE]
    at.multiselect(key="ev_times").set_value(["Evening"]).run()
    evenings = [name for _, name in _expected_sittings(folder, "This week", ("Evening",))]
    assert len(evenings) > PAGE_SIZE
    assert _shown(at) == evenings[:PAGE_SIZE]
    assert any(c.value.startswith("Page 1 of ") for c in at.caption)


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """The callables Streamlit keeps for download buttons whose file is made when pressed, by file id."""
    kept: dict[str, Callable[[], bytes]] = {}
    register = MediaFileManager.add_deferred

    def keep(self: MediaFileManager, data_callable: Callable[[], bytes], *args: object, **kwargs: object) -> str:
        file_id = register(self, data_callable, *args, **kwargs)
        kept[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return kept


def _press(at: AppTest, deferred: dict[str, Callable[[], bytes]], label: str) -> Calendar:
    """What pressing the first download button whose label starts so gives: Streamlit runs its callable then."""
    button = next(d.proto for d in at.get("download_button") if d.proto.label.startswith(label))
    assert not button.url, "the file is not made before the press"
    return Calendar.from_ical(deferred[button.deferred_file_id]())


def test_no_calendar_is_built_until_its_button_is_pressed(many_events_app: tuple[AppTest, Path],
                                                          deferred: dict[str, Callable[[], bytes]],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Reruns build no calendar file; pressing a card's button builds its event's, and "Add all" builds every
    event in the window, not only the page's."""
    at, folder = many_events_app
    built: list[int] = []
    real = ical.event_calendar

    def counting(rows: Iterable[Mapping[str, str]], **options: str) -> bytes:  # the real builder, counted
        rows = list(rows)
        built.append(len(rows))
        return real(rows, **options)

    monkeypatch.setattr(ical, "event_calendar", counting)
    monkeypatch.setattr(cards, "event_calendar", counting)
    for change in (lambda: at, lambda: at.button(key="ev_next").click(), lambda: at.radio(key="ev_view")
                   .set_value("This weekend"), lambda: at.multiselect(key="ev_times").set_value(["Evening"]),
                   lambda: at.multiselect(key="ev_times").set_value([]), lambda: at.radio(key="ev_view")
                   .set_value("This week")):
        change().run()
        assert not at.exception
        labels = [d.proto.label for d in at.get("download_button")]
        assert labels.count("Add to calendar") == len(_shown(at)) > 0
        assert any(label.startswith(("Add all", "Add this event")) for label in labels)
    assert built == []

    assert [str(e["SUMMARY"]) for e in _press(at, deferred, "Add to calendar").walk("VEVENT")] == _shown(at)[:1]
    week = {s_id for _, s_id in _expected_ids(folder, "This week")}
    everything = _press(at, deferred, f"Add all {len(week)} to a calendar")
    assert {str(e["UID"]).split("@")[0] for e in everything.walk("VEVENT")} == week
    assert built == [1, len(week)]


def test_a_confidential_event_s_calendars_give_only_its_city_and_zip(
        sample_dir: Path, deferred: dict[str, Callable[[], bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The card's calendar and the add-all calendar, made when pressed, name the location confidential and give
    its city and ZIP, never its street or venue."""
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    Store(sample_dir).add(confidential_record(), by=Curator("test", "curator"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/events.py")
    at.query_params["q"] = "Quiet Harbor"
    at.run()
    at.radio(key="ev_view").set_value("Today").run()
    assert _shown(at) == ["Quiet Harbor Circle"]
    for label in ("Add to calendar", "Add this event to a calendar"):
        data = _press(at, deferred, label).to_ical()
        assert b"LOCATION:Confidential location\\, Philadelphia\\, PA 19104" in data
        assert leaks(data.decode()) == []
