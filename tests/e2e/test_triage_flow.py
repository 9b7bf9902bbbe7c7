"""Imports to review in a real browser: a real 211 export arrives pending, a peer leader sorts and publishes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
from playwright.sync_api import expect

from directory import taxonomy as tx
from directory.auth import Accounts, Curator
from directory.interop.formats import read_source
from directory.interop.importer import import_rows
from directory.store import Store
from directory.triage import READY, group_by_reason, group_label, review_queue
from tests.apps import PASSWORD
from tests.e2e.conftest import (
    ARTIFACTS,
    LOCAL_HOSTS,
    _guard,
    _sample_copy,
    _serve,
    record_errors,
    sign_in,
    wait_for_app,
)

ICAROL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "icarol_dc_211" / "resources.csv"
PEER_LEADER = "lee"
CATEGORY = "family_support"
# Streamlit's dataframe draws its rows on a canvas: 35 px rows under a header of about 35 px, tick boxes at left.
ROW_HEIGHT = 35
TICK_X = 20


@dataclass(frozen=True)
class Imported:
    """The app's address, its data folder, the counts per review group, and the two entries the test sorts."""

    url: str
    data: Path
    counts: dict[str, int]
    picked: tuple[str, str]
    hidden_by_source: tuple[str, str]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """The sample plus the iCarol DC 211 export, imported before the app starts, and a peer leader's account."""
    data = _sample_copy(tmp_path_factory)
    Accounts(data).add(PEER_LEADER, PASSWORD, by=None)
    import_rows(Store(data), read_source(ICAROL), by=Curator("importer", "curator"))
    raw = Store(data).read_raw()
    groups = group_by_reason(review_queue(raw))
    assert {"no_category", "excluded_by_source", "unparsed_hours"} <= set(groups), set(groups)
    unparsed = raw[raw["id"].isin(groups["unparsed_hours"]["id"])]
    assert (unparsed["hours_text"] != "").all(), "hours the app cannot read stay readable as text"
    assert READY.key not in groups, "nothing was checked yet"
    first_two = groups["no_category"].head(2)
    # The test publishes these two without the "hidden by its source" confirmation, so neither may need it.
    assert first_two["reasons"].tolist() == ["no_category", "no_category"], first_two["reasons"].tolist()
    picked = tuple(first_two["name"])
    # An entry the source keeps off its own website: the test never publishes it.
    hidden = groups["excluded_by_source"].iloc[0]
    counts = {key: len(rows) for key, rows in groups.items()}
    # Tiles off: the Curate page's location picker would otherwise ask the tile server, and this flow checks
    # that nothing at all goes to a third party.
    for url in _serve("serve.py", data, DIRECTORY_MAP_TILES="none"):
        yield Imported(url, data, counts, picked, (hidden["id"], hidden["name"]))


def _status(data: Path, names: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """(status, category) of the named entries, read straight from the store's file."""
    frame = pd.read_csv(data / "resources.csv", dtype=str, keep_default_na=False)
    chosen = frame[frame["name"].isin(names)]
    return dict(zip(chosen["name"], zip(chosen["status"], chosen["category"], strict=True), strict=True))


def _visitor_sees(visitor, url: str, name: str) -> list[str]:
    """The result names a visitor who is not signed in sees on Find when searching for `name`."""
    visitor.goto(url + "/?" + urlencode({"q": name}))
    wait_for_app(visitor)
    main = visitor.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(r"\d result(s)?\.")).first).to_be_visible()
    return main.locator('[data-testid="stMarkdownContainer"] strong').all_inner_texts()


def _tick_rows(main, rows: list[int]) -> None:
    """Tick rows of the open group's table by clicking their tick boxes on the grid's canvas, one re-run each."""
    # The scroller lies over the canvas and takes the pointer; positions are the same.
    grid = main.locator('[data-testid="stDataFrame"] .dvn-scroller')
    expect(grid).to_be_visible()
    for ticked, row in enumerate(rows, start=1):
        grid.click(position={"x": TICK_X, "y": ROW_HEIGHT + row * ROW_HEIGHT + ROW_HEIGHT // 2})
        expect(main.get_by_role("button", name=f"Publish {ticked} selected")).to_be_visible()
        wait_for_app(main.page)


def _no_errors(page, console_errors: list[str]) -> None:
    """No exception box on the page and no error in the browser console."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert console_errors == [], console_errors


def test_a_peer_leader_sorts_and_publishes_imported_entries(page, imported, requests_seen) -> None:
    """Sign in, give two unsorted imports a category on Imports to review, publish them: only then are they public."""
    console_errors = record_errors(page)
    visitor_context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    visitor_context.route("**/*", _guard(requests_seen))
    visitor = visitor_context.new_page()
    visitor_errors = record_errors(visitor)
    first, second = imported.picked
    label = tx.label_of(tx.CATEGORIES, CATEGORY)
    try:
        assert first not in _visitor_sees(visitor, imported.url, first), "a pending entry is never public"

        sign_in(page, imported.url, PEER_LEADER, PASSWORD)
        main = page.locator('[data-testid="stMain"]')
        nav_link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Imports to review")
        expect(nav_link).to_be_visible()
        nav_link.click()
        # The click starts the page change; the URL is asserted with retries, since the app can report itself
        # idle for a moment before the new page's run begins.
        expect(page).to_have_url(re.compile(r"/triage/?$"))
        wait_for_app(page)

        # Each group shows its count above the tabs, and each group has its tab.
        for key, count in imported.counts.items():
            metric = main.locator('[data-testid="stMetric"]', has_text=group_label(key))
            expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(str(count))
            expect(main.get_by_role("tab", name=group_label(key))).to_be_visible()
        main.get_by_role("tab", name=group_label("no_category")).click()
        no_category = imported.counts["no_category"]
        expect(main.get_by_text(f"No category: {no_category}", exact=True)).to_be_visible()
        wait_for_app(page)

        _tick_rows(main, [0, 1])
        expect(main.get_by_role("button", name=f"Fix {first} in Curate")).to_be_visible()
        # Typing filters the (virtualised) option list, so the option is drawn wherever it sits in the list.
        choose = main.get_by_label("Category for the selected entries")
        choose.click()
        choose.fill(label)
        page.get_by_role("option", name=label, exact=True).click()
        set_button = main.get_by_role("button", name="Set category for 2 selected")
        expect(set_button).to_be_enabled()
        set_button.click()
        expect(main.locator('[data-testid="stAlertContentSuccess"]')).to_have_text(f"Set '{label}' on 2 entries.")
        expect(main.get_by_text(f"No category: {no_category - 2}", exact=True)).to_be_visible()
        wait_for_app(page)
        assert _status(imported.data, imported.picked) == {first: ("pending", CATEGORY), second: ("pending", CATEGORY)}
        assert first not in _visitor_sees(visitor, imported.url, first), "a category alone does not publish"

        # Both now have nothing left to check: they wait in the last group until someone publishes them.
        main.get_by_role("tab", name=READY.label).click()
        expect(main.get_by_text(f"{READY.label}: 2", exact=True)).to_be_visible()
        wait_for_app(page)
        page.screenshot(path=str(ARTIFACTS / "triage_ready_to_publish.png"), full_page=True)
        _tick_rows(main, [0, 1])
        publish = main.get_by_role("button", name="Publish 2 selected")
        expect(publish).to_be_enabled()
        publish.click()
        expect(main.locator('[data-testid="stAlertContentSuccess"]')).to_have_text("Published 2 entries.")
        wait_for_app(page)
        assert _status(imported.data, imported.picked) == {first: ("active", CATEGORY), second: ("active", CATEGORY)}
        assert first in _visitor_sees(visitor, imported.url, first)
        _no_errors(page, console_errors)
        _no_errors(visitor, visitor_errors)
    finally:
        visitor_context.close()
    assert requests_seen.blocked == [], requests_seen.blocked
    assert requests_seen.hosts <= LOCAL_HOSTS, requests_seen.hosts


def test_a_detail_link_never_shows_a_pending_entry_to_a_visitor(page, imported, requests_seen) -> None:
    """A visitor who has the link of an entry still waiting for review is told it is not listed, and sees none of it."""
    console_errors = record_errors(page)
    resource_id, name = imported.hidden_by_source
    assert _status(imported.data, (name,))[name][0] == "pending"
    page.goto(imported.url + "/?" + urlencode({"id": resource_id}))
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("That entry is no longer listed", exact=False)).to_be_visible(timeout=5_000)
    assert name not in main.inner_text()
    _no_errors(page, console_errors)
    assert requests_seen.blocked == [], requests_seen.blocked
