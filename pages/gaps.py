"""Gaps: how far each ZIP area of the region is from a kind of support, with a hexagon map and the ZIP table."""

import streamlit as st

from directory import taxonomy as tx
from directory.errors import DirectoryError
from directory.gaps import KIND_CHOICES, kind_text, read_demand, region_text, weighted_gap, within_column, zip_rows
from directory.i18n import _, ngettext, number
from directory.interop.csv_export import safe_csv_bytes
from directory.maps import standalone_html
from directory.text import escape_markdown as md
from directory.ui.gaps_view import (
    freshness_for,
    gap_map_of,
    report_for,
    show_coverage_charts,
    show_gap_map,
    start_gaps_page,
)
from directory.ui.services import app_settings, services

loaded, version = start_gaps_page(_("Where the service gaps are"))
settings = app_settings()
frame = loaded.index.frame
# The stored keys ("type:emotional", "path:secular") are the options; only their labels are translated.
choice = st.selectbox(_("Kind of support, category or recovery pathway"), list(KIND_CHOICES),
                      format_func=KIND_CHOICES.__getitem__, key="g_kind")
threshold = st.slider(_("A gap is farther than (miles)"), 1, 50, 10, key="g_threshold")
report = report_for(version, frame, choice, threshold)
label = kind_text(choice)  # 'child care', 'secular support'
count = len(report.table)
areas = ngettext("{count} ZIP area", "{count} ZIP areas", count).format(count=number(count))

if report.table.empty:
    st.info(_("{region} Nothing to measure yet.").format(
        region=region_text(report.table, configured=settings.region is not None)))
    st.stop()
st.caption(region_text(report.table, configured=settings.region is not None))
headline = st.columns(len(tx.SUPPORT_TYPES))
for column, support in zip(headline, tx.SUPPORT_TYPES, strict=True):
    column.metric(f"{support.symbol} {support.label}", f"{report.coverage[support.key]:.0%}",
                  help=_("Of the region's {areas}, the share within {miles} miles of an active {support} "
                         "resource (ZIP areas within {miles} miles)").format(
                      areas=areas, miles=threshold, support=support.label.lower()))
if report.resources == 0:
    if choice == "any":
        st.warning(_("There is no active resource in the directory, so every area is a gap."))
    else:
        st.warning(_("There is no active {kind} in the directory, so every area is a gap.").format(kind=label))
st.caption(ngettext(
    "{share} of the region's {areas} is more than {miles} miles from {kind}.",
    "{share} of the region's {areas} are more than {miles} miles from {kind}.", count).format(
    share=f"{report.gap_share:.0%}", areas=areas, miles=threshold, kind=md(label))
    + " " + _("Every share on this page counts ZIP areas, each the same whatever its population (a demand file "
              "below counts people); the hexagons show where within the areas the distance grows."))
unmet = services().unmet.table()
fresh = freshness_for(version, frame)
show_gap_map(version, report, label, unmet, fresh, key="g_map")

st.header(_("By ZIP code, largest gap first"), anchor=False)
st.dataframe(zip_rows(report.table, threshold), hide_index=True, column_config={
    _("ZIP"): st.column_config.TextColumn(width=60), _("Place"): st.column_config.TextColumn(width=140),
    _("County"): st.column_config.TextColumn(width=130), within_column(threshold): st.column_config.NumberColumn(
        width=110, help=_("How many active resources of this kind lie within {miles} miles of the ZIP's "
                          "center").format(miles=threshold)),
    _("Miles to nearest"): st.column_config.NumberColumn(format="%.1f", width=80,
                                                         help=_("Blank: none of this kind"))})
left, right = st.columns(2)
# The files keep their names and content whatever the page's language: other tools read them.
left.download_button(_("Download the table (CSV)"), safe_csv_bytes(report.table), "gaps.csv", "text/csv",
                     key="g_csv", on_click="ignore", help=_("With each ZIP's center and the nearest resource's id"))
# A callable: the self-contained map (about a megabyte) is made only when someone asks for it.
right.download_button(_("Download the map (HTML)"), lambda: standalone_html(
    gap_map_of(report, label, unmet, fresh, tiles=settings.map_tiles)), "gap-map.html", "text/html", key="g_html",
    on_click="ignore")

st.header(_("Demand"), anchor=False)
upload = st.file_uploader(_("Weight the gaps by a demand layer: a CSV of ZIP and a number (for example "
                            "population)"), type=["csv"], key="g_demand")
if upload is not None:
    try:
        demand = read_demand(upload.getvalue().decode("utf-8-sig"))
        beyond, share = weighted_gap(report.table, demand, threshold)
        st.metric(_("Beyond {miles} miles of {kind}").format(miles=threshold, kind=label), number(beyond),
                  _("{share} of the total").format(share=f"{share:.0%}"), delta_color="off")
    except (DirectoryError, UnicodeDecodeError) as error:
        st.error(_("That file could not be used: {error}").format(error=md(str(error))))
st.caption(_("Unmet needs reported on Find (by visitors and peer leaders), counted per category, ZIP and week: "
             "{count}. A repeat from the same connection in the same week is not counted again.").format(
    count=number(int(unmet["count"].sum()))))
if len(unmet):
    # Shown with translated headers and category labels; the unmet-needs file itself keeps its keys.
    reported = unmet.groupby(["category", "zip"], as_index=False)["count"].sum().sort_values(
        "count", ascending=False, kind="stable")
    reported["category"] = reported["category"].map(
        lambda key: _("any") if key == "any" else tx.label_of(tx.CATEGORIES, key))
    st.dataframe(reported.rename(columns={"category": _("category"), "zip": _("ZIP"),
                                          "count": _("times reported")}), hide_index=True)
st.caption(_("Freshness: the share of listed entries not verified within the stale window, by ZIP."))
# Renamed for showing, not configured by key: the table's own column names never reach the page.
stale = _("not verified recently")
st.dataframe(fresh.head(20).rename(columns={"zip": _("ZIP"), "entries": _("entries"), "stale_share": stale}),
             hide_index=True, column_config={stale: st.column_config.ProgressColumn(min_value=0.0, max_value=1.0,
                                                                                   format="percent")})

st.header(_("What the directory covers"), anchor=False)
show_coverage_charts(version, frame)
