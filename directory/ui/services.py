"""What every page needs from the domain, built once: the checked settings and the services of the data folder."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from directory.auth import Accounts
from directory.config import Settings, environment_key, load_settings
from directory.geo import Geocoder, make_geocoder
from directory.store import Store
from directory.suggestions import Suggestions
from directory.unmet import UnmetNeeds

T = TypeVar("T")
# Environments whose settings and services a process keeps (tests change the data folder per test).
_ENVIRONMENTS_KEPT = 8


def _built_once(build: Callable[[tuple[tuple[str, str], ...]], T]) -> Callable[[tuple[tuple[str, str], ...]], T]:
    # One value per environment for the whole process, shared by every session. A plain dict rather than
    # st.cache_resource: every card of a page asks for the settings, and Streamlit's hashing of the key cost
    # about 2 ms a call.
    built: dict[tuple[tuple[str, str], ...], T] = {}
    lock = threading.Lock()

    def get(environment: tuple[tuple[str, str], ...]) -> T:
        found = built.get(environment)
        if found is None:
            with lock:
                found = built.get(environment)
                if found is None:
                    found = build(environment)
                    if len(built) >= _ENVIRONMENTS_KEPT:
                        built.pop(next(iter(built)))
                    built[environment] = found
        return found
    return get


@_built_once
def _settings_for(environment: tuple[tuple[str, str], ...]) -> Settings:
    # The environment is the key, so the settings are read and checked once per process in use
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


@_built_once
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
