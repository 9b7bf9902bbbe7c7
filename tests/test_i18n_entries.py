"""Entries in two languages: which words a page shows, search in both, and Spanish column names on import."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.entry_language import base_language, entry_text
from directory.i18n import language
from directory.interop.column_mapping import guess_mapping
from directory.interop.csv_import import open_csv
from directory.interop.hsds import export_tables
from directory.interop.importer import plan_import
from directory.search import Query, build_index, search
from directory.store import Store

BOTH = {"name": "Kensington Recovery Hub", "name_es": "Centro de recuperación de Kensington",
        "description": "Drop in.", "description_es": "", "languages": "English;Spanish"}
SPANISH_ONLY = {"name": "Grupo Nueva Vida", "name_es": "", "description": "Reunión en español.",
                "languages": "Spanish"}
ENGLISH_ONLY = {"name": "Tacony Run Club", "name_es": "", "description": "Sober running.", "languages": "English"}


@pytest.mark.parametrize(("row", "code", "field", "text", "shown_in", "note"), [
    (BOTH, "en", "name", "Kensington Recovery Hub", "en", ""),
    (BOTH, "es", "name", "Centro de recuperación de Kensington", "es", ""),
    (BOTH, "es", "description", "Drop in.", "en", "Solo en inglés"),
    (ENGLISH_ONLY, "es", "name", "Tacony Run Club", "en", "Solo en inglés"),
    (ENGLISH_ONLY, "en", "name", "Tacony Run Club", "en", ""),
    (SPANISH_ONLY, "es", "name", "Grupo Nueva Vida", "es", ""),
    (SPANISH_ONLY, "en", "description", "Reunión en español.", "es", "Only in Spanish"),
    ({"name": "", "name_es": ""}, "es", "name", "", "es", ""),
])
def test_entry_text_shows_the_chosen_language_or_marks_the_other(
        row: dict, code: str, field: str, text: str, shown_in: str, note: str) -> None:
    """The chosen language where the entry has it; otherwise the other one, marked."""
    with language(code):
        found = entry_text(row, field)
        assert (found.text, found.language, found.note()) == (text, shown_in, note)


@pytest.mark.parametrize(("languages", "name_es", "expected"), [
    ("Spanish", "", "es"), ("Español", "", "es"), ("English;Spanish", "", "en"), ("", "", "en"),
    ("Vietnamese", "", "en"), ("Spanish", "Grupo Nueva Vida", "en"),
])
def test_an_entry_offered_only_in_spanish_is_written_in_spanish(languages: str, name_es: str, expected: str) -> None:
    """A group that meets only in Spanish names itself in Spanish, unless it has a Spanish version of its own."""
    assert base_language({"languages": languages, "name_es": name_es}) == expected


@pytest.mark.parametrize("words", ["recuperación", "recuperacion", "RECUPERACIÓN", "centro kensington"])
def test_search_matches_spanish_words_with_or_without_accents(sample_dir: Path, words: str) -> None:
    """A Spanish name or description is found whether or not the accents are typed."""
    frame = Store(sample_dir).load().frame
    index = build_index(frame)
    found = search(index, Query(text=words))
    assert len(found) > 0
    assert found["name_es"].str.len().gt(0).all() or words == "centro kensington"


def test_search_still_finds_english_words(sample_dir: Path) -> None:
    """Adding the Spanish columns leaves English search as it was."""
    index = build_index(Store(sample_dir).load().frame)
    assert len(search(index, Query(text="volleyball"))) > 0


@pytest.mark.parametrize(("headers", "expected"), [
    (["Nombre", "Descripción", "Dirección", "Ciudad", "Estado", "Código postal", "Teléfono"],
     {"Nombre": "name", "Descripción": "description", "Dirección": "address", "Ciudad": "city",
      "Estado": "state", "Código postal": "zip", "Teléfono": "phone"}),
    (["NOMBRE", "CORREO ELECTRÓNICO", "SITIO WEB", "HORARIO", "IDIOMAS", "COSTO"],
     {"NOMBRE": "name", "CORREO ELECTRÓNICO": "email", "SITIO WEB": "website", "HORARIO": "hours",
      "IDIOMAS": "languages", "COSTO": "cost"}),
    (["Name", "Nombre", "Description", "Descripción"],
     {"Name": "name", "Nombre": "name_es", "Description": "description", "Descripción": "description_es"}),
    (["Nombre", "Name"], {"Name": "name", "Nombre": "name_es"}),
    (["Name", "Nombre en español", "Spanish description"],
     {"Name": "name", "Nombre en español": "name_es", "Spanish description": "description_es"}),
    (["Organización", "Latitud", "Longitud", "Notas"],
     {"Organización": "organization", "Latitud": "latitude", "Longitud": "longitude", "Notas": "description"}),
])
def test_spanish_column_names_are_mapped(headers: list[str], expected: dict[str, str]) -> None:
    """Common Spanish headers, with or without accents and in any case, find their columns."""
    assert guess_mapping(headers) == expected


def test_a_bilingual_file_imports_both_languages(sample_dir: Path) -> None:
    """A file with English and Spanish columns fills name and name_es, and loses neither."""
    text = ("Name,Nombre,Description,Descripción,Category,Support types,City,State,Zip\n"
            "Frankford Sober Socials,Convivios sin alcohol de Frankford,Games and food.,Juegos y comida.,"
            "sober_social,affiliational,Philadelphia,PA,19124\n")
    rows = list(open_csv(text.encode()).rows())
    plan = plan_import(Store(sample_dir).read_raw(), rows)
    assert not plan.rejected
    values = plan.added[0].values
    assert (values["name"], values["name_es"]) == ("Frankford Sober Socials", "Convivios sin alcohol de Frankford")
    assert (values["description"], values["description_es"]) == ("Games and food.", "Juegos y comida.")


def test_the_hsds_export_carries_the_spanish_name_and_description(sample_dir: Path) -> None:
    """HSDS 3.0 has no translations table: the Spanish travels as attributes of the service, and reads back."""
    frame = Store(sample_dir).load().frame
    row = frame[frame["name_es"] != ""].iloc[0]
    tables = export_tables(frame)
    terms = {term["id"]: term["code"] for term in tables["taxonomy_terms"]}
    spanish = {terms[a["taxonomy_term_id"]]: a["value"] for a in tables["attributes"]
               if terms[a["taxonomy_term_id"]] in ("name_es", "description_es")
               and a["link_id"] == next(s["id"] for s in tables["services"] if s["name"] == row["name"])}
    assert spanish == {"name_es": row["name_es"], "description_es": row["description_es"]}
