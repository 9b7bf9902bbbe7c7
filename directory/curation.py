"""Peer-leader edits on top of the store: every function takes the signed-in curator and checks it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pandas as pd

from directory.auth import Curator, require_role
from directory.schema import COLUMNS, validate_record
from directory.store import ConflictError, Store

# Fields a person types or picks in the entry form; the store manages the rest.
EDITABLE: tuple[str, ...] = tuple(
    c for c in COLUMNS if c not in ("id", "row_version", "created_at", "created_by", "updated_at", "updated_by")
)


def check_entry(values: Mapping[str, str]) -> dict[str, str]:
    """Per-field messages for a draft entry (empty when it can be saved); the id is assigned on save."""
    draft = {**values, "status": values.get("status") or "active"}
    return validate_record(draft, require_id=False).errors


def save_entry(store: Store, curator: Curator, values: Mapping[str, str], *, resource_id: str = "",
               base_version: int | str = 0) -> dict[str, str]:
    """Add a new entry, or apply an edit made on base_version; raises ValidationError or ConflictError."""
    require_role(curator)
    changes = {k: str(values.get(k, "")) for k in EDITABLE if k in values}
    if resource_id:
        return store.update(resource_id, changes, base_version=base_version, by=curator)
    return store.add(changes, by=curator)


def verify_today(store: Store, curator: Curator, resource_id: str, base_version: int | str,
                 today: date | None = None) -> dict[str, str]:
    """Mark an entry as checked today by this curator."""
    day = (today or date.today()).isoformat()
    return store.update(resource_id, {"last_verified": day, "verified_by": curator.name},
                        base_version=base_version, by=curator)


def set_status(store: Store, curator: Curator, resource_id: str, status: str,
               base_version: int | str) -> dict[str, str]:
    """Retire (inactive), restore (active) or hold (pending) an entry; nothing is ever deleted."""
    if status not in ("active", "inactive", "pending"):
        raise ValueError(f"unknown status '{status}'")
    return store.update(resource_id, {"status": status}, base_version=base_version, by=curator)


def restore_version(store: Store, curator: Curator, resource_id: str, version: int,
                    base_version: int | str) -> dict[str, str]:
    """Make an earlier version's values current again, as a new version (history is never rewritten)."""
    wanted = next((v for v in store.history(resource_id) if v["version"] == int(version)), None)
    if wanted is None:
        raise ValueError(f"version {version} of '{resource_id}' is not in the audit log")
    changes = {k: v for k, v in wanted["values"].items() if k in EDITABLE}
    return store.update(resource_id, changes, base_version=base_version, by=curator)


def stale_entries(frame: pd.DataFrame, days: int, today: date | None = None) -> pd.DataFrame:
    """Active and pending entries not verified within `days`, never-verified first, then oldest first."""
    cutoff = ((today or date.today()) - timedelta(days=days)).isoformat()
    listed = frame[frame["status"] != "inactive"]
    stale = listed[(listed["last_verified"] == "") | (listed["last_verified"] < cutoff)]
    return stale.sort_values(["last_verified", "name"], kind="stable")


def verify_many(store: Store, curator: Curator, versions: Mapping[str, str | int],
                today: date | None = None) -> tuple[list[str], list[str]]:
    """Mark several entries verified today; returns (done ids, ids refused because someone changed them)."""
    done, refused = [], []
    for resource_id, base_version in versions.items():
        try:
            verify_today(store, curator, resource_id, base_version, today)
            done.append(resource_id)
        except ConflictError:
            refused.append(resource_id)
    return done, refused


def merge_draft(existing: Mapping[str, str], draft: Mapping[str, str]) -> dict[str, str]:
    """An existing entry with its empty fields filled from a draft; what it already says is kept."""
    merged = dict(existing)
    for name in EDITABLE:
        if not merged.get(name) and draft.get(name):
            merged[name] = draft[name]
    return merged
