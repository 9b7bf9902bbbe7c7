"""The Find page, its cards and its detail view in Spanish (?lang=es)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from directory.i18n import language
from directory.present import distance_label, event_summary, hours_words, result_count
from tests.apps import APP


def _find(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/find.py")
    for key, value in {"lang": "es", **params}.items():
        at.query_params[key] = value
    return at.run()


def _text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [str(i.value) for i in at.info])


def test_find_speaks_spanish(sample_dir: Path) -> None:
    """Labels, counts and cards in Spanish; an entry's Spanish name, marked in lang, and English-only ones noted."""
    at = _find({"q": "Mayfair"})
    assert not at.exception
    assert at.title[0].value == "Busque apoyo entre pares para la recuperación"
    assert at.text_input(key="f_text").label == "¿Qué está buscando?"
    assert at.button(key="open-phl-0019").label == "Detalles"
    text = _text(at)
    assert "resultados." in text and " results" not in text
    assert '<span lang="es">' not in text
    assert "Cuidado infantil para familias en recuperación de Mayfair" in text
    assert "Solo en inglés" in text and '<span lang="en">' in text
    assert "Only in" not in text and "Directions" not in text and "Last verified" not in text


def test_the_detail_view_speaks_spanish(sample_dir: Path) -> None:
    """An English-only entry's name is noted as such, its description in a lang="en" element."""
    at = _find({"id": "phl-0001"})
    assert not at.exception
    assert at.header[0].value == "Cherry Hill Peer Recovery Center"
    assert at.button(key="back").label == "← Volver a los resultados"
    text = _text(at)
    assert "Solo en inglés" in text and '<div lang="en">' in text
    assert "Los pares comparten su experiencia vivida" in text
    assert "Organization" not in text and "Last verified" not in text


def test_the_detail_view_shows_a_spanish_description(sample_dir: Path) -> None:
    """An entry with its words in Spanish shows them, with no note."""
    at = _find({"id": "phl-0019"})
    assert at.header[0].value == "Cuidado infantil para familias en recuperación de Mayfair"
    assert "Solo en" not in _text(at)


def test_present_wording_in_spanish() -> None:
    """Counts, distances, hours and repeating events the Spanish way."""
    with language("es"):
        assert result_count(1200) == "1.200 resultados" and result_count(1) == "1 resultado"
        assert distance_label(2.54) == "2,5 millas"
        assert distance_label(2.6, zip_area=True) == "unas 3 millas (zona del código postal)"
        hours = hours_words("Mon-Fri 09:00-17:00; Sat closed")
        assert hours.startswith("lun–vie 9") and hours.endswith("; sáb cerrado") and "p." in hours
        summary = event_summary({"event_start": "2026-01-08T18:00", "recurrence_rule": "FREQ=MONTHLY;BYDAY=1SA"},
                                "America/New_York")
        assert summary.startswith("Primer sábado de cada mes, 6")
    assert hours_words("Mon-Fri 09:00-17:00") == "Mon–Fri 9 am – 5 pm"
