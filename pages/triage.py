"""Imports to review: entries an import could not settle, grouped by problem, with bulk actions."""

import streamlit as st

from directory.i18n import _, ngettext, number
from directory.triage import group_by_reason, group_label, review_queue
from directory.ui.services import services
from directory.ui.session import current_curator
from directory.ui.shell import start_directory_page
from directory.ui.triage import GO_TO_CURATE_KEY, TAB_KEY, group_panel, show_messages

start_directory_page(_("Imports to review"))
if current_curator() is None:
    st.warning(_("Sign in on the Curate page to review imports."))
    st.stop()
if st.session_state.pop(GO_TO_CURATE_KEY, False):
    st.switch_page("pages/curate.py")
show_messages()
# The file's valid rows as they are now (the shared version, checked against the file on every run), not the
# public view: exact versions to act on, full records to review. An import writes only valid rows.
queue = review_queue(services().store.load().frame)
groups = group_by_reason(queue)
if not groups:
    st.info(_("Nothing waits for review."))
    st.stop()
st.caption(ngettext("{count} imported entry waits for review. It is not public until it is published; an entry "
                    "with several problems is listed under each.",
                    "{count} imported entries wait for review. None of them is public until it is published; an "
                    "entry with several problems is listed under each.", len(queue)).format(count=number(len(queue))))
for column, (key, rows) in zip(st.columns(min(len(groups), 4)) * 3, groups.items(), strict=False):
    column.metric(group_label(key), len(rows))
# A keyed tab that tracks state stays open across actions; only the open group's table is drawn.
tabs = st.tabs([group_label(key) for key in groups], key=TAB_KEY, on_change="rerun")
for tab, (key, rows) in zip(tabs, groups.items(), strict=True):
    if tab.open:
        with tab:
            group_panel(key, rows)
