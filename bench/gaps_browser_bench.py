"""The Gaps page in a real browser: from a change of distance to the new map drawn, on the sample directory.

`gaps_rerun_bench.py` times what the server works out; this times what a person waits for. For each tree, the
app runs in its own Streamlit server (tiles off, a copy of the sample directory) and Debian's Chromium opens
the Gaps page. Each step presses the right arrow on the distance slider (one more mile, a distance not seen
before) and waits until the map's frame holds a new map with its hexagons drawn. Times are medians.

Baselines, run in the same benchmark run: the Gaps page as issue 13 found it (5c582fb), and the page just
before its freshness and unmet-need layers became one GeoJSON layer each (5cae71e). Prints one JSON line per
metric. Run: python bench/gaps_browser_bench.py [--steps 5]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
BASELINES = {"5c582fb": "the Gaps page as issue 13 found it", "5cae71e": "one map layer per ZIP"}
TARGET_S = 1.5
_TREE = ("app.py", "pages", "directory", "static", ".streamlit", "data")
_NEW_MAP_DRAWN = """() => { const shapes = document.querySelectorAll('path.leaflet-interactive');
  return shapes.length > 50 && !shapes[0].dataset.benchOld; }"""


@contextmanager
def _tree(commit: str | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"gaps-bench-{commit or 'now'}-") as folder:
        root = Path(folder)
        if commit is None:
            for name in _TREE:
                source = REPO / name
                (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
        else:
            archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, *_TREE],
                                     check=True, capture_output=True).stdout
            (root / "tree.tar").write_bytes(archive)
            with tarfile.open(root / "tree.tar") as tar:
                tar.extractall(root, filter="data")
        yield root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _server(tree: Path) -> Iterator[str]:
    port = _free_port()
    data = tree / "bench-data"
    data.mkdir()
    for name in ("resources.csv", ".sample"):
        shutil.copy(REPO / "data" / name, data / name)
    env = {**os.environ, "DIRECTORY_DATA_DIR": str(data), "DIRECTORY_MAP_TILES": "none", "PYTHONPATH": str(tree)}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                "--server.port", str(port), "--server.address", "127.0.0.1",
                                "--browser.gatherUsageStats", "false"],
                               cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _map_frames(page) -> list:
    return [frame for frame in page.frames if "streamlit_folium" in frame.url]


def _wait_for_new_map(page, timeout_s: float = 120) -> None:
    # A rerun may draw into the same frame or replace the frame (older code gave the map a new key), so every
    # map frame is asked, every 20 ms, whether it holds a drawn map that is not the one marked as old.
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        for frame in _map_frames(page):
            with contextlib.suppress(PlaywrightError):
                if frame.evaluate(_NEW_MAP_DRAWN):
                    return
        page.wait_for_timeout(20)
    raise TimeoutError("no new map was drawn")


def _measure(url: str, steps: int) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(url + "/gaps")
        _wait_for_new_map(page)
        first = time.perf_counter() - started
        slider = page.get_by_role("slider").first
        times = []
        for _ in range(steps):
            for frame in _map_frames(page):
                with contextlib.suppress(PlaywrightError):
                    frame.evaluate("() => document.querySelectorAll('path.leaflet-interactive')"
                                   ".forEach(shape => shape.dataset.benchOld = '1')")
            slider.focus()
            started = time.perf_counter()
            page.keyboard.press("ArrowRight")
            _wait_for_new_map(page)
            times.append(time.perf_counter() - started)
        browser.close()
    return {"first_map_s": round(first, 2), "distance_change_s": round(statistics.median(times), 2),
            "slowest_s": round(max(times), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    results = {}
    for commit in [*BASELINES, None]:
        with _tree(commit) as tree, _server(tree) as url:
            results[commit or "now"] = _measure(url, args.steps)
    now = results["now"]
    for metric in ("first_map_s", "distance_change_s", "slowest_s"):
        line = {"metric": f"gaps_browser_{metric}", "data": "sample directory (data/resources.csv), tiles off",
                "now": now[metric], "target_s": TARGET_S if metric == "distance_change_s" else None}
        for commit, what in BASELINES.items():
            line[f"baseline_{commit}"] = results[commit][metric]
            line[f"baseline_{commit}_is"] = what
        print(json.dumps(line))


if __name__ == "__main__":
    main()
