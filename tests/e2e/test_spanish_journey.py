"""Español in a real browser: a phone whose browser prefers Spanish gets Spanish, from the search to a detail
view with its crisis lines; the language travels in links and across pages; switching keeps the search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LOCAL_HOSTS, _tab, record_errors, wait_for_app

CRISIS_ES = "¿Está en crisis o necesita ayuda ahora?"
# English words of the interface that must not appear on a Spanish page (entry content is checked by AppTest).
INTERFACE_ENGLISH = ("Details", "What are you looking for?", "More filters", "Add to packet", "Directions",
                     "In crisis or need help now?", "Back to results", "results within")


@pytest.fixture
def spanish_phone(browser, requests_seen, request: pytest.FixtureRequest):
    """A 390×844 phone whose browser prefers Spanish (Accept-Language: es-US)."""
    yield from _tab(browser, requests_seen, request, viewport={"width": 390, "height": 844}, is_mobile=True,
                    has_touch=True, device_scale_factor=2, locale="es-US")


@pytest.fixture
def english_desktop(browser, requests_seen, request: pytest.FixtureRequest):
    """A desktop browser that prefers English."""
    yield from _tab(browser, requests_seen, request, viewport={"width": 1280, "height": 900}, locale="en-US")


def test_a_phone_in_spanish_goes_from_search_to_a_detail_with_crisis_lines(spanish_phone, app_url,
                                                                           requests_seen) -> None:
    """First visit in Spanish, search without accents, open a detail: every interface word is Spanish."""
    page = spanish_phone
    errors = record_errors(page)
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_text(CRISIS_ES)).to_be_in_viewport()
    expect(page).to_have_url(re.compile(r"[?&]lang=es"))
    assert page.evaluate("document.documentElement.lang") == "es"
    for option in page.get_by_role("radiogroup", name="Language · Idioma").get_by_role("radio").all():
        box = option.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, box  # WCAG 2.5.8
    main = page.get_by_test_id("stMain")
    search = main.get_by_label("¿Qué está buscando?")
    search.tap()
    page.keyboard.type("recuperacion")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(main.get_by_role("button", name="Detalles").first).to_be_visible()
    main.get_by_role("button", name="Detalles").first.tap()
    expect(main.get_by_role("button", name="← Volver a los resultados")).to_be_visible()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"[?&]id="))
    expect(page).to_have_url(re.compile(r"[?&]lang=es"))
    samhsa = page.get_by_role("link", name=re.compile("gratuita y confidencial"))
    expect(samhsa.first).to_be_visible()
    assert samhsa.first.get_attribute("href") == "tel:+18006624357"
    expect(page.get_by_text("Línea Nacional de Ayuda de SAMHSA").first).to_be_visible()
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert [word for word in INTERFACE_ENGLISH if word in text] == []
    assert requests_seen.hosts <= LOCAL_HOSTS
    assert errors == []


def test_a_shared_spanish_link_opens_in_spanish_in_an_english_browser(english_desktop, app_url) -> None:
    """?lang=es wins over the browser's English, and moving to the Map keeps it."""
    page = english_desktop
    page.goto(app_url + "/?lang=es&q=recuperacion")
    wait_for_app(page)
    expect(page.get_by_text(CRISIS_ES)).to_be_visible()
    page.get_by_role("link", name="Mapa", exact=True).first.click()
    expect(page).to_have_url(re.compile(re.escape(app_url) + r"/map\?.*lang=es"))
    wait_for_app(page)
    expect(page.get_by_text(CRISIS_ES)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "es"


def test_switching_to_english_keeps_the_search(english_desktop, app_url) -> None:
    """The switch changes every word at once, drops ?lang=es, and leaves the search as it was."""
    page = english_desktop
    page.goto(app_url + "/?lang=es&q=volleyball")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_label("¿Qué está buscando?")).to_have_value("volleyball")
    switch = page.get_by_role("radiogroup", name="Language · Idioma")
    expect(switch.get_by_role("radio", name="Español")).to_be_checked()
    switch.get_by_role("radio", name="English").click()
    expect(page.get_by_text("In crisis or need help now?")).to_be_visible()
    wait_for_app(page)
    expect(main.get_by_label("What are you looking for?")).to_have_value("volleyball")
    expect(page).not_to_have_url(re.compile(r"lang=es"))
    assert page.evaluate("document.documentElement.lang") == "en"
