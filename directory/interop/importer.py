"""The import engine: check source rows, match them to existing entries, and write them in one batch.

Any reader's `SourceRow`s go through the same steps: reader problems and validation errors reject a row
with its reasons; a missing category or kind of support is inferred; an address without coordinates is
placed by the offline gazetteer; a row with a known id or external id updates that entry, and a row that
would change nothing is counted as unchanged, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter

import pandas as pd

from directory import taxonomy as tx
from directory.auth import Curator
from directory.curation import place_entry
from directory.errors import DirectoryError
from directory.geo import GeocodeResult, geocode_offline
from directory.i18n import _
from directory.interop.csv_export import neutralise_cell
from directory.interop.infer import CONFIDENT, infer_category
from directory.interop.records import SourceRow
from directory.interop.salvage import TEXT_HOMES, Finding, salvage, status_from_source
from directory.schema import COLUMNS, FIELD_BY_NAME, STORE_KEPT, join_list, split_list, validate_field, validate_record
from directory.store import RowTable, Store, ValidationError

# Kept by the store itself: a source can never set them.
_MANAGED = frozenset(STORE_KEPT)
_PLACE = ("address", "city", "state", "zip")
# The columns an entry is matched by (see _match).
_MATCHED_BY = ("id", "external_id", "name", "address", "zip")
_IMPORTABLE = frozenset(COLUMNS) - _MANAGED
_IMPORTED_IN_ORDER = tuple(c for c in COLUMNS if c in _IMPORTABLE)
_IMPORTED_CELLS = itemgetter(*_IMPORTED_IN_ORDER)

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
    notes: tuple[str, ...] = ()


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
    repairs: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The one-line report the CLI prints and the page shows, in the current language: what happens to each
        row, and where the rows stand."""
        counts = self.by_status()
        return _("imported: {added} added, {updated} updated, {unchanged} unchanged, {rejected} rejected; "
                 "{public} public, {pending} pending review, {retired} retired").format(
            added=len(self.added), updated=len(self.updated), unchanged=len(self.unchanged),
            rejected=len(self.rejected), public=counts["active"], pending=counts["pending"],
            retired=counts["inactive"])

    def by_status(self) -> dict[str, int]:
        """How many of the file's entries are public, pending review or retired once it is imported."""
        counts = dict.fromkeys(tx.keys(tx.STATUSES), 0)
        for change in self.added + self.updated + self.unchanged:
            counts[change.values.get("status", "active")] = counts.get(change.values.get("status", "active"), 0) + 1
        return counts

    @property
    def pending(self) -> list[Change]:
        """New or changed rows that wait for a peer leader's review."""
        return [c for c in self.added + self.updated if c.values.get("status") == "pending"]

    @property
    def inferred(self) -> list[Change]:
        """New or changed rows with a category or kind of support inferred, for review."""
        return [change for change in self.added + self.updated if change.inferred]


def plan_import(existing: pd.DataFrame, rows: Iterable[SourceRow], *,
                geocode: Geocoder = geocode_offline) -> ImportPlan:
    """Check every row against the current entries and decide what it would do; nothing is written.

    A row is rejected only when it cannot be an entry at all: it has no name, or it is the same entry twice in
    one file. Every other problem is salvaged (see `directory.interop.salvage`); a row left with problems or
    an uncertain category comes in pending, with its review reasons and notes.
    """
    # The entries stay columns of text; only those a source row matches become dicts (to_dict would make
    # every one of them: seconds and hundreds of MB at 100,000 entries).
    with _collecting_later():
        return _plan(RowTable.of(existing), rows, geocode)


def _plan(current_rows: RowTable, rows: Iterable[SourceRow], geocode: Geocoder) -> ImportPlan:
    by_id, by_external, by_place = _indexes(current_rows)
    plan = ImportPlan()
    seen: dict[str, int] = {}
    for row in rows:
        values = {k: v.strip() if isinstance(v, str) else _text(v) for k, v in row.values.items()
                  if k in _IMPORTABLE}
        plan.repairs += [_("row {line}: {repair}").format(line=row.line, repair=repair) for repair in row.repairs]
        key = _identity(values)
        if key and key in seen:
            plan.rejected.append(Rejected(row.line, {"row": _("the same entry as row {line} of this file").format(
                                              line=seen[key])},
                                          dict(row.raw) or dict(row.values)))
            continue
        if key:
            seen[key] = row.line
        at = _match(values, by_id, by_external, by_place, current_rows)
        as_stored = current_rows[at] if at is not None else None
        current = _stripped(as_stored) if as_stored is not None else None
        if current is None and not values.get("name"):
            plan.rejected.append(Rejected(row.line, {"name": "the row has no name, so it cannot be an entry"},
                                          dict(row.raw) or dict(row.values)))
            continue
        draft, inferred, findings, normalised = _draft(row, values, current, geocode)
        # An empty cell needs no check but "is it required", which validate_record makes for the columns it is
        # told are normalised as well: so an entry's empty columns are not walked one field at a time.
        normalised |= {column for column, value in draft.items() if not value}
        checked = validate_record(draft, require_id=current is not None, normalised=normalised)
        if not checked.ok:  # salvage reads every field; this is the last net, for cross-field rules
            draft = _settle(draft, checked.errors, findings)
            checked = validate_record(draft, require_id=current is not None)
        if not checked.ok:
            plan.rejected.append(Rejected(row.line, dict(checked.errors), dict(row.raw) or dict(row.values)))
            continue
        notes = tuple(f.line() for f in findings)
        if current is None:
            plan.added.append(Change(row.line, checked.values["id"], checked.values["name"], checked.values,
                                     tuple(c for c in COLUMNS if checked.values[c]), inferred=inferred, notes=notes))
            continue
        changed = tuple(c for c, new, old in zip(_IMPORTED_IN_ORDER, _IMPORTED_CELLS(checked.values),
                                                  _IMPORTED_CELLS(current), strict=True) if new != old)
        change = Change(row.line, as_stored["id"], checked.values["name"], checked.values, changed,
                        str(as_stored["row_version"]), inferred, notes if changed else ())
        (plan.updated if changed else plan.unchanged).append(change)
    return plan


def _indexes(current_rows: RowTable, *, places: bool = True) -> tuple[
        dict[str, int], dict[str, int], dict[tuple[str, ...], int]]:
    # Where each id, external id and (for entries without an external id) name and address is; the last only
    # when asked, as it is the one that costs. Read a column at a time: no entry becomes a dict here.
    ids, externals = current_rows.column("id"), current_rows.column("external_id")
    by_id = {resource_id: i for i, resource_id in enumerate(ids)}
    by_external = {external: i for i, external in enumerate(externals) if external}
    by_place: dict[tuple[str, ...], int] = {}
    if places:
        for i, (external, name, address, zip_code) in enumerate(zip(
                externals, *(current_rows.column(c) for c in ("name", "address", "zip")), strict=True)):
            if not external and (key := _place_key({"name": name, "address": address, "zip": zip_code})):
                by_place[key] = i
    return by_id, by_external, by_place


def _match(values: dict[str, str], by_id: Mapping[str, int], by_external: Mapping[str, int],
           by_place: Mapping[tuple[str, ...], int], current_rows: RowTable) -> int | None:
    at = by_id.get(values.get("id", "")) if values.get("id") else None
    if at is None and values.get("external_id"):
        at = by_external.get(values["external_id"])
        # Feeds we exported carry our id as their identifier (a Meeting Guide slug, for one).
        if at is None and values["external_id"] in by_id and not current_rows[by_id[values["external_id"]]][
                "external_id"]:
            at = by_id[values.pop("external_id")]
    if at is None and not values.get("id") and not values.get("external_id"):
        at = by_place.get(_place_key(values))
    return at


class DirectoryChanged(DirectoryError, ValueError):
    """The directory changed between planning and writing an import, so the plan no longer fits; nothing was written."""


def apply_plan(store: Store, plan: ImportPlan, *, by: Curator, all_or_nothing: bool = False,
               geocode: Geocoder = geocode_offline) -> ImportPlan:
    """Write a plan in one batch; with all_or_nothing, write nothing when any row was rejected.

    Under the store's lock, each new entry is matched again (by id, external id, then name and address): one
    that was added meanwhile (by another import of the same file, say) is planned again as an update of it, or
    left unchanged. Returns the plan as carried out: such rows are in updated or unchanged, and updates whose
    rows were changed by someone else meanwhile move to rejected.
    """
    if all_or_nothing and plan.rejected:
        return ImportPlan(rejected=plan.rejected, repairs=plan.repairs)
    if not plan.added and not plan.updated:
        return plan
    with _collecting_later():
        return _apply(store, plan, by, all_or_nothing, geocode)


def _apply(store: Store, plan: ImportPlan, by: Curator, all_or_nothing: bool, geocode: Geocoder) -> ImportPlan:
    added: list[Change] = []
    updated: list[Change] = []
    again = ImportPlan()

    def recheck(rows: RowTable) -> tuple[list[dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
        nonlocal added, updated, again
        added, again = _match_again(rows, plan.added, geocode)
        updated = plan.updated + again.updated
        if all_or_nothing and again.rejected:
            return [], []
        # The store sets its own columns on a new row. An update hands over every column it planned, not only
        # those that change: all came out of validation against this version of the row (which the store checks),
        # so the store takes the row as checked instead of validating its other columns a second time.
        return ([c.values for c in added],
                [(c.resource_id, c.base_version, {k: v for k, v in c.values.items() if k in _IMPORTABLE})
                 for c in updated])

    try:
        written = store.import_batch([], [], by=by, checked=True, recheck=recheck)
    except ValidationError as error:  # planned from an older file: nothing was written
        raise DirectoryChanged(f"the directory changed during the import; nothing was written ({error})") from None
    rejected = plan.rejected + again.rejected
    if all_or_nothing and again.rejected:
        return ImportPlan(rejected=rejected, repairs=plan.repairs)
    conflicts = set(written.conflicts)
    kept = [c for c in updated if c.resource_id not in conflicts]
    late = [Rejected(c.line, {"row": "this entry was changed by someone else during the import; import again"},
                     c.values) for c in updated if c.resource_id in conflicts]
    done = [Change(c.line, row["id"], c.name, row, c.changed, inferred=c.inferred)
            for c, row in zip(added, written.added, strict=True)]
    return ImportPlan(done, kept, plan.unchanged + again.unchanged, rejected + late, plan.repairs)


def _match_again(rows: RowTable, planned: list[Change], geocode: Geocoder) -> tuple[list[Change], ImportPlan]:
    """The planned new entries that still match no entry, and a plan, against the entries as they are now, of
    the others (entries added since the plan was made): updates, unchanged rows and rejects, never additions.

    Such a row is planned again from the values it would have added, as a source row that gives the columns it
    set: not those the import inferred or set for review, and its status only when the source retires it, so
    an entry a peer leader has published meanwhile is not sent back to review.
    """
    if not planned or not rows:
        return list(planned), ImportPlan()
    by_id, by_external, by_place = _indexes(rows, places=any(not c.values.get("external_id") for c in planned))
    still_new: list[Change] = []
    late: list[SourceRow] = []
    matched: dict[int, dict] = {}
    for change in planned:
        given = {k: change.values[k] for k in change.changed if k not in _SET_BY_REVIEW and k not in change.inferred}
        if change.values.get("status") == "inactive":
            given["status"] = "inactive"
        source = SourceRow(change.line, given)
        at = _match({k: _text(source.values.get(k)) for k in _MATCHED_BY}, by_id, by_external, by_place, rows)
        if at is None:
            still_new.append(change)
        else:
            late.append(source)
            matched[at] = rows[at]
    if not late:
        return still_new, ImportPlan()
    again = _plan(RowTable(rows.columns, rows=matched.values()), late, geocode)
    note = "this entry was added by someone else while the import was being planned, so this row updated it"
    for change in again.updated:
        change.notes = (*change.notes, note)
    # A matched row always matches again; were one not to, it is added as planned rather than dropped.
    planned_at = {change.line: change for change in planned}
    return still_new + [planned_at[c.line] for c in again.added], ImportPlan(
        [], again.updated, again.unchanged, again.rejected)


def import_rows(store: Store, rows: Iterable[SourceRow], *, by: Curator, dry_run: bool = False,
                all_or_nothing: bool = False, geocode: Geocoder = geocode_offline) -> ImportPlan:
    """Plan an import against the store's current entries and, unless dry_run, carry it out."""
    plan = plan_import(store.read_raw(), rows, geocode=geocode)
    if dry_run:
        return ImportPlan(rejected=plan.rejected) if all_or_nothing and plan.rejected else plan
    return apply_plan(store, plan, by=by, all_or_nothing=all_or_nothing, geocode=geocode)


def rejects_csv(rejected: Iterable[Rejected]) -> str:
    """The rejects report: source row, reasons, then the row as the source gave it (spreadsheet-safe).

    Every cell, the source's own headers included, has a would-be formula neutralised.
    """
    rejected = list(rejected)
    source_columns: list[str] = []
    for item in rejected:
        source_columns += [c for c in item.raw if c not in source_columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source_row", "reasons", *(neutralise_cell(_text(c)) for c in source_columns)])
    for item in rejected:
        reasons = "; ".join(f"{column}: {message}" for column, message in item.reasons.items())
        writer.writerow([item.line, neutralise_cell(reasons),
                         *(neutralise_cell(_text(item.raw.get(c))) for c in source_columns)])
    return out.getvalue()


def changes_frame(plan: ImportPlan) -> pd.DataFrame:
    """A preview table for people: one row per entry the import would add or change, and what changes.

    Headers, actions and the status are in the current language; the column names listed stay the file's own.
    """
    headers = {"line": _("source row"), "action": _("action"), "id": _("id"), "name": _("name"),
               "changes": _("changes"), "status": _("status"), "inferred": _("inferred"), "review": _("to review")}
    records = [
        {headers["line"]: c.line, headers["action"]: shown, headers["id"]: c.resource_id, headers["name"]: c.name,
         headers["changes"]: ", ".join(c.changed) if updating else _("new entry"),
         headers["status"]: tx.label_of(tx.STATUSES, c.values.get("status", "")),
         headers["inferred"]: ", ".join(c.inferred),
         headers["review"]: _reason_labels(c.values) if c.values.get("status") == "pending" else ""}
        for shown, updating, changes in ((_("add"), False, plan.added), (_("update"), True, plan.updated))
        for c in changes
    ]
    return pd.DataFrame(records, columns=list(headers.values()))


def _reason_labels(values: Mapping[str, str]) -> str:
    return ", ".join(tx.label_of(tx.REVIEW_REASONS, r) for r in split_list(values.get("review_reasons", "")))


@contextmanager
def _collecting_later() -> Iterator[None]:
    # Planning or writing 100,000 rows makes millions of small objects that all live until the import ends, and
    # Python's cycle collector would walk them over and over (a third of the import's time) finding no garbage.
    # It is paused meanwhile and left as it was found; any cycles made meanwhile are collected afterwards.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _stripped(row: Mapping[str, object]) -> dict[str, str]:
    # An entry as the plan compares it: every column, as text without surrounding spaces (done once per entry).
    return {c: value.strip() if type(value := row.get(c)) is str else _text(value) for c in COLUMNS}


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


def _draft(row: SourceRow, values: dict[str, str], current: Mapping[str, str] | None,
           geocode: Geocoder) -> tuple[dict[str, str], tuple[str, ...], list[Finding], frozenset[str]]:
    """The entry a row would make: salvaged, classified, placed, and pending when it needs review.

    Also returns the columns that salvage already validated and nothing changed since (for an update, only
    the columns the source gave: the entry's other values are checked again as they are).
    """
    source_status = values.pop("status", None)
    if current is None:
        salvaged, findings = salvage({**_EMPTY_ROW, **values})
    else:
        before = current
        salvaged, findings = salvage({**before, **values}, frozenset(values))
        # What the entry already says has been seen: only findings about what this row changes count again.
        findings = [f for f in findings if salvaged.get(f.column, "") != before.get(f.column, "") or
                    salvaged.get(TEXT_HOMES.get(f.column, f.column), "") != before.get(
                        TEXT_HOMES.get(f.column, f.column), "")]
    draft = salvaged  # changed in place below; what salvage gave for the columns set later is kept aside
    as_salvaged = {c: salvaged[c] for c in _SET_AFTER_SALVAGE}
    inferred = list(row.inferred)
    if not draft["category"]:
        inferred += _classify(draft, row.codes, values.get("category", ""), findings)
    if draft["category"] and not draft["support_types"]:
        draft["support_types"] = join_list(tx.default_support_types(draft["category"]))
        inferred.append("support_types")
    if "private_address" in row.flags:
        # Handled, not a problem: a confidential location shows its city and ZIP only, everywhere.
        draft["location_confidential"] = "yes"
    findings += [Finding("" if flag == "private_address" else flag, "", _FLAG_NOTES.get(flag, flag))
                 for flag in row.flags]
    findings += [Finding(_PROBLEM_REASONS.get(column, "unreadable_value"), column, message)
                 for column, message in row.problems.items()]
    _place(draft, values, current, geocode)
    status = draft["status"] or "active"
    if source_status is not None:
        said, reason = status_from_source(source_status)
        # On an update, a source can retire an entry or hold it back, but never publish what a peer leader
        # has not accepted (or has retired): "active" there leaves the status as it is.
        if current is None or said != "active":
            status = said
        if reason and (current is None or said != current["status"]):
            findings.append(Finding(reason, "status", f"the source says {source_status!r}"))
    if status == "active" and any(f.reason for f in findings):
        status = "pending"
    draft["status"] = status
    if current is None or findings:
        _record(draft, findings)
    salvaged_columns = _SALVAGED if current is None else _SALVAGED & frozenset(values)
    normalised = salvaged_columns - {c for c in _SET_AFTER_SALVAGE if draft[c] != as_salvaged[c]}
    return draft, tuple(dict.fromkeys(inferred)), findings, normalised


# Columns salvage checks field by field; the row's status and review fields are set after it and checked again.
_SALVAGED = frozenset(COLUMNS) - {"status", "review_reasons", "review_notes", "row_version"}
# Columns the importer may set after salvage (classification, place); checked again whenever they change.
_SET_AFTER_SALVAGE = ("category", "support_types", "latitude", "longitude", "geocode_quality",
                      "location_confidential")
_EMPTY_ROW = dict.fromkeys(COLUMNS, "")
# Columns of a planned new entry that the import set for review, not the source.
_SET_BY_REVIEW = frozenset({"status", "review_reasons", "review_notes"})
_REASON_ORDER = tx.keys(tx.REVIEW_REASONS)
# The review reason for a problem a reader found, by the column it is about.
_PROBLEM_REASONS = {"hours": "unparsed_hours", "hours_text": "unparsed_hours", "phone": "bad_phone",
                    "other_phones": "bad_phone", "conference_phone": "bad_phone", "latitude": "bad_location",
                    "longitude": "bad_location"}
_FLAG_NOTES = {
    "private_address": "the source marks the street address private, so it is kept confidential",
    "excluded_by_source": "the source keeps this entry off its public website or directory",
}


def _classify(draft: dict[str, str], codes: tuple[str, ...], given: str, findings: list[Finding]) -> list[str]:
    """Infer a missing category from the source's codes and the entry's words; say how sure it is."""
    found = infer_category(draft, (*codes, given) if given else codes)
    if found is None:
        findings.append(Finding("no_category", "category", "no category could be inferred from the entry"))
        return []
    draft["category"] = found.category
    sure = found.confidence >= CONFIDENT
    findings.append(Finding("" if sure else "inferred_category", "category",
                            f"inferred '{found.category}' (confidence {found.confidence:.2f}) from {found.evidence}"))
    return ["category"]


def _place(draft: dict[str, str], values: Mapping[str, str], current: Mapping[str, str] | None,
           geocode: Geocoder) -> None:
    """Place an entry from its address when the source gave no usable coordinates."""
    moved = current is None or any(values.get(c, current[c]) != current[c] for c in _PLACE)
    if not moved or draft["latitude"] or not any(draft[c] for c in _PLACE):
        return
    # The same placement as every other save (curation.place_entry); a lone longitude is no place to keep.
    placed = place_entry({**draft, "latitude": "", "longitude": ""}, geocode)
    if placed["latitude"]:
        draft.update(latitude=validate_field("latitude", placed["latitude"]),
                     longitude=validate_field("longitude", placed["longitude"]),
                     geocode_quality=placed["geocode_quality"])
    elif current is not None:  # the old coordinates belong to the old address
        draft.update(latitude="", longitude="", geocode_quality="")


def _record(draft: dict[str, str], findings: list[Finding], *, fit: bool = False) -> None:
    """Add findings to an entry's review reasons (in the list's order) and notes (each line once).

    With `fit`, the notes are cut to the column's length: the last resort, so the rest of the row comes in.
    """
    reasons = set(split_list(draft["review_reasons"])) | {f.reason for f in findings if f.reason}
    draft["review_reasons"] = join_list([k for k in _REASON_ORDER if k in reasons])
    notes = [line for line in draft["review_notes"].split("\n") if line] + [f.line() for f in findings]
    draft["review_notes"] = "\n".join(dict.fromkeys(notes))
    if fit:
        draft["review_notes"] = draft["review_notes"][: FIELD_BY_NAME["review_notes"].max_length - 1]


def _settle(draft: dict[str, str], errors: Mapping[str, str], findings: list[Finding]) -> dict[str, str]:
    """Keep the fields a cross-field rule refuses as text in the notes, so the rest of the row comes in."""
    settled = dict(draft)
    for column, message in errors.items():
        if column in ("id", "name", "status", "row_version"):
            continue
        raw = settled.get(column, "")
        settled[column] = ""
        if column == "latitude" or column == "longitude":
            settled.update(latitude="", longitude="", geocode_quality="")
        findings.append(Finding("unreadable_value", column, f"{message}; kept here as written: '{raw}'"))
    _record(settled, findings, fit=True)
    if settled["status"] == "active":
        settled["status"] = "pending"
    return settled
