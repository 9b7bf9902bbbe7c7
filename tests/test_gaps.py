"""Service gaps: nearest distances match brute force, and only active resources of the kind count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.synthetic import synthetic_frame
from directory import taxonomy as tx
from directory.config import DEFAULT_DATA_DIR, load_settings
from directory.gaps import Kind, coverage_share, gap_table, hex_cells, nearest, region_bounds, resources_of
from directory.geo import haversine_miles
from directory.schema import split_list
from tests.factories import valid_frame


def test_nearest_matches_brute_force_on_random_points() -> None:
    """Tree distances and choices equal a full haversine scan on random data."""
    rng = np.random.default_rng(5)
    r_lat, r_lon = rng.uniform(39.5, 40.5, 500), rng.uniform(-76, -74.8, 500)
    q_lat, q_lon = rng.uniform(39.5, 40.5, 300), rng.uniform(-76, -74.8, 300)
    miles, position = nearest(r_lat, r_lon, q_lat, q_lon)
    for i in range(300):
        brute = haversine_miles(q_lat[i], q_lon[i], r_lat, r_lon)
        assert miles[i] == pytest.approx(brute.min(), rel=1e-9, abs=1e-9)
        assert position[i] == int(np.argmin(brute))


def test_no_resource_of_the_kind_makes_every_area_a_gap() -> None:
    """With nothing to measure to, every distance is infinite and nothing is within the threshold."""
    frame = valid_frame({"category": "sober_social", "support_types": "affiliational"})
    table = gap_table(frame, Kind(category="child_care"), 10)
    assert len(table) > 0
    assert np.isinf(table["nearest_miles"]).all() and (table["within_threshold"] == 0).all()
    assert coverage_share(table, 10) == 0.0


def test_inactive_entries_never_count() -> None:
    """A retired entry next door is ignored; the active one, though farther, is the nearest."""
    frame = valid_frame(
        {"name": "Retired", "latitude": "39.95", "longitude": "-75.16", "status": "inactive"},
        {"name": "Open", "latitude": "40.30", "longitude": "-75.16"},
        prefix="g")
    table = gap_table(frame, Kind(), 10, margin_miles=5)
    assert set(table["nearest_id"]) == {"g-1"}


@pytest.mark.parametrize("support_type", [*tx.keys(tx.SUPPORT_TYPES), "unknown"])
def test_resources_of_a_support_type_are_those_whose_cell_lists_it(support_type: str) -> None:
    """The bit-mask filter keeps exactly the active, placed rows whose support_types cell names the type."""
    frame = synthetic_frame(3000)
    frame.loc[::7, "latitude"] = ""
    placed = frame[(frame["status"] == "active") & (frame["latitude"] != "") & (frame["longitude"] != "")]
    expected = placed[placed["support_types"].map(lambda cell: support_type in split_list(cell))]
    pd.testing.assert_frame_equal(resources_of(frame, Kind(support_type=support_type)), expected)


def test_resources_outside_the_region_still_count() -> None:
    """With a configured region, a resource beyond it is still the nearest for the places inside."""
    frame = valid_frame({"name": "Inside", "latitude": "39.95", "longitude": "-75.16", "category": "sober_social"},
                        {"name": "Outside", "latitude": "40.40", "longitude": "-75.16", "category": "child_care"},
                        prefix="o")
    inside_bounds = region_bounds(frame[frame["name"] == "Inside"], 5)
    table = gap_table(frame, Kind(category="child_care"), 10, bounds=inside_bounds)
    assert set(table["nearest_id"]) == {"o-1"} and table["nearest_miles"].min() > 20


def test_sample_gaps_rank_the_biggest_gap_first() -> None:
    """On the sample, child care has real gaps in Bucks and Chester, ranked largest first."""
    frame = pd.read_csv(DEFAULT_DATA_DIR / "resources.csv", dtype=str, keep_default_na=False)
    table = gap_table(frame, Kind(category="child_care"), 10)
    assert list(table["nearest_miles"]) == sorted(table["nearest_miles"], reverse=True)
    assert table["nearest_miles"].iloc[0] > 10
    assert 0 < coverage_share(table, 10) < 1


def test_hex_cells_cover_the_region() -> None:
    """The H3 grid covers the region with cell centres inside it."""
    frame = synthetic_frame(200)
    bounds = region_bounds(frame, 2)
    cells = hex_cells(bounds, 6)
    assert len(cells) > 20
    assert cells["lat"].between(bounds[0], bounds[2]).all() and cells["lon"].between(bounds[1], bounds[3]).all()


def test_the_region_can_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """DIRECTORY_REGION sets the region (its checks are in test_config.py)."""
    frame = synthetic_frame(50)
    monkeypatch.setenv("DIRECTORY_REGION", "39.8,-75.3,40.1,-75.0")
    assert region_bounds(frame, configured=load_settings().region) == (39.8, -75.3, 40.1, -75.0)
    assert region_bounds(frame) != (39.8, -75.3, 40.1, -75.0)
