"""Suggest and Packet in Spanish: the form and its messages, the packet text, the shared link (?lang=es), and a
PDF whose accented letters print as written (DejaVu Sans from the matplotlib wheel)."""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from directory.i18n import language
from directory.packet import build_packet, entry_lines, packet_text, share_link
from directory.packet_pdf import font_files, packet_pdf
from directory.rate_limits import Limit, last_window_words
from directory.store import Store
from directory.suggestions import SuggestionError, Suggestions
from tests.apps import APP
from tests.factories import valid_frame

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/New_York"))
ENGLISH = ("Places that could help", "Note:", "Open the list", "In crisis", "Phone:", "Next:", "Hours:",
           "Last checked", "no longer listed", "Scan to open")


def _frame():
    return valid_frame(
        {"name": "Harbor House", "name_es": "Casa del Puerto", "category": "recovery_housing",
         "support_types": "instrumental;affiliational", "address": "12 Oak St", "hours": "Mon-Fri 09:00-17:00",
         "last_verified": "2026-10-01"},
        {"name": "Thursday Sober Volleyball", "event_start": "2026-01-08T19:00", "event_end": "2026-01-08T21:00",
         "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH", "event_timezone": "America/New_York"},
        {"name": "Retired Ride Program", "status": "inactive"},
        prefix="p",
    )


def _pdf_text(data: bytes) -> str:
    # Justified lines come back with doubled spaces, and no-break spaces as they were written.
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_the_packet_text_in_spanish_marks_english_only_names_and_writes_dates_the_spanish_way() -> None:
    """Headings, labels, dates and crisis lines in Spanish; an entry without a Spanish name is marked."""
    with language("es"):
        entries = build_packet(_frame(), ["p-0", "p-1", "p-2"])
        text = packet_text(entries, NOW, note="pregunte por Dana", link=share_link(["p-0", "p-1"]))
        lines = entry_lines(entries[0].row, NOW)
    assert text.startswith("Lugares que podrían ayudarle:")
    assert "1. Casa del Puerto\n" in text and "Harbor House" not in text
    assert "2. Thursday Sober Volleyball (Solo en inglés)" in text
    assert "Próxima vez: jueves 26 de noviembre, 7\u00a0p.\u00a0m." in text
    assert "3. (ya no aparece en el directorio)" in text
    assert "Nota: pregunte por Dana" in text and "Abra la lista: /packet?ids=p-0,p-1&lang=es" in text
    assert "¿Está en crisis?" in text and "Línea Nacional de Ayuda de SAMHSA" in text and "AYUDA" in text
    assert "Teléfono: (215) 555-0100" in lines and "Horario: lun–vie" in lines[3]
    assert "Revisado por última vez por un líder de pares: 2026-10-01" in lines
    assert not [word for word in ENGLISH if word in text or word in " ".join(lines)]


def test_a_shared_packet_link_keeps_the_language() -> None:
    """In Spanish the link carries lang=es beside the ids; in English it carries the ids only."""
    assert share_link(["p-0"], "https://help.example.org") == "https://help.example.org/packet?ids=p-0"
    with language("es"):
        assert share_link(["p-0", "p-1"], "https://help.example.org/") == (
            "https://help.example.org/packet?ids=p-0,p-1&lang=es")


def test_the_spanish_pdf_prints_accented_letters_with_a_unicode_font() -> None:
    """Parsed back with pypdf, the accents are there exactly, the font is embedded DejaVu, the QR keeps lang=es."""
    assert font_files() is not None, "DejaVu Sans ships in the matplotlib wheel (requirements.txt)"
    link = "https://help.example.org/packet?ids=p-0,p-1,p-2&lang=es"
    with language("es"):
        data = packet_pdf(build_packet(_frame(), ["p-0", "p-1", "p-2"]), NOW, note="¿Dónde? ¡Pregunte por Íñigo!",
                          link=link)
    text = _pdf_text(data)
    for words in ("Lugares que podrían ayudarle", "Casa del Puerto", "Vivienda de recuperación",
                  "Próxima vez: jueves 26 de noviembre, 7 p. m.", "(Solo en inglés)", "ya no aparece en el directorio",
                  "¿Dónde? ¡Pregunte por Íñigo!", "Escanee el código", "¿Está en crisis o necesita ayuda ahora?",
                  "988 Línea de Prevención del Suicidio y Crisis", "Línea Nacional de Ayuda de SAMHSA", "988",
                  "español"):
        assert words in text, words
    assert "?" not in text.replace("¿Dónde?", "").replace("ayuda ahora?", "").replace("?ids=", "")
    assert not [word for word in ENGLISH if word in text]
    assert b"DejaVu" in data and b"Helvetica" not in data
    reader = PdfReader(io.BytesIO(data))
    (image,) = [image for page in reader.pages for image in page.images]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L"))
    assert [result.text for result in decoded] == [link]


def test_the_font_is_found_without_importing_matplotlib() -> None:
    """Looking the font up leaves matplotlib unimported (it is heavy, and the PDF needs only its files)."""
    font_files.cache_clear()
    was_imported = "matplotlib" in sys.modules
    files = font_files()
    assert files is not None and set(files) == {"", "B", "I"}
    assert all(path.name.startswith("DejaVuSans") for path in files.values())
    assert was_imported or "matplotlib" not in sys.modules


def test_the_english_pdf_uses_the_same_font_and_keeps_letters_the_built_in_fonts_lost() -> None:
    """The English PDF is set in DejaVu too, so 'Łódź' prints as written; a script it lacks still prints '?'."""
    frame = valid_frame({"name": "Łódź Café – 日本"}, prefix="u")
    text = _pdf_text(packet_pdf(build_packet(frame, ["u-0"]), NOW))
    assert "1. Łódź Café - ??" in text and "In crisis or need help now?" in text


def test_suggestion_refusals_and_limits_in_spanish() -> None:
    """The reasons a suggestion is sent back, and the windows of the limits, are Spanish."""
    with language("es"):
        with pytest.raises(SuggestionError, match="un recurso nuevo necesita al menos un nombre"):
            Suggestions("/nonexistent").submit("new", fields={})
        assert last_window_words(Limit(5, 3600)) == "la última hora"
        assert last_window_words(Limit(5, 600)) == "los últimos 10 minutos"
        assert last_window_words(Limit(5, 7200)) == "las últimas 2 horas"
    assert last_window_words(Limit(5, 3600)) == "the last hour"


def _spanish(script: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "es"
    for key, value in params.items():
        at.query_params[key] = value
    # Opened straight on the page, as a shared link is: moving between pages drops the page's own parameters.
    return at.switch_page(script).run()


def test_the_suggest_page_in_spanish(sample_dir: Path) -> None:
    """Labels, choices, the thank-you and a validation message are Spanish; the suggestion is queued as written."""
    at = _spanish("pages/suggest.py")
    assert not at.exception
    assert at.title[0].value == "Sugerir un recurso o un cambio"
    assert at.radio(key="s_kind").options == ["Sugerir un recurso nuevo", "Avisar de un cambio o de un cierre"]
    labels = [t.label for t in at.text_input]
    assert "Nombre *" in labels and "Código postal" in labels and "Name *" not in labels
    assert at.button(key="s_send").label == "Enviar sugerencia"
    at.text_input(key="s_name").set_value("Bingo sin alcohol")
    at.button(key="s_send").click().run()
    assert at.success[0].value == "¡Gracias! Un líder de pares revisará su sugerencia."
    assert [s.fields["name"] for s in Suggestions(sample_dir).open()] == ["Bingo sin alcohol"]
    at.radio(key="s_kind").set_value("change").run()
    assert at.selectbox(key="s_resource").label == "¿Qué ficha?"
    at.button(key="s_send").click().run()
    assert at.error[0].value == "Indique qué ficha y qué debería cambiar."


def test_the_suggest_limit_message_in_spanish(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the per-client limit: a kind Spanish no, with the crisis lines."""
    from directory import rate_limits

    monkeypatch.setattr(rate_limits, "SUGGESTIONS_PER_CLIENT", Limit(1, 3600))
    monkeypatch.setattr("directory.ui.suggest_form.SUGGESTIONS_PER_CLIENT", Limit(1, 3600))
    at = _spanish("pages/suggest.py")
    for name in ("Uno", "Dos"):
        at.text_input(key="s_name").set_value(name)
        at.button(key="s_send").click().run()
    refusal = at.error[0].value
    assert refusal.startswith("¡Gracias! Usted ha enviado 1 sugerencia en la última hora")
    assert "inténtelo de nuevo más tarde" in refusal and "¿Está en crisis" in refusal


def test_the_packet_page_in_spanish(sample_dir: Path) -> None:
    """Built from Find in Spanish: buttons, share link with lang=es, the text for a message, the print view."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "es"
    at.run()
    adds = [b for b in at.button if b.key and b.key.startswith("pack-")][:2]
    assert adds and all(b.label == "Agregar al paquete" for b in adds)
    ids = [b.key.removeprefix("pack-") for b in adds]
    for key in ids:
        at.button(key=f"pack-{key}").click().run()
    at.switch_page("pages/packet.py").run()
    assert not at.exception
    assert {b.label for b in at.button if b.key and b.key.startswith("pk_")} == {"Subir", "Bajar", "Eliminar"}
    assert at.code[0].value == f"/packet?ids={','.join(ids)}&lang=es"
    text = at.code[1].value
    assert text.startswith("Lugares que podrían ayudarle:") and "¿Está en crisis?" in text
    assert [d.label for d in at.get("download_button")] == ["Descargar PDF", "Descargar texto para un mensaje"]
    at.toggle(key="pk_print").set_value(True).run()
    printed = next(h.value for h in at.get("html") if "packet-print" in h.value)
    assert "lang='es'" in printed and "Lugares que podrían ayudarle" in printed
    assert "¿Está en crisis o necesita ayuda ahora?" in printed and "In crisis" not in printed


def test_an_empty_packet_in_spanish(sample_dir: Path) -> None:
    """The hint and the privacy sentence are Spanish."""
    at = _spanish("pages/packet.py")
    assert any("El paquete de recursos está vacío" in i.value for i in at.info)
    assert any("No se pide, guarda ni registra nada sobre la persona" in c.value for c in at.caption)


def test_a_shared_spanish_link_opens_in_spanish_and_keeps_lang(sample_dir: Path) -> None:
    """/packet?ids=...&lang=es: the receiver reads it in Spanish, and adopting keeps ?lang=es in the address."""
    frame = Store(sample_dir).read_raw()
    ids = frame[(frame["status"] == "active") & (frame["phone"] != "")]["id"].tolist()[:2]
    at = _spanish("pages/packet.py", ids=",".join(ids))
    assert not at.exception
    assert at.header[0].value == "Lugares que alguien compartió con usted"
    assert at.button(key="pk_adopt").label == "Usar como mi paquete"
    assert at.query_params["lang"] in ("es", ["es"])
    at.button(key="pk_adopt").click().run()
    assert at.query_params["lang"] in ("es", ["es"]) and "ids" not in at.query_params
    assert at.code[0].value == f"/packet?ids={','.join(ids)}&lang=es"
