"""The add/edit form for one entry, drawn from the schema so every field is validated the same way."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from directory import taxonomy as tx
from directory.curation import EDITABLE
from directory.i18n import N_, _
from directory.schema import FIELD_BY_NAME, join_list, split_list
from directory.text import escape_markdown as md
from directory.ui.map_view import pick_location
from directory.ui.services import services

PREFIX = "e_"
# Section titles are kept in English (they name the expanders' keys) and translated where they are shown.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("About"), ("name", "name_es", "organization", "description", "description_es", "category", "support_types",
                   "tags")),
    (N_("Who it serves"), ("dimensions", "stages", "attendance", "populations", "pathways", "languages", "cost",
                           "accessibility", "moud_welcome", "peer_run", "eligibility")),
    (N_("Location"), ("location_confidential", "location_name", "address", "city", "state", "zip", "latitude",
                      "longitude", "geocode_quality")),
    (N_("Contact and hours"), ("phone", "other_phones", "website", "email", "hours", "hours_text")),
    (N_("Event or meeting"), ("event_start", "event_end", "event_timezone", "recurrence_rule", "conference_url",
                              "conference_phone")),
    (N_("Status and checking"), ("status", "review_reasons", "review_notes", "last_verified", "verified_by",
                                 "external_id")),
)

# Every column has its label here, so each one can be translated (the English is the message id).
LABELS = {"id": N_("ID"), "external_id": N_("ID in another system"), "name": N_("Name"),
          "organization": N_("Organization"), "description": N_("Description"), "name_es": N_("Name in Spanish"),
          "description_es": N_("Description in Spanish"), "category": N_("Category"),
          "support_types": N_("Kinds of support"), "dimensions": N_("Recovery dimensions"),
          "stages": N_("Stages of treatment"), "attendance": N_("Attendance"), "populations": N_("Populations"),
          "pathways": N_("Recovery pathways"), "languages": N_("Languages"), "cost": N_("Cost"),
          "accessibility": N_("Accessibility"), "moud_welcome": N_("Medication for OUD welcome"),
          "peer_run": N_("Peer-run"), "eligibility": N_("Who can use it"), "tags": N_("Tags"),
          "location_name": N_("Location name"), "address": N_("Address"), "city": N_("City"), "state": N_("State"),
          "zip": N_("ZIP"), "latitude": N_("Latitude"), "longitude": N_("Longitude"),
          "geocode_quality": N_("How the location was found"),
          "location_confidential": N_("Confidential location (show only city and ZIP)"), "phone": N_("Phone"),
          "other_phones": N_("Other numbers, with labels (Intake: …; Fax: …)"), "website": N_("Website"),
          "email": N_("E-mail"), "hours": N_("Weekly hours"), "hours_text": N_("Hours as written by a source"),
          "event_start": N_("Event start (YYYY-MM-DDTHH:MM)"), "event_end": N_("Event end (YYYY-MM-DDTHH:MM)"),
          "event_timezone": N_("Event time zone"), "recurrence_rule": N_("Repeats (RFC 5545 rule)"),
          "conference_url": N_("Online meeting link"), "conference_phone": N_("Dial-in number"),
          "status": N_("Status"), "review_reasons": N_("Waiting for review because"),
          "review_notes": N_("What the import found"), "last_verified": N_("Last verified (YYYY-MM-DD)"),
          "verified_by": N_("Verified by"), "created_at": N_("Added at"), "created_by": N_("Added by"),
          "updated_at": N_("Changed at"), "updated_by": N_("Changed by"), "row_version": N_("Version")}


def _key(name: str) -> str:
    return PREFIX + name


def field_label(name: str) -> str:
    """The words a person sees for a field, in the form, its history and the review queue."""
    return _(LABELS[name]) if name in LABELS else name.replace("_", " ").capitalize()


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
        st.selectbox(label, options, key=key, format_func=labels.__getitem__, help=_(field.doc), on_change=on_change)
    elif field.kind == "choices":
        labels = {t.key: t.label for t in terms}
        st.multiselect(label, list(labels), key=key, format_func=labels.__getitem__, help=_(field.doc))
    elif field.kind == "multiline":
        st.text_area(label, key=key, max_chars=field.max_length, help=_(field.doc))
    else:
        st.text_input(label, key=key, max_chars=field.max_length, help=_(field.doc))
    if error:
        st.error(md(_("{field}: {problem}").format(field=field_label(name), problem=error)), icon=":material/error:")


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
    st.button(_("Find the location from the address"), key="e_geocode", on_click=_geocode_from_address)
    if st.session_state.pop("e_geocode_missed", False):
        st.warning(_("No location found for that address; add a ZIP or city, or click the map."))
    chosen = None
    if values["latitude"] and values["longitude"]:
        try:
            chosen = (float(values["latitude"]), float(values["longitude"]))
        except ValueError:
            chosen = None
    st.caption(_("Or click the map to place the entry by hand."))
    clicked = pick_location(chosen or (39.9526, -75.1652), chosen, key="e_pick")
    if clicked and clicked != st.session_state.get("e_last_click"):
        st.session_state["e_last_click"] = clicked
        st.session_state.update({_key("latitude"): f"{clicked[0]:.6f}", _key("longitude"): f"{clicked[1]:.6f}",
                                 _key("geocode_quality"): "manual"})


def entry_form(errors: Mapping[str, str]) -> None:
    """Every editable field, grouped, with each field's message right under it."""
    for title, names in SECTIONS:
        has_error = any(name in errors for name in names)
        shown = _("{section} — needs attention").format(section=_(title)) if has_error else _(title)
        with st.expander(shown, expanded=title == "About" or has_error, key=f"e_section_{title}"):
            for name in names:
                # The address comes first, then the tools that place it, then the coordinates they fill in.
                if name == "latitude":
                    _location_tools()
                _widget(name, errors.get(name))
