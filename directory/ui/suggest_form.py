"""The public writes: the suggestion form (length limits, a hidden honeypot field) and reporting an unmet need.

Both are limited per client and for every client together by one rate_limits.VisitorLimits per server process,
so reloading the page (a new session) starts nothing afresh. The client is a salted hash of st.context.ip_address,
or of a random token kept in the session when the address is unknown; the address itself is never kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import streamlit as st

from directory import taxonomy as tx
from directory.config import environment_key
from directory.entry_language import column_in_language
from directory.i18n import N_, _, current_language, language, ngettext
from directory.rate_limits import (
    SUGGESTIONS_OVERALL,
    SUGGESTIONS_PER_CLIENT,
    UNMET_OVERALL,
    UNMET_PER_CLIENT,
    Admission,
    Refusal,
    VisitorLimits,
    last_window_words,
)
from directory.search import SearchIndex
from directory.suggestions import FIELD_LIMIT, MESSAGE_LIMIT, SuggestionError
from directory.ui.banners import crisis_markdown
from directory.ui.loaders import LoadedDirectory
from directory.ui.services import services
from directory.unmet import week_of

HONEYPOT_KEY = "s_homepage"
SESSION_TOKEN_KEY = "visitor_token"
THANKS = N_("Thank you! A peer leader will review your suggestion.")
# (field, label): the labels are message ids, shown as _(label).
NEW_FIELDS = (("name", N_("Name *")), ("organization", N_("Organization")), ("address", N_("Street address")),
              ("city", N_("City")), ("state", N_("State (e.g. PA)")), ("zip", N_("ZIP")), ("phone", N_("Phone")),
              ("website", N_("Website")), ("hours", N_("Hours")))
KINDS = {"new": N_("Suggest a new resource"), "change": N_("Report a change or a closure")}


@st.cache_resource(max_entries=8, show_spinner=False)
def _limits_for(environment: tuple[tuple[str, str], ...]) -> VisitorLimits:
    # Keyed on the environment as the services are: one object for every session of the server (and a fresh
    # one for each test's data folder).
    return VisitorLimits()


@st.cache_resource(max_entries=4, show_spinner=False)
def _labels(version: str, language_code: str, _index: SearchIndex) -> dict[str, str]:
    # Keyed on the language too: the names and the word "online" differ.
    with language(language_code):
        frame = _index.frame
        names = column_in_language(frame, "name")
        online = _("online")
        shown = {rid: _("{name} ({city})").format(name=name, city=city or online)
                 for rid, name, city in zip(frame["id"], names, frame["city"], strict=True)}
        order = sorted(shown, key=lambda rid: shown[rid].casefold())
        return {rid: shown[rid] for rid in order}


def entry_labels(loaded: LoadedDirectory) -> dict[str, str]:
    """Every listed entry's id and label ("Name (City)"), A to Z: made once per version and language and shared."""
    return _labels(loaded.version, current_language(), loaded.index)


def visitor_limits() -> VisitorLimits:
    """The server's limits on what visitors write, shared by every session."""
    return _limits_for(environment_key())


def visitor_key() -> str:
    """This visitor's client key: a salted hash of the IP address, or of this session's token when it is unknown."""
    token = st.session_state.setdefault(SESSION_TOKEN_KEY, secrets.token_hex(16))
    address = st.context.ip_address
    # Only a real address names a client: where Streamlit runs without a connection (AppTest) it is a stand-in.
    return visitor_limits().client(address if isinstance(address, str) else None, token)


def suggestion_refused(refusal: Refusal) -> str:
    """The kind message for a suggestion over a limit, with the crisis lines for anyone who needs help now."""
    if refusal is Refusal.CLIENT:
        limit = SUGGESTIONS_PER_CLIENT
        why = ngettext("Thank you! You have sent {count} suggestion in {window}, as many as we take from one "
                       "connection.",
                       "Thank you! You have sent {count} suggestions in {window}, as many as we take from one "
                       "connection.", limit.count).format(count=limit.count, window=last_window_words(limit))
    else:
        why = _("Many suggestions have arrived in {window}.").format(window=last_window_words(SUGGESTIONS_OVERALL))
    return "{why} {later}\n\n{crisis}".format(why=why, later=_("Please try again later."), crisis=crisis_markdown())


def _error_message(error: SuggestionError) -> str:
    # The reasons are written to follow a colon; shown alone, they start with a capital and end with a stop.
    text = str(error)
    return text[:1].upper() + text[1:] + "."


def _submit(kind: str) -> None:
    state = st.session_state
    if state.get(HONEYPOT_KEY):
        # A bot filled the hidden field: thank it and keep nothing.
        state["s_result"] = ("success", _(THANKS))
        return
    limits, client = visitor_limits().suggestions, visitor_key()
    refusal = limits.acquire(client)
    if refusal is not None:
        state["s_result"] = ("error", suggestion_refused(refusal))
        return
    fields = {name: state.get(f"s_{name}", "") for name, _ in NEW_FIELDS}
    fields["category"] = state.get("s_category", "")
    fields["description"] = state.get("s_description", "")
    try:
        services().suggestions.submit(kind, fields=fields if kind == "new" else {},
                                      resource_id=state.get("s_resource", "") if kind == "change" else "",
                                      message=state.get("s_message", ""))
    except SuggestionError as error:
        limits.release(client)  # a form sent back to be corrected is not counted
        state["s_result"] = ("error", _error_message(error))
        return
    except BaseException:
        limits.release(client)
        raise
    state["s_result"] = ("success", _(THANKS))


def report_unmet_need(category: str, zip_code: str) -> tuple[str, str]:
    """Count an unmet need from Find, once per visitor, category, ZIP and week: how to show the outcome.

    Returns the name of the Streamlit element to show it with ('success', 'info' or 'warning') and the message,
    in the session's language (a callback's thread reads it from the session: directory.i18n).
    """
    the_services = services()
    the_services.unmet.check(category, zip_code)
    today = the_services.settings.today()
    need = (week_of(today), category, zip_code)
    limiter, client = visitor_limits().unmet, visitor_key()
    admission = limiter.admit(client, need)
    if admission is Admission.COUNTED:
        try:
            the_services.unmet.record(category, zip_code, today)
        except BaseException:
            limiter.release(client, need)
            raise
        return "success", _("Counted for the organizers' gap map: the category, the ZIP and the week. "
                            "Nothing about the person was recorded.")
    if admission is Admission.ALREADY:
        return "info", _("Already counted this week, thank you: each connection counts once for a category and "
                         "ZIP each week. Nothing about the person was recorded.")
    if admission is Admission.CLIENT:
        count = UNMET_PER_CLIENT.count
        why = ngettext("You have reported {count} unmet need in {window}, as many as we count from one connection, "
                       "so this one was not counted.",
                       "You have reported {count} unmet needs in {window}, as many as we count from one connection, "
                       "so this one was not counted.", count).format(
            count=count, window=last_window_words(UNMET_PER_CLIENT))
    else:
        why = _("Many unmet needs have been reported in {window}, so this one was not counted.").format(
            window=last_window_words(UNMET_OVERALL))
    return "warning", "{why} {later}".format(
        why=why, later=_("Please try again later. The crisis lines at the top of the page are there any time."))


def suggestion_form(entries: Callable[[], dict[str, str]]) -> None:
    """Draw the form for a new resource or a change to one of the entries `entries()` gives (id -> label).

    The list is asked for only when someone reports a change: at 100,000 entries it is seconds to make after a
    write, and a new suggestion never needs it."""
    # Translated now, not inside format_func: Streamlit may call it again outside this run and its language.
    kinds = {key: _(label) for key, label in KINDS.items()}
    kind = st.radio(_("What would you like to do?"), tuple(kinds), key="s_kind", horizontal=True,
                    format_func=kinds.__getitem__)
    # Hidden from people by this style; bots that fill every field give themselves away.
    st.html(f"<style>.st-key-{HONEYPOT_KEY} {{display: none;}}</style>")
    with st.form("suggest", clear_on_submit=True):
        if kind == "new":
            for name, label in NEW_FIELDS:
                st.text_input(_(label), key=f"s_{name}", max_chars=FIELD_LIMIT)
            labels = {"": "—", **{c.key: c.label for c in tx.CATEGORIES}}
            st.selectbox(_("Category"), list(labels), key="s_category", format_func=labels.__getitem__)
            st.text_area(_("What does it offer?"), key="s_description", max_chars=FIELD_LIMIT)
        else:
            labels_of = entries()
            st.selectbox(_("Which entry?"), ["", *labels_of], key="s_resource",
                         format_func=lambda rid: labels_of.get(rid, "—"))
            st.text_area(_("What should change? (for example: the phone is wrong, or it has closed)"),
                         key="s_message", max_chars=MESSAGE_LIMIT)
        st.text_input(_("Leave this empty"), key=HONEYPOT_KEY)
        st.form_submit_button(_("Send suggestion"), key="s_send", on_click=_submit, args=(kind,))
    result = st.session_state.pop("s_result", None)
    if result:
        (st.success if result[0] == "success" else st.error)(result[1])
