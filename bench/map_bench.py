"""Build the map for 50,000 resources: ours against one folium.Marker with a popup per resource.

Prints one JSON line per metric. Run: python bench/map_bench.py [--n 50000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium

from bench.synthetic import synthetic_frame
from directory.maps import results_map


def ours(frame) -> str:
    return results_map(frame).get_root().render()


def baseline(frame) -> str:
    """The obvious approach: a folium.Marker with a popup for every resource."""
    fmap = folium.Map(location=[39.95, -75.16], zoom_start=10)
    for lat, lon, name in zip(frame["latitude"].astype(float), frame["longitude"].astype(float), frame["name"],
                              strict=True):
        folium.Marker([lat, lon], popup=folium.Popup(name)).add_to(fmap)
    return fmap.get_root().render()


def timed(build, frame) -> tuple[float, int]:
    started = time.perf_counter()
    html = build(frame)
    return (time.perf_counter() - started) * 1000, len(html.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    frame = synthetic_frame(args.n)
    runs = [timed(ours, frame) for _ in range(3)]
    ours_ms = sorted(ms for ms, _ in runs)[1]
    ours_bytes = runs[0][1]
    baseline_ms, baseline_bytes = timed(baseline, frame)
    print(json.dumps({"metric": "map_50k", "n": args.n, "ours_ms": round(ours_ms, 1), "html_bytes": ours_bytes,
                      "baseline_ms": round(baseline_ms, 1), "baseline_html_bytes": baseline_bytes,
                      "ratio": round(baseline_ms / ours_ms, 1), "target_ms": 1000, "target_bytes": 3_000_000}))


if __name__ == "__main__":
    main()
