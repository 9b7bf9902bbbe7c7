"""Server memory at 100,000 entries: every page opened once, then 20 visitors' sessions (issue 16).

Data: a temporary copy of `bench/synthetic.write_scaled_sample(folder, n)` (the shipped sample repeated to n
entries, each copy with its own id and a moved place), default n = 100,000. Map tiles off, loopback only.

Each server runs as the README runs it, `streamlit run serve.py`, headless on a free port: today's working tree
(copied once at the start) and the baseline commit 0481317 (its `git archive` tree), one after the other in the
same run. Before each server starts, a peer-leader account (admin, so that every page is registered) is made in
its data folder with the tree's own CLI, `python -m directory curator add NAME --admin --password-stdin`.

Pages are opened through Streamlit's own websocket protocol (`bench/st_client.py`), as a browser tab would ask
for them: every page of st.navigation a visitor sees (Find, Map, Events, Suggest, Packet, Curate, Gaps), then
the sign-in form on Curate is submitted and every page registered for a signed-in peer leader is opened too
(Review, Bulk edit, Entries to check, Imports to review, Import and export, Accounts). Then 20 visitors, at
once, each open Find, type a place in the Near box, tick a filter, and open Map and Events, and stay connected.

Memory is the resident set (VmRSS from /proc/<pid>/status) of the streamlit process and all its children,
measured: once the server answers its health check, after every page has been opened, with the 20 visitors'
sessions still open, 2 s after they close, and its peak (sampled every 0.25 s from the start). After each page
the log also shows the two parts of VmRSS: the process's own memory (RssAnon) and mapped files (RssFile: the
shared libraries and the pages read of the directory's cache files, which the kernel can drop and shares
between processes); the JSON line of "after every page" carries the figure after each page. Prints one JSON line per
figure, for today's tree ("ours") and the baseline. Goal (issue 16): at most 600 MB at 100,000 entries.
Run: python bench/memory_bench.py [--n 100000] [--sessions 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baseline import baseline_tree
from bench.st_client import (
    APP_PATHS,
    RunResult,
    Visitor,
    rss_mb,
    streamlit_server,
    working_tree_copy,
    working_tree_label,
)
from bench.synthetic import write_scaled_sample

BASELINE = "0481317"
GOAL_MB = 600
ADMIN = "bench-admin"
PLACES = ("19104", "Media, PA", "Camden, NJ", "Norristown, PA", "19120", "West Chester, PA", "Doylestown, PA")


def _log(message: str) -> None:
    print(f"[memory_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class PeakSampler:
    """The highest RSS of a process tree, sampled in a background thread until stopped."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        self.pid, self.every_s, self.peak = pid, every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(self.every_s)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _check(label: str, page: str, result: RunResult, problems: list[str], rss: dict[str, float], pid: int) -> None:
    rss["/" + page] = rss_mb(pid)
    _log(f"  {label} /{page}: {result.seconds:.1f} s, {len(result.widgets)} widgets, "
         f"{result.bytes / 1e6:.1f} MB sent, server {rss['/' + page]:.0f} MB "
         f"(anonymous {rss_mb(pid, 'RssAnon'):.0f}, files {rss_mb(pid, 'RssFile'):.0f})")
    problems.extend(f"/{page}: {text[:160]}" for text in result.exceptions)


async def _every_page(url: str, password: str, label: str, timeout_s: float, pid: int, rss: dict[str, float]
                      ) -> tuple[list[str], list[str]]:
    """Open each public page, sign in on Curate, then each peer-leader page; return pages and problems.

    `rss` gets the server's memory after each page, in the order opened."""
    visitor = Visitor(url, timeout_s=timeout_s)
    problems: list[str] = []
    opened: list[str] = []
    try:
        result = await visitor.open("")
        _check(label, "", result, problems, rss, pid)
        opened.append("")
        for page in [p for p in visitor.pages if p != ""]:
            result = await visitor.open(page)
            _check(label, page, result, problems, rss, pid)
            opened.append(page)
        result = await visitor.open("curate")
        visitor.set_text(result.widget(key="sign_in_name"), ADMIN)
        visitor.set_text(result.widget(key="sign_in_password"), password)
        visitor.click(result.widget(key="sign_in_submit"))
        result = await visitor.run()
        signed_in_pages = [p for p in visitor.pages if p not in opened]
        if not signed_in_pages:
            problems.append("sign-in did not register the peer-leader pages")
        _log(f"  {label}: signed in, {len(signed_in_pages)} more pages")
        for page in signed_in_pages:
            result = await visitor.open(page)
            _check(label, page, result, problems, rss, pid)
            opened.append(page)
    finally:
        await visitor.close()
    return opened, problems


async def _sessions(url: str, count: int, timeout_s: float, seed: int, when_open: Callable[[], None]) -> list[str]:
    """Count visitors at once: Find, a place, a filter, Map and Events; measured while all are still connected."""
    rng = random.Random(seed)
    visitors = [Visitor(url, timeout_s=timeout_s) for _ in range(count)]
    problems: list[str] = []

    async def visit(visitor: Visitor, place: str, filter_key: str) -> None:
        result = await visitor.open("")
        visitor.set_text(result.widget(key="f_near"), place)
        result = await visitor.run()
        visitor.set_checkbox(result.widget(key=filter_key), True)
        result = await visitor.run()
        for page in ("map", "events"):
            result = await visitor.open(page)
            problems.extend(f"/{page}: {text[:160]}" for text in result.exceptions)

    try:
        outcomes = await asyncio.gather(*(visit(v, rng.choice(PLACES), rng.choice(("f_free", "f_peer", "f_moud")))
                                          for v in visitors), return_exceptions=True)
        problems.extend(repr(outcome)[:200] for outcome in outcomes if isinstance(outcome, BaseException))
        when_open()
    finally:
        await asyncio.gather(*(v.close() for v in visitors))
    return problems


def run_one(label: str, tree: Path, sample: Path, args: argparse.Namespace) -> dict:
    """One server: make an account, start, open every page, then the sessions; RSS at each step."""
    with tempfile.TemporaryDirectory(prefix=f"memory-data-{label.split()[0]}-") as folder:
        data = Path(folder)
        shutil.copy(sample, data / "resources.csv")
        password = secrets.token_urlsafe(18)
        made = subprocess.run([sys.executable, "-m", "directory", "curator", "add", ADMIN, "--admin",
                               "--password-stdin"], input=password + "\n", cwd=tree, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(tree), "DIRECTORY_DATA_DIR": str(data)},
                              timeout=600)
        if made.returncode != 0:
            raise RuntimeError(f"{label}: could not add the account: {made.stderr.strip()[-300:]}")
        _log(f"{label}: starting the server on {args.n:,} entries")
        with streamlit_server(tree, data) as server, PeakSampler(server.process.pid) as peak:
            figures: dict = {"started_mb": rss_mb(server.process.pid)}
            started = time.perf_counter()
            figures["page_mb"] = {}
            opened, problems = asyncio.run(_every_page(server.url, password, label, args.timeout,
                                                       server.process.pid, figures["page_mb"]))
            figures["pages_s"] = round(time.perf_counter() - started, 1)
            figures["after_pages_mb"] = rss_mb(server.process.pid)
            figures["pages"] = ["/" + page for page in opened]
            _log(f"{label}: after every page {figures['after_pages_mb']:.0f} MB ({figures['pages_s']} s)")

            def when_open() -> None:
                figures["with_sessions_mb"] = rss_mb(server.process.pid)

            started = time.perf_counter()
            problems += asyncio.run(_sessions(server.url, args.sessions, args.timeout, args.seed, when_open))
            figures["sessions_s"] = round(time.perf_counter() - started, 1)
            _log(f"{label}: with {args.sessions} sessions open {figures.get('with_sessions_mb', 0):.0f} MB "
                 f"({figures['sessions_s']} s)")
            time.sleep(2)  # the server lets the closed sessions go
            figures["after_sessions_closed_mb"] = rss_mb(server.process.pid)
        figures["peak_mb"] = peak.peak
        figures["problems"] = problems[:10]
        figures["problem_count"] = len(problems)
    _log(f"{label}: {json.dumps(figures)}")
    return figures


def main() -> None:
    """Measure today's tree and the baseline, and print the JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="entries in the synthetic directory")
    parser.add_argument("--sessions", type=int, default=20, help="visitors' sessions opened after the pages")
    parser.add_argument("--timeout", type=float, default=900, help="seconds one page may take")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--no-baseline", action="store_true", help="measure today's tree only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="memory-sample-") as folder:
        _log(f"writing the scaled sample ({args.n:,} entries)")
        sample = write_scaled_sample(Path(folder), args.n)
        ours_label = working_tree_label()
        with working_tree_copy() as tree:
            ours = run_one("ours", tree, sample, args)
        base: dict = {}
        if not args.no_baseline:
            with baseline_tree(args.baseline, paths=APP_PATHS) as tree:
                base = run_one(f"baseline {args.baseline}", tree, sample, args)

    common = {"n": args.n, "data": "bench/synthetic.write_scaled_sample", "ours": ours_label,
              "baseline": args.baseline}
    for figure, metric in (("started_mb", "server_rss_started"), ("after_pages_mb", "server_rss_after_every_page"),
                           ("with_sessions_mb", "server_rss_with_sessions"),
                           ("after_sessions_closed_mb", "server_rss_after_sessions_closed"),
                           ("peak_mb", "server_rss_peak")):
        line = {"metric": metric, **common, "ours_mb": ours.get(figure), "baseline_mb": base.get(figure),
                "goal_mb": GOAL_MB}
        if figure == "with_sessions_mb":
            line["sessions"] = args.sessions
        if figure == "after_pages_mb":
            line |= {"pages": ours["pages"], "ours_s": ours["pages_s"], "baseline_s": base.get("pages_s"),
                     "ours_mb_after_each_page": ours["page_mb"], "baseline_mb_after_each_page": base.get("page_mb")}
        print(json.dumps(line), flush=True)
    print(json.dumps({"metric": "memory_bench_page_problems", **common, "ours_count": ours["problem_count"],
                      "baseline_count": base.get("problem_count"), "ours_examples": ours["problems"],
                      "baseline_examples": base.get("problems")}), flush=True)


if __name__ == "__main__":
    main()
