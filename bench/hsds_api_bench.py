"""The HSDS API's /services page over 100,000 synthetic entries, in process: the served (cached) page against
building the same page without the cache.

Prints one JSON line per metric. Run: python bench/hsds_api_bench.py [--n 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_frame
from directory.gazetteer import zip_centroid
from directory.interop import hsds_api
from directory.store import Store

PATH = "/api/hsds/services?per_page=50"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hsds-api-bench-"))
    frame = synthetic_frame(args.n)
    frame["updated_at"] = "2025-01-01T15:30:00Z"
    frame.to_csv(folder / "resources.csv", index=False)
    os.environ["DIRECTORY_DATA_DIR"] = str(folder)

    from starlette.testclient import TestClient

    import serve

    # The offline gazetteer loads once per process (seconds): a start-up cost, not a feed's, so it is paid first.
    zip_centroid("19104")
    with TestClient(serve.app) as client:
        started = time.perf_counter()
        first = client.get(PATH)
        cold_ms = (time.perf_counter() - started) * 1000
        assert first.status_code == 200 and first.json()["size"] == 50, first.text[:200]
        timings = []
        for page in range(1, args.repeats + 1):
            started = time.perf_counter()
            response = client.get(f"{PATH}&page={page}")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.json()["size"] == 50
    ours_ms = statistics.median(timings)

    # Baseline: the same page built without the cache (load the file, build the export tables, index, slice).
    started = time.perf_counter()
    data = hsds_api.build_api_data(Store(folder).load().frame)
    uncached = hsds_api.services_page(data, {"per_page": ["50"]})
    baseline_ms = (time.perf_counter() - started) * 1000
    assert uncached == first.json()

    print(json.dumps({"metric": "hsds_api_services_page_100k", "n": args.n, "ours_ms": round(ours_ms, 2),
                      "p90_ms": round(statistics.quantiles(timings, n=10)[-1], 2), "baseline": "uncached build",
                      "baseline_ms": round(baseline_ms, 1), "ratio": round(baseline_ms / ours_ms, 1),
                      "target_ms": 50}))
    print(json.dumps({"metric": "hsds_api_first_request_after_a_write_100k", "n": args.n,
                      "ours_ms": round(cold_ms, 1)}))


if __name__ == "__main__":
    main()
