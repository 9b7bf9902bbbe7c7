"""The HSDS 3.0 export checked against the OFFICIAL spec (vendored datapackage.json), and its lossless round trip."""

from __future__ import annotations

import csv
import json
import shutil
import uuid
from pathlib import Path

import pytest
from frictionless import Package, system

from directory.auth import Curator
from directory.interop import hsds_spec
from directory.interop.hsds import _NAMESPACE, TAXONOMY_UUID, _uid, export_hsds, export_tables, read_hsds
from directory.interop.importer import import_rows
from directory.privacy import is_confidential, listable, public_view
from directory.store import Store
from tests.factories import valid_frame

SPEC = Path(__file__).parent / "fixtures" / "hsds30_spec" / "datapackage.json"
DANA = Curator("dana", "curator")
# Columns the store manages itself; an import never sets them.
MANAGED = {"row_version", "created_at", "created_by", "updated_at", "updated_by"}


def _official() -> dict:
    return json.loads(SPEC.read_text(encoding="utf-8"))


def _validate_with_official(package: Path, tmp_path: Path) -> list[str]:
    """frictionless's findings for the exported tables under the official descriptor (not our own copy)."""
    folder = tmp_path / "official"
    folder.mkdir()
    for table in package.glob("*.csv"):
        shutil.copy(table, folder / table.name)
    shutil.copy(SPEC, folder / "datapackage.json")
    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).validate()
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors]


def _tables(package: Path) -> dict[str, list[dict[str, str]]]:
    return {p.stem: list(csv.DictReader(p.open(encoding="utf-8", newline=""))) for p in package.glob("*.csv")}


def _schema_summary(descriptor: dict) -> list[tuple]:
    """What a validator checks of each resource: name, file, fields in order with type/format/constraints, keys."""
    found = []
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        fields = [(f["name"], f["type"], f.get("format", ""), f.get("constraints", {}).get("required", False),
                   f.get("constraints", {}).get("unique", False), tuple(f.get("constraints", {}).get("enum", ())))
                  for f in schema["fields"]]
        keys = [(k["fields"], k["reference"]["resource"], k["reference"]["fields"])
                for k in schema.get("foreignKeys", [])]
        found.append((resource["name"], resource["path"], fields, schema["primaryKey"], keys))
    return found


def test_the_transcribed_spec_is_the_official_datapackage() -> None:
    """hsds_spec declares every official table, field, type, format, constraint and key, in the spec's order."""
    official = _official()
    assert official["version"] == hsds_spec.SPEC_VERSION
    assert _schema_summary(hsds_spec.datapackage("x")) == _schema_summary(official)


def test_every_table_of_the_sample_export_is_valid_against_the_official_spec(sample_dir: Path,
                                                                               tmp_path: Path) -> None:
    """Names and order, required, types, formats, enums, unique primary keys and resolving foreign keys."""
    package = export_hsds(Store(sample_dir).load().frame, tmp_path / "export")
    assert _validate_with_official(package, tmp_path) == []
    official = {r["path"]: [f["name"] for f in r["schema"]["fields"]] for r in _official()["resources"]}
    written = sorted(p.name for p in package.glob("*.csv"))
    assert written == sorted(official)
    for name, fields in official.items():
        with (package / name).open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == fields, name
    tables = _tables(package)
    assert {len(tables[t]) > 0 for t in ("services", "schedules", "attributes", "taxonomy_terms", "phones")} == {True}
    # The spec's phone types (its documentation's list; the descriptor leaves the column open).
    assert {p["type"] for p in tables["phones"]} <= {"text", "voice", "fax", "cell", "video", "pager", "textphone"}


def test_every_id_is_a_stable_uuid_taxonomies_included(sample_dir: Path, tmp_path: Path) -> None:
    """Every id and reference is a UUID; a second export writes the same bytes, so ids never move."""
    frame = Store(sample_dir).load().frame
    first, second = export_hsds(frame, tmp_path / "one"), export_hsds(frame, tmp_path / "two")
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    tables = _tables(first)
    for table, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                if value and (column == "id" or column.endswith("_id")):
                    assert str(uuid.UUID(value)) == value, (table, column, value)
    assert [t["id"] for t in tables["taxonomies"]] == [TAXONOMY_UUID] == [_uid("taxonomy", "peer-recovery-directory")]
    assert {t["taxonomy_id"] for t in tables["taxonomy_terms"]} == {TAXONOMY_UUID}
    assert _uid("term", "category", "support_group") in {t["id"] for t in tables["taxonomy_terms"]}


def test_schedule_values_sit_in_their_own_columns(tmp_path: Path) -> None:
    """WEEKLY is in freq (never timezone); HSDS-only rules fill until/count/wkst; other rules stay in the text."""
    frame = valid_frame(
        {"name": "Open Hours", "hours": "Mon-Fri 09:00-17:00"},
        {"name": "Monthly Circle", "event_start": "2026-01-02T18:30", "event_end": "2026-01-02T20:00",
         "event_timezone": "America/New_York", "recurrence_rule": "FREQ=MONTHLY;BYDAY=1FR;COUNT=6;WKST=SU"},
        {"name": "Daily Check-in", "event_start": "2026-03-01T08:00", "event_timezone": "America/New_York",
         "recurrence_rule": "FREQ=DAILY;COUNT=10"},
        {"name": "Fortnightly Walk", "event_start": "2026-03-03T08:00", "event_timezone": "America/New_York",
         "recurrence_rule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261231"},
    )
    package = export_hsds(frame, tmp_path / "p")
    assert _validate_with_official(package, tmp_path) == []
    rows = _tables(package)["schedules"]
    weekly = [r for r in rows if r["freq"] == "WEEKLY"]
    assert len(weekly) == 6 and {r["timezone"] for r in rows} == {""}
    assert {(r["byday"], r["opens_at"], r["closes_at"]) for r in weekly[:5]} == {
        (day, "09:00:00", "17:00:00") for day in ("MO", "TU", "WE", "TH", "FR")}
    monthly = next(r for r in rows if r["freq"] == "MONTHLY")
    assert (monthly["dtstart"], monthly["byday"], monthly["count"], monthly["wkst"], monthly["opens_at"],
            monthly["closes_at"]) == ("2026-01-02", "1FR", "6", "SU", "18:30:00", "20:00:00")
    daily = next(r for r in rows if r["description"].startswith("FREQ=DAILY"))
    assert (daily["freq"], daily["count"], daily["dtstart"], daily["closes_at"]) == ("", "", "2026-03-01", "")
    walk = next(r for r in rows if "INTERVAL=2" in r["description"])
    assert (walk["freq"], walk["interval"], walk["byday"], walk["until"]) == ("WEEKLY", "2", "TU", "2026-12-31")
    back = [row.values for row in read_hsds(package)]
    assert [b.get("recurrence_rule", "") for b in back] == ["", "FREQ=MONTHLY;BYDAY=1FR;COUNT=6;WKST=SU",
                                                            "FREQ=DAILY;COUNT=10",
                                                            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261231"]


def test_reimporting_the_sample_export_into_its_own_store_changes_nothing(sample_dir: Path, tmp_path: Path) -> None:
    """0 added, 0 updated, all unchanged, the file untouched; every exported field reads back exactly."""
    store = Store(sample_dir)
    frame = store.load().frame
    package = export_hsds(frame, tmp_path / "export")
    rows = read_hsds(package)
    public = public_view(listable(frame))
    assert len(rows) == len(public) > 0
    # What the round trip must carry: the fields this test would miss if the sample lacked them.
    for field in ("category", "support_types", "populations", "languages", "event_start", "event_end",
                  "recurrence_rule", "last_verified", "location_confidential", "hours", "other_phones"):
        assert any(row.values.get(field) for row in rows), field
    for original, row in zip(public.to_dict("records"), rows, strict=True):
        expected = {c: v for c, v in original.items() if c not in MANAGED and v}
        if is_confidential(original):  # the public view's stand-ins stay out, like the street
            expected = {c: v for c, v in expected.items() if c not in ("latitude", "longitude", "geocode_quality")}
        assert {c: v for c, v in row.values.items() if v} == expected, original["id"]
    before = (sample_dir / "resources.csv").read_bytes()
    plan = import_rows(store, rows, by=DANA)
    assert (len(plan.added), len(plan.updated), len(plan.rejected)) == (0, 0, 0)
    assert len(plan.unchanged) == len(rows)
    assert (sample_dir / "resources.csv").read_bytes() == before


@pytest.mark.parametrize("confidential", ["yes", ""])
def test_a_confidential_entry_exports_no_coordinates_and_reimports_unchanged(empty_dir: Path, tmp_path: Path,
                                                                             confidential: str) -> None:
    """The public ZIP-centre stand-ins are not exported, so a re-import keeps the entry's own pin and stays private."""
    store = Store(empty_dir)
    store.add({**valid_frame({"name": "Safe Harbor House", "address": "4417 Hidden Lane", "latitude": "39.9712",
                              "longitude": "-75.2233", "location_confidential": confidential}).iloc[0].to_dict(),
               "id": "house-1"}, by=DANA)
    frame = store.load().frame
    tables = export_tables(frame)
    exported = {a["link_type"]: a["value"] for a in tables["attributes"]}
    assert ("latitude" in exported) == (not confidential)
    assert (tables["locations"][0]["latitude"] == "") == bool(confidential)
    plan = import_rows(store, read_hsds(export_hsds(frame, tmp_path / "p")), by=DANA)
    assert (len(plan.added), len(plan.updated), len(plan.unchanged)) == (0, 0, 1)
    kept = store.get("house-1")
    assert (kept["latitude"], kept["longitude"], kept["location_confidential"]) == ("39.9712", "-75.2233",
                                                                                    confidential)


@pytest.mark.parametrize("parts", [("service", "res-1"), ("term", "support_types", "emotional"), ("phone", "x", "2"),
                                   ("organization", "Café Recovery Ñ")])
def test_ids_are_exactly_uuid5_of_their_parts(parts: tuple[str, ...]) -> None:
    """The export's hand-rolled uuid5 is the standard library's, so ids stay what earlier exports gave."""
    assert _uid(*parts) == str(uuid.uuid5(_NAMESPACE, "|".join(parts)))
