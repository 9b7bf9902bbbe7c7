"""Sign-in throttling: per account and per client, capped, equal work for every name, small bounded records.

Time is a hand-moved clock; speed is never measured: guesses are counted as scrypt calls.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from directory import auth
from directory.auth import (
    ACCOUNT_MAX_DELAY,
    CLIENT_MAX_DELAY,
    FAILURE_MEMORY,
    Accounts,
    AuthError,
    SlowDown,
    client_key,
)
from tests.apps import PASSWORD
from tests.factories import HandClock

DAY = 24 * 3600.0


class Scrypt:
    """Stands in for hashlib.scrypt and counts its calls, noting whether the accounts lock was held at each.

    fast=False runs the real scrypt; fast=True a cheap stand-in, for tests that make thousands of tries.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, fast: bool = False) -> None:
        self.real = hashlib.scrypt
        self.fast = fast
        self.calls: list[bool] = []
        self.accounts: Accounts | None = None
        self.during: Callable[[], None] | None = None  # run inside the next call, as a try arriving meanwhile
        monkeypatch.setattr(hashlib, "scrypt", self)

    def __call__(self, password: bytes, **kwargs) -> bytes:
        self.calls.append(bool(self.accounts and self.accounts._lock.is_locked))
        if self.during is not None:
            during, self.during = self.during, None
            during()
        if self.fast:
            return hashlib.sha256(password + kwargs["salt"]).digest()[:kwargs["dklen"]]
        return self.real(password, **kwargs)


def _accounts(folder: Path) -> Accounts:
    found = Accounts(folder, clock=HandClock())
    found.add("dana", PASSWORD, "admin", by=None)
    found.add("lee", PASSWORD, "curator", by=None)
    return found


@pytest.fixture
def accounts(empty_dir: Path) -> Accounts:
    return _accounts(empty_dir)


def _guess(accounts: Accounts, name: str, password: str, clients: list[str]) -> float:
    """One try: 0 when the password was checked (and was wrong), else the pause asked for."""
    try:
        accounts.sign_in(name, password, clients=clients)
    except SlowDown as pause:
        return pause.retry_after
    except AuthError:
        return 0.0
    raise AssertionError("a guess signed in")


def test_the_owner_signs_in_within_a_minute_while_an_attacker_keeps_guessing(accounts: Accounts) -> None:
    """An attacker guessing from one client for an hour slows itself down, not the owner on their own device.

    Before, six wrong passwords locked the account for 15 minutes, refusing even the owner's right one.
    """
    clock = accounts._clock
    start, checked = clock.now, 0
    while True:
        pause = _guess(accounts, "dana", "guess", ["attacker"])
        if pause:
            clock.now += pause
            continue
        checked += 1
        if clock.now - start > 3600:
            break  # the attacker's last guess has just been checked: the account's pause is at its longest
    assert checked < 20, "the attacker's own client is held back, to a quarter of an hour between guesses"
    with pytest.raises(SlowDown) as owner_pause:
        accounts.sign_in("dana", PASSWORD, clients=["owner"])
    assert owner_pause.value.retry_after <= ACCOUNT_MAX_DELAY
    for _ in range(50):  # the attacker keeps trying meanwhile: refused for its own client, and not counted
        with pytest.raises(SlowDown) as attacker_pause:
            accounts.sign_in("dana", "guess", clients=["attacker"])
        assert attacker_pause.value.retry_after > ACCOUNT_MAX_DELAY
    clock.now += owner_pause.value.retry_after
    assert accounts.sign_in("dana", PASSWORD, clients=["owner"]).name == "dana"


def test_one_client_gets_about_a_hundred_guesses_a_day(empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One client guessing as fast as it is let, over any names, gets its password checked at most 109 times a day."""
    scrypt = Scrypt(monkeypatch, fast=True)
    accounts = _accounts(empty_dir)
    clock, names = accounts._clock, ["dana", "lee", "nobody"]
    scrypt.calls.clear()
    end, tries = clock.now + DAY, 0
    while clock.now < end:
        clock.now += _guess(accounts, names[tries % 3], f"guess {tries}", ["attacker"]) or 1
        tries += 1
    assert len(scrypt.calls) <= 109
    assert len(scrypt.calls) >= DAY / CLIENT_MAX_DELAY, "the figure the README gives is the one enforced"


def test_many_clients_together_get_at_most_one_guess_a_minute_per_account(
        empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh client for every try escapes the client limit, not the account's: about 60 checks an hour."""
    scrypt = Scrypt(monkeypatch, fast=True)
    accounts = _accounts(empty_dir)
    clock = accounts._clock
    scrypt.calls.clear()
    end, tries = clock.now + 3600, 0
    while clock.now < end:
        clock.now += _guess(accounts, "dana", f"guess {tries}", [f"client {tries}"]) or 1
        tries += 1
    assert len(scrypt.calls) <= 3 + 5 + 3600 / ACCOUNT_MAX_DELAY


def test_tries_sent_side_by_side_cannot_pass_one_pause(accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    """A try arriving while another's password is being checked already sees that try counted."""
    scrypt = Scrypt(monkeypatch)
    for _ in range(2):
        with pytest.raises(AuthError, match="do not match"):
            accounts.sign_in("lee", "wrong password")
    refused: list[Exception] = []

    def meanwhile() -> None:
        with pytest.raises(SlowDown) as caught:
            accounts.sign_in("lee", PASSWORD)
        refused.append(caught.value)

    scrypt.during = meanwhile
    with pytest.raises(AuthError, match="do not match"):
        accounts.sign_in("lee", "third wrong password")
    assert len(refused) == 1 and len(scrypt.calls) == 3, "the try sent meanwhile was refused before any scrypt"


def test_a_client_that_keeps_failing_is_told_in_minutes(accounts: Accounts) -> None:
    """Past the account's one-minute cap, only the client's own pause grows, to a quarter of an hour."""
    clock = accounts._clock
    pauses = [0.0]
    for tries in range(60):
        if pauses[-1] == CLIENT_MAX_DELAY:
            break
        pauses.append(_guess(accounts, ["dana", "lee", "nobody", "sam"][tries % 4], "guess", ["attacker"]))
        clock.now += pauses[-1]
    assert max(pauses) == CLIENT_MAX_DELAY
    clock.now -= CLIENT_MAX_DELAY  # back to when that pause was asked for
    for waited, message in ((0, "Try again in 15 minutes."), (450, "Try again in 8 minutes."),
                            (449, "Please wait 1 second and try again.")):
        clock.now += waited
        with pytest.raises(SlowDown, match=f"Too many tries. {message}"):
            accounts.sign_in("dana", "guess", clients=["attacker"])


def test_known_and_unknown_names_cost_one_scrypt_each(accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a name is an account does not change the work done (before: two scrypts for an unknown name)."""
    scrypt = Scrypt(monkeypatch)
    cases = {"known, wrong": ("lee", "wrong password"), "unknown": ("nobody", PASSWORD),
             "unknown, very long": ("n" * 100_000, PASSWORD), "known, right": ("dana", PASSWORD)}
    counts = {}
    for case, (name, password) in cases.items():
        scrypt.calls.clear()
        with contextlib.suppress(AuthError):
            accounts.sign_in(name, password)
        counts[case] = len(scrypt.calls)
    assert counts == dict.fromkeys(cases, 1)


def test_unknown_and_known_names_are_slowed_down_alike(accounts: Accounts) -> None:
    """The pause does not tell whether a name is an account either."""
    pauses = {}
    for name in ("lee", "nobody"):
        for _ in range(3):
            with pytest.raises(AuthError, match="do not match"):
                accounts.sign_in(name, "wrong password")
        with pytest.raises(SlowDown) as caught:
            accounts.sign_in(name, "wrong password")
        pauses[name] = caught.value.retry_after
    assert pauses["lee"] == pauses["nobody"] > 0


def test_the_password_is_checked_outside_the_accounts_lock(accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    """Other sign-ins and account changes never wait behind a scrypt (before: each try held the lock ~200 ms)."""
    scrypt = Scrypt(monkeypatch)
    scrypt.accounts = accounts
    for name, password in (("lee", "wrong password"), ("nobody", PASSWORD), ("dana", PASSWORD)):
        with contextlib.suppress(AuthError):
            accounts.sign_in(name, password)
    assert scrypt.calls == [False, False, False]


def test_failure_records_are_small_hashed_and_bounded(empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A huge name costs a few dozen bytes; made-up names cannot grow the file past its cap, nor wipe an account's
    count; everything is forgotten a day after the last failure. (Before: 122 KB for one 100,000-character name.)"""
    Scrypt(monkeypatch, fast=True)
    accounts = _accounts(empty_dir)
    clock = accounts._clock
    with pytest.raises(AuthError):
        accounts.sign_in("x" * 100_000, "wrong password")
    text = accounts.failures_path.read_text(encoding="utf-8")
    assert len(text) < 200 and "xxxx" not in text
    for _ in range(3):
        with pytest.raises(AuthError):
            accounts.sign_in("lee", "wrong password")
    assert "lee" not in accounts.failures_path.read_text(encoding="utf-8"), "names are kept only as salted hashes"

    monkeypatch.setattr(auth, "MAX_FAILURE_RECORDS", 20)
    for tries in range(60):
        with pytest.raises(AuthError):
            accounts.sign_in(f"made-up-{tries}", "wrong password")
    records = json.loads(accounts.failures_path.read_text(encoding="utf-8"))["names"]
    assert len(records) == 20
    assert accounts.failures_path.stat().st_size < 20 * 60 + 100
    with pytest.raises(SlowDown):
        accounts.sign_in("lee", PASSWORD)  # lee's count was kept while made-up names were dropped

    clock.now += FAILURE_MEMORY
    assert accounts.sign_in("lee", PASSWORD).name == "lee"
    with pytest.raises(AuthError):
        accounts.sign_in("nobody", "wrong password")
    assert len(json.loads(accounts.failures_path.read_text(encoding="utf-8"))["names"]) == 1


def test_clients_are_kept_in_memory_only_as_salted_hashes_and_bounded(
        accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    """An address never reaches a file or the throttle's memory as it is, and old clients are dropped first."""
    Scrypt(monkeypatch, fast=True)
    address = "203.0.113.77"
    key = client_key("address", address)
    assert address not in key and key == client_key("address", address) != client_key("address", "203.0.113.78")
    with pytest.raises(AuthError):
        accounts.sign_in("lee", "wrong password", clients=[key])
    assert all(address not in path.read_text(encoding="utf-8") and key not in path.read_text(encoding="utf-8")
               for path in accounts.data_dir.iterdir() if path.is_file())
    assert key not in accounts._clients and address not in str(accounts._clients)

    monkeypatch.setattr(auth, "MAX_CLIENT_RECORDS", 5)
    for tries in range(12):
        with pytest.raises(AuthError):
            accounts.sign_in(f"made-up-{tries}", "wrong password", clients=[f"client {tries}"])
    assert accounts.clients_remembered() == 5
    accounts._clock.now += FAILURE_MEMORY
    with pytest.raises(AuthError):
        accounts.sign_in("made-up", "wrong password", clients=["one more"])
    assert accounts.clients_remembered() == 1, "clients a day past their last failure are forgotten"


def test_a_success_gives_back_its_try_but_does_not_clear_the_client(accounts: Accounts) -> None:
    """Signing in to one's own account does not reset a client's count of failures on others."""
    for tries in range(4):
        with pytest.raises(AuthError):
            accounts.sign_in(f"someone-{tries}", "wrong password", clients=["insider"])
    assert accounts.sign_in("lee", PASSWORD, clients=["insider"]).name == "lee"
    assert accounts.sign_in("lee", PASSWORD, clients=["insider"]).name == "lee", "a success costs nothing"
    with pytest.raises(AuthError, match="do not match"):
        accounts.sign_in("dana", "wrong password", clients=["insider"])
    with pytest.raises(SlowDown):
        accounts.sign_in("dana", "wrong password", clients=["insider"])


def test_an_older_failures_file_is_started_afresh(accounts: Accounts) -> None:
    """A file of the earlier format (counts under plain names) is replaced, not trusted or refused."""
    accounts.failures_path.write_text(json.dumps({"lee": {"count": 9, "last": accounts._clock()}}), encoding="utf-8")
    assert accounts.sign_in("lee", PASSWORD).name == "lee"
    assert "lee" not in accounts.failures_path.read_text(encoding="utf-8")
