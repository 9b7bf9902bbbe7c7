"""The recovery-pathway pills in a real browser: two taps at most on a phone, the badge, the keyboard, WCAG 2.2."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from directory import taxonomy as tx
from directory.auth import Curator
from directory.store import Store
from tests.e2e.conftest import _serve, wait_for_app
from tests.e2e.test_accessibility import AXE, _fit_viewport_to_page, _focused, _tab_to
from tests.factories import make_record

PILLS_LABEL = "Recovery pathway (any, unless you pick one)"
# A small directory written here, so the test never depends on which pathways the shipped sample has.
ENTRIES: dict[str, str] = {
    "Secular Sunday Circle": "secular",
    "Secular Recovery Walk": "secular",
    "Steps on Main": "twelve_step",
    "Faith and Fellowship": "faith_based;twelve_step",
    "Open Door Social": "",
}
# axe's colour-contrast rule on the given elements alone; it reports each text node as passed, failed or undecided.
CONTRAST = """async (selectors) => {
  const result = await axe.run({include: selectors.map(selector => [selector])},
                               {runOnly: {type: 'rule', values: ['color-contrast']}});
  const nodes = (list) => list.flatMap(rule => rule.nodes.map(node => ({
    html: node.html.slice(0, 120), why: (node.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200),
    ratio: (node.any[0] && node.any[0].data && node.any[0].data.contrastRatio) || null})));
  return {passes: nodes(result.passes), violations: nodes(result.violations), incomplete: nodes(result.incomplete)};
}"""


@pytest.fixture(scope="module")
def pathways_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a data folder holding only ENTRIES (no sample)."""
    data = tmp_path_factory.mktemp("pathways-data")
    Store(data).add_many([make_record(name=name, pathways=pathways) for name, pathways in ENTRIES.items()],
                         by=Curator("test", "curator"))
    yield from _serve("serve.py", data)


def _pills(page: Page) -> Locator:
    """The pathway pills themselves (the toolbar's buttons), not the label's help button."""
    return page.get_by_test_id("stMain").get_by_role("toolbar", name=PILLS_LABEL).get_by_role("button")


def _results_caption(page: Page) -> Locator:
    return page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").filter(
        has_text=re.compile(r"^\d+ results?\.$"))


def _card_names(page: Page) -> set[str]:
    text = page.get_by_test_id("stMain").inner_text()
    return {name for name in ENTRIES if name in text}


def test_on_a_phone_a_pathway_is_one_tap_from_find(phone_page: Page, pathways_url: str, requests_seen,
                                                   fail_on_script_errors) -> None:
    """From Find, one tap on the Secular pill (the issue allows two) narrows the list and the URL."""
    page = phone_page
    taps = 0

    def tap(target: Locator) -> None:
        nonlocal taps
        target.scroll_into_view_if_needed()  # scrolling is not a tap
        target.tap()
        taps += 1

    page.goto(pathways_url)
    wait_for_app(page)
    expect(_results_caption(page)).to_have_text(f"{len(ENTRIES)} results.")
    assert _card_names(page) == set(ENTRIES), "'any pathway' hides nothing"
    secular = _pills(page).filter(has_text=re.compile("^Secular$"))
    expect(secular).to_have_attribute("aria-pressed", "false")
    tap(secular)
    expect(_results_caption(page)).to_have_text("2 results.")
    wait_for_app(page)
    assert taps <= 2, taps
    expect(secular).to_have_attribute("aria-pressed", "true")
    assert _card_names(page) == {"Secular Sunday Circle", "Secular Recovery Walk"}
    expect(page).to_have_url(re.compile(r"[?&]path=secular"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the row of pills wraps instead of pushing the page sideways"
    assert requests_seen.blocked == []


def test_the_pathway_badge_is_visible_on_a_card(phone_page: Page, pathways_url: str) -> None:
    """A card shows its pathways as labelled badges, visible on a phone."""
    phone_page.goto(pathways_url + "/?q=faith")
    wait_for_app(phone_page)
    badges = phone_page.get_by_test_id("stMain").get_by_role("list", name="Recovery pathways")
    expect(badges).to_have_count(1)
    for label in ("Twelve-step", "Faith-based"):
        badge = badges.get_by_role("listitem").filter(has_text=label)
        badge.scroll_into_view_if_needed()
        expect(badge).to_be_visible()


def test_the_pills_work_with_the_keyboard_alone(page: Page, pathways_url: str, fail_on_script_errors) -> None:
    """Tab reaches the pills as one stop (a toolbar), the arrow keys move along them, Space picks one and Enter
    another; no mouse at all."""
    page.goto(pathways_url)
    wait_for_app(page)
    expect(_pills(page).first).to_be_visible()
    # Start from the page's first stop, the skip link, as test_accessibility's keyboard walk does.
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.textContent") != "Skip to main content":
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        page.get_by_role("link", name="Skip to main content").focus()

    def is_pill(label: str):
        return lambda f: f["tag"] == "BUTTON" and f["label"] == label

    labels = [term.label for term in tx.PATHWAYS]
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["label"] in labels, limit=60)
    # The nine pills are a single Tab stop, so a keyboard user does not step through all of them to go on.
    after = _focused(page)
    page.keyboard.press("Tab")
    assert _focused(page)["label"] not in labels, "Tab leaves the row of pills in one press"
    page.keyboard.press("Shift+Tab")
    assert _focused(page)["label"] == after["label"]

    _arrow_to(page, "Secular", labels)
    page.keyboard.press(" ")
    expect(_results_caption(page)).to_have_text("2 results.")
    wait_for_app(page)
    expect(_pills(page).filter(has_text=re.compile("^Secular$"))).to_have_attribute("aria-pressed", "true")

    # A rerun may move focus back to the top of the page, so the walk allows for every stop above the pills.
    if _focused(page)["label"] not in labels:
        _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["label"] in labels, limit=60)
    _arrow_to(page, "Faith-based", labels)
    page.keyboard.press("Enter")
    expect(_results_caption(page)).to_have_text("3 results.")
    wait_for_app(page)
    assert _card_names(page) == {"Secular Sunday Circle", "Secular Recovery Walk", "Faith and Fellowship"}
    expect(page).to_have_url(re.compile(r"path=secular&path=faith_based"))


def _arrow_to(page: Page, label: str, labels: list[str]) -> None:
    """Move along the pills with the arrow keys until the pill named `label` has focus."""
    here = _focused(page)["label"]
    key = "ArrowRight" if labels.index(label) > labels.index(here) else "ArrowLeft"
    for _ in range(len(labels)):
        if _focused(page)["label"] == label:
            return
        page.keyboard.press(key)
    raise AssertionError(f"the arrow keys never reached {label!r}; focus is on {_focused(page)['label']!r}")


def test_every_pill_is_at_least_24px_on_a_phone(phone_page: Page, pathways_url: str) -> None:
    """WCAG 2.5.8 (target size, minimum): each pill is at least 24 x 24 CSS px."""
    phone_page.goto(pathways_url)
    wait_for_app(phone_page)
    pills = _pills(phone_page)
    expect(pills).to_have_count(len(tx.PATHWAYS))
    boxes = {pill.inner_text(): pill.bounding_box() for pill in pills.all()}
    small = {label: (box["width"], box["height"]) for label, box in boxes.items()
             if box["width"] < 24 or box["height"] < 24}
    print("\npill sizes:", sorted({(box["width"], box["height"]) for box in boxes.values()}))
    assert small == {}


@pytest.mark.parametrize("picked", [False, True], ids=["unpicked", "picked"])
def test_pill_and_badge_text_meet_four_and_a_half_to_one(page: Page, pathways_url: str, picked: bool) -> None:
    """WCAG 1.4.3: axe finds every pill's text, picked or not, and every card's pathway badge at least 4.5:1."""
    page.goto(pathways_url + ("/?path=secular" if picked else "/"))
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(_pills(page).first).to_be_visible()
    expect(main.get_by_role("list", name="Recovery pathways").first).to_be_visible()
    if picked:
        expect(_pills(page).filter(has_text=re.compile("^Secular$"))).to_have_attribute("aria-pressed", "true")
    _fit_viewport_to_page(page)  # axe skips what the scrolling main area has clipped off screen
    page.add_script_tag(path=str(AXE))
    pills = page.evaluate(CONTRAST, ['[data-testid="stMain"] [role="toolbar"]'])
    badges = page.evaluate(CONTRAST, ['[data-testid="stMain"] .pathway-badge'])
    print(f"\ncontrast ({'picked' if picked else 'unpicked'}): pills",
          sorted({n["ratio"] for n in pills["passes"]}), "badges", sorted({n["ratio"] for n in badges["passes"]}))
    for found in (pills, badges):
        assert found["violations"] == [] and found["incomplete"] == [], found
    assert len(pills["passes"]) >= len(tx.PATHWAYS), "every pill's text was measured"
    assert len(badges["passes"]) == main.locator(".pathway-badge").count() > 0, "every badge was measured"
    if picked:
        assert any(">Secular<" in node["html"] for node in pills["passes"]), pills["passes"]
