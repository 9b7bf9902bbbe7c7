"""What every page needs from the domain, built once: the checked settings and the services of the data folder."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from directory.auth import Accounts
from directory.config import Settings, environment_key, load_settings
from directory.geo import Geocoder, make_geocoder
from directory.store import Store
from directory.suggestions import Suggestions
from directory.unmet import UnmetNeeds


@st.cache_resource(max_entries=8, show_spinner=False)
def _settings_for(environment: tuple[tuple[str, str], ...]) -> Settings:
    # The environment is the cache key, so the settings are read and checked once per process in use
    # (and again only if the environment changes, as it does between tests).
    return load_settings()


def app_settings() -> Settings:
    """The app's settings; raises config.SettingsError when one is unusable (app.py stops with its message)."""
    return _settings_for(environment_key())


@dataclass(frozen=True)
class Services:
    """The data folder's store, suggestion queue, accounts and unmet-needs log, with the settings they follow.

    Shared by every session: each service keeps its state in files under a file lock, never in memory.
    """

    settings: Settings
    store: Store
    suggestions: Suggestions
    accounts: Accounts
    unmet: UnmetNeeds
    geocode: Geocoder


@st.cache_resource(max_entries=8, show_spinner=False)
def _services_for(environment: tuple[tuple[str, str], ...]) -> Services:
    settings = _settings_for(environment)
    folder = settings.data_dir
    store = Store(folder, snapshots_kept=settings.snapshots_kept, clock=settings.timestamp)
    return Services(settings, store, Suggestions(folder, clock=settings.timestamp),
                    Accounts(folder), UnmetNeeds(folder), make_geocoder(settings))


def services() -> Services:
    """The services of the configured data folder, built once per settings (so once per process in use)."""
    app_settings()  # a bad setting raises here, uncached
    return _services_for(environment_key())
