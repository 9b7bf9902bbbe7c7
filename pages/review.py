"""Review: peer leaders approve, edit, merge or reject what visitors suggested."""

import streamlit as st

from directory.i18n import _, ngettext, number
from directory.text import escape_markdown as md
from directory.ui.review import queue, suggestion_card
from directory.ui.session import current_curator
from directory.ui.shell import start_directory_page

loaded = start_directory_page(_("Review suggestions"))
if current_curator() is None:
    st.warning(_("Sign in on the Curate page to review suggestions."))
    st.stop()
if st.session_state.pop("r_go_to_curate", False):
    st.switch_page("pages/curate.py")
if st.session_state.get("r_message"):
    st.success(md(st.session_state.pop("r_message")))
waiting = queue().open()
st.caption(ngettext("{count} suggestion waiting. Nothing here is public until a peer leader approves it.",
                    "{count} suggestions waiting. Nothing here is public until a peer leader approves it.",
                    len(waiting)).format(count=number(len(waiting))))
names = dict(zip(loaded.index.frame["id"], loaded.index.frame["name"], strict=True))
for suggestion in waiting:
    suggestion_card(suggestion, names)
