"""A confidential location in a real browser: Find near its ZIP, its detail and the map never show its street."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from directory.auth import Curator
from directory.store import Store
from tests.e2e.conftest import _sample_copy, _serve, wait_for_app
from tests.test_privacy import DIRECTIONS, STREET, confidential_record, leaks

MAP_FRAME = 'iframe[title*="st_folium"]'
NAME = "Quiet Harbor Circle"


@pytest.fixture(scope="module")
def confidential_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a copy of the sample plus one confidential entry at 1234 Secret Lane, ZIP 19104."""
    data = _sample_copy(tmp_path_factory)
    Store(data).add(confidential_record(), by=Curator("test", "curator"))
    yield from _serve("serve.py", data)


def _everything(page) -> str:
    """The HTML of the page and of every frame in it (the map's iframe included)."""
    return "\n".join(frame.content() for frame in page.frames)


def test_find_near_the_zip_and_the_detail_show_no_street(page, confidential_url) -> None:
    """The card and the detail say 'Confidential location' with the ZIP area; the HTML never holds the street."""
    page.goto(confidential_url + "/?" + urlencode({"near": "19104", "q": "Quiet Harbor"}))
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Confidential location · Philadelphia, PA 19104").first).to_be_visible()
    expect(main.get_by_text("about 1 mi (ZIP area)").first).to_be_visible()
    assert leaks(_everything(page)) == [] and STREET not in main.inner_text()

    page.get_by_role("button", name="Details").first.click()
    expect(page.get_by_role("button", name="← Back to results")).to_be_visible()
    wait_for_app(page)
    expect(main.locator("h2", has_text=NAME)).to_be_visible()
    expect(main.locator('a[href="tel:+12155550101"]')).to_be_visible()
    expect(main.get_by_text("Fax: (215) 555-0199")).to_be_visible()
    assert main.locator('a[href="tel:+12155550199"]').count() == 0, "a fax is never a number to call"
    assert main.locator(f'a[href*="{DIRECTIONS}"]').count() == 0
    assert leaks(_everything(page)) == []


def test_the_map_has_no_pin_and_names_the_unmapped_entries(page, confidential_url) -> None:
    """Near the ZIP the map draws other markers but nothing of the entry, and says how many are not mapped."""
    page.goto(confidential_url + "/map?near=19104")
    wait_for_app(page)
    the_map = page.frame_locator(MAP_FRAME)
    expect(the_map.locator(".marker-cluster, .resource-marker").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("have confidential locations", exact=False)).to_be_visible()
    html = _everything(page)
    assert leaks(html) == [] and NAME not in html

    page.goto(confidential_url + "/map?" + urlencode({"near": "19104", "q": "Quiet Harbor"}))
    wait_for_app(page)
    expect(page.get_by_text("0 results on the map", exact=False)).to_be_visible()
    expect(page.get_by_text("1 result has a confidential location", exact=False)).to_be_visible()
    expect(the_map.locator(".leaflet-container")).to_be_visible(timeout=30_000)
    assert the_map.locator(".resource-marker").count() == 0
    assert leaks(_everything(page)) == []
