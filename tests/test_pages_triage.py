"""The triage page through AppTest: groups with counts, selections, bulk actions, refusals and access."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import Curator
from directory.store import Store
from directory.triage import group_label
from directory.ui.triage import TAB_KEY
from tests.apps import APP, signed_in_app
from tests.factories import make_record, shown

IMPORTER = Curator("importer", "curator")
HOSTILE = "**Loud** [click](https://example.org) $x$"


def _pending(**overrides: str) -> dict[str, str]:
    return make_record(**{"status": "pending", "category": "", "support_types": "", **overrides})


@pytest.fixture
def seeded(sample_dir: Path) -> dict[str, dict[str, str]]:
    """Imported entries waiting for review, added to a copy of the sample, by name."""
    records = [
        _pending(name="Alpha Unsorted", review_reasons="no_category"),
        _pending(name="Beta Unsorted", review_reasons="no_category;bad_phone",
                 review_notes="phone: '555-01' could not be read; kept here"),
        _pending(name=HOSTILE, review_reasons="no_category"),
        _pending(name="Gamma Guessed", category="support_group", support_types="emotional",
                 review_reasons="inferred_category",
                 review_notes="category: inferred 'support_group' (confidence 0.55) from words: 'support group'"),
        _pending(name="Delta Hidden", category="navigation", support_types="instrumental",
                 review_reasons="excluded_by_source", review_notes="status: Active, but do not refer"),
    ]
    rows = Store(sample_dir).add_many(records, by=IMPORTER)
    return {row["name"]: row for row in rows}


def _triage(data_dir: Path) -> AppTest:
    at = signed_in_app(data_dir).switch_page("pages/triage.py").run()
    assert not at.exception
    return at


def _select(at: AppTest, group: str, names: list[str], round_: int = 0) -> AppTest:
    """Open a group's tab and select the named rows of its table, as clicks would."""
    at.session_state[TAB_KEY] = group_label(group)
    at.run()
    key = f"tr_table_{group}_{round_}"
    listed = list(next(d for d in at.dataframe if d.key == key).value["name"])
    at.session_state[key] = {"selection": {"rows": [listed.index(name) for name in names], "columns": []}}
    return at.run()


def test_each_group_is_shown_with_its_count_and_evidence(seeded, sample_dir: Path) -> None:
    """Counts per problem, a tab per group drawn when opened, and the inferred category's evidence."""
    at = _triage(sample_dir)
    assert {m.label: m.value for m in at.metric} == {"No category": "3", "Inferred category": "1",
                                                     "Phone number not readable": "1", "Hidden by the source": "1"}
    assert [t.label for t in at.tabs] == ["No category", "Inferred category", "Phone number not readable",
                                          "Hidden by the source"]
    assert "No category: 3" in [h.value for h in at.header]
    assert [d.key for d in at.dataframe] == ["tr_table_no_category_0"]
    at.session_state[TAB_KEY] = "Inferred category"
    guessed = at.run().dataframe[0].value
    assert "confidence 0.55" in guessed.iloc[0]["evidence"]
    assert guessed.iloc[0]["category"] == "Peer-led support group or mutual-aid meeting"


def test_selected_rows_get_a_category_and_leave_the_group(seeded, sample_dir: Path) -> None:
    """Picking two rows and a category sets it on both, through audited updates by the peer leader."""
    at = _select(_triage(sample_dir), "no_category", ["Alpha Unsorted", "Beta Unsorted"])
    at.selectbox(key="tr_category_no_category").set_value("navigation").run()
    at.button(key="tr_set_no_category_0").click().run()
    assert not at.exception
    assert "on 2 entries." in shown(at.success[0].value)
    for name in ("Alpha Unsorted", "Beta Unsorted"):
        row = Store(sample_dir).get(seeded[name]["id"])
        assert (row["category"], row["status"], row["updated_by"]) == ("navigation", "pending", "lee")
    assert at.metric[0].label == "No category" and at.metric[0].value == "1"


def test_publishing_lists_the_entry_and_empties_its_group(seeded, sample_dir: Path) -> None:
    """Accepting the inferred category then publishing makes the entry active and public."""
    at = _select(_triage(sample_dir), "inferred_category", ["Gamma Guessed"])
    at.button(key="tr_accept_inferred_category_0").click().run()
    assert "Accepted the inferred category of 1 entry." in shown(at.success[0].value)
    assert "Ready to publish" in [t.label for t in at.tabs]
    _select(at, "checked", ["Gamma Guessed"], round_=1)
    at.button(key="tr_publish_checked_1").click().run()
    assert "Published 1 entry." in shown(at.success[0].value)
    row = Store(sample_dir).get(seeded["Gamma Guessed"]["id"])
    assert (row["status"], row["review_reasons"], row["category"]) == ("active", "", "support_group")
    assert "confidence 0.55" in row["review_notes"]


def test_publishing_without_a_category_is_refused_with_the_name_escaped(seeded, sample_dir: Path) -> None:
    """Publish refuses entries without a category, one message each, and shows names as plain text."""
    at = _select(_triage(sample_dir), "no_category", ["Alpha Unsorted", "Beta Unsorted", HOSTILE])
    at.button(key="tr_publish_no_category_0").click().run()
    assert "Published 0 entries." in shown(at.success[0].value)
    refusals = [w.value for w in at.warning]
    assert len(refusals) == 3 and all("has no category; set one before publishing" in shown(w) for w in refusals)
    hostile = next(w for w in refusals if "Loud" in w)
    assert "\\*\\*Loud\\*\\* \\[click\\]" in hostile and "\\$x\\$" in hostile
    assert all(Store(sample_dir).get(row["id"])["status"] == "pending" for row in seeded.values())


def test_an_entry_the_source_hides_is_published_only_after_confirming(seeded, sample_dir: Path) -> None:
    """The page warns, and Publish waits for the peer leader to confirm."""
    at = _select(_triage(sample_dir), "excluded_by_source", ["Delta Hidden"])
    assert any("hides 1 of the selected entries" in w.value for w in at.warning)
    assert at.button(key="tr_publish_excluded_by_source_0").disabled
    at.checkbox(key="tr_confirm_excluded_by_source_0").check().run()
    at.button(key="tr_publish_excluded_by_source_0").click().run()
    assert "Published 1 entry." in shown(at.success[0].value)
    assert Store(sample_dir).get(seeded["Delta Hidden"]["id"])["status"] == "active"


def test_an_entry_opens_in_curate_to_be_fixed_by_hand(seeded, sample_dir: Path) -> None:
    """'Fix ... in Curate' opens the Curate page with that entry loaded."""
    at = _select(_triage(sample_dir), "bad_phone", ["Beta Unsorted"])
    at.button(key="tr_curate_bad_phone_0").click().run()
    assert not at.exception
    assert at.selectbox(key="c_entry").value == seeded["Beta Unsorted"]["id"]
    assert at.text_input(key="e_name").value == "Beta Unsorted"


def test_with_nothing_imported_the_page_says_so(sample_dir: Path) -> None:
    """The sample's own pending entries are not imports waiting for review."""
    at = _triage(sample_dir)
    assert "Nothing waits for review." in [i.value for i in at.info]
    assert not at.dataframe


def test_a_visitor_cannot_open_the_page(seeded, sample_dir: Path) -> None:
    """Without signing in, the page is not registered at all."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/triage.py")
