"""An import's reader messages in Spanish: what a peer leader reads on the Import and export page."""

from __future__ import annotations

import pytest

from directory.i18n import _, language
from directory.interop import formats, limits
from directory.interop.csv_import import open_csv
from directory.interop.formats import IMPORT_FORMATS, check_upload
from directory.interop.ical_import import read_ical
from directory.interop.meeting_guide import read_meeting_guide
from directory.interop.records import UnusableInput


def _too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UPLOAD_BYTES", 10)
    check_upload(b"name,phone\nA place,215-555-0100\n", "lista.csv")


def _bad_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_COLUMNS", 3)
    list(open_csv(b"name,phone\nA,1\nB,2,3,4,5\n").rows())


def _empty_file(monkeypatch: pytest.MonkeyPatch) -> None:
    open_csv(b"")


def _empty_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    list(read_meeting_guide(b"[]"))


def _not_a_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    list(read_ical(b"hello"))


@pytest.mark.parametrize(("read", "spanish", "english"), [
    (_empty_file, "el archivo está vacío", "the file is empty"),
    (_too_large, "más de los 10 bytes que se pueden subir", "more than the"),
    (_bad_row, "la fila 2 (línea 3 del archivo) tiene 5 celdas", "cells, more than"),
    (_empty_feed, "la fuente no trae ninguna reunión", "the feed lists no meetings"),
    (_not_a_calendar, "un archivo iCalendar empieza con BEGIN:VCALENDAR", "an iCalendar file starts"),
])
def test_reader_problems_are_said_in_spanish(monkeypatch: pytest.MonkeyPatch, read, spanish: str,
                                             english: str) -> None:
    with language("es"), pytest.raises(UnusableInput) as raised:
        read(monkeypatch)
    assert spanish in str(raised.value)
    assert english not in str(raised.value)


def test_reader_problems_stay_english_by_default() -> None:
    with pytest.raises(UnusableInput, match=r"^the file is empty$"):
        open_csv(b"")


def test_format_labels_are_translated_where_shown() -> None:
    with language("es"):
        assert _(IMPORT_FORMATS["csv"]) == "CSV o exportación de hoja de cálculo (cualquier columna)"
        assert _(formats.EXPORT_FORMATS["ics"]) == "iCalendar (.ics) de eventos"
    assert IMPORT_FORMATS["csv"] == "CSV or spreadsheet export (any columns)"
