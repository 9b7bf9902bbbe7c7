"""Streamlit wrappers for the maps: a results map that reports marker clicks, and a location picker.

A map for a page's choice is turned into the component's arguments once per cache key (render, the
Leaflet script, its hash): at 100,000 entries that is seconds of folium and Jinja work, while sending the
same arguments again costs milliseconds. The key names everything the map is made from (the directory's
version and the choice), so a new version or a new choice makes a new map.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import Any

import folium
import pandas as pd
import streamlit_folium
from streamlit_folium import st_folium

from directory.i18n import current_language
from directory.maps import MARKER_COLUMNS, on_map, picker_map, resources_at
from directory.memory import return_freed_memory
from directory.search import Query
from directory.ui.loaders import LoadedDirectory, content_key
from directory.ui.services import app_settings, services
from directory.ui.shell import start_directory_page

MAP_HEIGHT = 480
CLICK_OBJECTS = ("last_object_clicked", "last_object_clicked_tooltip")
# A results map of 100,000 markers is about 6 MB of script, a gap map a few hundred kB: the maps kept per
# process are bounded by their number and their total size, least recently drawn dropped first.
MAPS_KEPT = 32
MAP_BYTES_KEPT = 24 * 2**20

Version = tuple[str, tuple[int, int, int]]
"""A directory version: the data folder and the store's signature (Store.signature) of its resources file."""

_held: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
_held_lock = threading.Lock()
_capture = threading.local()
_component = streamlit_folium._component_func


def _recording_component(**kwargs: Any) -> Any:
    # st_folium ends by calling its component with every argument it worked out; the thread drawing a map for
    # the first time keeps a copy of them. Other threads (other sessions) pass straight through.
    record = getattr(_capture, "record", None)
    if record is not None:
        record.update(kwargs)
    return _component(**kwargs)


streamlit_folium._component_func = _recording_component


def _held_bytes() -> int:
    # Every text argument counts: the Leaflet script travels in more than one of them.
    return sum(len(value) for args in _held.values() for value in args.values() if isinstance(value, str | bytes))


def start_versioned_page(title: str) -> tuple[LoadedDirectory, Version]:
    """Begin the page (title, notices, the loaded directory) and the version its caches are keyed on."""
    store = services().store
    # The signature is read before the file is loaded: a write in between gives the newer rows under the older
    # signature, a key no later run asks for, so nothing stale is ever served from a cache.
    version = (str(store.data_dir), store.signature())
    return start_directory_page(title), version


def _draw(build: Callable[[], folium.Map], cache_key: Hashable | None, *, key: str, height: int,
          returned_objects: Iterable[str], render: bool) -> Any:
    # The language is always part of the key, whatever the caller's key holds: a map's legend, popups and
    # names are in it, so a Spanish session never gets an English map, nor the other way round.
    full_key = None if cache_key is None else (cache_key, current_language(), key, height,
                                               tuple(returned_objects))
    with _held_lock:
        held = _held.get(full_key) if full_key is not None else None
        if held is not None:
            _held.move_to_end(full_key)
    if held is not None:
        return _component(**held)
    _capture.record = record = {}
    try:
        state = st_folium(build(), height=height, use_container_width=True, key=key,
                          returned_objects=list(returned_objects), render=render)
    finally:
        _capture.record = None
    if full_key is not None and record:
        with _held_lock:
            _held[full_key] = record
            while len(_held) > 1 and (len(_held) > MAPS_KEPT or _held_bytes() > MAP_BYTES_KEPT):
                _held.popitem(last=False)
    return_freed_memory()  # making a map of many markers frees a great deal of short-lived memory
    return state


# The columns a results map is made from: its markers (maps.marker_columns, on_map) and the filters that choose
# them. The words of a text search are looked for in more columns, which count only when there are words.
MAP_COLUMNS = (*MARKER_COLUMNS, "status", "dimensions", "stages", "populations", "attendance", "cost",
               "moud_welcome", "peer_run")
TEXT_SEARCH_COLUMNS = ("organization", "description", "description_es", "tags")


def results_map_key(loaded: LoadedDirectory, query: Query, problem: bool, results: pd.DataFrame,
                    tiles: str) -> Hashable:
    """What a results map is made from: the columns it reads and the search (an unknown place finds nothing).

    Keyed on those columns' content rather than the file's version, so a saved edit to anything else (hours,
    a description when no words are searched) does not make a 100,000-marker map again.
    """
    content = content_key(loaded, MAP_COLUMNS + (TEXT_SEARCH_COLUMNS if query.text.strip() else ()))
    folder = str(services().store.data_dir)
    # The language too: the map's legend, popups and names are in it.
    if query.open_at is None:
        return ("results", folder, content, query, problem, tiles, current_language())
    # "Open now" asks at this very moment, so its query is new on every run: the rows it found stand for it.
    return ("results", folder, content, replace(query, open_at=None), problem, tiles, current_language(),
            tuple(results["id"]))


def show_results_map(build: Callable[[], folium.Map], frame: pd.DataFrame, *, cache_key: Hashable | None = None,
                     key: str = "results_map") -> pd.DataFrame:
    """Draw the map build() makes (once per cache_key); return the mapped resources at the marker last clicked."""
    # Only marker clicks come back, so panning and zooming never re-run the app.
    state = _draw(build, cache_key, key=key, height=MAP_HEIGHT, returned_objects=CLICK_OBJECTS, render=True)
    clicked = (state or {}).get("last_object_clicked")
    if not clicked:
        return frame.iloc[0:0]
    # Only mapped rows can answer a click, so a confidential entry at its ZIP's centre is never picked by a pin.
    return resources_at(frame[on_map(frame)], float(clicked["lat"]), float(clicked["lng"]),
                        (state or {}).get("last_object_clicked_tooltip"))


def pick_location(centre: tuple[float, float], chosen: tuple[float, float] | None = None, *,
                  key: str = "pick_location") -> tuple[float, float] | None:
    """Show a map to click on; return the clicked latitude and longitude, or None before any click."""
    state = st_folium(picker_map(centre, chosen, tiles=app_settings().map_tiles), height=360,
                      use_container_width=True, key=key,
                      returned_objects=["last_clicked"])
    clicked = (state or {}).get("last_clicked")
    if not clicked:
        return None
    return round(float(clicked["lat"]), 6), round(float(clicked["lng"]), 6)


def show_map(build: Callable[[], folium.Map], *, key: str, cache_key: Hashable | None = None) -> None:
    """Draw a display-only map (made by build() once per cache_key); nothing comes back, so no rerun."""
    # render=False: st_folium renders the map's own elements anyway; the whole-page render it does first is
    # only needed for a standalone page, and took more than half of the Gaps page's time.
    _draw(build, cache_key, key=key, height=MAP_HEIGHT, returned_objects=(), render=False)
