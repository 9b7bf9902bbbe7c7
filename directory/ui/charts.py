"""Altair charts for the organizer dashboard (rendered by Streamlit's bundled Vega, no CDN)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from directory import taxonomy as tx
from directory.schema import split_list


def _exploded(frame: pd.DataFrame, column: str, terms: tuple[tx.Term, ...]) -> pd.DataFrame:
    rows = [{"id": rid, column: tx.label_of(terms, key)} for rid, cell in zip(frame["id"], frame[column], strict=True)
            for key in split_list(cell)]
    return pd.DataFrame(rows, columns=["id", column])


def support_by_category(frame: pd.DataFrame) -> alt.Chart:
    """Active resources by support type × category, as a heat map with the counts written in."""
    types = _exploded(frame, "support_types", tx.SUPPORT_TYPES).merge(
        frame[["id", "category"]].assign(category=frame["category"].map(lambda k: tx.label_of(tx.CATEGORIES, k))))
    counts = types.groupby(["support_types", "category"]).size().reset_index(name="resources")
    base = alt.Chart(counts).encode(x=alt.X("support_types:N", title="Kind of support"),
                                    y=alt.Y("category:N", title=None))
    return base.mark_rect().encode(color=alt.Color("resources:Q", scale=alt.Scale(scheme="viridis"))) + \
        base.mark_text().encode(text="resources:Q", color=alt.value("black"))


def coverage_bars(frame: pd.DataFrame, column: str, terms: tuple[tx.Term, ...], title: str) -> alt.Chart:
    """How many active resources serve each recovery dimension or treatment stage."""
    counts = _exploded(frame, column, terms).groupby(column).size().reset_index(name="resources")
    return alt.Chart(counts, title=title).mark_bar().encode(x="resources:Q", y=alt.Y(f"{column}:N", title=None))


def verification_age(frame: pd.DataFrame, today: date) -> alt.Chart:
    """How long ago entries were verified, in months (never-verified shown as its own bar)."""
    months = frame["last_verified"].map(
        lambda d: "never" if not d else f"{min((today - date.fromisoformat(d)).days // 30, 24)}")
    counts = months.value_counts().reset_index()
    counts.columns = ["months ago", "entries"]
    return alt.Chart(counts, title="Months since last verified (24 = two years or more)").mark_bar().encode(
        x=alt.X("months ago:N", sort=[str(i) for i in range(25)] + ["never"]), y="entries:Q")
