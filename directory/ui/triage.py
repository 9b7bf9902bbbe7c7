"""The triage page's parts: one group's table with row selection, and its bulk actions as callbacks."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from directory import taxonomy as tx
from directory.i18n import _, ngettext
from directory.text import escape_markdown as md
from directory.triage import (
    READY,
    accept_inferred,
    describe,
    group_explanation,
    group_label,
    kept_confidential,
    needs_confirmation,
    publish,
    resolve_reason,
    set_category,
)
from directory.ui import curate_actions as act
from directory.ui.services import services
from directory.ui.session import as_signed_in, current_curator

MESSAGES_KEY = "tr_messages"
GO_TO_CURATE_KEY = "tr_go_to_curate"
TAB_KEY = "tr_tab"
# Groups where "Mark as checked" has no meaning: the category itself settles them, or nothing is left.
_NOT_CHECKABLE = ("no_category", READY.key)


def _round() -> int:
    return int(st.session_state.get("tr_round", 0))


def table_key(group: str) -> str:
    """The key of a group's table; it changes after every action so no stale selection is acted on twice."""
    return f"tr_table_{group}_{_round()}"


def _finish(result, done: Callable[[int], str], names: dict[str, str]) -> None:
    st.session_state[MESSAGES_KEY] = describe(result, done, names)
    st.session_state["tr_round"] = _round() + 1


@as_signed_in
def _set_category(group: str, versions: dict[str, str], names: dict[str, str]) -> None:
    category = st.session_state.get(f"tr_category_{group}")
    label = tx.label_of(tx.CATEGORIES, category)
    _finish(set_category(services().store, current_curator(), versions, category),
            lambda n: ngettext("Set '{category}' on {count} entry.", "Set '{category}' on {count} entries.",
                               n).format(category=label, count=n), names)


@as_signed_in
def _accept(versions: dict[str, str], names: dict[str, str]) -> None:
    _finish(accept_inferred(services().store, current_curator(), versions),
            lambda n: ngettext("Accepted the inferred category of {count} entry.",
                               "Accepted the inferred category of {count} entries.", n).format(count=n), names)


@as_signed_in
def _resolve(group: str, versions: dict[str, str], names: dict[str, str]) -> None:
    _finish(resolve_reason(services().store, current_curator(), versions, group),
            lambda n: ngettext("Marked as checked: {count} entry.", "Marked as checked: {count} entries.",
                               n).format(count=n), names)


@as_signed_in
def _publish(group: str, versions: dict[str, str], names: dict[str, str]) -> None:
    confirmed = bool(st.session_state.get(f"tr_confirm_{group}_{_round()}"))
    _finish(publish(services().store, current_curator(), versions, hidden_by_source_confirmed=confirmed),
            lambda n: ngettext("Published {count} entry.", "Published {count} entries.", n).format(count=n), names)


def _open_in_curate(resource_id: str) -> None:
    act.begin_edit(services().store.get(resource_id))
    st.session_state[GO_TO_CURATE_KEY] = True


def show_messages() -> None:
    """What the last action did: the count as a success, then each conflict or refusal as a warning."""
    lines = st.session_state.pop(MESSAGES_KEY, [])
    if lines:
        st.success(md(lines[0]))
    for line in lines[1:]:
        st.warning(md(line))


def _table(group: str, rows: pd.DataFrame) -> pd.DataFrame:
    shown = pd.DataFrame({
        "name": rows["name"],
        "category": rows["category"].map(lambda key: tx.label_of(tx.CATEGORIES, key) if key else "—"),
        "evidence": rows["evidence"],
        "city": rows["city"],
        "external_id": rows["external_id"],
    })
    if group == "private_address":
        not_set = _("not set")
        shown.insert(2, "confidential", rows["location_confidential"].map(
            lambda v: tx.label_of(tx.YES_NO, v) if v else not_set))
    return shown


def _columns() -> dict[str, object]:
    # Made on each run, not at import: the headers are in the language of the run. The data keeps its keys.
    return {"name": st.column_config.TextColumn(_("Name"), width="medium"), "category": _("Category"),
            "evidence": st.column_config.TextColumn(_("What the import found"), width="large"),
            "city": _("City"), "external_id": _("ID at the source"), "confidential": _("Location confidential")}


def _button(place, label: str, key: str, action: Callable, args: tuple, disabled: bool, **kwargs) -> None:
    place.button(label, key=f"{key}_{_round()}", on_click=action, args=args, disabled=disabled, **kwargs)


def group_panel(group: str, rows: pd.DataFrame) -> None:
    """One group: its heading and count, a selectable table, warnings for the selection, and bulk actions."""
    st.header(f"{group_label(group)}: {len(rows)}")
    st.caption(group_explanation(group) + " " + _("Select entries in the table to act on them."))
    picked = st.dataframe(_table(group, rows), hide_index=True, on_select="rerun", selection_mode="multi-row",
                          key=table_key(group), column_config=_columns())
    everything = st.checkbox(ngettext("Select the {count} entry listed", "Select all {count} entries listed",
                                      len(rows)).format(count=len(rows)), key=f"tr_all_{group}_{_round()}")
    chosen = rows if everything else rows.iloc[picked.selection.rows if picked else []]
    versions = dict(zip(chosen["id"], chosen["row_version"], strict=True))
    names = dict(zip(chosen["id"], chosen["name"], strict=True))
    none, count = chosen.empty, len(chosen)
    hidden, private = needs_confirmation(chosen), kept_confidential(chosen)
    if len(hidden):
        st.warning(ngettext("The source hides {count} of the selected entries from its public website or "
                            "directory. Publish it only once you know it may be listed.",
                            "The source hides {count} of the selected entries from its public website or "
                            "directory. Publish them only once you know they may be listed.",
                            len(hidden)).format(count=len(hidden)))
        st.checkbox(_("I checked: publish them anyway"), key=f"tr_confirm_{group}_{_round()}")
    if len(private):
        unmarked = int((private["location_confidential"] != "yes").sum())
        st.info(ngettext("{count} of the selected entries has a private address. Published, it shows only its "
                         "city and ZIP: never the street, a pin or directions.",
                         "{count} of the selected entries have a private address. Published, they show only their "
                         "city and ZIP: never the street, a pin or directions.", len(private)).format(
                    count=len(private))
                + (" " + ngettext("{count} not yet marked confidential will be.",
                                  "{count} not yet marked confidential will be.", unmarked).format(count=unmarked)
                   if unmarked else "")
                + " " + _("No bulk action makes an address public; change that one by one on Curate."))
    pick, set_button = st.columns([3, 2], vertical_alignment="bottom")
    category = pick.selectbox(_("Category for the selected entries"), tx.keys(tx.CATEGORIES), index=None,
                              placeholder=_("Choose a category"), key=f"tr_category_{group}",
                              format_func={term.key: term.label for term in tx.CATEGORIES}.__getitem__)
    _button(set_button, _("Set category for {count} selected").format(count=count), f"tr_set_{group}",
            _set_category, (group, versions, names), none or category is None)
    places = iter(st.columns(3))
    if group == "inferred_category":
        _button(next(places), _("Accept the inferred category"), f"tr_accept_{group}", _accept, (versions, names),
                none)
    if group not in _NOT_CHECKABLE:
        _button(next(places), _("Mark as checked"), f"tr_check_{group}", _resolve, (group, versions, names), none)
    confirmed = not len(hidden) or st.session_state.get(f"tr_confirm_{group}_{_round()}")
    _button(next(places), _("Publish {count} selected").format(count=count), f"tr_publish_{group}", _publish,
            (group, versions, names), none or not confirmed, type="primary")
    if not none:
        first = chosen.iloc[0]
        st.button(_("Fix {name} in Curate").format(name=md(first["name"])), key=f"tr_curate_{group}_{_round()}",
                  on_click=_open_in_curate, args=(first["id"],),
                  help=_("Opens the first selected entry on the Curate page, to fix it by hand."))
