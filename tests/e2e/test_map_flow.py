"""The Map page in a real browser with every non-localhost request blocked."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from playwright.sync_api import expect

from directory.config import DEFAULT_DATA_DIR, load_settings
from directory.maps import tile_host
from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app

MAP_FRAME = 'iframe[title*="st_folium"]'


def _map(page):
    return page.frame_locator(MAP_FRAME)


def test_clusters_render_with_only_localhost_reachable(page, app_url, requests_seen) -> None:
    """Markers and clusters draw from self-hosted assets; the only other host asked for is the tile server."""
    page.goto(app_url + "/map")
    wait_for_app(page)
    expect(_map(page).locator(".marker-cluster").first).to_be_visible(timeout=30_000)
    expect(_map(page).locator(".map-legend")).to_contain_text("Affiliational")
    tiles = tile_host(load_settings().map_tiles)
    allowed = LOCAL_HOSTS | ({tiles} if tiles else set())
    assert requests_seen.hosts <= allowed, requests_seen.hosts - allowed
    assert {b.split("/")[2] for b in requests_seen.blocked} <= allowed - LOCAL_HOSTS


def _a_resource_name() -> str:
    with (DEFAULT_DATA_DIR / "resources.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["status"] == "active" and r["latitude"]]
    names = [r["name"] for r in rows]
    return next(name for name in names if names.count(name) == 1 and "," not in name)


def test_clicking_a_marker_shows_its_detail_below_the_map(page, app_url) -> None:
    """A tap on a marker opens a popup and the same resource's detail under the map."""
    name = _a_resource_name()
    page.goto(app_url + "/map?" + urlencode({"q": name}))
    wait_for_app(page)
    expect(page.get_by_text("1 results on the map", exact=False)).to_be_visible()
    marker = _map(page).locator(".resource-marker")
    expect(marker).to_have_count(1, timeout=30_000)
    # Bring the whole map on screen first: a click that makes the page scroll reads as a drag to Leaflet.
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    expect(marker).to_be_in_viewport()
    marker.click()
    expect(_map(page).locator(".resource-popup")).to_contain_text(name)
    expect(page.locator('[data-testid="stMain"] h3', has_text=name)).to_be_visible(timeout=30_000)


def test_map_on_a_phone_fits_and_keeps_the_crisis_banner(phone_page, app_url) -> None:
    """At 390×844 the map page does not scroll sideways and the crisis lines stay on screen."""
    phone_page.goto(app_url + "/map?near=19104")
    wait_for_app(phone_page)
    expect(_map(phone_page).locator(".marker-cluster").first).to_be_visible(timeout=30_000)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    expect(phone_page.get_by_text("In crisis or need help now?", exact=False)).to_be_in_viewport()
