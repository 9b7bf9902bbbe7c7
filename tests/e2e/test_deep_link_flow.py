"""The very first visit to a fresh server, straight to a deep link, runs inside app.py (serve.py's start-up)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _sample_copy, _serve, wait_for_app


@pytest.fixture(scope="module")
def fresh_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server nobody has visited yet."""
    yield from _serve("serve.py", _sample_copy(tmp_path_factory))


def test_the_first_visit_to_a_deep_link_gets_the_crisis_lines_and_the_navigation(page, fresh_url) -> None:
    """Opening /map before anyone opened / still shows the crisis banner, the three-group navigation and the map."""
    page.goto(fresh_url + "/map")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Map of peer recovery support")).to_be_visible()
    banner = page.locator('[data-testid="stAlert"]').first
    expect(banner).to_contain_text("988")
    navigation = page.locator('[data-testid="stSidebarNav"]')
    expect(navigation).to_contain_text("Find support")
    expect(navigation).to_contain_text("Peer leaders")
    # The legacy router would have listed the page files by their own names instead (for example "stale").
    expect(navigation).not_to_contain_text("stale")
