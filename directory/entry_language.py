"""An entry's own words in two languages: its name and description may carry a Spanish version beside the
English one (name_es, description_es), and a page shows the chosen language where the entry has it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


def entry_text(row: Mapping[str, object], field: str) -> EntryText:
    """`field` of an entry in the current language where it has it, else in the other language."""
    wanted = current_language()
    for code in (wanted, *[c for c in LANGUAGES if c != wanted]):
        value = row.get(column_of(field, code))
        if isinstance(value, str) and value.strip():
            return EntryText(value, code)
    return EntryText("", wanted)
