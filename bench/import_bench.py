"""Importing real-sized sources: today's code against the code before issue 11, in the same run.

Workloads: a 100,000-row CSV (synthetic, bench/synthetic.py) and, when bench/hsds_read_bench.py is present,
a 4,000-service HSDS 1.1 package with about 11,000 schedule rows. Each side imports into an empty folder in a
fresh interpreter. Also measured: a re-import of the same CSV (every row unchanged) and the peak memory of a
dry run. Prints one JSON line per metric. Run: python bench/import_bench.py [--n 100000] [--services 4000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import BEFORE_ISSUE_11, REPO, baseline_tree, run_in
from bench.synthetic import synthetic_frame
from directory.interop.csv_export import export_csv

_STORED_BY_US = ["row_version", "created_at", "created_by", "updated_at", "updated_by"]
_IMPORT = """
import json, time, tracemalloc
from pathlib import Path
from directory.auth import Curator
from directory.interop.formats import read_source
from directory.interop.importer import import_rows
from directory.store import Store
store = Store(Path({out!r}), snapshots_kept=0)
by = Curator("bench", "curator")
started = time.perf_counter()
plan = import_rows(store, read_source(Path({source!r}), {fmt!r}), by=by)
first = (time.perf_counter() - started) * 1000
result = {{"ms": first, "summary": plan.summary()}}
if {again!r}:
    started = time.perf_counter()
    import_rows(store, read_source(Path({source!r}), {fmt!r}), by=by)
    result["again_ms"] = (time.perf_counter() - started) * 1000
    tracemalloc.start()
    import_rows(Store(Path({out!r} + "-traced")), read_source(Path({source!r}), {fmt!r}), by=by, dry_run=True)
    result["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
print(json.dumps(result))
"""


def _side(tree: Path, source: Path, fmt: str, out: Path, again: bool = False) -> dict:
    return run_in(tree, _IMPORT.format(out=str(out), source=str(source), fmt=fmt, again=again))


def _compare(metric: str, tree: Path, source: Path, fmt: str, root: Path, rows: int, again: bool = False) -> None:
    ours = _side(REPO, source, fmt, root / f"ours-{metric}", again)
    before = _side(tree, source, fmt, root / f"before-{metric}")
    line = {"metric": metric, "rows": rows, "ours_ms": round(ours["ms"]), "ours_summary": ours["summary"],
            "baseline": f"code at {BEFORE_ISSUE_11} (before issue 11)", "baseline_ms": round(before.get("ms", 0)),
            "baseline_summary": before.get("summary", before.get("error", "")),
            "ratio": round(before.get("ms", 0) / ours["ms"], 2)}
    print(json.dumps(line))
    if again:
        print(json.dumps({"metric": f"re{metric}", "rows": rows, "ours_ms": round(ours["again_ms"]),
                          "first_import_ms": round(ours["ms"])}))
        print(json.dumps({"metric": f"{metric}_dry_run_peak", "rows": rows, "peak_traced_mb": round(ours["peak_mb"]),
                          "file_mb": round(source.stat().st_size / 2**20, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--services", type=int, default=4_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder, baseline_tree() as tree:
        root = Path(folder)
        source = root / "big.csv"
        frame = synthetic_frame(args.n).drop(columns=_STORED_BY_US)
        frame["external_id"] = "ext-" + frame.pop("id")
        export_csv(frame, source)
        _compare("import_csv_100k" if args.n == 100_000 else f"import_csv_{args.n}", tree, source, "csv", root,
                 args.n, again=True)
        try:
            from bench.hsds_read_bench import write_package
        except ImportError:
            return
        package = root / "hsds"
        write_package(package, args.services)
        _compare(f"import_hsds11_{args.services}", tree, package, "hsds", root, args.services)


if __name__ == "__main__":
    main()
