"""The add/edit form for one entry, drawn from the schema so every field is validated the same way."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from directory import taxonomy as tx
from directory.curation import EDITABLE
from directory.schema import FIELD_BY_NAME, join_list, split_list
from directory.text import escape_markdown as md
from directory.ui.map_view import pick_location
from directory.ui.services import services

PREFIX = "e_"
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("About", ("name", "organization", "description", "category", "support_types", "tags")),
    ("Who it serves", ("dimensions", "stages", "attendance", "populations", "pathways", "languages", "cost",
                       "accessibility", "moud_welcome", "peer_run", "eligibility")),
    ("Location", ("location_confidential", "location_name", "address", "city", "state", "zip", "latitude",
                  "longitude", "geocode_quality")),
    ("Contact and hours", ("phone", "other_phones", "website", "email", "hours", "hours_text")),
    ("Event or meeting", ("event_start", "event_end", "event_timezone", "recurrence_rule", "conference_url",
                         "conference_phone")),
    ("Status and checking", ("status", "review_reasons", "review_notes", "last_verified", "verified_by",
                             "external_id")),
)


LABELS = {"moud_welcome": "Medication for OUD welcome", "peer_run": "Peer-run", "zip": "ZIP",
          "geocode_quality": "How the location was found", "support_types": "Kinds of support",
          "dimensions": "Recovery dimensions", "pathways": "Recovery pathways",
          "stages": "Stages of treatment", "hours": "Weekly hours",
          "hours_text": "Hours as written by a source", "event_start": "Event start (YYYY-MM-DDTHH:MM)",
          "event_end": "Event end (YYYY-MM-DDTHH:MM)", "event_timezone": "Event time zone",
          "recurrence_rule": "Repeats (RFC 5545 rule)", "external_id": "ID in another system",
          "last_verified": "Last verified (YYYY-MM-DD)", "email": "E-mail",
          "location_confidential": "Confidential location (show only city and ZIP)",
          "other_phones": "Other numbers, with labels (Intake: …; Fax: …)", "eligibility": "Who can use it",
          "review_reasons": "Waiting for review because", "review_notes": "What the import found"}


def _key(name: str) -> str:
    return PREFIX + name


def field_label(name: str) -> str:
    """The words a person sees for a field, in the form, its history and the review queue."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def load_into_form(row: Mapping[str, str]) -> None:
    """Fill the form's widgets from a stored row (or empty them for a new entry)."""
    for name in EDITABLE:
        value = str(row.get(name, "") or "")
        kind = FIELD_BY_NAME[name].kind
        st.session_state[_key(name)] = split_list(value) if kind == "choices" else value
    if not row.get("status"):
        st.session_state[_key("status")] = "active"


def form_values() -> dict[str, str]:
    """The form's current values as stored strings."""
    values = {}
    for name in EDITABLE:
        value = st.session_state.get(_key(name), "")
        values[name] = join_list(value) if isinstance(value, list) else str(value or "")
    return values


def _defaults_for_category() -> None:
    category = st.session_state.get(_key("category"), "")
    st.session_state[_key("support_types")] = list(tx.default_support_types(category))


def _widget(name: str, error: str | None) -> None:
    field = FIELD_BY_NAME[name]
    label = field_label(name) + (" *" if field.required else "")
    key, terms = _key(name), field.terms
    if field.kind == "choice" or field.kind == "yesno":
        options = ["", *tx.keys(terms)]
        labels = {"": "—", **{t.key: t.label for t in terms}}
        on_change = _defaults_for_category if name == "category" else None
        st.selectbox(label, options, key=key, format_func=labels.__getitem__, help=field.doc, on_change=on_change)
    elif field.kind == "choices":
        labels = {t.key: t.label for t in terms}
        st.multiselect(label, list(labels), key=key, format_func=labels.__getitem__, help=field.doc)
    elif field.kind == "multiline":
        st.text_area(label, key=key, max_chars=field.max_length, help=field.doc)
    else:
        st.text_input(label, key=key, max_chars=field.max_length, help=field.doc)
    if error:
        st.error(md(f"{label.rstrip(' *')}: {error}"), icon=":material/error:")


def _geocode_from_address() -> None:
    values = form_values()
    found = services().geocode(values["address"], values["city"], values["state"], values["zip"])
    if found is None:
        st.session_state["e_geocode_missed"] = True
        return
    st.session_state.update({_key("latitude"): f"{found.lat:.6f}", _key("longitude"): f"{found.lon:.6f}",
                             _key("geocode_quality"): found.quality})


def _location_tools() -> None:
    values = form_values()
    st.button("Find the location from the address", key="e_geocode", on_click=_geocode_from_address)
    if st.session_state.pop("e_geocode_missed", False):
        st.warning("No location found for that address; add a ZIP or city, or click the map.")
    chosen = None
    if values["latitude"] and values["longitude"]:
        try:
            chosen = (float(values["latitude"]), float(values["longitude"]))
        except ValueError:
            chosen = None
    st.caption("Or click the map to place the entry by hand.")
    clicked = pick_location(chosen or (39.9526, -75.1652), chosen, key="e_pick")
    if clicked and clicked != st.session_state.get("e_last_click"):
        st.session_state["e_last_click"] = clicked
        st.session_state.update({_key("latitude"): f"{clicked[0]:.6f}", _key("longitude"): f"{clicked[1]:.6f}",
                                 _key("geocode_quality"): "manual"})


def entry_form(errors: Mapping[str, str]) -> None:
    """Every editable field, grouped, with each field's message right under it."""
    for title, names in SECTIONS:
        has_error = any(name in errors for name in names)
        with st.expander(title + (" — needs attention" if has_error else ""), expanded=title == "About" or has_error,
                         key=f"e_section_{title}"):
            for name in names:
                # The address comes first, then the tools that place it, then the coordinates they fill in.
                if name == "latitude":
                    _location_tools()
                _widget(name, errors.get(name))
