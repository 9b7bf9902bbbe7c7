"""Streamlit helpers shared by the pages: cached loading, filter widgets, banners and cards.

This package is the only part of `directory` that imports Streamlit.
"""
