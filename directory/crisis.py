"""The crisis lines shown on every page and in every packet: the one list of them."""

from __future__ import annotations

from directory.i18n import N_, _

# (name, how to reach it, tap-to-call link). Both lines answer in Spanish: 988 by pressing 2 or texting
# AYUDA, the SAMHSA National Helpline on the same number. Names and directions are message ids.
CRISIS_LINES: tuple[tuple[str, str, str], ...] = (
    (N_("988 Suicide & Crisis Lifeline"), N_("call or text 988; in Spanish, call and press 2 or text AYUDA"),
     "tel:988"),
    (N_("SAMHSA National Helpline"), N_("1-800-662-4357, free and confidential, 24/7, in English and Spanish"),
     "tel:+18006624357"),
)


def crisis_lines() -> list[tuple[str, str, str]]:
    """The crisis lines in the current language: (name, how to reach it, tap-to-call link)."""
    return [(_(name), _(how), link) for name, how, link in CRISIS_LINES]


def crisis_heading() -> str:
    """The words that introduce the crisis lines, in the current language."""
    return _("In crisis or need help now?")


def crisis_text() -> list[str]:
    """The crisis lines as plain-text lines in the current language, for printouts and messages."""
    return [f"{name}: {how}" for name, how, _link in crisis_lines()]
