"""The peer recovery support directory: taxonomy, schema, store, geocoding, search and the CLI.

Nothing here imports Streamlit except `directory.ui`, the pages' helper module.
"""
