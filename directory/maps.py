"""Folium maps built from self-hosted assets, with resource data sent as arrays.

Leaflet and Leaflet.markercluster are served by the app from static/vendor/ (see
tools/fetch_map_assets.py), never from a CDN. Markers are created in the browser
from column arrays by one callback, so 50,000 resources cost one JSON blob rather
than 50,000 Python objects. Every user-supplied string is escaped by map_text()
before it reaches the page.
"""

from __future__ import annotations

import html
import json
from itertools import pairwise

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from directory import taxonomy as tx
from directory import term_bits
from directory.config import TILE_LAYERS
from directory.entry_language import column_in_language
from directory.i18n import N_, _, babel_locale, ngettext, number
from directory.privacy import confidential_mask
from directory.routes import detail_link

STATIC_URL = "/app/static/vendor"
LEAFLET_JS = [("leaflet", f"{STATIC_URL}/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]
CLUSTER_JS = [("markercluster_js", f"{STATIC_URL}/leaflet.markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markercluster_css", f"{STATIC_URL}/leaflet.markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{STATIC_URL}/leaflet.markercluster/MarkerCluster.Default.css"),
]
REGION_CENTRE = (39.9526, -75.1652)
METRES_PER_MILE = 1609.344
# OpenStreetMap's deepest zoom. The map states it itself: without a tile layer (fully offline) Leaflet has no
# maximum zoom, and the cluster layer refuses to draw ("Map has no maxZoom specified").
MAX_ZOOM = 19

# Characters that stay dangerous after HTML escaping when text lands inside a
# JavaScript template literal (folium's own tooltips) or a JS string.
_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def map_text(value: str) -> str:
    """Escape text for HTML and for JavaScript template literals: <>&\"' plus backticks, ${ and backslashes."""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_LITERAL)


def tile_host(tiles: str) -> str | None:
    """The host a tile layer ('osm' or 'none', Settings.map_tiles) loads from, or None when offline."""
    layer = TILE_LAYERS[tiles]
    return layer[0].split("/")[2] if layer else None


def base_map(centre: tuple[float, float] = REGION_CENTRE, zoom: int = 10, *, tiles: str = "osm") -> folium.Map:
    """An empty map that loads Leaflet from the app itself, and the tile layer named by tiles (or none)."""
    fmap = folium.Map(location=list(centre), zoom_start=zoom, tiles=None, control_scale=True)
    # folium hands its max_zoom argument only to a tile layer it makes itself, so the map's option is set here.
    fmap.options["max_zoom"] = MAX_ZOOM
    # Instance lists: folium's add_js_link would mutate the class-wide CDN lists.
    fmap.default_js = list(LEAFLET_JS)
    fmap.default_css = list(LEAFLET_CSS)
    layer = TILE_LAYERS[tiles]
    if layer:
        # control=False: the only base layer, so a layer control would offer one radio button that does nothing.
        folium.TileLayer(tiles=layer[0], attr=layer[1], max_zoom=MAX_ZOOM, name="OpenStreetMap",
                         control=False).add_to(fmap)
    return fmap


# The tel: link for a number as stored (normalised by phones.normalise_phone), made in the browser when a popup
# opens, so 50,000 numbers cost no second column. It gives what phones.phone_link gives for the same text.
TEL_LINK_JS = r"""
function telLink(phone) {
    var parts = /^(\+?[\d\s().-]*\d)(?:[^\d,]+(\d+))?((?:,+[\d*#]+)+#?)?$/.exec(phone);
    if (!parts) { return ""; }
    var digits = parts[1].replace(/\D/g, "");
    var number = parts[1].charAt(0) === "+" ? "+" + digits : digits.length === 10 ? "+1" + digits : digits;
    return "tel:" + number + (parts[2] ? ";ext=" + parts[2] : "") + (parts[3] || "").replace(/#/g, "%23");
}
"""


def _marker_style() -> str:
    types = json.dumps([[t.colour, map_text(t.symbol), map_text(t.label)] for t in tx.SUPPORT_TYPES])
    return types


class ResourceLayer(JSCSSMixin, MacroElement):
    """Clustered resource markers made in the browser from column arrays, with lazy popups and tooltips."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .resource-marker { border-radius: 50%; border: 2px solid #fff; color: #fff; font: bold 15px/24px
            sans-serif; text-align: center; box-shadow: 0 0 0 1px #333; }
          .resource-popup a { font-weight: bold; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.data }};
            var types = {{ this.types }};
            // d.k packs category and support types as term_bits.pack does: one low bit per type.
            var bits = types.length, typeMask = (1 << bits) - 1;
            var categories = {{ this.categories }};
            var cluster = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false,
                                                maxClusterRadius: 50});
            function typeList(mask) {
                var names = [];
                for (var k = 0; k < types.length; k++) { if (mask & (1 << k)) { names.push(types[k][2]); } }
                return names.join(", ");
            }
            {{ this.tel_link }}
            var map = {{ this._parent.get_name() }};
            // Popups open clear of the zoom buttons: on a phone they would otherwise cover the popup's text.
            function popupOptions() {
                var zoom = map.zoomControl && map.zoomControl.getContainer();
                var below = zoom ? zoom.offsetTop + zoom.offsetHeight + 8 : 5;
                return {autoPanPaddingTopLeft: L.point(5, below)};
            }
            var scale = {{ this.scale }};
            var markers = new Array(d.la.length);
            for (var i = 0; i < d.la.length; i++) {
                var mask = d.k[i] & typeMask, first = 0;
                while (first < types.length - 1 && !(mask & (1 << first))) { first++; }
                var t = types[first];
                var icon = L.divIcon({className: "", iconSize: [28, 28], iconAnchor: [14, 14],
                    html: '<div class="resource-marker" role="img" aria-label="' + t[2] + '" style="background:'
                          + t[0] + ';width:24px;height:24px">' + t[1] + '</div>'});
                markers[i] = L.marker([(d.b[0] + d.la[i]) / scale, (d.b[1] + d.lo[i]) / scale],
                                      {icon: icon, keyboard: true, idx: i,
                                                             title: ""});
            }
            cluster.addLayers(markers);
            cluster.on("mouseover click", function (e) {
                var m = e.layer, i = m.options.idx;
                if (!m.getTooltip()) { m.bindTooltip(d.n[i]); }
                if (e.type === "click" && !m.getPopup()) {
                    var tel = d.p[i] ? telLink(d.p[i]) : "";
                    var phone = !d.p[i] ? "" : tel ? '<br><a href="' + tel + '">' + d.p[i] + "</a>" : "<br>" + d.p[i];
                    // The map lives in a sandboxed iframe that may open new tabs but not navigate the app's
                    // window, so the detail opens in a new tab (the page also shows it below the map).
                    m.bindPopup('<div class="resource-popup"><strong>' + d.n[i] + '</strong><br>'
                        + categories[d.k[i] >> bits] + '<br>' + typeList(d.k[i] & typeMask) + phone
                        + '<br><a href="{{ this.detail_base }}' + encodeURIComponent(d.i[i])
                        + '" target="_blank" rel="noopener">' + {{ this.open_details }} + '</a></div>',
                        popupOptions()).openPopup();
                }
                if (e.type === "mouseover") { m.openTooltip(); }
            });
            cluster.addTo({{ this._parent.get_name() }});
            return cluster;
        })();
        {% endmacro %}
        """
    )
    default_js = CLUSTER_JS
    default_css = CLUSTER_CSS

    def __init__(self, frame: pd.DataFrame, detail_base: str | None = None):
        super().__init__()
        self._name = "ResourceLayer"
        # Made now, not at import: the link carries the current language.
        self.detail_base = detail_link("") if detail_base is None else detail_base
        self.open_details = _script_json(map_text(_("Open details in a new tab")))
        self.types = _marker_style()
        self.categories = json.dumps([map_text(c.label) for c in tx.CATEGORIES])
        self.data = _script_json(marker_columns(frame))
        self.scale = COORDINATE_SCALE
        self.tel_link = TEL_LINK_JS
        self.count = len(frame)


def _script_json(value: object) -> str:
    # JSON inside a <script>: also hide "<", ">" and "&" so no text can close the script tag.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


COORDINATE_SCALE = 100_000  # five decimals, about a metre


# Every column a results map reads (marker_columns, on_map, _bounds): a search for the map takes only these.
MARKER_COLUMNS = ("id", "name", "name_es", "phone", "category", "support_types", "latitude", "longitude",
                  "location_confidential")


def on_map(frame: pd.DataFrame) -> pd.Series:
    """True for the rows drawn as markers: placed, and not confidential (those never get a pin)."""
    return (frame["latitude"] != "") & (frame["longitude"] != "") & ~confidential_mask(frame)


def marker_columns(frame: pd.DataFrame) -> dict[str, list]:
    """The per-marker arrays the browser needs, for the rows on_map() keeps; text already escaped.

    Coordinates travel as whole-number offsets from the south-west corner (five decimals kept), and
    category and support types share one number, term_bits.pack(): the category's position shifted left
    by one bit per support type, above the support-type mask. The map's script unpacks it with the same
    width (the length of its types list). This keeps the page for 50,000 resources under 3 MB.
    """
    placed = frame[on_map(frame)]
    category_index = {key: i for i, key in enumerate(tx.keys(tx.CATEGORIES))}
    categories = placed["category"].map(category_index).fillna(0).to_numpy(dtype=np.int64)
    masks = term_bits.mask_column(tx.SUPPORT_TYPES, placed["support_types"])
    kinds = term_bits.pack(tx.SUPPORT_TYPES, categories, masks).tolist()
    lats = np.round(placed["latitude"].astype(float).to_numpy() * COORDINATE_SCALE).astype(np.int64)
    lons = np.round(placed["longitude"].astype(float).to_numpy() * COORDINATE_SCALE).astype(np.int64)
    base = [int(lats.min()), int(lons.min())] if len(lats) else [0, 0]
    return {
        "b": base,
        "la": (lats - base[0]).tolist(),
        "lo": (lons - base[1]).tolist(),
        "k": kinds,
        "n": [map_text(name) for name in column_in_language(placed, "name")],
        "p": [map_text(phone) if phone else 0 for phone in placed["phone"]],
        "i": placed["id"].tolist(),
    }


class _LegendControl(MacroElement):
    """A legend drawn as a Leaflet control in the bottom-left corner, from markup the subclass builds."""

    # A control rather than a box placed over the map: Leaflet stacks it above the scale bar in the same
    # corner, so neither covers the other at any map size.
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var box = L.DomUtil.create("div", "map-legend");
                box.style.cssText = "background:#fff;padding:6px 8px;border-radius:6px;box-shadow:0 0 0 1px #999;"
                    + "font:13px/1.5 sans-serif;color:#000";
                box.innerHTML = {{ this.markup }};
                return box;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str, rows: list[tuple[str, str]]):
        super().__init__()
        self._name = type(self).__name__
        # title and each row's text are escaped by the caller; each row is (swatch markup, words).
        lines = [f"<strong>{title}</strong>", *(f"{swatch} {words}" for swatch, words in rows)]
        self.markup = _script_json("<br>".join(lines))


class Legend(_LegendControl):
    """A legend of support types: colour, symbol and name together, built from taxonomy constants only."""

    def __init__(self):
        self.entries = [(t.colour, map_text(t.symbol), map_text(t.label)) for t in tx.SUPPORT_TYPES]
        super().__init__(map_text(_("Kind of support")), [(
            f'<span style="display:inline-block;width:18px;height:18px;border-radius:50%;background:{colour};'
            f'color:#fff;text-align:center;font-weight:bold;line-height:18px" aria-hidden="true">{symbol}</span>',
            label) for colour, symbol, label in self.entries])


def _bounds(frame: pd.DataFrame) -> list[list[float]] | None:
    placed = frame[on_map(frame)]
    if placed.empty:
        return None
    lats, lons = placed["latitude"].astype(float), placed["longitude"].astype(float)
    return [[float(lats.min()), float(lons.min())], [float(lats.max()), float(lons.max())]]


def results_map(frame: pd.DataFrame, *, near: tuple[float, float] | None = None,
                radius_miles: float | None = None, detail_base: str | None = None,
                tiles: str = "osm") -> folium.Map:
    """A map of search results: clustered markers, a legend, the search radius, fitted to what is shown.

    Confidential entries are left out entirely, so neither a pin nor the map's extent can hint at them.
    """
    fmap = base_map(near or REGION_CENTRE, tiles=tiles)
    ResourceLayer(frame, detail_base).add_to(fmap)
    Legend().add_to(fmap)
    bounds = _bounds(frame)
    if near is not None and radius_miles:
        folium.Circle(location=list(near), radius=radius_miles * METRES_PER_MILE, color="#0072B2", weight=2,
                      fill=False, dash_array="6 6").add_to(fmap)
        folium.CircleMarker(location=list(near), radius=5, color="#000", fill=True, fill_opacity=1).add_to(fmap)
        spread = radius_miles / 69.0
        circle = [[near[0] - spread, near[1] - spread * 1.3], [near[0] + spread, near[1] + spread * 1.3]]
        bounds = circle if bounds is None else [
            [min(bounds[0][0], circle[0][0]), min(bounds[0][1], circle[0][1])],
            [max(bounds[1][0], circle[1][0]), max(bounds[1][1], circle[1][1])],
        ]
    if bounds is not None:
        fmap.fit_bounds(bounds, padding=(20, 20), max_zoom=15)
    return fmap


def picker_map(centre: tuple[float, float] = REGION_CENTRE, chosen: tuple[float, float] | None = None,
               zoom: int = 12, *, tiles: str = "osm") -> folium.Map:
    """A map for placing an entry by hand: click anywhere; the chosen point is marked."""
    fmap = base_map(chosen or centre, zoom, tiles=tiles)
    if chosen is not None:
        folium.CircleMarker(location=list(chosen), radius=8, color="#D55E00", fill=True,
                            fill_opacity=0.9).add_to(fmap)
    return fmap


def resources_at(frame: pd.DataFrame, lat: float, lon: float, name: str | None = None) -> pd.DataFrame:
    """Rows placed at a clicked marker's coordinates (as rounded for the map), narrowed by name if given."""
    lats = np.round(pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(), 5)
    lons = np.round(pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(), 5)
    here = frame[(np.abs(lats - lat) < 1e-6) & (np.abs(lons - lon) < 1e-6)]
    if name and len(here) > 1:
        # The marker shows the Spanish name where Spanish is chosen: either name picks the entry.
        named = here[(here["name"] == name) | (here["name_es"] == name)] if "name_es" in here else here[
            here["name"] == name]
        return named if len(named) else here
    return here


# Viridis steps: ordered light-to-dark for colour-blind readers too; the legend also writes the ranges.
GAP_COLOURS: tuple[str, ...] = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")


def gap_bins(threshold_miles: float) -> list[float]:
    """Upper edges of the distance bands, in miles: four steps up to the threshold, then beyond."""
    return [threshold_miles * f for f in (0.25, 0.5, 0.75, 1.0)] + [float("inf")]


def gap_colour(miles: float, threshold_miles: float) -> str:
    """The band colour for a distance."""
    for colour, edge in zip(GAP_COLOURS, gap_bins(threshold_miles), strict=True):
        if miles <= edge:
            return colour
    return GAP_COLOURS[-1]


class GapLegend(_LegendControl):
    """The distance bands with their colours and ranges in words; gaps are named as gaps."""

    def __init__(self, threshold_miles: float, kind: str):
        self.kind = map_text(kind)
        edges = gap_bins(threshold_miles)
        words = [_("up to {miles}").format(miles=number(edges[0], digits=_digits(edges[0])))] + [
            _("{low} to {high}").format(low=number(a, digits=_digits(a)), high=number(b, digits=_digits(b)))
            for a, b in pairwise(edges[:4])]
        words.append(_("over {miles}: a gap").format(miles=number(threshold_miles, digits=_digits(threshold_miles))))
        self.entries = list(zip(GAP_COLOURS, words, strict=True))
        super().__init__(_("Miles to the nearest: {kind}").format(kind=self.kind), [(
            f'<span style="display:inline-block;width:14px;height:14px;background:{colour};border:1px solid #333">'
            "</span>", text) for colour, text in self.entries])


def _digits(miles: float) -> int:
    # As :g wrote them: 2.5 keeps its decimal, 10 has none.
    return 0 if float(miles).is_integer() else len(f"{miles:g}".partition(".")[2])


def gap_layer_name(kind: str) -> str:
    """The hexagon layer's name in the layer control (escaped: Leaflet writes it as HTML)."""
    return map_text(_("Hexagons by miles to the nearest: {kind}").format(kind=kind))


def gap_map(cells: pd.DataFrame, threshold_miles: float, kind: str, *, tiles: str = "osm") -> folium.Map:
    """H3 cells coloured by distance to the nearest resource, styled per feature (no colormap, no d3)."""
    import h3

    features = []
    for cell, miles in zip(cells["cell"], cells["nearest_miles"], strict=True):
        ring = [[_rounded(lon), _rounded(lat)] for lat, lon in h3.cell_to_boundary(cell)]
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                         "properties": {"miles": "none" if np.isinf(miles) else round(float(miles), 1),
                                        "colour": gap_colour(miles, threshold_miles),
                                        "gap": bool(miles > threshold_miles)}})
    centre = (float(cells["lat"].mean()), float(cells["lon"].mean())) if len(cells) else REGION_CENTRE
    fmap = base_map(centre, 9, tiles=tiles)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name=gap_layer_name(kind),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "fillOpacity": 0.55,
                                  "color": "#000" if f["properties"]["gap"] else f["properties"]["colour"],
                                  "weight": 1.2 if f["properties"]["gap"] else 0.3},
        tooltip=folium.GeoJsonTooltip(fields=["miles"], aliases=[map_text(_("Miles to nearest"))]),
    ).add_to(fmap)
    GapLegend(threshold_miles, kind).add_to(fmap)
    if len(cells):
        fmap.fit_bounds([[float(cells["lat"].min()), float(cells["lon"].min())],
                         [float(cells["lat"].max()), float(cells["lon"].max())]])
    return fmap


def standalone_html(fmap: folium.Map) -> str:
    """The map as one HTML file that works anywhere: the self-hosted assets are written into it."""
    from directory.config import PROJECT_ROOT

    html = fmap.get_root().render()
    for _asset, url in [*LEAFLET_JS, *CLUSTER_JS]:
        code = (PROJECT_ROOT / "static" / url.removeprefix("/app/static/")).read_text(encoding="utf-8")
        html = html.replace(f'<script src="{url}"></script>', f"<script>{code}</script>")
    for _asset, url in [*LEAFLET_CSS, *CLUSTER_CSS]:
        css = (PROJECT_ROOT / "static" / url.removeprefix("/app/static/")).read_text(encoding="utf-8")
        html = html.replace(f'<link rel="stylesheet" href="{url}"/>', f"<style>{css}</style>")
    return html


UNMET_LAYER_NAME = N_("Unmet needs reported on Find")
FRESHNESS_LAYER_NAME = N_("Freshness: share not verified recently")


def add_area_layers(fmap: folium.Map, unmet: pd.DataFrame, fresh: pd.DataFrame) -> None:
    """Optional layers at ZIP centres: unmet needs reported on Find, and the share of entries not verified lately.

    `unmet` holds counts (unmet.UnmetNeeds.table()); a frame without a count column counts each row once.
    """
    from babel.numbers import format_percent

    counts = unmet["count"] if "count" in unmet.columns else pd.Series(1, index=unmet.index)
    needs = [(zip_code, {"radius": 4 + 2 * min(int(count), 8), "fillColor": "#D55E00", "color": "#D55E00",
                         "weight": 2, "fillOpacity": 0.8},
              ngettext("{zip}: {count} unmet need reported", "{zip}: {count} unmet needs reported",
                       int(count)).format(zip=zip_code, count=number(int(count))))
             for zip_code, count in counts.groupby(unmet["zip"]).sum().items() if count > 0]
    _point_layer(needs, _(UNMET_LAYER_NAME), show=True).add_to(fmap)
    stale = [(row.zip, {"radius": 6, "color": "#000", "weight": 1, "fillOpacity": 0.85,
                        "fillColor": GAP_COLOURS[min(4, int(row.stale_share * 5))]},
              _("{zip}: {share} of {entries} not verified recently").format(
                  zip=row.zip, share=format_percent(row.stale_share, locale=babel_locale()), entries=row.entries))
             for row in fresh.itertuples()]
    _point_layer(stale, _(FRESHNESS_LAYER_NAME), show=False).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)


def _point_layer(points: list[tuple[str, dict, str]], name: str, *, show: bool) -> folium.GeoJson:
    # One GeoJSON layer of circle markers, not one Leaflet layer (and one script block) per ZIP: a directory
    # of many ZIPs draws in a single pass. Each point is (ZIP, its circle's style, its tooltip).
    from directory.gazetteer import zip_centroid

    features = []
    for zip_code, style, tip in points:
        centre = zip_centroid(zip_code)
        if centre:
            features.append({"type": "Feature", "properties": {"style": style, "tip": map_text(tip)},
                             "geometry": {"type": "Point", "coordinates": [_rounded(centre[1]), _rounded(centre[0])]}})
    return folium.GeoJson({"type": "FeatureCollection", "features": features}, name=name, show=show,
                          marker=folium.CircleMarker(fill=True), style_function=lambda f: f["properties"]["style"],
                          tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False) if features else None)


def _rounded(degrees: float) -> float:
    # Five decimals is about a metre: plenty for a map, and a third of the text of a full float.
    return round(float(degrees), 5)
