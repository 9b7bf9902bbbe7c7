"""Importing a 100,000-row CSV: the streaming batch import vs. adding the rows one by one through the store.

The one-by-one baseline (Store.add per row, what a naive importer would do) is timed on a sample and
extrapolated. Peak memory is measured with tracemalloc while the streaming import runs.
Prints one JSON line per metric. Run: python bench/import_bench.py [--n 100000] [--sample 200]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_frame
from directory.auth import Curator
from directory.interop.csv_export import export_csv
from directory.interop.formats import read_source
from directory.interop.importer import import_rows
from directory.store import Store

BENCH = Curator("bench", "curator")
_STORED_BY_US = ["row_version", "created_at", "created_by", "updated_at", "updated_by"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        root = Path(folder)
        source = root / "big.csv"
        frame = synthetic_frame(args.n).drop(columns=_STORED_BY_US)
        frame["external_id"] = "ext-" + frame.pop("id")
        export_csv(frame, source)
        size_mb = source.stat().st_size / 2**20

        store = Store(root / "ours", snapshots_kept=0)
        started = time.perf_counter()
        plan = import_rows(store, read_source(source, "csv"), by=BENCH)
        ours_ms = (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        again = import_rows(store, read_source(source, "csv"), by=BENCH)
        reimport_ms = (time.perf_counter() - started) * 1000

        # Memory is traced on a separate dry run: tracing slows Python down too much to time alongside.
        tracemalloc.start()
        import_rows(Store(root / "traced"), read_source(source, "csv"), by=BENCH, dry_run=True)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        baseline = Store(root / "baseline", snapshots_kept=0)
        records = frame.head(args.sample).to_dict("records")
        started = time.perf_counter()
        for record in records:
            baseline.add(record, by=BENCH)
        sample_ms = (time.perf_counter() - started) * 1000
        # Each add rewrites the whole file, so its cost grows with the file: a linear extrapolation from a
        # small sample flatters the baseline.
        baseline_ms = sample_ms * args.n / args.sample

    print(json.dumps({"metric": "import_csv_100k", "rows": args.n, "file_mb": round(size_mb, 1),
                      "summary": plan.summary(), "ours_ms": round(ours_ms), "baseline_ms": round(baseline_ms),
                      "baseline_note": f"Store.add per row on {args.sample} rows, extrapolated linearly",
                      "ratio": round(baseline_ms / ours_ms, 1), "dry_run_peak_traced_mb": round(peak_mb)}))
    print(json.dumps({"metric": "reimport_csv_100k", "rows": args.n, "summary": again.summary(),
                      "ours_ms": round(reimport_ms), "first_import_ms": round(ours_ms)}))


if __name__ == "__main__":
    main()
