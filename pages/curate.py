"""Curate: peer leaders sign in, then add, edit, verify, retire and restore entries."""

import streamlit as st

from directory.text import escape_markdown as md
from directory.text import plural
from directory.ui import curate_actions as act
from directory.ui.cards import result_card
from directory.ui.entry_form import entry_form, form_values
from directory.ui.history import changes_frame, history_panel
from directory.ui.services import services
from directory.ui.session import current_curator, sign_in_form, signed_in_bar

st.title("Curate the directory")
curator = current_curator()
if curator is None:
    st.caption("For peer leaders who keep the directory true. Visitors can suggest changes instead.")
    sign_in_form()
    st.stop()
signed_in_bar(curator)

entries = services().store.read_raw().sort_values("name")
labels = {"": "— Add a new entry —"} | {
    row.id: f"{row.name} ({row.city or 'no city'}){'' if row.status == 'active' else f' · {row.status}'}"
    for row in entries.itertuples()}
st.selectbox("Entry", list(labels), format_func=labels.__getitem__, key=act.ENTRY_KEY, on_change=act.choose_entry)
if "c_id" not in st.session_state:
    act.choose_entry()

message = st.session_state.get("c_message")
if message:
    st.success(md(message))
conflict = st.session_state.get("c_conflict")
if conflict:
    st.error(md(str(conflict)))
    st.dataframe(changes_frame(conflict.changes, ("field", "before", "now")), hide_index=True)
    st.button("Load the latest version and redo my change", on_click=act.reload_latest)
duplicates = st.session_state.get("c_duplicates") or []
if duplicates:
    st.warning("This may already be listed. Merge into an existing entry, or save it as a new one.")
    for dup in duplicates:
        st.button(md(f"Merge into: {dup['name']} ({dup['city'] or 'no city'}) · {dup['reason']}"),
                  key=f"c_merge_{dup['id']}", on_click=act.merge_into, args=(dup["id"],))
    st.button("Save as a new entry anyway", key="c_save_anyway", on_click=act.save_anyway)
errors = st.session_state.get("c_errors") or {}
if errors:
    st.error(f"{plural(len(errors), 'field')} {'needs' if len(errors) == 1 else 'need'} attention before saving; "
             "see the messages below.")

entry_form(errors)
with st.expander("Preview", expanded=False):
    preview = {**form_values(), "id": "preview"}
    if preview["name"] and preview["category"]:
        result_card(preview, None, lambda _: None, packet_button=False)
    else:
        st.caption("Add a name and a category to see the card.")

left, middle, right = st.columns(3)
left.button("Save", type="primary", on_click=act.save, key="c_save")
# Also right under the buttons, where the person clicked: the messages at the top are a screen away.
if message:
    st.success(md(message), icon=":material/check_circle:")
elif conflict or duplicates or errors:
    st.warning("Not saved yet: see the message at the top of the page.", icon=":material/arrow_upward:")
if st.session_state.get("c_id"):
    middle.button("Verified today", on_click=act.mark_verified, key="c_verify")
    retired = st.session_state.get("e_status") == "inactive"
    right.button("Restore" if retired else "Retire", key="c_status", on_click=act.change_status,
                 args=("active" if retired else "inactive",))
    history_panel(st.session_state["c_id"])
