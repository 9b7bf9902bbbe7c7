"""Nearest resource for 100,000 cells against 100,000 resources, per support type: k-d tree vs brute force.

The brute-force baseline is timed on a sample of cells and extrapolated. Prints one JSON line.
Run: python bench/gaps_bench.py [--n 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench.synthetic import synthetic_frame
from directory import taxonomy as tx
from directory.gaps import Kind, nearest, resources_of
from directory.geo import haversine_miles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    frame = synthetic_frame(args.n).assign(status="active")
    rng = np.random.default_rng(1)
    cell_lat, cell_lon = rng.uniform(39.6, 40.4, args.n), rng.uniform(-75.9, -74.8, args.n)
    pools = [resources_of(frame, Kind(support_type=t)) for t in tx.keys(tx.SUPPORT_TYPES)]
    coordinates = [(p["latitude"].astype(float).to_numpy(), p["longitude"].astype(float).to_numpy()) for p in pools]

    started = time.perf_counter()
    results = [nearest(lat, lon, cell_lat, cell_lon) for lat, lon in coordinates]
    ours_ms = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    agree = True
    for (lat, lon), (miles, _) in zip(coordinates, results, strict=True):
        for i in range(args.sample):
            brute = haversine_miles(cell_lat[i], cell_lon[i], lat, lon).min()
            agree &= bool(abs(brute - miles[i]) < 1e-6)
    sample_ms = (time.perf_counter() - started) * 1000
    baseline_ms = sample_ms * args.n / args.sample
    print(json.dumps({"metric": "gaps_100k", "n_cells": args.n, "n_resources": args.n, "support_types": 4,
                      "ours_ms": round(ours_ms, 1), "baseline_ms": round(baseline_ms, 1),
                      "baseline_note": f"brute force on {args.sample} cells per type, extrapolated",
                      "ratio": round(baseline_ms / ours_ms, 1), "target_ms": 2000, "agrees_with_brute_force": agree}))


if __name__ == "__main__":
    main()
