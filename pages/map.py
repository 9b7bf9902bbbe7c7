"""Map: the same search as Find, drawn as clustered markers; tap a marker to see its detail below."""

import streamlit as st

from directory.i18n import _, ngettext, number
from directory.maps import MARKER_COLUMNS, on_map, results_map
from directory.privacy import confidential_mask
from directory.ui import filters
from directory.ui.cards import detail_view
from directory.ui.map_view import results_map_key, show_results_map
from directory.ui.services import app_settings
from directory.ui.shell import start_directory_page

loaded = start_directory_page(_("Map of peer recovery support"))
# Only the columns the map reads: at 100,000 results a copy of every column was most of the page's memory.
outcome = filters.search_with_filters(loaded.index, columns=MARKER_COLUMNS)
results = outcome.results
mapped, confidential = on_map(results), confidential_mask(results)
unplaced = int((~mapped & ~confidential).sum())
shown = int(mapped.sum())
if outcome.place:
    caption = ngettext("{count} result on the map within {miles} miles of {place}.",
                       "{count} results on the map within {miles} miles of {place}.", shown)
else:
    caption = ngettext("{count} result on the map.", "{count} results on the map.", shown)
caption = caption.format(count=number(shown), miles=number(outcome.query.radius_miles or 0),
                         place=outcome.place.label if outcome.place else "")
if unplaced:
    caption += " " + ngettext("({count} without a location is listed on Find only.)",
                              "({count} without a location are listed on Find only.)", unplaced).format(
        count=number(unplaced))
st.caption(caption + " " + _("Tap a marker to see its details below."))

near, tiles = (outcome.place.lat, outcome.place.lon) if outcome.place else None, app_settings().map_tiles
# The map is made once per search and content of the columns it reads; a rerun sends the same map again.
clicked = show_results_map(lambda: results_map(results, near=near, radius_miles=outcome.query.radius_miles,
                                               tiles=tiles),
                           results, cache_key=results_map_key(loaded, outcome.query, bool(outcome.problem), results,
                                                              tiles))
if confidential.any():
    hidden = int(confidential.sum())
    st.caption(ngettext("{count} result has a confidential location: it is listed on Find support with its city "
                        "and ZIP only, and is not mapped.",
                        "{count} results have confidential locations: they are listed on Find support with their "
                        "city and ZIP only, and are not mapped.", hidden).format(count=number(hidden)))
everything = loaded.index.frame
for _row_number, row in clicked.iterrows():
    with st.container(border=True):
        detail_view(everything[everything["id"] == row["id"]].iloc[0].to_dict(), row["distance_miles"])
