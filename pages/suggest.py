"""Suggest: anyone can suggest a resource or report a change; a peer leader reviews it first."""

import streamlit as st

from directory.i18n import _
from directory.ui.shell import start_directory_page
from directory.ui.suggest_form import entry_labels, suggestion_form

loaded = start_directory_page(_("Suggest a resource or a change"))
st.markdown(_(
    "Know a place that helps, or spotted something out of date? Tell us here. A peer leader checks every "
    "suggestion before it appears. We do not ask who you are, and nothing about you is stored."
))
suggestion_form(lambda: entry_labels(loaded))
