"""The triage queue: which imported entries wait, how they group, and the audited bulk actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.auth import Curator
from directory.store import Store
from directory.triage import (
    READY,
    TriageResult,
    accept_inferred,
    describe,
    group_by_reason,
    open_reasons,
    publish,
    relevant_notes,
    resolve_reason,
    review_queue,
    set_category,
)
from tests.factories import make_record, valid_frame

IMPORTER, LEE = Curator("importer", "curator"), Curator("lee", "curator")
INFERRED_NOTE = "category: inferred 'support_group' (confidence 0.55) from words: 'support group' in description"
PHONE_NOTE = "phone: '555-01' could not be read; kept here"


def pending(**overrides: str) -> dict[str, str]:
    """An imported record waiting for review, with any field overridden."""
    return make_record(**{"status": "pending", "category": "", "support_types": "", **overrides})


@pytest.fixture
def seeded(empty_dir: Path) -> tuple[Store, dict[str, dict[str, str]]]:
    """A store holding imported entries in every state the queue cares about, by short name."""
    store = Store(empty_dir)
    records = {
        "uncategorised": pending(name="Uncategorised Place", review_reasons="no_category"),
        "guessed": pending(name="Guessed Group", category="support_group", support_types="emotional",
                           review_reasons="inferred_category;bad_phone", review_notes=f"{INFERRED_NOTE}\n{PHONE_NOTE}"),
        "guessed_bare": pending(name="Guessed Without Kinds", category="support_group",
                                review_reasons="inferred_category"),
        "hidden": pending(name="Hidden By Source", category="navigation", support_types="instrumental",
                          review_reasons="excluded_by_source", review_notes="status: Active, but do not refer"),
        "private": pending(name="Private Shelter", category="recovery_housing", support_types="instrumental",
                           review_reasons="private_address", review_notes="address: the source marks it private"),
        "checked": pending(name="Checked Already", category="sober_social", support_types="affiliational",
                           review_notes=PHONE_NOTE),
        "held": pending(name="Held By Hand", category="sober_social", support_types="affiliational"),
        "public": make_record(name="Public Bowling"),
    }
    rows = store.add_many(list(records.values()), by=IMPORTER)
    return store, dict(zip(records, rows, strict=True))


def _versions(*rows: dict[str, str]) -> dict[str, str]:
    return {row["id"]: row["row_version"] for row in rows}


@pytest.mark.parametrize(("category", "stored", "expected"), [
    ("", "", ["no_category"]),
    ("", "bad_phone", ["no_category", "bad_phone"]),
    ("sober_social", "no_category;unparsed_hours", ["unparsed_hours"]),
    ("sober_social", "private_address;inferred_category", ["inferred_category", "private_address"]),
    ("sober_social", "", []),
])
def test_open_reasons_follow_the_category_and_the_taxonomy_order(category: str, stored: str,
                                                                 expected: list[str]) -> None:
    """An empty category always counts as 'no category', a set one resolves it; order is REVIEW_REASONS'."""
    assert open_reasons({"category": category, "review_reasons": stored}) == expected


@pytest.mark.parametrize(("reason", "reasons", "expected"), [
    ("inferred_category", ["inferred_category", "bad_phone"], INFERRED_NOTE),
    ("bad_phone", ["inferred_category", "bad_phone"], PHONE_NOTE),
    ("unreadable_value", ["unreadable_value", "bad_phone", "inferred_category"],
     "populations: 'Seniors' not in the list"),
    ("unreadable_value", ["unreadable_value", "bad_phone"], f"{INFERRED_NOTE}\npopulations: 'Seniors' not in the list"),
    ("unparsed_hours", ["unparsed_hours"], f"{INFERRED_NOTE}\n{PHONE_NOTE}\npopulations: 'Seniors' not in the list"),
    ("excluded_by_source", ["excluded_by_source"], f"{INFERRED_NOTE}\n{PHONE_NOTE}\npopulations: 'Seniors' not in "
                                                   "the list"),
])
def test_relevant_notes_pick_the_lines_about_each_reason(reason: str, reasons: list[str], expected: str) -> None:
    """Each group shows the note lines about its own fields, and every line when none is specific."""
    notes = f"{INFERRED_NOTE}\n{PHONE_NOTE}\n\npopulations: 'Seniors' not in the list"
    assert relevant_notes(notes, reason, reasons) == expected


def test_the_queue_lists_pending_entries_that_wait_for_review(seeded) -> None:
    """Pending entries with reasons, no category or an import's notes are listed; held and public ones are not."""
    store, rows = seeded
    queue = review_queue(store.load().frame)
    assert list(queue["name"]) == sorted(rows[k]["name"] for k in
                                         ("uncategorised", "guessed", "guessed_bare", "hidden", "private", "checked"))
    listed = queue.set_index("name")
    assert listed.loc["Guessed Group", "reasons"] == "inferred_category;bad_phone"
    assert listed.loc["Checked Already", "reasons"] == ""
    assert {"id", "row_version", "notes", "external_id", "created_by"} <= set(queue.columns)


def test_an_empty_frame_gives_an_empty_queue_and_no_groups() -> None:
    """With nothing pending there is nothing to group."""
    queue = review_queue(valid_frame({"name": "Public"}))
    assert queue.empty and group_by_reason(queue) == {}


def test_groups_follow_the_reasons_and_an_entry_can_be_in_several(seeded) -> None:
    """Groups come in REVIEW_REASONS order with READY last, each carrying the evidence for its reason."""
    store, _ = seeded
    groups = group_by_reason(review_queue(store.load().frame))
    assert list(groups) == ["no_category", "inferred_category", "bad_phone", "private_address",
                            "excluded_by_source", READY.key]
    assert list(groups["inferred_category"]["name"]) == ["Guessed Group", "Guessed Without Kinds"]
    assert list(groups["bad_phone"]["name"]) == ["Guessed Group"]
    assert groups["inferred_category"].set_index("name").loc["Guessed Group", "evidence"] == INFERRED_NOTE
    assert groups["bad_phone"].iloc[0]["evidence"] == PHONE_NOTE
    assert list(groups[READY.key]["name"]) == ["Checked Already"]


def test_set_category_fills_kinds_of_support_and_clears_both_category_reasons(seeded) -> None:
    """The category is set, empty kinds of support get the category's defaults, other reasons stay."""
    store, rows = seeded
    result = set_category(store, LEE, _versions(rows["uncategorised"], rows["guessed"]), "peer_coaching")
    assert sorted(result.done) == sorted([rows["uncategorised"]["id"], rows["guessed"]["id"]])
    uncategorised, guessed = store.get(rows["uncategorised"]["id"]), store.get(rows["guessed"]["id"])
    assert (uncategorised["category"], uncategorised["support_types"], uncategorised["review_reasons"]) == (
        "peer_coaching", "emotional;instrumental", "")
    assert (guessed["category"], guessed["support_types"], guessed["review_reasons"]) == (
        "peer_coaching", "emotional", "bad_phone")
    assert guessed["status"] == "pending" and guessed["review_notes"] == f"{INFERRED_NOTE}\n{PHONE_NOTE}"


def test_set_category_refuses_an_unknown_category(seeded) -> None:
    """A category key that is not in the taxonomy is a programming error, not a per-entry refusal."""
    store, rows = seeded
    with pytest.raises(ValueError, match="unknown category"):
        set_category(store, LEE, _versions(rows["uncategorised"]), "bar_crawl")


def test_accepting_the_inferred_category_keeps_it_and_fills_missing_kinds(seeded) -> None:
    """Accept removes 'inferred category' only; an entry without kinds of support gets the defaults."""
    store, rows = seeded
    result = accept_inferred(store, LEE, _versions(rows["guessed"], rows["guessed_bare"]))
    assert len(result.done) == 2 and not result.refused
    assert store.get(rows["guessed"]["id"])["review_reasons"] == "bad_phone"
    bare = store.get(rows["guessed_bare"]["id"])
    assert (bare["category"], bare["support_types"], bare["review_reasons"]) == ("support_group",
                                                                                 "emotional;affiliational", "")


@pytest.mark.parametrize(("action", "entry", "message"), [
    (lambda s, v: accept_inferred(s, LEE, v), "uncategorised", "has no category yet; set one first"),
    (lambda s, v: resolve_reason(s, LEE, v, "bad_phone"), "hidden", "is not waiting for: phone number not readable"),
    (lambda s, v: publish(s, LEE, v), "uncategorised", "has no category; set one before publishing"),
    (lambda s, v: publish(s, LEE, v), "guessed_bare", "has no kinds of support"),
    (lambda s, v: publish(s, LEE, v), "hidden", "is hidden by its source from public lists; confirm"),
    (lambda s, v: set_category(s, LEE, v, "navigation"), "held_public", "is not waiting for review (it is active)"),
])
def test_actions_refuse_entries_they_do_not_fit_and_change_nothing(seeded, action, entry: str,
                                                                   message: str) -> None:
    """Each refusal names the entry and says why; the entry keeps its version."""
    store, rows = seeded
    row = rows["public" if entry == "held_public" else entry]
    result = action(store, _versions(row))
    assert result.done == [] and result.conflicts == []
    assert result.refused[row["id"]].startswith(f"'{row['name']}' {message}")
    assert store.get(row["id"])["row_version"] == row["row_version"]


def test_resolving_a_reason_marks_only_that_problem_as_checked(seeded) -> None:
    """'Mark as checked' drops one reason and keeps the others and the notes."""
    store, rows = seeded
    result = resolve_reason(store, LEE, _versions(rows["guessed"]), "bad_phone")
    after = store.get(rows["guessed"]["id"])
    assert result.done == [rows["guessed"]["id"]]
    assert (after["review_reasons"], after["status"]) == ("inferred_category", "pending")
    assert after["review_notes"] == rows["guessed"]["review_notes"]


def test_checking_a_private_address_keeps_it_confidential(seeded) -> None:
    """Marking a private address as checked marks the location confidential; the address itself is kept."""
    store, rows = seeded
    resolve_reason(store, LEE, _versions(rows["private"]), "private_address")
    after = store.get(rows["private"]["id"])
    assert (after["review_reasons"], after["location_confidential"], after["address"]) == (
        "", "yes", rows["private"]["address"])


def test_resolving_an_unknown_reason_is_an_error(seeded) -> None:
    """Only keys of REVIEW_REASONS can be marked as checked."""
    store, rows = seeded
    with pytest.raises(ValueError, match="unknown review reason"):
        resolve_reason(store, LEE, _versions(rows["guessed"]), "too_loud")


def test_publishing_makes_entries_public_and_keeps_the_notes_as_history(seeded) -> None:
    """Publish sets status active and clears the reasons; the import's notes stay."""
    store, rows = seeded
    result = publish(store, LEE, _versions(rows["guessed"], rows["checked"]))
    assert sorted(result.done) == sorted([rows["guessed"]["id"], rows["checked"]["id"]])
    for key in ("guessed", "checked"):
        after = store.get(rows[key]["id"])
        assert (after["status"], after["review_reasons"]) == ("active", "")
        assert after["review_notes"] == rows[key]["review_notes"]
    assert rows["guessed"]["id"] not in set(review_queue(store.load().frame)["id"])


def test_publishing_an_entry_the_source_hides_needs_confirmation(seeded) -> None:
    """Confirmed, an entry the source keeps off its public lists is published."""
    store, rows = seeded
    result = publish(store, LEE, _versions(rows["hidden"]), hidden_by_source_confirmed=True)
    assert result.done == [rows["hidden"]["id"]]
    assert store.get(rows["hidden"]["id"])["status"] == "active"


def test_publishing_a_private_address_keeps_it_confidential(seeded) -> None:
    """An entry whose private address was not checked is published as a confidential location."""
    store, rows = seeded
    assert rows["private"]["location_confidential"] == ""
    publish(store, LEE, _versions(rows["private"]))
    after = store.get(rows["private"]["id"])
    assert (after["status"], after["location_confidential"], after["address"]) == (
        "active", "yes", rows["private"]["address"])


ACTIONS = {
    "set_category": lambda store, versions: set_category(store, LEE, versions, "navigation"),
    "accept_inferred": lambda store, versions: accept_inferred(store, LEE, versions),
    "resolve_reason": lambda store, versions: resolve_reason(store, LEE, versions, "bad_phone"),
    "publish": lambda store, versions: publish(store, LEE, versions),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_an_entry_changed_meanwhile_is_left_alone_and_reported(seeded, name: str) -> None:
    """Every action skips an entry someone changed since the list was drawn, and still does the rest."""
    store, rows = seeded
    guessed, other = rows["guessed"], rows["guessed_bare"]
    store.update(guessed["id"], {"description": "Edited by dana"}, base_version=guessed["row_version"],
                 by=Curator("dana", "curator"))
    if name == "resolve_reason":
        other = store.update(other["id"], {"review_reasons": "bad_phone;inferred_category"},
                             base_version=other["row_version"], by=IMPORTER)
    if name == "publish":
        other = store.update(other["id"], {"support_types": "emotional"}, base_version=other["row_version"],
                             by=IMPORTER)
    before = store.get(guessed["id"])
    result = ACTIONS[name](store, _versions(guessed, other))
    assert result.conflicts == [guessed["id"]]
    assert result.done == [other["id"]]
    assert store.get(guessed["id"]) == before


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_action_is_written_to_the_audit_log_by_the_curator(seeded, name: str) -> None:
    """Each change is an audited update naming the peer leader, with before and after values."""
    store, rows = seeded
    row = rows["guessed"]
    ACTIONS[name](store, _versions(row))
    entry = store.audit_entries(row["id"])[-1]
    assert (entry["by"], entry["action"], entry["version"]) == ("lee", "review", 2)
    assert entry["changes"]


def test_actions_need_a_signed_in_curator(seeded) -> None:
    """No curator, no change: the domain checks the role whatever the page shows."""
    store, rows = seeded
    with pytest.raises(PermissionError):
        publish(store, None, _versions(rows["checked"]))
    assert store.get(rows["checked"]["id"])["status"] == "pending"


def test_an_entry_that_vanished_is_refused_with_its_id(seeded) -> None:
    """An id that is no longer in the file is reported, not an error."""
    store, _ = seeded
    result = publish(store, LEE, {"r-gone": "1"})
    assert result.refused == {"r-gone": "'r-gone' is no longer in the directory."}


@pytest.mark.parametrize(("result", "expected"), [
    (TriageResult(done=["a"]), ["Published 1 entry."]),
    (TriageResult(done=["a", "b"], conflicts=["c"]),
     ["Published 2 entries.", "1 changed meanwhile and were left for another look: 'Cee'."]),
    (TriageResult(refused={"d": "'Dee' has no category; set one before publishing."}),
     ["Published 0 entries.", "'Dee' has no category; set one before publishing."]),
])
def test_describe_says_what_was_done_left_and_refused(result: TriageResult, expected: list[str]) -> None:
    """The page's message names entries left alone and the reason for each refusal."""
    assert describe(result, "Published", {"c": "Cee"}) == expected

