"""Make sure every page runs inside app.py, even on a fresh server's first visit to a deep link."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from directory.ui.banners import data_notices
from directory.ui.loaders import LoadedDirectory, load_directory


def ensure_app_shell() -> None:
    """Re-run through app.py when Streamlit ran this page script on its own.

    Streamlit keeps legacy routing for apps with a pages/ folder until st.navigation has run once in the
    process. So the first visitor to, say, /map on a fresh server would get the page without app.py: no
    crisis banner, no shared filters. Switching the legacy flag off and re-running routes through app.py,
    which resolves the same URL path to the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def start_directory_page(title: str) -> LoadedDirectory:
    """Begin a page that shows the directory: title, data notices; stops the page if the file is unreadable."""
    ensure_app_shell()
    st.title(title)
    loaded = load_directory()
    data_notices(loaded)
    if loaded.index is None:
        st.stop()
    return loaded
