"""The catalogues: every shown string has Spanish, the compiled catalogue is current, placeholders survive
translation, and neither language uses the words a recovery community asks us to avoid."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from babel.messages.mofile import read_mo

from tests.catalogue_checks import LOCALE_DIR, TRANSLATED, catalogue, shown_strings, untranslated

# Words that label or shame a person (SAMHSA's and the Recovery Research Institute's guidance on language):
# whole words, compared without case. "Abuse" stays out of both languages; a person is never their use.
AVOIDED_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("addict", "addicts", "junkie", "junkies", "alcoholic", "alcoholics", "abuser", "abusers", "abuse",
           "substance abuse", "drug abuse", "clean", "dirty", "user", "users", "relapser", "druggie"),
    "es": ("adicto", "adicta", "adictos", "adictas", "drogadicto", "drogadicta", "drogadictos", "alcohólico",
           "alcohólica", "alcohólicos", "alcohólicas", "abuso", "abusador", "abusadores", "limpio", "limpia",
           "sucio", "sucia", "toxicómano", "toxicómana", "vicioso", "viciosa", "drogata"),
}
# The informal "tú" forms: the Spanish is written in the usted register throughout.
INFORMAL_SPANISH = ("tú", "tu", "tus", "puedes", "tienes", "quieres", "necesitas", "estás", "eres", "buscas",
                    "te", "ti", "contigo", "haz", "elige", "escribe")
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _tupled(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def _spanish_strings() -> list[tuple[str, str]]:
    """(message id, each Spanish form) for every translated message."""
    pairs = []
    for message in catalogue("es"):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        pairs += [(singular, form) for form in forms]
    return pairs


def test_every_shown_string_has_spanish() -> None:
    """A string marked for translation with no Spanish (or only a fuzzy guess) fails here, by name."""
    missing = untranslated()
    assert not missing, "untranslated (run python tools/i18n.py and translate):\n" + "\n".join(
        f"  {language}: {text!r}" for language, text in missing[:60])


def test_the_compiled_catalogue_matches_its_source() -> None:
    """messages.mo is what `python tools/i18n.py` compiles from messages.po: nobody forgot to compile."""
    def entries(messages: object) -> dict:
        # read_mo gives a plural's forms as a list, read_po as a tuple
        return {_tupled(m.id): _tupled(m.string) for m in messages if m.id}

    for language in TRANSLATED:
        compiled = read_mo(BytesIO((LOCALE_DIR / language / "LC_MESSAGES" / "messages.mo").read_bytes()))
        assert entries(compiled) == entries(catalogue(language))


def test_the_catalogue_holds_only_strings_the_app_shows() -> None:
    """No stale entries: a string the code no longer shows is dropped by `python tools/i18n.py`."""
    shown = shown_strings()
    stale = [m.id for m in catalogue("es") if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in shown]
    assert not stale, stale[:20]


def test_placeholders_survive_translation() -> None:
    """The {placeholders} of an English message are its Spanish's: none lost, none made up (a plural's forms
    together, since a singular may spell out its one)."""
    wrong = []
    for message in catalogue("es"):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        spanish = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {p for text in english for p in _PLACEHOLDER.findall(text)}
        found = {p for text in spanish for p in _PLACEHOLDER.findall(text)}
        if found != wanted:
            wrong.append((english[0], spanish[0]))
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_catalogue_uses_a_word_to_avoid(language: str) -> None:
    """Person-first language in both languages: 'person in recovery', 'persona en recuperación'."""
    texts = sorted(shown_strings()) if language == "en" else [spanish for _english, spanish in _spanish_strings()]
    found = []
    for text in texts:
        lowered = text.lower()
        found += [(word, text) for word in AVOIDED_WORDS[language]
                  if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered)]
    assert not found, found[:10]


def test_the_spanish_speaks_as_usted() -> None:
    """No informal 'tú' forms: the whole interface addresses people as usted."""
    found = [(word, spanish) for _english, spanish in _spanish_strings() for word in INFORMAL_SPANISH
             if re.search(rf"(?<![\w-]){word}(?![\w-])", spanish.lower())]
    assert not found, found[:10]


def test_the_avoided_word_check_catches_what_it_should() -> None:
    """The check itself: a label such as 'adicto' or 'addict' is caught, 'addiction' is not."""
    def hits(word_list: tuple[str, ...], text: str) -> list[str]:
        return [w for w in word_list if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text.lower())]

    assert hits(AVOIDED_WORDS["es"], "Grupo para adictos") == ["adictos"]
    assert hits(AVOIDED_WORDS["en"], "For addicts only") == ["addicts"]
    assert hits(AVOIDED_WORDS["en"], "Recovery from addiction") == []
