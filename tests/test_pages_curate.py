"""The Curate page through AppTest: sign-in, lock-out, add, edit, verify, retire, restore and conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import Accounts, Curator
from directory.routes import ROUTES
from directory.store import Store
from tests.apps import PASSWORD
from tests.factories import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def with_accounts(sample_dir: Path) -> Path:
    accounts = Accounts(sample_dir)
    accounts.add("dana", PASSWORD, "admin", by=None)
    accounts.add("lee", PASSWORD, "curator", by=None)
    return sample_dir


def _curate() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/curate.py")
    return at.run()


def _sign_in(at: AppTest, name: str = "lee", password: str = PASSWORD) -> AppTest:
    at.text_input(key="sign_in_name").set_value(name)
    at.text_input(key="sign_in_password").set_value(password)
    return _submit(at)


def _submit(at: AppTest) -> AppTest:
    submit = next(b for b in at.button if b.label == "Sign in")
    return submit.click().run()


def _text(at: AppTest) -> str:
    return "\n".join(str(e.value) for group in (at.markdown, at.caption, at.info, at.error, at.success, at.code)
                     for e in group)


def test_without_accounts_the_page_names_the_command(sample_dir: Path) -> None:
    """With no account yet, the page shows the exact command that creates one, and nothing else."""
    at = _curate()
    assert not at.exception
    assert "python -m directory curator add YOUR-NAME --admin" in _text(at)
    assert not [t for t in at.text_input if t.key and t.key.startswith("e_")]


def test_anonymous_visitors_see_only_the_sign_in_form(with_accounts: Path) -> None:
    """Not signed in: a sign-in form, no editing widgets, no save button."""
    at = _curate()
    assert [t.key for t in at.text_input] == ["sign_in_name", "sign_in_password"]
    assert all(b.label == "Sign in" for b in at.button)


def test_sign_in_succeeds_with_the_right_password_and_fails_with_a_wrong_one(with_accounts: Path) -> None:
    """A wrong password shows a message; the right one opens the editing tools; sign-out closes them."""
    at = _curate()
    _sign_in(at, password="wrong password")
    assert "do not match" in at.error[0].value
    _sign_in(at)
    assert not at.exception
    assert "Signed in as lee (curator)." in _text(at)
    assert at.text_input(key="e_name") is not None
    at.button(key="sign_out").click().run()
    assert [t.key for t in at.text_input] == ["sign_in_name", "sign_in_password"]


def test_repeated_failures_lock_the_account_out(with_accounts: Path) -> None:
    """After repeated wrong passwords even the right one is refused for a while."""
    at = _curate()
    for _ in range(3):
        _sign_in(at, password="wrong password")
    _sign_in(at)
    assert "wait" in at.error[0].value.lower() or "try again" in at.error[0].value.lower()
    assert not [t for t in at.text_input if t.key == "e_name"]


def _signed_in() -> AppTest:
    return _sign_in(_curate())


def test_add_then_edit_an_entry(with_accounts: Path) -> None:
    """A new entry is validated field by field, saved, then edited to version 2."""
    at = _signed_in()
    at.button(key="c_save").click().run()
    assert "3 fields need attention" in at.error[0].value
    assert any("Name: is required" in shown(e.value) for e in at.error)
    at.text_input(key="e_name").set_value("Friday Sober Karaoke").run()
    at.selectbox(key="e_category").set_value("sober_social").run()
    assert at.multiselect(key="e_support_types").value == ["affiliational"], "defaults follow the category"
    at.text_input(key="e_zip").set_value("19104")
    at.text_input(key="e_website").set_value("javascript:alert(1)")
    at.button(key="c_save").click().run()
    assert any("only http:// and https://" in shown(e.value) for e in at.error)
    at.text_input(key="e_website").set_value("https://example.org/karaoke")
    at.button(key="c_save").click().run()
    assert "Saved 'Friday Sober Karaoke'." in shown(at.success[0].value)
    store = Store(with_accounts)
    added = store.read_raw().query("name == 'Friday Sober Karaoke'").iloc[0]
    assert added["created_by"] == "lee" and added["row_version"] == "1"

    at.text_input(key="e_phone").set_value("215-555-0177")
    at.button(key="c_save").click().run()
    assert store.get(added["id"])["phone"] == "(215) 555-0177"
    assert store.get(added["id"])["row_version"] == "2"


def _open_entry(at: AppTest, resource_id: str) -> AppTest:
    return at.selectbox(key="c_entry").set_value(resource_id).run()


@pytest.mark.parametrize(
    ("now", "today", "stamp"),
    [
        ("2026-11-23T19:05", "2026-11-23", "2026-11-24T00:05:00Z"),  # 7:05 pm in New York is the next day in UTC
        ("2031-06-02T09:00", "2031-06-02", "2031-06-02T13:00:00Z"),  # a demo clock ahead of the machine's
    ],
)
def test_verify_retire_and_restore(with_accounts: Path, monkeypatch: pytest.MonkeyPatch, now: str, today: str,
                                   stamp: str) -> None:
    """Verified today stamps the directory's date (not the server's) and name; Retire and Restore."""
    monkeypatch.setenv("DIRECTORY_NOW", now)
    store = Store(with_accounts)
    resource_id = store.load().frame.iloc[0]["id"]
    at = _open_entry(_signed_in(), resource_id)
    at.button(key="c_verify").click().run()
    row = store.get(resource_id)
    assert (row["last_verified"], row["verified_by"], row["updated_at"]) == (today, "lee", stamp)
    at.button(key="c_status").click().run()
    assert store.get(resource_id)["status"] == "inactive"
    assert at.button(key="c_status").label == "Restore"
    at.button(key="c_status").click().run()
    assert store.get(resource_id)["status"] == "active"


def test_a_conflicting_edit_is_refused_and_can_be_redone(with_accounts: Path) -> None:
    """When someone else saved first, the save is refused, their change is shown, and the latest loads."""
    store = Store(with_accounts)
    row = store.load().frame.iloc[1]
    at = _open_entry(_signed_in(), row["id"])
    store.update(row["id"], {"hours": "Sat 10:00-12:00"}, base_version=row["row_version"],
                 by=Curator("dana", "admin"))
    at.text_input(key="e_phone").set_value("215-555-0188")
    at.button(key="c_save").click().run()
    assert "Changed since: hours" in shown(at.error[0].value)
    assert store.get(row["id"])["phone"] == row["phone"], "nothing was overwritten"
    next(b for b in at.button if b.label.startswith("Load the latest")).click().run()
    assert at.text_input(key="e_hours").value == "Sat 10:00-12:00"
    at.text_input(key="e_phone").set_value("215-555-0188")
    at.button(key="c_save").click().run()
    saved = store.get(row["id"])
    assert saved["phone"] == "(215) 555-0188" and saved["hours"] == "Sat 10:00-12:00"


def test_anonymous_navigation_shows_no_editing_page_besides_sign_in(with_accounts: Path) -> None:
    """Nothing but the sign-in form can be reached without signing in, and the store refuses anonymous writes."""
    at = _curate()
    assert not at.get("component_instance")
    with pytest.raises(PermissionError):
        Store(with_accounts).add({"name": "x"}, by=None)


def test_history_shows_changes_and_restores_a_version(with_accounts: Path) -> None:
    """The history lists who changed what; restoring a version saves its values as a new version."""
    store = Store(with_accounts)
    row = store.load().frame.iloc[4]
    at = _open_entry(_signed_in(), row["id"])
    at.text_input(key="e_phone").set_value("215-555-0144")
    at.button(key="c_save").click().run()
    assert any("Version" in m.value and "by lee" in m.value for m in at.markdown)
    assert store.get(row["id"])["phone"] == "(215) 555-0144"
    at.text_input(key="e_phone").set_value("215-555-0145")
    at.button(key="c_save").click().run()
    first = int(row["row_version"]) + 1
    at.button(key=f"c_restore_{first}").click().run()
    assert store.get(row["id"])["phone"] == "(215) 555-0144"
    assert f"Restored version {first}" in shown(at.success[0].value)


def test_a_likely_duplicate_is_flagged_and_can_be_merged_or_saved_anyway(with_accounts: Path) -> None:
    """Adding an entry with an existing phone offers a merge; saving anyway still works."""
    store = Store(with_accounts)
    existing = store.load().frame.query("phone != ''").iloc[0]
    at = _signed_in()
    at.text_input(key="e_name").set_value("Brand New Name")
    at.selectbox(key="e_category").set_value("sober_social").run()
    at.text_input(key="e_phone").set_value(existing["phone"])
    before = len(store.read_raw())
    at.button(key="c_save").click().run()
    assert "may already be listed" in at.warning[0].value
    assert len(store.read_raw()) == before
    at.button(key=f"c_merge_{existing['id']}").click().run()
    assert at.text_input(key="e_name").value == existing["name"], "the existing entry is open, its name kept"
    assert at.session_state["c_id"] == existing["id"]

    at.selectbox(key="c_entry").set_value("").run()
    at.text_input(key="e_name").set_value("Brand New Name")
    at.selectbox(key="e_category").set_value("sober_social").run()
    at.text_input(key="e_phone").set_value(existing["phone"])
    at.button(key="c_save").click().run()
    at.button(key="c_save_anyway").click().run()
    assert len(store.read_raw()) == before + 1


def test_script_saved_through_the_form_is_stored_as_text_and_shown_escaped(with_accounts: Path) -> None:
    """A payload typed as a name is stored exactly as typed and is only ever shown escaped."""
    payload = "<img src=x onerror=alert(1)> `${alert(1)}` </script>"
    at = _signed_in()
    at.text_input(key="e_name").set_value(payload)
    at.selectbox(key="e_category").set_value("sober_social").run()
    at.text_input(key="e_zip").set_value("19104")
    at.button(key="c_save").click().run()
    stored = Store(with_accounts).read_raw().query("name == @payload")
    assert len(stored) == 1, "stored as text, exactly as typed"
    assert all("<img" not in m.value or not m.allow_html for m in at.markdown)
    assert any("\\<img" in m.value for m in at.markdown), "the preview card shows it escaped"

    find = AppTest.from_file(APP, default_timeout=60)
    find.query_params["q"] = "onerror"
    find.run()
    card = next(m.value for m in find.markdown if "onerror" in m.value)
    assert "\\<img" in card and "\\`" in card and "\\$\\{" in card
    assert all("onerror" not in m.value for m in find.markdown if m.allow_html)

    find.switch_page("pages/map.py").run()
    script = json.loads(find.get("component_instance")[0].proto.json_args)["script"]
    assert "onerror=alert(1)" in script and "<img" not in script and "${alert" not in script


@pytest.mark.parametrize("route", [r for r in ROUTES if r.access != "public"], ids=lambda r: r.url_path)
def test_anonymous_sessions_cannot_open_peer_leader_pages(with_accounts: Path, route) -> None:
    """Every page beyond sign-in is unregistered for a visitor, so it cannot be opened at all."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(route.script)


def test_find_the_location_from_the_address(with_accounts: Path) -> None:
    """The geocode button fills the coordinates from the ZIP, marked as a ZIP centre."""
    at = _signed_in()
    at.text_input(key="e_zip").set_value("19104")
    at.button(key="e_geocode").click().run()
    assert abs(float(at.text_input(key="e_latitude").value) - 39.96) < 0.05
    assert at.selectbox(key="e_geocode_quality").value == "zip_centroid"


def _walk(node) -> list:
    """Every element under node, in the order the page draws them."""
    found = []
    for child in getattr(node, "children", {}).values():
        found.append(child)
        found += _walk(child)
    return found


def test_the_location_section_reads_address_first(with_accounts: Path) -> None:
    """The address fields come first, then the button and map that place them, then the coordinates."""
    at = _signed_in()
    location = next(e for e in at.expander if e.label.startswith("Location"))
    keys = [getattr(e, "key", None) for e in _walk(location)]
    assert keys.index("e_zip") < keys.index("e_geocode") < keys.index("e_latitude")
    assert keys.index("e_address") < keys.index("e_geocode")


def test_the_save_confirmation_is_right_under_the_buttons(with_accounts: Path) -> None:
    """After Save, 'Saved …' is drawn right after the Save button's row, not only at the top of the page."""
    at = _signed_in()
    at.text_input(key="e_name").set_value("Friday Sober Karaoke").run()
    at.selectbox(key="e_category").set_value("sober_social").run()
    at.text_input(key="e_zip").set_value("19104")
    at.button(key="c_save").click().run()
    elements = _walk(at.main)
    save_at = next(i for i, e in enumerate(elements) if getattr(e, "key", None) == "c_save")
    row_mates = ("c_verify", "c_status")  # the other buttons of the Save button's row
    after = next(e for e in elements[save_at + 1:]
                 if type(e).__name__ not in ("Column", "Block") and getattr(e, "key", None) not in row_mates)
    assert type(after).__name__ == "Success" and "Saved 'Friday Sober Karaoke'." in shown(after.value)


def test_history_shows_labels_and_local_times(with_accounts: Path) -> None:
    """History names fields and values as the form does, at the directory's local time, with a plural that agrees."""
    store = Store(with_accounts, clock=lambda: "2026-11-24T00:05:00Z")
    row = store.add({"name": "Sober Chess Club", "category": "sober_social", "support_types": "affiliational"},
                    by=Curator("dana", "admin"))
    at = _open_entry(_signed_in(), row["id"])
    assert any(e.label == "History (1 change)" for e in at.expander)
    assert any("by dana on Mon 23 Nov 2026, 7:05 pm" in m.value for m in at.markdown)
    table = at.dataframe[-1].value
    shown_rows = dict(zip(table["field"], table["after"], strict=True))
    assert shown_rows["Category"] == "Sober social and recreational activity"
    assert shown_rows["Kinds of support"] == "Affiliational"
    assert "sober_social" not in table.to_string()
