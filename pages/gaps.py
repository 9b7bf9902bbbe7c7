"""Gaps: where people are far from a kind of support, by hexagon and by ZIP."""

import streamlit as st

from directory import taxonomy as tx
from directory.errors import DirectoryError
from directory.gaps import (
    Kind,
    coverage_share,
    freshness,
    gap_table,
    hex_cells,
    nearest,
    read_demand,
    region_bounds,
    resources_of,
    weighted_gap,
)
from directory.maps import add_area_layers, gap_map, standalone_html
from directory.text import escape_markdown as md
from directory.ui import charts
from directory.ui.map_view import show_map
from directory.ui.services import app_settings, services
from directory.ui.shell import start_directory_page

loaded = start_directory_page("Where the service gaps are")
settings = app_settings()
frame = loaded.index.frame
active = frame[frame["status"] == "active"]
kinds = {"any": "any support"} | {f"type:{t.key}": t.label for t in tx.SUPPORT_TYPES} | {
    f"cat:{c.key}": c.label for c in tx.CATEGORIES}
chosen = st.selectbox("Kind of support or category", list(kinds), format_func=kinds.__getitem__, key="g_kind")
threshold = st.slider("A gap is farther than (miles)", 1, 50, 10, key="g_threshold")
kind = Kind(support_type=chosen[5:] if chosen.startswith("type:") else "",
            category=chosen[4:] if chosen.startswith("cat:") else "")

headline = st.columns(len(tx.SUPPORT_TYPES))
for column, support in zip(headline, tx.SUPPORT_TYPES, strict=True):
    share = coverage_share(gap_table(frame, Kind(support_type=support.key), threshold, bounds=settings.region),
                           threshold)
    column.metric(f"{support.symbol} {support.label}", f"{share:.0%}", help=f"ZIP areas within {threshold} miles")

pool = resources_of(frame, kind)
if pool.empty:
    st.warning(f"There is no active {kinds[chosen].lower()} in the directory, so every area is a gap.")
cells = hex_cells(region_bounds(frame, configured=settings.region))
cells["nearest_miles"], _ = nearest(pool["latitude"].astype(float).to_numpy(), pool["longitude"].astype(float)
                                    .to_numpy(), cells["lat"].to_numpy(), cells["lon"].to_numpy())
gaps_share = float((cells["nearest_miles"] > threshold).mean())
st.caption(f"{gaps_share:.0%} of the region's hexagons are more than {threshold} miles from {kinds[chosen].lower()}.")
fmap = gap_map(cells, threshold, kinds[chosen].lower(), tiles=settings.map_tiles)
unmet = services().unmet.table()
fresh = freshness(frame, settings.stale_days, settings.today())
add_area_layers(fmap, unmet[unmet["category"].isin([kind.category or "any", "any"])] if kind.category else unmet,
                fresh)
show_map(fmap, key="g_map")

table = gap_table(frame, kind, threshold, bounds=settings.region)
st.subheader("By ZIP code, largest gap first", anchor=False)
st.dataframe(table, hide_index=True)
left, right = st.columns(2)
left.download_button("Download the table (CSV)", table.to_csv(index=False), "gaps.csv", "text/csv", key="g_csv",
                     on_click="ignore")
right.download_button("Download the map (HTML)", standalone_html(fmap), "gap-map.html", "text/html", key="g_html",
                      on_click="ignore")

st.subheader("Demand", anchor=False)
upload = st.file_uploader("Weight the gaps by a demand layer: a CSV of ZIP and a number (for example population)",
                          type=["csv"], key="g_demand")
if upload is not None:
    try:
        demand = read_demand(upload.getvalue().decode("utf-8-sig"))
        beyond, share = weighted_gap(table, demand, threshold)
        st.metric(f"Beyond {threshold} miles of {kinds[chosen].lower()}", f"{beyond:,.0f}", f"{share:.0%} of the total",
                  delta_color="off")
    except (DirectoryError, UnicodeDecodeError) as error:
        st.error(f"That file could not be used: {md(str(error))}")
st.caption(f"Unmet needs logged by peer leaders: {len(unmet)} (category, ZIP and date only).")
if len(unmet):
    st.dataframe(unmet.groupby(["category", "zip"]).size().reset_index(name="times logged")
                 .sort_values("times logged", ascending=False), hide_index=True)
st.caption("Freshness: the share of listed entries not verified within the stale window, by ZIP.")
st.dataframe(fresh.head(20), hide_index=True, column_config={"stale_share": st.column_config.ProgressColumn(
    "not verified recently", min_value=0.0, max_value=1.0, format="percent")})

st.subheader("What the directory covers", anchor=False)
st.altair_chart(charts.support_by_category(active), use_container_width=True)
st.altair_chart(charts.coverage_bars(active, "dimensions", tx.RECOVERY_DIMENSIONS, "Recovery dimensions"))
st.altair_chart(charts.coverage_bars(active, "stages", tx.STAGES, "Stages of treatment"))
st.altair_chart(charts.verification_age(active, settings.today()), use_container_width=True)
