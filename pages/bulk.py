"""Bulk edit: change many entries in a table, then Save; every row is checked before anything is written."""

import pandas as pd
import streamlit as st

from directory import taxonomy as tx
from directory.curation import BULK_COLUMNS, apply_bulk_edits, bulk_rows
from directory.i18n import _, ngettext, number
from directory.memory import return_freed_memory
from directory.text import escape_markdown as md
from directory.ui.entry_form import field_label
from directory.ui.services import services
from directory.ui.session import as_signed_in, current_curator
from directory.ui.shell import start_directory_page
from directory.ui.table_pages import ROWS_PER_TABLE_PAGE, requested_page, table_pager

start_directory_page(_("Bulk edit"))
curator = current_curator()
if curator is None:
    st.warning(_("Sign in on the Curate page to edit entries."))
    st.stop()
edits = st.session_state.get("b_editor") or {}
# While the table holds unsaved changes, the rows under it stay put: they are what the changes are positions in.
pending = any(edits.get(kind) for kind in ("edited_rows", "added_rows", "deleted_rows"))
hold = _("Save or discard your changes first.") if pending else ""
words = st.text_input(_("Show entries whose name, organization, city or ID contains"), key="b_words", disabled=pending,
                      help=hold or None, on_change=lambda: st.session_state.pop("b_page", None))
# The editor's source is one page of rows and stays fixed until a save, a search or another page; its output is
# never fed back in as input. The file is read again for each new page, so no session keeps the whole directory.
wanted = (words, requested_page("b_page"))
if st.session_state.get("b_for") != wanted or "b_source" not in st.session_state:
    matching = bulk_rows(services().store.read_raw(), words)
    page = requested_page("b_page", len(matching))
    start = (page - 1) * ROWS_PER_TABLE_PAGE
    st.session_state.update(b_for=(words, page), b_total=len(matching),
                            b_source=matching.iloc[start:start + ROWS_PER_TABLE_PAGE].reset_index(drop=True))
    del matching
    return_freed_memory()  # the whole file was read to find this page's rows
source: pd.DataFrame = st.session_state["b_source"]
if words and not st.session_state["b_total"]:
    st.info(_("No entry's name, organization, city or ID contains those words."))
table_pager(st.session_state["b_total"], "b_page", disabled=pending, why_disabled=hold)
st.caption(_("Edit cells, add rows, or delete rows (deleted entries are retired, never erased). Nothing is saved "
             "until you press Save."))
# The headers and choices a person reads are labels; the cells keep the file's column names and keys.
headers = {name: st.column_config.Column(field_label(name)) for name in ("id", *BULK_COLUMNS)}
categories = {term.key: term.label for term in tx.CATEGORIES}
statuses = {term.key: term.label for term in tx.STATUSES}
st.data_editor(source, key="b_editor", num_rows="dynamic", hide_index=True, disabled=["id"], column_config={
    **headers,
    "row_version": None,
    "category": st.column_config.SelectboxColumn(field_label("category"), options=list(categories),
                                                 format_func=lambda key: categories.get(key, key)),
    "status": st.column_config.SelectboxColumn(field_label("status"), options=list(statuses),
                                               format_func=lambda key: statuses.get(key, key)),
    "support_types": st.column_config.TextColumn(
        field_label("support_types"),
        help=_("Keys separated by ';': {keys}").format(keys=", ".join(tx.keys(tx.SUPPORT_TYPES)))),
})


@as_signed_in
def save() -> None:
    result = apply_bulk_edits(services().store, current_curator(), source, st.session_state["b_editor"],
                              geocode=services().geocode)
    st.session_state["b_result"] = result
    if result.saved or not result.errors:
        del st.session_state["b_source"]  # reload, so the next edits start from what was saved
        st.session_state.pop("b_editor", None)


def discard() -> None:
    for key in ("b_editor", "b_source"):
        st.session_state.pop(key, None)


st.button(_("Save"), type="primary", key="b_save", on_click=save)
if pending:
    st.button(_("Discard unsaved changes"), key="b_discard", on_click=discard)
result = st.session_state.pop("b_result", None)
if result and result.saved:
    st.success(ngettext("Saved {count} entry.", "Saved {count} entries.", len(result.saved))
               .format(count=number(len(result.saved))))
if result and result.errors:
    st.error(_("These rows were not saved. Fix them first:") if result.saved
             else _("Nothing was saved. Fix these rows first:"))
    # A table only for reading, so its headers are in the chosen language.
    st.dataframe(pd.DataFrame([{_("row"): row, _("field"): field_label(f), _("problem"): msg}
                               for row, fields in result.errors.items() for f, msg in fields.items()]),
                 hide_index=True)
if result and result.conflicts:
    st.warning(ngettext("{count} entry was changed by someone else meanwhile and not saved: {ids}",
                        "{count} entries were changed by someone else meanwhile and not saved: {ids}",
                        len(result.conflicts)).format(count=number(len(result.conflicts)),
                                                      ids=md(", ".join(result.conflicts))))
elif result and not result.saved and not result.errors:
    st.success(_("Nothing to save: no cell was changed."))
