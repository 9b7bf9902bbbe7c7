"""Concurrent readers: 50 visitors searching on Find while a peer leader saves an edit every second (issue 16).

Why a protocol-level client and not 50 browsers: this machine has 2 cores. Fifty Chromium tabs would need
several GB of memory and most of the CPU for layout and JavaScript, so the browsers, not the server, would be
measured. What the server does for a visitor is set entirely by the websocket messages it receives, so each
visitor here is a Python client (`bench/st_client.py`) that speaks Streamlit's own protocol with the protobuf
classes Streamlit ships: it connects to /_stcore/stream, sends BackMsg `rerun_script` with its query string, page
hash and widget states, and reads the ForwardMsgs (new_session, deltas, script_finished) the frontend would draw.
All 50 visitors share one asyncio loop in this process; they cost the server the same script runs and
messages as real tabs, but little CPU on the client side. What this leaves out: drawing in the browser, and
static files (the JavaScript bundle, fonts), which are cached after a first visit.

Data: a temporary copy of `bench/synthetic.write_scaled_sample(folder, n)` (the shipped sample repeated to n
entries, each copy with its own id and a moved place), default n = 10,000; a fresh copy per server, since the
peer leader writes to it. Map tiles off (DIRECTORY_MAP_TILES=none). Only loopback is used.

Each server runs as the README runs it, `streamlit run serve.py`, headless on a free port: today's working tree
(copied once at the start, so edits made meanwhile do not change what runs) and the baseline commit 0481317
(its `git archive` tree), one after the other in the same run, each under the same load:

- Visitors: each one opens Find, types a place in the Near box, ticks a filter, pages on with "Show more",
  unticks the filter, types another place, then closes the tab and comes back as a new session. Between
  actions it reads the page for a random 2-8 s (--think-min, --think-max), so 50 visitors ask for up to 10 pages
  a second between them; with no pause at all they would measure only how long the queue grows. A *page time*
  runs from sending the rerun to receiving its script_finished. An *error* is an exception shown on the page,
  a dropped connection, a widget the visitor needs that was not drawn, or a page that did not finish within
  --timeout seconds (the visitor then reconnects); such a page counts in the percentiles at the timeout, so a
  p95 equal to the timeout means "at least". Error alerts (st.error) are counted beside the errors.
- Peer leader: a separate process started by this bench, running the tree's own `directory.store.Store.update`
  on the same data folder as a Curator of role "curator" (directory/auth.py), one saved edit (a changed
  description) per second, or back to back when a save takes longer. That is a write by another process, as
  the CLI or a second server would make it; the server only sees the file change. It is a process rather than a
  thread here so that its pandas work does not hold this process's GIL and delay the visitors' clocks.

The first page of each session and the later reruns all count as page times. Before the load, the server's
first page (its cold start) is opened once, and one visitor alone makes the same visit three times without
pauses (the first as warm-up): that solo page time is what a page costs with nobody else waiting, so
1 / (solo time) is roughly how many pages a second the server can give at all (Streamlit runs every session's
script in one process, so one core's worth of Python does the work).

Prints one JSON line per metric: p50, p95 and max page time, the error count, pages served and saves made, for
today's tree ("ours") and the baseline. Goal (issue 16): p95 <= 1.5 s and 0 errors at 10,000 entries.
Run: python bench/load_bench.py [--n 10000] [--visitors 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import baseline_tree
from bench.st_client import (
    APP_PATHS,
    RunResult,
    VisitError,
    Visitor,
    streamlit_server,
    working_tree_copy,
    working_tree_label,
)
from bench.synthetic import write_scaled_sample

BASELINE = "0481317"
GOAL_P95_S = 1.5
# Places in the sample's region, as people type them: ZIPs and "City, ST".
PLACES = ("19104", "19103", "19120", "19143", "Media, PA", "Norristown, PA", "West Chester, PA", "Doylestown, PA",
          "Camden, NJ", "Chester, PA", "19401", "08102", "Bristol, PA", "Upper Darby, PA", "19063", "Ardmore, PA")
FILTERS = ("f_free", "f_peer", "f_moud")
STEPS = ("open", "near", "filter", "more", "unfilter", "near")

# The peer leader, run by the tree's own Python: Store.update on the shared data folder, one save per interval.
WRITER = """
import json, sys, time
from directory.auth import Curator
from directory.store import Store
store = Store(sys.argv[1])
seconds, every = float(sys.argv[2]), float(sys.argv[3])
ids = list(store.read_raw()["id"][:200])
peer = Curator("bench-peer-leader", "curator")
took, failures, i = [], [], 0
end = time.monotonic() + seconds
next_at = time.monotonic()
while time.monotonic() < end:
    rid = ids[i % len(ids)]
    i += 1
    start = time.perf_counter()
    try:
        row = store.get(rid)
        store.update(rid, {"description": f"Peer-led meetings, updated by the load bench ({i})."},
                     base_version=row["row_version"], by=peer)
    except Exception as error:
        failures.append(repr(error)[:200])
    took.append(time.perf_counter() - start)
    next_at = max(next_at + every, time.monotonic())
    time.sleep(max(0.0, min(next_at, end) - time.monotonic()))
print(json.dumps({"saves": len(took) - len(failures), "failures": failures[:5], "failed": len(failures),
                  "save_mean_s": sum(took) / max(1, len(took)), "save_max_s": max(took, default=0)}))
"""


@dataclass
class Tally:
    """Page times and errors of one server's load run."""

    times: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    error_alerts: int = 0
    examples: list[str] = field(default_factory=list)
    sessions: int = 0

    def page(self, action: str, seconds: float) -> None:
        self.times.append(seconds)
        self.by_action.setdefault(action, []).append(seconds)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if self.errors[kind] <= 2:  # two examples of each kind
            self.examples.append(f"{kind}: {detail[:200]}")


def _log(message: str) -> None:
    print(f"[load_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def _search_session(visitor: Visitor, rng: random.Random, until: float, think: tuple[float, float],
                          record: Callable[[str, RunResult], None], timeout_s: float, tally: Tally | None) -> None:
    """One visit to Find: open, a place, a filter, Show more, the filter off, another place; each page recorded."""
    filter_key = rng.choice(FILTERS)
    result: RunResult | None = None
    for step in STEPS:
        if time.monotonic() >= until:
            return
        try:
            if step == "open":
                result = await visitor.open("")
            else:
                assert result is not None
                if step == "near":
                    visitor.set_text(result.widget(key="f_near"), rng.choice(PLACES))
                elif step in ("filter", "unfilter"):
                    visitor.set_checkbox(result.widget(key=filter_key), step == "filter")
                elif step == "more":
                    if not result.has_widget(label="Show more", kind="button"):
                        continue
                    visitor.click(result.widget(label="Show more", kind="button"))
                result = await visitor.run()
        except VisitError as error:
            # A page that never finished took at least the timeout: it counts in the percentiles at that value,
            # so that overload shows in them instead of dropping out.
            if tally is not None and "no script_finished" in str(error):
                tally.page(step, timeout_s)
            raise
        record(step, result)
        await asyncio.sleep(rng.uniform(*think))


async def _visitor(url: str, rng: random.Random, stop_at: float, tally: Tally, think: tuple[float, float],
                   timeout_s: float) -> None:
    """One visitor: sessions of searches on Find until stop_at, each page timed."""

    def record(step: str, result: RunResult) -> None:
        tally.page(step, result.seconds)
        for exception in result.exceptions:
            tally.error("exception", exception)
        tally.error_alerts += len(result.error_alerts)

    await asyncio.sleep(rng.uniform(0, think[1]))  # arrive spread out, not all in the same millisecond
    while time.monotonic() < stop_at:
        visitor = Visitor(url, timeout_s=timeout_s)
        tally.sessions += 1
        try:
            await _search_session(visitor, rng, stop_at, think, record, timeout_s, tally)
        except VisitError as error:
            tally.error("timeout" if "no script_finished" in str(error) else "disconnect", str(error))
        except KeyError as error:
            # A widget the visitor needs was not drawn: the page did not render as it should.
            tally.error("missing_widget", str(error))
        except OSError as error:
            tally.error("disconnect", repr(error))
        finally:
            await visitor.close()


async def _solo(url: str, timeout_s: float, sessions: int = 3) -> dict[str, float]:
    """The same visit by one visitor alone, without pauses: what a page costs the server when nobody waits."""
    times: dict[str, list[float]] = {}
    rng = random.Random(0)
    for number in range(sessions):
        visitor = Visitor(url, timeout_s=timeout_s)
        try:
            def record(step: str, result: RunResult, keep: bool = number > 0) -> None:
                if keep:  # the first session warms the caches of its places and filters
                    times.setdefault(step, []).append(result.seconds)
            await _search_session(visitor, rng, time.monotonic() + timeout_s * 10, (0, 0), record, timeout_s, None)
        finally:
            await visitor.close()
    every = [t for values in times.values() for t in values]
    return {"median_ms": round(statistics.median(every) * 1000, 1),
            **{f"{step}_ms": round(statistics.median(values) * 1000, 1) for step, values in sorted(times.items())}}


async def _drive(url: str, visitors: int, seconds: float, think: tuple[float, float], timeout_s: float,
                 seed: int) -> Tally:
    tally = Tally()
    stop_at = time.monotonic() + seconds
    rng = random.Random(seed)
    tasks = [asyncio.create_task(_visitor(url, random.Random(rng.random()), stop_at, tally, think, timeout_s))
             for _ in range(visitors)]

    async def progress() -> None:
        while True:
            await asyncio.sleep(10)
            _log(f"  {len(tally.times)} pages, {sum(tally.errors.values())} errors, "
                 f"{max(0, stop_at - time.monotonic()):.0f} s left")

    reporter = asyncio.create_task(progress())
    await asyncio.gather(*tasks)
    reporter.cancel()
    return tally


def _percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return values[max(0, math.ceil(q / 100 * len(values)) - 1)]


async def _first_page(url: str) -> tuple[float, int]:
    visitor = Visitor(url, timeout_s=900)
    try:
        result = await visitor.open("")
    finally:
        await visitor.close()
    return result.seconds, len(result.exceptions)


def run_one(label: str, tree: Path, sample: Path, args: argparse.Namespace) -> dict:
    """Start the tree's server on a fresh copy of the data, warm it, then load it while the peer leader saves."""
    with tempfile.TemporaryDirectory(prefix=f"load-data-{label}-") as folder:
        data = Path(folder)
        shutil.copy(sample, data / "resources.csv")
        _log(f"{label}: starting the server on {args.n:,} entries")
        with streamlit_server(tree, data) as server:
            first_s, first_exceptions = asyncio.run(_first_page(server.url))
            _log(f"{label}: first page (cold) {first_s:.1f} s, {first_exceptions} exceptions")
            solo = asyncio.run(_solo(server.url, args.timeout))
            _log(f"{label}: one visitor alone: {solo}")
            writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data), str(args.seconds),
                                       str(args.write_every)], cwd=tree,
                                      env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            _log(f"{label}: {args.visitors} visitors for {args.seconds:g} s, a save every {args.write_every:g} s")
            started = time.monotonic()
            tally = asyncio.run(_drive(server.url, args.visitors, args.seconds, (args.think_min, args.think_max),
                                       args.timeout, args.seed))
            elapsed = time.monotonic() - started
            try:
                out, err = writer.communicate(timeout=args.seconds + 600)
                saves = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"error": err.strip()[-300:]}
            except subprocess.TimeoutExpired:
                writer.kill()
                saves = {"error": "the peer leader's saves did not finish"}
    times = sorted(tally.times)
    result = {
        "first_page_s": round(first_s, 2), "solo": solo, "pages": len(times), "sessions": tally.sessions,
        "elapsed_s": round(elapsed, 1),
        "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
        "p95_ms": round(_percentile(times, 95) * 1000, 1) if times else None,
        "max_ms": round(times[-1] * 1000, 1) if times else None,
        "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors), "error_alerts": tally.error_alerts,
        "error_examples": tally.examples, "saves": saves,
        "p95_ms_by_action": {action: round(_percentile(sorted(v), 95) * 1000, 1)
                             for action, v in sorted(tally.by_action.items())},
    }
    _log(f"{label}: {json.dumps(result)}")
    return result


def main() -> None:
    """Run the load on today's tree and on the baseline, and print the JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="entries in the synthetic directory")
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="how long the load lasts")
    parser.add_argument("--think-min", type=float, default=2.0, help="a visitor's shortest pause between actions")
    parser.add_argument("--think-max", type=float, default=8.0, help="a visitor's longest pause between actions")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a page may take before it is an error")
    parser.add_argument("--write-every", type=float, default=1.0, help="seconds between the peer leader's saves")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--no-baseline", action="store_true", help="load today's tree only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="load-sample-") as folder:
        _log(f"writing the scaled sample ({args.n:,} entries)")
        sample = write_scaled_sample(Path(folder), args.n)
        ours_label = working_tree_label()
        with working_tree_copy() as tree:
            ours = run_one("ours", tree, sample, args)
        base: dict = {}
        if not args.no_baseline:
            with baseline_tree(args.baseline, paths=APP_PATHS) as tree:
                base = run_one(f"baseline {args.baseline}", tree, sample, args)

    common = {"n": args.n, "visitors": args.visitors, "seconds": args.seconds,
              "think_s": [args.think_min, args.think_max], "write_every_s": args.write_every,
              "data": "bench/synthetic.write_scaled_sample", "ours": ours_label,
              "baseline": args.baseline}
    for name in ("p50", "p95", "max"):
        line = {"metric": f"load_page_{name}", **common, "ours_ms": ours[f"{name}_ms"],
                "baseline_ms": base.get(f"{name}_ms")}
        if name == "p95":
            line |= {"goal_ms": GOAL_P95_S * 1000, "ours_by_action_ms": ours["p95_ms_by_action"],
                     "baseline_by_action_ms": base.get("p95_ms_by_action")}
        print(json.dumps(line), flush=True)
    print(json.dumps({"metric": "load_errors", **common, "ours_errors": ours["errors"],
                      "baseline_errors": base.get("errors"),
                      "goal": 0, "ours_kinds": ours["error_kinds"], "baseline_kinds": base.get("error_kinds"),
                      "ours_error_alerts": ours["error_alerts"], "baseline_error_alerts": base.get("error_alerts"),
                      "ours_examples": ours["error_examples"], "baseline_examples": base.get("error_examples")}),
          flush=True)
    print(json.dumps({"metric": "load_pages_served", **common, "ours_pages": ours["pages"],
                      "baseline_pages": base.get("pages"),
                      "ours_sessions": ours["sessions"], "baseline_sessions": base.get("sessions")}), flush=True)
    print(json.dumps({"metric": "load_solo_page", **common, "ours_ms": ours["solo"]["median_ms"],
                      "baseline_ms": base.get("solo", {}).get("median_ms"), "ours_by_action": ours["solo"],
                      "baseline_by_action": base.get("solo")}), flush=True)
    print(json.dumps({"metric": "load_first_page_s", **common, "ours_s": ours["first_page_s"],
                      "baseline_s": base.get("first_page_s")}), flush=True)
    print(json.dumps({"metric": "load_peer_leader_saves", **common, "ours_saves": ours["saves"],
                      "baseline_saves": base.get("saves")}), flush=True)


if __name__ == "__main__":
    main()
