"""The Meeting Guide feed of 10,000 weekly meetings, in process: the served (cached) feed against the feed
function on the uncached path (loading the store and building the feed).

Prints one JSON line per metric. Run: python bench/meeting_feed_bench.py [--n 10000]
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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_frame
from directory.gazetteer import zip_centroid
from directory.interop.meeting_guide import WEEKDAYS, meeting_guide_feed
from directory.privacy import listable, public_view
from directory.store import Store


def meetings(n: int):
    """n weekly support-group meetings, a tenth of them confidential and a tenth retired."""
    rng = np.random.default_rng(11)
    frame = synthetic_frame(n)
    frame["category"] = "support_group"
    frame["attendance"] = "in_person"
    days = rng.integers(0, 7, n)
    hours = rng.integers(7, 21, n)
    frame["event_start"] = [f"2024-01-{7 + d:02d}T{h:02d}:00:00" for d, h in zip(days, hours, strict=True)]
    frame["event_end"] = [f"2024-01-{7 + d:02d}T{h + 1:02d}:00:00" for d, h in zip(days, hours, strict=True)]
    frame["event_timezone"] = "America/New_York"
    frame["recurrence_rule"] = [f"FREQ=WEEKLY;BYDAY={WEEKDAYS[d]}" for d in days]
    frame["address"] = [f"{100 + i % 900} Main St" for i in range(n)]
    frame["city"], frame["state"], frame["zip"] = "Philadelphia", "PA", "19104"
    frame["location_confidential"] = np.where(rng.random(n) < 0.1, "yes", "")
    frame["updated_at"] = "2025-01-01T15:30:00Z"
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="meeting-feed-bench-"))
    meetings(args.n).to_csv(folder / "resources.csv", index=False)
    os.environ["DIRECTORY_DATA_DIR"] = str(folder)

    from starlette.testclient import TestClient

    import serve

    # The offline gazetteer loads once per process (seconds): a start-up cost, not a feed's, so it is paid first.
    zip_centroid("19104")
    with TestClient(serve.app) as client:
        started = time.perf_counter()
        first = client.get("/feeds/meetings.json")
        cold_ms = (time.perf_counter() - started) * 1000
        timings = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            response = client.get("/feeds/meetings.json")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.content == first.content
    ours_ms = statistics.median(timings)
    count = len(first.json())

    # Baseline: the feed function on the uncached path (load, public view of the active entries, feed).
    started = time.perf_counter()
    public = public_view(listable(Store(folder).load().frame))
    loaded = time.perf_counter()
    baseline = meeting_guide_feed(public[public["status"] == "active"])
    baseline_ms = (time.perf_counter() - started) * 1000
    build_ms = (time.perf_counter() - loaded) * 1000
    assert len(json.loads(baseline)) == count

    print(json.dumps({"metric": "meeting_feed_10k", "n": args.n, "meetings": count, "ours_ms": round(ours_ms, 2),
                      "p90_ms": round(statistics.quantiles(timings, n=10)[-1], 2),
                      "baseline": "meeting_guide_feed uncached", "baseline_ms": round(baseline_ms, 1),
                      "ratio": round(baseline_ms / ours_ms, 1), "target_ms": 1000}))
    print(json.dumps({"metric": "meeting_feed_10k_build", "n": args.n, "meetings": count,
                      "ours_ms": round(build_ms, 1), "target_ms": 1000,
                      "note": "meeting_guide_feed alone, after the store is loaded and its public view made"}))
    print(json.dumps({"metric": "meeting_feed_10k_first_request_after_a_write", "n": args.n,
                      "ours_ms": round(cold_ms, 1), "target_ms": 1000}))


if __name__ == "__main__":
    main()
