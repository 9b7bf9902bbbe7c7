"""An entry's history from the audit log: who changed what and when, with a restore button per version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from directory.ui import curate_actions as act
from directory.ui.services import services


def history_panel(resource_id: str) -> None:
    """Every audited version, newest first, each with its changes and 'Restore this version'."""
    versions = services().store.history(resource_id)
    with st.expander(f"History ({len(versions)} changes)"):
        if not versions:
            st.caption("No changes recorded since this entry came into the directory.")
        for n, version in enumerate(versions):
            st.markdown(f"**Version {version['version']}** · {version['action']} by {version['by']} at {version['at']}")
            changes = [{"field": k, "before": v[0], "after": v[1]} for k, v in version["changes"].items()]
            st.dataframe(pd.DataFrame(changes, columns=["field", "before", "after"]), hide_index=True)
            if n > 0:  # the newest is the current one
                st.button(f"Restore version {version['version']}", key=f"c_restore_{version['version']}",
                          on_click=act.restore_to, args=(version["version"],))
