"""Loading: a spliced or cached version is exactly what loading the file from scratch makes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from directory import loading, schema
from directory.auth import Curator
from directory.store import Store, validate_frame

DANA = Curator("dana", "curator")


def _from_scratch(store: Store) -> loading.LoadedVersion:
    """The current file loaded with nothing held in memory and no cache folder."""
    loading.flush_cache()
    loading.forget(store)
    shutil.rmtree(store.data_dir / loading.CACHE_DIR, ignore_errors=True)
    return loading.current(store)


def _assert_same(got: loading.LoadedVersion, want: loading.LoadedVersion) -> None:
    pd.testing.assert_frame_equal(got.loaded.frame, want.loaded.frame)
    assert got.loaded.problems == want.loaded.problems
    pd.testing.assert_frame_equal(got.index.frame, want.index.frame)
    for name in ("lat", "lon", "text", "name", "active", "moud", "peer", "hours"):
        assert np.array_equal(getattr(got.index, name), getattr(want.index, name),
                              equal_nan=getattr(got.index, name).dtype.kind == "f"), name
    for column, masks in want.index.masks.items():
        assert np.array_equal(got.index.masks[column], masks), column
    assert np.array_equal(got.stage, want.stage)
    assert got.ids.tolist() == want.ids.tolist()
    assert np.array_equal(got.row_starts, want.row_starts)


def _rewrite(store: Store, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    # Replaced as an editor saves it (a new file renamed over the old), so the file's signature changes even
    # within the clock's resolution.
    frame = pd.read_csv(store.path, dtype=str, keep_default_na=False)
    temp = store.path.with_suffix(".edited")
    change(frame).to_csv(temp, index=False, lineterminator="\n")
    temp.replace(store.path)


def _set(row: int, **values: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        for column, value in values.items():
            frame.loc[frame.index[row], column] = value
        return frame
    return change


def _insert_copy(at: int, **values: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        row = frame.iloc[[5]].assign(**values)
        return pd.concat([frame.iloc[:at], row, frame.iloc[at:]], ignore_index=True)
    return change


def _drop(*rows: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame.drop(index=frame.index[list(rows)]).reset_index(drop=True)


# Each edit as a file change: what is spliced must equal what a fresh load makes of the same file.
EDITS = {
    "one description in the middle": _set(150, description="Now on Thursdays too."),
    "the first row": _set(0, name="Cherry Hill Peer Recovery Centre"),
    "the last row": _set(-1, phone="(215) 555-0100"),
    "an entry made confidential": _set(44, location_confidential="yes"),
    "an entry sent for review": _set(41, status="pending"),
    "an entry made invalid": _set(42, website="javascript:alert(1)"),
    "two rows far apart": lambda frame: _set(3, city="Media")(_set(290, city="Chester")(frame)),
    "a row inserted in the middle": _insert_copy(100, id="new-0001", name="Midday Recovery Walk"),
    "a row added at the end": _insert_copy(300, id="new-0002", name="Evening Recovery Walk"),
    "a row removed": _drop(120),
    "the last row removed": _drop(-1),
    "a row whose id repeats another": _insert_copy(60, id="phl-0002"),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_changed_file_is_spliced_into_what_a_fresh_load_makes(sample_dir: Path,
                                                                 edit: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Whatever the edit, the next snapshot (spliced when it can be) equals a load from scratch."""
    store = Store(sample_dir)
    _from_scratch(store)
    _rewrite(store, edit)
    got = loading.current(store)
    # A repeated id is the one edit whose meaning depends on every row: that version is built whole.
    assert got.how == ("built" if edit is EDITS["a row whose id repeats another"] else "spliced")
    _assert_same(got, _from_scratch(store))


def test_one_saved_edit_is_spliced_not_rebuilt(sample_dir: Path) -> None:
    """A peer leader's save re-reads one row: the next snapshot is spliced, and shows the edit."""
    store = Store(sample_dir)
    first = loading.current(store)
    row = store.get("phl-0150")
    store.update("phl-0150", {"description": "Now on Thursdays too."}, base_version=row["row_version"], by=DANA)
    after = loading.current(store)
    assert after.how == "spliced"
    assert after.loaded.frame.set_index("id").at["phl-0150", "description"] == "Now on Thursdays too."
    assert first.loaded.frame.set_index("id").at["phl-0150", "description"] != "Now on Thursdays too."
    _assert_same(after, _from_scratch(store))


def test_many_splices_are_joined_into_one_piece_again(sample_dir: Path) -> None:
    """After many saves the frames are joined again, and still equal a fresh load."""
    store = Store(sample_dir, snapshots_kept=0)
    loading.current(store)
    for n in range(loading._SPLICES_BEFORE_JOIN + 2):
        row = store.get("phl-0010")
        store.update("phl-0010", {"description": f"Edit number {n}."}, base_version=row["row_version"], by=DANA)
        assert loading.current(store).how == "spliced"
    assert loading.current(store).splices < loading._SPLICES_BEFORE_JOIN
    _assert_same(loading.current(store), _from_scratch(store))


def test_a_new_process_reads_the_cached_version_and_never_a_stale_one(sample_dir: Path) -> None:
    """The cache folder serves an unchanged file; a file changed behind its back is loaded from the file."""
    store = Store(sample_dir)
    built = _from_scratch(store)
    assert built.how == "built"
    loading.forget(store)
    cached = loading.current(store)
    assert cached.how == "cached"
    _assert_same(cached, built)
    loading.forget(store)
    _rewrite(store, _set(7, name="Renamed By Hand"))
    fresh = loading.current(store)
    assert fresh.how == "built"
    assert "Renamed By Hand" in fresh.loaded.frame["name"].tolist()


def test_a_damaged_cache_is_rebuilt_not_trusted(sample_dir: Path) -> None:
    """Garbage in a cached version's files means a load from the file, with the right rows."""
    store = Store(sample_dir)
    want = _from_scratch(store)
    loading.forget(store)
    for version in (sample_dir / loading.CACHE_DIR).glob("version-*"):
        # A new file, as the cache's own writes make: `want` still maps the old one, and truncating a mapped
        # file under its reader ends the reader (SIGBUS).
        (version / "valid.arrow").unlink()
        (version / "valid.arrow").write_bytes(b"not arrow at all")
    got = loading.current(store)
    assert got.how == "built"
    _assert_same(got, want)


def test_only_rows_not_seen_valid_before_are_validated(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file changed by another process costs one validation per changed row, not one per row."""
    store = Store(sample_dir)
    _from_scratch(store)
    loading.forget(store)
    _rewrite(store, _set(10, description="Changed elsewhere."))
    checked: list[str] = []

    def counting(record: dict, **options: object) -> schema.ValidationResult:
        checked.append(record["id"])
        return schema.validate_record(record, **options)

    monkeypatch.setattr(loading, "validate_record", counting)
    got = loading.current(store)
    assert got.how == "built"
    assert checked == ["phl-0011"]
    monkeypatch.undo()
    _assert_same(got, _from_scratch(store))


def test_a_file_with_blank_lines_loads_as_before_and_is_never_spliced(sample_dir: Path) -> None:
    """Blank lines (a hand-edited file) keep rows from being located by bytes: loaded whole, every time."""
    store = Store(sample_dir)
    text = store.path.read_text(encoding="utf-8").replace("\nphl-0005,", "\n\nphl-0005,")
    store.path.write_text(text, encoding="utf-8")
    got = _from_scratch(store)
    edited = store.path.with_suffix(".edited")
    assert got.row_starts is None
    assert len(got.loaded.frame) + len(got.loaded.problems) >= 300
    edited.write_text(text.replace("Cherry Hill Peer", "Cherry Hill Peers"), encoding="utf-8")
    edited.replace(store.path)
    assert loading.current(store).how == "built"


@pytest.mark.parametrize(("text", "starts"), [
    (b"id,name\n1,a\n2,b\n", [0, 8, 12, 16]),
    (b'id,name\n1,"a\nb"\n2,c\n', [0, 8, 16, 20]),
    (b'id,name\n1,"say ""hi""\n"\n', [0, 8, 24]),
    (b"id,name\r\n1,a\r\n", [0, 9, 14]),
    (b"id,name\n1,a", [0, 8, 11]),
])
def test_row_starts_skip_newlines_inside_quotes(text: bytes, starts: list[int]) -> None:
    """Rows are found by newlines outside quotes; the file's end closes the last row."""
    assert loading.row_starts(text).tolist() == starts


def test_a_messy_file_loads_exactly_as_validating_every_row_does(sample_dir: Path) -> None:
    """Untidy values, bad fields, repeated and missing ids: the snapshot agrees with store.validate_frame."""
    store = Store(sample_dir)
    _rewrite(store, lambda frame: _insert_copy(30, id="phl-0002")(_set(12, id="")(_set(
        9, website="javascript:alert(1)")(_set(5, phone="215.555.0100", latitude="39.90740")(frame)))))
    want = validate_frame(store.read_raw())
    got = _from_scratch(store)
    assert got.loaded.frame.loc[5, "phone"] == "215.555.0100"  # kept as written, as it always was
    pd.testing.assert_frame_equal(got.loaded.frame, want.frame)
    assert got.loaded.problems == want.problems
    assert {p.field for p in got.loaded.problems} >= {"id", "website"}


def _mapped_from(frame: pd.DataFrame, name: str) -> bool:
    # Whether the frame's name column lies in a memory-mapped cache file called `name`, per /proc/self/maps.
    regions = [tuple(int(x, 16) for x in line.split()[0].split("-"))
               for line in Path("/proc/self/maps").read_text().splitlines() if line.endswith("/" + name)]
    chunks = frame["name"].array._pa_array.chunks
    return bool(chunks) and all(any(low <= chunk.buffers()[2].address < high for low, high in regions)
                                for chunk in chunks if chunk.buffers()[2] is not None)


def test_a_version_is_held_mapped_from_the_cache_once_saved(sample_dir: Path) -> None:
    """A built version, and a spliced one once written, are read from their cache files, not kept in memory."""
    store = Store(sample_dir)
    built = _from_scratch(store)
    assert _mapped_from(built.loaded.frame, "valid.arrow") and _mapped_from(built.index.frame, "public.arrow")
    row = store.load().frame.iloc[3]
    store.update(row["id"], {"hours": "Sat 10:00-12:00"}, base_version=row["row_version"], by=Curator("lee", "curator"))
    spliced = loading.current(store)
    assert spliced.how == "spliced"
    loading.flush_cache()
    held = loading.current(store)
    assert held.sha256 == spliced.sha256 and held is not spliced
    assert _mapped_from(held.loaded.frame, "valid.arrow") and _mapped_from(held.index.frame, "public.arrow")
    _assert_same(held, spliced)
