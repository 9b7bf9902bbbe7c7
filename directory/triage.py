"""The triage queue: imported entries waiting for a peer leader, grouped by problem, with bulk actions.

An import brings a row with unresolved problems or an uncertain category in as `pending`, with its
`review_reasons` (keys of taxonomy.REVIEW_REASONS) and `review_notes` (one line per finding, each starting
with the field it is about, e.g. "phone: '555-01' could not be read; kept here"). Every action here goes
through the store's audited, version-checked update, one entry at a time, so an entry someone changed since
the list was drawn is left alone and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from directory import taxonomy as tx
from directory.auth import Curator, require_role
from directory.errors import DirectoryError
from directory.i18n import N_, _, ngettext
from directory.schema import join_list, split_list
from directory.store import Store

# Entries whose every problem was checked but that are not published yet: listed last, so none is forgotten.
READY = tx.Term("checked", N_("Ready to publish"), N_("Every problem was checked; publish to list it."))
CATEGORY_REASONS: tuple[str, ...] = ("no_category", "inferred_category")
# Reasons a peer leader should confirm before publishing: the source hides the entry from its public lists.
CONFIRM_BEFORE_PUBLISHING: tuple[str, ...] = ("excluded_by_source",)

# The note lines that explain each reason: lines about these fields (or naming the reason itself).
REASON_FIELDS: dict[str, tuple[str, ...]] = {
    "no_category": ("category", "support_types"),
    "inferred_category": ("category", "support_types"),
    "bad_phone": ("phone", "other_phones", "conference_phone"),
    "unparsed_hours": ("hours", "hours_text"),
    "bad_location": ("latitude", "longitude", "geocode_quality", "location", "address", "city", "state", "zip"),
    "private_address": ("address", "location", "location_name", "location_confidential"),
    "excluded_by_source": ("status", "source"),
    "unreadable_value": (),
}

QUEUE_COLUMNS: tuple[str, ...] = (
    "id", "name", "organization", "category", "support_types", "city", "reasons", "notes",
    "location_confidential", "external_id", "created_by", "created_at", "row_version",
)


@dataclass
class TriageResult:
    """What a bulk action did: ids done, ids changed meanwhile (left alone), and refusals (id -> why)."""

    done: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


class _Refused(DirectoryError):
    """One entry cannot take this action; the message says why, naming the entry."""


def open_reasons(row: Mapping[str, str]) -> list[str]:
    """The reasons an entry still waits for, in REVIEW_REASONS order; an empty category always counts."""
    stored = set(split_list(str(row.get("review_reasons", ""))))
    # The category itself is the truth: once one is set (here or on Curate) "no category" is resolved.
    if row.get("category"):
        stored.discard("no_category")
    else:
        stored.add("no_category")
    return [key for key in tx.keys(tx.REVIEW_REASONS) if key in stored]


def review_queue(frame: pd.DataFrame) -> pd.DataFrame:
    """Pending entries waiting for review: with open reasons, no category, or an import's notes, by name.

    `reasons` holds the open reason keys joined by ";", and `notes` the import's findings.
    """
    # Only the columns the queue shows are taken: a whole row of every pending entry would read all 49 columns.
    needed = [c for c in QUEUE_COLUMNS if c not in ("reasons", "notes")] + ["review_reasons", "review_notes"]
    pending = frame.loc[frame["status"] == "pending", needed]
    reasons = [join_list(open_reasons({"category": category, "review_reasons": stored}))
               for category, stored in zip(pending["category"], pending["review_reasons"], strict=True)]
    waiting = pending.assign(reasons=reasons, notes=pending["review_notes"])
    waiting = waiting[(waiting["reasons"] != "") | (waiting["notes"] != "")]
    return waiting[list(QUEUE_COLUMNS)].sort_values("name", kind="stable").reset_index(drop=True)


def _note_field(line: str) -> str:
    return line.split(":", 1)[0].strip().lower() if ":" in line else ""


def relevant_notes(notes: str, reason: str, reasons: Iterable[str] = ()) -> str:
    """The lines of an entry's review notes that explain one of its `reasons`; all of them when none is specific.

    unreadable_value takes the lines that none of the entry's other reasons claims.
    """
    lines = [line for line in notes.splitlines() if line.strip()]
    if reason == "unreadable_value":
        claimed = {name for key in reasons if key != reason for name in (key, *REASON_FIELDS.get(key, ()))}
        picked = [line for line in lines if _note_field(line) not in claimed]
    else:
        wanted = {reason, *REASON_FIELDS.get(reason, ())}
        picked = [line for line in lines if _note_field(line) in wanted]
    return "\n".join(picked or lines)


def group_by_reason(queue: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """review_queue()'s entries by open reason, in REVIEW_REASONS order, then READY; only non-empty groups.

    An entry is in every group it has a reason for; each group's `evidence` column holds the note lines
    that explain that reason.
    """
    groups: dict[str, pd.DataFrame] = {}
    reason_sets = queue["reasons"].map(lambda cell: set(split_list(cell)))
    for key in tx.keys(tx.REVIEW_REASONS):
        members = queue[reason_sets.map(lambda found, key=key: key in found)]
        if len(members):
            evidence = [relevant_notes(notes, key, split_list(reasons))
                        for notes, reasons in zip(members["notes"], members["reasons"], strict=True)]
            groups[key] = members.assign(evidence=evidence).reset_index(drop=True)
    ready = queue[queue["reasons"] == ""]
    if len(ready):
        groups[READY.key] = ready.assign(evidence=ready["notes"]).reset_index(drop=True)
    return groups


def group_label(key: str) -> str:
    """The heading of a group: a review reason's label, or READY's."""
    return READY.label if key == READY.key else tx.label_of(tx.REVIEW_REASONS, key)


def group_explanation(key: str) -> str:
    """What a group's entries have in common, in plain words."""
    if key == READY.key:
        return READY.explanation
    return next((term.explanation for term in tx.REVIEW_REASONS if term.key == key), "")


def _each(store: Store, curator: Curator, versions: Mapping[str, str | int],
          change: Callable[[dict[str, str]], dict[str, str]]) -> TriageResult:
    """Apply `change(row)` to each pending entry still at its version, in one audited write."""
    require_role(curator)
    result = TriageResult()
    rows = {row["id"]: row for row in store.read_raw().to_dict("records")}
    updates: list[tuple[str, str, dict[str, str]]] = []
    for resource_id, base_version in versions.items():
        row = rows.get(resource_id)
        if row is None:
            result.refused[resource_id] = _("'{name}' is no longer in the directory.").format(name=resource_id)
        elif str(row["row_version"]) != str(base_version):
            result.conflicts.append(resource_id)
        elif row["status"] != "pending":
            result.refused[resource_id] = _("'{name}' is not waiting for review (it is {status}).").format(
                name=row["name"], status=tx.label_of(tx.STATUSES, row["status"]).lower())
        else:
            try:
                updates.append((resource_id, str(base_version), change(row)))
            except _Refused as refusal:
                result.refused[resource_id] = str(refusal)
    written = store.update_many(updates, by=curator, action="review")
    result.done += [row["id"] for row in written.updated]
    result.conflicts += written.conflicts
    for resource_id, errors in written.invalid.items():
        problems = "; ".join(f"{column}: {message}" for column, message in errors.items())
        result.refused[resource_id] = _("'{name}' cannot be saved: {problems}.").format(
            name=rows[resource_id]["name"], problems=problems)
    return result


def _without(row: Mapping[str, str], removed: tuple[str, ...], category: str | None = None) -> str:
    after = {**row, "category": category} if category is not None else row
    return join_list([key for key in open_reasons(after) if key not in removed])


def set_category(store: Store, curator: Curator, versions: Mapping[str, str | int], category: str) -> TriageResult:
    """Give the entries a category, clearing both category reasons; empty kinds of support get its defaults."""
    if category not in tx.CATEGORY_BY_KEY:
        raise ValueError(f"unknown category '{category}'")

    def change(row: dict[str, str]) -> dict[str, str]:
        support = row["support_types"] or join_list(tx.default_support_types(category))
        return {"category": category, "support_types": support,
                "review_reasons": _without(row, CATEGORY_REASONS, category)}

    return _each(store, curator, versions, change)


def resolve_reason(store: Store, curator: Curator, versions: Mapping[str, str | int], reason: str) -> TriageResult:
    """Mark one kind of problem as checked on the entries; the other reasons and the notes stay.

    A checked private address is marked confidential: no bulk action ever makes a private address public.
    """
    if reason not in tx.keys(tx.REVIEW_REASONS):
        raise ValueError(f"unknown review reason '{reason}'")
    label = tx.label_of(tx.REVIEW_REASONS, reason).lower()  # in the language of the run that acts

    def change(row: dict[str, str]) -> dict[str, str]:
        if reason in CATEGORY_REASONS and not row["category"]:
            raise _Refused(_("'{name}' has no category yet; set one first.").format(name=row["name"]))
        if reason not in open_reasons(row):
            raise _Refused(_("'{name}' is not waiting for: {reason}.").format(name=row["name"], reason=label))
        changes = {"review_reasons": _without(row, (reason,))}
        if reason == "private_address":
            changes["location_confidential"] = "yes"
        if reason in CATEGORY_REASONS and not row["support_types"]:
            changes["support_types"] = join_list(tx.default_support_types(row["category"]))
        return changes

    return _each(store, curator, versions, change)


def accept_inferred(store: Store, curator: Curator, versions: Mapping[str, str | int]) -> TriageResult:
    """Keep the category an import inferred for the entries; refused for entries without one."""
    return resolve_reason(store, curator, versions, "inferred_category")


def publish(store: Store, curator: Curator, versions: Mapping[str, str | int], *,
            hidden_by_source_confirmed: bool = False) -> TriageResult:
    """Make the entries active and clear their reasons; the notes stay as history.

    Refused per entry: no category or kinds of support, or the source hides it from its public lists and
    that was not confirmed. An entry with a private address is marked confidential.
    """
    def change(row: dict[str, str]) -> dict[str, str]:
        if not row["category"]:
            raise _Refused(_("'{name}' has no category; set one before publishing.").format(name=row["name"]))
        if not row["support_types"]:
            raise _Refused(_("'{name}' has no kinds of support; add them on Curate before publishing.").format(
                name=row["name"]))
        reasons = open_reasons(row)
        hidden = [key for key in CONFIRM_BEFORE_PUBLISHING if key in reasons]
        if hidden and not hidden_by_source_confirmed:
            raise _Refused(_("'{name}' is hidden by its source from public lists; confirm before publishing "
                             "it.").format(name=row["name"]))
        changes = {"status": "active", "review_reasons": ""}
        # No bulk action makes a private street address public; only an edit on Curate, one by one, can.
        if "private_address" in reasons:
            changes["location_confidential"] = "yes"
        return changes

    return _each(store, curator, versions, change)


def needs_confirmation(rows: pd.DataFrame) -> pd.DataFrame:
    """The entries among `rows` (queue rows) whose source hides them, to confirm before publishing."""
    return rows[rows["reasons"].map(lambda cell: any(k in split_list(cell) for k in CONFIRM_BEFORE_PUBLISHING))]


def kept_confidential(rows: pd.DataFrame) -> pd.DataFrame:
    """The entries among `rows` (queue rows) with a private address, which publishing keeps confidential."""
    return rows[rows["reasons"].map(lambda cell: "private_address" in split_list(cell))]


def describe(result: TriageResult, done: str | Callable[[int], str], names: Mapping[str, str]) -> list[str]:
    """Plain sentences for a result, in the current language; names map ids to names.

    `done` is a phrase put before the count ('Published' -> 'Published 2 entries.'), or a function of the count
    that writes the whole first sentence (so a language can place the count where it belongs).
    """
    count = len(result.done)
    if callable(done):
        lines = [done(count)]
    else:
        lines = [ngettext("{done} {count} entry.", "{done} {count} entries.", count).format(done=done, count=count)]
    if result.conflicts:
        changed = ", ".join(f"'{names.get(i, i)}'" for i in result.conflicts)
        conflicts = len(result.conflicts)
        # English reads "1 changed meanwhile and were left" as the page always has (1 of the selected entries).
        lines.append(ngettext("{count} changed meanwhile and were left for another look: {names}.",
                              "{count} changed meanwhile and were left for another look: {names}.",
                              conflicts).format(count=conflicts, names=changed))
    lines += list(result.refused.values())
    return lines
