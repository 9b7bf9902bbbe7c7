"""What the curate page's buttons do; run as callbacks, before the next run draws the form."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from directory.auth import Curator
from directory.curation import merge_draft, restore_version, save_entry, set_status, verify_today
from directory.i18n import _
from directory.store import ConflictError, Store
from directory.ui.entry_form import form_values, load_into_form
from directory.ui.services import app_settings, services
from directory.ui.session import as_signed_in, current_curator

ENTRY_KEY = "c_entry"


def _remember(row: dict[str, str]) -> None:
    st.session_state.update(c_id=row.get("id", ""), c_base=row.get("row_version", ""), c_errors={},
                            c_conflict=None)
    load_into_form(row)


def begin_edit(row: dict[str, str], suggestion_id: str = "") -> None:
    """Open an entry (or an empty one) in the form, optionally on behalf of a suggestion."""
    _remember(row)
    st.session_state.update({ENTRY_KEY: row.get("id", ""), "c_suggestion": suggestion_id, "c_message": ""})


def choose_entry() -> None:
    """Load the chosen entry into the form, or an empty form for a new one."""
    chosen = st.session_state.get(ENTRY_KEY, "")
    _remember(services().store.get(chosen) if chosen else {})
    st.session_state.update(c_message="", c_suggestion="")


@as_signed_in
def save() -> None:
    """Save the form through the one save path; keep per-field messages, likely duplicates or the conflict."""
    suggestion_id = st.session_state.get("c_suggestion")
    resource_id = st.session_state.get("c_id", "")
    result = save_entry(services().store, current_curator(), form_values(), geocode=services().geocode,
                        resource_id=resource_id, base_version=st.session_state.get("c_base") or 0,
                        duplicates_ok=st.session_state.pop("c_duplicates_ok", False))
    st.session_state.update(c_errors=result.errors, c_duplicates=result.duplicates, c_conflict=result.conflict,
                            c_message="")
    if not result.saved:
        return
    row = result.row
    _remember(row)
    st.session_state.update({ENTRY_KEY: row["id"], "c_message": _("Saved '{name}'.").format(name=row["name"])})
    if suggestion_id:
        services().suggestions.decide(current_curator(), suggestion_id, "merged" if resource_id else "approved",
                                      result_id=row["id"])
        st.session_state.update(c_suggestion="",
                                c_message=_("Saved '{name}' and closed the suggestion.").format(name=row["name"]))


def reload_latest() -> None:
    """After a conflict: load the other curator's version to redo the edit on top of it."""
    _remember(services().store.get(st.session_state["c_id"]))
    st.session_state["c_message"] = _("Loaded the latest version. Make your change again and save.")


@as_signed_in
def _apply(action: Callable[[Store, Curator, str, str], dict[str, str]], message: str) -> None:
    """Run one action on the loaded entry at the version the form was loaded at; show message once it is done."""
    try:
        row = action(services().store, current_curator(), st.session_state["c_id"], st.session_state["c_base"])
    except ConflictError as conflict:
        st.session_state.update(c_conflict=conflict)
        return
    _remember(row)
    st.session_state["c_message"] = message


def mark_verified() -> None:
    """Mark the loaded entry as verified today."""
    today = app_settings().today()
    _apply(lambda store, by, resource_id, base: verify_today(store, by, resource_id, base, today),
           _("Marked as verified today."))


def change_status(status: str) -> None:
    """Retire or restore the loaded entry."""
    _apply(lambda store, by, resource_id, base: set_status(store, by, resource_id, status, base),
           _("Retired; it can be restored.") if status == "inactive" else _("Restored."))


def restore_to(version: int) -> None:
    """Bring back an earlier version of the loaded entry as a new version."""
    _apply(lambda store, by, resource_id, base: restore_version(store, by, resource_id, version, base),
           _("Restored version {version} as a new version.").format(version=version))


def save_anyway() -> None:
    """Save a new entry although likely duplicates were found."""
    st.session_state.update(c_duplicates_ok=True, c_duplicates=[])
    save()


def merge_into(resource_id: str) -> None:
    """Open an existing entry with its empty fields filled from the draft, to save as one entry."""
    draft = form_values()
    suggestion_id = st.session_state.get("c_suggestion", "")
    begin_edit(services().store.get(resource_id), suggestion_id)
    load_into_form(merge_draft(services().store.get(resource_id), draft))
    st.session_state.update(c_duplicates=[],
                            c_message=_("Merged the draft into the existing entry; review and save."))
