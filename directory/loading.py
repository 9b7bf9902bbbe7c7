"""The loaded directory: one shared, read-only snapshot per version of the resources file.

Loading means parsing the CSV, validating every row, keeping what a visitor may see (the public view) and
building the search index. Done from scratch that is about 12 s at 100,000 entries. Three things make it cheap,
and none is trusted unless it matches the file's exact bytes:

- Rows seen before. The digest of every row found valid is kept in the cache folder, under a
  fingerprint of the code that validated it, so a changed file validates only its new rows.
- The last version, on disk. The valid rows, the public rows and the problems of the last version loaded are
  kept as Arrow files named by the file's SHA-256, so a new process (a cold start, the CLI) maps them into
  memory instead of loading.
- The last version, in memory. A process that holds one version and sees the next compares the two files'
  bytes and re-reads only the rows between their common beginning and common end (one entry saved is one row),
  splicing them into the frames and the index it has.

The CSV stays the source of truth: a cache that is missing, stale or unreadable is rebuilt from it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import importlib.metadata
import json
import mmap
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from directory.errors import Message
from directory.i18n import language
from directory.memory import return_freed_memory
from directory.privacy import listable, public_view
from directory.schema import COLUMNS, validate_record
from directory.search import SearchIndex, build_index, carry_name_rank
from directory.store import DUPLICATE_ID, LoadResult, RowProblem, Store, duplicate_id, resources_frame

CACHE_DIR = ".cache"
# Versions kept on disk: the current one and the one before, which a process still reading it may want.
_VERSIONS_KEPT = 2
# Folders whose last version a process keeps in memory (tests open many folders; a server opens one).
_FOLDERS_KEPT = 4
# Splices before the frames' pieces are joined into one again, so a day of edits does not fragment them.
_SPLICES_BEFORE_JOIN = 32
# Rows validated at a time when many are new (memory, not speed).
_ROWS_PER_CHUNK = 5_000
# Packages whose behaviour decides whether a row is valid and how it is normalised.
_VALIDATING_PACKAGES = ("pandas", "pyarrow", "numpy", "phonenumbers", "email-validator", "zipcodes")

# A row's stage: what the load made of it.
INVALID, VALID, LISTED = 0, 1, 2


@dataclass(frozen=True)
class LoadedVersion:
    """One version of the resources file as every reader sees it; shared, never mutated."""

    signature: tuple[int, int, int]
    sha256: str
    loaded: LoadResult  # the valid rows (normalised) and the problems of the rest
    index: SearchIndex  # of the public view of the listable valid rows
    stage: np.ndarray  # per row of the file: INVALID, VALID or LISTED
    ids: pd.Series  # per row of the file: its id as written
    # For splicing the next version: the bytes this one was read from and where each row starts (the header's
    # start first, the end of the file last); None when the rows cannot be located byte by byte.
    data: bytes | mmap.mmap = b""
    row_starts: np.ndarray | None = None
    splices: int = 0
    how: str = "built"  # built, cached or spliced: for benchmarks and tests
    # Digests of rows known valid (this version's and earlier ones'), unsorted.
    known: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))


# Loading -------------------------------------------------------------------------------------------------


_registry: OrderedDict[Path, LoadedVersion] = OrderedDict()
_registry_lock = threading.Lock()
_folder_locks: dict[Path, threading.Lock] = {}


def current(store: Store) -> LoadedVersion:
    """The version of the store's file as it is now: the held one if the file is unchanged, else the next.

    Raises StoreReadError when the file cannot be read as a resources CSV.
    """
    folder = store.data_dir.resolve()
    with _registry_lock:
        lock = _folder_locks.setdefault(folder, threading.Lock())
    with lock:  # readers arriving together build a version once
        held = _registry.get(folder)
        signature = store.signature()
        if held is not None and held.signature == signature:
            return held
        fresh = _next_snapshot(store, held)
        with _registry_lock:
            _registry[folder] = fresh
            _registry.move_to_end(folder)
            while len(_registry) > _FOLDERS_KEPT:
                _registry.popitem(last=False)
        return fresh


def load(store: Store) -> LoadResult:
    """The store's valid rows and problems, from the current version (a shallow copy a caller may change)."""
    loaded = current(store).loaded
    return LoadResult(loaded.frame.copy(deep=False), list(loaded.problems))


def forget(store: Store) -> None:
    """Drop the version held for the store's folder (tests that rewrite a file behind the store's back)."""
    with _registry_lock:
        _registry.pop(store.data_dir.resolve(), None)


def _next_snapshot(store: Store, held: LoadedVersion | None) -> LoadedVersion:
    signature, data = _read(store.path)
    sha = hashlib.sha256(data).hexdigest()
    try:
        fresh = _next_from(store, held, signature, data, sha)
    finally:
        _release(data)
    if fresh.how != "spliced":  # a splice frees a few rows' worth; a page run gives that back if it adds up
        return_freed_memory()
    return fresh


def _release(data: bytes | mmap.mmap) -> None:
    # The mapped file stays readable for the next splice, but its pages need not count as this process's
    # memory: the kernel keeps them in its page cache and maps them back when they are read again.
    if isinstance(data, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        with contextlib.suppress(OSError, ValueError):
            data.madvise(mmap.MADV_DONTNEED)


def _next_from(store: Store, held: LoadedVersion | None, signature: tuple[int, int, int],
               data: bytes | mmap.mmap, sha: str) -> LoadedVersion:
    if held is not None and held.sha256 == sha:
        return replace(held, signature=signature)
    cache = _Cache(store.data_dir)
    if held is not None:
        spliced = _splice(held, data, signature, sha)
        if spliced is not None:
            _saver.submit(cache, spliced)
            return spliced
    cached = cache.read(sha, data, signature)
    if cached is not None:
        return cached
    built = _build(data, signature, sha, cache)
    cache.save(built)
    return cache.mapped(built) or built


def _read(path: Path) -> tuple[tuple[int, int, int], bytes | mmap.mmap]:
    # The signature and the bytes of one version, from one open file: a writer's rename in between cannot mix
    # two versions. The bytes are mapped, not copied; the mapping keeps this version readable after a rename.
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return (0, 0, 0), b""
    with handle:
        stat = os.fstat(handle.fileno())
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if not stat.st_size:
            return signature, b""
        return signature, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


# Building from the file -----------------------------------------------------------------------------------


@dataclass
class _Rows:
    # What validating some rows of a file made of them, in file order.
    valid: pd.DataFrame
    public: pd.DataFrame
    stage: np.ndarray
    ids: pd.Series
    problems: list[RowProblem]
    digests: np.ndarray  # of every row
    new_known: np.ndarray  # digests of rows found valid, not known before


def _build(data: bytes | mmap.mmap, signature: tuple[int, int, int], sha: str, cache: _Cache) -> LoadedVersion:
    raw = resources_frame(data)
    starts = row_starts(data)
    if starts is not None and len(starts) - 2 != len(raw):
        starts = None  # blank lines or stray quotes: load as usual, but never splice this version
    known = cache.known_rows()
    rows = _validate_rows(raw, known, first_row=0)
    # Only this version's rows are kept, so the list does not grow with every edit ever made.
    known = np.concatenate((rows.digests[np.isin(rows.digests, known)], rows.new_known))
    return LoadedVersion(signature, sha, LoadResult(rows.valid, rows.problems), build_index(rows.public), rows.stage,
                    rows.ids, data, starts, known=known)


def _known_mask(digests: np.ndarray, known: np.ndarray) -> np.ndarray:
    # A splice's few rows are looked up one by one: np.isin sorts all 100,000 known digests to find them.
    if len(digests) <= 32:
        return np.fromiter(((known == digest).any() for digest in digests), dtype=bool, count=len(digests))
    return np.isin(digests, known)


def _validate_rows(raw: pd.DataFrame, known: np.ndarray, first_row: int) -> _Rows:
    """Validate rows of a file (`first_row` is the position of raw's first row in the file).

    Rows whose digest is known were valid and are not validated again.
    """
    raw = raw.reset_index(drop=True)
    digests = _digests(raw)
    unknown = np.flatnonzero(~_known_mask(digests, known)) if len(known) else np.arange(len(raw))
    ok = np.ones(len(raw), dtype=bool)
    errors: dict[int, dict[str, str]] = {}
    new_known: list[int] = []
    # A few thousand rows at a time: 100,000 rows as dicts at once would take about a gigabyte.
    for chunk in np.array_split(unknown, max(1, -(-len(unknown) // _ROWS_PER_CHUNK))) if len(unknown) else ():
        records = raw.iloc[chunk][list(COLUMNS)].to_dict("records")
        for position, record in zip(chunk.tolist(), records, strict=True):
            # In English: a version is shared by sessions in every language, and each says its problems its way.
            with language("en"):
                result = validate_record(record)
            if not result.ok:
                ok[position] = False
                errors[position] = result.errors
                continue
            new_known.append(position)
    ids = raw["id"]
    duplicate = (ids.duplicated() & (ids != "")).to_numpy()
    problems: list[RowProblem] = []
    if errors or duplicate.any():
        first_use = {}
        if duplicate.any():
            first_use = {resource_id: position for position, resource_id in
                         zip(range(len(ids) - 1, -1, -1), ids.iloc[::-1], strict=True)}
        for position in sorted(set(errors) | set(np.flatnonzero(duplicate).tolist())):
            row_number = first_row + position + 2
            resource_id = ids.iat[position]
            problems.extend(RowProblem(row_number, resource_id, name, message)
                            for name, message in errors.get(position, {}).items())
            if duplicate[position] and resource_id in first_use and first_use[resource_id] < position:
                first = first_row + first_use[resource_id] + 2
                problems.append(RowProblem(row_number, resource_id, "id", duplicate_id(first)))
    keep = ok & ~duplicate
    valid = raw if keep.all() else raw.iloc[np.flatnonzero(keep)]
    # A valid row is kept as written, as it always was: validation's tidied values are for the store's writes.
    valid = valid.reset_index(drop=True)
    listed_rows = listable(valid)
    stage = np.where(keep, VALID, INVALID).astype(np.int8)
    listed = np.zeros(len(valid), dtype=bool)
    listed[listed_rows.index.to_numpy()] = True
    stage[np.flatnonzero(keep)[listed]] = LISTED
    return _Rows(valid, public_view(listed_rows).reset_index(drop=True), stage, ids,
                 problems, digests, digests[np.array(new_known, dtype=np.int64)])


def _digests(raw: pd.DataFrame) -> np.ndarray:
    # One 64-bit digest per row over every cell (and the file's columns, so a moved column is a new row).
    if not len(raw):
        return np.zeros(0, np.uint64)
    header = int.from_bytes(hashlib.blake2b("\x1f".join(raw.columns).encode(), digest_size=8).digest(), "little")
    return pd.util.hash_pandas_object(raw, index=False).to_numpy(dtype=np.uint64) ^ np.uint64(header)


def row_starts(data: bytes | mmap.mmap) -> np.ndarray | None:
    """Where each row of a CSV file starts (the header first) and, last, where the file ends.

    A newline ends a row unless it is inside quotes, which is when an odd number of quote marks comes before it.
    None for an empty file.
    """
    if not len(data):
        return None
    octets = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(octets == 0x0A)
    quotes = np.flatnonzero(octets == 0x22)
    ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0] + 1
    if octets[-1] != 0x0A:
        ends = np.append(ends, len(octets))
    return np.concatenate(([0], ends)).astype(np.int64)


# Splicing the next version --------------------------------------------------------------------------------


def _splice(held: LoadedVersion, data: bytes | mmap.mmap, signature: tuple[int, int, int],
            sha: str) -> LoadedVersion | None:
    """The next version from the held one when only some rows changed; None when it must be built."""
    starts = held.row_starts
    if starts is None or not len(data) or not len(held.data):
        return None
    old = np.frombuffer(held.data, dtype=np.uint8)
    new = np.frombuffer(data, dtype=np.uint8)
    if old[-1] != 0x0A or new[-1] != 0x0A:
        return None
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, limit=min(len(old), len(new)) - prefix)
    if prefix < starts[1]:
        return None  # the header changed
    # Data rows are numbered from 0; row k spans starts[k + 1] to starts[k + 2].
    first = int(np.searchsorted(starts[2:], prefix, side="right"))  # rows before it end within the prefix
    after = int(np.searchsorted(starts[1:-1], len(old) - suffix, side="left"))  # rows from here start in the suffix
    after = max(after, first)
    middle_start = int(starts[first + 1])
    middle_end = len(new) - (len(old) - int(starts[after + 1]))
    middle = new[middle_start:middle_end]
    if middle_end < middle_start or (len(middle) and middle[-1] != 0x0A):
        return None
    header = bytes(new[: starts[1]])
    middle_starts = row_starts(bytes(middle)) if len(middle) else np.zeros(1, np.int64)
    middle_raw = resources_frame(header + bytes(middle))
    if len(middle_raw) != len(middle_starts) - 1:
        return None  # blank lines or stray quotes
    # Which of two rows keeps a repeated id depends on every row: such a version is built whole.
    middle_ids = middle_raw["id"][middle_raw["id"] != ""]
    if (middle_ids.duplicated().any() or _any_in(held.ids.iloc[:first], middle_ids)
            or _any_in(held.ids.iloc[after:], middle_ids)
            or any(p.field == "id" and getattr(p.message, "msgid", "") == DUPLICATE_ID for p in held.loaded.problems)):
        return None
    fresh = _validate_rows(middle_raw, held.known, first_row=first)

    stage = held.stage
    valid_at = np.concatenate(([0], np.cumsum(stage != INVALID)))
    listed_at = np.concatenate(([0], np.cumsum(stage == LISTED)))
    frame = held.loaded.frame
    valid = pd.concat([frame.iloc[: valid_at[first]], fresh.valid, frame.iloc[valid_at[after]:]], ignore_index=True)
    index = splice_index(held.index, int(listed_at[first]), int(listed_at[after]), build_index(fresh.public))
    shift = len(middle_raw) - (after - first)
    problems = ([p for p in held.loaded.problems if p.row_number - 2 < first] + fresh.problems +
                [replace(p, row_number=p.row_number + shift) for p in held.loaded.problems
                 if p.row_number - 2 >= after])
    new_starts = np.concatenate((starts[: first + 1], middle_start + middle_starts[:-1],
                                 starts[after + 1:] + (len(new) - len(old))))
    spliced = LoadedVersion(signature, sha, LoadResult(valid, problems), index,
                       np.concatenate((stage[:first], fresh.stage, stage[after:])),
                       pd.concat([held.ids.iloc[:first], fresh.ids, held.ids.iloc[after:]], ignore_index=True),
                       data, new_starts, held.splices + 1, "spliced", np.concatenate((held.known, fresh.new_known)))
    return _joined(spliced) if spliced.splices >= _SPLICES_BEFORE_JOIN else spliced


def _any_in(ids: pd.Series, wanted: pd.Series) -> bool:
    # Arrow's own membership test: pandas' isin on Arrow strings walks the values in Python.
    if not len(ids) or not len(wanted):
        return False
    found = pc.is_in(pa.array(ids, pa.string()), value_set=pa.array(wanted.to_list(), pa.string()))
    return bool(pc.any(found).as_py())


def _common_prefix(old: np.ndarray, new: np.ndarray, limit: int | None = None) -> int:
    # How many bytes two files share from the start, compared a megabyte at a time.
    n = min(len(old), len(new)) if limit is None else limit
    step = 1 << 20
    at = 0
    while at < n:
        end = min(n, at + step)
        if not np.array_equal(old[at:end], new[at:end]):
            return at + int(np.argmax(old[at:end] != new[at:end]))
        at = end
    return n


def _common_suffix(old: np.ndarray, new: np.ndarray, limit: int) -> int:
    # How many bytes two files share at the end (at most `limit`), compared a megabyte at a time from the end
    # with forward slices: a reversed view made every comparison copy its chunk.
    step = 1 << 20
    done = 0
    while done < limit:
        size = min(step, limit - done)
        a, b = old[len(old) - done - size: len(old) - done], new[len(new) - done - size: len(new) - done]
        if not np.array_equal(a, b):
            return done + (size - 1 - int(np.flatnonzero(a != b)[-1]))
        done += size
    return limit


def splice_index(index: SearchIndex, start: int, stop: int, middle: SearchIndex) -> SearchIndex:
    """The index with its rows start..stop replaced by the middle index's rows (every field, in order)."""
    def spliced(old: object, new: object) -> object:
        if isinstance(old, pd.DataFrame):
            return pd.concat([old.iloc[:start], new, old.iloc[stop:]], ignore_index=True)
        if isinstance(old, dict):
            return {key: spliced(old[key], new[key]) for key in old}
        return np.concatenate((old[:start], new, old[stop:]))
    result = SearchIndex(**{f.name: spliced(getattr(index, f.name), getattr(middle, f.name)) for f in fields(index)})
    carry_name_rank(index.name, result.name, start, stop)
    return result


def _joined(version: LoadedVersion) -> LoadedVersion:
    # The frames as single pieces again (pd.concat leaves each column in chunks, one more per splice).
    def join(frame: pd.DataFrame) -> pd.DataFrame:
        return pa.Table.from_pandas(frame, preserve_index=False, nthreads=1).combine_chunks().to_pandas()
    loaded = LoadResult(join(version.loaded.frame), version.loaded.problems)
    return replace(version, loaded=loaded, index=replace(version.index, frame=join(version.index.frame)),
                   ids=version.ids.copy(), splices=0, known=np.unique(version.known))


# The cache folder -----------------------------------------------------------------------------------------


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code that validates rows and makes the public view: a cache made by other code is stale."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        if "ui" not in path.relative_to(package).parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in _VALIDATING_PACKAGES:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def _mapped_frames(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    # A saved version's valid and public rows, memory-mapped from its Arrow files.
    def read(name: str) -> pd.DataFrame:
        return feather.read_table(folder / f"{name}.arrow", memory_map=True).to_pandas()
    return read("valid"), read("public")


class _Cache:
    """The derived files under <data>/.cache/; every failure to read or write one just means no cache."""

    def __init__(self, data_dir: Path):
        self.folder = data_dir / CACHE_DIR
        self.code = code_fingerprint()

    # Rows known valid.

    @property
    def _known_path(self) -> Path:
        return self.folder / f"known-rows-{self.code}.npy"

    def known_rows(self) -> np.ndarray:
        try:
            return np.load(self._known_path, allow_pickle=False)
        except (OSError, ValueError):
            return np.zeros(0, np.uint64)

    def remember_rows(self, digests: np.ndarray) -> None:
        known = np.unique(digests)
        self._write(self._known_path, lambda out: np.save(out, known, allow_pickle=False))

    # Whole versions.

    def _version_dir(self, sha: str) -> Path:
        return self.folder / f"version-{sha[:32]}-{self.code}"

    def read(self, sha: str, data: bytes | mmap.mmap, signature: tuple[int, int, int]) -> LoadedVersion | None:
        folder = self._version_dir(sha)
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("sha256") != sha:
                return None
            valid, public = _mapped_frames(folder)
            ids = feather.read_table(folder / "ids.arrow", memory_map=True).to_pandas()["id"]
            stage = np.load(folder / "stage.npy", allow_pickle=False)
            starts = np.load(folder / "row_starts.npy", allow_pickle=False) if meta.get("splice") else None
        except (OSError, ValueError, KeyError, pa.ArrowException):
            return None
        if len(stage) != len(ids) or int((stage != INVALID).sum()) != len(valid):
            return None
        try:  # each problem as its English id and values, said in each reader's language when shown
            problems = [RowProblem(row, resource_id, name, Message(msgid, **values))
                        for row, resource_id, name, msgid, values in meta.get("problems", [])]
        except (TypeError, ValueError, KeyError, IndexError):
            return None
        return LoadedVersion(signature, sha, LoadResult(valid, problems), build_index(public), stage, ids, data, starts,
                        how="cached", known=self.known_rows())

    def mapped(self, version: LoadedVersion) -> LoadedVersion | None:
        """The version with its frames read back from its saved files, memory-mapped, or None when not saved.

        Mapped frames are the kernel's page cache, not this process's own memory: a server holds only the
        pages it reads, the kernel can drop them, and every process serving the folder shares them.
        """
        folder = self._version_dir(version.sha256)
        try:
            if json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("sha256") != version.sha256:
                return None
            valid, public = _mapped_frames(folder)
        except (OSError, ValueError, KeyError, pa.ArrowException):
            return None
        if len(valid) != len(version.loaded.frame) or len(public) != len(version.index.frame):
            return None
        return replace(version, loaded=LoadResult(valid, version.loaded.problems),
                       index=replace(version.index, frame=public))

    def save(self, version: LoadedVersion) -> None:
        """Keep this version and its known rows for the next process."""
        self.remember_rows(version.known)
        folder = self._version_dir(version.sha256)
        if (folder / "meta.json").exists():
            return
        try:
            # Never parents=True: a data folder that is gone (a test's, at exit) is not made again.
            self.folder.mkdir(exist_ok=True)
            folder.mkdir(exist_ok=True)
            for name, frame in (("valid", version.loaded.frame), ("public", version.index.frame),
                                ("ids", version.ids.to_frame("id"))):
                table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
                self._write(folder / f"{name}.arrow",
                            lambda out, t=table: feather.write_feather(t, out, compression="uncompressed"))
            self._write(folder / "stage.npy", lambda out: np.save(out, version.stage, allow_pickle=False))
            if version.row_starts is not None:
                self._write(folder / "row_starts.npy",
                            lambda out: np.save(out, version.row_starts, allow_pickle=False))
            meta = {"sha256": version.sha256, "splice": version.row_starts is not None,
                    "problems": [[p.row_number, p.resource_id, p.field, p.message.msgid, p.message.values]
                                 for p in version.loaded.problems]}
            # Written last: a version without it is incomplete and never read.
            self._write(folder / "meta.json", lambda out: out.write(json.dumps(meta).encode("utf-8")))
            self._prune(keep=folder)
        except (OSError, ValueError, pa.ArrowException):
            return

    def _prune(self, keep: Path) -> None:
        versions = sorted(self.folder.glob("version-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [v for v in versions if v != keep][_VERSIONS_KEPT - 1:]:
            for path in old.iterdir():
                path.unlink(missing_ok=True)
            old.rmdir()
        for stale in self.folder.glob("known-rows-*.npy"):
            if stale != self._known_path:
                stale.unlink(missing_ok=True)

    def _write(self, path: Path, write: Callable) -> None:
        try:
            self.folder.mkdir(exist_ok=True)
            temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            with temp.open("wb") as out:
                write(out)
            os.replace(temp, path)
        except OSError:
            return



class _Saver:
    """Writes spliced versions to the cache folder in the background, at most one per folder every
    `interval` seconds (the latest wins), and whatever is left when the process exits.

    A page waits for a splice, never for its copy on disk; a peer leader saving every few seconds costs one
    write in `interval`; and a server that stops leaves its last version for the next start.
    """

    def __init__(self, interval: float = 30.0):
        self.interval = interval
        self._pending: dict[Path, tuple[_Cache, LoadedVersion]] = {}
        self._last: dict[Path, float] = {}
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False
        atexit.register(self.flush)

    def submit(self, cache: _Cache, version: LoadedVersion) -> None:
        with self._wake:
            self._pending[cache.folder] = (cache, version)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="directory-cache")
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                due = self._next_due()
                while not self._closing and (due is None or due[1] > time.monotonic()):
                    if due is None and not self._wake.wait(timeout=60):
                        self._thread = None
                        return  # idle for a minute: the next submit starts a new writer
                    if due is not None:
                        self._wake.wait(timeout=max(0.0, due[1] - time.monotonic()))
                    due = self._next_due()
                if self._closing:
                    return
                cache, version = self._pending.pop(due[0])
                self._last[due[0]] = time.monotonic()
            _save_and_map(cache, version)

    def _next_due(self) -> tuple[Path, float] | None:
        if not self._pending:
            return None
        return min(((folder, self._last.get(folder, -self.interval) + self.interval) for folder in self._pending),
                   key=lambda item: item[1])

    def flush(self) -> None:
        """Write every pending version now (at exit, and in tests)."""
        with self._wake:
            self._closing = True
            pending, self._pending = list(self._pending.values()), {}
            self._wake.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        for cache, version in pending:
            _save_and_map(cache, version)
        with self._wake:
            self._closing = False


def _save_and_map(cache: _Cache, version: LoadedVersion) -> None:
    # Once a version is on disk, the process holds it mapped from there if it is still the current one.
    cache.save(version)
    folder = cache.folder.parent.resolve()
    with _registry_lock:
        if _registry.get(folder) is not version:
            return
    mapped = cache.mapped(version)
    if mapped is None:
        return
    with _registry_lock:
        if _registry.get(folder) is version:
            _registry[folder] = mapped
    del version
    return_freed_memory()


_saver = _Saver()


def flush_cache() -> None:
    """Write any spliced version still waiting for the cache folder (benchmarks, tests, a clean shutdown)."""
    _saver.flush()
