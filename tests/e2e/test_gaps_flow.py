"""The Gaps page in a real browser: hexagons drawn from self-hosted assets, no third-party requests.

Every test here runs with map tiles and fully offline (the map_tiles fixture), and fails on any script error or
unexpected console error on the page or in the map's iframe.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from directory.maps import tile_host
from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app

MAP_FRAME = 'iframe[title*="st_folium"]'
pytestmark = pytest.mark.usefixtures("fail_on_script_errors")


def _gap_map(page, url: str):
    page.goto(url + "/gaps")
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("path.leaflet-interactive").first).to_be_attached(timeout=30_000)
    return frame


def test_gap_map_draws_hexagons_offline(page, tiles_url, map_tiles, requests_seen) -> None:
    """The hexagon layer and its legend render with only localhost (and the tile server) asked for."""
    frame = _gap_map(page, tiles_url)
    assert frame.locator("path.leaflet-interactive").count() > 100
    expect(frame.locator(".map-legend")).to_contain_text("a gap")
    tiles = tile_host(map_tiles)
    allowed = LOCAL_HOSTS | ({tiles} if tiles else set())
    assert requests_seen.hosts <= allowed, requests_seen.hosts - allowed


def test_layer_control_names_every_layer_and_legend_clears_the_scale_bar(page, tiles_url) -> None:
    """Each layer in the control has a readable name (no element id), and the legend does not cover the scale."""
    frame = _gap_map(page, tiles_url)
    overlays = frame.locator(".leaflet-control-layers-overlays label")
    expect(overlays).to_have_count(3)
    assert [text.strip() for text in overlays.all_inner_texts()] == [
        "Hexagons by miles to the nearest: any support", "Unmet needs reported on Find",
        "Freshness: share not verified recently"]
    expect(frame.locator(".leaflet-control-layers")).not_to_contain_text("macro_element")
    expect(frame.locator(".leaflet-control-layers-base label")).to_have_count(0)
    legend = frame.locator(".map-legend").bounding_box()
    scale = frame.locator(".leaflet-control-scale").bounding_box()
    assert legend["y"] + legend["height"] <= scale["y"], (legend, scale)


def test_freshness_layer_draws_one_circle_per_zip_with_its_share(page, tiles_url) -> None:
    """Switching the freshness layer on draws its circles, and each names its ZIP and the share not verified."""
    frame = _gap_map(page, tiles_url)
    shapes = frame.locator("path.leaflet-interactive")
    before = shapes.count()
    frame.locator(".leaflet-control-layers-overlays label", has_text="Freshness").locator("input").check()
    expect(shapes).not_to_have_count(before)
    circles = shapes.count() - before
    assert circles > 10, "the sample directory lists entries in dozens of ZIPs"
    shapes.nth(shapes.count() - 1).hover(force=True)
    expect(frame.locator(".leaflet-tooltip")).to_contain_text("not verified recently")


def test_gaps_for_one_pathway_are_mapped_and_named(page, tiles_url) -> None:
    """An organizer picks "Pathway: Secular": the hexagon layer, the legend's kind and the sentence name it."""
    frame = _gap_map(page, tiles_url)
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stSelectbox").filter(has_text="Kind of support").click()
    page.keyboard.type("Pathway: Sec")  # the list is long: typing narrows it, as a person would
    page.get_by_role("option", name="Pathway: Secular", exact=True).click()
    wait_for_app(page)
    expect(main).to_contain_text("more than 10 miles from secular support")
    # The new map replaces the old one's frame; while it does, both are on the page for a moment.
    expect(page.locator(MAP_FRAME)).to_have_count(1, timeout=30_000)
    frame = page.frame_locator(MAP_FRAME).last
    overlays = frame.locator(".leaflet-control-layers-overlays label")
    expect(overlays.first).to_have_text("Hexagons by miles to the nearest: secular support", timeout=30_000)
    assert frame.locator("path.leaflet-interactive").count() > 100
