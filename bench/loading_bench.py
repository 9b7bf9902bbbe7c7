"""Loading a big directory: cold start, the page after one saved edit, and the CLI, against today's code.

Data: the sample directory repeated to n entries (bench/synthetic.scaled_sample: every column filled as real
entries fill it, 4% confidential, 1% waiting for review), for n = 10,000 and 100,000 by default.
Baseline: commit 0481317 (the code as issue 16 found it), unpacked with `git archive` and run in fresh
interpreters in the same benchmark run, on a copy of the same file.

Metrics, one JSON line each:
- cold_start: a new process loads the store and builds the search index (imports not counted; they are in the
  CLI figures). Ours reads the cache folder a previous process left; `first_ever` is ours with no cache folder,
  which happens once after installing or upgrading.
- after_one_change: a process that has the directory loaded; a peer leader saves one entry (Store.update);
  the next page view's load (ours: the snapshot, spliced), beside a warm view's load when nothing changed.
  The Find page itself is timed through AppTest too: a warm rerun, then a rerun after one saved edit.
- cli_search_near and cli_validate: `python -m directory search --near "Media, PA"` and `validate`, a new
  process each time, wall and CPU time (after a first run that leaves the cache folder; median of three).

CPU seconds are printed beside wall seconds: on a shared machine wall time includes waiting for a core.

Run: python bench/loading_bench.py [--sizes 10000 100000] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import APPTEST_PATHS, REPO, SERVED_LIKE, baseline_tree
from bench.synthetic import write_scaled_sample

BEFORE_ISSUE_16 = "0481317"
COLD_START_GOAL_S = 2.0
AFTER_CHANGE_GOAL_MS = 300
CLI_GOAL_S = 3.0

_OURS_LOAD = """
import json, sys, time
from pathlib import Path
from directory import loading
from directory.store import Store
store = Store(Path(sys.argv[1]))
started, cpu = time.perf_counter(), time.process_time()
current = loading.current(store)
print(json.dumps({"s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu, "how": current.how,
                  "listed": len(current.index)}))
"""

_BASELINE_LOAD = """
import json, sys, time
from pathlib import Path
from directory.privacy import listable, public_view
from directory.search import build_index
from directory.store import Store
started, cpu = time.perf_counter(), time.process_time()
index = build_index(public_view(listable(Store(Path(sys.argv[1])).load().frame)))
print(json.dumps({"s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu, "how": "loaded",
                  "listed": len(index)}))
"""

_OURS_CHANGE = """
import json, statistics, sys, time
from pathlib import Path
from directory import loading
from directory.auth import Curator
from directory.store import Store
store = Store(Path(sys.argv[1]), snapshots_kept=0)
EDITED = sys.argv[2]  # an entry in the middle of the file
loading.current(store)
warm, changed, changed_cpu, saves, how = [], [], [], [], set()
for n in range(5):
    started = time.perf_counter()
    loading.current(store)
    warm.append(time.perf_counter() - started)
    row = store.get(EDITED)
    started = time.perf_counter()
    store.update(EDITED, {"description": f"Edit {n}."}, base_version=row["row_version"],
                 by=Curator("bench", "curator"))
    saves.append(time.perf_counter() - started)
    started, cpu = time.perf_counter(), time.process_time()
    how.add(loading.current(store).how)
    changed.append(time.perf_counter() - started)
    changed_cpu.append(time.process_time() - cpu)
print(json.dumps({"warm_ms": statistics.median(warm) * 1000, "changed_ms": statistics.median(changed) * 1000,
                  "changed_cpu_ms": statistics.median(changed_cpu) * 1000, "save_ms": statistics.median(saves) * 1000,
                  "how": sorted(how)}))
"""

_BASELINE_CHANGE = """
import json, statistics, sys, time
from pathlib import Path
from directory.auth import Curator
from directory.privacy import listable, public_view
from directory.search import build_index
from directory.store import Store
store = Store(Path(sys.argv[1]), snapshots_kept=0)
EDITED = sys.argv[2]  # an entry in the middle of the file
def load():  # the page's loader as it was: the whole store again whenever the file's signature changed
    return build_index(public_view(listable(store.load().frame)))
load()
changed, changed_cpu, saves = [], [], []
for n in range(2):
    row = store.get(EDITED)
    started = time.perf_counter()
    store.update(EDITED, {"description": f"Edit {n}."}, base_version=row["row_version"],
                 by=Curator("bench", "curator"))
    saves.append(time.perf_counter() - started)
    started, cpu = time.perf_counter(), time.process_time()
    load()
    changed.append(time.perf_counter() - started)
    changed_cpu.append(time.process_time() - cpu)
print(json.dumps({"warm_ms": 0.0, "changed_ms": statistics.median(changed) * 1000,
                  "changed_cpu_ms": statistics.median(changed_cpu) * 1000,
                  "save_ms": statistics.median(saves) * 1000, "how": ["loaded"]}))
"""

_FIND_PAGE = """
import json, os, statistics, sys, time
from pathlib import Path
os.environ["DIRECTORY_DATA_DIR"] = sys.argv[1]
os.environ["DIRECTORY_MAP_TILES"] = "none"
from streamlit.testing.v1 import AppTest
from directory.auth import Curator
from directory.store import Store
""" + SERVED_LIKE + """
store = Store(Path(sys.argv[1]), snapshots_kept=0)
EDITED = sys.argv[2]  # an entry in the middle of the file
at = AppTest.from_file(str(Path.cwd() / "app.py"), default_timeout=900)
at.switch_page("pages/find.py").run()
at.text_input(key="f_near").set_value("Media, PA").run()
assert not at.exception, at.exception
def timed():
    started = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return time.perf_counter() - started
warm, changed = [], []
for n in range(REPEATS):
    warm.append(timed())
    row = store.get(EDITED)
    store.update(EDITED, {"description": f"Page edit {n}."}, base_version=row["row_version"],
                 by=Curator("bench", "curator"))
    changed.append(timed())
print(json.dumps({"warm_ms": statistics.median(warm) * 1000, "changed_ms": statistics.median(changed) * 1000}))
"""


def _python(tree: Path, code: str, folder: Path, timeout_s: float = 1800) -> dict:
    middle = f"s-{_rows(folder) // 2:07d}"  # the id of the entry in the middle of a scaled sample
    done = subprocess.run([sys.executable, "-c", code, str(folder), middle], cwd=tree, capture_output=True,
                          text=True, timeout=timeout_s, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
    if done.returncode:
        raise SystemExit(f"{tree}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rows(folder: Path) -> int:
    with (folder / "resources.csv").open("rb") as handle:
        return sum(1 for _ in handle) - 1


def _cli(tree: Path, folder: Path, *words: str) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one CLI process: CPU time is what a shared machine can't inflate."""
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "DIRECTORY_DATA_DIR": str(folder)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "directory", *words], cwd=tree, capture_output=True, text=True,
                          timeout=1800, env=env)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{tree}: {' '.join(words)}: {done.stderr.strip()[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _copy(source: Path, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    shutil.copy(source / "resources.csv", into / "resources.csv")
    return into


def _emit(metric: str, n: int, **figures: object) -> None:
    print(json.dumps({"metric": metric, "n": n, **figures,
                      "baseline": f"before issue 16 ({BEFORE_ISSUE_16})", "load_avg": round(os.getloadavg()[0], 1)}),
          flush=True)


def _ratio(baseline: float | None, ours: float) -> float | None:
    return round(baseline / ours, 1) if baseline and ours else None


def bench_size(n: int, made: Path, work: Path, before: Path | None, repeats: int) -> None:
    source = write_scaled_sample(made / f"scaled-{n}", n)
    ours = _copy(source.parent, work / "ours")
    first_ever = _python(REPO, _OURS_LOAD, ours)
    cold = [_python(REPO, _OURS_LOAD, ours) for _ in range(3)]
    base_cold = [_python(before, _BASELINE_LOAD, _copy(source.parent, work / "base"))] if before else []
    cold_s = statistics.median(c["s"] for c in cold)
    base_s = base_cold[0]["s"] if base_cold else None
    _emit("cold_start", n, ours_s=round(cold_s, 3), ours_cpu_s=round(statistics.median(c["cpu_s"] for c in cold), 3),
          how=cold[0]["how"], first_ever_s=round(first_ever["s"], 2), first_ever_cpu_s=round(first_ever["cpu_s"], 2),
          baseline_cpu_s=round(base_cold[0]["cpu_s"], 2) if base_cold else None,
          baseline_s=round(base_s, 2) if base_s else None, ratio=_ratio(base_s, cold_s), goal_s=COLD_START_GOAL_S,
          listed=cold[0]["listed"])

    change = _python(REPO, _OURS_CHANGE, ours)
    base_change = _python(before, _BASELINE_CHANGE, _copy(source.parent, work / "base")) if before else None
    _emit("after_one_change", n, ours_warm_ms=round(change["warm_ms"], 1),
          ours_changed_ms=round(change["changed_ms"], 1), ours_changed_cpu_ms=round(change["changed_cpu_ms"], 1),
          baseline_changed_cpu_ms=round(base_change["changed_cpu_ms"], 1) if base_change else None,
          how=change["how"], ours_save_ms=round(change["save_ms"], 1),
          baseline_changed_ms=round(base_change["changed_ms"], 1) if base_change else None,
          baseline_save_ms=round(base_change["save_ms"], 1) if base_change else None,
          ratio=_ratio(base_change and base_change["changed_ms"], change["changed_ms"]),
          goal_extra_ms=AFTER_CHANGE_GOAL_MS)

    page_code = f"REPEATS = {repeats}\n" + _FIND_PAGE
    page = _python(REPO, page_code, _copy(source.parent, work / "ours-page"))
    base_page = _python(before, page_code, _copy(source.parent, work / "base-page")) if before else None
    _emit("find_rerun_after_one_change", n, ours_warm_ms=round(page["warm_ms"], 1),
          ours_changed_ms=round(page["changed_ms"], 1), ours_extra_ms=round(page["changed_ms"] - page["warm_ms"], 1),
          baseline_warm_ms=round(base_page["warm_ms"], 1) if base_page else None,
          baseline_changed_ms=round(base_page["changed_ms"], 1) if base_page else None,
          goal_extra_ms=AFTER_CHANGE_GOAL_MS)

    for metric, words in (("cli_search_near", ("search", "--near", "Media, PA", "--limit", "10")),
                          ("cli_validate", ("validate",))):
        cli_folder = _copy(source.parent, work / "ours-cli")
        _cli(REPO, cli_folder, *words)  # leaves the cache folder, as any earlier run or the server would
        runs = [_cli(REPO, cli_folder, *words) for _ in range(3)]
        ours_s, ours_cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        base, base_cpu = _cli(before, _copy(source.parent, work / "base-cli"), *words) if before else (None, None)
        _emit(metric, n, ours_s=round(ours_s, 2), ours_cpu_s=round(ours_cpu, 2),
              baseline_s=round(base, 2) if base else None, baseline_cpu_s=round(base_cpu, 2) if base_cpu else None,
              ratio=_ratio(base, ours_s), goal_s=CLI_GOAL_S)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-baseline", action="store_true", help="ours only (quicker)")
    args = parser.parse_args()
    made = Path(tempfile.gettempdir()) / "directory-bench-data"
    with tempfile.TemporaryDirectory(prefix="snapshot-bench-") as work:
        if args.skip_baseline:
            for n in args.sizes:
                bench_size(n, made, Path(work), None, args.repeats)
            return
        with baseline_tree(BEFORE_ISSUE_16, APPTEST_PATHS) as before:
            for n in args.sizes:
                bench_size(n, made, Path(work), before, args.repeats)


if __name__ == "__main__":
    main()
