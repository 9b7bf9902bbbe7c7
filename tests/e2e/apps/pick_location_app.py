"""A one-widget app for the browser test of the reusable location picker.

Streamlit serves static files from the folder of the script it runs, so static/ beside this file is a link to
the project's static/ (where Leaflet lives).
"""

import streamlit as st

from directory.ui.map_view import pick_location

picked = pick_location((39.9526, -75.1652))
st.text(f"picked: {picked[0]:.4f}, {picked[1]:.4f}" if picked else "picked: nothing yet")
