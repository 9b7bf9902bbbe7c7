"""A rerun of the Gaps page on the sample directory: today's code against the code before issue 13.

Two workloads, each run on both trees in fresh interpreters in the same benchmark run:

- compute: what the page works out on a rerun before handing it to Streamlit (gap figures, hexagons, the map,
  the table and its CSV, and, before issue 13, the map's standalone HTML), for a kind and a distance not seen
  before (cold) and seen before (warm: today's code answers from st.cache_data; the old code had no cache);
- AppTest: the page's full rerun through streamlit.testing when the distance or the kind changes, cold
  (a value not seen before) and warm (seen before), including the map's rendering by st_folium.

The baseline is commit 5c582fb (the Gaps page as issue 13 found it), unpacked with `git archive`. Times
are medians. Prints one JSON line per metric. Run: python bench/gaps_rerun_bench.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import APPTEST_PATHS, REPO, SERVED_LIKE, baseline_tree, run_in

# The Gaps page as issue 13 found it: a bounding-box region, no cache, the map's HTML made on every run.
BEFORE_ISSUE_13 = "5c582fb"
TARGET_S = 1.5
SAMPLE = REPO / "data"

_SETUP = f"""
import json, os, shutil, statistics, tempfile, time
from pathlib import Path
data = Path(tempfile.mkdtemp()) / "data"
data.mkdir()
for name in ("resources.csv", ".sample"):
    shutil.copy(Path({str(SAMPLE)!r}) / name, data / name)
os.environ["DIRECTORY_DATA_DIR"] = str(data)
os.environ["DIRECTORY_MAP_TILES"] = "none"
def ms(seconds):
    return round(seconds * 1000, 1)
"""

_COMPUTE_BEFORE = _SETUP + """
from datetime import date
import pandas as pd
from directory import taxonomy as tx
from directory.gaps import Kind, coverage_share, freshness, gap_table, hex_cells, nearest, region_bounds, resources_of
from directory.maps import add_area_layers, gap_map, standalone_html
from directory.privacy import listable, public_view
from directory.store import Store
frame = public_view(listable(Store(data).load().frame))
unmet = pd.DataFrame(columns=["date", "category", "zip"])

def rerun(kind, threshold):
    # pages/gaps.py at 5c582fb, line by line, without the Streamlit calls.
    for support in tx.SUPPORT_TYPES:
        coverage_share(gap_table(frame, Kind(support_type=support.key), threshold), threshold)
    pool = resources_of(frame, kind)
    cells = hex_cells(region_bounds(frame))
    cells["nearest_miles"], _ = nearest(pool["latitude"].astype(float).to_numpy(),
                                        pool["longitude"].astype(float).to_numpy(),
                                        cells["lat"].to_numpy(), cells["lon"].to_numpy())
    fmap = gap_map(cells, threshold, "kind", tiles="none")
    add_area_layers(fmap, unmet, freshness(frame, 180, date(2026, 11, 30)))
    table = gap_table(frame, kind, threshold)
    table.to_csv(index=False)
    standalone_html(fmap)
    return len(table), len(cells)

rerun(Kind(), 10)  # imports and the gazetteer, outside the timing
times = []
for threshold in range(11, 11 + REPEATS):
    started = time.perf_counter()
    zips, cells = rerun(Kind(category="child_care"), threshold)
    times.append(time.perf_counter() - started)
print(json.dumps({"cold_ms": ms(statistics.median(times)), "warm_ms": ms(statistics.median(times)),
                  "zips": zips, "cells": cells}))
"""

_COMPUTE_OURS = _SETUP + """
import pandas as pd
from datetime import date
from directory.gaps import KIND_CHOICES, Kind, freshness, gap_report, zip_rows
from directory.privacy import listable, public_view
from directory.store import Store
from directory.ui import gaps_view
frame = public_view(listable(Store(data).load().frame))
unmet = pd.DataFrame(columns=["date", "category", "zip"])
fresh = freshness(frame, 180, date(2026, 11, 30))
version = (str(data), Store(data).signature())

def rerun(choice, threshold):
    # pages/gaps.py now, without the Streamlit calls: the cached report, a new map, the table and its CSV.
    report = gaps_view._report(version, None, choice, float(threshold), _frame=frame)
    gaps_view.gap_map_of(report, KIND_CHOICES[choice], unmet, fresh, tiles="none")
    zip_rows(report.table, threshold)
    report.table.to_csv(index=False)
    return report

gap_report(frame, Kind(), 10)  # imports and the gazetteer, outside the timing
cold, warm = [], []
for threshold in range(11, 11 + REPEATS):
    started = time.perf_counter()
    report = rerun("cat:child_care", threshold)
    cold.append(time.perf_counter() - started)
for threshold in range(11, 11 + REPEATS):
    started = time.perf_counter()
    rerun("cat:child_care", threshold)
    warm.append(time.perf_counter() - started)
print(json.dumps({"cold_ms": ms(statistics.median(cold)), "warm_ms": ms(statistics.median(warm)),
                  "zips": len(report.table), "cells": len(report.cells)}))
"""

_APPTEST = _SETUP + """
from streamlit.testing.v1 import AppTest

""" + SERVED_LIKE + """

at = AppTest.from_file(str(Path.cwd() / "app.py"), default_timeout=600)
at.switch_page("pages/gaps.py")
started = time.perf_counter()
at.run()
first = time.perf_counter() - started
assert not at.exception, at.exception

def timed(change):
    started = time.perf_counter()
    change().run()
    assert not at.exception, at.exception
    return time.perf_counter() - started

distances = [15 + 5 * i for i in range(REPEATS)]
kinds = ["cat:child_care", "type:emotional", "cat:transportation", "type:instrumental", "cat:employment"][:REPEATS]
result = {"first_run_s": round(first, 2)}
for name, values, widget in (("distance", distances, lambda: at.slider(key="g_threshold")),
                             ("kind", kinds, lambda: at.selectbox(key="g_kind"))):
    cold = [timed(lambda v=v: widget().set_value(v)) for v in values]
    warm = [timed(lambda v=v: widget().set_value(v)) for v in values]
    result[name + "_cold_s"] = [round(t, 2) for t in cold]
    result[name + "_warm_s"] = [round(t, 2) for t in warm]
    widget().set_value(10 if name == "distance" else "any").run()
print(json.dumps(result))
"""


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3, help="new values (then the same again) per workload")
    args = parser.parse_args()
    repeats = f"REPEATS = {args.repeats}\n"
    load_before = round(os.getloadavg()[0], 1)
    with baseline_tree(BEFORE_ISSUE_13, APPTEST_PATHS) as before:
        compute = {"ours": run_in(REPO, repeats + _COMPUTE_OURS), "before": run_in(before, repeats + _COMPUTE_BEFORE)}
        apptest = {"ours": run_in(REPO, repeats + _APPTEST), "before": run_in(before, repeats + _APPTEST)}
    for side in ("ours", "before"):
        for found in (compute[side], apptest[side]):
            if "error" in found:
                raise SystemExit(f"{side}: {found['error']}")
    ours, before = compute["ours"], compute["before"]
    print(json.dumps({"metric": "gaps_rerun_compute", "sample": "data/", "ours_cold_ms": ours["cold_ms"],
                      "ours_warm_ms": ours["warm_ms"], "baseline_ms": before["cold_ms"],
                      "baseline": f"before issue 13 ({BEFORE_ISSUE_13})", "ours_zips": ours["zips"],
                      "ours_cells": ours["cells"], "baseline_zips": before["zips"], "baseline_cells": before["cells"],
                      "ratio_cold": round(before["cold_ms"] / ours["cold_ms"], 1)}))
    for change in ("distance", "kind"):
        ours_runs = apptest["ours"][f"{change}_cold_s"] + apptest["ours"][f"{change}_warm_s"]
        baseline_runs = apptest["before"][f"{change}_cold_s"] + apptest["before"][f"{change}_warm_s"]
        ours_cold = _median(apptest["ours"][f"{change}_cold_s"])
        ours_warm = _median(apptest["ours"][f"{change}_warm_s"])
        baseline = _median(baseline_runs)
        print(json.dumps({"metric": f"gaps_apptest_{change}_change", "ours_cold_s": ours_cold,
                          "ours_warm_s": ours_warm,
                          "baseline_s": baseline, "baseline": f"before issue 13 ({BEFORE_ISSUE_13})",
                          "target_s": TARGET_S, "within_target": max(ours_cold, ours_warm) <= TARGET_S,
                          "ours_runs_s": ours_runs, "baseline_runs_s": baseline_runs}))
    # Other work on the machine shows in every time here: the 1-minute load average, before and after.
    load = [load_before, round(os.getloadavg()[0], 1)]
    print(json.dumps({"metric": "gaps_apptest_first_run", "ours_s": apptest["ours"]["first_run_s"],
                      "baseline_s": apptest["before"]["first_run_s"], "load_average": load, "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
