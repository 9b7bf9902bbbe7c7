"""Accounts: admins add and remove peer-leader accounts."""

import streamlit as st

from directory.auth import ROLES
from directory.errors import DirectoryError
from directory.text import escape_markdown as md
from directory.ui.services import services
from directory.ui.session import current_curator

st.title("Peer-leader accounts")
admin = current_curator()
if admin is None or not admin.is_admin:
    st.warning("Only an admin can manage accounts.")
    st.stop()
accounts = services().accounts


def add_account() -> None:
    state = st.session_state
    try:
        accounts.add(state.get("a_name", ""), state.get("a_password", ""), state.get("a_role", "curator"), by=admin)
        state["a_message"] = ("success", f"Added {state.get('a_name')}.")
    except DirectoryError as error:
        state["a_message"] = ("error", str(error).capitalize() + ".")


def remove_account(name: str) -> None:
    try:
        accounts.remove(name, by=admin)
        st.session_state["a_message"] = ("success", f"Removed {name}.")
    except DirectoryError as error:
        st.session_state["a_message"] = ("error", str(error))


for name, role in accounts.names():
    left, right = st.columns([3, 1])
    left.text(f"{name} ({role})")
    if name != admin.name:
        right.button("Remove", key=f"a_remove_{name}", on_click=remove_account, args=(name,))
with st.form("add_account", clear_on_submit=True):
    st.text_input("Name", key="a_name", max_chars=64)
    st.text_input("Password (at least 10 characters)", key="a_password", type="password", max_chars=200)
    st.selectbox("Role", ROLES, key="a_role")
    st.form_submit_button("Add account", key="a_add", on_click=add_account)
message = st.session_state.pop("a_message", None)
if message:
    (st.success if message[0] == "success" else st.error)(md(message[1]))
