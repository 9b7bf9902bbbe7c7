"""Streamlit wrappers for the maps: a results map that reports marker clicks, and a location picker."""

from __future__ import annotations

import folium
import pandas as pd
from streamlit_folium import st_folium

from directory.maps import picker_map, resources_at
from directory.ui.services import app_settings

MAP_HEIGHT = 480


def show_results_map(fmap: folium.Map, frame: pd.DataFrame, *, key: str = "results_map") -> pd.DataFrame:
    """Draw the map; return the resources at the marker last clicked (empty when none)."""
    # Only marker clicks come back, so panning and zooming never re-run the app.
    state = st_folium(fmap, height=MAP_HEIGHT, use_container_width=True, key=key,
                      returned_objects=["last_object_clicked", "last_object_clicked_tooltip"])
    clicked = (state or {}).get("last_object_clicked")
    if not clicked:
        return frame.iloc[0:0]
    return resources_at(frame, float(clicked["lat"]), float(clicked["lng"]),
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


def show_map(fmap: folium.Map, *, key: str) -> None:
    """Draw a display-only map; nothing comes back, so it never re-runs the app."""
    # render=False: st_folium renders the map's own elements anyway; the whole-page render it does first is
    # only needed for a standalone page, and took more than half of the Gaps page's time.
    st_folium(fmap, height=MAP_HEIGHT, use_container_width=True, returned_objects=[], key=key, render=False)
