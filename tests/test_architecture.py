"""The layout's promises: the layer contracts hold, pages stay thin, routes are registered."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from directory.routes import GROUPS, ROUTES

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    """Every import-linter contract in pyproject.toml ([tool.importlinter]) is kept."""
    # The venv's own lint-imports, so the test checks with the pinned version whatever PATH says.
    lint_imports = Path(sys.executable).parent / "lint-imports"
    # --no-cache: the cache would be left as untracked folders in the checkout.
    result = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_import_no_private_names() -> None:
    """Pages take no underscore name from directory (import-linter sees modules, not the names taken from them).

    gettext's `_` is the one exception: it is the public name of translation everywhere."""
    offenders = [
        f"{path.name}: from {node.module} import {alias.name}"
        for path in sorted((ROOT / "pages").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "directory"
        for alias in node.names
        if alias.name.startswith("_") and (node.module, alias.name) != ("directory.i18n", "_")
    ]
    assert offenders == []


def test_every_route_has_a_thin_page_script() -> None:
    """Each registered page exists, sits in a known group, and stays a thin script."""
    for route in ROUTES:
        script = ROOT / route.script
        assert script.is_file(), route.script
        assert route.group in GROUPS
        assert len(script.read_text(encoding="utf-8").splitlines()) <= 120, f"{route.script} is doing domain work"


def test_every_page_file_is_registered() -> None:
    """No page script is left out of the navigation."""
    registered = {route.script for route in ROUTES}
    assert {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")} == registered


def test_url_paths_are_unique() -> None:
    """Two pages never share a URL path."""
    paths = [route.url_path for route in ROUTES]
    assert len(paths) == len(set(paths))
