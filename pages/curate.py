"""Curate: peer leaders sign in, then add, edit, verify, retire and restore entries."""

import streamlit as st

from directory import taxonomy as tx
from directory.i18n import _, ngettext, number
from directory.text import escape_markdown as md
from directory.ui import curate_actions as act
from directory.ui.cards import result_card
from directory.ui.entry_form import entry_form, form_values
from directory.ui.history import changes_frame, history_panel
from directory.ui.services import services
from directory.ui.session import current_curator, sign_in_form, signed_in_bar

st.title(_("Curate the directory"))
curator = current_curator()
if curator is None:
    st.caption(_("For peer leaders who keep the directory true. Visitors can suggest changes instead."))
    sign_in_form()
    st.stop()
signed_in_bar(curator)


def _entry_label(name: str, city: str, status: str) -> str:
    label = _("{name} ({city})").format(name=name, city=city or _("no city"))
    if status != "active":
        label = _("{entry} · {status}").format(entry=label, status=tx.label_of(tx.STATUSES, status).lower())
    return label


entries = services().store.read_raw().sort_values("name")
labels = {"": _("— Add a new entry —")} | {
    row.id: _entry_label(row.name, row.city, row.status) for row in entries.itertuples()}
st.selectbox(_("Entry"), list(labels), format_func=labels.__getitem__, key=act.ENTRY_KEY, on_change=act.choose_entry)
if "c_id" not in st.session_state:
    act.choose_entry()

message = st.session_state.get("c_message")
if message:
    st.success(md(message))
conflict = st.session_state.get("c_conflict")
if conflict:
    st.error(md(str(conflict)))
    st.dataframe(changes_frame(conflict.changes, (_("field"), _("before"), _("now"))), hide_index=True)
    st.button(_("Load the latest version and redo my change"), on_click=act.reload_latest)
duplicates = st.session_state.get("c_duplicates") or []
if duplicates:
    st.warning(_("This may already be listed. Merge into an existing entry, or save it as a new one."))
    for dup in duplicates:
        st.button(md(_("Merge into: {name} ({city}) · {reason}").format(
                      name=dup["name"], city=dup["city"] or _("no city"), reason=dup["reason"])),
                  key=f"c_merge_{dup['id']}", on_click=act.merge_into, args=(dup["id"],))
    st.button(_("Save as a new entry anyway"), key="c_save_anyway", on_click=act.save_anyway)
errors = st.session_state.get("c_errors") or {}
if errors:
    st.error(ngettext("{count} field needs attention before saving; see the messages below.",
                      "{count} fields need attention before saving; see the messages below.",
                      len(errors)).format(count=number(len(errors))))

entry_form(errors)
with st.expander(_("Preview"), expanded=False):
    preview = {**form_values(), "id": "preview"}
    if preview["name"] and preview["category"]:
        result_card(preview, None, lambda _entry: None, packet_button=False)
    else:
        st.caption(_("Add a name and a category to see the card."))

left, middle, right = st.columns(3)
left.button(_("Save"), type="primary", on_click=act.save, key="c_save")
# Also right under the buttons, where the person clicked: the messages at the top are a screen away.
if message:
    st.success(md(message), icon=":material/check_circle:")
elif conflict or duplicates or errors:
    st.warning(_("Not saved yet: see the message at the top of the page."), icon=":material/arrow_upward:")
if st.session_state.get("c_id"):
    middle.button(_("Verified today"), on_click=act.mark_verified, key="c_verify")
    retired = st.session_state.get("e_status") == "inactive"
    right.button(_("Restore") if retired else _("Retire"), key="c_status", on_click=act.change_status,
                 args=("active" if retired else "inactive",))
    history_panel(st.session_state["c_id"])
