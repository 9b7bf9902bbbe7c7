"""The Map page through AppTest: the map's arguments, shared filters, and escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import Curator
from directory.store import Store
from tests.apps import counting
from tests.factories import make_record, shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _map_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/map.py")
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _map_args(at: AppTest) -> dict:
    components = at.get("component_instance")
    assert len(components) == 1
    assert components[0].proto.component_name == "streamlit_folium.st_folium"
    return json.loads(components[0].proto.json_args)


def test_map_uses_local_assets_and_only_reports_marker_clicks(sample_dir: Path) -> None:
    """Leaflet comes from /app/static; only clicks are returned, so panning never re-runs the app."""
    at = _map_app()
    assert not at.exception
    args = _map_args(at)
    assert all(link.startswith("/app/static/vendor/") for link in args["js_links"] + args["css_links"])
    assert args["returned_objects"] == ["last_object_clicked", "last_object_clicked_tooltip"]
    assert "L.markerClusterGroup" in args["script"]
    assert "988" in at.info[0].value, "the crisis banner is on the map page too"


def test_near_search_on_the_map_draws_a_radius(sample_dir: Path) -> None:
    """A ZIP and radius from the URL draw the circle and say how many results are inside."""
    at = _map_app(near="19104", radius="5")
    args = _map_args(at)
    assert "L.circle(" in args["script"]
    assert any("within 5 miles of 19104" in c.value for c in at.caption)


def test_unknown_place_on_the_map_gets_the_message(sample_dir: Path) -> None:
    """The map page explains an unknown place like the Find page does."""
    at = _map_app(near="xxxxx")
    assert not at.exception
    assert "We couldn't find 'xxxxx' — try a 5-digit ZIP or City, ST" in [shown(w.value) for w in at.warning]


def test_filters_survive_moving_between_find_and_map(sample_dir: Path) -> None:
    """Words, place and support types chosen on Find are still set on Map, and back again."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="f_text").set_value("sober").run()
    at.text_input(key="f_near").set_value("Camden, NJ").run()
    at.multiselect(key="f_types").set_value(["affiliational"]).run()
    at.switch_page("pages/map.py").run()
    assert at.text_input(key="f_text").value == "sober"
    assert at.text_input(key="f_near").value == "Camden, NJ"
    assert at.multiselect(key="f_types").value == ["affiliational"]
    assert any("within 10 miles of Camden, NJ" in c.value for c in at.caption)
    at.switch_page("pages/find.py").run()
    assert at.text_input(key="f_text").value == "sober"
    assert at.multiselect(key="f_types").value == ["affiliational"]


def test_script_in_a_name_reaches_the_map_escaped(sample_dir: Path) -> None:
    """A payload saved as a name appears in the map script only in escaped form."""
    payload = "<img src=x onerror=alert(1)> `${alert(1)}` </script>"
    Store(sample_dir).add(make_record(name=payload), by=Curator("test", "curator"))
    script = _map_args(_map_app(q="onerror"))["script"]
    assert "onerror=alert(1)" in script
    assert payload not in script and "<img" not in script and "${alert" not in script


def test_entries_without_a_location_are_counted(sample_dir: Path) -> None:
    """Results that cannot be placed are named in the caption rather than silently missing."""
    Store(sample_dir).add(make_record(name="Online Peer Circle", latitude="", longitude="", geocode_quality=""),
                          by=Curator("test", "curator"))
    at = _map_app(q="online peer circle")
    assert any("1 without a location" in c.value for c in at.caption)


def test_every_filter_survives_find_to_map_to_events_and_back(sample_dir: Path) -> None:
    """A bookmarked search opened on Find keeps its words, place, radius, terms and flags on Map and Events."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"q": "sober", "near": "19104", "radius": "25", "type": ["emotional", "affiliational"],
                       "att": "in_person", "free": "1", "peer": "1"}.items():
        at.query_params[key] = value
    at.run()
    expected = {"q": "sober", "near": "19104", "radius": "25", "type": ["emotional", "affiliational"],
                "att": "in_person", "free": "1", "peer": "1"}
    assert dict(at.query_params) == expected
    for page in ("pages/map.py", "pages/events.py", "pages/find.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.text_input(key="f_text").value == "sober", page
        assert at.text_input(key="f_near").value == "19104", page
        assert at.selectbox(key="f_radius").value == 25, page
        assert at.multiselect(key="f_types").value == ["emotional", "affiliational"], page
        assert at.multiselect(key="f_att").value == ["in_person"], page
        assert at.checkbox(key="f_free").value is True and at.checkbox(key="f_peer").value is True, page
        assert at.checkbox(key="f_moud").value is False, page
        assert dict(at.query_params) == expected, page


@pytest.mark.parametrize("tiles", ["osm", "none"])
def test_the_map_sent_to_the_browser_can_cluster_and_open_details_in_both_tile_modes(
        sample_dir: Path, monkeypatch: pytest.MonkeyPatch, tiles: str) -> None:
    """Fully offline there is no tile layer, so the map names its own max zoom (the cluster layer needs one);
    and the popup's detail link opens a new tab, which the map's sandboxed iframe allows, never the top window."""
    monkeypatch.setenv("DIRECTORY_MAP_TILES", tiles)
    script = _map_args(_map_app())["script"]
    assert ("L.tileLayer" in script) == (tiles == "osm")
    assert re.search(r'"maxZoom": 19\b', script.split("L.tileLayer")[0]), "the map itself, not only its tiles"
    assert 'target="_blank" rel="noopener"' in script and "_top" not in script


def test_a_rerun_sends_the_same_map_without_making_it_again(sample_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The map of a search is made once per directory version: a rerun sends the same arguments, a new search
    or a write by anyone makes a new map that shows it."""
    import directory.maps

    made = counting(monkeypatch, directory.maps, "results_map")
    at = _map_app()
    first = _map_args(at)
    at.run()
    assert _map_args(at) == first and len(made) == 1
    at.text_input(key="f_near").set_value("19104").run()
    assert len(made) == 2 and "L.circle(" in _map_args(at)["script"]
    at.text_input(key="f_near").set_value("").run()
    assert len(made) == 2 and _map_args(at) == first, "a search already seen"
    Store(sample_dir).add(make_record(name="Brand New Bowling Night"), by=Curator("test", "curator"))
    at.run()
    assert len(made) == 3 and "Brand New Bowling Night" in _map_args(at)["script"]


def test_an_unknown_place_never_gets_the_map_of_every_entry(sample_dir: Path) -> None:
    """The map of all entries is held, yet an unknown place (the same query, no place) draws an empty map."""
    at = _map_app()
    assert not any(c.value.startswith("0 results on the map") for c in at.caption)
    at.text_input(key="f_near").set_value("xxxxx").run()
    assert any(c.value.startswith("0 results on the map") for c in at.caption)
    assert '"la":[]' in _map_args(at)["script"]


def test_open_now_keeps_its_map_while_the_same_entries_are_open(sample_dir: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """'Open now' asks at each run's moment; while the same entries are open, the map is not made again."""
    import directory.maps

    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-26T18:30")
    made = counting(monkeypatch, directory.maps, "results_map")
    at = _map_app(open="1")
    first = _map_args(at)
    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-26T18:31")  # a minute later: a new query, the same entries open
    at.run()
    assert _map_args(at) == first and len(made) == 1


def test_an_edit_to_what_the_map_does_not_show_keeps_the_map(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """New hours or a new description keep the kept map; a new name is drawn at the next run."""
    from directory.ui import map_view

    built = counting(monkeypatch, map_view, "st_folium")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/map.py").run()
    store, lee = Store(sample_dir), Curator("lee", "curator")
    row = store.get("phl-0001")
    store.update("phl-0001", {"description": "Coffee and conversation.", "hours_text": "Call first"},
                 base_version=row["row_version"], by=lee)
    at.run()
    assert len(built) == 1 and not at.exception
    row = store.get("phl-0001")
    store.update("phl-0001", {"name": "Cherry Hill Peer Recovery Centre"}, base_version=row["row_version"], by=lee)
    at.run()
    assert len(built) == 2 and not at.exception
