"""Stale entries: what has not been checked lately, with a bulk "verified today"."""

import streamlit as st

from directory.curation import stale_entries, verify_many
from directory.i18n import _, ngettext, number
from directory.text import escape_markdown as md
from directory.ui.entry_form import field_label
from directory.ui.services import app_settings, services
from directory.ui.session import current_curator
from directory.ui.shell import start_directory_page
from directory.ui.table_pages import ROWS_PER_TABLE_PAGE, table_pager

SHOWN = ["id", "name", "city", "phone", "last_verified", "verified_by", "row_version"]

loaded = start_directory_page(_("Entries to check"))
curator = current_curator()
if curator is None:
    st.warning(_("Sign in on the Curate page to check entries."))
    st.stop()
days = st.number_input(_("Not verified within (days)"), min_value=1, max_value=3650, step=30, key="st_days",
                       value=app_settings().stale_days)
# Only the columns shown are taken from the shared directory, and only one page of rows goes to the browser.
table = stale_entries(services().store.load().frame[[*SHOWN, "status"]], int(days), app_settings().today())[SHOWN]
st.caption(ngettext("{count} entry to check, never-verified and oldest first. Click a column to sort this page.",
                    "{count} entries to check, never-verified and oldest first. Click a column to sort this page.",
                    len(table)).format(count=number(len(table))))
start = table_pager(len(table), "st_page")
shown = table.iloc[start:start + ROWS_PER_TABLE_PAGE]
# A selection belongs to the page it was made on: another page starts with none.
picked = st.dataframe(shown, hide_index=True, on_select="rerun", selection_mode="multi-row",
                      key=f"st_table_{start}",
                      # The headers a person reads; the table's columns keep the file's names.
                      column_config={"row_version": None} | {name: st.column_config.Column(field_label(name))
                                                             for name in SHOWN if name != "row_version"})
if len(table) > ROWS_PER_TABLE_PAGE:
    select_all = ngettext("Select the {count} entry listed, on every page",
                          "Select all {count} entries listed, on every page", len(table))
else:
    select_all = ngettext("Select the {count} entry listed", "Select all {count} entries listed", len(table))
everything = st.checkbox(select_all.format(count=number(len(table))), key="st_all")
rows = table if everything else shown.iloc[picked.selection.rows if picked else []]


def mark_verified(versions: dict[str, str]) -> None:
    done, refused = verify_many(services().store, curator, versions, app_settings().today())
    message = _("Marked {count} as verified today.").format(count=len(done))
    if refused:
        message += " " + ngettext("{count} changed meanwhile and was left for another look: {ids}.",
                                  "{count} changed meanwhile and were left for another look: {ids}.",
                                  len(refused)).format(count=len(refused), ids=md(", ".join(refused)))
    st.session_state.update(st_message=message, st_all=False)


st.button(_("Mark {count} selected as verified today").format(count=len(rows)), disabled=rows.empty, key="st_verify",
          on_click=mark_verified, args=(dict(zip(rows["id"], rows["row_version"], strict=True)),))
if st.session_state.get("st_message"):
    st.success(st.session_state.pop("st_message"))
