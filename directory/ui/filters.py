"""The shared search filters: defined once, kept in the URL, and surviving moves between pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from directory import taxonomy as tx
from directory.gazetteer import Place, PlaceNotFound, resolve_place
from directory.i18n import LANGUAGE_PARAM, N_, _, number
from directory.routes import DETAIL_PARAM
from directory.search import Query, SearchIndex, search
from directory.text import escape_markdown as md
from directory.ui.services import app_settings

RADIUS_CHOICES: tuple[int, ...] = (1, 2, 5, 10, 25, 50)
DEFAULT_RADIUS = 10
# Cards a page draws at a time on Find and Events: ten fill a phone's screen a few times over, and each card
# costs the server a dozen elements per run (at 25, cards were most of a Find page's time under load).
RESULTS_PER_PAGE = 10


@dataclass(frozen=True)
class FilterSpec:
    """One filter: its session-state key, URL parameter, and kind ('text', 'radius', 'flag' or 'terms')."""

    key: str
    param: str
    kind: str
    label: str
    terms: tuple[tx.Term, ...] = ()


FILTERS: tuple[FilterSpec, ...] = (
    FilterSpec("f_text", "q", "text", N_("What are you looking for?")),
    FilterSpec("f_near", "near", "text", N_("Near (ZIP or City, ST)")),
    FilterSpec("f_radius", "radius", "radius", N_("Within")),
    FilterSpec("f_types", "type", "terms", N_("Kind of support"), tx.SUPPORT_TYPES),
    FilterSpec("f_cats", "cat", "terms", N_("Category"), tx.CATEGORIES),
    FilterSpec("f_dims", "dim", "terms", N_("Recovery dimension"), tx.RECOVERY_DIMENSIONS),
    FilterSpec("f_stages", "stage", "terms", N_("Stage"), tx.STAGES),
    FilterSpec("f_pops", "pop", "terms", N_("Who it welcomes"), tx.POPULATIONS),
    FilterSpec("f_paths", "path", "terms", N_("Recovery pathway (any, unless you pick one)"), tx.PATHWAYS),
    FilterSpec("f_att", "att", "terms", N_("Attendance"), tx.ATTENDANCE),
    FilterSpec("f_free", "free", "flag", N_("Free of cost")),
    FilterSpec("f_moud", "moud", "flag", N_("Medication for OUD welcome")),
    FilterSpec("f_peer", "peer", "flag", N_("Peer-run")),
    FilterSpec("f_open", "open", "flag", N_("Open now")),
)
_SPEC = {spec.key: spec for spec in FILTERS}
_DEFAULTS = {"text": "", "radius": DEFAULT_RADIUS, "flag": False, "terms": []}


def _from_url(spec: FilterSpec) -> object:
    params = st.query_params
    if spec.kind == "terms":
        known = tx.keys(spec.terms)
        return [value for value in params.get_all(spec.param) if value in known]
    raw = params.get(spec.param, "")
    if spec.kind == "flag":
        return raw in ("1", "yes", "true")
    if spec.kind == "radius":
        return int(raw) if raw.isdigit() and int(raw) in RADIUS_CHOICES else DEFAULT_RADIUS
    return raw[:200]


def _to_url(spec: FilterSpec, value: object) -> list[str]:
    if not value or value == _DEFAULTS[spec.kind]:
        return []
    if spec.kind == "terms":
        return list(value)
    return ["1"] if spec.kind == "flag" else [str(value).strip()]


# Streamlit's own bind="query-params" cannot carry these URLs: it names the parameter after the widget key (so
# f_text would become ?f_text= instead of ?q=), reads a checkbox only as true/false (free=1 is dropped) and a
# selectbox only by its label (radius=5 is dropped), and AppTest never sees the URL it writes.
def start_filters() -> None:
    """On a session's first run, fill the filters from the URL; on every run, keep them alive across pages."""
    for spec in FILTERS:
        # Re-assigning keeps a widget's value when a page that does not draw it runs.
        st.session_state[spec.key] = st.session_state[spec.key] if spec.key in st.session_state else _from_url(spec)


def sync_url() -> None:
    """Write the current filters (and an open detail view) into the URL so it can be bookmarked."""
    wanted = {spec.param: _to_url(spec, st.session_state.get(spec.key)) for spec in FILTERS}
    wanted[DETAIL_PARAM] = [st.query_params.get(DETAIL_PARAM, "")]
    wanted[LANGUAGE_PARAM] = [st.query_params.get(LANGUAGE_PARAM, "")]
    wanted = {key: values for key, values in wanted.items() if any(values)}
    if wanted != {key: st.query_params.get_all(key) for key in st.query_params}:
        st.query_params.from_dict(wanted)


def _terms_select(spec: FilterSpec, *, help_text: str | None = None) -> None:
    labels = {term.key: term.label for term in spec.terms}
    st.multiselect(_(spec.label), list(labels), format_func=labels.__getitem__, key=spec.key, help=help_text)


def search_controls() -> None:
    """The search box, the place box and the radius, drawn in the page body (thumb-reachable on phones)."""
    st.text_input(_(_SPEC["f_text"].label), key="f_text", placeholder=_("e.g. volleyball, housing, coaching"),
                  max_chars=200)
    near, radius = st.columns([3, 2])
    near.text_input(_(_SPEC["f_near"].label), key="f_near", placeholder=_("e.g. 19104 or Media, PA"), max_chars=60)
    # Labels are made now, in this run's language: Streamlit may call format_func again outside the run.
    miles = {m: _("{miles} miles").format(miles=number(m)) for m in RADIUS_CHOICES}
    radius.selectbox(_(_SPEC["f_radius"].label), RADIUS_CHOICES, key="f_radius", format_func=miles.__getitem__)
    pathway_pills()


def pathway_pills() -> None:
    """The pathway filter as a row of pills in the page body: one tap picks a pathway, none picked means any."""
    spec = _SPEC["f_paths"]
    labels = {term.key: term.label for term in spec.terms}
    st.pills(_(spec.label), list(labels), selection_mode="multi", format_func=labels.__getitem__, key=spec.key,
             help="\n".join(f"- **{t.label}**: {t.explanation}" for t in spec.terms)
             + "\n\n" + _("There are many pathways to recovery; the directory ranks none of them."))


def filter_panel() -> None:
    """Every other filter, folded under the search box so it is one tap away on a phone."""
    in_use = len(active_filter_labels())
    title = _("More filters ({count} on)").format(count=in_use) if in_use else _("More filters")
    with st.expander(title, key="filters_panel"):
        support_help = "\n".join(f"- **{t.label}**: {t.explanation}" for t in tx.SUPPORT_TYPES)
        _terms_select(_SPEC["f_types"], help_text=support_help)
        for key in ("f_cats", "f_dims", "f_stages", "f_pops", "f_att"):
            _terms_select(_SPEC[key])
        for key in ("f_open", "f_free", "f_moud", "f_peer"):
            st.checkbox(_(_SPEC[key].label), key=key)
        st.button(_("Clear filters"), on_click=clear_filters)


def clear_filters() -> None:
    """Reset every filter to its default."""
    for spec in FILTERS:
        value = _DEFAULTS[spec.kind]
        st.session_state[spec.key] = list(value) if isinstance(value, list) else value


@st.cache_data(max_entries=256, show_spinner=False)
def _resolve(text: str) -> Place:
    return resolve_place(text)


def current_query(*, limit: int | None = None) -> tuple[Query, Place | None, str]:
    """The query the filters describe, the place it is near, and a message when the place is unknown."""
    state = st.session_state
    place, problem = None, ""
    near_text = str(state.get("f_near", "")).strip()
    if near_text:
        try:
            place = _resolve(near_text)
        except PlaceNotFound as error:
            problem = str(error)
    query = Query(
        text=str(state.get("f_text", "")),
        support_types=tuple(state.get("f_types", [])),
        categories=tuple(state.get("f_cats", [])),
        dimensions=tuple(state.get("f_dims", [])),
        stages=tuple(state.get("f_stages", [])),
        populations=tuple(state.get("f_pops", [])),
        pathways=tuple(state.get("f_paths") or []),
        attendance=tuple(state.get("f_att", [])),
        free_only=bool(state.get("f_free")),
        moud_welcome=bool(state.get("f_moud")),
        peer_run=bool(state.get("f_peer")),
        open_at=app_settings().current_time() if state.get("f_open") else None,
        near=(place.lat, place.lon) if place else None,
        radius_miles=float(state.get("f_radius", DEFAULT_RADIUS)) if place else None,
        limit=limit,
    )
    return query, place, problem


def active_filter_labels() -> list[str]:
    """Readable names of the filters in use other than text and place, for empty-result advice."""
    names = []
    for spec in FILTERS:
        if spec.kind in ("terms", "flag") and st.session_state.get(spec.key):
            names.append(_(spec.label))
    return names


@dataclass(frozen=True)
class SearchOutcome:
    """What a page shows: the query, its place, a message for an unknown place, and the matches."""

    query: Query
    place: Place | None
    problem: str
    results: pd.DataFrame

    @property
    def matches(self) -> int:
        """How many entries match, including any beyond the limit the results were cut to."""
        return int(self.results.attrs.get("matches", len(self.results)))


def search_with_filters(index: SearchIndex, *, limit: int | None = None,
                        columns: Sequence[str] | None = None) -> SearchOutcome:
    """Draw the shared filters, keep them in the URL, and search; an unknown place is shown as a warning.

    `columns` narrows the results to what the page reads (search's own argument)."""
    search_controls()
    filter_panel()
    query, place, problem = current_query(limit=limit)
    sync_url()
    if problem:
        st.warning(md(problem))
    if problem:
        results = (index.frame if columns is None else index.frame[list(columns)]).iloc[0:0].assign(distance_miles=[])
    else:
        results = search(index, query, columns)
    return SearchOutcome(query, place, problem, results)
