"""An entry's history from the audit log: who changed what and when, with a restore button per version."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from directory import taxonomy as tx
from directory.i18n import N_, _, clock, day_words, ngettext, number
from directory.schema import FIELD_BY_NAME, split_list
from directory.text import escape_markdown as md
from directory.ui import curate_actions as act
from directory.ui.entry_form import field_label
from directory.ui.services import app_settings, services


def value_text(name: str, value: str) -> str:
    """A stored value as a person reads it: labels instead of taxonomy keys, the rest as stored."""
    field = FIELD_BY_NAME.get(name)
    if field is None or not field.terms or not value:
        return value
    if field.kind == "choices":
        return ", ".join(tx.label_of(field.terms, key) for key in split_list(value))
    return tx.label_of(field.terms, value)


def local_time(stamp: str) -> str:
    """A stored UTC timestamp in the directory's zone, as 'Mon 23 Nov 2026, 7:05 pm' or 'lun 23 nov 2026, 7:05 p. m.'
    (unreadable ones as stored)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return str(stamp or "")
    if moment.tzinfo is None:  # written without a zone: the store always writes UTC
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(app_settings().zone)
    return _("{day}, {time}").format(day=day_words(moment.date(), short=True, year=True), time=clock(moment))


# What each audited action did, as the history says it; an action not listed here is shown as stored.
ACTIONS = {"add": N_("added"), "update": N_("changed"), "import": N_("imported"),
           "restore_snapshot": N_("restored from a snapshot")}


def action_text(action: object) -> str:
    """An audit log action as a person reads it ('changed' for 'update')."""
    return _(ACTIONS[action]) if action in ACTIONS else str(action)


def changes_frame(changes: dict[str, list[str]], columns: tuple[str, str, str]) -> pd.DataFrame:
    """A table of (field, before, after) changes with field labels and readable values."""
    rows = [{columns[0]: field_label(name), columns[1]: value_text(name, before), columns[2]: value_text(name, after)}
            for name, (before, after) in changes.items()]
    return pd.DataFrame(rows, columns=list(columns))


def history_panel(resource_id: str) -> None:
    """Every audited version, newest first, each with its changes and 'Restore this version'."""
    versions = services().store.history(resource_id)
    count = ngettext("{count} change", "{count} changes", len(versions)).format(count=number(len(versions)))
    with st.expander(_("History ({changes})").format(changes=count)):
        if not versions:
            st.caption(_("No changes recorded since this entry came into the directory."))
        for n, version in enumerate(versions):
            # Every value comes from the audit log, which an import or a hand edit of the file may have written.
            st.markdown(_("**Version {version}** · {action} by {name} on {when}").format(
                version=md(str(version["version"])), action=md(action_text(version["action"])),
                name=md(str(version["by"])), when=local_time(version["at"])))
            st.dataframe(changes_frame(version["changes"], (_("field"), _("before"), _("after"))), hide_index=True)
            if n > 0:  # the newest is the current one
                st.button(_("Restore version {version}").format(version=md(str(version["version"]))),
                          key=f"c_restore_{version['version']}",
                          on_click=act.restore_to, args=(version["version"],))
