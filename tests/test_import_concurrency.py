"""Imports of the same rows at the same time, or planned together and applied one after the other, make one entry."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from directory.auth import Curator
from directory.interop.formats import read_source
from directory.interop.importer import apply_plan, plan_import
from directory.interop.records import SourceRow
from directory.store import Store
from tests.factories import make_record

DANA, LEE = Curator("dana", "curator"), Curator("lee", "curator")
PROCESSES = 8


def _import_after_all_planned(folder: str, source: str, planned, results) -> None:
    # Each process plans against the directory as it is, then waits until all have planned: the moment the
    # race needs, made certain. Then it writes.
    import directory.interop.importer as importer

    plan = importer.plan_import

    def plan_then_wait(*args, **kwargs):
        made = plan(*args, **kwargs)
        planned.wait()
        return made

    importer.plan_import = plan_then_wait
    done = importer.import_rows(Store(folder, snapshots_kept=0), read_source(Path(source), "csv"),
                                by=Curator("import", "curator"))
    results.put(done.summary().split(";")[0])


def test_eight_processes_importing_the_same_one_row_file_make_one_entry(empty_dir: Path, tmp_path: Path) -> None:
    """All 8 plan an addition of EXT-42; the first adds it, the other 7 find it under the lock: unchanged."""
    source = tmp_path / "one.csv"
    source.write_text("external_id,name,category,city,state,zip,phone\n"
                      "EXT-42,Harbor House,sober_social,Philadelphia,PA,19104,215-555-0100\n", encoding="utf-8")
    plan_import(Store(tmp_path).read_raw(), read_source(source, "csv"))  # loads the gazetteer once, before forking
    context = multiprocessing.get_context("fork")
    planned, results = context.Barrier(PROCESSES), context.Queue()
    workers = [context.Process(target=_import_after_all_planned, args=(str(empty_dir), str(source), planned, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    summaries = sorted(results.get(timeout=5) for _ in range(PROCESSES))
    store = Store(empty_dir)
    assert list(store.read_raw()["external_id"]) == ["EXT-42"]
    assert summaries == (["imported: 0 added, 0 updated, 1 unchanged, 0 rejected"] * (PROCESSES - 1) +
                         ["imported: 1 added, 0 updated, 0 unchanged, 0 rejected"])
    assert [e["action"] for e in store.audit_entries()] == ["import"]


@pytest.mark.parametrize("identity", [{"external_id": "EXT-42"}, {"id": "house-1"}, {"address": "12 Oak St"}],
                         ids=["external id", "id", "name and address"])
def test_two_plans_of_the_same_row_applied_one_after_the_other_add_it_once(
        empty_dir: Path, identity: dict[str, str]) -> None:
    """Plan A and plan B both add the row; applied in turn, B finds A's entry and leaves it unchanged."""
    store = Store(empty_dir)
    rows = [SourceRow(3, make_record(name="Harbor House", **identity))]
    plan_a, plan_b = plan_import(store.read_raw(), rows), plan_import(store.read_raw(), rows)
    first = apply_plan(store, plan_a, by=DANA)
    second = apply_plan(store, plan_b, by=LEE)
    assert first.summary().split(";")[0] == "imported: 1 added, 0 updated, 0 unchanged, 0 rejected"
    assert second.summary().split(";")[0] == "imported: 0 added, 0 updated, 1 unchanged, 0 rejected"
    assert second.unchanged[0].line == 3 and second.unchanged[0].resource_id == first.added[0].resource_id
    assert len(store.read_raw()) == 1 and len(store.audit_entries()) == 1


def test_a_later_plan_of_a_changed_row_updates_the_entry_added_meanwhile(empty_dir: Path) -> None:
    """Plan B carries a new phone for EXT-42: it becomes an update of A's entry, said so in its notes."""
    store = Store(empty_dir)
    plan_a = plan_import(store.read_raw(), [SourceRow(1, make_record(external_id="EXT-42", name="Harbor House"))])
    plan_b = plan_import(store.read_raw(), [SourceRow(1, make_record(external_id="EXT-42", name="Harbor House",
                                                                     phone="215-555-0199"))])
    added = apply_plan(store, plan_a, by=DANA).added[0]
    second = apply_plan(store, plan_b, by=LEE)
    assert second.summary().split(";")[0] == "imported: 0 added, 1 updated, 0 unchanged, 0 rejected"
    assert second.updated[0].changed == ("phone",) and "added by someone else" in second.updated[0].notes[-1]
    entry = store.get(added.resource_id)
    assert (entry["phone"], entry["row_version"], len(store.read_raw())) == ("(215) 555-0199", "2", 1)


def test_a_later_plan_keeps_its_other_new_rows(empty_dir: Path) -> None:
    """Only the rows added meanwhile change course: plan B's other new row is still added."""
    store = Store(empty_dir)
    shared = make_record(external_id="EXT-42", name="Harbor House")
    plan_a = plan_import(store.read_raw(), [SourceRow(1, shared)])
    plan_b = plan_import(store.read_raw(), [SourceRow(1, shared), SourceRow(2, make_record(name="Ride Share"))])
    apply_plan(store, plan_a, by=DANA)
    second = apply_plan(store, plan_b, by=LEE)
    assert [(c.line, c.name) for c in second.added] == [(2, "Ride Share")]
    assert [c.line for c in second.unchanged] == [1]
    assert sorted(store.read_raw()["name"]) == ["Harbor House", "Ride Share"]


def test_a_later_plan_does_not_send_an_entry_published_meanwhile_back_to_review(empty_dir: Path) -> None:
    """A's row came in pending and a peer leader published it; B, planned before, leaves it public."""
    store = Store(empty_dir)
    rows = [SourceRow(1, make_record(external_id="EXT-7", name="Odd Hours Club", hours="whenever"))]
    plan_a, plan_b = plan_import(store.read_raw(), rows), plan_import(store.read_raw(), rows)
    added = apply_plan(store, plan_a, by=DANA).added[0]
    assert added.values["status"] == "pending"
    store.update(added.resource_id, {"status": "active", "review_reasons": ""}, base_version=1, by=LEE)
    second = apply_plan(store, plan_b, by=DANA)
    assert second.summary().split(";")[0] == "imported: 0 added, 0 updated, 1 unchanged, 0 rejected"
    assert store.get(added.resource_id)["status"] == "active" and len(store.read_raw()) == 1
