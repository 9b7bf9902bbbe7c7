"""Who is signed in, for this browser session only: the sign-in form and sign-out.

The session holds the Curator that sign-in returned, with its session token. current_curator() checks it
against the accounts file on every call (every page run, and every callback, which runs before the page), so a
removed account or a changed role takes effect at that person's next action; require_role() checks it again on
every write.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from directory.auth import Accounts, AuthError, Curator, NotAllowed, client_key
from directory.i18n import N_, _
from directory.text import escape_markdown
from directory.ui.services import services

_Args = ParamSpec("_Args")

SESSION_KEY = "curator"
CLIENT_TOKEN_KEY = "sign_in_client"
ENDED = N_("You have been signed out: your account was removed, or your sign-in ended. Sign in again to go on.")
# The roles as a person reads them; the stored role stays "curator" or "admin".
ROLE_LABELS = {"curator": N_("curator"), "admin": N_("admin")}


def role_label(role: str) -> str:
    """A role's name in the chosen language."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def current_curator() -> Curator | None:
    """The signed-in curator of this session with their role as it is now, or None (their sign-in is dropped once
    the account is removed or the session has ended)."""
    found = st.session_state.get(SESSION_KEY)
    if not isinstance(found, Curator):
        return None
    live = services().accounts.current(found)
    if live is None:
        st.session_state.pop(SESSION_KEY, None)
        st.session_state["sign_in_notice"] = _(ENDED)
        return None
    if live.role != found.role:
        st.session_state[SESSION_KEY] = live
    return live


def sign_out() -> None:
    """End the session's sign-in, on the server too, so no copy of it can write any more."""
    found = st.session_state.pop(SESSION_KEY, None)
    if isinstance(found, Curator):
        services().accounts.sign_out(found)


def client_keys() -> list[str]:
    """Where this sign-in comes from, as opaque keys: this browser session, and its address when known."""
    keys = [client_key("session", st.session_state.setdefault(CLIENT_TOKEN_KEY, secrets.token_hex(16)))]
    address = st.context.ip_address
    if isinstance(address, str) and address:  # None on localhost (and not a string under AppTest)
        keys.append(client_key("address", address))
    return keys


def sign_in_form() -> None:
    """The sign-in form; says which command creates the first account when there is none."""
    accounts = services().accounts
    if not accounts.any():
        st.info(_("There are no peer-leader accounts yet. On the server, create the first one with:"))
        st.code("python -m directory curator add YOUR-NAME --admin", language="bash")
        return
    if st.session_state.get("sign_in_notice"):
        st.warning(st.session_state["sign_in_notice"])
    with st.form("sign_in", clear_on_submit=True):
        st.text_input(_("Name"), key="sign_in_name", max_chars=64)
        st.text_input(_("Password"), key="sign_in_password", type="password", max_chars=200)
        # A callback, so the attempt is handled once, before the page is drawn again.
        st.form_submit_button(_("Sign in"), key="sign_in_submit", on_click=_attempt_sign_in, args=(accounts,))
    if st.session_state.get("sign_in_error"):
        st.error(st.session_state["sign_in_error"])


def _attempt_sign_in(accounts: Accounts) -> None:
    try:
        st.session_state[SESSION_KEY] = accounts.sign_in(st.session_state.get("sign_in_name", ""),
                                                         st.session_state.get("sign_in_password", ""),
                                                         clients=client_keys())
        st.session_state.update(sign_in_error="", sign_in_notice="")
    except AuthError as error:
        st.session_state["sign_in_error"] = str(error)


def as_signed_in(action: Callable[_Args, object]) -> Callable[_Args, None]:
    """Wrap a write callback: it runs only for a live sign-in, and a refusal (a removed account, a lowered role)
    becomes a notice on the page instead of an error box."""

    @functools.wraps(action)
    def run(*args: _Args.args, **kwargs: _Args.kwargs) -> None:
        if current_curator() is None:  # it has already left the ENDED notice for the sign-in form
            return
        try:
            action(*args, **kwargs)
        except NotAllowed as refusal:
            st.session_state["sign_in_notice"] = _("Not done: {reason}.").format(reason=refusal)

    return run


def signed_in_bar(curator: Curator) -> None:
    """Who is signed in, with a sign-out button (and a refusal from the last action, once)."""
    left, right = st.columns([3, 1])
    left.caption(_("Signed in as {name} ({role}).").format(name=escape_markdown(curator.name),
                                                           role=role_label(curator.role)))
    right.button(_("Sign out"), on_click=sign_out, key="sign_out")
    notice = st.session_state.pop("sign_in_notice", "")
    if notice:
        st.warning(notice)
