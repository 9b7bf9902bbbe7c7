"""The language core: choosing a language, and dates, times and numbers written each language's way."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest

from directory import i18n
from directory.i18n import _, language


@pytest.mark.parametrize(("code", "expected"), [
    ("es", "es"), ("ES", "es"), ("es-MX", "es"), ("es_US.UTF-8", "es"), ("en", "en"), ("en-GB", "en"),
    ("fr", None), ("", None), (None, None), (3, None),
])
def test_normalise_names_an_interface_language_or_none(code: object, expected: str | None) -> None:
    """Any spelling of a language we speak is read; anything else is None."""
    assert i18n.normalise(code) == expected


@pytest.mark.parametrize(("header", "expected"), [
    ("es-US,es;q=0.9,en;q=0.8", "es"),
    ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,es;q=0.5,en;q=0.4", "es"),
    ("fr-FR,de;q=0.9", None),
    ("en;q=0.2, es;q=0.7", "es"),
    ("es;q=0", None),
    ("", None),
    ("es;q=abc", None),
])
def test_preferred_language_follows_the_browsers_weights(header: str, expected: str | None) -> None:
    """Accept-Language is read by its q-weights; a weight of zero (or unreadable) means 'not this one'."""
    assert i18n.preferred_language(header) == expected


@pytest.mark.parametrize(("code", "moment", "short", "year", "expected"), [
    ("en", date(2026, 11, 26), False, False, "Thursday 26 November"),
    ("en", date(2026, 11, 26), True, True, "Thu 26 Nov 2026"),
    ("es", date(2026, 11, 26), False, False, "jueves 26 de noviembre"),
    ("es", date(2026, 11, 26), False, True, "jueves 26 de noviembre de 2026"),
    ("es", date(2026, 1, 8), True, True, "jue 8 ene 2026"),
])
def test_day_words_in_each_language(code: str, moment: date, short: bool, year: bool, expected: str) -> None:
    """Day names and months come from Babel's data for the language."""
    with language(code):
        assert i18n.day_words(moment, short=short, year=year) == expected


@pytest.mark.parametrize(("code", "moment", "expected"), [
    ("en", datetime(2026, 11, 26, 19, 0), "7 pm"),
    ("en", datetime(2026, 11, 26, 9, 30), "9:30 am"),
    ("es", datetime(2026, 11, 26, 19, 0), "7\u00a0p.\u00a0m."),
    ("es", datetime(2026, 11, 26, 9, 30), "9:30\u00a0a.\u00a0m."),
    ("es", datetime(2026, 11, 26, 0, 15), "12:15\u00a0a.\u00a0m."),
])
def test_clock_in_each_language(code: str, moment: datetime, expected: str) -> None:
    """'7 pm' in English; '7 p. m.' in Spanish, with no-break spaces so it never wraps apart."""
    with language(code):
        assert i18n.clock(moment) == expected


def test_the_issues_example_reads_as_written() -> None:
    """'jueves 26 de noviembre, 7 p. m.' (issue 17)."""
    moment = datetime(2026, 11, 26, 19, 0)
    with language("es"):
        text = f"{i18n.day_words(moment)}, {i18n.clock(moment)}"
    assert text.replace("\u00a0", " ") == "jueves 26 de noviembre, 7 p. m."


@pytest.mark.parametrize(("code", "value", "digits", "expected"), [
    ("en", 2.5, 1, "2.5"), ("es", 2.5, 1, "2,5"), ("en", 12345, 0, "12,345"), ("es", 12345, 0, "12.345"),
])
def test_numbers_in_each_language(code: str, value: float, digits: int, expected: str) -> None:
    """Decimal and grouping marks follow the language."""
    with language(code):
        assert i18n.number(value, digits=digits) == expected


def test_the_language_is_kept_per_thread_not_per_process() -> None:
    """Two sessions (threads) in different languages never see each other's language."""
    seen: dict[str, str] = {}
    ready = threading.Barrier(2)

    def session(code: str) -> None:
        i18n.set_language(code)
        ready.wait()
        seen[code] = _("Spanish")

    threads = [threading.Thread(target=session, args=(code,)) for code in ("en", "es")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"en": "Spanish", "es": "español"}
    assert i18n.current_language() == "en"


def test_an_unknown_language_means_the_default() -> None:
    """set_language never leaves the run without a language."""
    with language("xx"):
        assert i18n.current_language() == "en"


def test_language_names_read_in_the_current_language() -> None:
    """'Spanish' in English and 'inglés' in Spanish."""
    assert i18n.language_name("es") == "Spanish"
    with language("es"):
        assert i18n.language_name("en") == "inglés"


def test_a_thread_that_set_no_language_asks_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """A button's callback runs before the page sets the language: it reads the session's choice instead."""
    monkeypatch.setattr(i18n, "_fallback", lambda: "es")
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(_("Spanish")))
    thread.start()
    thread.join()
    assert seen == ["español"]
    with language("en"):
        assert _("Spanish") == "Spanish"  # a language set in the thread wins
