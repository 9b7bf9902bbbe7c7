"""Search over 100,000 synthetic resources: ours against a row-by-row geopy baseline.

Prints one JSON line per metric. Run: python bench/search_bench.py [--n 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geopy.distance import geodesic

from bench.synthetic import synthetic_frame
from directory.search import Query, build_index, search

CENTRES = ((39.9526, -75.1652), (40.0, -75.3), (39.93, -75.05), (40.2, -75.1), (39.85, -75.6))
WORDS = ("sober", "peer", "recovery", "league", "circle")
TYPES = ("emotional", "informational", "instrumental", "affiliational")


def baseline(frame, word: str, support_type: str, centre: tuple[float, float], limit: int = 50):
    """The obvious implementation: pandas filters, then geopy's geodesic row by row."""
    text = (frame["name"] + " " + frame["description"]).str.lower()
    hits = frame[text.str.contains(word, regex=False) & frame["support_types"].str.contains(support_type)
                 & (frame["status"] == "active")]
    distances = [geodesic(centre, (float(a), float(b))).miles for a, b in zip(hits["latitude"], hits["longitude"],
                                                                                strict=True)]
    return hits.assign(distance_miles=distances).nsmallest(limit, "distance_miles")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    frame = synthetic_frame(args.n)

    started = time.perf_counter()
    index = build_index(frame)
    build_ms = (time.perf_counter() - started) * 1000

    timings = []
    for i in range(args.repeats):
        query = Query(text=WORDS[i % len(WORDS)], support_types=(TYPES[i % 4],), near=CENTRES[i % len(CENTRES)],
                      limit=50)
        started = time.perf_counter()
        result = search(index, query)
        timings.append((time.perf_counter() - started) * 1000)
        assert len(result) == 50
    ours_ms = statistics.median(timings)

    started = time.perf_counter()
    expected = baseline(frame, WORDS[0], TYPES[0], CENTRES[0])
    baseline_ms = (time.perf_counter() - started) * 1000
    ours = search(index, Query(text=WORDS[0], support_types=(TYPES[0],), near=CENTRES[0], limit=50))
    # Same answer as the baseline (haversine and geodesic differ by <0.5%, so compare the sets).
    overlap = len(set(ours["id"]) & set(expected["id"])) / 50

    print(json.dumps({"metric": "search_100k", "n": args.n, "ours_ms": round(ours_ms, 2),
                      "p90_ms": round(statistics.quantiles(timings, n=10)[-1], 2),
                      "baseline_ms": round(baseline_ms, 1), "ratio": round(baseline_ms / ours_ms, 1),
                      "top50_overlap_with_baseline": overlap, "target_ms": 25}))
    print(json.dumps({"metric": "search_index_build", "n": args.n, "ours_ms": round(build_ms, 1)}))


if __name__ == "__main__":
    main()
