"""Bulk edits: every row is validated before anything is written; rows are saved (and placed) like any entry;
deletes retire; stale rows conflict."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.auth import Curator
from directory.curation import BULK_COLUMNS, apply_bulk_edits, bulk_rows
from directory.gazetteer import zip_centroid
from directory.geo import geocode_offline
from directory.store import Store
from directory.ui.table_pages import ROWS_PER_TABLE_PAGE
from tests.apps import counting, signed_in_app
from tests.factories import valid_frame

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


def test_many_edited_rows_are_written_once(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits to many rows and a deletion are one write of the file (plus one for added rows), each row audited."""
    store = Store(sample_dir)
    source = _source(store)
    writes = counting(monkeypatch, Store, "_commit")
    edits = {"edited_rows": {n: {"hours": "Sat 10:00-12:00"} for n in range(5)}, "deleted_rows": [6],
             "added_rows": [{"name": "Sober Chess Club", "category": "sober_social", "support_types": "affiliational",
                             "status": "active"}]}
    result = apply_bulk_edits(store, LEE, source, edits, geocode=geocode_offline)
    assert len(result.saved) == 7 and not result.errors and len(writes) == 2
    assert {e["id"] for e in store.audit_entries() if e["by"] == "lee"} >= set(source["id"].iloc[[0, 1, 2, 3, 4, 6]])


def test_an_edit_that_changes_nothing_once_normalised_is_not_saved(sample_dir: Path) -> None:
    """A phone typed differently but meaning the same number leaves the row (and its version) as it was."""
    store = Store(sample_dir)
    source = _source(store)
    position = int(source.index[source["phone"].str.startswith("(")][0])
    digits = "".join(c for c in source.loc[position, "phone"] if c.isdigit())
    result = apply_bulk_edits(store, LEE, source, {"edited_rows": {position: {"phone": digits}}},
                              geocode=geocode_offline)
    assert not result.saved and not result.errors
    assert store.get(source.loc[position, "id"])["row_version"] == source.loc[position, "row_version"]


@pytest.mark.parametrize(("words", "expected"), [
    ("", ["r1", "r2", "r3"]),
    ("chess", ["r1"]),
    ("CAMDEN", ["r2"]),
    ("hope camden", ["r2"]),
    ("r3", ["r3"]),
    ("nowhere", []),
])
def test_bulk_rows_keep_rows_containing_every_word(words: str, expected: list[str]) -> None:
    """The Bulk edit search looks in the id, name, organization and city, any case, every word."""
    raw = valid_frame({"id": "r1", "name": "Sober Chess Club", "city": "Media"},
                      {"id": "r2", "name": "Open Door", "organization": "Hope Works", "city": "Camden"},
                      {"id": "r3", "name": "Walk", "city": "Media"})
    rows = bulk_rows(raw, words)
    assert list(rows["id"]) == expected and list(rows.columns) == ["id", "row_version", *BULK_COLUMNS]


def test_the_bulk_page_shows_a_page_of_rows_and_searches(sample_dir: Path) -> None:
    """The table holds one page of 100 rows; another page, or a search, shows other rows of the file."""
    raw = Store(sample_dir).read_raw()
    assert len(raw) > ROWS_PER_TABLE_PAGE
    at = signed_in_app(sample_dir).switch_page("pages/bulk.py").run()
    assert list(at.data_editor[0].value["id"]) == list(raw["id"].head(ROWS_PER_TABLE_PAGE))
    at.number_input(key="b_page").set_value(2).run()
    assert list(at.data_editor[0].value["id"]) == list(raw["id"].iloc[ROWS_PER_TABLE_PAGE:2 * ROWS_PER_TABLE_PAGE])
    city = raw["city"].iloc[0]
    at.text_input(key="b_words").set_value(city.lower()).run()
    shown = at.data_editor[0].value
    assert len(shown) == min(ROWS_PER_TABLE_PAGE, int((raw["city"] == city).sum()))
    assert set(shown["city"]) == {city}
    at.text_input(key="b_words").set_value("no entry says this").run()
    assert at.data_editor[0].value.empty and any("No entry" in info.value for info in at.info)


def test_unsaved_changes_hold_the_page_until_saved_or_discarded(sample_dir: Path) -> None:
    """With changes in the table, search and page are disabled; Discard brings the page back as stored."""
    at = signed_in_app(sample_dir).switch_page("pages/bulk.py").run()
    first = at.data_editor[0].value.iloc[0]
    at.session_state["b_editor"] = {"edited_rows": {0: {"name": "Not kept"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert at.text_input(key="b_words").disabled and at.number_input(key="b_page").disabled
    at.button(key="b_discard").click().run()
    assert not at.exception
    assert not at.text_input(key="b_words").disabled and not at.number_input(key="b_page").disabled
    assert at.data_editor[0].value.iloc[0]["name"] == first["name"]
    assert Store(sample_dir).get(first["id"])["name"] == first["name"]
