"""Gaps: how far each ZIP area of the region is from a kind of support, with a hexagon map and the ZIP table."""

import streamlit as st

from directory import taxonomy as tx
from directory.errors import DirectoryError
from directory.gaps import KIND_CHOICES, kind_text, read_demand, region_text, weighted_gap, zip_rows
from directory.interop.csv_export import safe_csv_bytes
from directory.maps import standalone_html
from directory.text import escape_markdown as md
from directory.text import plural
from directory.ui.gaps_view import (
    freshness_for,
    gap_map_of,
    report_for,
    show_coverage_charts,
    show_gap_map,
    start_gaps_page,
)
from directory.ui.services import app_settings, services

loaded, version = start_gaps_page("Where the service gaps are")
settings = app_settings()
frame = loaded.index.frame
choice = st.selectbox("Kind of support, category or recovery pathway", list(KIND_CHOICES),
                      format_func=KIND_CHOICES.__getitem__, key="g_kind")
threshold = st.slider("A gap is farther than (miles)", 1, 50, 10, key="g_threshold")
report = report_for(version, frame, choice, threshold)
label = kind_text(choice)  # 'child care', 'secular support'
areas = plural(len(report.table), "ZIP area")

if report.table.empty:
    st.info(f"{region_text(report.table, configured=settings.region is not None)} Nothing to measure yet.")
    st.stop()
st.caption(region_text(report.table, configured=settings.region is not None))
headline = st.columns(len(tx.SUPPORT_TYPES))
for column, support in zip(headline, tx.SUPPORT_TYPES, strict=True):
    column.metric(f"{support.symbol} {support.label}", f"{report.coverage[support.key]:.0%}",
                  help=f"Of the region's {areas}, the share within {threshold} miles of an active "
                       f"{support.label.lower()} resource (ZIP areas within {threshold} miles)")
if report.resources == 0:
    st.warning(f"There is no active {'resource' if choice == 'any' else label} in the directory, so every area is "
               "a gap.")
st.caption(f"{report.gap_share:.0%} of the region's {areas} are more than {threshold} miles from {md(label)}. "
           "Every share on this page counts ZIP areas, each the same whatever its population (a demand file "
           "below counts people); the hexagons show where within the areas the distance grows.")
unmet = services().unmet.table()
fresh = freshness_for(version, frame)
show_gap_map(version, report, label, unmet, fresh, key="g_map")

st.header("By ZIP code, largest gap first", anchor=False)
st.dataframe(zip_rows(report.table, threshold), hide_index=True, column_config={
    "ZIP": st.column_config.TextColumn(width=60), "Place": st.column_config.TextColumn(width=140),
    "County": st.column_config.TextColumn(width=130), f"Within {threshold} miles": st.column_config.NumberColumn(
        width=110, help=f"How many active resources of this kind lie within {threshold} miles of the ZIP's center"),
    "Miles to nearest": st.column_config.NumberColumn(format="%.1f", width=80, help="Blank: none of this kind")})
left, right = st.columns(2)
left.download_button("Download the table (CSV)", safe_csv_bytes(report.table), "gaps.csv", "text/csv",
                     key="g_csv", on_click="ignore", help="With each ZIP's center and the nearest resource's id")
# A callable: the self-contained map (about a megabyte) is made only when someone asks for it.
right.download_button("Download the map (HTML)", lambda: standalone_html(
    gap_map_of(report, label, unmet, fresh, tiles=settings.map_tiles)), "gap-map.html", "text/html", key="g_html",
    on_click="ignore")

st.header("Demand", anchor=False)
upload = st.file_uploader("Weight the gaps by a demand layer: a CSV of ZIP and a number (for example population)",
                          type=["csv"], key="g_demand")
if upload is not None:
    try:
        demand = read_demand(upload.getvalue().decode("utf-8-sig"))
        beyond, share = weighted_gap(report.table, demand, threshold)
        st.metric(f"Beyond {threshold} miles of {label}", f"{beyond:,.0f}", f"{share:.0%} of the total",
                  delta_color="off")
    except (DirectoryError, UnicodeDecodeError) as error:
        st.error(f"That file could not be used: {md(str(error))}")
st.caption(f"Unmet needs reported on Find (by visitors and peer leaders), counted per category, ZIP and week: "
           f"{int(unmet['count'].sum())}. A repeat from the same connection in the same week is not counted again.")
if len(unmet):
    st.dataframe(unmet.groupby(["category", "zip"], as_index=False)["count"].sum()
                 .rename(columns={"count": "times reported"})
                 .sort_values("times reported", ascending=False, kind="stable"), hide_index=True)
st.caption("Freshness: the share of listed entries not verified within the stale window, by ZIP.")
st.dataframe(fresh.head(20), hide_index=True, column_config={"stale_share": st.column_config.ProgressColumn(
    "not verified recently", min_value=0.0, max_value=1.0, format="percent")})

st.header("What the directory covers", anchor=False)
show_coverage_charts(version, frame)
