"""The import engine: check source rows, match them to existing entries, and write them in one batch.

Any reader's `SourceRow`s go through the same steps: reader problems and validation errors reject a row
with its reasons; a missing category or kind of support is inferred; an address without coordinates is
placed by the offline gazetteer; a row with a known id or external id updates that entry, and a row that
would change nothing is counted as unchanged, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from directory import taxonomy as tx
from directory.auth import Curator
from directory.geo import GeocodeResult, geocode_offline
from directory.interop.csv_export import neutralise_cell
from directory.interop.infer import infer_classification
from directory.interop.records import SourceRow
from directory.schema import COLUMNS, validate_record
from directory.store import Store, ValidationError

# Kept by the store itself: a source can never set them.
_MANAGED = frozenset({"row_version", "created_at", "created_by", "updated_at", "updated_by"})
_PLACE = ("address", "city", "state", "zip")

Geocoder = Callable[[str, str, str, str], GeocodeResult | None]


@dataclass
class Change:
    """One source row that would add or change an entry (or leaves one as it is)."""

    line: int
    resource_id: str
    name: str
    values: dict[str, str]
    changed: tuple[str, ...] = ()
    base_version: str = ""
    inferred: tuple[str, ...] = ()


@dataclass
class Rejected:
    """One source row that cannot be imported, with a reason per column."""

    line: int
    reasons: dict[str, str]
    raw: dict[str, str]


@dataclass
class ImportPlan:
    """Exactly what an import would do; `apply_plan` carries it out."""

    added: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def summary(self) -> str:
        """The one-line report the CLI prints."""
        return (f"imported: {len(self.added)} added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.rejected)} rejected")

    @property
    def inferred(self) -> list[Change]:
        """New or changed rows with a category or kind of support inferred, for review."""
        return [change for change in self.added + self.updated if change.inferred]


def plan_import(existing: pd.DataFrame, rows: Iterable[SourceRow], *,
                geocode: Geocoder = geocode_offline) -> ImportPlan:
    """Check every row against the current entries and decide what it would do; nothing is written."""
    by_id = {resource_id: i for i, resource_id in enumerate(existing["id"].tolist())}
    by_external = {ext: i for i, ext in enumerate(existing["external_id"].tolist()) if ext}
    current_rows = existing.to_dict("records")
    by_place = {_place_key(r): i for i, r in enumerate(current_rows) if not r["external_id"] and _place_key(r)}
    plan = ImportPlan()
    seen: dict[str, int] = {}
    for row in rows:
        values = {k: _text(v) for k, v in row.values.items() if k in COLUMNS and k not in _MANAGED}
        reasons = dict(row.problems)
        key = _identity(values)
        if key and key in seen:
            reasons.setdefault("row", f"the same entry as row {seen[key]} of this file")
        elif key:
            seen[key] = row.line
        at = by_id.get(values.get("id", "")) if values.get("id") else None
        if at is None and values.get("external_id"):
            at = by_external.get(values["external_id"])
            # Feeds we exported carry our id as their identifier (a Meeting Guide slug, for one).
            if at is None and values["external_id"] in by_id and not current_rows[by_id[values["external_id"]]][
                    "external_id"]:
                at = by_id[values.pop("external_id")]
        if at is None and not values.get("id") and not values.get("external_id"):
            at = by_place.get(_place_key(values))
        current = current_rows[at] if at is not None else None
        draft, inferred = _draft(values, current, geocode)
        checked = validate_record(draft, require_id=current is not None)
        reasons.update(checked.errors)
        if reasons:
            plan.rejected.append(Rejected(row.line, reasons, dict(row.raw) or dict(row.values)))
            continue
        inferred = tuple(sorted(set(inferred) | set(row.inferred)))
        if current is None:
            plan.added.append(Change(row.line, checked.values["id"], checked.values["name"], checked.values,
                                     tuple(c for c in COLUMNS if checked.values[c]), inferred=inferred))
            continue
        changed = tuple(c for c in COLUMNS if c not in _MANAGED and checked.values[c] != _text(current.get(c)))
        change = Change(row.line, current["id"], checked.values["name"], checked.values, changed,
                        str(current["row_version"]), inferred)
        (plan.updated if changed else plan.unchanged).append(change)
    return plan


def apply_plan(store: Store, plan: ImportPlan, *, by: Curator, all_or_nothing: bool = False) -> ImportPlan:
    """Write a plan in one batch; with all_or_nothing, write nothing when any row was rejected.

    Returns the plan as carried out: updates whose rows were changed by someone else meanwhile move to rejected.
    """
    if all_or_nothing and plan.rejected:
        return ImportPlan(rejected=plan.rejected)
    adds = [{k: v for k, v in change.values.items() if k not in _MANAGED} for change in plan.added]
    updates = [(c.resource_id, c.base_version, {k: c.values[k] for k in c.changed}) for c in plan.updated]
    if not adds and not updates:
        return plan
    try:
        written = store.import_batch(adds, updates, by=by)
    except ValidationError as error:  # planned from an older file: nothing was written
        raise ValueError(f"the directory changed during the import; nothing was written ({error})") from None
    conflicts = set(written.conflicts)
    kept = [c for c in plan.updated if c.resource_id not in conflicts]
    late = [Rejected(c.line, {"row": "this entry was changed by someone else during the import; import again"},
                     c.values) for c in plan.updated if c.resource_id in conflicts]
    added = [Change(c.line, row["id"], c.name, row, c.changed, inferred=c.inferred)
             for c, row in zip(plan.added, written.added, strict=True)]
    return ImportPlan(added, kept, plan.unchanged, plan.rejected + late)


def import_rows(store: Store, rows: Iterable[SourceRow], *, by: Curator, dry_run: bool = False,
                all_or_nothing: bool = False, geocode: Geocoder = geocode_offline) -> ImportPlan:
    """Plan an import against the store's current entries and, unless dry_run, carry it out."""
    plan = plan_import(store.read_raw(), rows, geocode=geocode)
    if dry_run:
        return ImportPlan(rejected=plan.rejected) if all_or_nothing and plan.rejected else plan
    return apply_plan(store, plan, by=by, all_or_nothing=all_or_nothing)


def rejects_csv(rejected: Iterable[Rejected]) -> str:
    """The rejects report: source row, reasons, then the row as the source gave it (spreadsheet-safe)."""
    rejected = list(rejected)
    source_columns: list[str] = []
    for item in rejected:
        source_columns += [c for c in item.raw if c not in source_columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source_row", "reasons", *source_columns])
    for item in rejected:
        reasons = "; ".join(f"{column}: {message}" for column, message in item.reasons.items())
        writer.writerow([item.line, neutralise_cell(reasons),
                         *(neutralise_cell(_text(item.raw.get(c))) for c in source_columns)])
    return out.getvalue()


def changes_frame(plan: ImportPlan) -> pd.DataFrame:
    """A preview table: one row per entry the import would add or change, and what changes."""
    records = [
        {"source row": c.line, "action": action, "id": c.resource_id, "name": c.name,
         "changes": ", ".join(c.changed) if action == "update" else "new entry",
         "inferred": ", ".join(c.inferred)}
        for action, changes in (("add", plan.added), ("update", plan.updated)) for c in changes
    ]
    return pd.DataFrame(records, columns=["source row", "action", "id", "name", "changes", "inferred"])


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _identity(values: Mapping[str, str]) -> str:
    if values.get("id"):
        return "id:" + values["id"]
    if values.get("external_id"):
        return "external:" + values["external_id"]
    place = _place_key(values)
    return "place:" + "|".join(place) if place else ""


def _place_key(values: Mapping[str, object]) -> tuple[str, ...]:
    # A source with neither ids nor external ids is matched by name and street address, so a re-import of
    # the same spreadsheet updates its entries instead of adding them again.
    name, address = _text(values.get("name")).casefold(), _text(values.get("address")).casefold()
    return (name, address, _text(values.get("zip"))[:5]) if name and address else ()


def _draft(values: dict[str, str], current: Mapping[str, str] | None,
           geocode: Geocoder) -> tuple[dict[str, str], tuple[str, ...]]:
    if current is None:
        draft = {**{c: "" for c in COLUMNS}, **values}
        draft["status"] = draft["status"] or "active"
        draft, inferred = infer_classification(draft)
    else:
        draft = {**{c: _text(current.get(c)) for c in COLUMNS}, **values}
        inferred = ()
    if draft["category"] and not draft["support_types"]:
        draft["support_types"] = ";".join(tx.default_support_types(draft["category"]))
        inferred = (*inferred, "support_types")
    moved = current is None or any(values.get(c, _text(current.get(c))) != _text(current.get(c)) for c in _PLACE)
    if moved and not values.get("latitude") and not values.get("longitude") and any(draft[c] for c in _PLACE):
        found = geocode(draft["address"], draft["city"], draft["state"], draft["zip"])
        if found is not None:
            draft.update(latitude=f"{found.lat:.6f}", longitude=f"{found.lon:.6f}", geocode_quality=found.quality)
        elif current is not None:  # the old coordinates belong to the old address
            draft.update(latitude="", longitude="", geocode_quality="")
    return draft, tuple(dict.fromkeys(inferred))
