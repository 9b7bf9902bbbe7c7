"""What every page needs from the domain, built once: the checked settings."""

from __future__ import annotations

import streamlit as st

from directory.config import Settings, environment_key, load_settings


@st.cache_resource(max_entries=8, show_spinner=False)
def _settings_for(environment: tuple[tuple[str, str], ...]) -> Settings:
    # The environment is the cache key, so the settings are read and checked once per process in use
    # (and again only if the environment changes, as it does between tests).
    return load_settings()


def app_settings() -> Settings:
    """The app's settings; raises config.SettingsError when one is unusable (app.py stops with its message)."""
    return _settings_for(environment_key())
