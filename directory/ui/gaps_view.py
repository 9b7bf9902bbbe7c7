"""The Gaps page's measuring, map and charts: worked out once per directory content and choice.

Changing the kind or the distance re-runs the page. The measuring (region, ZIP table, hexagons, headline
shares) is cached on the content of the columns the page reads (start_gaps_page), the region, the kind and
the distance, so going back to a choice already seen costs nothing, and a new one costs a few tenths of a
second. The map's component arguments are kept per version, choice and layers (directory.ui.map_view), and
the coverage charts per version: a rerun with the same inputs draws what it drew before without measuring,
rendering or counting again.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import folium
import pandas as pd
import streamlit as st

from directory import taxonomy as tx
from directory.gaps import GAP_COLUMNS, GapReport, Kind, Region, freshness, gap_report, unmet_for
from directory.i18n import _, current_language, language
from directory.maps import add_area_layers, gap_map
from directory.memory import return_freed_memory
from directory.ui import charts
from directory.ui.loaders import LoadedDirectory, content_key
from directory.ui.map_view import show_map, start_versioned_page
from directory.ui.services import app_settings

GapsVersion = tuple[str, str]
"""What the Gaps caches are keyed on: the data folder and a digest of the columns the page reads."""


def start_gaps_page(title: str) -> tuple[LoadedDirectory, GapsVersion]:
    """Begin the page (title, notices, the loaded directory) and the version the caches are keyed on.

    The version is the data folder and a digest of the columns the page reads (gaps.GAP_COLUMNS), not the file's
    signature: after a peer leader saves a new phone number or description, the page answers from its caches.
    """
    loaded, (folder, _signature) = start_versioned_page(title)
    return loaded, (folder, content_key(loaded, GAP_COLUMNS))


@st.cache_data(max_entries=64, show_spinner=False)
def _report(version: GapsVersion, region: Region, choice: str, threshold_miles: float,
            _frame: pd.DataFrame) -> GapReport:
    # The frame is left out of the key (leading underscore): the version stands for it, and hashing a
    # large directory would cost more than measuring it.
    report = gap_report(_frame, Kind.parse(choice), threshold_miles, region)
    return_freed_memory()  # measuring every hexagon and ZIP frees a great deal of short-lived memory
    return report


def report_for(version: GapsVersion, frame: pd.DataFrame, choice: str, threshold_miles: float) -> GapReport:
    """The gap report of the directory version for a KIND_CHOICES key and a distance, cached."""
    return _report(version, app_settings().region, choice, float(threshold_miles), _frame=frame)


@st.cache_data(max_entries=8, show_spinner=False)
def _freshness(version: GapsVersion, stale_days: int, today: date, _frame: pd.DataFrame) -> pd.DataFrame:
    table = freshness(_frame, stale_days, today)
    return_freed_memory()
    return table


def freshness_for(version: GapsVersion, frame: pd.DataFrame) -> pd.DataFrame:
    """Per ZIP, the entries listed and the share not verified lately (gaps.freshness), cached."""
    settings = app_settings()
    return _freshness(version, settings.stale_days, settings.today(), _frame=frame)


@st.cache_resource(max_entries=8, show_spinner=False)
def _coverage_charts(version: GapsVersion, today: date, lang: str,
                     _frame: pd.DataFrame) -> tuple[alt.TopLevelMixin, ...]:
    # Shared, never changed: st.altair_chart only reads a chart. Counting list cells over every active entry
    # is seconds at 100,000 entries, and the counts change only with the directory (or, for the ages, the day).
    # The charts carry their titles and labels in words, so the language is part of the key, and they are made
    # in that language whichever run makes them.
    active = _frame.loc[_frame["status"] == "active", list(charts.COVERAGE_COLUMNS)]
    with language(lang):
        made = (charts.support_by_category(active),
                charts.coverage_bars(active, "dimensions", tx.RECOVERY_DIMENSIONS, _("Recovery dimensions")),
                charts.coverage_bars(active, "stages", tx.STAGES, _("Stages of treatment")),
                charts.verification_age(active, today))
    del active
    return_freed_memory()
    return made


def show_coverage_charts(version: GapsVersion, frame: pd.DataFrame) -> None:
    """What the directory's active entries cover: support by category, dimensions, stages, verification age."""
    by_category, dimensions, stages, ages = _coverage_charts(version, app_settings().today(), current_language(),
                                                             _frame=frame)
    st.altair_chart(by_category, width="stretch")
    st.altair_chart(dimensions)
    st.altair_chart(stages)
    st.altair_chart(ages, width="stretch")


def _unmet_key(unmet: pd.DataFrame) -> tuple:
    # The unmet-need counts are a small table read afresh on every run; their content is part of the map.
    return tuple(unmet.itertuples(index=False, name=None))


def show_gap_map(version: GapsVersion, report: GapReport, kind_label: str, unmet: pd.DataFrame, fresh: pd.DataFrame,
                 *, key: str) -> None:
    """Draw the hexagon map with the unmet-need and freshness layers, made once per version, choice and layers."""
    settings = app_settings()
    # The map's legend and layer names are words: the language is part of what it is made from.
    cache_key = ("gaps", version, current_language(), settings.region, report.kind, report.threshold_miles, kind_label,
                 _unmet_key(unmet_for(unmet, report.kind)), settings.stale_days, settings.today(), settings.map_tiles)
    show_map(lambda: gap_map_of(report, kind_label, unmet, fresh, tiles=settings.map_tiles), key=key,
             cache_key=cache_key)


def gap_map_of(report: GapReport, kind_label: str, unmet: pd.DataFrame, fresh: pd.DataFrame, *,
               tiles: str) -> folium.Map:
    """A new hexagon map of the report, with the unmet needs that concern its kind and the freshness layer."""
    fmap = gap_map(report.cells, report.threshold_miles, kind_label, tiles=tiles)
    add_area_layers(fmap, unmet_for(unmet, report.kind), fresh)
    return fmap
