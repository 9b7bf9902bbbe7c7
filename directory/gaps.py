"""Service gaps: how far each place is from the nearest active resource of a kind.

Nearest distances use a k-d tree on unit vectors (scipy's cKDTree): the straight-line chord between two
points on the sphere orders them exactly as the great-circle distance does, and converts to it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import h3
import numpy as np
import pandas as pd
import zipcodes
from scipy.spatial import cKDTree

from directory import taxonomy as tx
from directory import term_bits
from directory.errors import DirectoryError
from directory.freshness import stale_mask
from directory.geo import EARTH_RADIUS_MILES

DEFAULT_MARGIN_MILES = 10.0
DEFAULT_RESOLUTION = 7  # hexagons about 5 km² each: fine enough for a county, coarse enough to draw


@dataclass(frozen=True)
class Kind:
    """Which resources count: one support type, one category, or any."""

    support_type: str = ""
    category: str = ""

    def label(self) -> str:
        return self.support_type or self.category or "any support"


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


def resources_of(frame: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """Active, placed resources of the chosen kind; inactive and pending entries never count."""
    chosen = frame[(frame["status"] == "active") & (frame["latitude"] != "") & (frame["longitude"] != "")]
    if kind.support_type:
        masks = term_bits.mask_column(tx.SUPPORT_TYPES, chosen["support_types"])
        chosen = chosen[term_bits.has_key(tx.SUPPORT_TYPES, masks, kind.support_type)]
    if kind.category:
        chosen = chosen[chosen["category"] == kind.category]
    return chosen


def region_bounds(frame: pd.DataFrame, margin_miles: float = DEFAULT_MARGIN_MILES,
                  configured: tuple[float, float, float, float] | None = None) -> tuple[float, float, float, float]:
    """(south, west, north, east): the configured region (Settings.region) if any, else the entries plus a margin."""
    if configured is not None:
        return configured
    placed = frame[(frame["latitude"] != "") & (frame["longitude"] != "")]
    lats, lons = placed["latitude"].astype(float), placed["longitude"].astype(float)
    pad_lat = margin_miles / 69.0
    pad_lon = margin_miles / (69.0 * max(0.2, float(np.cos(np.radians(lats.mean())))))
    return lats.min() - pad_lat, lons.min() - pad_lon, lats.max() + pad_lat, lons.max() + pad_lon


def region_zips(bounds: tuple[float, float, float, float]) -> pd.DataFrame:
    """Every active ZIP whose centre lies in the bounds, from the offline gazetteer."""
    return _region_zips(tuple(float(b) for b in bounds)).copy()


@lru_cache(maxsize=16)
def _region_zips(bounds: tuple[float, ...]) -> pd.DataFrame:
    # Cached: the dashboard measures the same region for several kinds on every run.
    south, west, north, east = bounds
    rows = []
    for entry in zipcodes.list_all():
        try:
            lat, lon = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        if entry.get("active") and south <= lat <= north and west <= lon <= east:
            rows.append({"zip": entry["zip_code"], "lat": lat, "lon": lon})
    return pd.DataFrame(rows, columns=["zip", "lat", "lon"])


def gap_table(frame: pd.DataFrame, kind: Kind, threshold_miles: float,
              margin_miles: float = DEFAULT_MARGIN_MILES,
              bounds: tuple[float, float, float, float] | None = None) -> pd.DataFrame:
    """One row per ZIP in the region: nearest distance and resource, count within the threshold; gaps first.

    The region is the entries' extent plus a margin unless `bounds` configures it. Resources anywhere
    count, including outside the region, so border ZIPs are measured fairly.
    """
    zips = region_zips(bounds or region_bounds(frame, margin_miles))
    pool = resources_of(frame, kind)
    lats, lons = pool["latitude"].astype(float).to_numpy(), pool["longitude"].astype(float).to_numpy()
    miles, position = nearest(lats, lons, zips["lat"].to_numpy(), zips["lon"].to_numpy())
    ids = pool["id"].to_numpy()
    zips["nearest_miles"] = np.round(miles, 2)
    zips["nearest_id"] = [ids[p] if p >= 0 else "" for p in position]
    zips["within_threshold"] = _count_within(lats, lons, zips, threshold_miles)
    return zips.sort_values(["nearest_miles", "zip"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _count_within(lats: np.ndarray, lons: np.ndarray, zips: pd.DataFrame, threshold_miles: float) -> list[int]:
    if len(lats) == 0:
        return [0] * len(zips)
    tree = cKDTree(_unit_vectors(lats, lons))
    chord = 2 * np.sin(threshold_miles / (2 * EARTH_RADIUS_MILES))
    return [len(found) for found in tree.query_ball_point(_unit_vectors(zips["lat"].to_numpy(),
                                                                        zips["lon"].to_numpy()), chord)]


def hex_cells(bounds: tuple[float, float, float, float], resolution: int = DEFAULT_RESOLUTION) -> pd.DataFrame:
    """H3 cells covering the bounds, with their centres."""
    south, west, north, east = bounds
    shape = h3.LatLngPoly([(south, west), (south, east), (north, east), (north, west)])
    cells = sorted(h3.polygon_to_cells(shape, resolution))
    centres = [h3.cell_to_latlng(cell) for cell in cells]
    return pd.DataFrame({"cell": cells, "lat": [c[0] for c in centres], "lon": [c[1] for c in centres]})


def coverage_share(table: pd.DataFrame, threshold_miles: float) -> float:
    """The share of ZIP areas whose nearest resource is within the threshold."""
    return float((table["nearest_miles"] <= threshold_miles).mean()) if len(table) else 0.0


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
        raise DemandError(f"the file cannot be read as CSV ({error})") from None
    lowered = {c.lower().strip(): c for c in frame.columns}
    zip_column = next((lowered[c] for c in ("zip", "zip code", "zipcode", "zcta") if c in lowered), None)
    numbers = [c for c in frame.columns if c != zip_column
               and pd.to_numeric(frame[c].str.replace(",", ""), errors="coerce").notna().all()]
    if zip_column is None or not numbers:
        raise DemandError("the file needs a ZIP column and a column of numbers (for example population)")
    zips = frame[zip_column].str.strip().str.zfill(5)
    if not zips.str.fullmatch(r"\d{5}").all():
        raise DemandError("every ZIP must be 5 digits")
    counts = pd.to_numeric(frame[numbers[0]].str.replace(",", ""))
    return pd.DataFrame({"zip": zips, "count": counts}).groupby("zip", as_index=False)["count"].sum()


def freshness(frame: pd.DataFrame, stale_days: int, today: date) -> pd.DataFrame:
    """Per ZIP: entries listed and the share not verified within the stale window."""
    listed = frame[(frame["status"] != "inactive") & (frame["zip"] != "")].copy()
    listed["stale"] = stale_mask(listed["last_verified"], today, stale_days)
    grouped = listed.groupby(listed["zip"].str[:5]).agg(entries=("id", "size"), stale_share=("stale", "mean"))
    return grouped.reset_index().sort_values("stale_share", ascending=False, kind="stable")
