"""The stale list: which entries need checking, and the bulk "verified today"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from directory.auth import Curator
from directory.config import load_settings
from directory.curation import stale_entries, verify_many
from directory.store import Store
from directory.ui.table_pages import ROWS_PER_TABLE_PAGE
from tests.apps import signed_in_app
from tests.factories import valid_frame


def test_stale_entries_are_never_verified_first_then_oldest() -> None:
    """Inactive entries are left out; blank dates come first, then the oldest."""
    frame = valid_frame({"name": "Fresh", "last_verified": "2026-10-01"},
                        {"name": "Old", "last_verified": "2024-01-01"},
                        {"name": "Never", "last_verified": ""},
                        {"name": "Retired", "last_verified": "", "status": "inactive"})
    assert list(stale_entries(frame, 180, date(2026, 11, 1))["name"]) == ["Never", "Old"]


def test_verify_many_skips_entries_changed_meanwhile(sample_dir: Path) -> None:
    """A bulk verify stamps each entry, leaving out any that changed since the list was drawn."""
    store, lee = Store(sample_dir), Curator("lee", "curator")
    rows = store.load().frame.head(3)
    versions = dict(zip(rows["id"], rows["row_version"], strict=True))
    first = rows.iloc[0]
    store.update(first["id"], {"hours": "Sun closed"}, base_version=first["row_version"], by=lee)
    done, refused = verify_many(store, lee, versions, date(2026, 11, 20))
    assert refused == [first["id"]] and len(done) == 2
    assert all(store.get(i)["last_verified"] == "2026-11-20" for i in done)


def _today() -> date:
    """The app's today (the directory's zone), not the machine's: near midnight UTC they differ."""
    return load_settings().today()


def test_the_page_lists_stale_entries_a_page_at_a_time_and_verifies_them_all(sample_dir: Path) -> None:
    """Signed in, the page lists stale entries 100 to a page; 'select all' covers every page, in one write."""
    stale = stale_entries(Store(sample_dir).load().frame, 180, _today())
    assert len(stale) > ROWS_PER_TABLE_PAGE  # the sample is long enough to need a second page
    at = signed_in_app(sample_dir).switch_page("pages/stale.py").run()
    assert not at.exception
    assert list(at.dataframe[0].value["id"]) == list(stale["id"].head(ROWS_PER_TABLE_PAGE))
    at.number_input(key="st_page").set_value(2).run()
    assert list(at.dataframe[0].value["id"]) == list(stale["id"].iloc[ROWS_PER_TABLE_PAGE:2 * ROWS_PER_TABLE_PAGE])
    at.number_input(key="st_days").set_value(3650).run()
    assert len(at.dataframe[0].value) < ROWS_PER_TABLE_PAGE
    at.number_input(key="st_days").set_value(180).run()
    audit_before = len(Store(sample_dir).audit_entries())
    at.checkbox(key="st_all").check().run()
    at.button(key="st_verify").click().run()
    assert f"Marked {len(stale)} as verified today." in at.success[0].value
    assert at.dataframe[0].value.empty
    frame = Store(sample_dir).load().frame
    checked = frame[frame["id"].isin(stale["id"])]
    assert (checked["last_verified"] == _today().isoformat()).all()
    assert len(Store(sample_dir).audit_entries()) == audit_before + len(stale)  # each entry audited


def test_a_selection_on_one_page_verifies_only_those_rows(sample_dir: Path) -> None:
    """Rows picked on the second page are the ones verified, not the rows at the same places on the first."""
    stale = stale_entries(Store(sample_dir).load().frame, 180, _today())
    at = signed_in_app(sample_dir).switch_page("pages/stale.py").run()
    at.number_input(key="st_page").set_value(2).run()
    at.session_state[f"st_table_{ROWS_PER_TABLE_PAGE}"] = {"selection": {"rows": [0, 2], "columns": []}}
    at.run()
    at.button(key="st_verify").click().run()
    assert "Marked 2 as verified today." in at.success[0].value
    picked = stale["id"].iloc[[ROWS_PER_TABLE_PAGE, ROWS_PER_TABLE_PAGE + 2]]
    frame = Store(sample_dir).load().frame.set_index("id")
    assert (frame.loc[picked, "last_verified"] == _today().isoformat()).all()
    assert frame.loc[stale["id"].iloc[0], "last_verified"] != _today().isoformat()
