"""The interface's languages: gettext catalogues (made with Babel), the language of the current run, and
dates, times and numbers written that language's way.

Every shown string goes through `_()` (or `ngettext()`); a string kept in a module-level constant is marked
with `N_()` and translated where it is shown. The catalogues live in `directory/locale/` and are extracted,
updated and compiled by `python tools/i18n.py` (docs/translating.md).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

# The interface languages, each named in its own language, in the order the switch shows them.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# The URL parameter that carries the language (?lang=es) across pages and in shared links.
LANGUAGE_PARAM = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# The Babel locale each language formats dates and numbers with.
_BABEL_LOCALES = {"en": "en_US", "es": "es"}

# A Streamlit session runs each script run in one thread, and several sessions share the process, so the
# language is kept per run (a context variable), never as a process-wide setting.
_current: ContextVar[str | None] = ContextVar("language", default=None)
# Where a thread that has not set its language finds it: Streamlit runs a button's callback before the page
# script (and so before it sets the language), and the UI tells us how to read the session's choice then.
_fallback: Callable[[], str | None] | None = None


def use_language_source(source: Callable[[], str | None]) -> None:
    """Say where to find the language when the current thread has not set one (the UI's session state)."""
    global _fallback
    _fallback = source


def _code() -> str:
    code = _current.get()
    if code is None:
        code = normalise(_fallback()) if _fallback is not None else None
    return code or DEFAULT_LANGUAGE


def normalise(code: object) -> str | None:
    """The interface language a code names ('es', 'es-MX', 'ES_us' -> 'es'), or None when it names none."""
    if not isinstance(code, str):
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base if base in LANGUAGES else None


def preferred_language(accept_language: str) -> str | None:
    """The interface language a browser prefers most, from an Accept-Language header; None when it names none."""
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        code, _sep, params = part.strip().partition(";")
        weight = 1.0
        match = re.search(r"q\s*=\s*([^;\s]*)", params)
        if match:
            try:
                weight = float(match.group(1))
            except ValueError:
                weight = 0.0
        language = normalise(code)
        if language and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else None


def set_language(code: str) -> None:
    """Make `code` the language of the current run (an unknown code means the default)."""
    _current.set(normalise(code) or DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language of the current run."""
    return _code()


@contextmanager
def language(code: str) -> Iterator[None]:
    """Run a block in another language, e.g. to make a packet in the language it was asked for."""
    token = _current.set(normalise(code) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def _translations(code: str) -> gettext.NullTranslations:
    if code == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, [code], fallback=True)


def _(message: str) -> str:
    """The message in the current language (the English text is the message id)."""
    return _translations(_code()).gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for `count`, in the current language."""
    return _translations(_code()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention, which the extractor looks for
    """Mark a constant for translation without translating it: `_()` translates it where it is shown."""
    return message


def other_language(code: str) -> str:
    """The language that is not `code` (the interface has two)."""
    return next(other for other in LANGUAGES if other != code)


def language_name(code: str) -> str:
    """A language's name in the current language ('inglés' when Spanish is chosen)."""
    names = {"en": N_("English"), "es": N_("Spanish")}
    return _(names.get(code, code))


def babel_locale() -> str:
    """The Babel locale of the current language."""
    return _BABEL_LOCALES[_code()]


def day_words(moment: date, *, short: bool = False, year: bool = False) -> str:
    """'Thursday 26 November' or 'jueves 26 de noviembre'; 'Thu 26 Nov 2026' / 'jue 26 nov 2026' when short."""
    from babel.dates import format_date

    if _code() == "es":
        pattern = ("EEE d MMM" if short else "EEEE d 'de' MMMM") + (" y" if year and short else "")
        if year and not short:
            pattern += " 'de' y"
    else:
        pattern = ("EEE d MMM" if short else "EEEE d MMMM") + (" y" if year else "")
    return format_date(moment, pattern, locale=babel_locale())


def weekday(moment: date) -> str:
    """'Monday' or 'lunes'."""
    from babel.dates import format_date

    return format_date(moment, "EEEE", locale=babel_locale())


def clock(moment: datetime) -> str:
    """'7 pm' / '7:30 pm' in English; '7 p. m.' / '7:30 p. m.' in Spanish."""
    if _code() == "en":
        return moment.strftime("%I:%M %p").lstrip("0").lower().replace(":00", "")
    from babel.dates import format_time

    pattern = "h a" if moment.minute == 0 else "h:mm a"
    # No-break spaces keep "7 p. m." on one line; Babel's narrow ones are missing from some fonts.
    return format_time(moment, pattern, locale=babel_locale()).replace("\u202f", "\u00a0").replace(" ", "\u00a0")


def number(value: float, *, digits: int = 0) -> str:
    """A number the current language's way: '1,234.5' or '1234,5' / '12.345,5'."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())
