"""Map building, checked on folium's rendered HTML without a browser."""

from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest

from bench.synthetic import synthetic_frame
from directory import taxonomy as tx
from directory.config import PROJECT_ROOT
from directory.maps import (
    CLUSTER_CSS,
    CLUSTER_JS,
    LEAFLET_CSS,
    LEAFLET_JS,
    MAX_ZOOM,
    UNMET_LAYER_NAME,
    add_area_layers,
    gap_layer_name,
    gap_map,
    map_text,
    marker_columns,
    picker_map,
    resources_at,
    results_map,
    tile_host,
)
from tests.factories import valid_frame

PAYLOADS = ("<img src=x onerror=alert(1)>", "`${alert(1)}`", "</script><script>alert(1)</script>",
            "\\`; alert(1); //", "\"' onmouseover=alert(1)")
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "unpkg.com", "bootstrapcdn",
             "d3js.org", "fonts.googleapis", "fonts.gstatic")


def _frame(*records: dict[str, str]) -> pd.DataFrame:
    return valid_frame(*records, prefix="m").assign(distance_miles=float("nan"))


def _html(fmap) -> str:
    return fmap.get_root().render()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_map_text_leaves_nothing_active_for_html_or_template_literals(payload: str) -> None:
    """After escaping, no <, >, quotes, backticks, ${ or backslashes remain."""
    escaped = map_text(payload)
    assert not re.search(r"[<>\"'`\\]|\$\{", escaped)


def test_user_text_reaches_the_page_only_escaped() -> None:
    """Names and phones with script payloads appear only in escaped form in the rendered map."""
    frame = _frame(*({"name": payload} for payload in PAYLOADS))
    html = _html(results_map(frame))
    for payload in PAYLOADS:
        assert payload not in html
    assert "onerror=alert(1)" in html  # present as inert text ...
    assert "<img src=x" not in html  # ... never as markup
    assert html.count("</script>") == html.count("<script")


def test_assets_are_self_hosted_and_no_cdn_is_named() -> None:
    """Leaflet and markercluster load from /app/static/vendor, which exists on disk; no CDN appears."""
    html = _html(results_map(_frame({})))
    for _, url in LEAFLET_JS + LEAFLET_CSS + CLUSTER_JS + CLUSTER_CSS:
        assert url in html
        assert (PROJECT_ROOT / "static" / url.removeprefix("/app/static/")).is_file()
    assert not any(host in html for host in CDN_HOSTS)
    assert (PROJECT_ROOT / "static/vendor/leaflet/LICENSE").is_file()
    assert (PROJECT_ROOT / "static/vendor/leaflet.markercluster/MIT-LICENCE.txt").is_file()


def test_markers_travel_as_arrays_not_objects() -> None:
    """Resources become column arrays in one blob; there is no per-resource folium Marker."""
    frame = synthetic_frame(2000)
    html = _html(results_map(frame))
    assert html.count("L.marker(") == 1
    assert "L.markerClusterGroup" in html
    columns = marker_columns(frame)
    assert len(columns["la"]) == len(columns["lo"]) == len(columns["i"]) == 2000


def test_marker_columns_skip_unplaced_rows_and_keep_every_support_type() -> None:
    """Rows without coordinates are left off; the mask keeps all types, the icon the first."""
    frame = _frame({"support_types": "instrumental;emotional"},
                   {"latitude": "", "longitude": "", "geocode_quality": ""})
    columns = marker_columns(frame)
    assert columns["i"] == ["m-0"]
    assert columns["k"] == [tx.keys(tx.CATEGORIES).index("sober_social") * 16 + 0b0101]
    assert (columns["b"][0] + columns["la"][0]) / 100_000 == pytest.approx(39.9597)
    assert columns["p"] == ["(215) 555-0100"]


def test_a_fifth_support_type_widens_the_packing_in_python_and_script(monkeypatch: pytest.MonkeyPatch) -> None:
    """With five support types the numbers pack over 5 bits, and the script unpacks with types.length."""
    spiritual = tx.SupportType("spiritual", "Spiritual", colour="#F0E442", symbol="✦")
    monkeypatch.setattr(tx, "SUPPORT_TYPES", (*tx.SUPPORT_TYPES, spiritual))
    frame = _frame({"category": "recovery_center"}, {"category": "navigation"}, {"category": "child_care"})
    # Stored cells are validated against the four real types, so the fifth goes in after validation.
    frame["support_types"] = ["spiritual", "informational;spiritual", "instrumental"]
    category = tx.keys(tx.CATEGORIES).index
    kinds = marker_columns(frame)["k"]
    assert [k >> 5 for k in kinds] == [category("recovery_center"), category("navigation"), category("child_care")]
    assert [k & 31 for k in kinds] == [0b10000, 0b10010, 0b00100]

    html = _html(results_map(frame))
    types = json.loads(re.search(r"var types = (.*);", html).group(1))
    assert [label for _, _, label in types] == [t.label for t in tx.SUPPORT_TYPES]
    assert json.loads(re.search(r"var d = (.*);", html).group(1))["k"] == kinds
    assert "var bits = types.length, typeMask = (1 << bits) - 1;" in html
    assert "d.k[i] >> bits" in html and "d.k[i] & typeMask" in html and "first < types.length - 1" in html
    assert not re.search(r"d\.k\[i\] (& 15|>> 4)|first < 3", html)


def test_tiles_are_configurable() -> None:
    """OpenStreetMap with attribution by default; 'none' draws no tile layer at all."""
    html = _html(results_map(_frame({})))
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html
    assert tile_host("osm") == "tile.openstreetmap.org"
    html = _html(results_map(_frame({}), tiles="none"))
    assert "openstreetmap.org/{z}" not in html and "L.tileLayer" not in html
    assert tile_host("none") is None


def test_near_search_draws_the_radius_and_fits_it() -> None:
    """A place and radius add a circle of that many metres and the view fits around it."""
    html = _html(results_map(_frame({}), near=(39.95, -75.16), radius_miles=5))
    assert "L.circle(" in html
    assert '"radius": 8046.72' in html
    bounds = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", html, re.S).group(1))
    assert bounds[0][0] < 39.95 - 0.07 and bounds[1][0] > 39.95 + 0.07


def test_map_fits_the_visible_results() -> None:
    """Without a place, the view fits the markers' extent."""
    frame = _frame({"latitude": "39.9", "longitude": "-75.3"}, {"latitude": "40.1", "longitude": "-75.0"})
    html = _html(results_map(frame))
    bounds = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", html, re.S).group(1))
    assert bounds == [[39.9, -75.3], [40.1, -75.0]]


def test_legend_pairs_each_colour_with_a_symbol_and_name() -> None:
    """The legend lists the four kinds of support with symbol and label, not colour alone."""
    html = _html(results_map(_frame({})))
    legend = html[html.index("map-legend"):]
    for label in ("Emotional", "Informational", "Instrumental", "Affiliational"):
        assert label in legend


def test_clicked_coordinates_map_back_to_resources() -> None:
    """A marker click's coordinates find its resource; same-place entries are narrowed by name."""
    frame = _frame({"name": "Alpha", "latitude": "39.951231", "longitude": "-75.161234"},
                   {"name": "Beta", "latitude": "39.951231", "longitude": "-75.161234"},
                   {"name": "Gamma", "latitude": "40.0", "longitude": "-75.0"})
    assert list(resources_at(frame, 40.0, -75.0)["name"]) == ["Gamma"]
    assert list(resources_at(frame, 39.95123, -75.16123)["name"]) == ["Alpha", "Beta"]
    assert list(resources_at(frame, 39.95123, -75.16123, "Beta")["name"]) == ["Beta"]
    assert resources_at(frame, 10.0, 10.0).empty


def test_picker_map_marks_the_chosen_point() -> None:
    """The location picker loads local assets and marks a chosen point."""
    html = _html(picker_map(chosen=(39.9, -75.2)))
    assert "L.circleMarker(" in html and "[39.9, -75.2]" in html
    assert not any(host in html for host in CDN_HOSTS)


def _map_options(html: str) -> dict:
    options = re.search(r"L\.map\(\s*\"[^\"]+\",\s*\{.*?\.\.\.(\{.*?\})\s*\}\s*\);", html, re.S).group(1)
    return json.loads(re.sub(r",\s*\}$", "}", options))


@pytest.mark.parametrize("tiles", ["osm", "none"])
def test_every_map_states_its_max_zoom_so_offline_clusters_draw(tiles: str) -> None:
    """Without a tile layer Leaflet knows no max zoom and the cluster layer throws; the map sets its own."""
    for fmap in (results_map(_frame({}), tiles=tiles), picker_map(tiles=tiles),
                 gap_map(_cells(), 10, "any support", tiles=tiles)):
        assert _map_options(_html(fmap))["maxZoom"] == MAX_ZOOM


def test_popup_opens_details_in_a_new_tab_and_links_the_phone() -> None:
    """The map's sandboxed iframe cannot navigate the app's window: the detail link opens a new tab instead."""
    html = _html(results_map(_frame({})))
    assert 'target="_blank" rel="noopener">\' + "Open details in a new tab" + \'</a>' in html
    assert "_top" not in html
    assert "'<br><a href=\"' + tel + '\">' + d.p[i] + \"</a>\"" in html
    assert "function telLink(phone)" in html
    assert "autoPanPaddingTopLeft" in html, "popups open clear of the zoom buttons"


def _cells() -> pd.DataFrame:
    import h3

    lats, lons = [39.95, 40.05], [-75.16, -75.3]
    return pd.DataFrame({"cell": [h3.latlng_to_cell(lat, lon, 7) for lat, lon in zip(lats, lons, strict=True)],
                         "lat": lats, "lon": lons, "nearest_miles": [3.0, float("inf")]})


def _layer_names(html: str) -> dict[str, list[str]]:
    block = re.search(r"_layers = \{\s*base_layers : \{(.*?)\},\s*overlays :\s*\{(.*?)\},", html, re.S)
    return {kind: re.findall(r'^\s*(".*?")\s*:', text, re.M) for kind, text in zip(("base", "overlays"),
                                                                                       block.groups(), strict=True)}


@pytest.mark.parametrize("tiles", ["osm", "none"])
def test_gap_map_layer_control_names_every_layer(tiles: str) -> None:
    """Every entry in the gap map's layer control has a human name, never an element id like macro_element_…"""
    fmap = gap_map(_cells(), 10, "<b>any</b> support", tiles=tiles)
    add_area_layers(fmap, pd.DataFrame({"week": ["2026-11-02"], "zip": ["19104"], "category": ["any"], "count": [3]}),
                    pd.DataFrame({"zip": ["19104"], "stale_share": [0.5], "entries": [3]}))
    names = {kind: [json.loads(name) for name in found] for kind, found in _layer_names(_html(fmap)).items()}
    assert names["overlays"] == [gap_layer_name("<b>any</b> support"), "Unmet needs reported on Find",
                                 "Freshness: share not verified recently"]
    assert names["base"] == [], "the one tile layer is not offered as a choice"
    assert gap_layer_name("<b>any</b> support") == "Hexagons by miles to the nearest: &lt;b&gt;any&lt;/b&gt; support"
    assert not any(re.search(r"_[0-9a-f]{32}$|macro_element", name) for found in names.values() for name in found)


@pytest.mark.parametrize("build", [lambda: results_map(_frame({})), lambda: gap_map(_cells(), 10, "any support")])
def test_legends_are_map_controls_stacked_above_the_scale_bar(build) -> None:
    """A legend is a Leaflet control in the scale bar's corner, so Leaflet stacks the two; none floats over it."""
    fmap = build()
    html = _html(fmap)
    assert "L.control.scale()" in html
    assert html.count('L.control({position: "bottomleft"})') == 1
    assert 'L.DomUtil.create("div", "map-legend")' in html
    assert "map-legend" not in fmap.get_root().html.render(), "no legend box placed over the map by hand"


def test_area_layers_are_one_geojson_layer_each_however_many_zips() -> None:
    """The unmet-need and freshness layers are one GeoJSON layer each, with coordinates rounded to about a metre."""
    fmap = gap_map(_cells(), 10, "any support")
    zips = ["19104", "19063", "19013", "19103"]
    add_area_layers(fmap, pd.DataFrame({"week": ["2026-11-02"] * 4 + ["2026-11-09"] * 4, "zip": zips * 2,
                                        "category": ["any"] * 8, "count": [1, 2, 3, 1] * 2}),
                    pd.DataFrame({"zip": zips, "stale_share": [0.0, 0.25, 0.5, 1.0], "entries": [1, 4, 2, 3]}))
    layers = [child for child in fmap._children.values() if isinstance(child, folium.GeoJson)]
    assert [layer.layer_name for layer in layers][1:] == [UNMET_LAYER_NAME,
                                                          "Freshness: share not verified recently"]
    assert not any(isinstance(child, folium.CircleMarker) for child in fmap._children.values())
    needs, fresh = (layer.data["features"] for layer in layers[1:])
    # The counts of every week and category add up per ZIP, and the tooltip gives the sum.
    assert [f["properties"]["tip"] for f in needs] == ["19013: 6 unmet needs reported", "19063: 4 unmet needs reported",
                                                       "19103: 2 unmet needs reported", "19104: 2 unmet needs reported"]
    assert [f["properties"]["tip"] for f in fresh][2] == "19013: 50% of 2 not verified recently"
    coordinates = [c for f in needs + fresh for c in f["geometry"]["coordinates"]]
    assert all(round(c, 5) == c for c in coordinates)


@pytest.mark.parametrize(("unmet", "tips"), [
    (pd.DataFrame({"week": ["2026-11-02"], "category": ["any"], "zip": ["19104"], "count": [1]}),
     ["19104: 1 unmet need reported"]),
    (pd.DataFrame({"date": ["2026-11-02"] * 3, "category": ["any"] * 3, "zip": ["19104"] * 3}),
     ["19104: 3 unmet needs reported"]),
    (pd.DataFrame(columns=["week", "category", "zip", "count"]), []),
])
def test_the_unmet_layer_tooltip_gives_the_count(unmet: pd.DataFrame, tips: list[str]) -> None:
    """The tooltip says how many were reported; a table of one row per report (no count column) counts its rows."""
    fmap = gap_map(_cells(), 10, "any support")
    add_area_layers(fmap, unmet, pd.DataFrame(columns=["zip", "stale_share", "entries"]))
    layer = next(child for child in fmap._children.values()
                 if isinstance(child, folium.GeoJson) and child.layer_name == UNMET_LAYER_NAME)
    assert [f["properties"]["tip"] for f in layer.data["features"]] == tips
