"""Writing at 100,000 entries: imports and store edits, today's code against commit 0481317 in the same run.

Data:
- the import source is the import benchmark's CSV (bench/import_bench.py): synthetic_frame(n) from
  bench/synthetic.py, 49 columns less the store's own, each row with an external id;
- "into empty" imports it into an empty folder; "unchanged" imports it again into the folder the first import
  made (every row matches and nothing changes); "1% changed" does the same with every hundredth row's
  description changed;
- the edits run on a store of write_scaled_sample(n) (the sample directory repeated to n entries, every column
  filled as real entries fill it): one Store.update, and one Store.update_many of 1,000 entries.

Each side runs in a fresh interpreter on a fresh copy of its data folder (snapshots off on both sides, so the
file's own write is measured); wall and CPU milliseconds and the process's peak resident memory are printed,
one JSON line per metric. The machine may be shared: CPU time is the steadier figure.
Run: python bench/write_bench.py [--n 100000] [--edits 1000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import REPO, baseline_tree, run_in
from bench.synthetic import synthetic_frame, write_scaled_sample
from directory.interop.csv_export import export_csv

BASELINE = "0481317"
_STORED_BY_US = ["row_version", "created_at", "created_by", "updated_at", "updated_by"]

_PRELUDE = """
import json, resource, time
from pathlib import Path
from directory.auth import Curator
from directory.store import Store
store = Store(Path({folder!r}), snapshots_kept=0)
by = Curator("bench", "curator")
"""
_TIMED = """
started, cpu = time.perf_counter(), time.process_time()
{work}
result = {{"ms": (time.perf_counter() - started) * 1000, "cpu_ms": (time.process_time() - cpu) * 1000,
          "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "said": said}}
print(json.dumps(result))
"""
_IMPORT = """
from directory.interop.formats import read_source
from directory.interop.importer import import_rows
""", """
said = import_rows(store, read_source(Path({source!r}), "csv"), by=by).summary()
"""
_UPDATE = """
row = store.get({resource_id!r})
""", """
said = store.update({resource_id!r}, {{"description": "Changed by the benchmark."}},
                    base_version=row["row_version"], by=by)["row_version"]
"""
_UPDATE_MANY = """
frame = store.read_raw()
picked = frame.iloc[::len(frame) // {edits}][:{edits}]
updates = [(rid, version, {{"description": "Changed by the benchmark."}})
           for rid, version in zip(picked["id"], picked["row_version"])]
""", """
done = store.update_many(updates, by=by)
said = f"{{len(done.updated)}} updated, {{len(done.conflicts)}} conflicts, {{len(done.invalid)}} invalid"
"""


def _run(tree: Path, folder: Path, workload: tuple[str, str], **values: object) -> dict:
    setup, work = workload
    code = _PRELUDE.format(folder=str(folder)) + setup.format(**values) + _TIMED.format(work=work.format(**values))
    return run_in(tree, code)


def _compare(metric: str, tree: Path, root: Path, data: Path | None, workload: tuple[str, str], n: int,
             **values: object) -> None:
    sides = {}
    for side, code_tree in (("ours", REPO), ("baseline", tree)):
        folder = root / f"{metric}-{side}"
        if data is not None:
            shutil.copytree(data, folder)
        sides[side] = _run(code_tree, folder, workload, **values)
        shutil.rmtree(folder, ignore_errors=True)
    ours, before = sides["ours"], sides["baseline"]
    line = {"metric": metric, "n": n}
    for key in ("ms", "cpu_ms", "peak_mb"):
        line[f"ours_{key}"] = round(ours.get(key, 0))
        line[f"baseline_{key}"] = round(before.get(key, 0))
    line["baseline"] = BASELINE
    line["ratio_cpu"] = round(before.get("cpu_ms", 0) / ours["cpu_ms"], 2) if ours.get("cpu_ms") else None
    line["ours_result"], line["baseline_result"] = ours.get("said", ours.get("error")), before.get(
        "said", before.get("error"))
    print(json.dumps(line), flush=True)


def _imported_folder(root: Path, source: Path) -> Path:
    # The folder an import of `source` into an empty store makes, by today's code: the base of the re-imports.
    folder = root / "imported"
    result = _run(REPO, folder, _IMPORT, source=str(source))
    if "error" in result:
        raise SystemExit(f"the first import failed: {result['error']}")
    return folder


def main() -> None:
    """Print one JSON line per metric: the imports, then the edits."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=1_000)
    args = parser.parse_args()
    n = args.n
    with tempfile.TemporaryDirectory(prefix="write-bench-") as folder, baseline_tree(BASELINE) as tree:
        root = Path(folder)
        frame = synthetic_frame(n).drop(columns=_STORED_BY_US)
        frame["external_id"] = "ext-" + frame.pop("id")
        source = root / "source.csv"
        export_csv(frame, source)
        _compare("import_csv_into_empty", tree, root, None, _IMPORT, n, source=str(source))
        imported = _imported_folder(root, source)
        _compare("reimport_csv_unchanged", tree, root, imported, _IMPORT, n, source=str(source))
        frame.loc[frame.index[::100], "description"] = "A description changed since the first import."
        changed = root / "changed.csv"
        export_csv(frame, changed)
        _compare("reimport_csv_1pct_changed", tree, root, imported, _IMPORT, n, source=str(changed))
        scaled = write_scaled_sample(root / "scaled", n).parent
        _compare("store_update_one", tree, root, scaled, _UPDATE, n, resource_id=f"s-{n // 2:07d}")
        _compare(f"store_update_many_{args.edits}", tree, root, scaled, _UPDATE_MANY, n, edits=args.edits)


if __name__ == "__main__":
    main()
