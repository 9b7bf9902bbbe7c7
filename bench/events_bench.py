"""A warm rerun of the Events page through AppTest: today's code against commit 0481317, in the same run.

Data: bench.synthetic.write_scaled_sample(folder, n) for n = 10,000 and 100,000 (the shipped sample repeated,
each copy with its own id and a moved place), written once into a temporary folder that both sides read. The
clock is pinned (DIRECTORY_NOW = Thursday 26 November 2026, 6:30 pm), so both sides list the same sittings.

Each side runs in a fresh interpreter on its own tree (0481317 unpacked with `git archive`): it opens Events
(the load is not timed), then for each view (Today, the page's default, and This week) chooses it once (a
first visit, not timed) and reruns the page unchanged REPEATS times; the figure is the median of those
reruns. Ours also times a change of page (Next page, then Previous), which the baseline does not have.
0481317 draws every sitting and builds every calendar file on each rerun; today's code draws one page of 25
and builds a calendar only when its button is pressed.

Prints one JSON line per metric. Run: python bench/events_bench.py [--sizes 10000 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import APPTEST_PATHS, REPO, SERVED_LIKE, baseline_tree, run_in
from bench.synthetic import write_scaled_sample

BASELINE = "0481317"  # the Events page as issue 16 found it
NOW = "2026-11-26T18:30"
TARGET_MS = 300
VIEWS = ("Today", "This week")

_WORKLOAD = """
import json, os, statistics, time
from pathlib import Path
os.environ["DIRECTORY_DATA_DIR"] = DATA
os.environ["DIRECTORY_NOW"] = NOW
from streamlit.testing.v1 import AppTest

""" + SERVED_LIKE + """

def ms(seconds):
    return round(seconds * 1000, 1)

def timed(step):
    started = time.perf_counter()
    step().run()
    assert not at.exception, at.exception
    return time.perf_counter() - started

at = AppTest.from_file(str(Path.cwd() / "app.py"), default_timeout=3600)
at.switch_page("pages/events.py")
result = {"first_run_s": round(timed(lambda: at), 1)}
for view in VIEWS:
    result[view + "_first_visit_ms"] = ms(timed(lambda: at.radio(key="ev_view").set_value(view)))
    runs = [timed(lambda: at) for _ in range(REPEATS)]
    result[view + "_ms"] = ms(statistics.median(runs))
    result[view + "_runs_ms"] = [ms(r) for r in runs]
    result[view + "_sittings"] = next(c.value.split(" ", 1)[0] for c in at.caption if " sitting" in c.value)
    result[view + "_download_buttons"] = len(at.get("download_button"))
    if any(b.key == "ev_next" for b in at.button):
        # Next, then back, and so on: a window of two pages has no third to go to.
        pages = [timed(lambda i=i: at.button(key="ev_prev" if i % 2 else "ev_next").click())
                 for i in range(REPEATS)]
        result[view + "_next_page_ms"] = ms(statistics.median(pages))
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5, help="reruns timed per view")
    parser.add_argument("--baseline-repeats", type=int, default=None,
                        help="reruns timed per view on the baseline (default: --repeats); one takes minutes at 100,000")
    args = parser.parse_args()
    with (tempfile.TemporaryDirectory(prefix="events-bench-") as scratch,
          baseline_tree(BASELINE, APPTEST_PATHS) as before):
        for n in args.sizes:
            data = Path(scratch) / f"data-{n}"
            write_scaled_sample(data, n)
            code = f"DATA = {str(data)!r}\nNOW = {NOW!r}\nVIEWS = {VIEWS!r}\n"
            load = [round(os.getloadavg()[0], 1)]
            ours = run_in(REPO, f"REPEATS = {args.repeats}\n" + code + _WORKLOAD, timeout_s=3600)
            baseline = run_in(before, f"REPEATS = {args.baseline_repeats or args.repeats}\n" + code + _WORKLOAD,
                              timeout_s=3600)
            load.append(round(os.getloadavg()[0], 1))
            for side, found in (("ours", ours), ("baseline", baseline)):
                if "error" in found:
                    raise SystemExit(f"{side} at {n}: {found['error']}")
            for view in VIEWS:
                line = {"metric": f"events_warm_rerun_{view.lower().replace(' ', '_')}", "n": n,
                        "data": f"bench.synthetic.write_scaled_sample({n})", "view": view,
                        "ours_ms": ours[f"{view}_ms"], "baseline_ms": baseline[f"{view}_ms"], "baseline": BASELINE,
                        "ratio": round(baseline[f"{view}_ms"] / ours[f"{view}_ms"], 1), "target_ms": TARGET_MS,
                        "within_target": ours[f"{view}_ms"] <= TARGET_MS,
                        "sittings": ours[f"{view}_sittings"], "baseline_sittings": baseline[f"{view}_sittings"],
                        "download_buttons": ours[f"{view}_download_buttons"],
                        "baseline_download_buttons": baseline[f"{view}_download_buttons"],
                        "ours_runs_ms": ours[f"{view}_runs_ms"], "baseline_runs_ms": baseline[f"{view}_runs_ms"]}
                if f"{view}_next_page_ms" in ours:
                    line["ours_next_page_ms"] = ours[f"{view}_next_page_ms"]
                print(json.dumps(line), flush=True)
            print(json.dumps({"metric": "events_first_visit", "n": n, "ours_first_run_s": ours["first_run_s"],
                              "baseline_first_run_s": baseline["first_run_s"], "baseline": BASELINE,
                              **{f"ours_{v.lower().replace(' ', '_')}_first_ms": ours[f"{v}_first_visit_ms"]
                                 for v in VIEWS},
                              **{f"baseline_{v.lower().replace(' ', '_')}_first_ms": baseline[f"{v}_first_visit_ms"]
                                 for v in VIEWS},
                              "load_average": load, "cpus": os.cpu_count()}), flush=True)


if __name__ == "__main__":
    main()
