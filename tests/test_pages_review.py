"""The review queue through AppTest: approve, reject, and edit a reported change before merging it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.gazetteer import zip_centroid
from directory.store import Store
from directory.suggestions import Suggestions
from tests.apps import APP, signed_in_app
from tests.factories import shown


@pytest.fixture
def signed_in(sample_dir: Path) -> AppTest:
    return signed_in_app(sample_dir)


def _review(at: AppTest) -> AppTest:
    return at.switch_page("pages/review.py").run()


def test_a_suggestion_is_approved_into_the_directory(signed_in: AppTest, sample_dir: Path) -> None:
    """Approve turns a complete suggestion into an active entry and empties the queue."""
    queued = Suggestions(sample_dir).submit("new", fields={"name": "Sober Bingo Night", "category": "sober_social",
                                                           "zip": "19104"})
    at = _review(signed_in)
    assert not at.exception
    at.text_input(key=f"r_note_{queued.id}").set_value("called them")
    at.button(key=f"r_approve_{queued.id}").click().run()
    assert "Added 'Sober Bingo Night'" in shown(at.success[0].value)
    decided = Suggestions(sample_dir).all()[0]
    assert (decided.status, decided.note) == ("approved", "called them")
    row = Store(sample_dir).get(decided.result_id)
    assert (row["support_types"], row["created_by"]) == ("affiliational", "lee")


def test_an_incomplete_suggestion_says_what_is_missing(signed_in: AppTest, sample_dir: Path) -> None:
    """Without a category, Approve explains and leaves the suggestion open."""
    queued = Suggestions(sample_dir).submit("new", fields={"name": "Mystery Place"})
    at = _review(signed_in)
    at.button(key=f"r_approve_{queued.id}").click().run()
    assert any("Category: is required" in shown(e.value) for e in at.error)
    assert [s.id for s in Suggestions(sample_dir).open()] == [queued.id]


def test_a_suggestion_is_rejected_with_a_note(signed_in: AppTest, sample_dir: Path) -> None:
    """Reject closes a suggestion with the curator's note and adds nothing."""
    before = len(Store(sample_dir).read_raw())
    queued = Suggestions(sample_dir).submit("new", fields={"name": "Happy Hour Specials"})
    at = _review(signed_in)
    at.text_input(key=f"r_note_{queued.id}").set_value("not alcohol-free")
    at.button(key=f"r_reject_{queued.id}").click().run()
    decided = Suggestions(sample_dir).all()[0]
    assert (decided.status, decided.decided_by, decided.note) == ("rejected", "lee", "not alcohol-free")
    assert len(Store(sample_dir).read_raw()) == before


def test_a_reported_change_is_edited_in_curate_and_merged(signed_in: AppTest, sample_dir: Path) -> None:
    """Edit the entry opens it in Curate; saving applies the fix and closes the report as merged."""
    entry = Store(sample_dir).load().frame.iloc[2]
    report = Suggestions(sample_dir).submit("change", resource_id=entry["id"], message="new phone 215-555-0166")
    at = _review(signed_in)
    at.button(key=f"r_edit_{report.id}").click().run()
    assert at.title[0].value == "Curate the directory"
    assert at.text_input(key="e_name").value == entry["name"]
    at.switch_page("pages/curate.py")  # the browser's URL is now /curate; AppTest needs telling
    at.text_input(key="e_phone").set_value("215-555-0166")
    at.button(key="c_save").click().run()
    assert "closed the suggestion" in shown(at.success[0].value)
    assert Store(sample_dir).get(entry["id"])["phone"] == "(215) 555-0166"
    assert Suggestions(sample_dir).all()[0].status == "merged"


def test_visitors_cannot_reach_the_review_queue(sample_dir: Path) -> None:
    """The review page is not registered for a session that has not signed in."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/review.py")


def test_approving_a_likely_duplicate_offers_a_merge(signed_in: AppTest, sample_dir: Path) -> None:
    """A suggestion that matches an existing entry is not added twice; Merge opens the existing entry."""
    existing = Store(sample_dir).load().frame.query("website != ''").iloc[0]
    queued = Suggestions(sample_dir).submit("new", fields={"name": "Some Other Name", "category": "sober_social",
                                                           "website": existing["website"], "zip": "19104"})
    at = _review(signed_in)
    before = len(Store(sample_dir).read_raw())
    at.button(key=f"r_approve_{queued.id}").click().run()
    assert len(Store(sample_dir).read_raw()) == before
    at.button(key=f"r_merge_{queued.id}_{existing['id']}").click().run()
    assert at.title[0].value == "Curate the directory"
    assert at.session_state["c_id"] == existing["id"]
    assert at.session_state["c_suggestion"] == queued.id


def test_an_approved_suggestion_is_placed_and_found_near_its_zip(signed_in: AppTest, sample_dir: Path) -> None:
    """'12 Oak St, 19104' with no coordinates is saved at the ZIP's centre, so a search near 19104 lists it."""
    queued = Suggestions(sample_dir).submit("new", fields={"name": "Oak Street Recovery Cafe",
                                                           "category": "sober_social", "address": "12 Oak St",
                                                           "zip": "19104"})
    at = _review(signed_in)
    at.button(key=f"r_approve_{queued.id}").click().run()
    assert not at.exception and "Added 'Oak Street Recovery Cafe'" in shown(at.success[0].value)
    row = Store(sample_dir).get(Suggestions(sample_dir).all()[0].result_id)
    assert row["geocode_quality"] == "zip_centroid"
    assert (float(row["latitude"]), float(row["longitude"])) == zip_centroid("19104")

    find = AppTest.from_file(APP, default_timeout=60)
    find.query_params["near"] = "19104"
    find.query_params["q"] = "Oak Street"
    find.run()
    assert any("Oak Street Recovery Cafe" in shown(m.value) for m in find.markdown)


def test_the_review_card_shows_labels_and_agrees_in_number(signed_in: AppTest, sample_dir: Path) -> None:
    """One suggestion is '1 suggestion waiting'; its details show field and category labels, not stored keys."""
    Suggestions(sample_dir).submit("new", fields={"name": "Sober Bingo Night", "category": "sober_social",
                                                  "zip": "19104"})
    at = _review(signed_in)
    assert any(c.value.startswith("1 suggestion waiting.") for c in at.caption)
    details = "\n".join(t.value for t in at.text)
    assert "Category: Sober social and recreational activity" in details and "ZIP: 19104" in details
    assert "sober_social" not in details
