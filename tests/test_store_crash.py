"""A writer killed at any step of a write: every change a reader can see has its audit lines, and no other does."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import directory.store as store_module
from directory.auth import Curator
from directory.store import Store
from tests.factories import make_record

DANA = Curator("dana", "curator")


def _visible(store: Store) -> set[tuple[str, int]]:
    return {(row["id"], int(row["row_version"])) for row in store.read_raw().to_dict("records")}


def _audited(store: Store) -> set[tuple[str, int]]:
    return {(entry["id"], int(entry["version"])) for entry in store.audit_entries() if "id" in entry}


def _assert_log_matches_file(store: Store) -> None:
    visible, audited = _visible(store), _audited(store)
    assert visible <= audited, f"visible versions with no audit line: {sorted(visible - audited)[:5]}"
    newest = dict(sorted(visible))
    beyond = {(i, v) for i, v in audited if v > newest.get(i, 0)}
    assert not beyond, f"audit lines of changes that never became visible: {sorted(beyond)[:5]}"


def _seeded(folder: Path) -> tuple[Store, str]:
    store = Store(folder, snapshots_kept=0)
    first = store.add(make_record(name="Harbor House"), by=DANA)
    return store, first["id"]


class Killed(BaseException):
    """Stands for the writer's process dying at that point: nothing after it runs."""


def test_a_writer_killed_while_appending_to_the_log_leaves_no_unaudited_change(
        empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit append is torn half-way and the writer dies: the file must not show the change."""
    store, entry_id = _seeded(empty_dir)
    before = store.path.read_bytes()

    def torn_append(path: Path, text: str | Iterable[str]) -> None:
        text = text if isinstance(text, str) else "".join(text)  # a batch's lines may come one at a time
        with path.open("a", encoding="utf-8") as log:
            log.write(text[: len(text) // 2])
        raise Killed

    monkeypatch.setattr(store_module, "append_durably", torn_append)
    with pytest.raises(Killed):
        store.add_many([make_record(name=f"New {n}") for n in range(20)], by=DANA)
    monkeypatch.undo()
    assert store.path.read_bytes() == before, "the change became visible although its audit lines were torn"
    _assert_log_matches_file(store)
    store.update(entry_id, {"phone": "215-555-0199"}, base_version=1, by=DANA)  # the next write settles the log
    _assert_log_matches_file(store)
    assert store.audit_entries(entry_id)[-1]["changes"] == {"phone": ["(215) 555-0100", "(215) 555-0199"]}


@pytest.mark.parametrize("chunk", [1 << 16, 10], ids=["whole tail", "tail read in 10-byte pieces"])
@pytest.mark.parametrize(("step", "visible"), [("audit_written", False), ("renamed", True)])
def test_a_writer_killed_at_each_step_is_settled_by_the_next_write(
        empty_dir: Path, monkeypatch: pytest.MonkeyPatch, step: str, visible: bool, chunk: int) -> None:
    """Killed after the log, before the rename: not applied. Killed after the rename: applied, and audited."""
    store, entry_id = _seeded(empty_dir)
    monkeypatch.setattr(store_module, "_TAIL_CHUNK", chunk)

    def die(at: str) -> None:
        if at == step:
            raise Killed

    monkeypatch.setattr(store_module, "crash_point", die)
    with pytest.raises(Killed):
        store.update(entry_id, {"name": "Harbor House Renamed"}, base_version=1, by=DANA)
    monkeypatch.setattr(store_module, "crash_point", lambda at: None)
    assert (store.get(entry_id)["name"] == "Harbor House Renamed") is visible
    _assert_log_matches_file(store)  # a reader judges the unsettled write by the file itself
    assert [e["version"] for e in store.audit_entries(entry_id)] == ([1, 2] if visible else [1])

    version = 2 if visible else 1
    store.update(entry_id, {"phone": "215-555-0199"}, base_version=version, by=DANA)
    _assert_log_matches_file(store)
    settled = [json.loads(line) for line in store.audit_path.read_text(encoding="utf-8").splitlines()]
    assert [r["applied"] for r in settled if "applied" in r] == [True, visible, True]
    assert [e["version"] for e in store.audit_entries(entry_id)] == list(range(1, version + 2))


def test_a_torn_last_line_does_not_swallow_the_next_entry(empty_dir: Path) -> None:
    """A log ending in half a line (an older log, or a crash) gets a line end before the next write's lines."""
    store, entry_id = _seeded(empty_dir)
    with store.audit_path.open("a", encoding="utf-8") as log:
        log.write('{"at": "2026-01-01T00:00:00Z", "by": "x", "act')
    store.update(entry_id, {"phone": "215-555-0199"}, base_version=1, by=DANA)
    assert [e["version"] for e in store.audit_entries(entry_id)] == [1, 2]


def _write_until_killed(folder: str, entry_id: str) -> None:
    store = Store(folder, snapshots_kept=0)
    writer = Curator(f"writer-{os.getpid()}", "curator")
    batch = 0
    while True:
        batch += 1
        store.add_many([make_record(name=f"Batch {os.getpid()}-{batch} entry {n}", description="x" * 300)
                        for n in range(150)], by=writer)
        version = int(store.get(entry_id)["row_version"])
        store.update(entry_id, {"description": f"edit {version}"}, base_version=version, by=writer)


def test_writers_killed_at_random_moments_never_leave_a_change_without_its_audit_line(empty_dir: Path) -> None:
    """SIGKILL a writer 20 times at random moments: each time, every visible row version has its audit line."""
    context = multiprocessing.get_context("fork")  # starts at once: the test's time goes into writes and kills
    chance = random.Random(14)
    mid_write = 0
    for attempt in range(20):
        # A fresh folder each time keeps the file small, so the log's share of each write (where the old
        # order, rename then log, lost lines) is large, and checking stays quick.
        store, entry_id = _seeded(empty_dir / f"kill-{attempt}")
        writer = context.Process(target=_write_until_killed, args=(str(store.data_dir), entry_id))
        writer.start()
        time.sleep(chance.uniform(0.01, 0.2))
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        last = store.audit_path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        mid_write += b'"applied"' not in last or any(store.data_dir.glob(".resources-*.tmp"))
        _assert_log_matches_file(store)
        store.update(entry_id, {"name": "After the kill"}, base_version=store.get(entry_id)["row_version"], by=DANA)
        _assert_log_matches_file(store)
    assert mid_write, "no kill landed during a write; the test proved nothing"
