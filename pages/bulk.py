"""Bulk edit: change many entries in a table, then Save; every row is checked before anything is written."""

import pandas as pd
import streamlit as st

from directory import taxonomy as tx
from directory.curation import BULK_COLUMNS, apply_bulk_edits
from directory.text import escape_markdown as md
from directory.text import plural
from directory.ui.entry_form import field_label
from directory.ui.services import services
from directory.ui.session import as_signed_in, current_curator
from directory.ui.shell import start_directory_page

start_directory_page("Bulk edit")
curator = current_curator()
if curator is None:
    st.warning("Sign in on the Curate page to edit entries.")
    st.stop()
# The editor's source stays fixed until a save; its output is never fed back in as input.
if "b_source" not in st.session_state:
    stored = services().store.read_raw()
    st.session_state["b_source"] = stored[["id", "row_version", *BULK_COLUMNS]].reset_index(drop=True)
source: pd.DataFrame = st.session_state["b_source"]
st.caption("Edit cells, add rows, or delete rows (deleted entries are retired, never erased). Nothing is saved "
           "until you press Save.")
st.data_editor(source, key="b_editor", num_rows="dynamic", hide_index=True, disabled=["id"], column_config={
    "row_version": None,
    "category": st.column_config.SelectboxColumn(options=list(tx.keys(tx.CATEGORIES))),
    "status": st.column_config.SelectboxColumn(options=list(tx.keys(tx.STATUSES))),
    "support_types": st.column_config.TextColumn(help="keys separated by ';': " + ", ".join(tx.keys(tx.SUPPORT_TYPES))),
})


@as_signed_in
def save() -> None:
    result = apply_bulk_edits(services().store, current_curator(), source, st.session_state["b_editor"],
                              geocode=services().geocode)
    st.session_state["b_result"] = result
    if result.saved or not result.errors:
        del st.session_state["b_source"]  # reload, so the next edits start from what was saved
        st.session_state.pop("b_editor", None)


st.button("Save", type="primary", key="b_save", on_click=save)
result = st.session_state.pop("b_result", None)
if result and result.saved:
    st.success(f"Saved {plural(len(result.saved), 'entry', 'entries')}.")
if result and result.errors:
    st.error("These rows were not saved. Fix them first:" if result.saved else "Nothing was saved. Fix these rows "
             "first:")
    st.dataframe(pd.DataFrame([{"row": row, "field": field_label(f), "problem": msg}
                               for row, fields in result.errors.items() for f, msg in fields.items()]),
                 hide_index=True)
if result and result.conflicts:
    st.warning(f"{plural(len(result.conflicts), 'entry was', 'entries were')} changed by someone else meanwhile "
               "and not saved: " + md(", ".join(result.conflicts)))
elif result and not result.saved and not result.errors:
    st.success("Nothing to save: no cell was changed.")
