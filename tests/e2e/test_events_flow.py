"""The Events page in a real browser: tonight's sober events near a ZIP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from bench.synthetic import write_scaled_sample
from directory import schedule
from directory.store import Store
from directory.ui.filters import RESULTS_PER_PAGE
from tests.e2e.conftest import _serve, wait_for_app


def test_tonights_events_near_a_zip(page, thursday_evening_url, requests_seen) -> None:
    """Choosing Tonight near 19104 lists this evening's sittings, nearby, with times and their zone."""
    page.goto(thursday_evening_url + "/events?near=19104")
    wait_for_app(page)
    page.get_by_text("Tonight", exact=True).click()
    expect(page.get_by_role("heading", name="Thursday 26 November")).to_be_visible()
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    times = re.findall(r"(\d{1,2}(?::\d\d)? [ap]m) – \d{1,2}(?::\d\d)? [ap]m Eastern", main)
    assert times and all(t.endswith("pm") for t in times)
    assert all(float(m) <= 10 for m in re.findall(r"([\d.]+) mi away", main))
    expect(page.get_by_role("button", name=re.compile(r"Add (all \d+|this event) to a calendar"))).to_be_visible()
    assert requests_seen.blocked == []


NOW = "2026-11-26T18:30"


@pytest.fixture(scope="module")
def busy_week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on the sample repeated three times (75 sittings this week: three pages), Thursday evening."""
    data = tmp_path_factory.mktemp("e2e-busy-week")
    write_scaled_sample(data, 900)
    for url in _serve("serve.py", data, DIRECTORY_NOW=NOW):
        yield url, data


def _week_event_ids(data: Path) -> set[str]:
    frame = Store(data).load().frame
    rows = frame[(frame["status"] == "active") & (frame["event_start"] != "")].to_dict("records")
    start, end = schedule.window("This week", datetime.fromisoformat(NOW).replace(tzinfo=ZoneInfo("America/New_York")))
    return {row["id"] for _, row in schedule.agenda(rows, start, end)}


def _calendar(download) -> Calendar:
    """The downloaded file, read as iCalendar."""
    assert download.suggested_filename.endswith(".ics")
    return Calendar.from_ical(Path(download.path()).read_bytes())


def test_calendar_buttons_download_the_event_and_the_whole_week(page, busy_week, requests_seen) -> None:
    """A card's "Add to calendar" downloads that event's .ics, made when pressed; "Add all N" downloads every
    event of the week, not only the page's; Next page works from the keyboard."""
    url, data = busy_week
    page.goto(url + "/events")
    wait_for_app(page)
    page.get_by_text("This week", exact=True).click()
    pages = -(-75 // RESULTS_PER_PAGE)
    expect(page.get_by_text(f"Page 1 of {pages}: sittings 1–{RESULTS_PER_PAGE} of 75.")).to_be_visible()
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    first_name = re.search(r" · (.+)", main.get_by_test_id("stMarkdown").filter(
        has_text=re.compile(r"\d [ap]m – .* · ")).first.inner_text()).group(1).strip()

    with page.expect_download() as one:
        main.get_by_role("button", name="Add to calendar").first.click()
    events = _calendar(one.value).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [first_name]
    assert events[0]["DTSTART"].dt.tzinfo is not None

    week = _week_event_ids(data)
    add_all = main.get_by_role("button", name=f"Add all {len(week)} to a calendar (.ics)")
    with page.expect_download() as everything:
        add_all.click()
    calendar = _calendar(everything.value)
    assert {str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")} == week
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} >= {"America/New_York"}

    main.get_by_role("button", name="Next page").focus()
    page.keyboard.press("Enter")
    second = f"sittings {RESULTS_PER_PAGE + 1}–{2 * RESULTS_PER_PAGE} of 75."
    expect(page.get_by_text(f"Page 2 of {pages}: {second}")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert requests_seen.blocked == []
