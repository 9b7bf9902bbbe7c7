"""Text that every page shows: the crisis lines, the sample-data label, load problems."""

from __future__ import annotations

import streamlit as st

from directory.crisis import crisis_heading, crisis_lines
from directory.text import escape_markdown as md
from directory.text import plural
from directory.ui.loaders import LoadedDirectory


def crisis_markdown() -> str:
    """The crisis lines as one Markdown line with tap-to-call links."""
    parts = [f"**{name}**: [{how}]({link})" for name, how, link in crisis_lines()]
    return crisis_heading() + " " + " · ".join(parts)


def crisis_banner() -> None:
    """The crisis lines, shown at the top of every page."""
    st.info(crisis_markdown(), icon=":material/call:")


def data_notices(loaded: LoadedDirectory) -> None:
    """Say when the directory is sample data, unreadable, or has rows held back for checking."""
    if loaded.error:
        st.error(
            f"The directory file could not be read, so nothing can be shown or saved until it is fixed. "
            f"A peer leader can run `python -m directory validate` to see why. Details: {md(loaded.error)}"
        )
    if loaded.is_sample:
        st.caption("Sample data: every entry shown here is fictional, for trying the app out.")
    if loaded.problems:
        rows = len({p.row_number for p in loaded.problems})
        needs = "needs a peer leader's attention and is" if rows == 1 else "need a peer leader's attention and are"
        st.caption(
            f"{plural(rows, 'entry', 'entries')} {needs} not shown. "
            "Peer leaders: run `python -m directory validate` to list them."
        )
