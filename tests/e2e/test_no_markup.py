"""User text in a real browser: entries, suggestions and messages carrying Markdown, HTML, maths, directives and
icons pointing at a third-party host render as plain text on Find, Map, Packet, Review and Curate.

AppTest (tests/test_no_markup.py) checks the Markdown source; only a browser shows what Streamlit's frontend
makes of it: a fetched image, a link, a KaTeX formula or an icon.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from directory.auth import Accounts, Curator
from directory.store import Store
from directory.suggestions import Suggestions
from tests.e2e.conftest import _sample_copy, _serve, sign_in, wait_for_app
from tests.factories import make_record

pytestmark = pytest.mark.usefixtures("fail_on_script_errors")

HOST = "evil.example"
PASSWORD = "correct horse battery"
WORD = "Quokka"  # one word that finds the entry, and only it
NAME = (f"{WORD} ![b](http://{HOST}/name.png) $x^2$ <img src=http://{HOST}/tag.png> :red[x] :material/home: "
        f"<http://{HOST}/auto>")
DESCRIPTION = (f"[l](http://{HOST}/link) www.{HOST} peers@{HOST} http://{HOST}/bare\n$$y^2$$ :streamlit: "
               f"![d](http://{HOST}/description.png)")
ORGANIZATION = f"**bold** <b>tag</b> :blue-background[x] ![o](http://{HOST}/organization.png)"
VERIFIER = f":material/check: ![v](http://{HOST}/verifier.png)"
SUGGESTED = f"Suggested {WORD} ![s](http://{HOST}/suggested.png) $z$ :material/star:"
MESSAGE = f"It moved. ![m](http://{HOST}/message.png) <img src=http://{HOST}/message-tag.png> $$m$$"
MAP_FRAME = 'iframe[title*="st_folium"]'


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A copy of the sample with one entry and two suggestions full of markup, and a peer leader's account."""
    data = _sample_copy(tmp_path_factory)
    row = Store(data).add(make_record(name=NAME, description=DESCRIPTION, organization=ORGANIZATION,
                                      verified_by=VERIFIER, last_verified="2025-01-02", location_name=ORGANIZATION),
                          by=Curator("test", "curator"))
    queue = Suggestions(data)
    queue.submit("new", fields={"name": SUGGESTED, "description": DESCRIPTION.replace("\n", " ")})
    queue.submit("change", resource_id=row["id"], message=MESSAGE)
    Accounts(data).add("lee", PASSWORD, "curator", by=None)
    return {"data": str(data), "id": row["id"]}


@pytest.fixture(scope="module")
def markup_url(seeded: dict[str, str]) -> Iterator[str]:
    """The app on that data, fully offline (no map tiles), so every third-party request is the payload's."""
    from pathlib import Path

    yield from _serve("serve.py", Path(seeded["data"]), DIRECTORY_MAP_TILES="none")


def _shown(text: str) -> str:
    # The escaping puts invisible word joiners inside web addresses and :codes:; a reader never sees them.
    return text.replace("\u2060", "").replace("\u00a0", " ")


def _assert_plain(page, requests_seen, *, frame=None) -> None:
    """Nothing was fetched from the payload's host; no image, link, formula, logo or icon was made of its text."""
    wait_for_app(page)
    assert not [url for url in requests_seen.blocked if HOST in url], requests_seen.blocked
    for scope in (page, *([frame] if frame is not None else [])):
        expect(scope.locator(f'[src*="{HOST}"], [href*="{HOST}"], [srcset*="{HOST}"]')).to_have_count(0)
        expect(scope.locator(".katex, math")).to_have_count(0)
        expect(scope.locator('img[alt="Streamlit logo"]')).to_have_count(0)


def _main_text(page) -> str:
    return _shown(page.get_by_test_id("stMain").inner_text())


def test_find_detail_shows_an_entry_as_written(page, markup_url, seeded, requests_seen) -> None:
    """The detail heading, description, facts and verifier read exactly as stored, with nothing rendered."""
    page.goto(markup_url + "/?" + urlencode({"id": seeded["id"]}))
    wait_for_app(page)
    heading = page.get_by_test_id("stMain").locator("h2").first
    expect(heading).to_be_visible()
    assert _shown(heading.inner_text()).strip() == NAME, "the name, icon code and all, as written"
    text = _main_text(page)
    for written in (*DESCRIPTION.split("\n"), ORGANIZATION, VERIFIER):
        assert written in text, written
    _assert_plain(page, requests_seen)


def test_a_search_result_card_shows_the_name_as_written(page, markup_url, requests_seen) -> None:
    """The result card on Find shows the name as text."""
    page.goto(markup_url + "/?" + urlencode({"q": WORD}))
    wait_for_app(page)
    expect(page.get_by_role("button", name="Details").first).to_be_visible()
    assert NAME in _main_text(page)
    _assert_plain(page, requests_seen)


def test_a_shared_packet_shows_the_name_as_written(page, markup_url, seeded, requests_seen) -> None:
    """A packet opened from its link shows the entry as text."""
    page.goto(markup_url + "/packet?" + urlencode({"ids": seeded["id"]}))
    wait_for_app(page)
    expect(page.get_by_text("Places someone shared with you")).to_be_visible()
    assert f"1. {NAME}" in _main_text(page)
    _assert_plain(page, requests_seen)


def test_the_map_detail_after_a_marker_click_shows_the_name_as_written(page, markup_url, requests_seen) -> None:
    """Clicking the entry's marker opens its popup and the detail below the map: both plain text."""
    page.goto(markup_url + "/map?" + urlencode({"q": WORD}))
    wait_for_app(page)
    expect(page.get_by_text("1 result on the map", exact=False)).to_be_visible()
    frame = page.frame_locator(MAP_FRAME)
    marker = frame.locator(".resource-marker")
    expect(marker).to_have_count(1, timeout=30_000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()  # a click that scrolls the page reads as a drag
    expect(marker).to_be_in_viewport()
    marker.click()
    expect(frame.locator(".resource-popup")).to_contain_text(f"{WORD} ![b](http://{HOST}/name.png)")
    heading = page.get_by_test_id("stMain").locator("h2").first
    expect(heading).to_contain_text(WORD, timeout=30_000)
    assert _shown(heading.inner_text()).strip() == NAME
    _assert_plain(page, requests_seen, frame=frame)


def _go(page, path: str) -> None:
    page.get_by_test_id("stSidebarNav").locator(f'a[href$="/{path}"]').click()
    expect(page).to_have_url(re.compile(f"/{path}/?$"))
    wait_for_app(page)


def test_review_and_curate_show_suggestions_and_entries_as_written(page, markup_url, requests_seen) -> None:
    """Signed in: the review cards, then the entry opened in Curate with its preview and history, are plain text."""
    sign_in(page, markup_url, "lee", PASSWORD)
    _go(page, "review")
    expect(page.get_by_role("button", name="Reject").first).to_be_visible()
    text = _main_text(page)
    for written in (f"New resource: {SUGGESTED}", f"Change to: {NAME}", MESSAGE):
        assert written in text, written
    _assert_plain(page, requests_seen)

    _go(page, "curate")
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stSelectbox").filter(has_text="Entry").click()
    page.keyboard.type(WORD)  # the list is long and drawn only in part: typing narrows it to the entry
    page.get_by_role("option", name=WORD).click()
    wait_for_app(page)
    expect(main.get_by_label("Name *", exact=True)).to_have_value(NAME)
    main.get_by_text("Preview", exact=True).click()
    main.get_by_text("History (", exact=False).click()
    wait_for_app(page)
    assert NAME in _main_text(page), "the preview card shows the name as written"
    _assert_plain(page, requests_seen)
