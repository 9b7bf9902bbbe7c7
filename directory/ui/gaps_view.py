"""The Gaps page's measuring and map: measured once per directory version, region, kind and distance.

Changing the kind or the distance re-runs the page. The measuring (region, ZIP table, hexagons, headline
shares) is cached on the store's signature, so going back to a kind or distance already seen costs nothing,
and a new one costs a few tenths of a second. The map is drawn anew on every run: st_folium renames the
elements of the map it is given, so one map object cannot be shown twice.
"""

from __future__ import annotations

from datetime import date

import folium
import pandas as pd
import streamlit as st

from directory.gaps import GapReport, Kind, Region, freshness, gap_report, unmet_for
from directory.maps import add_area_layers, gap_map
from directory.ui.loaders import LoadedDirectory
from directory.ui.map_view import show_map
from directory.ui.services import app_settings, services
from directory.ui.shell import start_directory_page

Version = tuple[str, tuple[int, int, int]]
"""A directory version: the data folder and the store's signature (Store.signature) of its resources file."""


def start_gaps_page(title: str) -> tuple[LoadedDirectory, Version]:
    """Begin the page (title, notices, the loaded directory) and the version the caches are keyed on."""
    store = services().store
    # The signature is read before the file is loaded: a write in between gives the newer rows under the older
    # signature, a key no later run asks for, so nothing stale is ever served from the cache.
    version = (str(store.data_dir), store.signature())
    return start_directory_page(title), version


@st.cache_data(max_entries=64, show_spinner=False)
def _report(version: Version, region: Region, choice: str, threshold_miles: float,
            _frame: pd.DataFrame) -> GapReport:
    # The frame is left out of the key (leading underscore): the version stands for it, and hashing a
    # large directory would cost more than measuring it.
    return gap_report(_frame, Kind.parse(choice), threshold_miles, region)


def report_for(version: Version, frame: pd.DataFrame, choice: str, threshold_miles: float) -> GapReport:
    """The gap report of the directory version for a KIND_CHOICES key and a distance, cached."""
    return _report(version, app_settings().region, choice, float(threshold_miles), _frame=frame)


@st.cache_data(max_entries=8, show_spinner=False)
def _freshness(version: Version, stale_days: int, today: date, _frame: pd.DataFrame) -> pd.DataFrame:
    return freshness(_frame, stale_days, today)


def freshness_for(version: Version, frame: pd.DataFrame) -> pd.DataFrame:
    """Per ZIP, the entries listed and the share not verified lately (gaps.freshness), cached."""
    settings = app_settings()
    return _freshness(version, settings.stale_days, settings.today(), _frame=frame)


def show_gap_map(report: GapReport, kind_label: str, unmet: pd.DataFrame, fresh: pd.DataFrame, *,
                 key: str) -> None:
    """Draw the hexagon map with the unmet-need and freshness layers."""
    show_map(gap_map_of(report, kind_label, unmet, fresh, tiles=app_settings().map_tiles), key=key)


def gap_map_of(report: GapReport, kind_label: str, unmet: pd.DataFrame, fresh: pd.DataFrame, *,
               tiles: str) -> folium.Map:
    """A new hexagon map of the report, with the unmet needs that concern its kind and the freshness layer."""
    fmap = gap_map(report.cells, report.threshold_miles, kind_label, tiles=tiles)
    add_area_layers(fmap, unmet_for(unmet, report.kind), fresh)
    return fmap
