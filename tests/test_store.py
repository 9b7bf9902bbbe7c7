"""The CSV store: safe concurrent writes, versions, audit log, snapshots and honest loading."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from directory.auth import Curator
from directory.schema import COLUMNS
from directory.store import ConflictError, NotFoundError, Store, ValidationError
from tests.factories import make_record

DANA, LEE, SAM = (Curator(name, "curator") for name in ("dana", "lee", "sam"))
ADMIN = Curator("admin", "admin")


def test_add_assigns_id_version_and_timestamps(empty_dir: Path) -> None:
    """A new entry gets an id, version 1 and who/when stamps, and starts active."""
    store = Store(empty_dir)
    row = store.add(make_record(), by=DANA)
    assert row["id"].startswith("r-")
    assert row["row_version"] == "1"
    assert row["status"] == "active"
    assert row["created_by"] == row["updated_by"] == "dana"
    assert row["created_at"].endswith("Z")
    assert store.get(row["id"])["name"] == "Tuesday Sober Bowling"


def test_add_refuses_an_invalid_record_and_writes_nothing(empty_dir: Path) -> None:
    """A record with bad fields raises ValidationError naming each field; the file is not created."""
    store = Store(empty_dir)
    with pytest.raises(ValidationError) as caught:
        store.add(make_record(name="", website="javascript:alert(1)"), by=DANA)
    assert set(caught.value.errors) == {"name", "website"}
    assert not store.path.exists()


def test_cells_are_read_as_strings(empty_dir: Path) -> None:
    """ZIP 02134 keeps its leading zero and an empty cell stays empty after a round trip."""
    store = Store(empty_dir)
    row = store.add(make_record(zip="02134", city="Allston", state="MA", phone=""), by=DANA)
    again = Store(empty_dir).get(row["id"])
    assert again["zip"] == "02134"
    assert again["phone"] == ""


def test_update_bumps_the_version_and_audits_before_and_after(empty_dir: Path) -> None:
    """An edit based on the current version is saved, versioned and logged with before/after values."""
    store = Store(empty_dir)
    row = store.add(make_record(), by=DANA)
    updated = store.update(row["id"], {"phone": "(215) 555-0199"}, base_version=1, by=LEE)
    assert updated["row_version"] == "2"
    assert updated["updated_by"] == "lee"
    last = store.audit_entries(row["id"])[-1]
    assert last["action"] == "update"
    assert last["by"] == "lee"
    assert last["changes"] == {"phone": ["(215) 555-0100", "(215) 555-0199"]}


def test_stale_edit_is_refused_with_what_changed(empty_dir: Path) -> None:
    """A second edit based on an old version is refused, names the changed fields, and saves nothing."""
    store = Store(empty_dir)
    row = store.add(make_record(), by=DANA)
    store.update(row["id"], {"phone": "(215) 555-0199", "hours": "Tue 18:00-21:00"}, base_version=1, by=LEE)
    before = store.path.read_bytes()
    with pytest.raises(ConflictError) as caught:
        store.update(row["id"], {"name": "Tuesday Bowling Night"}, base_version=1, by=SAM)
    assert set(caught.value.changes) == {"phone", "hours"}
    assert caught.value.changes["phone"] == ["(215) 555-0100", "(215) 555-0199"]
    assert "lee" in str(caught.value)
    assert store.path.read_bytes() == before


def test_update_cannot_overwrite_managed_fields(empty_dir: Path) -> None:
    """Callers cannot forge the version or the who/when stamps."""
    store = Store(empty_dir)
    row = store.add(make_record(), by=DANA)
    updated = store.update(row["id"], {"row_version": "99", "created_by": "mallory", "name": "New"},
                           base_version=1, by=LEE)
    assert updated["row_version"] == "2"
    assert updated["created_by"] == "dana"


def test_update_of_unknown_id_raises_not_found(empty_dir: Path) -> None:
    """Editing an id that does not exist is an error, not a silent add."""
    store = Store(empty_dir)
    store.add(make_record(), by=DANA)
    with pytest.raises(NotFoundError):
        store.update("nope", {"name": "x"}, base_version=1, by=LEE)


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    columns = [*COLUMNS, "local_note"]
    pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows]).to_csv(path, index=False)


def _stored_row(resource_id: str, **fields: str) -> dict[str, str]:
    return {**make_record(**fields), "id": resource_id, "status": "active", "row_version": "1", "local_note": "keep"}


def test_bad_row_is_reported_and_never_lost(empty_dir: Path) -> None:
    """A row that fails validation is listed with row, field and reason, and survives later writes."""
    store = Store(empty_dir)
    _write_rows(store.path, [_stored_row("good-1"), _stored_row("bad-1", latitude="123"), _stored_row("good-2")])
    loaded = store.load()
    assert list(loaded.frame["id"]) == ["good-1", "good-2"]
    assert [(p.row_number, p.resource_id, p.field) for p in loaded.problems] == [(3, "bad-1", "latitude")]
    assert "between -90 and 90" in loaded.problems[0].message

    store.update("good-1", {"name": "Renamed"}, base_version=1, by=LEE)
    raw = store.read_raw()
    assert list(raw["id"]) == ["good-1", "bad-1", "good-2"]
    assert raw.loc[1, "latitude"] == "123"
    assert list(raw["local_note"]) == ["keep", "keep", "keep"], "unknown columns are kept too"


def test_duplicate_ids_are_reported(empty_dir: Path) -> None:
    """Two rows with one id: the first is shown, the second is reported."""
    store = Store(empty_dir)
    _write_rows(store.path, [_stored_row("same"), _stored_row("same", name="Other")])
    loaded = store.load()
    assert len(loaded.frame) == 1
    assert loaded.problems[0].row_number == 3
    assert "duplicate id" in loaded.problems[0].message


def test_snapshots_are_kept_and_restorable(empty_dir: Path) -> None:
    """Each write keeps the previous file; only the last N are kept, and one can be restored."""
    store = Store(empty_dir, snapshots_kept=2)
    row = store.add(make_record(), by=DANA)
    for version, phone in enumerate(["215-555-0101", "215-555-0102", "215-555-0103"], start=1):
        store.update(row["id"], {"phone": phone}, base_version=version, by=DANA)
    kept = store.snapshots()
    assert len(kept) == 2
    store.restore_snapshot(kept[0].name, by=ADMIN)
    assert store.get(row["id"])["phone"] == "(215) 555-0101"
    assert store.audit_entries()[-1]["action"] == "restore_snapshot"


def test_signature_changes_on_every_write(empty_dir: Path) -> None:
    """The cache key of the file changes whenever any writer replaces it."""
    store = Store(empty_dir)
    row = store.add(make_record(), by=DANA)
    first = store.signature()
    store.update(row["id"], {"name": "Tuesday Bowling"}, base_version=1, by=DANA)
    assert store.signature() != first


def _add_rows(data_dir: str, writer: int, count: int) -> None:
    store = Store(data_dir, snapshots_kept=1)
    for n in range(count):
        store.add(make_record(name=f"Writer {writer} entry {n}"), by=Curator(f"writer-{writer}", "curator"))


def test_eight_processes_writing_25_rows_each_lose_none(sample_dir: Path) -> None:
    """Concurrent writers from 8 processes: every one of the 200 new rows is in the file."""
    store = Store(sample_dir)
    before = len(store.read_raw())
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_add_rows, args=(str(sample_dir), w, 25)) for w in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    raw = store.read_raw()
    assert len(raw) == before + 200
    names = set(raw["name"])
    assert all(f"Writer {w} entry {n}" in names for w in range(8) for n in range(25))
    assert raw["id"].is_unique
    assert len(store.audit_entries()) == 200


_WRITER = textwrap.dedent(
    """
    import sys
    from directory.auth import Curator
    from directory.store import Store
    store = Store(sys.argv[1], snapshots_kept=0)
    version = int(store.get("big-0")["row_version"])
    while True:
        version = int(store.update("big-0", {"description": f"edit {version}"}, base_version=version,
                                   by=Curator("writer", "curator"))["row_version"])
    """
)


def test_writer_killed_mid_write_leaves_a_whole_file(empty_dir: Path) -> None:
    """SIGKILL during writes leaves the old or the new file, never a torn one."""
    store = Store(empty_dir)
    rows = [_stored_row(f"big-{i}", description="x" * 400) for i in range(6000)]
    _write_rows(store.path, rows)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    killed_mid_write = 0
    for attempt in range(12):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(empty_dir)], env=env)
        start_sig = store.signature()
        deadline = time.monotonic() + 60
        while store.signature() == start_sig and time.monotonic() < deadline:
            time.sleep(0.01)  # polling the file for the writer's first replace, not a fixed wait
        time.sleep(0.05 + 0.03 * attempt)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        killed_mid_write += any(empty_dir.glob(".resources-*.tmp"))
        raw = store.read_raw()
        assert len(raw) == 6000
        assert raw["id"].is_unique
        assert store.path.read_bytes().endswith(b"\n")
        assert store.load().problems == []
        if killed_mid_write:
            break
    assert killed_mid_write, "no kill landed during a write; the test proved nothing"
    store.update("big-1", {"name": "after the crash"}, base_version=1, by=DANA)
    assert not any(empty_dir.glob(".resources-*.tmp")), "orphaned temporary files are cleaned up"


def test_writes_need_a_signed_in_curator(empty_dir: Path) -> None:
    """The store itself refuses a write without a curator, and a restore without an admin."""
    store = Store(empty_dir)
    with pytest.raises(PermissionError):
        store.add(make_record(), by=None)
    with pytest.raises(PermissionError):
        store.add(make_record(), by="dana")
    row = store.add(make_record(), by=DANA)
    with pytest.raises(PermissionError):
        store.update(row["id"], {"name": "x"}, base_version=1, by=Curator("dana", "visitor"))
    with pytest.raises(PermissionError):
        store.restore_snapshot("any.csv", by=DANA)
    assert len(store.read_raw()) == 1


def test_history_rebuilds_every_version_newest_first(sample_dir: Path) -> None:
    """Each audited change gives a version with its diff and the entry's full values at that point."""
    store = Store(sample_dir)
    row = store.load().frame.iloc[0].to_dict()
    base = int(row["row_version"])
    store.update(row["id"], {"phone": "215-555-0101"}, base_version=base, by=DANA)
    store.update(row["id"], {"name": "Renamed Center", "hours": "Sat closed"}, base_version=base + 1, by=LEE)
    versions = store.history(row["id"])
    assert [v["version"] for v in versions] == [base + 2, base + 1]
    assert versions[0]["by"] == "lee" and set(versions[0]["changes"]) == {"name", "hours"}
    assert versions[0]["values"]["name"] == "Renamed Center"
    assert versions[1]["values"]["name"] == row["name"]
    assert versions[1]["values"]["phone"] == "(215) 555-0101"


def test_restoring_a_version_adds_a_new_one(sample_dir: Path) -> None:
    """Restore this version brings back the old values as a new version; nothing is rewritten."""
    from directory.curation import restore_version

    store = Store(sample_dir)
    row = store.load().frame.iloc[0].to_dict()
    base = int(row["row_version"])
    store.update(row["id"], {"phone": "215-555-0101"}, base_version=base, by=DANA)
    store.update(row["id"], {"phone": "215-555-0102"}, base_version=base + 1, by=DANA)
    restored = restore_version(store, LEE, row["id"], base + 1, base_version=base + 2)
    assert restored["phone"] == "(215) 555-0101" and restored["row_version"] == str(base + 3)
    assert len(store.history(row["id"])) == 3


@pytest.mark.parametrize(("change", "field"), [
    ({"category": ""}, "category"),
    ({"id": "not an id!"}, "id"),
    ({"latitude": "39.95", "longitude": ""}, "longitude"),
])
def test_a_checked_batch_still_refuses_a_row_that_breaks_a_record_rule(
        empty_dir: Path, change: dict[str, str], field: str) -> None:
    """Rows from an import plan skip per-field checks, never the id, required fields or cross-field rules."""
    from directory.schema import validate_record

    record = {**validate_record({**make_record(name="Checked"), "status": "active"}, require_id=False).values,
              **change}
    store = Store(empty_dir)
    with pytest.raises(ValidationError) as refused:
        store.import_batch([record], [], by=Curator("dana", "curator"), checked=True)
    assert field in refused.value.errors and not store.path.exists()


def _as_pandas_writes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


@pytest.mark.parametrize("block", [4096, 3], ids=["whole columns", "three rows at a time"])
def test_a_batch_rewrites_only_its_rows_and_leaves_every_other_byte_as_it_was(
        sample_dir: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """update_many, update and add_many write the file pandas would: the rows they change, the rest unchanged."""
    import directory.store as store_module

    monkeypatch.setattr(store_module, "_WRITE_BLOCK", block)
    store = Store(sample_dir)
    expected = store.read_raw()
    picked = expected.iloc[[1, 4, len(expected) - 1]]
    done = store.update_many([(rid, version, {"description": f"Changed, \"quoted\"\nline {n}"}) for n, (rid, version)
                              in enumerate(zip(picked["id"], picked["row_version"], strict=True))], by=DANA)
    assert len(done.updated) == 3
    for row in done.updated:
        at = expected.index[expected["id"] == row["id"]][0]
        expected.loc[at, list(row)] = list(row.values())
    assert store.path.read_bytes() == _as_pandas_writes(expected)

    one = expected.iloc[2]
    after = store.update(one["id"], {"name": "Renamed, once"}, base_version=one["row_version"], by=DANA)
    expected.loc[expected.index[2], list(after)] = list(after.values())
    assert store.path.read_bytes() == _as_pandas_writes(expected)

    added = store.add_many([make_record(name="Appended")], by=DANA)
    expected = pd.concat([expected, pd.DataFrame(added, columns=expected.columns).fillna("")], ignore_index=True)
    assert store.path.read_bytes() == _as_pandas_writes(expected)


def test_a_batch_keeps_a_column_only_the_file_has(empty_dir: Path) -> None:
    """A column the schema does not know stays in the file, for changed rows and others alike."""
    store = Store(empty_dir)
    first, _ = store.add_many([make_record(name="One"), make_record(name="Two")], by=DANA)
    frame = store.read_raw()
    frame["local_note"] = ["keep me", "and me"]
    frame.to_csv(store.path, index=False, lineterminator="\n")
    store.update_many([(first["id"], "1", {"name": "One renamed"})], by=DANA)
    after = store.read_raw()
    assert list(after["local_note"]) == ["keep me", "and me"]
    assert list(after["name"]) == ["One renamed", "Two"]


def test_a_row_reads_the_same_looked_up_from_the_frame_or_from_lists(
        sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first rows a batch looks at come from the frame's cells; later ones from lists; both as the file says."""
    import directory.store as store_module
    from directory.store import RowTable

    frame = Store(sample_dir).read_raw()
    places = (0, 7, len(frame) - 1)
    from_cells = [RowTable.of(frame)[at] for at in places]
    monkeypatch.setattr(store_module, "_CELLS_BEFORE_LISTS", 0)
    from_lists = [RowTable.of(frame)[at] for at in places]
    assert from_cells == from_lists == [frame.iloc[at].to_dict() for at in places]
