"""Cached loading of the directory, invalidated whenever the resources file changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from directory.privacy import listable, public_view
from directory.search import SearchIndex, build_index
from directory.store import RowProblem, Store, StoreReadError
from directory.ui.services import app_settings, services


@dataclass(frozen=True)
class LoadedDirectory:
    """What the pages read: the search index (of the public view), load problems, and any error reading the file."""

    index: SearchIndex | None
    problems: list[RowProblem] = field(default_factory=list)
    error: str = ""
    is_sample: bool = False


@st.cache_resource(max_entries=4, show_spinner=False)
def _load(folder: str, signature: tuple[int, int, int], is_sample: bool) -> LoadedDirectory:
    # The signature is part of the cache key: any writer's atomic replace changes it,
    # so every session sees a write at once. The result is shared and never mutated.
    store = Store(Path(folder))
    try:
        loaded = store.load()
    except StoreReadError as error:
        return LoadedDirectory(None, error=str(error))
    # Every page built on this index shows the public view: no entry waiting for review or hidden by its
    # source, and a confidential entry has no street, venue or pin here, only its ZIP's centre, so a near
    # search still finds it by ZIP and no page can leak more.
    return LoadedDirectory(build_index(public_view(listable(loaded.frame))), loaded.problems,
                           is_sample=is_sample)


def load_directory() -> LoadedDirectory:
    """The current directory of the configured data folder."""
    settings = app_settings()
    store = services().store
    return _load(str(store.data_dir), store.signature(), settings.is_sample_data())
