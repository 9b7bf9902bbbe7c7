"""Altair charts for the organizer dashboard (rendered by Streamlit's bundled Vega, no CDN).

Titles, axis titles, tooltips and labels are in the current language; the data's field names stay English
(Vega reads them, people do not).
"""

from __future__ import annotations

from datetime import date

import altair as alt
import numpy as np
import pandas as pd

from directory import taxonomy as tx
from directory.i18n import _
from directory.schema import split_list

# The columns the coverage charts read, so a caller can hand them only these.
COVERAGE_COLUMNS: tuple[str, ...] = ("id", "category", "support_types", "dimensions", "stages", "last_verified")


def _exploded(frame: pd.DataFrame, column: str, terms: tuple[tx.Term, ...]) -> pd.DataFrame:
    rows = [{"id": rid, column: tx.label_of(terms, key)} for rid, cell in zip(frame["id"], frame[column], strict=True)
            for key in split_list(cell)]
    return pd.DataFrame(rows, columns=["id", column])


# Viridis at five evenly spaced points, dark to light; cells are colored by linear interpolation between them.
_HEAT_STOPS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
# Wide enough for the longest category ("Peer-led support group or mutual-aid meeting") at Vega's 11 px font:
# Vega-Lite's default of 180 px cuts such labels off with an ellipsis.
_LABEL_LIMIT = 400


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def heat_colors(values: pd.Series) -> tuple[list[str], list[str]]:
    """Fill colors for counts (viridis, 0 darkest, the largest lightest) and a readable text color for each.

    The text is black or white, whichever contrasts more with the fill by WCAG relative luminance.
    """
    top = float(values.max()) if len(values) and values.max() > 0 else 1.0
    stops = np.array([_rgb(c) for c in _HEAT_STOPS])
    where = np.linspace(0, 1, len(_HEAT_STOPS))
    position = values.to_numpy(dtype=float) / top
    rgb = np.rint(np.column_stack([np.interp(position, where, stops[:, k]) for k in range(3)]))
    fills = ["#{:02x}{:02x}{:02x}".format(*row) for row in rgb.astype(int)]
    channel = rgb / 255
    linear = np.where(channel <= 0.04045, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    # Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05: black wins above L ≈ 0.179.
    texts = ["black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white" for lum in luminance]
    return fills, texts


def support_by_category(frame: pd.DataFrame) -> alt.Chart:
    """Active resources by support type × category, as a heat map with the counts written in."""
    types = _exploded(frame, "support_types", tx.SUPPORT_TYPES).merge(
        frame[["id", "category"]].assign(category=frame["category"].map(lambda k: tx.label_of(tx.CATEGORIES, k))))
    counts = types.groupby(["support_types", "category"]).size().reset_index(name="resources")
    counts["fill"], counts["ink"] = heat_colors(counts["resources"])
    base = alt.Chart(counts).encode(
        x=alt.X("support_types:N", title=_("Kind of support"), sort=[t.label for t in tx.SUPPORT_TYPES],
                axis=alt.Axis(labelAngle=0, labelLimit=_LABEL_LIMIT)),
        y=alt.Y("category:N", title=None, sort=[c.label for c in tx.CATEGORIES],
                axis=alt.Axis(labelLimit=_LABEL_LIMIT)),
        tooltip=[alt.Tooltip("category:N", title=_("Category")), alt.Tooltip("support_types:N", title=_("Support")),
                 alt.Tooltip("resources:Q", title=_("Resources"))])
    # Colours come with the data (no legend: every cell has its number written in).
    return base.mark_rect().encode(color=alt.Color("fill:N", scale=None)) + \
        base.mark_text(fontWeight="bold").encode(text="resources:Q", color=alt.Color("ink:N", scale=None))


def coverage_bars(frame: pd.DataFrame, column: str, terms: tuple[tx.Term, ...], title: str) -> alt.Chart:
    """How many active resources serve each recovery dimension or treatment stage."""
    counts = _exploded(frame, column, terms).groupby(column).size().reset_index(name="resources")
    return alt.Chart(counts, title=title).mark_bar().encode(
        x=alt.X("resources:Q", title=_("Resources")),
        y=alt.Y(f"{column}:N", title=None, sort=[t.label for t in terms], axis=alt.Axis(labelLimit=_LABEL_LIMIT)),
        tooltip=[alt.Tooltip(f"{column}:N", title=title), alt.Tooltip("resources:Q", title=_("Resources"))])


def verification_age(frame: pd.DataFrame, today: date) -> alt.Chart:
    """How long ago entries were verified, in months (never-verified shown as its own bar)."""
    never = _("never")
    months = frame["last_verified"].map(
        lambda d: never if not d else f"{min((today - date.fromisoformat(d)).days // 30, 24)}")
    counts = months.value_counts().reset_index()
    counts.columns = ["months_ago", "entries"]
    return alt.Chart(counts, title=_("Months since last verified (24 = two years or more)")).mark_bar().encode(
        x=alt.X("months_ago:N", title=_("months ago"), sort=[str(i) for i in range(25)] + [never],
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("entries:Q", title=_("entries")),
        tooltip=[alt.Tooltip("months_ago:N", title=_("months ago")), alt.Tooltip("entries:Q", title=_("entries"))])
