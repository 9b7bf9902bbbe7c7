"""Map and Events in Spanish: the pages, the map's own words, marker names, dates and times, zone names and
open-now wording; and English sessions still get English."""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import folium
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from directory import taxonomy as tx
from directory.entry_language import entry_text
from directory.gazetteer import PlaceNotFound, resolve_place
from directory.i18n import language
from directory.maps import gap_map, map_text, marker_columns, results_map
from directory.schedule import OpenStatus, clock, day_words, with_zone
from directory.store import Store
from directory.ui import map_view
from tests.apps import APP
from tests.test_i18n_public_pages import english_words, shown_text

NEW_YORK = ZoneInfo("America/New_York")
NOW = "2026-11-26T12:00"  # a Thursday: "this weekend" runs from Friday 27 to Sunday 29 November


def _plain(text: str) -> str:
    # Spanish times keep "7 p. m." on one line with no-break spaces; the tables below write plain ones.
    return text.replace("\u00a0", " ")


def _html(fmap: folium.Map) -> str:
    return fmap.get_root().render()


# --- Dates and times ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "moment", "options", "expected"), [
    ("en", date(2026, 11, 26), {}, "Thursday 26 November"),
    ("es", date(2026, 11, 26), {}, "jueves 26 de noviembre"),
    ("es", date(2026, 11, 28), {}, "sábado 28 de noviembre"),
    ("es", date(2026, 11, 29), {}, "domingo 29 de noviembre"),
    ("es", date(2026, 11, 28), {"short": True}, "sáb 28 nov"),
    ("es", date(2026, 11, 28), {"year": True}, "sábado 28 de noviembre de 2026"),
    ("en", date(2026, 11, 28), {"short": True, "year": True}, "Sat 28 Nov 2026"),
])
def test_day_words_in_each_language(code: str, moment: date, options: dict, expected: str) -> None:
    """Agenda day headings: 'jueves 26 de noviembre' in Spanish, 'Thursday 26 November' in English."""
    with language(code):
        assert day_words(moment, **options) == expected


@pytest.mark.parametrize(("code", "hour", "minute", "expected"), [
    ("en", 19, 0, "7 pm"),
    ("es", 19, 0, "7 p. m."),
    ("en", 19, 30, "7:30 pm"),
    ("es", 19, 30, "7:30 p. m."),
    ("es", 9, 0, "9 a. m."),
    ("es", 12, 0, "12 p. m."),
    ("es", 13, 5, "1:05 p. m."),
])
def test_clock_in_each_language(code: str, hour: int, minute: int, expected: str) -> None:
    """Event times: '7 p. m.' in Spanish, '7 pm' in English."""
    with language(code):
        assert _plain(clock(datetime(2026, 11, 26, hour, minute))) == expected


@pytest.mark.parametrize(("code", "status", "expected"), [
    ("en", OpenStatus(True, datetime(2026, 11, 26, 17, 0, tzinfo=NEW_YORK)), "Open now · closes 5 pm"),
    ("es", OpenStatus(True, datetime(2026, 11, 26, 17, 0, tzinfo=NEW_YORK)), "Abierto ahora · hora de cierre: 5 p. m."),
    # One o'clock takes "la", not "las": the label form needs no article at all.
    ("es", OpenStatus(True, datetime(2026, 11, 26, 13, 0, tzinfo=NEW_YORK)), "Abierto ahora · hora de cierre: 1 p. m."),
    ("en", OpenStatus(False, datetime(2026, 11, 30, 9, 30, tzinfo=NEW_YORK)), "Opens Monday 9:30 am"),
    ("es", OpenStatus(False, datetime(2026, 11, 30, 9, 30, tzinfo=NEW_YORK)), "Abre el lunes, 9:30 a. m."),
    ("es", OpenStatus(True, None), "Abierto ahora"),
])
def test_open_status_in_each_language(code: str, status: OpenStatus, expected: str) -> None:
    """'Open now · closes 5 pm' / 'Abierto ahora · hora de cierre: 5 p. m.'."""
    with language(code):
        assert _plain(status.describe()) == expected


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
        assert _plain(with_zone(clock(moment), zone, "America/New_York")) == expected


def test_a_place_not_found_is_said_in_the_language_of_whoever_shows_it() -> None:
    """The error keeps its English id: raised in English, it is said again in Spanish."""
    with pytest.raises(PlaceNotFound) as raised:
        resolve_place("Atlantis, ZZ")
    assert "We couldn't find 'Atlantis, ZZ'" in str(raised.value)
    with language("es"):
        assert "No encontramos 'Atlantis, ZZ'" in raised.value.args[0].text()


# --- The map's own words --------------------------------------------------------------------------------------

def _spanish_and_english_labels() -> tuple[list[str], list[str]]:
    with language("es"):
        spanish = [t.label for t in tx.SUPPORT_TYPES]
    return spanish, [t.label for t in tx.SUPPORT_TYPES]


def test_the_spanish_map_carries_spanish_legend_popups_and_links(sample_dir: Path) -> None:
    """Legend title and labels, popup categories and link text are Spanish; detail links carry lang=es."""
    frame = Store(sample_dir).load().frame
    spanish, english = _spanish_and_english_labels()
    with language("es"):
        html = _html(results_map(frame.head(50)))
        # The popups' category names travel as one JSON list (accents escaped), read by the map's script.
        categories = json.dumps([map_text(c.label) for c in tx.CATEGORIES])
    assert "Tipo de apoyo" in html and "Kind of support" not in html
    assert all(map_text(label) in html for label in spanish)
    assert "Ver los detalles en una pestaña nueva" in html and "Open details in a new tab" not in html
    assert categories in html and "Centro comunitario" in categories.encode().decode("unicode_escape")
    assert "?lang=es&id=" in html
    assert not any(f">{label}<" in html or f'"{label}"' in html for label in english if label not in spanish)


def test_an_english_map_stays_english(sample_dir: Path) -> None:
    """The same map in an English session: English legend and link, no lang parameter."""
    frame = Store(sample_dir).load().frame
    html = _html(results_map(frame.head(50)))
    assert "Kind of support" in html and "Tipo de apoyo" not in html
    assert "Open details in a new tab" in html
    assert "Emotional" in html and "Emocional" not in html
    assert "lang=es" not in html


def test_markers_show_the_spanish_name_where_there_is_one(sample_dir: Path) -> None:
    """A Spanish session's markers carry name_es; an English one's the entry's own name."""
    frame = Store(sample_dir).load().frame
    both = frame[(frame["name_es"] != "") & (frame["latitude"] != "") & (frame["location_confidential"] != "yes")]
    with language("es"):
        spanish = marker_columns(both.head(3))["n"]
    english = marker_columns(both.head(3))["n"]
    assert spanish == [map_text(name) for name in both.head(3)["name_es"]]
    assert english == [map_text(name) for name in both.head(3)["name"]]


@pytest.mark.parametrize("code", ["en", "es"])
def test_marker_names_are_what_entry_text_gives(sample_dir: Path, code: str) -> None:
    """The map's names, made for whole columns, are entry_text(row, 'name') for every row, both languages,
    including an entry with only a Spanish name and a group that meets only in Spanish."""
    frame = Store(sample_dir).load().frame
    placed = frame[(frame["latitude"] != "") & (frame["location_confidential"] != "yes")].copy()
    placed.iloc[0, placed.columns.get_loc("name")] = ""
    placed.iloc[0, placed.columns.get_loc("name_es")] = "Solo con nombre en español"
    placed.iloc[1, placed.columns.get_loc("name_es")] = ""
    placed.iloc[1, placed.columns.get_loc("languages")] = "Spanish"
    with language(code):
        names = marker_columns(placed)["n"]
        expected = [map_text(entry_text(row, "name").text) for row in placed.to_dict("records")]
    assert names == expected


def test_the_gap_map_legend_in_spanish() -> None:
    """The Gaps map's legend writes its ranges the Spanish way."""
    cells = pd.DataFrame({"cell": ["8a2a1072b59ffff"], "lat": [39.95], "lon": [-75.16], "nearest_miles": [12.5]})
    with language("es"):
        html = _html(gap_map(cells, 10, "apoyo emocional"))
    assert "Millas hasta lo más cercano: apoyo emocional" in html
    assert "más de 10: una brecha" in html
    assert "2,5" in html


def test_the_map_cache_never_gives_one_language_the_others_map(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same page key in Spanish and English makes two maps; each language's rerun gets its own back."""
    sent: list[str] = []
    built: list[str] = []
    monkeypatch.setattr(map_view, "_held", OrderedDict())
    monkeypatch.setattr(map_view, "_component", lambda **kwargs: sent.append(kwargs["html"]))

    def fake_st_folium(fmap: folium.Map, **_kwargs: Any) -> dict:
        # What st_folium does at its end: call the component with what it worked out.
        map_view._recording_component(html=_html(fmap))
        return {}

    monkeypatch.setattr(map_view, "st_folium", fake_st_folium)
    frame = pd.DataFrame({"id": ["a"], "name": ["Centre"], "name_es": ["Centro"], "phone": [""],
                          "category": ["recovery_community_center"], "support_types": ["emotional"],
                          "latitude": ["39.95"], "longitude": ["-75.16"], "location_confidential": [""]})

    def build() -> folium.Map:
        built.append("made")
        return results_map(frame)

    for code in ("es", "en", "es", "en"):
        with language(code):
            map_view.show_map(build, key="results_map", cache_key=("results", "same search"))
    assert len(built) == 2
    assert ["Tipo de apoyo" in html for html in sent] == [True, False, True, False]
    assert ["Kind of support" in html for html in sent] == [False, True, False, True]


# --- The pages ------------------------------------------------------------------------------------------------

@pytest.fixture
def content(sample_dir: Path) -> set[str]:
    """Entry content, which may be English (and marked so) on a Spanish page."""
    from tests.test_i18n_public_pages import _CONTENT_COLUMNS

    frame = pd.read_csv(sample_dir / "resources.csv", dtype=str, keep_default_na=False)
    values = {value for column in _CONTENT_COLUMNS for value in frame[column] if len(value) > 2}
    return values | {part.strip() for value in frame["tags"] for part in value.split(";") if part.strip()}


def _session(page: str, code: str, **state: object) -> AppTest:
    """A session in `code` opened on `page` (state set before the first run, as widgets would keep it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if code != "en":
        at.query_params["lang"] = code
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at.switch_page(page).run()


def _clicking(monkeypatch: pytest.MonkeyPatch, lat: str, lon: str) -> None:
    """The map reports a click on the marker at (lat, lon), as the browser would."""
    real = map_view._draw

    def clicked(*args: Any, **kwargs: Any) -> dict:
        real(*args, **kwargs)
        return {"last_object_clicked": {"lat": round(float(lat), 5), "lng": round(float(lon), 5)}}

    monkeypatch.setattr(map_view, "_draw", clicked)


def _clicked_entry(sample_dir: Path) -> pd.Series:
    frame = pd.read_csv(sample_dir / "resources.csv", dtype=str, keep_default_na=False)
    placed = frame[(frame["latitude"] != "") & (frame["location_confidential"] != "yes") & (frame["name_es"] != "")
                   & (frame["status"] == "active")]
    alone = placed.groupby(["latitude", "longitude"])["id"].transform("count") == 1
    return placed[alone].iloc[0]


def test_the_map_page_in_spanish(sample_dir: Path, content: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Title, counts, help and the detail shown after a marker click are Spanish; no English word is left."""
    chosen = _clicked_entry(sample_dir)
    _clicking(monkeypatch, chosen["latitude"], chosen["longitude"])
    at = _session("pages/map.py", "es")
    assert not at.exception, [e.value for e in at.exception]
    texts = shown_text(at)
    assert at.title[0].value == "Mapa de apoyo entre pares para la recuperación"
    assert any("resultados en el mapa" in text and "Toque un marcador" in text for text in texts)
    assert any(chosen["name_es"] in text for text in texts)  # the clicked entry's detail, in its Spanish name
    assert not english_words(texts, content), english_words(texts, content)[:15]


def test_the_map_page_in_english(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An English session still gets English, and the clicked entry's own name."""
    chosen = _clicked_entry(sample_dir)
    _clicking(monkeypatch, chosen["latitude"], chosen["longitude"])
    at = _session("pages/map.py", "en")
    assert not at.exception
    texts = shown_text(at)
    assert at.title[0].value == "Map of peer recovery support"
    assert any("results on the map" in text and "Tap a marker" in text for text in texts)
    assert any(chosen["name"] in text for text in texts)
    assert not any("Toque un marcador" in text for text in texts)


def test_the_events_page_this_weekend_in_spanish(sample_dir: Path, content: set[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """'Este fin de semana': Spanish day headings, times, filters, counts and calendar label."""
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    at = _session("pages/events.py", "es", ev_view="This weekend")
    assert not at.exception, [e.value for e in at.exception]
    texts = shown_text(at)
    assert at.title[0].value == "Eventos y reuniones sin alcohol ni drogas"
    headings = [h.value for h in at.header]
    assert headings[:3] == ["viernes 27 de noviembre", "sábado 28 de noviembre", "domingo 29 de noviembre"]
    assert at.radio(key="ev_view").value == "This weekend"
    assert at.radio(key="ev_view").format_func("This weekend") == "Este fin de semana"
    assert any("p\\. m\\." in _plain(text) and "hora del Este" in text for text in texts)
    assert any("sesiones" in text and "hora del Este" in text for text in texts)
    assert any(text.startswith("Agregar los") and "(.ics)" in text for text in texts)
    assert "Hora del día" in texts and "Anochecer" in texts
    assert not english_words(texts, content), english_words(texts, content)[:15]


def test_the_events_page_this_weekend_in_english(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same weekend in English: English headings and times."""
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    at = _session("pages/events.py", "en", ev_view="This weekend")
    assert not at.exception
    texts = shown_text(at)
    assert [h.value for h in at.header][:3] == ["Friday 27 November", "Saturday 28 November", "Sunday 29 November"]
    assert any(" pm" in text and "Eastern" in text for text in texts)
    assert any(text.startswith("Add all") for text in texts)
    assert not any("sesiones" in text or "hora del Este" in text for text in texts)


def test_an_empty_window_says_so_in_spanish(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No sittings in the window: the advice is Spanish and names the Spanish view."""
    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-26T04:30")
    at = _session("pages/events.py", "es", ev_view="Happening now", ev_times=["Morning"])
    assert not at.exception
    assert any("Esta semana" in info.value and "Pruebe" in info.value for info in at.info)
