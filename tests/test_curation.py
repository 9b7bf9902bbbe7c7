"""Role-checked edits: saving places an entry from its address, and merges keep what an entry says."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.auth import Curator
from directory.curation import merge_draft, save_entry
from directory.geo import geocode_offline
from directory.store import Store
from tests.factories import make_record

LEE = Curator("lee", "curator")


def test_saving_without_coordinates_places_the_entry_offline(empty_dir: Path) -> None:
    """An entry saved with a ZIP and no coordinates gets the ZIP centre, marked as such."""
    row = save_entry(Store(empty_dir), LEE, make_record(latitude="", longitude="", geocode_quality="", zip="19104"),
                     geocode=geocode_offline)
    assert row["geocode_quality"] == "zip_centroid"
    assert abs(float(row["latitude"]) - 39.96) < 0.05


def test_saving_keeps_coordinates_placed_by_hand(empty_dir: Path) -> None:
    """Coordinates a peer leader placed are never replaced by the geocoder."""
    row = save_entry(Store(empty_dir), LEE, make_record(latitude="40.01", longitude="-75.2",
                                                        geocode_quality="manual"), geocode=geocode_offline)
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
