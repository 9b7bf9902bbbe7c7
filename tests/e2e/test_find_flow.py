"""The Find page in a real browser: search by ZIP, read sorted results, open a detail, use a phone."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import expect

from tests.e2e.conftest import LOCAL_HOSTS, wait_for_app

_MILES = re.compile(r"([\d.]+) mi away")


def test_search_by_zip_lists_results_nearest_first(page, app_url, requests_seen) -> None:
    """Typing a ZIP sorts the results by distance, and nothing loads from a third-party host."""
    page.goto(app_url)
    wait_for_app(page)
    near = page.get_by_label("Near (ZIP or City, ST)")
    near.fill("19104")
    near.press("Enter")
    expect(page.get_by_text("within 10 miles of 19104", exact=False)).to_be_visible()
    wait_for_app(page)
    distances = [float(m) for m in _MILES.findall(page.locator('[data-testid="stMain"]').inner_text())]
    assert len(distances) >= 5
    assert distances == sorted(distances)
    assert "near=19104" in page.url
    assert requests_seen.blocked == [], requests_seen.blocked
    assert requests_seen.hosts <= LOCAL_HOSTS


def test_details_opens_a_shareable_detail_view(page, app_url) -> None:
    """Details shows the full entry with tap-to-call and directions links, at a URL with ?id=."""
    page.goto(app_url + "/?q=volleyball")
    wait_for_app(page)
    page.get_by_role("button", name="Details").first.click()
    expect(page.get_by_role("button", name="← Back to results")).to_be_visible()
    wait_for_app(page)
    assert re.search(r"[?&]id=", page.url)
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator('a[href^="https://www.openstreetmap.org/directions"]').first).to_be_visible()
    shared = page.url
    page.goto(shared)
    wait_for_app(page)
    expect(page.get_by_role("button", name="← Back to results")).to_be_visible()


def test_phone_links_are_tap_to_call(page, app_url) -> None:
    """Phone numbers are tel: links, in the results and in the crisis banner."""
    page.goto(app_url)
    wait_for_app(page)
    expect(page.locator('a[href="tel:988"]').first).to_be_visible()
    assert page.locator('[data-testid="stMain"] a[href^="tel:+1"]').count() >= 2


def test_phone_viewport_has_no_sideways_scroll_and_keeps_the_crisis_banner(phone_page, app_url) -> None:
    """At 390×844 the page fits the width and the crisis lines are on screen."""
    phone_page.goto(app_url + "/?near=19104")
    wait_for_app(phone_page)
    expect(phone_page.get_by_text("within 10 miles of 19104", exact=False)).to_be_visible()
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    banner = phone_page.get_by_text("In crisis or need help now?", exact=False)
    expect(banner).to_be_in_viewport()


def test_on_a_phone_a_call_or_directions_is_one_tap_after_typing_a_place(phone_page, app_url, requests_seen) -> None:
    """Typing a place lists the nearest results; the first one's Call and Directions are each a single tap."""
    page = phone_page
    page.goto(app_url)
    wait_for_app(page)
    near = page.get_by_test_id("stMain").get_by_label(re.compile("^Near"))
    near.tap()
    page.keyboard.type("Media, PA")
    page.keyboard.press("Enter")  # the phone keyboard's Go key
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(re.compile(r"\d+ results? within"))).to_be_visible()
    call = main.get_by_role("link", name=re.compile(r"^Call \(?\d")).first
    directions = main.get_by_role("link", name="Directions", exact=True).first
    for link in (call, directions):
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    assert call.get_attribute("href").startswith("tel:+1")
    # Tap one: directions open in a new tab (the route service is blocked here, so its request is what shows).
    with page.context.expect_event("request", lambda asked: "openstreetmap.org/directions" in asked.url) as asked:
        directions.tap()
    assert "route=" in asked.value.url


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_bookmark_keeps_its_filters_from_find_to_map_to_events(page, app_url) -> None:
    """An old bookmark (repeated type=, free=1, a bare radius) restores its filters and keeps them on every page."""
    bookmark = {"near": ["19104"], "radius": ["25"], "type": ["emotional", "affiliational"], "free": ["1"]}
    page.goto(app_url + "/?" + urlencode(bookmark, doseq=True))
    wait_for_app(page)
    expect(page.get_by_text("within 25 miles of 19104", exact=False)).to_be_visible()
    assert _params(page.url) == bookmark
    for title, path in (("Map", "/map"), ("Events", "/events"), ("Find support", "")):
        page.get_by_role("link", name=title, exact=True).first.click()
        page.wait_for_url(re.compile(re.escape(app_url + path) + r"/?\?"))
        wait_for_app(page)
        expect(page.get_by_label("Near (ZIP or City, ST)")).to_have_value("19104")
        assert _params(page.url) == bookmark, title
    expect(page.get_by_text("within 25 miles of 19104", exact=False)).to_be_visible()
