"""The Gaps page in a real browser: hexagons drawn from self-hosted assets, no third-party requests."""

from __future__ import annotations

from playwright.sync_api import expect

from directory.config import load_settings
from directory.maps import tile_host
from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app


def test_gap_map_draws_hexagons_offline(page, app_url, requests_seen) -> None:
    """The hexagon layer and its legend render with only localhost (and the tile server) asked for."""
    page.goto(app_url + "/gaps")
    wait_for_app(page)
    frame = page.frame_locator('iframe[title*="st_folium"]')
    expect(frame.locator("path.leaflet-interactive").first).to_be_attached(timeout=30_000)
    assert frame.locator("path.leaflet-interactive").count() > 100
    expect(frame.locator(".map-legend")).to_contain_text("a gap")
    tiles = tile_host(load_settings().map_tiles)
    allowed = LOCAL_HOSTS | ({tiles} if tiles else set())
    assert requests_seen.hosts <= allowed, requests_seen.hosts - allowed
