"""Atomic writes: a reader sees the old file or the new one, whole, and a failed write leaves no trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.files import append_durably, copy_atomically, write_atomically


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    """The new content is there, and no temporary file is left beside it."""
    target = tmp_path / "data" / "accounts.json"
    write_atomically(target, lambda out: out.write("old"))
    write_atomically(target, lambda out: out.write("new\n"))
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in target.parent.iterdir()] == ["accounts.json"]


def test_a_failed_write_keeps_the_old_version_and_removes_its_temporary_file(tmp_path: Path) -> None:
    """An error half-way through changes nothing a reader can see."""
    target = tmp_path / "cache.json"
    target.write_text("old", encoding="utf-8")

    def half_then_fail(out) -> None:
        out.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomically(target, half_then_fail, temp_prefix=".cache-")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]


def test_appends_keep_every_entry_in_order_and_create_the_folder(tmp_path: Path) -> None:
    """A log is created on first use; each append adds to the end and nothing is rewritten."""
    log = tmp_path / "new" / "log.jsonl"
    append_durably(log, '{"n": 1}\n')
    append_durably(log, '{"n": 2}\n{"n": 3}\n')
    assert log.read_text(encoding="utf-8").splitlines() == ['{"n": 1}', '{"n": 2}', '{"n": 3}']


def test_a_copy_is_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """A snapshot copy matches its source byte for byte (line endings included), with nothing left beside it."""
    source = tmp_path / "resources.csv"
    source.write_bytes(b"id,name\r\nr-1,\xc3\x89cole\r\n")
    target = tmp_path / "snapshots" / "resources-1.csv"
    copy_atomically(source, target)
    assert target.read_bytes() == source.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["resources-1.csv"]
