"""Cached loading of the directory, invalidated whenever the resources file changes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from directory import loading
from directory.errors import message_of
from directory.search import SearchIndex
from directory.store import RowProblem, StoreReadError
from directory.ui.services import app_settings, services


@dataclass(frozen=True)
class LoadedDirectory:
    """What the pages read: the search index (of the public view), load problems, and any error reading the file."""

    index: SearchIndex | None
    problems: list[RowProblem] = field(default_factory=list)
    error: str = ""
    is_sample: bool = False
    # The file's SHA-256: a key for caches of things made from this version (unlike id(index), never reused).
    version: str = ""


def load_directory() -> LoadedDirectory:
    """The current directory of the configured data folder, shared by every session (see directory.snapshot)."""
    settings = app_settings()
    try:
        current = loading.current(services().store)
    except StoreReadError as error:
        # The error's Message, so the notice is said in each session's language.
        return LoadedDirectory(None, error=message_of(error))
    # Every page built on this index shows the public view: no entry waiting for review or hidden by its
    # source, and a confidential entry has no street, venue or pin here, only its ZIP's centre, so a near
    # search still finds it by ZIP and no page can leak more. A write by anyone is seen at the next run.
    return LoadedDirectory(current.index, current.loaded.problems, is_sample=settings.is_sample_data(),
                           version=current.sha256)


@st.cache_resource(max_entries=16, show_spinner=False)
def _digest(file_sha256: str, columns: tuple[str, ...], _frame: pd.DataFrame) -> str:
    # Once per version of the file and set of columns: tens of milliseconds at 100,000 entries.
    hashed = pd.util.hash_pandas_object(_frame[list(columns)], index=False).to_numpy()
    return hashlib.blake2b(hashed.tobytes(), digest_size=16).hexdigest()


def content_key(loaded: LoadedDirectory, columns: Iterable[str]) -> str:
    """A digest of some columns of the public view: a cache of what a page makes from only those columns keeps
    serving after a peer leader edits any other column (a new phone number leaves the gap map as it was)."""
    return _digest(loaded.version, tuple(columns), loaded.index.frame)
