"""Map and Events in Spanish: the map's own words, marker names, zone names and open-now wording."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from directory.i18n import language
from directory.maps import gap_map, marker_columns, results_map
from directory.schedule import OpenStatus, clock, with_zone
from directory.store import Store

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("code", "legend", "link"), [
    ("en", "Kind of support", "Open details in a new tab"),
    ("es", "Ver los detalles en una pestaña nueva", "Ver los detalles en una pestaña nueva"),
])
def test_the_results_map_speaks_the_current_language(sample_dir: Path, code: str, legend: str, link: str) -> None:
    """The legend's title and the popup's link are in the session's language; links carry lang=es."""
    frame = Store(sample_dir).load().frame
    with language(code):
        html = results_map(frame.head(50)).get_root().render()
    assert link in html
    assert ("?lang=es&id=" in html) == (code == "es")
    if code == "es":
        assert "Tipo de apoyo" in html or "Emocional" in html


def test_markers_show_the_spanish_name_where_there_is_one(sample_dir: Path) -> None:
    """A Spanish session's markers carry name_es; an English one's the entry's own name."""
    frame = Store(sample_dir).load().frame
    both = frame[(frame["name_es"] != "") & (frame["latitude"] != "") & (frame["location_confidential"] != "yes")]
    with language("es"):
        spanish = marker_columns(both.head(3))["n"]
    english = marker_columns(both.head(3))["n"]
    assert spanish == [name.replace("&", "&amp;") for name in both.head(3)["name_es"]]
    assert english != spanish


@pytest.mark.parametrize(("code", "status", "expected"), [
    ("en", OpenStatus(True, datetime(2026, 11, 26, 17, 0, tzinfo=NEW_YORK)), "Open now · closes 5 pm"),
    ("es", OpenStatus(True, datetime(2026, 11, 26, 17, 0, tzinfo=NEW_YORK)), "Abierto ahora · cierra a las 5 p. m."),
    ("en", OpenStatus(False, datetime(2026, 11, 30, 9, 30, tzinfo=NEW_YORK)), "Opens Monday 9:30 am"),
    ("es", OpenStatus(False, datetime(2026, 11, 30, 9, 30, tzinfo=NEW_YORK)), "Abre el lunes, 9:30 a. m."),
])
def test_open_status_in_each_language(code: str, status: OpenStatus, expected: str) -> None:
    """'Open now · closes 5 pm' / 'Abierto ahora · cierra a las 5 p. m.'."""
    with language(code):
        assert status.describe().replace("\u00a0", " ") == expected


@pytest.mark.parametrize(("code", "zone", "expected"), [
    ("en", "America/New_York", "7 pm Eastern"),
    ("es", "America/New_York", "7 p. m. hora del Este"),
    ("en", "America/Chicago", "7 pm Central time (America/Chicago)"),
    ("es", "America/Chicago", "7 p. m. hora del Centro (America/Chicago)"),
])
def test_zone_names_in_each_language(code: str, zone: str, expected: str) -> None:
    """A time is followed by its zone as people say it in that language."""
    with language(code):
        moment = datetime(2026, 11, 26, 19, 0)
        assert with_zone(clock(moment), zone, "America/New_York").replace("\u00a0", " ") == expected


def test_the_gap_map_legend_in_spanish() -> None:
    """The Gaps map's legend writes its ranges the Spanish way."""
    cells = pd.DataFrame({"cell": ["8a2a1072b59ffff"], "lat": [39.95], "lon": [-75.16], "nearest_miles": [12.5]})
    with language("es"):
        html = gap_map(cells, 10, "apoyo emocional").get_root().render()
    assert "Millas hasta lo más cercano: apoyo emocional" in html
    assert "más de 10: una brecha" in html
    assert "2,5" in html
