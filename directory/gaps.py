"""Service gaps: how far each place in the region is from the nearest active resource of a kind.

The region is a set of counties: by default every county that holds at least one active, placed entry
(its county from its ZIP in the offline gazetteer), or the counties DIRECTORY_REGION names; the older
'south,west,north,east' box form still works. Its places are the STANDARD ZIP codes of those counties
(PO Box and single-organization ZIPs describe a post office or a building, not where people live), and the
headline shares count those ZIP areas. The map's H3 hexagons cover the same areas: a hexagon belongs to the
region when the nearest STANDARD ZIP center to it is one of the region's ZIPs, so the hexagons follow the ZIP
areas (approximated by nearest center) and stop at the county lines.

Nearest distances use a k-d tree on unit vectors (scipy's cKDTree): the straight-line chord between two
points on the sphere orders them exactly as the great-circle distance does, and converts to it exactly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import h3
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from directory import taxonomy as tx
from directory import term_bits
from directory.config import Box, County
from directory.errors import DirectoryError
from directory.freshness import stale_mask
from directory.gazetteer import zip_table
from directory.geo import EARTH_RADIUS_MILES
from directory.i18n import N_, _, ngettext, number
from directory.search import pathway_masks

DEFAULT_RESOLUTION = 7  # hexagons about 5 km² each: fine enough for a county, coarse enough to draw
HEX_MARGIN_MILES = 5.0  # how far past the outermost ZIP centers a hexagon of the region may lie
ZIP_COLUMNS = ["zip", "place", "county", "state", "lat", "lon"]
_MEASURED_COLUMNS = ["id", "name", "status", "category", "support_types", "pathways", "moud_welcome", "zip",
                     "latitude", "longitude"]
# Every column the Gaps page reads (measuring, freshness, the coverage charts, the map): an edit to any other
# column (a description, a phone, the hours) leaves every figure on the page as it was.
GAP_COLUMNS = (*_MEASURED_COLUMNS, "dimensions", "stages", "city", "state", "last_verified")
_SMALL_WORDS = frozenset({"of", "on", "the", "by", "upon", "and", "in"})

Region = Box | tuple[County, ...] | None
"""A configured region (Settings.region): a box, counties, or None for the counties the entries are in."""


# How a pathway reads inside a sentence ("... more than 10 miles from secular support"). The taxonomy's labels
# are headings ("Medication-supportive", "All pathways"): lower-cased and followed by "support" some of them
# would read badly, and "SMART" and "Buddhist" keep their capitals. Marked here, translated where shown.
_PATHWAY_PHRASES: dict[str, str] = {
    "twelve_step": N_("twelve-step support"),
    "smart_cbt": N_("SMART Recovery or similar support"),
    "secular": N_("secular support"),
    "faith_based": N_("faith-based support"),
    "buddhist": N_("Buddhist-inspired support"),
    "all_recovery": N_("support open to all pathways"),
    tx.MEDICATION_PATHWAY: N_("support where people taking MOUD are welcome"),
    "harm_reduction": N_("harm-reduction friendly support"),
    "family_friends": N_("support for family and friends"),
}


def pathway_phrase(key: str) -> str:
    """A pathway as a noun phrase for a sentence, such as 'secular support', in the current language."""
    if key in _PATHWAY_PHRASES:
        return _(_PATHWAY_PHRASES[key])
    term = next((t for t in tx.PATHWAYS if t.key == key), None)
    return _("support on the {pathway} pathway").format(pathway=term.label if term else key)


@dataclass(frozen=True)
class Kind:
    """Which resources count: one support type, one category, one recovery pathway, or any."""

    support_type: str = ""
    category: str = ""
    pathway: str = ""

    def label(self) -> str:
        """The kind in words: a support type or category key, a pathway phrase, or 'any support'."""
        if self.pathway:
            return pathway_phrase(self.pathway)
        return self.support_type or self.category or _("any support")

    @classmethod
    def parse(cls, choice: str) -> Kind:
        """The kind behind a KIND_CHOICES key: 'any', 'type:<key>', 'cat:<key>' or 'path:<key>'."""
        prefix, _, key = choice.partition(":")
        return cls(support_type=key if prefix == "type" else "", category=key if prefix == "cat" else "",
                   pathway=key if prefix == "path" else "")


def _choice_keys() -> tuple[str, ...]:
    return ("any", *(f"type:{t.key}" for t in tx.SUPPORT_TYPES), *(f"cat:{c.key}" for c in tx.CATEGORIES),
            *(f"path:{p.key}" for p in tx.PATHWAYS))


def kind_choice_label(choice: str) -> str:
    """The label of a KIND_CHOICES key in the current language ('any support', 'Emotional', 'Pathway: Secular')."""
    prefix, _sep, key = choice.partition(":")
    if prefix == "type":
        return tx.label_of(tx.SUPPORT_TYPES, key)
    if prefix == "cat":
        return tx.label_of(tx.CATEGORIES, key)
    if prefix == "path":
        return _("Pathway: {pathway}").format(pathway=tx.label_of(tx.PATHWAYS, key))
    if choice == "any":
        return _("any support")
    raise KeyError(choice)


class _KindChoices(Mapping[str, str]):
    # The keys are stored choices and never change; the labels are looked up when read, so they are in the
    # language of the run reading them (a dict built at import time would be English forever).
    def __init__(self) -> None:
        self._keys = _choice_keys()

    def __getitem__(self, choice: str) -> str:
        if choice not in self._keys:
            raise KeyError(choice)
        return kind_choice_label(choice)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


KIND_CHOICES: Mapping[str, str] = _KindChoices()
"""What the Gaps page offers to measure, key to label (the label in the current language)."""


def kind_text(choice: str) -> str:
    """A KIND_CHOICES key as the Gaps page writes it inside a sentence ('child care', 'secular support')."""
    kind = Kind.parse(choice)
    return kind.label() if kind.pathway else KIND_CHOICES[choice].lower()


def within_column(threshold_miles: float) -> str:
    """The ZIP table's column of resources within the distance ('Within 10 miles'), in the current language."""
    return _("Within {miles} miles").format(miles=_miles(threshold_miles))


def _miles(value: float) -> str:
    # As few decimals as the distance needs ('10', '12.5'), the current language's way ('12,5').
    return number(value, digits=0 if float(value).is_integer() else 1)


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def nearest(resource_lat: np.ndarray, resource_lon: np.ndarray, lat: np.ndarray,
            lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query point: great-circle miles to the nearest resource and that resource's position.

    With no resources, every distance is infinite and every position is -1.
    """
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    if len(resource_lat) == 0:
        return np.full(len(lat), np.inf), np.full(len(lat), -1)
    tree = cKDTree(_unit_vectors(np.asarray(resource_lat, float), np.asarray(resource_lon, float)))
    chord, position = tree.query(_unit_vectors(lat, lon))
    miles = 2 * EARTH_RADIUS_MILES * np.arcsin(np.clip(chord / 2, 0, 1))
    return miles, position


def _placed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["status"] == "active") & (frame["latitude"] != "") & (frame["longitude"] != "")]


def resources_of(frame: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """Active, placed resources of the chosen kind; inactive and pending entries never count."""
    chosen = _placed(frame)
    if kind.support_type:
        masks = term_bits.mask_column(tx.SUPPORT_TYPES, chosen["support_types"])
        chosen = chosen[term_bits.has_key(tx.SUPPORT_TYPES, masks, kind.support_type)]
    if kind.category:
        chosen = chosen[chosen["category"] == kind.category]
    if kind.pathway:
        chosen = chosen[term_bits.has_key(tx.PATHWAYS, pathway_masks(chosen), kind.pathway)]
    return chosen


def _place_name(city: str, state: str) -> str:
    # The gazetteer writes "King Of Prussia"; small words after the first are lower case in a place name.
    words = [w.lower() if i and w.lower() in _SMALL_WORDS else w for i, w in enumerate(city.split())]
    return f"{' '.join(words)}, {state}"


@dataclass(frozen=True)
class _Gazetteer:
    county_of: dict[str, County]  # every active ZIP with a county, PO Box and unique ones too
    standard: pd.DataFrame  # the STANDARD ZIPs: ZIP_COLUMNS
    tree: cKDTree  # over the STANDARD ZIPs' centers
    rows_of: dict[County, list[int]]  # a county's rows in `standard`


def _zip_rows(entries: list[dict]) -> dict[str, object]:
    # From the zipcodes wheel's records: each active ZIP's county, and the STANDARD ZIPs' table rows.
    county_of: dict[str, list[str]] = {}
    rows = []
    for entry in entries:
        try:
            lat, lon = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        if entry.get("active") and entry.get("county") and lat and lon and np.isfinite(lat) and np.isfinite(lon):
            state = entry["state"].upper()
            county_of[entry["zip_code"]] = [entry["county"], state]
            if entry.get("zip_code_type") == "STANDARD":
                rows.append((entry["zip_code"], _place_name(entry["city"], state), entry["county"], state, lat, lon))
    return {"county_of": county_of, "rows": sorted(rows)}


@cache
def _gazetteer() -> _Gazetteer:
    # Plain dicts and row lists rather than pandas lookups: a region is picked from ~30,000 ZIPs on every run.
    table = zip_table("zip-areas", __file__, _zip_rows)
    county_of: dict[str, County] = {code: (county, state) for code, (county, state) in table["county_of"].items()}
    rows = [tuple(row) for row in table["rows"]]
    standard = pd.DataFrame(sorted(rows), columns=ZIP_COLUMNS)
    rows_of: dict[County, list[int]] = {}
    for row, county in enumerate(zip(standard["county"], standard["state"], strict=True)):
        rows_of.setdefault(county, []).append(row)
    tree = cKDTree(_unit_vectors(standard["lat"].to_numpy(), standard["lon"].to_numpy()))
    return _Gazetteer(county_of, standard, tree, rows_of)


def served_counties(frame: pd.DataFrame) -> tuple[County, ...]:
    """The counties holding at least one active, placed entry, sorted: from the entry's ZIP, else its position."""
    placed = _placed(frame)
    gazetteer = _gazetteer()
    found = {gazetteer.county_of[code] for code in placed["zip"].str[:5] if code in gazetteer.county_of}
    unknown = placed[[code not in gazetteer.county_of for code in placed["zip"].str[:5]]]
    if len(unknown):  # no ZIP, or one the gazetteer lacks: the county of the nearest ZIP center
        _, position = gazetteer.tree.query(_unit_vectors(unknown["latitude"].astype(float).to_numpy(),
                                                         unknown["longitude"].astype(float).to_numpy()))
        found |= set(zip(gazetteer.standard["county"].to_numpy()[position],
                         gazetteer.standard["state"].to_numpy()[position], strict=True))
    return tuple(sorted(found, key=lambda county: (county[1], county[0])))


def region_zips(frame: pd.DataFrame, configured: Region = None) -> pd.DataFrame:
    """The region's places: STANDARD ZIPs of the counties (configured, else served), or inside a configured box.

    Columns zip, place ("City, ST"), county, state, lat, lon; sorted by ZIP.
    """
    gazetteer = _gazetteer()
    standard = gazetteer.standard
    if configured and isinstance(configured[0], float | int):
        south, west, north, east = configured
        return standard[standard["lat"].between(south, north)
                        & standard["lon"].between(west, east)].reset_index(drop=True)
    counties = configured or served_counties(frame)
    rows = sorted(row for county in counties for row in gazetteer.rows_of.get(county, []))
    return standard.iloc[rows].reset_index(drop=True)


def region_counties(zips: pd.DataFrame) -> tuple[County, ...]:
    """The counties a region's ZIP table spans, sorted by state then name."""
    return tuple(sorted(set(zip(zips["county"], zips["state"], strict=True)), key=lambda c: (c[1], c[0])))


def hex_cells(bounds: Box, resolution: int = DEFAULT_RESOLUTION) -> pd.DataFrame:
    """H3 cells covering the bounds (south, west, north, east), with their centers."""
    south, west, north, east = bounds
    shape = h3.LatLngPoly([(south, west), (south, east), (north, east), (north, west)])
    cells = sorted(h3.polygon_to_cells(shape, resolution))
    centers = [h3.cell_to_latlng(cell) for cell in cells]
    return pd.DataFrame({"cell": cells, "lat": [c[0] for c in centers], "lon": [c[1] for c in centers]})


def region_cells(zips: pd.DataFrame, resolution: int = DEFAULT_RESOLUTION,
                 margin_miles: float = HEX_MARGIN_MILES) -> pd.DataFrame:
    """H3 cells covering the region's ZIP areas: each cell whose nearest STANDARD ZIP center is a region ZIP.

    Columns cell, lat, lon (the cell's center) and zip (the ZIP area it falls in).
    """
    if zips.empty:
        return pd.DataFrame({"cell": pd.Series(dtype=str), "lat": pd.Series(dtype=float),
                             "lon": pd.Series(dtype=float), "zip": pd.Series(dtype=str)})
    pad_lat = margin_miles / 69.0
    pad_lon = margin_miles / (69.0 * max(0.2, float(np.cos(np.radians(zips["lat"].mean())))))
    candidates = hex_cells((zips["lat"].min() - pad_lat, zips["lon"].min() - pad_lon,
                            zips["lat"].max() + pad_lat, zips["lon"].max() + pad_lon), resolution)
    gazetteer = _gazetteer()
    _, position = gazetteer.tree.query(_unit_vectors(candidates["lat"].to_numpy(), candidates["lon"].to_numpy()))
    candidates["zip"] = gazetteer.standard["zip"].to_numpy()[position]
    return candidates[candidates["zip"].isin(set(zips["zip"]))].reset_index(drop=True)


def _measure(zips: pd.DataFrame, pool: pd.DataFrame, threshold_miles: float) -> pd.DataFrame:
    lats, lons = pool["latitude"].astype(float).to_numpy(), pool["longitude"].astype(float).to_numpy()
    miles, position = nearest(lats, lons, zips["lat"].to_numpy(), zips["lon"].to_numpy())
    ids, names = pool["id"].to_numpy(), pool["name"].to_numpy()
    measured = zips.copy()
    measured["nearest_miles"] = np.round(miles, 2)
    measured["nearest_id"] = [ids[p] if p >= 0 else "" for p in position]
    measured["nearest_name"] = [names[p] if p >= 0 else "" for p in position]
    measured["within_threshold"] = _count_within(lats, lons, zips, threshold_miles)
    return measured.sort_values(["nearest_miles", "zip"], ascending=[False, True],
                                kind="stable").reset_index(drop=True)


def gap_table(frame: pd.DataFrame, kind: Kind, threshold_miles: float, region: Region = None) -> pd.DataFrame:
    """One row per ZIP area of the region: where it is, nearest resource and its distance, count within reach.

    Columns zip, place, county, state, lat, lon, nearest_miles, nearest_id, nearest_name, within_threshold;
    largest gap first. Resources anywhere count, including outside the region, so border ZIPs are measured
    fairly.
    """
    return _measure(region_zips(frame, region), resources_of(frame, kind), threshold_miles)


def _count_within(lats: np.ndarray, lons: np.ndarray, zips: pd.DataFrame, threshold_miles: float) -> list[int]:
    if len(lats) == 0:
        return [0] * len(zips)
    tree = cKDTree(_unit_vectors(lats, lons))
    chord = 2 * np.sin(threshold_miles / (2 * EARTH_RADIUS_MILES))
    return [len(found) for found in tree.query_ball_point(_unit_vectors(zips["lat"].to_numpy(),
                                                                        zips["lon"].to_numpy()), chord)]


def coverage_share(table: pd.DataFrame, threshold_miles: float) -> float:
    """The share of ZIP areas whose nearest resource is within the threshold."""
    return float((table["nearest_miles"] <= threshold_miles).mean()) if len(table) else 0.0


@dataclass(frozen=True)
class GapReport:
    """What the Gaps page shows for one kind and distance: the ZIP table, the hexagons, the headline shares."""

    kind: Kind
    threshold_miles: float
    table: pd.DataFrame  # gap_table's columns, largest gap first
    cells: pd.DataFrame  # cell, lat, lon, zip, nearest_miles
    resources: int  # active, placed resources of the kind
    coverage: dict[str, float] = field(default_factory=dict)  # support type key -> share of ZIP areas in reach

    @property
    def counties(self) -> tuple[County, ...]:
        """The counties of the region."""
        return region_counties(self.table)

    @property
    def gap_share(self) -> float:
        """The share of the region's ZIP areas farther than the threshold from the kind (1.0 for an empty region)."""
        return 1.0 - coverage_share(self.table, self.threshold_miles) if len(self.table) else 1.0


def gap_report(frame: pd.DataFrame, kind: Kind, threshold_miles: float, region: Region = None,
               resolution: int = DEFAULT_RESOLUTION) -> GapReport:
    """Everything the Gaps page measures, on one region: every share counts the region's ZIP areas."""
    # Narrowed first: filtering the whole wide frame once per support type would cost more than the measuring.
    placed = _placed(frame[_MEASURED_COLUMNS])
    zips = region_zips(placed, region)
    pool = resources_of(placed, kind)
    cells = region_cells(zips, resolution)
    cells["nearest_miles"], _ = nearest(pool["latitude"].astype(float).to_numpy(),
                                        pool["longitude"].astype(float).to_numpy(),
                                        cells["lat"].to_numpy(), cells["lon"].to_numpy())
    coverage = {support.key: coverage_share(_measure(zips, resources_of(placed, Kind(support_type=support.key)),
                                                     threshold_miles), threshold_miles)
                for support in tx.SUPPORT_TYPES}
    return GapReport(kind, threshold_miles, _measure(zips, pool, threshold_miles), cells, len(pool), coverage)


def zip_rows(table: pd.DataFrame, threshold_miles: float) -> pd.DataFrame:
    """The ZIP table for people: plain column names, the nearest resource by name, no coordinates or ids.

    The column names and 'none' are in the current language; the CSV download keeps gap_table's own columns.
    """
    miles = table["nearest_miles"].where(np.isfinite(table["nearest_miles"]))
    return pd.DataFrame({
        _("ZIP"): table["zip"], _("Place"): table["place"], _("County"): table["county"],
        _("Miles to nearest"): miles,
        _("Nearest (name)"): table["nearest_name"].where(table["nearest_name"] != "", _("none")),
        within_column(threshold_miles): table["within_threshold"],
    })


def region_text(table: pd.DataFrame, configured: bool) -> str:
    """One sentence naming the region: how many ZIP areas, in which counties, and where that choice comes from."""
    counties = region_counties(table)
    source = (_("as DIRECTORY_REGION sets it") if configured
              else _("the counties with at least one active entry (DIRECTORY_REGION can name others)"))
    if not counties:
        return _("The region has no ZIP areas: {source}.").format(source=source)
    names = "; ".join(f"{county}, {state}" for county, state in counties)
    areas = ngettext("{count} ZIP area", "{count} ZIP areas", len(table)).format(count=number(len(table)))
    where = ngettext("{count} county", "{count} counties", len(counties)).format(count=number(len(counties)))
    return _("The region: {areas} in {counties}, {source}: {names}.").format(areas=areas, counties=where,
                                                                            source=source, names=names)


def unmet_for(unmet: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """The unmet-need counts that concern the kind: its category's and the 'any' ones, or all for a support type."""
    if not kind.category:
        return unmet
    return unmet[unmet["category"].isin([kind.category, "any"])]


def weighted_gap(table: pd.DataFrame, demand: pd.DataFrame, threshold_miles: float) -> tuple[float, float]:
    """People (or any count) in ZIPs beyond the threshold, and their share of the total, from a demand table."""
    merged = table.merge(demand, on="zip", how="inner")
    total = float(merged["count"].sum())
    beyond = float(merged.loc[merged["nearest_miles"] > threshold_miles, "count"].sum())
    return beyond, (beyond / total if total else 0.0)


class DemandError(DirectoryError, ValueError):
    """A demand file cannot be used: not CSV, no ZIP column or number column, or a ZIP that is not 5 digits."""


def read_demand(text: str) -> pd.DataFrame:
    """A demand layer from CSV text with a ZIP column and one number column; raises DemandError when unusable."""
    from io import StringIO

    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    except ValueError as error:  # pandas' EmptyDataError and ParserError are ValueErrors
        raise DemandError(_("the file cannot be read as CSV ({error})").format(error=error)) from None
    lowered = {c.lower().strip(): c for c in frame.columns}
    zip_column = next((lowered[c] for c in ("zip", "zip code", "zipcode", "zcta") if c in lowered), None)
    numbers = [c for c in frame.columns if c != zip_column
               and pd.to_numeric(frame[c].str.replace(",", ""), errors="coerce").notna().all()]
    if zip_column is None or not numbers:
        raise DemandError(_("the file needs a ZIP column and a column of numbers (for example population)"))
    zips = frame[zip_column].str.strip().str.zfill(5)
    if not zips.str.fullmatch(r"\d{5}").all():
        raise DemandError(_("every ZIP must be 5 digits"))
    counts = pd.to_numeric(frame[numbers[0]].str.replace(",", ""))
    return pd.DataFrame({"zip": zips, "count": counts}).groupby("zip", as_index=False)["count"].sum()


def freshness(frame: pd.DataFrame, stale_days: int, today: date) -> pd.DataFrame:
    """Per ZIP: entries listed and the share not verified within the stale window."""
    # Three columns, not whole rows: at 100,000 entries a copy of every column of the listed rows is 100 MB.
    listed = frame.loc[(frame["status"] != "inactive") & (frame["zip"] != ""), ["id", "zip", "last_verified"]]
    listed["stale"] = stale_mask(listed["last_verified"], today, stale_days)
    grouped = listed.groupby(listed["zip"].str[:5]).agg(entries=("id", "size"), stale_share=("stale", "mean"))
    return grouped.reset_index().sort_values("stale_share", ascending=False, kind="stable")
