"""Peer-leader edits on top of the store: every function takes the signed-in curator and checks it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from directory.auth import Curator, require_role
from directory.duplicates import likely_duplicates
from directory.freshness import stale_mask
from directory.geo import Geocoder
from directory.i18n import _
from directory.schema import COLUMNS, UNCHANGEABLE, validate_record
from directory.store import ConflictError, Store, ValidationError

# Fields a person types or picks in the entry form; the store manages the rest.
EDITABLE: tuple[str, ...] = tuple(c for c in COLUMNS if c not in UNCHANGEABLE)


def check_entry(values: Mapping[str, str]) -> dict[str, str]:
    """Per-field messages for a draft entry (empty when it can be saved); the id is assigned on save."""
    draft = {**values, "status": values.get("status") or "active"}
    return validate_record(draft, require_id=False).errors


@dataclass
class SaveResult:
    """What one save did: the saved row, or what stopped it (field errors, likely duplicates, a conflict)."""

    row: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    duplicates: list[dict[str, str]] = field(default_factory=list)
    conflict: ConflictError | None = None

    @property
    def saved(self) -> bool:
        """True when the entry was written (or already said exactly this)."""
        return bool(self.row)


def save_entry(store: Store, curator: Curator, values: Mapping[str, str], *, geocode: Geocoder,
               resource_id: str = "", base_version: int | str = 0, duplicates_ok: bool = False) -> SaveResult:
    """The one way an entry is saved (Curate, approving a suggestion, bulk edit): check, look for duplicates, place.

    Adds a new entry, or applies an edit made on base_version of resource_id; likely duplicates stop only a new one.
    """
    require_role(curator)
    given = {k: "" if values[k] is None else str(values[k]) for k in EDITABLE if k in values}
    # An edit may name only the fields it changes; the entry is checked and placed as it will be stored.
    current = {k: str(v) for k, v in store.get(resource_id).items() if k in EDITABLE} if resource_id else {}
    draft = {**current, **given}
    errors = check_entry(draft)
    if errors:
        return SaveResult(errors=errors)
    if not resource_id and not duplicates_ok:
        found = likely_duplicates(store.load().frame, draft)
        if not found.empty:
            return SaveResult(duplicates=found[["id", "name", "city", "reason"]].to_dict("records"))
    placed = place_entry(draft, geocode)
    try:
        if resource_id:
            changes = {k: v for k, v in placed.items() if k in given or current.get(k, "") != v}
            row = store.update(resource_id, changes, base_version=base_version, by=curator)
        else:
            row = store.add(placed, by=curator)
    except ValidationError as error:
        return SaveResult(errors=error.errors)
    except ConflictError as conflict:
        return SaveResult(conflict=conflict)
    return SaveResult(row=row)


def place_entry(values: dict[str, str], geocode: Geocoder) -> dict[str, str]:
    """Fill in coordinates from the address when an entry has none; this is the only time we geocode."""
    if values.get("latitude") or values.get("longitude"):
        return values
    found = geocode(values.get("address", ""), values.get("city", ""), values.get("state", ""),
                                    values.get("zip", ""))
    if found is None:
        return values
    return {**values, "latitude": f"{found.lat:.6f}", "longitude": f"{found.lon:.6f}", "geocode_quality": found.quality}


def verify_today(store: Store, curator: Curator, resource_id: str, base_version: int | str,
                 today: date) -> dict[str, str]:
    """Mark an entry as checked today (the directory's today, Settings.today()) by this curator."""
    day = today.isoformat()
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


def stale_entries(frame: pd.DataFrame, days: int, today: date) -> pd.DataFrame:
    """Active and pending entries not verified within `days`, never-verified first, then oldest first."""
    listed = frame[frame["status"] != "inactive"]
    stale = listed[stale_mask(listed["last_verified"], today, days)]
    return stale.sort_values(["last_verified", "name"], kind="stable")


def verify_many(store: Store, curator: Curator, versions: Mapping[str, str | int],
                today: date) -> tuple[list[str], list[str]]:
    """Mark several entries verified today in one write; returns (done ids, ids refused because someone changed
    them since, or because they no longer pass the checks and need a look of their own)."""
    require_role(curator)
    stamp = {"last_verified": today.isoformat(), "verified_by": curator.name}
    batch = store.update_many([(resource_id, str(version), stamp) for resource_id, version in versions.items()],
                              by=curator)
    return [row["id"] for row in batch.updated], [*batch.conflicts, *batch.invalid]


def merge_draft(existing: Mapping[str, str], draft: Mapping[str, str]) -> dict[str, str]:
    """An existing entry with its empty fields filled from a draft; what it already says is kept."""
    merged = dict(existing)
    for name in EDITABLE:
        if not merged.get(name) and draft.get(name):
            merged[name] = draft[name]
    return merged


BULK_COLUMNS: tuple[str, ...] = ("name", "category", "support_types", "city", "zip", "phone", "website", "hours",
                                 "status", "last_verified")
# The table shows no coordinates, so a row whose address changes there is placed again from its new address.
_PLACE = ("address", "city", "state", "zip")
_COORDINATES = ("latitude", "longitude", "geocode_quality")


@dataclass
class BulkResult:
    """What a bulk save did: saved ids, rows refused as conflicts, and per-row field errors (nothing saved then)."""

    saved: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)


def bulk_rows(raw: pd.DataFrame, words: str = "") -> pd.DataFrame:
    """The Bulk edit table's rows of the file's `raw` rows: those whose id, name, organization or city contains
    every word (any case), with the columns the table shows."""
    matching = pd.Series(True, index=raw.index)
    for word in words.lower().split():
        matching &= (raw["id"].str.lower().str.contains(word, regex=False)
                     | raw["name"].str.lower().str.contains(word, regex=False)
                     | raw["organization"].str.lower().str.contains(word, regex=False)
                     | raw["city"].str.lower().str.contains(word, regex=False))
    return raw.loc[matching, ["id", "row_version", *BULK_COLUMNS]].reset_index(drop=True)


def apply_bulk_edits(store: Store, curator: Curator, source: pd.DataFrame, edits: Mapping, *,
                     geocode: Geocoder) -> BulkResult:
    """Apply a data editor's recorded edits to `source` rows: check every row first, then save them together.

    Edited rows are updated on the version they were loaded at; added rows become new entries, placed from
    their address; deleted rows are retired (status inactive), since nothing is ever deleted. The changes are
    written in one write and the new rows in a second, however many rows changed (one write per row took 1.5 s
    each at 100,000 entries); the table offers no merge, so likely duplicates do not stop a new row.
    """
    require_role(curator)
    result = BulkResult()
    edited = {int(position): changed for position, changed in (edits.get("edited_rows") or {}).items()}
    deleted = [int(position) for position in edits.get("deleted_rows") or []]
    raw = store.read_raw() if edited or deleted else None
    on_file = ({} if raw is None else
               {r["id"]: r for r in raw[raw["id"].isin(source["id"].iloc[list(edited)])].to_dict("records")})
    del raw
    updates: dict[str, tuple[str, dict[str, str]]] = {}
    for position, changed in edited.items():
        row = source.iloc[position].to_dict()
        changes = {k: "" if v is None else str(v) for k, v in changed.items() if k in EDITABLE}
        stored = {k: str(v) for k, v in (on_file.get(row["id"]) or store.get(row["id"])).items() if k in EDITABLE}
        if any(changes.get(k, stored.get(k, "")) != stored.get(k, "") for k in _PLACE):
            changes = {**dict.fromkeys(_COORDINATES, ""), **changes}
        draft = {**stored, **changes}
        problems = check_entry(draft)
        if problems:
            result.errors[f"{row['name']} ({row['id']})"] = problems
            continue
        placed = place_entry(draft, geocode)
        # Only what the row would say differently once normalised: "215-555-0123" over "(215) 555-0123" is no edit.
        normalised = validate_record({**placed, "status": placed.get("status") or "active"}, require_id=False).values
        changes = {k: placed[k] for k in placed if k in EDITABLE and normalised.get(k, placed[k]) != stored.get(k, "")}
        if changes:
            updates[row["id"]] = (str(row["row_version"]), changes)
    additions = []
    for n, added in enumerate(edits.get("added_rows") or [], start=1):
        draft = {k: "" if v is None else str(v) for k, v in added.items() if k in EDITABLE}
        problems = check_entry(draft)
        if problems:
            result.errors[_("new row {number}").format(number=n)] = problems
        additions.append(draft)
    if result.errors:
        return result
    for position in deleted:
        row = source.iloc[position]
        updates[row["id"]] = (str(row["row_version"]), {"status": "inactive"})
    if updates:
        batch = store.update_many([(resource_id, version, changes) for resource_id, (version, changes)
                                   in updates.items()], by=curator)
        result.conflicts.extend(batch.conflicts)
        result.errors.update(batch.invalid)
        result.saved.extend(row["id"] for row in batch.updated)
    if additions:
        try:
            added_rows = store.add_many([place_entry(draft, geocode) for draft in additions], by=curator)
        except ValidationError as error:
            result.errors[_("new rows")] = error.errors
        else:
            result.saved.extend(row["id"] for row in added_rows)
    return result
