"""The Map page in a real browser with every non-localhost request blocked, with map tiles and fully offline.

Every test here runs against both tile modes (the map_tiles fixture) and fails on any script error or
unexpected console error on the page or in the map's iframe.
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from directory.config import DEFAULT_DATA_DIR
from directory.maps import TEL_LINK_JS, tile_host
from directory.phones import normalise_phone, phone_link
from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app

MAP_FRAME = 'iframe[title*="st_folium"]'
pytestmark = pytest.mark.usefixtures("fail_on_script_errors")


def _map(page):
    return page.frame_locator(MAP_FRAME)


def test_clusters_render_with_only_localhost_reachable(page, tiles_url, map_tiles, requests_seen) -> None:
    """Markers and clusters draw from self-hosted assets; the only other host asked for is the tile server."""
    page.goto(tiles_url + "/map")
    wait_for_app(page)
    expect(_map(page).locator(".marker-cluster").first).to_be_visible(timeout=30_000)
    expect(_map(page).locator(".map-legend")).to_contain_text("Affiliational")
    tiles = tile_host(map_tiles)
    allowed = LOCAL_HOSTS | ({tiles} if tiles else set())
    assert requests_seen.hosts <= allowed, requests_seen.hosts - allowed
    assert {b.split("/")[2] for b in requests_seen.blocked} <= allowed - LOCAL_HOSTS
    if tiles is None:
        expect(_map(page).locator(".leaflet-tile")).to_have_count(0)


def _a_resource() -> dict[str, str]:
    with (DEFAULT_DATA_DIR / "resources.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["status"] == "active" and r["latitude"]]
    names = [r["name"] for r in rows]
    return next(r for r in rows if names.count(r["name"]) == 1 and "," not in r["name"] and r["phone"]
                and not r["location_confidential"])


def _one_marker(page, url: str) -> dict[str, str]:
    """Open the map searched down to one resource with a phone number, the whole map on screen."""
    resource = _a_resource()
    page.goto(url + "/map?" + urlencode({"q": resource["name"]}))
    wait_for_app(page)
    expect(page.get_by_text("1 result on the map", exact=False)).to_be_visible()
    expect(_map(page).locator(".resource-marker")).to_have_count(1, timeout=30_000)
    # Bring the whole map on screen first: a click that makes the page scroll reads as a drag to Leaflet.
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    expect(_map(page).locator(".resource-marker")).to_be_in_viewport()
    return resource


def test_clicking_a_marker_shows_its_detail_below_the_map(page, tiles_url) -> None:
    """A tap on a marker opens a popup and the same resource's detail under the map."""
    name = _one_marker(page, tiles_url)["name"]
    _map(page).locator(".resource-marker").click()
    expect(_map(page).locator(".resource-popup")).to_contain_text(name)
    expect(page.locator('[data-testid="stMain"] h2', has_text=name)).to_be_visible(timeout=30_000)


def test_popup_opens_the_detail_in_a_new_tab_and_calls_by_tel_link(page, tiles_url) -> None:
    """The popup's detail link works from the sandboxed map iframe (a new tab), and its number is a tel: link.

    The iframe may open new tabs (allow-popups) but not navigate the app's own window, so a target="_top" link
    did nothing. A tel: link is allowed by the same permission: were it blocked, Chromium would log
    "Navigation to external protocol blocked by sandbox", which fail_on_script_errors turns into a failure.
    """
    resource = _one_marker(page, tiles_url)
    _map(page).locator(".resource-marker").click()
    popup = _map(page).locator(".resource-popup")
    expect(popup).to_contain_text(resource["name"])
    details = popup.get_by_role("link", name="Open details in a new tab")
    expect(details).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        details.click()
    tab = opened.value
    wait_for_app(tab)
    assert tab.url == tiles_url + "/?" + urlencode({"id": resource["id"]})
    expect(tab.locator('[data-testid="stMain"]')).to_contain_text(resource["name"])
    tab.close()

    call = popup.get_by_role("link", name=resource["phone"])
    expect(call).to_have_attribute("href", phone_link(resource["phone"]))
    # Last: after a tel: click headless Chromium ignores the frame's later link clicks (it has no dialler).
    call.click()
    expect(popup).to_be_visible()


def test_popup_tel_links_match_phone_link(page, tiles_url) -> None:
    """The browser's tel: link for each stored number form is the one phones.phone_link makes."""
    page.goto(tiles_url)
    numbers = [normalise_phone(text) for text in ("215-555-0100", "215 555 0100 ext 12", "+44 20 7946 0958",
                                                  "+44 20 7946 0958 x3", "988", "(215) 555-0100,,1234#",
                                                  "1-800-662-4357", "+1 416 555 0100")]
    links = page.evaluate(f"(numbers) => {{ {TEL_LINK_JS}; return numbers.map(telLink); }}", numbers)
    assert links == [phone_link(number) for number in numbers]
    assert page.evaluate(f"() => {{ {TEL_LINK_JS}; return telLink('call the office'); }}") == ""


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_popup_on_a_phone_opens_clear_of_the_zoom_buttons(phone_page, tiles_url) -> None:
    """At 390×844 a popup for a marker near the map's top-left corner is panned below the zoom buttons."""
    name = _one_marker(phone_page, tiles_url)["name"]
    frame = phone_page.frame(url=lambda url: "st_folium" in url)
    # Move the marker just right of the zoom buttons and near the top, where its popup opens under them unless
    # the popup is panned clear. map_div is the map streamlit-folium makes.
    frame.evaluate("""() => {
        var marker = document.querySelector(".resource-marker").getBoundingClientRect();
        var box = map_div.getContainer().getBoundingClientRect();
        map_div.panBy([marker.left + marker.width / 2 - box.left - 70, marker.top + marker.height / 2 - box.top - 60],
                      {animate: false});
    }""")
    marker = _map(phone_page).locator(".resource-marker")
    expect(marker).to_be_in_viewport()
    marker.click()
    popup = _map(phone_page).locator(".leaflet-popup-content")
    expect(popup).to_contain_text(name)
    # Wait for the map's state, not a time: the popup's pan (Leaflet's pan animation) has finished.
    frame.wait_for_function("() => !map_div._panAnim || !map_div._panAnim._inProgress")
    box = popup.bounding_box()
    zoom = _map(phone_page).locator(".leaflet-control-zoom").bounding_box()
    assert not _overlap(box, zoom), (box, zoom)
    frame_box = phone_page.locator(MAP_FRAME).bounding_box()
    assert box["x"] >= frame_box["x"] and box["y"] >= frame_box["y"], "the popup is inside the map"


def test_legend_and_scale_bar_do_not_cover_each_other(phone_page, tiles_url) -> None:
    """The legend sits above the scale bar in the bottom-left corner, on a phone too."""
    phone_page.goto(tiles_url + "/map?near=19104")
    wait_for_app(phone_page)
    expect(_map(phone_page).locator(".marker-cluster").first).to_be_visible(timeout=30_000)
    legend = _map(phone_page).locator(".map-legend").bounding_box()
    scale = _map(phone_page).locator(".leaflet-control-scale").bounding_box()
    assert not _overlap(legend, scale), (legend, scale)


def test_map_on_a_phone_fits_and_keeps_the_crisis_banner(phone_page, tiles_url) -> None:
    """At 390×844 the map page does not scroll sideways and the crisis lines stay on screen."""
    phone_page.goto(tiles_url + "/map?near=19104")
    wait_for_app(phone_page)
    expect(_map(phone_page).locator(".marker-cluster").first).to_be_visible(timeout=30_000)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    expect(phone_page.get_by_text("In crisis or need help now?", exact=False)).to_be_in_viewport()
