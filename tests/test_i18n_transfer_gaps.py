"""Gaps, Import and export, and Imports to review in Spanish: headings, labels, tables and messages speak
Spanish, while the files the pages offer keep their English content and names."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from directory import taxonomy as tx
from directory.auth import Curator
from directory.gaps import KIND_CHOICES, Kind, gap_table, kind_text, read_demand, region_text, zip_rows
from directory.i18n import language
from directory.interop.importer import changes_frame, plan_import, rejects_csv
from directory.interop.records import SourceRow
from directory.store import Store
from directory.triage import TriageResult, describe, group_label
from tests.apps import APP, signed_in_app
from tests.factories import make_record
from tests.test_i18n_public_pages import content as content  # the fixture: entry content may be English
from tests.test_i18n_public_pages import english_words, shown_text


def _spanish(script: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "es"
    at.run()
    return at.switch_page(script).run()


def _signed_in_spanish(data_dir: Path, script: str) -> AppTest:
    """A peer leader signed in on Curate who then switches to Español and opens a page."""
    at = signed_in_app(data_dir)
    at.segmented_control(key="lang").set_value("es").run()
    at.switch_page(script).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(shown_text(at))


# --- Gaps ----------------------------------------------------------------------------------------------------

def test_gaps_in_spanish(sample_dir: Path, content: set[str]) -> None:
    """Title, headings, the ZIP table's headers, the downloads and the charts speak Spanish; no English word."""
    at = _spanish("pages/gaps.py")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Dónde están las brechas en los servicios"
    headers = [h.value for h in at.header]
    assert headers == ["Por código postal, de la brecha más grande a la más pequeña", "Demanda",
                       "Lo que cubre el directorio"]
    table = at.dataframe[0].value
    assert list(table.columns) == ["Código postal", "Lugar", "Condado", "Millas al más cercano",
                                   "El más cercano (nombre)", "A menos de 10 millas"]
    assert [d.proto.label for d in at.get("download_button")] == ["Descargar la tabla (CSV)",
                                                                 "Descargar el mapa (HTML)"]
    assert at.selectbox(key="g_kind").label == "Tipo de apoyo, categoría o camino de recuperación"
    assert "Camino: Laico" in at.selectbox(key="g_kind").options
    text = _texts(at)
    for english in ("Where the service gaps are", "By ZIP code", "Download the table", "Kind of support",
                    "Months since last verified", "Recovery dimensions", "ZIP areas"):
        assert english not in text, english
    assert "zonas de código postal" in text
    charts = [n.proto for n in at.main.children.values() if type(getattr(n, "proto", None)).__name__ == "VegaLiteChart"]
    assert len(charts) == 4
    specs = "\n".join(json.dumps(json.loads(chart.spec), ensure_ascii=False) for chart in charts)
    for spanish in ("Meses desde la última verificación", "Dimensiones de la recuperación", "Tipo de apoyo",
                    "Recursos", "meses desde la verificación"):
        assert spanish in specs, spanish
    for english in ("Months since", "Recovery dimensions", "Kind of support", '"Resources"', "months ago"):
        assert english not in specs, english
    # Left out: column settings (JSON whose keys, such as "help", are Streamlit's), enum values ("NONE"), and
    # the crisis banner and data notices every page shows (tests/test_i18n_public_pages.py checks those).
    texts = [t for t in shown_text(at) if not t.startswith("{") and not t.isupper() and "988" not in t
             and not t.startswith(("Sample data", "Datos de ejemplo"))]
    hits = english_words(texts, content)
    assert not hits, sorted(set(hits))[:15]


def test_a_pathway_kind_in_spanish_keeps_its_stored_key(sample_dir: Path) -> None:
    """Choosing 'Camino: Laico' stores 'path:secular'; the sentence names 'apoyo laico'."""
    at = _spanish("pages/gaps.py")
    kinds = at.selectbox(key="g_kind")
    kinds.select_index(kinds.options.index("Camino: Laico")).run()
    assert not at.exception
    assert at.session_state["g_kind"] == "path:secular"
    assert any("apoyo laico" in caption.value for caption in at.caption)


def test_gap_labels_follow_the_language_and_keys_stay() -> None:
    """KIND_CHOICES keeps its keys; its labels, the sentence phrases and the table headers are Spanish in Spanish."""
    keys = list(KIND_CHOICES)
    with language("es"):
        assert list(KIND_CHOICES) == keys and "type:emotional" in KIND_CHOICES
        assert KIND_CHOICES["path:secular"] == "Camino: Laico"
        assert KIND_CHOICES["type:emotional"] == "Emocional"
        assert kind_text("any") == "cualquier apoyo"
        assert Kind(pathway="secular").label() == "apoyo laico"
    assert KIND_CHOICES["path:secular"] == "Pathway: Secular"
    assert kind_text("path:secular") == "secular support"


def test_the_zip_table_and_region_sentence_in_spanish() -> None:
    """zip_rows' headers and 'none' and the region sentence are Spanish; the measured table keeps its columns."""
    frame = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "resources.csv", dtype=str,
                        keep_default_na=False)
    table = gap_table(frame, Kind(category="child_care"), 12.5)
    with language("es"):
        rows = zip_rows(table, 12.5)
        sentence = region_text(table, configured=False)
    assert list(rows.columns) == ["Código postal", "Lugar", "Condado", "Millas al más cercano",
                                  "El más cercano (nombre)", "A menos de 12,5 millas"]
    assert sentence.startswith("La región: ") and " condados, los condados con al menos una ficha activa" in sentence
    assert "ZIP areas" not in sentence and "counties" not in sentence
    assert {"zip", "nearest_miles", "nearest_id"} <= set(table.columns)


def test_a_demand_file_error_is_spanish() -> None:
    """The reason a demand file cannot be used is shown in the chosen language."""
    with language("es"), pytest.raises(ValueError, match="columna de código postal"):
        read_demand("name,place\nx,y\n")


# --- Import and export ---------------------------------------------------------------------------------------

CSV = (b"Agency Name,Category,Phone1Number,PhysicalPostalCode,Extra\r\n"
       b"Harbor House,recovery_housing,215-555-0101,19104,x\r\n"
       b",sober_social,,19104,y\r\n")


def test_import_and_export_in_spanish(sample_dir: Path) -> None:
    """Tabs, the export buttons and the import form are Spanish; the export files keep their English names."""
    at = _signed_in_spanish(sample_dir, "pages/transfer.py")
    assert at.title[0].value == "Importar y exportar"
    assert [t.label for t in at.tabs] == ["Importar", "Exportar"]
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == [
        "CSV para hojas de cálculo", "Paquete de datos HSDS 3.0 de Open Referral (.zip)",
        "Feed JSON de Meeting Guide (reuniones semanales)", "iCalendar (.ics) de eventos"]
    assert at.selectbox(key="x_format").label == "Tipo de archivo"
    text = _texts(at)
    for english in ("Import and export", "Signed in as", "Recognize it from the file", "What kind of file",
                    "CSV for spreadsheets", "Rows that match"):
        assert english not in text, english
    assert "Reconocerlo a partir del archivo" in text


def test_an_upload_previewed_and_imported_in_spanish(sample_dir: Path) -> None:
    """The mapping, the counts, the preview, the rejects and the result of an import speak Spanish."""
    at = _signed_in_spanish(sample_dir, "pages/transfer.py")
    at.file_uploader(key="x_upload").upload("list.csv", CSV, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.dataframe[0].value.columns) == ["columna de su archivo", "se importa como"]
    assert {m.label: m.value for m in at.metric} == {
        "Por agregar": "1", "Por actualizar": "0", "Sin cambios": "0", "Rechazadas": "1", "Públicas": "1",
        "Pendiente de revisión": "0", "Retiradas": "0"}
    assert [h.value for h in at.header] == ["Lo que va a cambiar", "Filas rechazadas"]
    preview = at.dataframe[1].value
    assert list(preview.columns) == ["fila de origen", "acción", "id", "nombre", "cambios", "estado", "deducido",
                                     "por revisar"]
    assert list(preview["acción"]) == ["agregar"] and list(preview["estado"]) == ["Activa"]
    assert [b.proto.label for b in at.get("download_button")][:2] == [
        "Guardar esta correspondencia para la próxima vez", "Descargar las filas rechazadas (CSV)"]
    assert at.button(key="x_import").label == "Importar 1 fila"
    text = _texts(at)
    for english in ("What will change", "Rejected rows", "To add", "column in your file", "All or nothing"):
        assert english not in text, english
    at.button(key="x_import").click().run()
    assert not at.exception
    assert any(s.value.startswith("Importación") and "1 agregadas" in s.value for s in at.success), [
        s.value for s in at.success]


def test_the_files_keep_english_whatever_the_language() -> None:
    """The rejects report and the stored review notes stay English: other tools and people's records read them."""
    frame = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "resources.csv", dtype=str,
                        keep_default_na=False)
    with language("es"):
        plan = plan_import(frame, [SourceRow(2, {"name": ""}), SourceRow(3, {"name": "Quiet Place", "zip": "19104"})])
        report = rejects_csv(plan.rejected)
        preview = changes_frame(plan)
    assert report.splitlines()[0].startswith("source_row,reasons")
    assert "acción" in preview.columns
    notes = "\n".join(change.values["review_notes"] for change in plan.added)
    assert "category" in notes or not notes


# --- Imports to review ---------------------------------------------------------------------------------------

def _pending(**overrides: str) -> dict[str, str]:
    return make_record(**{"status": "pending", "category": "", "support_types": "", **overrides})


def test_imports_to_review_in_spanish(sample_dir: Path) -> None:
    """Group tabs, counts, the table's headers and the bulk actions are Spanish; an action reports in Spanish."""
    rows = Store(sample_dir).add_many([
        _pending(name="Alpha Unsorted", review_reasons="no_category"),
        _pending(name="Gamma Guessed", category="support_group", support_types="emotional",
                 review_reasons="inferred_category"),
    ], by=Curator("importer", "curator"))
    at = _signed_in_spanish(sample_dir, "pages/triage.py")
    assert at.title[0].value == "Importaciones por revisar"
    assert [t.label for t in at.tabs] == ["Sin categoría", "Categoría deducida"]
    assert "Sin categoría: 1" in [h.value for h in at.header]
    assert at.selectbox(key="tr_category_no_category").label == "Categoría para las fichas seleccionadas"
    text = _texts(at)
    assert "Seleccione fichas en la tabla para actuar sobre ellas." in text
    table = next(d for d in at.dataframe if d.key == "tr_table_no_category_0")
    headers = {column: config.get("label") for column, config in json.loads(table.proto.columns).items()}
    assert headers["name"] == "Nombre" and headers["evidence"] == "Lo que encontró la importación"
    assert headers["external_id"] == "ID en la fuente"
    for english in ("Imports to review", "imported entries wait", "Select entries", "Mark as checked",
                    "Category for the selected entries", "What the import found"):
        assert english not in text, english
    # AppTest formats a chosen option in this thread, with the page's format_func, on every later run.
    with language("es"):
        at.checkbox(key="tr_all_no_category_0").check().run()
        at.selectbox(key="tr_category_no_category").set_value("navigation").run()
        at.button(key="tr_set_no_category_0").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("» a 1 ficha" in s.value for s in at.success), [s.value for s in at.success]
    assert Store(sample_dir).get(rows[0]["id"])["category"] == "navigation"


def test_triage_messages_in_spanish() -> None:
    """describe() and the group labels speak Spanish in Spanish and keep the English the tests knew."""
    result = TriageResult(done=["a", "b"], conflicts=["c"])
    with language("es"):
        lines = describe(result, lambda n: f"Se publicaron {n} fichas.", {"c": "Cee"})
        assert group_label("checked") == "Lista para publicar"
        assert group_label("no_category") == tx.label_of(tx.REVIEW_REASONS, "no_category") == "Sin categoría"
    assert lines == ["Se publicaron 2 fichas.", "1 cambió mientras tanto y se dejó para revisarla de nuevo: 'Cee'."]
    assert describe(result, "Published", {"c": "Cee"})[0] == "Published 2 entries."
