"""Map: the same search as Find, drawn as clustered markers; tap a marker to see its detail below."""

import streamlit as st

from directory.maps import results_map
from directory.ui import filters
from directory.ui.cards import detail_view
from directory.ui.map_view import show_results_map
from directory.ui.shell import start_directory_page

loaded = start_directory_page("Map of peer recovery support")
outcome = filters.search_with_filters(loaded.index)
results = outcome.results
unplaced = int((results["latitude"] == "").sum())
where = f" within {outcome.query.radius_miles:g} miles of {outcome.place.label}" if outcome.place else ""
note = f" ({unplaced} without a location are listed on Find only)" if unplaced else ""
st.caption(f"{len(results) - unplaced} results on the map{where}{note}. Tap a marker to see its details below.")

fmap = results_map(results, near=(outcome.place.lat, outcome.place.lon) if outcome.place else None,
                   radius_miles=outcome.query.radius_miles)
clicked = show_results_map(fmap, results)
for _, row in clicked.iterrows():
    with st.container(border=True):
        detail_view(row.to_dict(), row["distance_miles"])
