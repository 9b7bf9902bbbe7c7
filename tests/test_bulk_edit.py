"""Bulk edits: every row is validated before anything is written; rows are saved (and placed) like any entry;
deletes retire; stale rows conflict."""

from __future__ import annotations

from pathlib import Path

from directory.auth import Curator
from directory.curation import BULK_COLUMNS, apply_bulk_edits
from directory.gazetteer import zip_centroid
from directory.geo import geocode_offline
from directory.store import Store
from tests.apps import signed_in_app

LEE = Curator("lee", "curator")


def _source(store: Store):
    return store.read_raw()[["id", "row_version", *BULK_COLUMNS]].reset_index(drop=True)


def test_edits_adds_and_deletes_are_applied(sample_dir: Path) -> None:
    """Edited cells update their rows, added rows become entries, deleted rows are retired."""
    store = Store(sample_dir)
    source = _source(store)
    before = len(source)
    edits = {"edited_rows": {0: {"phone": "215-555-0123"}}, "deleted_rows": [1],
             "added_rows": [{"name": "Sober Chess Club", "category": "sober_social", "support_types": "affiliational",
                             "status": "active"}]}
    result = apply_bulk_edits(store, LEE, source, edits, geocode=geocode_offline)
    assert not result.errors and not result.conflicts and len(result.saved) == 3
    assert store.get(source.loc[0, "id"])["phone"] == "(215) 555-0123"
    assert store.get(source.loc[1, "id"])["status"] == "inactive"
    assert len(store.read_raw()) == before + 1


def test_one_bad_row_stops_the_whole_save(sample_dir: Path) -> None:
    """A bad value anywhere means nothing is written, and each bad row is named with its fields."""
    store = Store(sample_dir)
    source = _source(store)
    before = store.path.read_bytes()
    edits = {"edited_rows": {0: {"phone": "215-555-0123"}, 2: {"website": "javascript:alert(1)"}},
             "added_rows": [{"name": "", "category": "sober_social"}]}
    result = apply_bulk_edits(store, LEE, source, edits, geocode=geocode_offline)
    assert set(result.errors) == {f"{source.loc[2, 'name']} ({source.loc[2, 'id']})", "new row 1"}
    assert "website" in result.errors[f"{source.loc[2, 'name']} ({source.loc[2, 'id']})"]
    assert store.path.read_bytes() == before


def test_rows_changed_meanwhile_are_refused(sample_dir: Path) -> None:
    """A row someone else saved after the table was loaded is reported as a conflict, not overwritten."""
    store = Store(sample_dir)
    source = _source(store)
    store.update(source.loc[0, "id"], {"hours": "Sun closed"}, base_version=source.loc[0, "row_version"],
                 by=Curator("dana", "admin"))
    result = apply_bulk_edits(store, LEE, source, {"edited_rows": {0: {"phone": "215-555-0123"}}},
                              geocode=geocode_offline)
    assert result.conflicts == [source.loc[0, "id"]]
    assert store.get(source.loc[0, "id"])["hours"] == "Sun closed"


def test_the_bulk_page_saves_recorded_edits(sample_dir: Path) -> None:
    """On the page, the editor's recorded edits are applied on Save and the table reloads."""
    at = signed_in_app(sample_dir).switch_page("pages/bulk.py").run()
    assert not at.exception
    first = at.data_editor[0].value.iloc[0]
    at.session_state["b_editor"] = {"edited_rows": {0: {"name": "Renamed in bulk"}}, "added_rows": [],
                                    "deleted_rows": []}
    at.button(key="b_save").click().run()
    assert "Saved 1 entry." in at.success[0].value
    assert Store(sample_dir).get(first["id"])["name"] == "Renamed in bulk"
    assert at.data_editor[0].value.iloc[0]["name"] == "Renamed in bulk"


def test_an_added_row_with_a_zip_is_placed(sample_dir: Path) -> None:
    """A row added in the table with only a ZIP is placed at the ZIP's centre, as Curate would place it."""
    store = Store(sample_dir)
    edits = {"added_rows": [{"name": "Sober Chess Club", "category": "sober_social", "support_types": "affiliational",
                             "zip": "19104", "status": "active"}]}
    result = apply_bulk_edits(store, LEE, _source(store), edits, geocode=geocode_offline)
    row = store.get(result.saved[0])
    assert row["geocode_quality"] == "zip_centroid"
    assert (float(row["latitude"]), float(row["longitude"])) == zip_centroid("19104")


def test_a_zip_changed_in_the_table_places_the_row_again(sample_dir: Path) -> None:
    """The table shows no coordinates, so a new ZIP there moves the entry to that ZIP instead of keeping the old pin."""
    store = Store(sample_dir)
    source = _source(store)
    position = int(source.index[source["zip"] != "19104"][0])
    result = apply_bulk_edits(store, LEE, source, {"edited_rows": {position: {"zip": "19104"}}},
                              geocode=geocode_offline)
    row = store.get(source.loc[position, "id"])
    assert result.saved == [row["id"]] and row["geocode_quality"] == "zip_centroid"
    assert (float(row["latitude"]), float(row["longitude"])) == zip_centroid("19104")


def test_the_bulk_page_places_an_added_row(sample_dir: Path) -> None:
    """On the page, a row added with a ZIP column value is saved with the ZIP's coordinates."""
    at = signed_in_app(sample_dir).switch_page("pages/bulk.py").run()
    assert "zip" in at.data_editor[0].value.columns
    at.session_state["b_editor"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"name": "Sober Chess Club", "category": "sober_social", "support_types": "affiliational", "zip": "19104",
         "status": "active"}]}
    at.button(key="b_save").click().run()
    assert not at.exception and "Saved 1 entry." in at.success[0].value
    added = Store(sample_dir).read_raw().query("name == 'Sober Chess Club'").iloc[0]
    assert added["geocode_quality"] == "zip_centroid"
