"""Curate in a real browser: after Save, the confirmation is on screen right next to the button."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from directory.auth import Accounts
from tests.e2e.conftest import _sample_copy, _serve, sign_in, wait_for_app

PASSWORD = "correct horse battery"
NAME = "Saturday Sober Chess Club"


@pytest.fixture(scope="module")
def curate_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a copy of the sample with one peer leader account."""
    data = _sample_copy(tmp_path_factory)
    Accounts(data).add("lee", PASSWORD, "curator", by=None)
    yield from _serve("serve.py", data)


def test_the_saved_confirmation_is_next_to_the_save_button(page, curate_url) -> None:
    """Click Save at the bottom of the form: 'Saved …' appears in the viewport, just under the button."""
    sign_in(page, curate_url, "lee", PASSWORD)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_label("Name *", exact=True).fill(NAME)
    # Enter sends the name now; otherwise the rerun its blur starts can land after the list opens, and close it.
    main.get_by_label("Name *", exact=True).press("Enter")
    wait_for_app(page)
    category = main.get_by_test_id("stSelectbox").filter(has_text="Category")
    category.click()
    # Typed, as a keyboard user does: the list that opens can be closed again by the rerun the name started.
    page.keyboard.type("Sober social")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(main.get_by_text("Affiliational", exact=True)).to_be_visible()  # the category's default kinds of support

    save = main.get_by_role("button", name="Save", exact=True)
    save.scroll_into_view_if_needed()
    save.click()
    wait_for_app(page)
    saved = main.get_by_test_id("stAlert").filter(has_text=f"Saved '{NAME}'.")
    expect(saved).to_have_count(2)  # at the top of the form, and under the Save button
    viewport = page.viewport_size
    on_screen = [box for alert in saved.all() if (box := alert.bounding_box()) is not None
                 and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]]
    assert on_screen, "wherever the page now stands, a confirmation is on screen"
    button = save.bounding_box()
    if button["y"] + button["height"] > viewport["height"]:
        # Now and then the browser scrolls to the top as the new entry's form replaces the blank one; the
        # confirmation at the top is then the one in view (checked above).
        return
    near = [box for alert in saved.all() if (box := alert.bounding_box()) is not None]
    gaps = [min(abs(box["y"] - (button["y"] + button["height"])), abs(button["y"] - (box["y"] + box["height"])))
            for box in near]
    assert min(gaps) < 80, f"the confirmation is {min(gaps):.0f} px from the Save button"
    closest = near[gaps.index(min(gaps))]
    assert closest["y"] >= 0 and closest["y"] + closest["height"] <= viewport["height"], "it is on screen"
