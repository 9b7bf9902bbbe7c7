"""The review queue: each open suggestion with approve, edit-first and reject actions."""

from __future__ import annotations

import streamlit as st

from directory import taxonomy as tx
from directory.curation import merge_draft
from directory.i18n import _
from directory.schema import join_list
from directory.suggestions import Suggestion, Suggestions
from directory.text import escape_markdown as md
from directory.ui import curate_actions as act
from directory.ui.entry_form import field_label, load_into_form
from directory.ui.history import local_time, value_text
from directory.ui.services import services
from directory.ui.session import as_signed_in, current_curator


def queue() -> Suggestions:
    """The suggestion queue of the configured data folder."""
    return services().suggestions


def draft_from(suggestion: Suggestion) -> dict[str, str]:
    """A new entry drafted from a suggestion, with the category's default kinds of support."""
    draft = dict(suggestion.fields)
    draft.setdefault("support_types", join_list(tx.default_support_types(draft.get("category", ""))))
    return {**draft, "status": "active"}


@as_signed_in
def _approve(suggestion: Suggestion, anyway: bool = False) -> None:
    # Saved as every entry is saved (curation.save_entry): checked, duplicates looked for, placed from its address.
    st.session_state.pop(f"r_errors_{suggestion.id}", None)
    st.session_state.pop(f"r_dups_{suggestion.id}", None)
    saved = queue().approve(services().store, current_curator(), suggestion, draft_from(suggestion),
                            geocode=services().geocode, note=st.session_state.get(f"r_note_{suggestion.id}", ""),
                            duplicates_ok=anyway)
    if saved.errors:
        st.session_state[f"r_errors_{suggestion.id}"] = saved.errors
    elif saved.duplicates:
        st.session_state[f"r_dups_{suggestion.id}"] = saved.duplicates
    elif saved.saved:
        st.session_state["r_message"] = _("Added '{name}' to the directory.").format(name=saved.row["name"])


@as_signed_in
def _reject(suggestion: Suggestion) -> None:
    queue().decide(current_curator(), suggestion.id, "rejected",
                   note=st.session_state.get(f"r_note_{suggestion.id}", ""))
    st.session_state["r_message"] = _("Rejected.")


def _edit_first(suggestion: Suggestion) -> None:
    # The Curate page closes the suggestion when the entry is saved.
    if suggestion.kind == "new":
        act.begin_edit({}, suggestion.id)
        load_into_form(draft_from(suggestion))
    else:
        act.begin_edit(services().store.get(suggestion.resource_id), suggestion.id)
    st.session_state["r_go_to_curate"] = True


def _merge(suggestion: Suggestion, resource_id: str) -> None:
    existing = services().store.get(resource_id)
    act.begin_edit(existing, suggestion.id)
    load_into_form(merge_draft(existing, draft_from(suggestion)))
    st.session_state["r_go_to_curate"] = True


def suggestion_card(suggestion: Suggestion, entry_names: dict[str, str]) -> None:
    """One open suggestion, its details shown as text, with its actions."""
    with st.container(border=True):
        if suggestion.kind == "new":
            st.markdown(_("**New resource:** {name}").format(name=md(suggestion.fields.get("name", ""))))
            details = [_("{field}: {value}").format(field=field_label(name), value=value_text(name, value))
                       for name, value in suggestion.fields.items() if name != "name"]
            st.text("\n".join(details) or _("No other details."))
        else:
            name = entry_names.get(suggestion.resource_id, suggestion.resource_id)
            st.markdown(_("**Change to:** {name}").format(name=md(name)))
            st.text(suggestion.message)
        st.caption(_("Suggested {when}").format(when=local_time(suggestion.created_at)))
        for field, message in st.session_state.get(f"r_errors_{suggestion.id}", {}).items():
            st.error(md(_("{field}: {problem}.").format(field=field_label(field), problem=message)) + " "
                     + _("Use 'Edit first' to complete it."))
        for dup in st.session_state.get(f"r_dups_{suggestion.id}", []):
            st.button(md(_("Merge into: {name} · {reason}").format(name=dup["name"], reason=dup["reason"])),
                      key=f"r_merge_{suggestion.id}_{dup['id']}", on_click=_merge, args=(suggestion, dup["id"]))
        if st.session_state.get(f"r_dups_{suggestion.id}"):
            st.button(_("Approve as a new entry anyway"), key=f"r_anyway_{suggestion.id}", on_click=_approve,
                      args=(suggestion, True))
        st.text_input(_("Note (kept with the decision)"), key=f"r_note_{suggestion.id}", max_chars=500)
        approve, edit, reject = st.columns(3)
        if suggestion.kind == "new":
            approve.button(_("Approve"), key=f"r_approve_{suggestion.id}", on_click=_approve, args=(suggestion,))
        edit.button(_("Edit first") if suggestion.kind == "new" else _("Edit the entry"), key=f"r_edit_{suggestion.id}",
                    on_click=_edit_first, args=(suggestion,))
        reject.button(_("Reject"), key=f"r_reject_{suggestion.id}", on_click=_reject, args=(suggestion,))
