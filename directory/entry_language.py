"""An entry's own words in two languages: its name and description may carry a Spanish version beside the
English one (name_es, description_es), and a page shows the chosen language where the entry has it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from directory.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, current_language, language_name

# The entry fields written in more than one language, and the column each language keeps them in.
TRANSLATED_FIELDS: tuple[str, ...] = ("name", "description")


def column_of(field: str, language: str) -> str:
    """The column that holds `field` in `language`: 'name' for English, 'name_es' for Spanish."""
    return field if language == DEFAULT_LANGUAGE else f"{field}_{language}"


TRANSLATION_COLUMNS: tuple[str, ...] = tuple(
    column_of(field, code) for field in TRANSLATED_FIELDS for code in LANGUAGES if code != DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class EntryText:
    """A field's text as shown, and the language it is written in."""

    text: str
    language: str

    @property
    def in_other_language(self) -> bool:
        """True when the text is not in the language the page is shown in."""
        return bool(self.text) and self.language != current_language()

    def note(self) -> str:
        """'Only in English' ('Solo en inglés') when the text is in the other language, else ''."""
        if not self.in_other_language:
            return ""
        return _("Only in {language}").format(language=language_name(self.language))


# How an entry's `languages` names a language it is offered in (as Meeting Guide's "S" is read, and as people
# type it), folded to lower case.
_LANGUAGE_WORDS: dict[str, str] = {"spanish": "es", "español": "es", "espanol": "es"}


def base_language(row: Mapping[str, object]) -> str:
    """The language of an entry's own name and description columns.

    English, unless the entry says it is offered in Spanish alone and carries no Spanish version of its own: a
    group that meets only in Spanish writes its name and description in Spanish (a Meeting Guide feed's "S"
    meetings), and marking them "only in English" would be wrong. An entry with name_es or description_es has
    its Spanish there, so its own columns are English."""
    if any(isinstance(row.get(column), str) and row.get(column).strip() for column in TRANSLATION_COLUMNS):
        return DEFAULT_LANGUAGE
    offered = [word.strip().lower() for word in str(row.get("languages") or "").split(";") if word.strip()]
    spoken = {_LANGUAGE_WORDS.get(word, word) for word in offered}
    return "es" if spoken == {"es"} else DEFAULT_LANGUAGE


def column_in_language(frame: pd.DataFrame, field: str) -> pd.Series:
    """`field` of every row in the current language where the row has it, else the other: entry_text() for whole
    columns (per-row calls would cost seconds at 100,000 entries)."""
    own = frame[field].fillna("").astype(str)
    translated_name = column_of(field, "es")
    if translated_name not in frame.columns:
        return own
    translated = frame[translated_name].fillna("").astype(str)
    first, second = (translated, own) if current_language() == "es" else (own, translated)
    return first.where(first.str.strip() != "", second)


def entry_text(row: Mapping[str, object], field: str) -> EntryText:
    """`field` of an entry in the current language where it has it, else in the other language."""
    wanted = current_language()
    base = base_language(row)
    own = row.get(field)
    own = own if isinstance(own, str) and own.strip() else ""
    translated = {code: row.get(column_of(field, code)) for code in LANGUAGES if code != DEFAULT_LANGUAGE}
    if own and base == wanted:
        return EntryText(own, base)
    found = translated.get(wanted)
    if isinstance(found, str) and found.strip():
        return EntryText(found, wanted)
    if own:
        return EntryText(own, base)
    for code, value in translated.items():
        if isinstance(value, str) and value.strip():
            return EntryText(value, code)
    return EntryText("", wanted)
