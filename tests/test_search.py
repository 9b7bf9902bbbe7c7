"""Search: filters combine as expected, distances sort, and results match a brute-force check."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bench.synthetic import synthetic_frame
from directory.schema import COLUMNS, split_list
from directory.search import Query, build_index, search
from tests.factories import valid_frame

CENTER_CITY = (39.9526, -75.1652)


def _frame(*records: dict[str, str]) -> pd.DataFrame:
    return valid_frame(*records, prefix="t")


@pytest.fixture
def index():
    return build_index(_frame(
        {"name": "Thursday Sober Volleyball", "category": "sober_social", "support_types": "affiliational",
         "latitude": "39.9526", "longitude": "-75.1652", "cost": "free", "tags": "volleyball;sports"},
        {"name": "Kensington Recovery Center", "category": "recovery_center",
         "support_types": "affiliational;emotional", "latitude": "39.9920", "longitude": "-75.1300",
         "peer_run": "yes", "populations": "women", "dimensions": "community"},
        {"name": "Bridge Recovery House", "category": "recovery_housing", "support_types": "instrumental",
         "latitude": "40.1000", "longitude": "-75.3000", "moud_welcome": "yes", "cost": "sliding_scale",
         "description": "Sober living that welcomes people on medication."},
        {"name": "Online Family Circle", "category": "family_support", "support_types": "emotional",
         "latitude": "", "longitude": "", "geocode_quality": "", "attendance": "online",
         "organization": "Families Together"},
        {"name": "Closed Coaching Hub", "category": "peer_coaching", "support_types": "emotional",
         "status": "inactive"},
    ))


def _names(result: pd.DataFrame) -> list[str]:
    return list(result["name"])


def test_inactive_entries_are_hidden_unless_asked_for(index) -> None:
    """Only active entries are listed by default."""
    assert "Closed Coaching Hub" not in _names(search(index, Query()))
    assert "Closed Coaching Hub" in _names(search(index, Query(include_inactive=True)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (Query(support_types=("emotional",)), {"Kensington Recovery Center", "Online Family Circle"}),
        (Query(support_types=("instrumental", "affiliational")),
         {"Thursday Sober Volleyball", "Kensington Recovery Center", "Bridge Recovery House"}),
        (Query(categories=("recovery_housing",)), {"Bridge Recovery House"}),
        (Query(dimensions=("community",)), {"Kensington Recovery Center"}),
        (Query(populations=("women",)), {"Kensington Recovery Center"}),
        (Query(attendance=("online",)), {"Online Family Circle"}),
        (Query(free_only=True), {"Thursday Sober Volleyball"}),
        (Query(moud_welcome=True), {"Bridge Recovery House"}),
        (Query(peer_run=True), {"Kensington Recovery Center"}),
        (Query(support_types=("emotional",), peer_run=True), {"Kensington Recovery Center"}),
        (Query(text="VOLLEYBALL"), {"Thursday Sober Volleyball"}),
        (Query(text="sports"), {"Thursday Sober Volleyball"}),
        (Query(text="medication sober"), {"Bridge Recovery House"}),
        (Query(text="families together"), {"Online Family Circle"}),
        (Query(text="volleyball housing"), set()),
    ],
)
def test_filters_narrow_the_results(index, query: Query, expected: set[str]) -> None:
    """Within a filter any chosen value matches; across filters all must match; text needs every word."""
    assert set(_names(search(index, query))) == expected


def test_near_sorts_by_distance_and_keeps_the_radius(index) -> None:
    """With a place, results come nearest first, within the radius, each with its distance."""
    result = search(index, Query(near=CENTER_CITY, radius_miles=5))
    assert _names(result) == ["Thursday Sober Volleyball", "Kensington Recovery Center"]
    assert result["distance_miles"].iloc[0] == pytest.approx(0, abs=0.01)
    assert 2 < result["distance_miles"].iloc[1] < 3.5


def test_near_without_radius_lists_unplaced_entries_last(index) -> None:
    """Entries without coordinates cannot be measured, so they come after every placed one."""
    result = search(index, Query(near=CENTER_CITY))
    assert _names(result)[-1] == "Online Family Circle"
    assert math.isnan(result["distance_miles"].iloc[-1])


def test_without_a_place_name_matches_come_first_then_a_to_z(index) -> None:
    """Text that appears in a name ranks above text found only elsewhere."""
    result = search(index, Query(text="recovery"))
    assert _names(result) == ["Bridge Recovery House", "Kensington Recovery Center"]
    assert _names(search(index, Query()))[0] == "Bridge Recovery House"


def test_limit_keeps_the_nearest(index) -> None:
    """A limit returns the closest results, still in order."""
    assert _names(search(index, Query(near=CENTER_CITY, limit=2))) == [
        "Thursday Sober Volleyball", "Kensington Recovery Center"]


def test_empty_directory_searches_to_nothing() -> None:
    """An empty data folder is a valid, empty directory."""
    empty = build_index(pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS}))
    assert search(empty, Query(text="anything", near=CENTER_CITY, radius_miles=5)).empty


def test_results_match_a_brute_force_scan() -> None:
    """On 3,000 random rows the indexed search equals a plain row-by-row filter."""
    from directory.geo import haversine_miles

    frame = synthetic_frame(3000, seed=11)
    index = build_index(frame)
    query = Query(text="sober", support_types=("emotional", "instrumental"), near=(39.95, -75.2),
                  radius_miles=12)
    got = search(index, query)
    expected = []
    for _, row in frame.iterrows():
        if row["status"] != "active" or "sober" not in " ".join(
                row[c] for c in ("name", "organization", "description", "tags")).lower():
            continue
        if not set(split_list(row["support_types"])) & {"emotional", "instrumental"}:
            continue
        miles = float(haversine_miles(39.95, -75.2, [float(row["latitude"])], [float(row["longitude"])])[0])
        if miles <= 12:
            expected.append((miles, row["id"]))
    assert list(got["id"]) == [rid for _, rid in sorted(expected)]


def test_open_now_keeps_only_entries_open_at_that_moment() -> None:
    """With open_at set, only entries whose weekly hours are open then are listed; unknown hours are left out."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    index = build_index(_frame({"name": "Weekday Center", "hours": "Mon-Fri 09:00-17:00"},
                               {"name": "Late Social", "hours": "Fri 20:00-02:00"},
                               {"name": "No Hours Listed", "hours": ""}))
    ny = ZoneInfo("America/New_York")
    assert _names(search(index, Query(open_at=datetime(2026, 11, 23, 10, 0, tzinfo=ny)))) == ["Weekday Center"]
    assert _names(search(index, Query(open_at=datetime(2026, 11, 28, 1, 0, tzinfo=ny)))) == ["Late Social"]
    assert len(search(index, Query())) == 3


def test_a_limit_still_counts_every_match(index) -> None:
    """attrs["matches"] counts every match, with or without a limit, near a place or not."""
    assert search(index, Query()).attrs["matches"] == 4
    assert len(search(index, Query(limit=2))) == 2 and search(index, Query(limit=2)).attrs["matches"] == 4
    near = search(index, Query(near=CENTER_CITY, radius_miles=5, limit=1))
    assert len(near) == 1 and near.attrs["matches"] == 2


def test_a_to_z_order_equals_sorting_the_names_on_every_search() -> None:
    """The A-to-Z order kept per index gives what sorting the names each time gave, equal names by row."""
    import numpy as np

    frame = synthetic_frame(2000, seed=5)  # three words from a short list: many names repeat
    index = build_index(frame)
    for query in (Query(), Query(text="sober"), Query(support_types=("emotional",)), Query(limit=30)):
        rows = np.flatnonzero(index.active)
        if query.text:
            rows = rows[[query.text in text for text in index.text[rows]]]
        if query.support_types:
            rows = rows[[("emotional" in cell) for cell in frame["support_types"].to_numpy()[rows]]]
        in_name = np.array([query.text in name for name in index.name[rows]]) if query.text else np.zeros(len(rows))
        expected = rows[np.lexsort((index.name[rows].astype(str), ~in_name.astype(bool)))]
        assert list(search(index, query)["id"]) == list(frame["id"].to_numpy()[expected][:query.limit])


def test_a_new_index_never_reuses_another_index_order() -> None:
    """Each index sorts its own names, even one built after another was dropped."""
    first = build_index(_frame({"name": "Beta"}, {"name": "Alpha"}))
    assert _names(search(first, Query())) == ["Alpha", "Beta"]
    del first
    for names in (("Delta", "Charlie", "Echo"), ("Zulu", "Yankee")):
        index = build_index(_frame(*({"name": name} for name in names)))
        assert _names(search(index, Query())) == sorted(names)


@pytest.mark.parametrize("query", [Query(), Query(near=(39.95, -75.16), radius_miles=5.0), Query(text="sober")],
                         ids=["everything", "near", "words"])
def test_asking_for_some_columns_gives_the_same_rows_in_the_same_order(query: Query) -> None:
    """A map's search (only the columns it reads) finds the same rows, in the same order, as a full one."""
    index = build_index(synthetic_frame(2_000, seed=3))
    full = search(index, query)
    narrow = search(index, query, ["id", "name", "latitude"])
    assert list(narrow.columns) == ["id", "name", "latitude", "distance_miles"]
    assert narrow["id"].tolist() == full["id"].tolist()
    assert narrow.attrs["matches"] == full.attrs["matches"]
    pd.testing.assert_series_equal(narrow["distance_miles"], full["distance_miles"])
