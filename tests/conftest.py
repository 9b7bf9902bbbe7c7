"""Shared fixtures: every test works on its own copy of the data, never the shipped data/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager

from directory.auth import Accounts, Curator
from directory.config import DEFAULT_DATA_DIR
from directory.ui.shell import use_navigation_only
from tests.apps import PASSWORD
from tests.factories import HandClock

SAMPLE_FILES = ("resources.csv", ".sample")
STREAMLIT_PAGES_MANAGER_INIT = PagesManager.__init__


@pytest.fixture(autouse=True)
def navigation_only_as_served(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run AppTest as serve.py runs the app: with Streamlit's legacy pages/ discovery off.

    serve.py turns it off once per process, at start-up; AppTest resets the class flag before every run, so
    here it is turned off again right after AppTest builds its PagesManager.
    """
    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        STREAMLIT_PAGES_MANAGER_INIT(self, *args, **kwargs)
        use_navigation_only()

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def sample_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary copy of the sample directory, also set as DIRECTORY_DATA_DIR."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in SAMPLE_FILES:
        shutil.copy(DEFAULT_DATA_DIR / name, folder / name)
    monkeypatch.setenv("DIRECTORY_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary data folder, also set as DIRECTORY_DATA_DIR."""
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.setenv("DIRECTORY_DATA_DIR", str(folder))
    return folder



@pytest.fixture
def accounts(empty_dir: Path) -> Accounts:
    """Accounts on a hand-moved clock: dana (admin) and lee (curator), both with tests.apps.PASSWORD."""
    found = Accounts(empty_dir, clock=HandClock())
    found.add("dana", PASSWORD, "admin", by=None)
    found.add("lee", PASSWORD, "curator", by=Curator("dana", "admin"))
    return found
