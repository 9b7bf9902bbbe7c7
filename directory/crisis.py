"""The crisis lines shown on every page and in every packet: the one list of them."""

from __future__ import annotations

# (name, how to reach it, tap-to-call link)
CRISIS_LINES: tuple[tuple[str, str, str], ...] = (
    ("988 Suicide & Crisis Lifeline", "call or text 988", "tel:988"),
    ("SAMHSA National Helpline", "1-800-662-4357, free and confidential, 24/7", "tel:+18006624357"),
)


def crisis_text() -> list[str]:
    """The crisis lines as plain-text lines, for printouts and messages."""
    return [f"{name}: {how}" for name, how, _ in CRISIS_LINES]
