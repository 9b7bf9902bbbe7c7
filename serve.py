"""The server: `streamlit run serve.py` serves app.py through Streamlit's st.App, after start-up checks run once."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

from directory.config import SettingsError, load_settings
from directory.ui.shell import use_navigation_only


@asynccontextmanager
async def start_up(_app: st.App) -> AsyncIterator[None]:
    """Before the first visitor: check every setting (a bad one stops the server) and turn off legacy pages."""
    try:
        load_settings()
    except SettingsError as error:
        print(f"error: the directory cannot start: {error}", file=sys.stderr, flush=True)
        # Exit at once, as the CLI does: the server has not served anyone yet, and a traceback would hide the
        # one line that says which variable to fix.
        os._exit(2)
    use_navigation_only()
    yield


app = st.App("app.py", lifespan=start_up)
