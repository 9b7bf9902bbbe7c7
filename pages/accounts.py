"""Accounts: admins add and remove peer-leader accounts."""

import streamlit as st

from directory.auth import ROLES
from directory.errors import DirectoryError
from directory.i18n import _
from directory.text import escape_markdown as md
from directory.ui.services import services
from directory.ui.session import current_curator, role_label

st.title(_("Peer-leader accounts"))
admin = current_curator()
if admin is None or not admin.is_admin:
    st.warning(_("Only an admin can manage accounts."))
    st.stop()
accounts = services().accounts


def _sentence(text: str) -> str:
    # Only the first letter is raised: str.capitalize() would lower a name quoted in the message.
    return text[:1].upper() + text[1:]


def add_account() -> None:
    state = st.session_state
    try:
        accounts.add(state.get("a_name", ""), state.get("a_password", ""), state.get("a_role", "curator"), by=admin)
        state["a_message"] = ("success", _("Added {name}.").format(name=state.get("a_name")))
    except DirectoryError as error:
        state["a_message"] = ("error", _sentence(str(error)) + ".")


def remove_account(name: str) -> None:
    try:
        accounts.remove(name, by=admin)
        st.session_state["a_message"] = ("success", _("Removed {name}.").format(name=name))
    except DirectoryError as error:
        st.session_state["a_message"] = ("error", _sentence(str(error)) + ".")


for name, role in accounts.names():
    left, right = st.columns([3, 1])
    left.text(_("{name} ({role})").format(name=name, role=role_label(role)))
    if name != admin.name:
        right.button(_("Remove"), key=f"a_remove_{name}", on_click=remove_account, args=(name,))
with st.form("add_account", clear_on_submit=True):
    st.text_input(_("Name"), key="a_name", max_chars=64)
    st.text_input(_("Password (at least 10 characters)"), key="a_password", type="password", max_chars=200)
    # The labels are made now, in this run's language: a format function may also be called outside the run.
    roles = {role: role_label(role) for role in ROLES}
    st.selectbox(_("Role"), ROLES, key="a_role", format_func=roles.__getitem__)
    st.form_submit_button(_("Add account"), key="a_add", on_click=add_account)
message = st.session_state.pop("a_message", None)
if message:
    (st.success if message[0] == "success" else st.error)(md(message[1]))
