"""The CSV store: one file of resources, written safely by many sessions and processes.

Every write holds a file lock across its read-modify-write, snapshots the old
file, and replaces the file atomically (temporary file in the same folder, fsync,
rename), so a reader or a killed writer only ever sees a whole file. Each change
bumps the row's version and is logged in audit.jsonl with before and after values.

The log is written first: a write's entries and a pending record naming the new
file (size and SHA-256) are appended and fsynced before the rename makes the change
visible, then a marker says the write is done. A writer killed in between leaves a
pending record; the next write (under the lock) settles it against the file, marking
it applied when the file is that version and not applied otherwise, and readers
judge an unsettled one the same way. So every visible change has its audit lines,
and a change that never became visible has none a reader sees.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import secrets
import uuid
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from filelock import FileLock

from directory import config
from directory.auth import Curator, require_role
from directory.errors import DirectoryError, DirectoryLookupError, Message, message_of
from directory.files import append_durably, copy_atomically, file_identity, write_atomically
from directory.i18n import N_
from directory.schema import (
    COLUMNS,
    UNCHANGEABLE,
    FieldError,
    ValidationResult,
    rule_errors,
    validate_field,
    validate_record,
)

AUDIT_FILE = "audit.jsonl"
SNAPSHOT_DIR = "snapshots"
_TEMP_PREFIX = ".resources-"
# Written by the store itself, so a stale edit cannot overwrite them.
_MANAGED = UNCHANGEABLE


def utc_now() -> str:
    """The current UTC time as an ISO 8601 timestamp with a Z suffix."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


_EMPTY_ROW = dict.fromkeys(COLUMNS, "")
# One encoder for every audit line (json.dumps with options builds a new one per call); keys stay in the
# order written: when, who, what, then the changed columns in the schema's order.
_AUDIT_JSON = json.JSONEncoder(ensure_ascii=False)
# Columns an audit entry records; the store's own bookkeeping columns are in every entry's header instead.
_AUDITED = tuple(c for c in COLUMNS if c not in _MANAGED)
# Columns a caller may hand over already validated; the store always checks the ones it keeps itself.
_CHECKABLE = frozenset(COLUMNS) - frozenset(UNCHANGEABLE)
# How much of the audit log's end is read at a time when looking for the last write's state.
_TAIL_CHUNK = 1 << 16


def crash_point(step: str) -> None:
    """Nothing: the named steps of a write ("audit_written", "renamed") where tests stop a writer dead."""


# An audit entry, or a function making it when it is logged: an addition's entry is made from its row then, so a
# batch of 100,000 additions never holds 100,000 entries at once.
AuditEntry = dict | Callable[[], dict]
# An import's second look, under the lock: given the rows as they are, the adds and updates to write.
Recheck = Callable[["RowTable"], tuple[Iterable[Mapping[str, str]], Iterable[tuple[str, str, Mapping[str, str]]]]]


@dataclass(frozen=True)
class RowProblem:
    """A row of the file that failed validation; the row stays in the file untouched."""

    row_number: int  # as a spreadsheet shows it: the header is row 1
    resource_id: str
    field: str
    message: str  # in English, whoever loaded it: a loaded version is shared by sessions in every language

    def __post_init__(self) -> None:
        # Kept as a Message made in English, which carries its id and values for saying it in another language.
        object.__setattr__(self, "message", message_of(self.message).english)

    def text(self) -> str:
        """The message in the current language, for showing it."""
        return self.message.text()


@dataclass
class LoadResult:
    """The valid rows as a frame of strings, and every problem found on the way."""

    frame: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class BatchResult:
    """What one import batch wrote, and the updates left out because their rows changed meanwhile."""

    added: list[dict[str, str]] = field(default_factory=list)
    updated: list[dict[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    invalid: dict[str, dict[str, str]] = field(default_factory=dict)


class ValidationError(DirectoryError, ValueError):
    """A record was refused; `errors` maps each bad field to its message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


class ConflictError(DirectoryError, RuntimeError):
    """An edit was based on an old version; `changes` says what others changed since."""

    def __init__(self, resource_id: str, base_version: int, current: dict[str, str], changes: dict[str, list[str]]):
        self.resource_id = resource_id
        self.base_version = base_version
        self.current = current
        self.changes = changes
        # A Message, so a conflict kept in a session is said in the language it is shown in; the field names
        # are the CSV's own column names, kept as they are.
        fields = ", ".join(sorted(changes)) or Message(N_("unknown fields"))
        super().__init__(Message(
            N_("'{name}' was changed by {who} at {when} (now version {version}, your edit was based on version "
               "{base}). Changed since: {fields}. Nothing was saved."),
            name=current.get("name", resource_id), who=current.get("updated_by") or Message(N_("someone")),
            when=current.get("updated_at") or Message(N_("an unknown time")), version=current.get("row_version"),
            base=base_version, fields=fields))


class NotFoundError(DirectoryLookupError):
    """No resource has this id (`resource_id`)."""

    def __init__(self, resource_id: str):
        self.resource_id = resource_id
        super().__init__(Message(N_("no resource has the id {id}"), id=resource_id))


class StoreReadError(DirectoryError, RuntimeError):
    """The resources file cannot be read as CSV; nothing is written until it is fixed."""


class SnapshotNotFound(DirectoryError, FileNotFoundError):
    """restore_snapshot was given a name that is not a kept snapshot."""


def read_resources_csv(path: Path) -> pd.DataFrame:
    """Every row of a resources CSV as strings, with all known columns present and extras kept."""
    return resources_frame(path.read_bytes(), path.name)


def resources_frame(data: bytes, name: str = config.RESOURCES_FILE) -> pd.DataFrame:
    """The rows of a resources CSV's bytes as strings (see read_resources_csv); `name` is used in messages."""
    try:
        frame = _parse_quickly(data)
    except (ValueError, pa.ArrowException, UnicodeDecodeError, StopIteration):
        # Pandas' own parser reads what Arrow's refuses (short or long rows, repeated headers) as it always has.
        frame = _parse_carefully(data, name)
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
    if "id" not in frame.columns or "name" not in frame.columns:
        raise StoreReadError(Message(N_("{name} has no 'id' and 'name' columns; is it the right file?"), name=name))
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    extras = [c for c in frame.columns if c not in COLUMNS]
    return frame[list(COLUMNS) + extras]


def _parse_quickly(data: bytes) -> pd.DataFrame:
    # Arrow's multi-threaded parser, every column as text: about 4 times pandas' at 100,000 rows. It raises on
    # anything unusual, and the careful parser then decides.
    first_line = data[: data.find(b"\n") + 1] if b"\n" in data else data
    names = next(csv.reader([first_line.removeprefix(b"\xef\xbb\xbf").decode("utf-8")]))
    if not all(names) or len(set(names)) != len(names):
        raise ValueError("blank or repeated column names")
    table = pa_csv.read_csv(
        pa.py_buffer(data), parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[],
                                              strings_can_be_null=False, quoted_strings_can_be_null=False))
    return table.to_pandas()


def _parse_carefully(data: bytes, name: str) -> pd.DataFrame | None:
    # Strings only: ZIP 02134 must stay 02134 and an empty cell must stay empty.
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        return None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise StoreReadError(Message(N_("{name} cannot be read as a UTF-8 CSV file: {error}"), name=name,
                                   error=str(error))) from None


DUPLICATE_ID = N_("duplicate id, first used on row {first}")


def duplicate_id(first: int) -> Message:
    """The problem of a row whose id an earlier row (`first`, as a spreadsheet numbers it) already uses."""
    return Message(DUPLICATE_ID, first=first)


def validate_frame(frame: pd.DataFrame) -> LoadResult:
    """Split a raw frame into its valid rows and a list of problems, one per bad field."""
    problems: list[RowProblem] = []
    keep: list[int] = []
    seen: dict[str, int] = {}
    records = frame.to_dict("records")
    for position, record in enumerate(records):
        row_number = position + 2
        result = validate_record(record)
        resource_id = record.get("id", "")
        for name, message in result.errors.items():
            problems.append(RowProblem(row_number, resource_id, name, message))
        if resource_id and resource_id in seen:
            first = seen[resource_id]
            problems.append(RowProblem(row_number, resource_id, "id", duplicate_id(first)))
            continue
        if resource_id:
            seen[resource_id] = row_number
        if result.ok:
            keep.append(position)
    valid = frame.iloc[keep].reset_index(drop=True) if keep else frame.iloc[0:0].copy()
    return LoadResult(valid, problems)


class RowTable:
    """The file's rows for one write, kept as the frame they were read as: only a row that a write looks at,
    changes or adds becomes a dict. Written straight to CSV, as pandas would, without pandas' writer.

    Indexing gives a row as a dict (made when asked, so change a row by assigning it back); `column(name)` gives
    one column's values, for looking rows up without making any dicts.
    """

    def __init__(self, columns: Iterable[str], frame: pd.DataFrame | None = None,
                 rows: Iterable[Mapping[str, str]] = ()) -> None:
        self.columns = list(columns)
        self._frame = frame
        self._read = 0 if frame is None else len(frame)
        # The columns of the rows as read, as lists of text, made when first needed; a row changed since is in
        # _changed, a new one in _added.
        self._lists: dict[str, list[str]] = {}
        # The first rows looked at are read from the frame's Arrow columns, one cell at a time: an edit of a
        # few rows never turns all 100,000 rows' cells into Python strings.
        self._arrow: list[pa.Array | pa.ChunkedArray] | None = None
        self._looked_up = 0
        self._changed: dict[int, dict] = {}
        self._added: list[dict] = [dict(row) for row in rows]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> RowTable:
        """A frame of text (as read_raw gives it) as a table."""
        return cls(frame.columns, frame)

    def __len__(self) -> int:
        return self._read + len(self._added)

    def __getitem__(self, at: int) -> dict:
        at = self._index(at)
        if at >= self._read:
            return self._added[at - self._read]
        changed = self._changed.get(at)
        if changed is not None:
            return changed
        if self._looked_up < _CELLS_BEFORE_LISTS and len(self._lists) < len(self.columns):
            self._looked_up += 1
            if self._arrow is None:
                self._arrow = [pa.array(self._frame[name]) for name in self.columns]  # no copy of Arrow text
            return dict(zip(self.columns, [column[at].as_py() for column in self._arrow], strict=True))
        return dict(zip(self.columns, [column[at] for column in self._as_read()], strict=True))

    def __setitem__(self, at: int, row: dict) -> None:
        at = self._index(at)
        if at >= self._read:
            self._added[at - self._read] = row
        else:
            self._changed[at] = row

    def __iter__(self) -> Iterator[dict]:
        return (self[at] for at in range(len(self)))

    def append(self, row: dict) -> None:
        """Add a row at the end."""
        self._added.append(row)

    def column(self, name: str) -> list[str]:
        """Every row's value of one column (empty where a row lacks it), changed and added rows included."""
        values = list(self._column_as_read(name))
        for position, row in self._changed.items():
            values[position] = row.get(name, "")
        return values + [row.get(name, "") for row in self._added]

    def write(self, out: IO[str]) -> None:
        """Write the header and every row (a missing cell is empty), quoting only where CSV needs it.

        Rows as read go out as they came in, a tuple of cells at a time; only changed and added rows are looked
        up by column name.
        """
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        cells = _cells_getter(self.columns)
        unchanged = self._rows_as_read()
        done = 0
        for position in sorted(self._changed):
            writer.writerows(islice(unchanged, position - done))
            next(unchanged)
            writer.writerow(cells(self._changed[position]))
            done = position + 1
        writer.writerows(unchanged)
        writer.writerows(map(cells, self._added))

    def _index(self, at: int) -> int:
        if at < 0:
            at += len(self)
        if not 0 <= at < len(self):
            raise IndexError(at)
        return at

    def _column_as_read(self, name: str) -> list[str]:
        if name not in self._lists:
            known = self._frame is not None and name in self._frame.columns
            self._lists[name] = self._frame[name].tolist() if known else [""] * self._read
        return self._lists[name]

    def _as_read(self) -> list[list[str]]:
        return [self._column_as_read(name) for name in self.columns]

    def _rows_as_read(self) -> Iterator[tuple[str, ...]]:
        # A row's cells at a time. Columns already made into lists are used as they are; otherwise the frame is
        # turned into text a block of rows at a time, so a write that looked at few rows never holds every cell
        # of the file as a Python string.
        if self._frame is None or len(self._lists) == len(self.columns):
            yield from zip(*self._as_read(), strict=True)
            return
        for start in range(0, self._read, _WRITE_BLOCK):
            block = self._frame.iloc[start:start + _WRITE_BLOCK]
            yield from zip(*(block[name].tolist() for name in self.columns), strict=True)


# How many rows are looked up a cell at a time before every column is made a list (about 0.3 s at 100,000 rows,
# then a microsecond a row).
_CELLS_BEFORE_LISTS = 2000
# How many rows of a frame are turned into text at a time when writing: only a block's strings are held at once.
_WRITE_BLOCK = 4096


def _cells_getter(columns: list[str]) -> Callable[[Mapping[str, str]], Sequence[str]]:
    # A row's cells in the file's order (empty where the row lacks a column), picked in C when it has them all.
    if len(columns) < 2:
        return lambda row: [row.get(column, "") for column in columns]
    pick = itemgetter(*columns)

    def cells(row: Mapping[str, str]) -> Sequence[str]:
        try:
            return pick(row)
        except KeyError:
            return [row.get(column, "") for column in columns]
    return cells


# An audit entry's columns of a row, in order.
_AUDITED_CELLS = _cells_getter(list(_AUDITED))


class Store:
    """The resources of one data folder."""

    def __init__(self, data_dir: Path | str, *, snapshots_kept: int = config.DEFAULT_SNAPSHOTS_KEPT,
                 clock: Callable[[], str] = utc_now):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / config.RESOURCES_FILE
        self.audit_path = self.data_dir / AUDIT_FILE
        self.snapshot_dir = self.data_dir / SNAPSHOT_DIR
        self.snapshots_kept = max(0, snapshots_kept)
        self._lock = FileLock(str(self.path) + ".lock", timeout=60)
        self._clock = clock

    # Reading -------------------------------------------------------------

    def signature(self) -> tuple[int, int, int]:
        """Identity of the file's current version, for caches: (inode, mtime_ns, size)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return (0, 0, 0)
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def read_raw(self) -> pd.DataFrame:
        """Every row of the file as strings, valid or not, with all columns present."""
        if not self.path.exists():
            return pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
        return read_resources_csv(self.path)

    def load(self) -> LoadResult:
        """The valid rows and the problems of the rest, as loaded once per version and shared by the process."""
        from directory import loading  # loading builds on the store: imported when first needed

        return loading.load(self)

    def get(self, resource_id: str) -> dict[str, str]:
        """One row by id, as it is in the file."""
        frame = self.read_raw()
        found = frame[frame["id"] == resource_id]
        if found.empty:
            raise NotFoundError(resource_id)
        return found.iloc[0].to_dict()

    # Writing -------------------------------------------------------------

    def add(self, record: Mapping[str, str], *, by: Curator) -> dict[str, str]:
        """Validate and append a new resource; the store assigns its id and version."""
        return self.add_many([record], by=by)[0]

    def add_many(self, records: Iterable[Mapping[str, str]], *, by: Curator) -> list[dict[str, str]]:
        """Validate and append several resources in one write; all or none are added."""
        by = _actor(by)
        with self._lock:
            rows = RowTable.of(self.read_raw())
            existing = set(rows.column("id"))
            now = self._clock()
            added: list[dict[str, str]] = []
            for record in records:
                row = _new_row(record, existing, now, by)
                existing.add(row["id"])
                added.append(row)
                rows.append(row)
            self._commit(rows, [
                partial(_audit_entry, now, by, "add", row["id"], row["row_version"], {}, row) for row in added
            ])
            return added

    def update(self, resource_id: str, changes: Mapping[str, str], *, base_version: int | str,
               by: Curator) -> dict[str, str]:
        """Apply changes to one resource if it is still at base_version; otherwise raise ConflictError."""
        by = _actor(by)
        with self._lock:
            frame = self.read_raw()
            position = _position(frame, resource_id)
            current = frame.iloc[position].to_dict()
            if str(current["row_version"]) != str(base_version):
                raise ConflictError(resource_id, int(base_version), current,
                                    self._changes_since(resource_id, int(base_version)))
            now = self._clock()
            result = _revised(current, changes, now, by)
            if not result.ok:
                raise ValidationError(result.errors)
            after = {**current, **result.values}
            diff = {k for k in COLUMNS if k not in _MANAGED and current.get(k, "") != after[k]}
            if not diff:
                return current
            # The other rows go out as they were read: no dict, and no pandas writer, for each of them.
            rows = RowTable.of(frame)
            rows[position] = after
            self._commit(rows, [_audit_entry(now, by, "update", resource_id, after["row_version"], current, after)])
            return after

    def import_batch(self, adds: Iterable[Mapping[str, str]], updates: Iterable[tuple[str, str, Mapping[str, str]]],
                     *, by: Curator, checked: bool = False, recheck: Recheck | None = None) -> BatchResult:
        """Add new resources and apply (id, base_version, changes) updates in one write.

        A record that fails validation stops the whole batch (ValidationError). An update whose row changed
        since base_version, or vanished, is left out and reported in `conflicts`, so nobody's edit is lost.
        `checked` says the given values came out of `validate_record` already (an import plan): each field is
        then taken as it is, and only required fields and the rules across fields are checked again.
        `recheck(rows)` runs under the lock with the rows as they are now and returns the adds and updates to
        write instead: an import matches its additions again there, so an entry added meanwhile (by the same
        file imported at the same time, say) is updated or left as it is, never added twice.
        """
        def build(rows: RowTable, position: dict[str, int], now: str, result: BatchResult) -> list[AuditEntry]:
            entries: list[AuditEntry] = []
            nonlocal adds, updates
            if recheck is not None:
                adds, updates = recheck(rows)
            for resource_id, base_version, changes in updates:
                entry = self._apply_update(rows, position, resource_id, base_version, changes, now, actor, "import",
                                           result, frozenset(changes) & _CHECKABLE if checked else frozenset())
                if entry is None and resource_id in result.invalid:
                    raise ValidationError(result.invalid[resource_id])
                if entry is not None:
                    entries.append(entry)
            for record in adds:
                row = _new_row(record, position, now, actor, _CHECKABLE if checked else frozenset())
                position[row["id"]] = len(rows)
                rows.append(row)
                result.added.append(row)
                entries.append(partial(_audit_entry, now, actor, "import", row["id"], "1", {}, row))
            return entries

        actor = _actor(by)
        return self._write_batch(build)

    def update_many(self, updates: Iterable[tuple[str, str, Mapping[str, str]]], *, by: Curator,
                    action: str = "update") -> BatchResult:
        """Apply (id, base_version, changes) updates in one write, each version-checked and audited.

        An update whose row changed or vanished is left out (`conflicts`); one that fails validation is left
        out with its messages (`invalid`); the others are written together.
        """
        actor = _actor(by)
        return self._write_batch(lambda rows, position, now, result: [
            entry for resource_id, base_version, changes in updates
            if (entry := self._apply_update(rows, position, resource_id, base_version, changes, now, actor, action,
                                            result)) is not None])

    def _write_batch(self, build: Callable[[RowTable, dict[str, int], str, BatchResult], list[AuditEntry]]
                     ) -> BatchResult:
        # Under the lock: the current rows, indexed by id, changed in place by `build`, written once if it
        # returned audit entries.
        with self._lock:
            rows = RowTable.of(self.read_raw())  # a row becomes a dict only when `build` looks at it
            position = {resource_id: i for i, resource_id in enumerate(rows.column("id"))}
            result = BatchResult()
            entries = build(rows, position, self._clock(), result)
            if entries:
                self._commit(rows, entries)
            return result

    def _apply_update(self, rows: RowTable, position: Mapping[str, int], resource_id: str, base_version: str,
                      changes: Mapping[str, str], now: str, by: str, action: str, result: BatchResult,
                      normalised: frozenset[str] = frozenset()) -> dict | None:
        # One row of a batch: checked against its version, validated, changed in place; returns its audit entry.
        at = position.get(resource_id)
        current = rows[at] if at is not None else None
        if current is None or str(current["row_version"]) != str(base_version):
            result.conflicts.append(resource_id)
            return None
        checked = _revised(current, changes, now, by, normalised)
        if not checked.ok:
            result.invalid[resource_id] = checked.errors
            return None
        rows[at] = {**current, **checked.values}
        result.updated.append(rows[at])
        return _audit_entry(now, by, action, resource_id, checked.values["row_version"], current, rows[at])

    def restore_snapshot(self, name: str, *, by: Curator) -> None:
        """Make an earlier snapshot the current file (admins only); the current file is snapshotted first."""
        by = _actor(by, "admin")
        source = self.snapshot_dir / Path(name).name
        if not source.is_file():
            raise SnapshotNotFound(Message(N_("no snapshot named '{name}'"), name=name))
        restored = read_resources_csv(source)
        with self._lock:
            self._commit(restored, [{"at": self._clock(), "by": by, "action": "restore_snapshot",
                                     "snapshot": source.name}])

    # History -------------------------------------------------------------

    def audit_entries(self, resource_id: str | None = None) -> list[dict]:
        """Audit log entries of the changes that were made, oldest first; only one resource's when an id is given.

        A write whose pending record was never settled (its writer was killed, or it is under way) counts when
        the file on disk is the version it names; the lines of a write that never happened are left out.
        """
        if not self.audit_path.exists():
            return []
        entries: list[dict] = []
        settled: dict[str, bool] = {}
        pending: dict[str, dict] = {}
        with self.audit_path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line torn by a crash while appending; the rest of the log stays usable
                tx = entry.get("tx")
                if tx is not None and "applied" in entry:
                    settled[tx] = entry["applied"] is True
                elif tx is not None and entry.get("pending"):
                    pending[tx] = entry
                elif resource_id is None or entry.get("id") == resource_id:
                    entries.append(entry)
        for tx, record in pending.items():
            if tx not in settled:
                settled[tx] = self._is_current_file(record)
        # Lines of a write with no pending record were torn from it: that write never replaced the file.
        return [entry for entry in entries if "tx" not in entry or settled.get(entry["tx"], False)]

    def history(self, resource_id: str) -> list[dict]:
        """Each audited version of one entry, newest first: version, at, by, action, changes and full values.

        Versions are rebuilt backwards from the current row by undoing each change, so entries that
        started life outside the store (an imported file) still get a history from their first edit.
        """
        values = {k: v for k, v in self.get(resource_id).items() if k in COLUMNS}
        versions = []
        for entry in reversed(self.audit_entries(resource_id)):
            versions.append({**{k: entry.get(k) for k in ("version", "at", "by", "action", "changes")},
                             "values": dict(values)})
            for name, (before, _after) in entry.get("changes", {}).items():
                values[name] = before
        return versions

    def snapshots(self) -> list[Path]:
        """Kept snapshots, oldest first."""
        if not self.snapshot_dir.exists():
            return []
        return sorted(self.snapshot_dir.glob("resources-*.csv"))

    def _changes_since(self, resource_id: str, base_version: int) -> dict[str, list[str]]:
        changes: dict[str, list[str]] = {}
        for entry in self.audit_entries(resource_id):
            if int(entry.get("version", 0)) <= base_version:
                continue
            for name, (before, after) in entry.get("changes", {}).items():
                changes[name] = [changes[name][0] if name in changes else before, after]
        return changes

    # Internals -----------------------------------------------------------

    def _commit(self, frame: pd.DataFrame | RowTable, entries: list[AuditEntry]) -> None:
        # Under the lock. The log first, then the rename, then the marker: see the module's docstring.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.recover()
        self._remove_orphaned_temp_files()
        self._snapshot()
        tx = uuid.uuid4().hex[:12]

        def log_pending(temp: Path) -> None:
            pending = {"tx": tx, "pending": True, **file_identity(temp)}
            self._append_audit(chain(({"tx": tx, **_made(entry)} for entry in entries), [pending]))
            crash_point("audit_written")

        self._atomic_write(frame, log_pending)
        crash_point("renamed")
        # If the marker cannot be written, the change is still audited: its pending record names this file,
        # and the next write settles it.
        with contextlib.suppress(OSError):
            self._append_audit([{"tx": tx, "applied": True}])

    def recover(self) -> None:
        """Settle a write left pending by a killed writer: applied if the file is its version, else not applied.

        Called under the lock before every write; only the log's last write can be pending, so only its end is read.
        """
        with self._lock:
            last, torn = self._last_audit_record()
            marker = ""
            if last is not None and "applied" not in last:
                # A pending record whose file is on disk stands; a write torn before its pending record
                # was complete never renamed anything.
                applied = bool(last.get("pending")) and self._is_current_file(last)
                marker = _AUDIT_JSON.encode({"tx": last["tx"], "applied": applied}) + "\n"
            if torn or marker:  # a torn last line is ended first, so it cannot swallow the next line
                append_durably(self.audit_path, ("\n" if torn else "") + marker)

    def _last_audit_record(self) -> tuple[dict | None, bool]:
        # The log's last readable line when it belongs to a write logged this way (an entry, a pending record or
        # a marker; None for none or an older log's entry), and whether the log ends in a torn line. Read
        # backwards, a chunk at a time: nearly always the last chunk is enough.
        try:
            handle = self.audit_path.open("rb")
        except FileNotFoundError:
            return None, False
        with handle:
            end = handle.seek(0, 2)
            if not end:
                return None, False
            handle.seek(end - 1)
            torn = handle.read(1) != b"\n"
            tail, at = b"", end
            while at > 0:
                chunk_end, at = at, max(0, at - _TAIL_CHUNK)
                handle.seek(at)
                tail = handle.read(chunk_end - at) + tail
                lines = tail.split(b"\n")
                complete = lines[1:] if at else lines  # the first piece may be the end of an earlier line
                for line in reversed(complete):
                    try:
                        record = json.loads(line)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        continue
                    if not isinstance(record, dict) or "tx" not in record:
                        return None, torn
                    return record, torn
                tail = lines[0] if at else b""
        return None, torn

    def _is_current_file(self, pending: Mapping[str, object]) -> bool:
        # Whether the resources file is the version a pending record names (its size first: cheap, and
        # nearly always decisive).
        try:
            if self.path.stat().st_size != pending.get("size"):
                return False
            return file_identity(self.path) == {"size": pending.get("size"), "sha256": pending.get("sha256")}
        except FileNotFoundError:
            return False

    def _atomic_write(self, frame: pd.DataFrame | RowTable, before_replace: Callable[[Path], None]) -> None:
        def write(out: IO[str]) -> None:
            if isinstance(frame, RowTable):
                frame.write(out)
            else:
                frame.to_csv(out, index=False, lineterminator="\n")

        write_atomically(self.path, write, temp_prefix=_TEMP_PREFIX, before_replace=before_replace)

    def _snapshot(self) -> None:
        if not self.snapshots_kept or not self.path.exists():
            return
        self.snapshot_dir.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.snapshot_dir / f"resources-{stamp}.csv"
        copy_atomically(self.path, target)
        for old in self.snapshots()[: -self.snapshots_kept]:
            old.unlink(missing_ok=True)

    def _append_audit(self, entries: Iterable[dict]) -> None:
        if isinstance(entries, list) and not entries:
            return
        # A line at a time: the entries of a 100,000-row batch are never one string in memory.
        append_durably(self.audit_path, (_AUDIT_JSON.encode(entry) + "\n" for entry in entries))

    def _remove_orphaned_temp_files(self) -> None:
        # Safe under the lock: only a writer holding it creates these files.
        for orphan in self.data_dir.glob(_TEMP_PREFIX + "*.tmp"):
            orphan.unlink(missing_ok=True)


def _position(frame: pd.DataFrame, resource_id: str) -> int:
    matches = (frame["id"] == resource_id).to_numpy().nonzero()[0]
    if not len(matches):
        raise NotFoundError(resource_id)
    return int(matches[0])


def _revised(current: Mapping[str, str], changes: Mapping[str, str], now: str, by: str,
             normalised: frozenset[str] = frozenset()) -> ValidationResult:
    # The one way a row changes: the changes over the current values (never the store's own columns),
    # the next version, who and when, then validation of the whole row.
    draft = {**current, **{k: str(v) for k, v in changes.items() if k not in _MANAGED}}
    draft.update(row_version=str(int(current["row_version"]) + 1), updated_at=now, updated_by=by)
    return validate_record(draft, normalised=normalised)


def _new_row(record: Mapping[str, str], existing: Container[str], now: str, by: str,
             normalised: frozenset[str] = frozenset()) -> dict[str, str]:
    draft = {**_EMPTY_ROW, **record}
    if not normalised and not all(type(value) is str for value in draft.values()):
        draft = {**_EMPTY_ROW, **{k: str(v) for k, v in record.items() if v is not None}}
    draft["id"] = draft["id"].strip() or _new_id(existing)
    if draft["id"] in existing:
        raise ValidationError({"id": Message(N_("id '{id}' is already used"), id=draft["id"])})
    draft["status"] = draft["status"] or "active"
    draft.update(row_version="1", created_at=now, created_by=by, updated_at=now, updated_by=by)
    if normalised >= _CHECKABLE:  # a checked plan's row: only the id and the record-wide rules are left
        try:
            draft["id"] = validate_field("id", draft["id"])
        except FieldError as error:
            raise ValidationError({"id": str(error)}) from None
        errors = rule_errors(draft)
        if errors:
            raise ValidationError(errors)
        return draft
    result = validate_record(draft, normalised=normalised)
    if not result.ok:
        raise ValidationError(result.errors)
    return result.values


def _new_id(existing: Container[str]) -> str:
    while True:
        # 40 random bits, as the first ten hex digits of a uuid4 are, without building a UUID (a tenth of the
        # time: it counted at 100,000 new entries).
        candidate = "r-" + secrets.token_hex(5)
        if candidate not in existing:
            return candidate


def _actor(by: Curator, role: str = "curator") -> str:
    # Every write path checks the caller here, on the server; hiding a page is never the only guard.
    return require_role(by, role).name[:100]


def _made(entry: AuditEntry) -> dict:
    return entry() if callable(entry) else entry


def _audit_entry(at: str, by: str, action: str, resource_id: str, version: str,
                 before: Mapping[str, str], after: Mapping[str, str]) -> dict:
    if not before:  # a new entry: every value it has is a change
        changes = {name: ["", value] for name, value in zip(_AUDITED, _AUDITED_CELLS(after), strict=True) if value}
    else:
        changes = {name: [before.get(name, ""), after.get(name, "")] for name in _AUDITED
                   if before.get(name, "") != after.get(name, "")}
    return {"at": at, "by": by, "action": action, "id": resource_id, "version": int(version), "changes": changes}
