"""Entry point: page setup, the crisis banner, shared filter state, and the navigation."""

import streamlit as st

from directory.routes import GROUPS, ROUTES
from directory.ui.banners import crisis_banner
from directory.ui.filters import start_filters

st.set_page_config(page_title="Peer Recovery Support Directory", page_icon=":material/diversity_3:")

pages: dict[str, list] = {group: [] for group in GROUPS}
for route in ROUTES:
    pages[route.group].append(
        st.Page(route.script, title=route.title, url_path=route.url_path or None, icon=route.icon,
                default=not route.url_path)
    )
# A group appears in the navigation only once it has a page.
navigation = st.navigation({group: entries for group, entries in pages.items() if entries})

start_filters()
crisis_banner()
navigation.run()
