"""Run a workload on the code of an earlier commit, in the same benchmark run, as a named baseline.

The commit's tree is unpacked with `git archive` into a temporary folder and the workload runs there in a
fresh interpreter (the same venv), so both sides see the same machine at the same moment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The code as it stood when issue 11 was filed: "today's code" for the import benchmarks.
BEFORE_ISSUE_11 = "78bb795"
# What AppTest needs to run the app from an earlier commit's tree.
APPTEST_PATHS = ("app.py", "pages", "directory", "static", ".streamlit")
# Benchmark code that runs the app through AppTest starts with this: the app's own navigation only, as
# tests/conftest.py sets it, so a deep link runs app.py first.
SERVED_LIKE = """
from streamlit.runtime.pages_manager import PagesManager
from directory.ui.shell import use_navigation_only
manager_init = PagesManager.__init__
def served_like(self, *args, **kwargs):
    manager_init(self, *args, **kwargs)
    use_navigation_only()
PagesManager.__init__ = served_like
"""


@contextmanager
def baseline_tree(commit: str = BEFORE_ISSUE_11, paths: Sequence[str] = ("directory", "bench")) -> Iterator[Path]:
    """The files of `commit` under `paths`, unpacked into a temporary folder for the duration of the block."""
    with tempfile.TemporaryDirectory(prefix=f"baseline-{commit}-") as folder:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, *paths],
                                 check=True, capture_output=True).stdout
        tar_path = Path(folder) / "tree.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


def run_in(tree: Path, code: str, timeout_s: float = 1800) -> dict:
    """Run Python `code` with `tree` first on the path; it must print one JSON object as its last line."""
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, timeout=timeout_s,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])
