"""The Events page in a real browser: tonight's sober events near a ZIP."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app


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
