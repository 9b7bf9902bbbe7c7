"""Sessions: every write checks the account as it is now; sign-out and removal end a session everywhere."""

from __future__ import annotations

import json

import pytest

from directory.auth import (
    MAX_SESSIONS_PER_ACCOUNT,
    SESSION_LIFETIME,
    Accounts,
    Curator,
    NotAllowed,
    require_role,
)
from directory.cli import main
from directory.store import Store
from tests.apps import PASSWORD
from tests.factories import make_record


def _set_role(accounts: Accounts, name: str, role: str) -> None:
    """Change a role in the file, as an operator editing curators.json would."""
    stored = json.loads(accounts.path.read_text(encoding="utf-8"))
    stored[name]["role"] = role
    accounts.path.write_text(json.dumps(stored), encoding="utf-8")


def test_a_removed_account_stops_at_its_next_write(accounts: Accounts) -> None:
    """After `curator remove`, the Curator its session holds can no longer write (before: it still could)."""
    lee = accounts.sign_in("lee", PASSWORD)
    store = Store(accounts.data_dir)
    row = store.add(make_record(), by=lee)
    assert main(["curator", "remove", "lee", "--data-dir", str(accounts.data_dir)]) == 0
    with pytest.raises(PermissionError, match="sign-in has ended"):
        store.update(row["id"], {"name": "Changed"}, base_version=1, by=lee)
    assert store.get(row["id"])["name"] == row["name"]
    assert accounts.current(lee) is None
    accounts.add("lee", PASSWORD, "admin", by=None)
    assert accounts.current(lee) is None, "an account made again under the name starts with no sessions"


def test_a_changed_role_applies_at_the_next_check(accounts: Accounts) -> None:
    """An admin made a curator can no longer manage accounts; a curator made an admin can."""
    dana, lee = accounts.sign_in("dana", PASSWORD), accounts.sign_in("lee", PASSWORD)
    _set_role(accounts, "dana", "curator")
    _set_role(accounts, "lee", "admin")
    with pytest.raises(NotAllowed, match="only an admin"):
        accounts.add("sam", PASSWORD, by=dana)
    assert accounts.current(dana) == Curator("dana", "curator")
    assert require_role(dana).role == "curator", "still a curator, still signed in"
    accounts.add("sam", PASSWORD, by=lee)
    assert ("sam", "curator") in accounts.names()
    _set_role(accounts, "lee", "visitor")
    with pytest.raises(NotAllowed):
        require_role(lee)


def test_sign_out_ends_the_session_for_every_copy(accounts: Accounts) -> None:
    """A copy of the Curator kept elsewhere (say by a button's callback) stops working too."""
    lee = accounts.sign_in("lee", PASSWORD)
    kept = lee
    other_tab = accounts.sign_in("lee", PASSWORD)
    accounts.sign_out(lee)
    with pytest.raises(NotAllowed, match="sign-in has ended"):
        require_role(kept)
    assert accounts.current(kept) is None
    assert require_role(other_tab).name == "lee", "another sign-in of the same person goes on"
    accounts.sign_out(lee)  # twice is harmless


def test_an_admin_removing_an_account_ends_its_sessions(accounts: Accounts) -> None:
    """Removal from the Accounts page (by an admin) ends the removed person's sessions at once."""
    dana, lee = accounts.sign_in("dana", PASSWORD), accounts.sign_in("lee", PASSWORD)
    accounts.remove("lee", by=dana)
    with pytest.raises(NotAllowed):
        require_role(lee)
    with pytest.raises(NotAllowed):
        accounts.remove("dana", by=lee)


def test_a_removed_admin_cannot_remove_others(accounts: Accounts) -> None:
    """A removed admin's Curator, held by an open page, is refused by the accounts themselves."""
    dana = accounts.sign_in("dana", PASSWORD)
    accounts.add("sam", PASSWORD, "admin", by=dana)
    accounts.remove("dana", by=None)
    with pytest.raises(NotAllowed):
        accounts.remove("lee", by=dana)
    with pytest.raises(NotAllowed):
        accounts.add("eve", PASSWORD, "admin", by=dana)
    assert [name for name, _ in accounts.names()] == ["lee", "sam"]


def test_sessions_expire_are_bounded_and_kept_only_as_hashes(accounts: Accounts) -> None:
    """A session lasts SESSION_LIFETIME; an account keeps its newest sessions; the file holds no token."""
    clock = accounts._clock
    sessions = []
    for _ in range(MAX_SESSIONS_PER_ACCOUNT + 2):
        sessions.append(accounts.sign_in("lee", PASSWORD))
        clock.now += 1
    text = accounts.path.read_text(encoding="utf-8")
    assert all(s.session.token not in text for s in sessions)
    assert len(json.loads(text)["lee"]["sessions"]) == MAX_SESSIONS_PER_ACCOUNT
    assert [accounts.current(s) is not None for s in sessions] == [False] * 2 + [True] * MAX_SESSIONS_PER_ACCOUNT
    assert "token" not in repr(sessions[-1]) and sessions[-1].session.token not in repr(sessions[-1])
    clock.now += SESSION_LIFETIME
    assert accounts.current(sessions[-1]) is None
    with pytest.raises(NotAllowed):
        require_role(sessions[-1])
    assert len(json.loads(accounts.path.read_text(encoding="utf-8"))["lee"]["sessions"]) == MAX_SESSIONS_PER_ACCOUNT
    accounts.sign_in("lee", PASSWORD)
    assert len(json.loads(accounts.path.read_text(encoding="utf-8"))["lee"]["sessions"]) == 1, "ended ones go"


def test_local_tools_are_trusted_as_before(accounts: Accounts) -> None:
    """A Curator made by the CLI (no session) is checked by role only, and compares equal by name and role."""
    assert require_role(Curator("ops", "admin"), "admin").name == "ops"
    assert accounts.sign_in("dana", PASSWORD) == Curator("dana", "admin")
