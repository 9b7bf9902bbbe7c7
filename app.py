"""Entry point: page setup, the crisis banner, shared filter state, and the navigation."""

from pathlib import Path

import streamlit as st

from directory.config import SettingsError
from directory.i18n import _
from directory.memory import return_memory_if_grown
from directory.routes import GROUPS, visible_routes
from directory.ui.banners import crisis_banner
from directory.ui.filters import start_filters
from directory.ui.language import language_switch, start_language
from directory.ui.services import app_settings
from directory.ui.session import current_curator
from directory.ui.style import apply_style

# A local icon: the default and Material icons would be fetched from a third-party host.
FAVICON = Path(__file__).parent / "static" / "favicon.png"
# The language comes first: every word drawn after this is in it.
start_language()
st.set_page_config(page_title=_("Peer Recovery Support Directory"), page_icon=str(FAVICON))

# Every setting is checked before any page runs: a bad value stops here, naming the variable, not halfway
# through drawing a map or saving an entry.
try:
    app_settings()
except SettingsError as error:
    crisis_banner()
    st.error(_("The directory cannot start because of its settings. An operator needs to fix this:"))
    st.code(str(error), language=None, wrap_lines=True)
    st.stop()

pages: dict[str, list] = {group: [] for group in GROUPS}
# Only the pages this session may see are registered; every write path checks the role again.
curator = current_curator()
for route in visible_routes(curator.role if curator else None):
    pages[route.group].append(
        st.Page(route.script, title=_(route.title), url_path=route.url_path or None, icon=route.icon,
                default=not route.url_path)
    )
# A group appears in the navigation only once it has a page.
navigation = st.navigation({_(group): entries for group, entries in pages.items() if entries})

start_filters()
language_switch()
crisis_banner()
apply_style()
try:
    navigation.run()
finally:
    return_memory_if_grown()  # a page that made and dropped a big table leaves its memory to the system
