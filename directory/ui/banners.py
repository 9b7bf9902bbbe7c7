"""Text that every page shows: the crisis lines, the sample-data label, load problems."""

from __future__ import annotations

import streamlit as st

from directory.crisis import crisis_heading, crisis_lines
from directory.errors import message_of
from directory.i18n import _, ngettext, number
from directory.text import escape_markdown as md
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
        st.error(_(
            "The directory file could not be read, so nothing can be shown or saved until it is fixed. "
            "A peer leader can run `python -m directory validate` to see why. Details: {details}"
        ).format(details=md(message_of(loaded.error).text())))
    if loaded.is_sample:
        st.caption(_("Sample data: every entry shown here is fictional, for trying the app out."))
    if loaded.problems:
        rows = len({p.row_number for p in loaded.problems})
        st.caption(ngettext(
            "{count} entry needs a peer leader's attention and is not shown. "
            "Peer leaders: run `python -m directory validate` to list them.",
            "{count} entries need a peer leader's attention and are not shown. "
            "Peer leaders: run `python -m directory validate` to list them.", rows).format(count=number(rows)))
