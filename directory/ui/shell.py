"""The start of every page (title, data notices), and the one start-up switch that keeps pages inside app.py."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from directory.ui.banners import data_notices
from directory.ui.loaders import LoadedDirectory, load_directory


def use_navigation_only() -> None:
    """Turn off Streamlit's legacy pages/ discovery for this process; serve.py calls it once, at start-up.

    Streamlit (1.67, `runtime/pages_manager.py`) sets the class flag `PagesManager.uses_pages_directory` when
    the first session starts and a folder named pages/ sits beside the main script; while it is set, the
    script runner (`_mpa_v1` in `runtime/scriptrunner/script_runner.py`) runs a deep link's page file on its
    own instead of app.py. Only a run of `st.navigation` clears it, so the first visitor to, say, /map on a
    fresh server would get the page without app.py: no crisis banner, no shared filters, no role check.
    Streamlit has no setting for this (checked in its docs, issues and source), and our page folder keeps
    its name, so the flag is cleared before any session exists. tests/test_shell.py fails the day Streamlit
    changes this behaviour, so the workaround can then go.
    """
    PagesManager.uses_pages_directory = False


def start_directory_page(title: str) -> LoadedDirectory:
    """Begin a page that shows the directory: title, data notices; stops the page if the file is unreadable."""
    st.title(title)
    loaded = load_directory()
    data_notices(loaded)
    if loaded.index is None:
        st.stop()
    return loaded
