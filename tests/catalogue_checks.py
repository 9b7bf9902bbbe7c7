"""What the catalogue tests and `python tools/i18n.py --check` share: the shown strings, read afresh from the
sources, and the Spanish catalogue they must all be in."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "directory" / "locale"
TRANSLATED = ("es",)
_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def shown_strings() -> set[str]:
    """Every message id marked in the sources (a plural's singular form stands for it)."""
    # The same files `python tools/i18n.py` extracts from: babel.cfg says which.
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        mapping, _options = parse_mapping_cfg(config)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=mapping, keywords=_KEYWORDS, strip_comment_tags=True
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found - {""}


def catalogue(language: str):
    """One language's catalogue, read from its .po file."""
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def untranslated() -> list[tuple[str, str]]:
    """(language, message) for every shown string a translated language lacks, or has only as fuzzy."""
    missing = []
    for language in TRANSLATED:
        messages = catalogue(language)
        for text in sorted(shown_strings()):
            entry = messages.get(text)
            strings = entry.string if entry is not None else ""
            done = all(strings) if isinstance(strings, tuple) else bool(strings)
            if entry is None or entry.fuzzy or not done:
                missing.append((language, text))
    return missing
