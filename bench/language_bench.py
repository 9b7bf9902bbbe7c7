"""A warm rerun of the public pages in English and in Spanish: what speaking two languages costs a page.

Data: bench.synthetic.write_scaled_sample(folder, n) (the shipped sample repeated, each copy with its own id and
a moved place; the sample's Spanish names and descriptions come along), n = 10,000 by default. Map tiles off.

Three sides, each in a fresh interpreter driving one AppTest session: today's code in English, today's code in
Spanish (?lang=es), and the named baseline 53b9620 (the code before the Spanish interface) in English. Each
workload's first run is not timed, two reruns settle caches, then the median of REPEATS unchanged reruns is the
figure. Workloads: find (no words, no place), map (every active entry), events (this week), packet (five
entries).

Prints one JSON line per workload and size. Run: python bench/language_bench.py [--sizes 10000] [--repeats 5]
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

BASELINE = "53b9620"  # the last commit before the Spanish interface
WORKLOADS = ("find", "map", "events", "packet")

_WORKLOAD = """
import json, os, statistics, time
from pathlib import Path
os.environ["DIRECTORY_DATA_DIR"] = DATA
os.environ["DIRECTORY_MAP_TILES"] = "none"
from streamlit.testing.v1 import AppTest

""" + SERVED_LIKE + """

def timed():
    started = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return time.perf_counter() - started

def warm(name):
    timed(); timed()
    runs = [timed() for _ in range(REPEATS)]
    result[name + "_ms"] = round(statistics.median(runs) * 1000, 1)

at = AppTest.from_file(str(Path.cwd() / "app.py"), default_timeout=3600)
if LANG != "en":
    at.query_params["lang"] = LANG
result = {}
for name, script in (("find", "pages/find.py"), ("map", "pages/map.py"), ("events", "pages/events.py")):
    at.switch_page(script).run()
    if name == "events":
        at.radio(key="ev_view").set_value("This week").run()
    warm(name)
at.session_state["packet_ids"] = [f"s-{i:07d}" for i in (0, 10, 20, 30)] + ["gone-0000000"]
at.switch_page("pages/packet.py").run()
warm("packet")
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeats", type=int, default=5, help="warm reruns timed per workload")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="language-bench-") as scratch, \
            baseline_tree(BASELINE, APPTEST_PATHS) as before:
        for n in args.sizes:
            data = Path(scratch) / f"data-{n}"
            write_scaled_sample(data, n)
            sides = {}
            for side, tree, lang in (("english", REPO, "en"), ("spanish", REPO, "es"), ("baseline", before, "en")):
                code = f"DATA = {str(data)!r}\nLANG = {lang!r}\nREPEATS = {args.repeats}\n" + _WORKLOAD
                sides[side] = run_in(tree, code, timeout_s=3600)
                if "error" in sides[side]:
                    raise SystemExit(f"{side} at {n}: {sides[side]['error']}")
            for name in WORKLOADS:
                english, spanish, baseline = (sides[s][f"{name}_ms"] for s in ("english", "spanish", "baseline"))
                print(json.dumps({
                    "metric": f"page_warm_rerun_{name}_by_language", "n": n,
                    "data": f"bench.synthetic.write_scaled_sample({n})", "english_ms": english,
                    "spanish_ms": spanish, "baseline_ms": baseline, "baseline": f"{BASELINE} (English)",
                    "spanish_over_english": round(spanish / english, 2),
                    "english_over_baseline": round(english / baseline, 2), "load_average": os.getloadavg()[0],
                }), flush=True)


if __name__ == "__main__":
    main()
