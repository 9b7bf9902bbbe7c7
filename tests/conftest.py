"""Shared fixtures: every test works on its own copy of the data, never the shipped data/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from directory.config import DEFAULT_DATA_DIR

SAMPLE_FILES = ("resources.csv", ".sample")


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

