"""The app's one stylesheet: the touch-target and focus fixes that Streamlit's theme options cannot express."""

from __future__ import annotations

import streamlit as st

# Colours and text come from the theme in .streamlit/config.toml; this only sizes targets and draws focus.
# Selectors use Streamlit's data-testid attributes and link addresses, never its generated class names,
# which change with every release.
_CSS = """
<style>
/* WCAG 2.4.7: the current page is shaded grey, and a focused navigation link was shaded the same grey, so
   keyboard users could not tell where they were. A ring makes focus unmistakable. */
nav [data-testid="stSidebarNavLink"]:focus-visible,
section [data-testid="stMain"]:focus-visible {
  outline: 3px solid #0072B2;
  outline-offset: -3px;
}

/* WCAG 2.5.8: every pointer target at least 24 x 24 CSS px. */
[data-testid="stCheckbox"] label,
label[data-testid="stRadioOption"] {
  min-height: 24px;
  align-items: center;
}
[data-testid="stHeaderActionElements"] a,
[data-testid="stTooltipHoverTarget"] button,
[data-testid="stMultiSelect"] button,
[data-testid="stTextInputRootElement"] button,
[data-testid^="stTabsScroll"] {
  min-width: 24px;
  min-height: 24px;
  display: inline-flex;
  align-items: center;
  justify-content: center;
}
/* Vertical padding on an inline link grows its tap area without moving the lines around it. */
[data-testid="stMarkdownContainer"] a {
  padding-block: 2px;
}

/* On a touch screen the actions someone may need in a hurry get a 44 px target (WCAG 2.5.5): calling (the
   crisis lines are tel: links too), directions (present.directions_url) and every button, "Add to packet"
   among them. */
@media (pointer: coarse) {
  [data-testid="stMarkdownContainer"] a[href^="tel:"],
  [data-testid="stMarkdownContainer"] a[href^="https://www.openstreetmap.org/directions"] {
    display: inline-block;
    box-sizing: border-box;
    min-height: 44px;
    padding-block: 10px;
    vertical-align: middle;
  }
  button[data-testid^="stBaseButton"] {
    min-height: 44px;
  }
}
</style>
"""


def apply_style() -> None:
    """Add the app's stylesheet to the page; call once per run, before the page is drawn."""
    st.html(_CSS)
