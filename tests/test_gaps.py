"""Service gaps: the region is the served counties, distances match brute force, only active resources count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.synthetic import synthetic_frame
from directory import taxonomy as tx
from directory.config import DEFAULT_DATA_DIR, load_settings
from directory.gaps import (
    KIND_CHOICES,
    Kind,
    coverage_share,
    gap_report,
    gap_table,
    nearest,
    region_cells,
    region_text,
    region_zips,
    resources_of,
    served_counties,
    unmet_for,
    zip_rows,
)
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
    table = gap_table(frame, Kind(), 10)
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
                        {"name": "Outside", "zip": "18901", "latitude": "40.31", "longitude": "-75.13",
                         "category": "child_care"}, prefix="o")
    table = gap_table(frame, Kind(category="child_care"), 10, region=(("Philadelphia County", "PA"),))
    assert set(table["county"]) == {"Philadelphia County"}
    assert set(table["nearest_id"]) == {"o-1"} and set(table["nearest_name"]) == {"Outside"}


SAMPLE = pd.read_csv(DEFAULT_DATA_DIR / "resources.csv", dtype=str, keep_default_na=False)
SAMPLE_COUNTIES = (("Camden County", "NJ"), ("Bucks County", "PA"), ("Chester County", "PA"),
                   ("Delaware County", "PA"), ("Montgomery County", "PA"), ("Philadelphia County", "PA"))


def test_sample_gaps_rank_the_biggest_gap_first() -> None:
    """On the sample, child care has real gaps in Bucks and Chester, ranked largest first."""
    table = gap_table(SAMPLE, Kind(category="child_care"), 10)
    assert list(table["nearest_miles"]) == sorted(table["nearest_miles"], reverse=True)
    assert table["nearest_miles"].iloc[0] > 10
    assert table.loc[table["nearest_miles"] > 10, "county"].value_counts().index[:2].tolist() == [
        "Chester County", "Bucks County"]
    assert 0 < coverage_share(table, 10) < 1


def test_the_sample_region_is_its_counties_and_nothing_beyond() -> None:
    """Every ZIP of the six served counties and no other: no ZIP 40 miles off in a county with no entry."""
    table = gap_table(SAMPLE, Kind(), 10)
    assert served_counties(SAMPLE) == SAMPLE_COUNTIES
    assert set(zip(table["county"], table["state"], strict=True)) == set(SAMPLE_COUNTIES)
    assert table["zip"].is_unique and "19104" in set(table["zip"]) and "08002" in set(table["zip"])
    assert table["nearest_miles"].max() < 15  # the old box reached ZIPs some 40 miles from any entry


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([{"zip": "19104"}], (("Philadelphia County", "PA"),)),
        ([{"zip": "19104"}, {"zip": "08002", "city": "Cherry Hill", "state": "NJ", "latitude": "39.93",
                              "longitude": "-75.02"}], (("Camden County", "NJ"), ("Philadelphia County", "PA"))),
        # A PO Box ZIP still names its county.
        ([{"zip": "19101"}], (("Philadelphia County", "PA"),)),
        # Inactive and pending entries do not make a county part of the region.
        ([{"zip": "19104"}, {"zip": "18901", "status": "inactive"}, {"zip": "19380", "status": "pending"}],
         (("Philadelphia County", "PA"),)),
        # No ZIP: the county of the nearest ZIP center to the entry's position (Doylestown, Bucks County).
        ([{"zip": "", "latitude": "40.31", "longitude": "-75.13"}], (("Bucks County", "PA"),)),
        # Not placed: no county at all.
        ([{"zip": "", "latitude": "", "longitude": "", "geocode_quality": ""}], ()),
    ],
)
def test_the_region_is_the_counties_holding_an_active_placed_entry(records: list[dict[str, str]],
                                                                   expected: tuple) -> None:
    """served_counties reads each active, placed entry's county from its ZIP, else from its position."""
    assert served_counties(valid_frame(*records)) == expected


@pytest.mark.parametrize(
    ("region", "counties"),
    [
        ((("Bucks County", "PA"),), {("Bucks County", "PA")}),
        ((("Camden County", "NJ"), ("Camden County", "GA")), {("Camden County", "NJ"), ("Camden County", "GA")}),
        (None, {("Philadelphia County", "PA")}),
    ],
)
def test_region_zips_are_every_standard_zip_of_the_counties(region: tuple | None, counties: set) -> None:
    """Configured counties (or the served ones) give all their STANDARD ZIPs with place and county, and only those."""
    import zipcodes

    zips = region_zips(valid_frame({}), region)
    expected = {z["zip_code"] for z in zipcodes.list_all() if (z["county"], z["state"]) in counties
                and z["active"] and z["zip_code_type"] == "STANDARD"}
    assert set(zips["zip"]) == expected and list(zips.columns) == ["zip", "place", "county", "state", "lat", "lon"]
    assert set(zip(zips["county"], zips["state"], strict=True)) == counties


def test_a_configured_box_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """The older 'south,west,north,east' form: the STANDARD ZIPs whose center is inside the box."""
    monkeypatch.setenv("DIRECTORY_REGION", "39.9,-75.2,40.0,-75.1")
    zips = region_zips(synthetic_frame(50), load_settings().region)
    assert len(zips) > 5 and zips["lat"].between(39.9, 40.0).all() and zips["lon"].between(-75.2, -75.1).all()


def test_a_configured_county_list_sets_the_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """DIRECTORY_REGION as counties replaces the served counties (its parsing is checked in test_config.py)."""
    monkeypatch.setenv("DIRECTORY_REGION", "Bucks County, PA; Montgomery, PA")
    table = gap_table(SAMPLE, Kind(), 10, region=load_settings().region)
    assert set(table["county"]) == {"Bucks County", "Montgomery County"}


def test_hexagons_cover_the_region_zip_areas() -> None:
    """Each hexagon belongs to one of the region's ZIP areas, and every county of the region has hexagons."""
    zips = region_zips(SAMPLE)
    cells = region_cells(zips, 6)
    assert len(cells) > 20 and set(cells["zip"]) <= set(zips["zip"])
    counties = set(zips.set_index("zip").loc[cells["zip"], "county"])
    assert counties == {county for county, _ in SAMPLE_COUNTIES}
    # Centres stay near the region: within a few miles of its outermost ZIP centers.
    assert cells["lat"].between(zips["lat"].min() - 0.1, zips["lat"].max() + 0.1).all()
    assert region_cells(zips.iloc[0:0]).empty


def test_the_report_counts_zip_areas_everywhere() -> None:
    """The headline shares, the gap share and the table all count the same ZIP areas."""
    report = gap_report(SAMPLE, Kind(support_type="emotional"), 5)
    assert report.coverage["emotional"] == pytest.approx(coverage_share(report.table, 5))
    assert report.gap_share == pytest.approx(float((report.table["nearest_miles"] > 5).mean()))
    for support in tx.SUPPORT_TYPES:
        table = gap_table(SAMPLE, Kind(support_type=support.key), 5)
        assert report.coverage[support.key] == pytest.approx(coverage_share(table, 5))
    assert set(report.cells["zip"]) <= set(report.table["zip"])
    assert list(report.cells.columns) == ["cell", "lat", "lon", "zip", "nearest_miles"]
    assert report.counties == SAMPLE_COUNTIES and report.resources == len(resources_of(SAMPLE, report.kind))


def test_an_empty_kind_is_all_gap_in_the_report() -> None:
    """No resource of the kind: every ZIP area is a gap, and the table says 'none' for the nearest."""
    frame = SAMPLE[SAMPLE["category"] != "child_care"]
    report = gap_report(frame, Kind(category="child_care"), 10)
    assert report.resources == 0 and report.gap_share == 1.0 and np.isinf(report.cells["nearest_miles"]).all()
    rows = zip_rows(report.table, 10)
    assert rows["Miles to nearest"].isna().all() and set(rows["Nearest (name)"]) == {"none"}


def test_the_zip_table_for_people_has_plain_columns_and_no_coordinates() -> None:
    """ZIP, place, county, miles and the nearest resource by name; no latitude, longitude or id."""
    table = gap_table(SAMPLE, Kind(category="child_care"), 12.5)
    rows = zip_rows(table, 12.5)
    assert list(rows.columns) == ["ZIP", "Place", "County", "Miles to nearest", "Nearest (name)",
                                  "Within 12.5 miles"]
    assert set(rows["Nearest (name)"]) <= set(SAMPLE["name"])
    assert rows.loc[rows["ZIP"] == "19104", "Place"].item() == "Philadelphia, PA"


@pytest.mark.parametrize(
    ("choice", "kind"),
    [("any", Kind()), ("type:emotional", Kind(support_type="emotional")),
     ("cat:child_care", Kind(category="child_care"))],
)
def test_kind_choices_parse_to_kinds(choice: str, kind: Kind) -> None:
    """Each key the page offers names the kind it measures."""
    assert choice in KIND_CHOICES and Kind.parse(choice) == kind


def test_unmet_needs_of_a_category_include_the_any_ones() -> None:
    """A category's layer shows its own logged needs and the 'any' ones; a support type or 'any' shows all."""
    unmet = pd.DataFrame({"date": ["2026-01-01"] * 3, "category": ["child_care", "any", "transportation"],
                          "zip": ["19104"] * 3})
    assert list(unmet_for(unmet, Kind(category="child_care"))["category"]) == ["child_care", "any"]
    assert len(unmet_for(unmet, Kind(support_type="emotional"))) == 3


def test_the_region_is_named_with_its_source() -> None:
    """The region sentence names the counties and where the choice came from."""
    table = gap_table(SAMPLE, Kind(), 10)
    text = region_text(table, configured=False)
    assert text.startswith(f"The region: {len(table):,} ZIP areas in 6 counties, the counties with at least one")
    assert text.endswith(": Camden County, NJ; Bucks County, PA; Chester County, PA; Delaware County, PA; "
                         "Montgomery County, PA; Philadelphia County, PA.")
    assert "DIRECTORY_REGION sets it" in region_text(table, configured=True)
    assert "no ZIP areas" in region_text(table.iloc[0:0], configured=True)
