"""The import engine: upsert by id or external id, nothing lost, dry runs, all or nothing, conflicts."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from directory.auth import Curator
from directory.interop.importer import apply_plan, changes_frame, import_rows, plan_import, rejects_csv
from directory.interop.records import SourceRow
from directory.store import Store
from tests.factories import make_record

DANA = Curator("dana", "curator")


def _rows(*records: dict[str, str]) -> list[SourceRow]:
    return [SourceRow(n, dict(record), raw={"source name": record.get("name", "")}) for n, record in
            enumerate(records, start=1)]


def test_importing_into_an_empty_folder_starts_a_directory_and_a_second_import_changes_nothing(
        empty_dir: Path) -> None:
    """Two new rows are added with the given ids; the same rows again are all unchanged and nothing is written."""
    store = Store(empty_dir)
    rows = [make_record(id="house-1", name="Harbor House"), make_record(external_id="211-77", name="Ride Share")]
    first = import_rows(store, _rows(*rows), by=DANA)
    assert first.summary().split(";")[0] == "imported: 2 added, 0 updated, 0 unchanged, 0 rejected"
    assert set(store.read_raw()["id"]) >= {"house-1"} and len(store.read_raw()) == 2
    audit = store.audit_path.read_text()
    again = import_rows(store, _rows(*rows), by=DANA)
    assert again.summary().split(";")[0] == "imported: 0 added, 0 updated, 2 unchanged, 0 rejected"
    assert store.audit_path.read_text() == audit


def test_a_row_updates_its_entry_by_id_or_external_id_and_keeps_columns_the_source_lacks(empty_dir: Path) -> None:
    """Only the columns the source carries change; the version goes up and the audit log says 'import'."""
    store = Store(empty_dir)
    store.add(make_record(id="a-1", name="Harbor House", description="Kept as it is"), by=DANA)
    store.add(make_record(external_id="211-9", name="Ride Share"), by=DANA)
    plan = import_rows(store, [SourceRow(1, {"id": "a-1", "phone": "215-555-0199"}),
                               SourceRow(2, {"external_id": "211-9", "name": "Ride Share Plus"})], by=DANA)
    assert plan.summary().split(";")[0] == "imported: 0 added, 2 updated, 0 unchanged, 0 rejected"
    assert [c.changed for c in plan.updated] == [("phone",), ("name",)]
    harbor = store.get("a-1")
    assert harbor["phone"] == "(215) 555-0199" and harbor["description"] == "Kept as it is"
    assert harbor["row_version"] == "2"
    assert store.audit_entries("a-1")[-1]["action"] == "import"


def test_only_nameless_and_repeated_rows_are_rejected_and_the_rest_is_salvaged(empty_dir: Path) -> None:
    """A missing name and a duplicate are rejected; a javascript: link and a ragged row come in pending, as text."""
    store = Store(empty_dir)
    rows = [
        SourceRow(1, make_record(name="Good One", address="1 Main St")),
        SourceRow(2, make_record(name=""), raw={"Name": "", "Phone": "=HYPERLINK(\"x\")"}),
        SourceRow(3, make_record(name="Bad Link", website="javascript:alert(1)")),
        SourceRow(4, make_record(name="Too Many Cells"), problems={"row": "has 12 cells but the header has 10"}),
        SourceRow(5, make_record(name="Good One", address="1 Main St")),
    ]
    plan = import_rows(store, rows, by=DANA)
    assert plan.summary() == ("imported: 3 added, 0 updated, 0 unchanged, 2 rejected; "
                              "1 public, 2 pending review, 0 retired")
    reasons = {r.line: r.reasons for r in plan.rejected}
    assert "name" in reasons[2] and "same entry as row 1" in reasons[5]["row"]
    stored = store.read_raw().set_index("name")
    assert stored.loc["Bad Link", "website"] == "" and "'javascript:alert(1)'" in stored.loc["Bad Link", "review_notes"]
    assert stored.loc["Too Many Cells", "review_notes"] == "row: has 12 cells but the header has 10"
    assert (stored["status"] == "pending").sum() == 2
    report = list(csv.DictReader(io.StringIO(rejects_csv(plan.rejected))))
    assert [r["source_row"] for r in report] == ["2", "5"]
    assert report[0]["Phone"] == "'=HYPERLINK(\"x\")"  # a spreadsheet will not run it
    assert "name:" in report[0]["reasons"]


def test_a_pending_entry_stays_off_the_public_pages_until_published(empty_dir: Path) -> None:
    """Salvaged rows are pending: the store keeps them, search never shows them."""
    from directory.search import Query, build_index, search

    store = Store(empty_dir)
    import_rows(store, [SourceRow(1, make_record(name="Odd Hours Club", hours="whenever"))], by=DANA)
    row = store.read_raw().iloc[0]
    assert (row["status"], row["review_reasons"], row["hours_text"]) == ("pending", "unparsed_hours", "whenever")
    assert search(build_index(store.load().frame), Query(text="odd hours")).empty


def test_a_re_import_does_not_send_a_published_entry_back_to_review(empty_dir: Path) -> None:
    """A peer leader published an entry whose hours stayed text; the same file again leaves it public."""
    store = Store(empty_dir)
    rows = [SourceRow(1, make_record(external_id="211-5", name="Odd Hours Club", hours="whenever"))]
    import_rows(store, rows, by=DANA)
    entry = store.read_raw().iloc[0]
    store.update(entry["id"], {"status": "active", "review_reasons": ""}, base_version=1, by=DANA)
    again = import_rows(store, rows, by=DANA)
    assert again.summary().startswith("imported: 0 added, 0 updated, 1 unchanged")
    assert store.read_raw().iloc[0]["status"] == "active"


def test_dry_run_and_all_or_nothing_write_nothing(empty_dir: Path) -> None:
    """A dry run reports what would change; all-or-nothing with a rejected row leaves the folder untouched."""
    store = Store(empty_dir)
    rows = _rows(make_record(name="Fine"), make_record(name="", category="sober_social"))
    dry = import_rows(store, rows, by=DANA, dry_run=True)
    assert dry.summary().split(";")[0] == "imported: 1 added, 0 updated, 0 unchanged, 1 rejected"
    assert not store.path.exists()
    strict = import_rows(store, rows, by=DANA, all_or_nothing=True)
    assert strict.summary().split(";")[0] == "imported: 0 added, 0 updated, 0 unchanged, 1 rejected"
    assert not store.path.exists()


def test_an_address_without_coordinates_is_placed_offline_and_classification_is_inferred(empty_dir: Path) -> None:
    """A ZIP gives a ZIP-centre location; a category implies its kinds of support, marked as inferred."""
    store = Store(empty_dir)
    record = {"name": "Oak Street Recovery Residence", "address": "12 Oak St", "city": "Media", "state": "PA",
              "zip": "19063", "category": "recovery_housing"}
    plan = import_rows(store, [SourceRow(1, record)], by=DANA)
    row = store.read_raw().iloc[0]
    assert row["geocode_quality"] == "zip_centroid" and row["latitude"] == plan.added[0].values["latitude"] != ""
    assert row["support_types"] and "support_types" in plan.added[0].inferred
    assert list(changes_frame(plan)["action"]) == ["add"]


def test_a_sheet_without_ids_matches_its_entries_by_name_and_address(empty_dir: Path) -> None:
    """Re-importing a spreadsheet that has no ids updates instead of duplicating."""
    store = Store(empty_dir)
    sheet = [make_record(name="Sober Bowling", address="1 Lane Rd")]
    import_rows(store, _rows(*sheet), by=DANA)
    plan = import_rows(store, _rows({**sheet[0], "phone": "215-555-0142"}), by=DANA)
    assert plan.summary().split(";")[0] == "imported: 0 added, 1 updated, 0 unchanged, 0 rejected"
    assert len(store.read_raw()) == 1


def test_an_entry_edited_during_the_import_is_not_overwritten(empty_dir: Path) -> None:
    """The plan was made at version 1; a peer leader's save in between wins and the row is reported."""
    store = Store(empty_dir)
    store.add(make_record(id="a-1"), by=DANA)
    plan = plan_import(store.read_raw(), [SourceRow(7, {"id": "a-1", "phone": "215-555-0199"})])
    store.update("a-1", {"description": "edited meanwhile"}, base_version=1, by=Curator("lee", "curator"))
    done = apply_plan(store, plan, by=DANA)
    assert done.summary().split(";")[0] == "imported: 0 added, 0 updated, 0 unchanged, 1 rejected"
    assert "changed by someone else" in done.rejected[0].reasons["row"]
    assert store.get("a-1")["description"] == "edited meanwhile" and store.get("a-1")["phone"] != "(215) 555-0199"


def test_the_rejects_report_neutralises_formulas_in_the_source_headers_too(empty_dir: Path) -> None:
    """A source header that is a formula reaches the spreadsheet as text, like every other cell."""
    rejected = plan_import(Store(empty_dir).read_raw(), [
        SourceRow(1, {}, raw={'=HYPERLINK("http://x")': "click", "+cmd|' /C calc'!A0": "@SUM(1)", "Name": ""}),
    ]).rejected
    rows = list(csv.reader(io.StringIO(rejects_csv(rejected))))
    assert rows[0] == ["source_row", "reasons", '\'=HYPERLINK("http://x")', "'+cmd|' /C calc'!A0", "Name"]
    assert rows[1][2:] == ["click", "'@SUM(1)", ""]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_an_imported_row_is_validated_once_by_the_plan_not_again_by_the_store(
        empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store takes a planned update as checked: it validates only its own columns and the record-wide rules."""
    import directory.store as store_module
    from directory.schema import COLUMNS, STORE_KEPT

    store = Store(empty_dir)
    store.add(make_record(id="a-1", name="Harbor House", description="Kept as it is"), by=DANA)
    checked_by_the_store: list[set[str]] = []
    real = store_module.validate_record

    def spy(raw: dict[str, str], **options: object) -> object:
        normalised = options.get("normalised", frozenset())
        checked_by_the_store.append({c for c in COLUMNS if c not in normalised})  # type: ignore[operator]
        return real(raw, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "validate_record", spy)
    plan = import_rows(store, [SourceRow(1, {"id": "a-1", "phone": "215-555-0199"})], by=DANA)
    assert [c.changed for c in plan.updated] == [("phone",)]
    assert checked_by_the_store == [{"id", *STORE_KEPT}]
    harbor = store.get("a-1")
    assert harbor["phone"] == "(215) 555-0199" and harbor["description"] == "Kept as it is"
    assert list(store.audit_entries("a-1")[-1]["changes"]) == ["phone"]  # the audit names what changed, only


def test_planning_and_writing_pause_the_cycle_collector_and_leave_it_as_they_found_it(empty_dir: Path) -> None:
    """The collector is running again after an import, and stays off when the caller had turned it off."""
    import gc

    store = Store(empty_dir)
    import_rows(store, _rows(make_record(name="Harbor House")), by=DANA)
    assert gc.isenabled()
    gc.disable()
    try:
        import_rows(store, _rows(make_record(name="Ride Share")), by=DANA)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert len(store.read_raw()) == 2
