"""Role-checked edits: one save path that checks, finds duplicates and places; merges keep what an entry says."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.auth import Curator
from directory.curation import merge_draft, save_entry
from directory.gazetteer import zip_centroid
from directory.geo import geocode_offline
from directory.search import Query, build_index, search
from directory.store import Store
from directory.suggestions import Suggestions
from tests.factories import make_record

LEE = Curator("lee", "curator")


def test_saving_without_coordinates_places_the_entry_offline(empty_dir: Path) -> None:
    """An entry saved with a ZIP and no coordinates gets the ZIP centre, marked as such."""
    row = save_entry(Store(empty_dir), LEE, make_record(latitude="", longitude="", geocode_quality="", zip="19104"),
                     geocode=geocode_offline).row
    assert row["geocode_quality"] == "zip_centroid"
    assert abs(float(row["latitude"]) - 39.96) < 0.05


def test_saving_keeps_coordinates_placed_by_hand(empty_dir: Path) -> None:
    """Coordinates a peer leader placed are never replaced by the geocoder."""
    row = save_entry(Store(empty_dir), LEE, make_record(latitude="40.01", longitude="-75.2",
                                                        geocode_quality="manual"), geocode=geocode_offline).row
    assert (row["latitude"], row["geocode_quality"]) == ("40.01", "manual")


def test_saving_needs_a_curator(empty_dir: Path) -> None:
    """No signed-in curator, no save."""
    with pytest.raises(PermissionError):
        save_entry(Store(empty_dir), None, make_record(), geocode=geocode_offline)


def test_merge_fills_only_empty_fields() -> None:
    """A merge keeps the existing values and takes the draft's only where the entry is empty."""
    merged = merge_draft({"name": "Old", "phone": "", "website": "https://example.org/a"},
                         {"name": "New", "phone": "(215) 555-0100", "website": "https://example.org/b"})
    assert merged == {"name": "Old", "phone": "(215) 555-0100", "website": "https://example.org/a"}


def test_a_save_returns_what_stopped_it_and_writes_nothing(empty_dir: Path) -> None:
    """Field errors, likely duplicates and a conflict come back as the result; only a clean save writes."""
    store = Store(empty_dir)
    bad = save_entry(store, LEE, make_record(name="", website="javascript:alert(1)"), geocode=geocode_offline)
    assert set(bad.errors) == {"name", "website"} and not bad.saved
    first = save_entry(store, LEE, make_record(), geocode=geocode_offline).row
    again = save_entry(store, LEE, make_record(name="Tuesday Sober Bowling League"), geocode=geocode_offline)
    assert [(d["id"], d["reason"]) for d in again.duplicates] == [(first["id"], "same phone number")]
    assert len(store.read_raw()) == 1
    anyway = save_entry(store, LEE, make_record(name="Tuesday Sober Bowling League"), geocode=geocode_offline,
                        duplicates_ok=True)
    assert anyway.saved and len(store.read_raw()) == 2
    store.update(first["id"], {"hours": "Sun closed"}, base_version=first["row_version"], by=Curator("dana", "admin"))
    stale = save_entry(store, LEE, {"phone": "215-555-0199"}, geocode=geocode_offline, resource_id=first["id"],
                       base_version=first["row_version"])
    assert stale.conflict is not None and "hours" in stale.conflict.changes
    assert store.get(first["id"])["phone"] == "(215) 555-0100"


def test_an_edit_naming_only_some_fields_is_checked_and_placed_as_a_whole(empty_dir: Path) -> None:
    """An edit of one field keeps the rest, and an entry that had no coordinates is placed on its next save."""
    store = Store(empty_dir)
    row = store.add(make_record(latitude="", longitude="", geocode_quality=""), by=LEE)
    saved = save_entry(store, LEE, {"phone": "215-555-0142"}, geocode=geocode_offline, resource_id=row["id"],
                       base_version=row["row_version"]).row
    assert (saved["name"], saved["phone"], saved["geocode_quality"]) == (row["name"], "(215) 555-0142", "zip_centroid")
    refused = save_entry(store, LEE, {"category": ""}, geocode=geocode_offline, resource_id=row["id"],
                         base_version=saved["row_version"])
    assert "category" in refused.errors and store.get(row["id"])["category"] == row["category"]


def test_an_approved_suggestion_is_placed_from_its_zip_and_found_near_it(empty_dir: Path) -> None:
    """'12 Oak St, 19104' with no coordinates: approving it stores the ZIP centre, so a search near 19104 finds it."""
    store, queue = Store(empty_dir), Suggestions(empty_dir)
    queued = queue.submit("new", fields={"name": "Oak Street Recovery Cafe", "category": "sober_social",
                                         "address": "12 Oak St", "zip": "19104"})
    draft = {**queued.fields, "support_types": "affiliational", "status": "active"}
    saved = queue.approve(store, LEE, queued, draft, geocode=geocode_offline)
    row = store.get(saved.row["id"])
    assert row["geocode_quality"] == "zip_centroid"
    assert (float(row["latitude"]), float(row["longitude"])) == pytest.approx((39.9597, -75.2024), abs=1e-4)
    found = search(build_index(store.load().frame), Query(near=zip_centroid("19104"), radius_miles=1))
    assert found["id"].tolist() == [row["id"]]
    assert queue.all()[0].result_id == row["id"]
