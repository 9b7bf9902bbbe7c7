"""The one workaround around Streamlit: legacy pages/ discovery is switched off once, at start-up."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from directory.ui.shell import use_navigation_only
from tests.conftest import STREAMLIT_PAGES_MANAGER_INIT

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The class flag as a new server process has it, with Streamlit's own PagesManager; restored afterwards."""
    monkeypatch.setattr(PagesManager, "__init__", STREAMLIT_PAGES_MANAGER_INIT)
    before = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None
    yield
    PagesManager.uses_pages_directory = before


def test_streamlit_still_runs_a_pages_folder_the_legacy_way(fresh_process: None) -> None:
    """If this fails, Streamlit changed its legacy routing: check whether use_navigation_only() can go."""
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is True, "a pages/ folder no longer switches on legacy routing"
    runner = inspect.getsource(script_runner.ScriptRunner)
    assert "PagesManager.uses_pages_directory" in runner and "_mpa_v1(" in runner


def test_switching_legacy_discovery_off_before_any_session_keeps_it_off(fresh_process: None) -> None:
    """Called before the first session, no later session turns legacy routing back on."""
    use_navigation_only()
    PagesManager(str(ROOT / "app.py"))
    assert PagesManager.uses_pages_directory is False


def test_serve_py_runs_the_start_up_checks_once_through_st_app() -> None:
    """`streamlit run serve.py` finds an st.App around app.py whose lifespan makes the switch."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "serve.py")
    assert found.is_asgi_app and found.app_name == "app"
    source = (ROOT / "serve.py").read_text(encoding="utf-8")
    assert 'st.App("app.py", lifespan=start_up,' in source and "use_navigation_only()" in source
