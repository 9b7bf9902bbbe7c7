"""The interface language of a session: chosen from the URL, then the switch, then the browser, and kept in
the URL (?lang=es) across pages and in shared links."""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from directory.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_PARAM,
    LANGUAGES,
    normalise,
    preferred_language,
    set_language,
    use_language_source,
)

LANGUAGE_KEY = "lang"
# Each session's language as its last run set it, by session id, for the callbacks of its next run. Kept here
# rather than read from st.session_state: reading session state while Streamlit applies the widget values
# (when format_func may be called) closed an open dropdown in a real browser. Bounded: the oldest go first.
_BY_SESSION: OrderedDict[str, str] = OrderedDict()
_SESSIONS_KEPT = 10_000
_by_session_lock = threading.Lock()


def _session_language() -> str | None:
    """The session's chosen language, for a thread that runs before the page sets it (a button's callback)."""
    context = get_script_run_ctx(suppress_warning=True)
    return None if context is None else _BY_SESSION.get(context.session_id)


def _remember(code: str) -> None:
    context = get_script_run_ctx(suppress_warning=True)
    if context is None:
        return
    with _by_session_lock:
        _BY_SESSION[context.session_id] = code
        _BY_SESSION.move_to_end(context.session_id)
        while len(_BY_SESSION) > _SESSIONS_KEPT:
            _BY_SESSION.popitem(last=False)


use_language_source(_session_language)


def _browser_language() -> str | None:
    """The browser's preferred interface language: its Accept-Language header, else the locale it reports."""
    return preferred_language(st.context.headers.get("Accept-Language") or "") or normalise(st.context.locale)


def start_language() -> str:
    """Fix this run's language before anything is drawn, and keep it in the URL; returns its code."""
    state = st.session_state
    asked = normalise(st.query_params.get(LANGUAGE_PARAM))
    if LANGUAGE_KEY not in state:
        # The first run of a session: a link's ?lang= wins, then what the browser prefers.
        state[LANGUAGE_KEY] = asked or _browser_language() or DEFAULT_LANGUAGE
    else:
        # Re-assigning keeps the switch's value on a page that does not draw it (as the filters do).
        state[LANGUAGE_KEY] = state[LANGUAGE_KEY] if state[LANGUAGE_KEY] in LANGUAGES else DEFAULT_LANGUAGE
    code = state[LANGUAGE_KEY]
    set_language(code)
    _remember(code)
    keep_language_in_url()
    return code


def keep_language_in_url() -> None:
    """Write the chosen language into the URL (leaving the default out), so a copied link opens in it."""
    code = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    wanted = code if code != DEFAULT_LANGUAGE else None
    if st.query_params.get(LANGUAGE_PARAM) != wanted:
        if wanted is None:
            del st.query_params[LANGUAGE_PARAM]
        else:
            st.query_params[LANGUAGE_PARAM] = wanted


def language_switch() -> None:
    """The switch 'English · Español', at the top of every page; each name is written in its own language."""
    st.segmented_control(
        "Language · Idioma", list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=LANGUAGE_KEY, required=True,
        label_visibility="collapsed", on_change=_switched,
    )
    # WCAG 3.1.1: the page says which language it is in, so a screen reader pronounces it right. The code is
    # one of LANGUAGES' keys, never text from the URL.
    code = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    st.html(f"<script>document.documentElement.lang = {code!r};</script>", unsafe_allow_javascript=True)


def _switched() -> None:
    # The new language applies from this rerun on; filters and the packet live in session state and stay.
    code = st.session_state.get(LANGUAGE_KEY) or DEFAULT_LANGUAGE
    set_language(code)
    _remember(code)
    keep_language_in_url()
