"""Who is signed in, for this browser session only: the sign-in form and sign-out."""

from __future__ import annotations

import streamlit as st

from directory.auth import Accounts, AuthError, Curator
from directory.ui.services import services

SESSION_KEY = "curator"


def current_curator() -> Curator | None:
    """The signed-in curator of this session, if any."""
    found = st.session_state.get(SESSION_KEY)
    return found if isinstance(found, Curator) else None


def sign_out() -> None:
    """End the session's sign-in."""
    st.session_state.pop(SESSION_KEY, None)


def sign_in_form() -> None:
    """The sign-in form; says which command creates the first account when there is none."""
    accounts = services().accounts
    if not accounts.any():
        st.info("There are no peer-leader accounts yet. On the server, create the first one with:")
        st.code("python -m directory curator add YOUR-NAME --admin", language="bash")
        return
    with st.form("sign_in", clear_on_submit=True):
        st.text_input("Name", key="sign_in_name", max_chars=64)
        st.text_input("Password", key="sign_in_password", type="password", max_chars=200)
        # A callback, so the attempt is handled once, before the page is drawn again.
        st.form_submit_button("Sign in", key="sign_in_submit", on_click=_attempt_sign_in, args=(accounts,))
    if st.session_state.get("sign_in_error"):
        st.error(st.session_state["sign_in_error"])


def _attempt_sign_in(accounts: Accounts) -> None:
    try:
        st.session_state[SESSION_KEY] = accounts.sign_in(st.session_state.get("sign_in_name", ""),
                                                         st.session_state.get("sign_in_password", ""))
        st.session_state["sign_in_error"] = ""
    except AuthError as error:
        st.session_state["sign_in_error"] = str(error)


def signed_in_bar(curator: Curator) -> None:
    """Who is signed in, with a sign-out button."""
    left, right = st.columns([3, 1])
    left.caption(f"Signed in as {curator.name} ({curator.role}).")
    right.button("Sign out", on_click=sign_out, key="sign_out")
