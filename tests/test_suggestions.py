"""The public suggestion queue: checks on the way in, decisions by curators, nothing about the person."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.auth import Curator
from directory.geo import geocode_offline
from directory.store import Store
from directory.suggestions import FIELD_LIMIT, SuggestionError, Suggestions
from tests.factories import make_record

LEE = Curator("lee", "curator")


def test_a_new_resource_suggestion_waits_in_the_queue(empty_dir: Path) -> None:
    """A suggestion is queued with cleaned fields and does not touch the directory."""
    queue = Suggestions(empty_dir)
    queued = queue.submit("new", fields={"name": " Sober\x00 Bingo ", "city": "Media", "ssn": "no"})
    assert queued.fields == {"name": "Sober Bingo", "city": "Media"}
    assert [s.id for s in queue.open()] == [queued.id]
    assert not (empty_dir / "resources.csv").exists()


@pytest.mark.parametrize(
    ("kind", "fields", "resource_id", "message", "why"),
    [
        ("spam", {}, "", "", "choose a new resource"),
        ("new", {}, "", "", "needs at least a name"),
        ("new", {"name": "x" * (FIELD_LIMIT + 1)}, "", "", "at most"),
        ("change", {}, "", "phone is wrong", "say which entry"),
        ("change", {}, "phl-0001", "y" * 1001, "at most 1000"),
    ],
)
def test_bad_suggestions_are_refused(empty_dir: Path, kind, fields, resource_id, message, why) -> None:
    """Length limits and required parts are checked before anything is queued."""
    with pytest.raises(SuggestionError, match=why):
        Suggestions(empty_dir).submit(kind, fields=fields, resource_id=resource_id, message=message)
    assert Suggestions(empty_dir).all() == []


def test_approve_adds_the_edited_entry_and_closes_the_suggestion(empty_dir: Path) -> None:
    """Approval adds the peer leader's edited version and records who decided."""
    queue, store = Suggestions(empty_dir), Store(empty_dir)
    queued = queue.submit("new", fields={"name": "Sober Bingo"})
    row = queue.approve(store, LEE, queued, make_record(name="Sober Bingo Night"), geocode=geocode_offline,
                        note="checked by phone").row
    decided = queue.all()[0]
    assert (decided.status, decided.decided_by, decided.result_id) == ("approved", "lee", row["id"])
    assert store.get(row["id"])["name"] == "Sober Bingo Night"
    assert queue.open() == []


def test_merge_and_reject(empty_dir: Path) -> None:
    """A change report merges into its entry; another is rejected with a note; neither can be decided twice."""
    queue, store = Suggestions(empty_dir), Store(empty_dir)
    entry = store.add(make_record(), by=LEE)
    report = queue.submit("change", resource_id=entry["id"], message="phone is now 215-555-0111")
    # What the Review page does: the change is saved on Curate, and the save closes the suggestion.
    store.update(entry["id"], {"phone": "215-555-0111"}, base_version=entry["row_version"], by=LEE)
    queue.decide(LEE, report.id, "merged", result_id=entry["id"])
    assert store.get(entry["id"])["phone"] == "(215) 555-0111"
    spam = queue.submit("change", resource_id=entry["id"], message="buy now")
    queue.decide(LEE, spam.id, "rejected", note="not about the entry")
    assert {s.status for s in queue.all()} == {"merged", "rejected"}
    with pytest.raises(SuggestionError):
        queue.decide(LEE, spam.id, "rejected")


def test_deciding_needs_a_curator(empty_dir: Path) -> None:
    """A visitor can suggest but never decide."""
    queue = Suggestions(empty_dir)
    queued = queue.submit("new", fields={"name": "Sober Bingo"})
    with pytest.raises(PermissionError):
        queue.decide(None, queued.id, "approved")


def test_an_approval_that_cannot_be_saved_leaves_the_suggestion_open(empty_dir: Path) -> None:
    """Approval goes through the one save path: missing fields or a likely duplicate keep the suggestion open."""
    queue, store = Suggestions(empty_dir), Store(empty_dir)
    existing = store.add(make_record(), by=LEE)
    incomplete = queue.submit("new", fields={"name": "Mystery Place"})
    refused = queue.approve(store, LEE, incomplete, {"name": "Mystery Place"}, geocode=geocode_offline)
    assert "category" in refused.errors
    twin = queue.submit("new", fields={"name": "Tuesday Bowling"})
    found = queue.approve(store, LEE, twin, make_record(name="Tuesday Bowling"), geocode=geocode_offline)
    assert [d["id"] for d in found.duplicates] == [existing["id"]]
    assert {s.id for s in queue.open()} == {incomplete.id, twin.id} and len(store.read_raw()) == 1
    assert queue.approve(store, LEE, twin, make_record(name="Tuesday Bowling"), geocode=geocode_offline,
                         duplicates_ok=True).saved
    assert [s.id for s in queue.open()] == [incomplete.id]
