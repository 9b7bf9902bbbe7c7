"""Sign-in and sessions through AppTest: a removed account's open page stops writing; the owner of an account under
attack signs in from another session; sign-out ends the session on the server."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import ACCOUNT_MAX_DELAY, Accounts, NotAllowed, require_role
from directory.cli import main
from directory.store import Store
from tests.apps import APP, PASSWORD, signed_in_app
from tests.factories import HandClock

CSV = b"Agency Name,Category,PhysicalPostalCode\r\nHarbor House,recovery_housing,19104\r\n"


@pytest.fixture
def clock(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> HandClock:
    """The app's accounts follow this clock (the services are built afresh for each test's data folder)."""
    found = HandClock(time.time())
    monkeypatch.setattr("directory.ui.services.Accounts", lambda folder: Accounts(folder, clock=found))
    Accounts(sample_dir).add("lee", PASSWORD, "curator", by=None)
    return found


def _curate() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/curate.py")
    return at.run()


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").set_value(name)
    at.text_input(key="sign_in_password").set_value(password)
    return at.button(key="sign_in_submit").click().run()


def _remove(data_dir: Path, name: str) -> None:
    assert main(["curator", "remove", name, "--data-dir", str(data_dir)]) == 0


def _shows_sign_in(at: AppTest) -> bool:
    return [t.key for t in at.text_input] == ["sign_in_name", "sign_in_password"]


def test_a_removed_account_can_no_longer_verify_or_save(sample_dir: Path) -> None:
    """After `curator remove lee`, lee's open pages change nothing; each is back at the sign-in form."""
    Accounts(sample_dir).add("dana", PASSWORD, "admin", by=None)
    store = Store(sample_dir)
    row = store.load().frame.iloc[0]
    verifying = signed_in_app(sample_dir)
    saving = signed_in_app(sample_dir)
    for at in (verifying, saving):
        at.selectbox(key="c_entry").set_value(row["id"]).run()
    saving.text_input(key="e_phone").set_value("215-555-0199")
    _remove(sample_dir, "lee")

    verifying.button(key="c_verify").click().run()
    saving.button(key="c_save").click().run()
    assert not verifying.exception and not saving.exception, "a notice, never an error box"
    after = store.get(row["id"])
    assert (after["row_version"], after["last_verified"], after["phone"]) == (
        row["row_version"], row["last_verified"], row["phone"])
    for at in (verifying, saving):
        at.run()
        assert _shows_sign_in(at)
        assert any("You have been signed out" in w.value for w in at.warning)


def test_a_removed_account_can_no_longer_import(sample_dir: Path) -> None:
    """An import planned before the removal is refused when the Import button is pressed."""
    at = signed_in_app(sample_dir).switch_page("pages/transfer.py").run()
    at.file_uploader(key="x_upload").upload("list.csv", CSV, "text/csv")
    at.run()
    assert any(m.label == "To add" and m.value == "1" for m in at.metric)
    before = (sample_dir / "resources.csv").read_bytes()
    _remove(sample_dir, "lee")
    at.button(key="x_import").click().run()
    assert not at.exception
    assert (sample_dir / "resources.csv").read_bytes() == before
    assert "Harbor House" not in set(Store(sample_dir).read_raw()["name"])


def test_a_curator_made_admin_sees_the_accounts_page_at_the_next_run(sample_dir: Path) -> None:
    """The role is read afresh on every run, so a change made on the server shows without signing in again."""
    at = signed_in_app(sample_dir)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/accounts.py")
    accounts = Accounts(sample_dir)
    accounts.add("dana", PASSWORD, "admin", by=None)
    stored = accounts.path.read_text(encoding="utf-8").replace('"role": "curator"', '"role": "admin"')
    accounts.path.write_text(stored, encoding="utf-8")
    at.run()
    assert "Signed in as lee (admin)." in [c.value for c in at.caption]
    at.switch_page("pages/accounts.py").run()
    assert not at.exception and at.button(key="a_remove_dana") is not None


def test_sign_out_ends_the_session_on_the_server(sample_dir: Path) -> None:
    """After Sign out, the Curator the session held is refused by every write, wherever a copy of it was kept."""
    at = signed_in_app(sample_dir)
    kept = at.session_state["curator"]
    assert require_role(kept).name == "lee"
    at.button(key="sign_out").click().run()
    assert _shows_sign_in(at) and not at.warning, "signing out oneself is not announced as an ended session"
    with pytest.raises(NotAllowed):
        require_role(kept)
    assert Accounts(sample_dir).current(kept) is None


def test_the_owner_signs_in_from_another_session_while_an_attacker_keeps_guessing(
        sample_dir: Path, clock: HandClock) -> None:
    """An attacker's session guessing a minute apart is held back; the owner's own session gets in within a minute.

    Before, six wrong passwords locked the account for 15 minutes, refusing the owner's right password too.
    """
    attacker = _curate()
    checked = 0
    while "do not match" in _sign_in(attacker, "lee", f"guess {checked}").error[0].value:
        checked += 1
        clock.now += 61
    assert 8 <= checked <= 12, "checked a minute apart at first, then held back by its own session's pauses"
    clock.now += _seconds(attacker.error[0].value)
    assert "do not match" in _sign_in(attacker, "lee", "guess again").error[0].value

    owner = _curate()  # right after a checked guess: the account's pause is at its longest
    wait = _seconds(_sign_in(owner, "lee", PASSWORD).error[0].value)
    assert 0 < wait <= ACCOUNT_MAX_DELAY
    clock.now += wait
    assert "Too many tries" in _sign_in(attacker, "lee", "one more guess").error[0].value
    _sign_in(owner, "lee", PASSWORD)
    assert "Signed in as lee (curator)." in [c.value for c in owner.caption]


def _seconds(message: str) -> int:
    """The wait a 'Too many tries' message asks for, in seconds."""
    found = re.search(r"wait (\d+) seconds?|in (\d+) minutes?", message)
    assert found, message
    return int(found[1]) if found[1] else int(found[2]) * 60
