"""The reusable location picker in a real browser: a click on the map returns its coordinates."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app


def test_clicking_the_picker_returns_latitude_and_longitude(page, picker_url) -> None:
    """Clicking the middle of the picker gives back the map's centre."""
    page.goto(picker_url)
    wait_for_app(page)
    expect(page.get_by_text("picked: nothing yet")).to_be_visible()
    page.locator('iframe[title*="st_folium"]').scroll_into_view_if_needed()
    # The map's own container, once drawn at full size: its centre is the map's centre.
    leaflet = page.frame_locator('iframe[title*="st_folium"]').locator(".leaflet-container")
    expect(leaflet).to_be_in_viewport()
    expect(leaflet).to_have_js_property("offsetHeight", 360)
    leaflet.click()
    picked = page.get_by_text(re.compile(r"picked: -?\d"))
    expect(picked).to_be_visible(timeout=30_000)
    lat, lon = (float(x) for x in picked.inner_text().removeprefix("picked: ").split(","))
    assert abs(lat - 39.9526) < 0.01 and abs(lon + 75.1652) < 0.01
