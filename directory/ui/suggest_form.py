"""The public suggestion form: length limits, a hidden honeypot field and a per-session rate limit."""

from __future__ import annotations

import time

import streamlit as st

from directory import taxonomy as tx
from directory.suggestions import FIELD_LIMIT, MESSAGE_LIMIT, SuggestionError
from directory.ui.services import services

HONEYPOT_KEY = "s_homepage"
RATE_LIMIT = 3
RATE_WINDOW_SECONDS = 10 * 60
NEW_FIELDS = (("name", "Name *"), ("organization", "Organization"), ("address", "Street address"),
              ("city", "City"), ("state", "State (e.g. PA)"), ("zip", "ZIP"), ("phone", "Phone"),
              ("website", "Website"), ("hours", "Hours"))


def _recent_submissions() -> list[float]:
    now = time.monotonic()
    recent = [t for t in st.session_state.get("s_times", []) if now - t < RATE_WINDOW_SECONDS]
    st.session_state["s_times"] = recent
    return recent


def _submit(kind: str) -> None:
    state = st.session_state
    if len(_recent_submissions()) >= RATE_LIMIT:
        state["s_result"] = ("error", "Thank you! You have sent several suggestions; please try again later.")
        return
    if state.get(HONEYPOT_KEY):
        # A bot filled the hidden field: thank it and keep nothing.
        state["s_result"] = ("success", "Thank you! A peer leader will review your suggestion.")
        return
    fields = {name: state.get(f"s_{name}", "") for name, _ in NEW_FIELDS}
    fields["category"] = state.get("s_category", "")
    fields["description"] = state.get("s_description", "")
    try:
        services().suggestions.submit(kind, fields=fields if kind == "new" else {},
                                              resource_id=state.get("s_resource", "") if kind == "change" else "",
                                              message=state.get("s_message", ""))
    except SuggestionError as error:
        state["s_result"] = ("error", str(error).capitalize() + ".")
        return
    state["s_times"] = [*_recent_submissions(), time.monotonic()]
    state["s_result"] = ("success", "Thank you! A peer leader will review your suggestion.")


def suggestion_form(entries: dict[str, str]) -> None:
    """Draw the form for a new resource or a change to one of `entries` (id -> label)."""
    kind = st.radio("What would you like to do?", ("new", "change"), key="s_kind", horizontal=True,
                    format_func={"new": "Suggest a new resource", "change": "Report a change or a closure"}.get)
    # Hidden from people by this style; bots that fill every field give themselves away.
    st.html(f"<style>.st-key-{HONEYPOT_KEY} {{display: none;}}</style>")
    with st.form("suggest", clear_on_submit=True):
        if kind == "new":
            for name, label in NEW_FIELDS:
                st.text_input(label, key=f"s_{name}", max_chars=FIELD_LIMIT)
            labels = {"": "—", **{c.key: c.label for c in tx.CATEGORIES}}
            st.selectbox("Category", list(labels), key="s_category", format_func=labels.__getitem__)
            st.text_area("What does it offer?", key="s_description", max_chars=FIELD_LIMIT)
        else:
            st.selectbox("Which entry?", ["", *entries], key="s_resource",
                         format_func=lambda rid: entries.get(rid, "—"))
            st.text_area("What should change? (for example: the phone is wrong, or it has closed)",
                         key="s_message", max_chars=MESSAGE_LIMIT)
        st.text_input("Leave this empty", key=HONEYPOT_KEY)
        st.form_submit_button("Send suggestion", key="s_send", on_click=_submit, args=(kind,))
    result = st.session_state.pop("s_result", None)
    if result:
        (st.success if result[0] == "success" else st.error)(result[1])
