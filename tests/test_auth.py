"""Curator accounts: hashing, roles, sign-in slow-down with a cap, and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from directory.auth import (
    ACCOUNT_MAX_DELAY,
    Accounts,
    AuthError,
    Curator,
    SlowDown,
    check_password,
    hash_password,
    require_role,
)
from directory.cli import main
from tests.apps import PASSWORD


def test_passwords_are_stored_only_as_salted_scrypt_hashes(accounts: Accounts) -> None:
    """The file holds no password, and two hashes of one password differ."""
    text = accounts.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    stored = json.loads(text)["dana"]["hash"]
    assert stored.startswith("scrypt$16384$8$1$")
    assert hash_password(PASSWORD) != hash_password(PASSWORD)
    assert check_password(PASSWORD, stored) and not check_password("wrong password!", stored)


def test_sign_in_returns_the_curator_with_its_role(accounts: Accounts) -> None:
    """The right password signs in; a wrong one or an unknown name does not, with one message for both."""
    assert accounts.sign_in("dana", PASSWORD) == Curator("dana", "admin")
    with pytest.raises(AuthError, match="do not match"):
        accounts.sign_in("lee", "not the password")
    with pytest.raises(AuthError, match="do not match"):
        accounts.sign_in("nobody", PASSWORD)


def test_repeated_failures_slow_down_with_a_cap_and_never_lock_out(accounts: Accounts) -> None:
    """After three failures each try waits twice as long, never more than a minute; the right password then works.

    Before, six failures locked the account for 15 minutes even against the right password, and once that
    ended a single wrong try locked it again at once.
    """
    clock = accounts._clock
    for _ in range(3):
        with pytest.raises(AuthError, match="do not match"):
            accounts.sign_in("lee", "wrong password")
    with pytest.raises(SlowDown, match="wait 2 seconds"):
        accounts.sign_in("lee", PASSWORD)
    waits = []
    for _ in range(30):
        try:
            accounts.sign_in("lee", "wrong password")
        except SlowDown as pause:
            waits.append(pause.retry_after)
            clock.now += pause.retry_after
        except AuthError:
            continue  # a wrong password, checked: the next try is refused until the pause is over
    assert waits == [2.0, 4.0, 8.0, 16.0, 32.0] + [ACCOUNT_MAX_DELAY] * 10, "each wrong try doubles it, to a cap"
    clock.now += ACCOUNT_MAX_DELAY
    assert accounts.sign_in("lee", PASSWORD).name == "lee"
    with pytest.raises(AuthError, match="do not match"):
        accounts.sign_in("lee", "wrong password")
    assert accounts.sign_in("lee", PASSWORD).name == "lee", "success cleared the count"


def test_only_admins_manage_accounts(accounts: Accounts) -> None:
    """A curator cannot add or remove accounts; an admin can."""
    with pytest.raises(PermissionError):
        accounts.add("sam", PASSWORD, by=Curator("lee", "curator"))
    with pytest.raises(PermissionError):
        accounts.remove("dana", by=Curator("lee", "curator"))
    accounts.remove("lee", by=Curator("dana", "admin"))
    assert accounts.names() == [("dana", "admin")]


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [("bad name!", PASSWORD, "curator", "letters, digits"), ("sam", "short", "curator", "at least 10"),
     ("sam", PASSWORD, "owner", "role must be"), ("dana", PASSWORD, "curator", "already an account")],
)
def test_bad_accounts_are_refused(accounts: Accounts, name: str, password: str, role: str, message: str) -> None:
    """Names, passwords and roles are checked before anything is written."""
    with pytest.raises(ValueError, match=message):
        accounts.add(name, password, role, by=None)


def test_require_role_guards_every_write(accounts: Accounts) -> None:
    """No curator, a forged object, or too low a role is refused."""
    with pytest.raises(PermissionError):
        require_role(None)
    with pytest.raises(PermissionError):
        require_role(Curator("x", "visitor"))
    with pytest.raises(PermissionError):
        require_role(Curator("lee", "curator"), "admin")
    assert require_role(Curator("dana", "admin"), "admin").name == "dana"


def test_cli_adds_lists_and_removes_curators(empty_dir: Path, monkeypatch, capsys) -> None:
    """`curator add --password-stdin`, `curator list` and `curator remove` manage the accounts file."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["curator", "add", "dana", "--admin", "--password-stdin", "--data-dir", str(empty_dir)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["curator", "add", "lee", "--password-stdin", "--data-dir", str(empty_dir)]) == 0
    capsys.readouterr()
    assert main(["curator", "list", "--data-dir", str(empty_dir)]) == 0
    assert capsys.readouterr().out.splitlines() == ["dana\tadmin", "lee\tcurator"]
    assert main(["curator", "remove", "lee", "--data-dir", str(empty_dir)]) == 0
    assert main(["curator", "remove", "lee", "--data-dir", str(empty_dir)]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["curator", "add", "sam", "--password-stdin", "--data-dir", str(empty_dir)]) == 2
    assert "at least 10" in capsys.readouterr().err
    assert Accounts(empty_dir).sign_in("dana", PASSWORD).is_admin
