"""The layout's promises: the domain stays free of Streamlit, pages stay thin, routes are registered."""

from __future__ import annotations

import ast
from pathlib import Path

from directory.routes import GROUPS, ROUTES

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_package_does_not_import_streamlit_outside_ui() -> None:
    """Only directory/ui/ may import Streamlit or streamlit-folium."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "directory").rglob("*.py")
        if "ui" not in path.relative_to(ROOT / "directory").parts
        and _imports(path) & {"streamlit", "streamlit_folium"}
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
