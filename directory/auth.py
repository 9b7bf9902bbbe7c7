"""Curator accounts: salted scrypt hashes, two roles, and sign-in that slows down and then locks out.

Accounts live in curators.json in the data folder; it holds names, roles and password hashes only. Failed
sign-ins are counted per account name in signin-failures.json; nothing about the person or their device is
kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from directory.errors import DirectoryError, DirectoryLookupError
from directory.files import write_atomically

ROLES: tuple[str, ...] = ("curator", "admin")
ACCOUNTS_FILE = "curators.json"
FAILURES_FILE = "signin-failures.json"
MIN_PASSWORD_LENGTH = 10
# After FREE_FAILURES wrong passwords each further attempt waits twice as long; at LOCK_AFTER the account
# is locked for LOCK_SECONDS.
FREE_FAILURES = 3
LOCK_AFTER = 6
LOCK_SECONDS = 15 * 60
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Curator:
    """A signed-in peer leader. Only sign_in() and trusted local tools (the CLI) create one."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AuthError(DirectoryError):
    """Sign-in failed; the message is safe to show."""


class NotAllowed(DirectoryError, PermissionError):
    """The person is not signed in, or their role may not do this; the message says which."""


class AccountsUnreadable(DirectoryError):
    """The accounts or sign-in counters file is damaged; nobody can sign in until it is restored."""


class AccountError(DirectoryError, ValueError):
    """An account cannot be added as asked (name, role, password or a taken name); the message says why."""


class NoSuchAccount(DirectoryLookupError):
    """No account has this name."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"no account named '{name}'")


class LockedOut(AuthError):
    """Too many failures: try again after `retry_after` seconds."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(f"Too many wrong passwords. Try again in {minutes} minute{'s' if minutes != 1 else ''}.")


class SlowDown(AuthError):
    """A recent failure asks for a pause before the next attempt."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        super().__init__(f"Please wait {max(1, round(retry_after))} seconds before trying again.")


def require_role(curator: Curator | None, role: str = "curator") -> Curator:
    """The curator, if signed in with at least this role; otherwise NotAllowed (a PermissionError)."""
    if not isinstance(curator, Curator) or curator.role not in ROLES:
        raise NotAllowed("sign in as a peer leader to make changes")
    if role == "admin" and not curator.is_admin:
        raise NotAllowed("only an admin can do this")
    return curator


def hash_password(password: str) -> str:
    """A salted scrypt hash, stored as 'scrypt$n$r$p$salt$hash' (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """True when the password matches the stored hash; compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), dklen=len(digest) // 2,
                               n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def _write_json(path: Path, data: dict) -> None:
    write_atomically(path, lambda out: json.dump(data, out, indent=2, sort_keys=True))


class Accounts:
    """The curator accounts of one data folder."""

    def __init__(self, data_dir: Path | str, *, clock: Callable[[], float] = time.time):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / ACCOUNTS_FILE
        self.failures_path = self.data_dir / FAILURES_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)
        self._clock = clock

    def _read(self, path: Path) -> dict:
        if not path.exists():
            return {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise AccountsUnreadable(f"{path} is damaged ({error}); restore it from a backup") from None
        if not isinstance(loaded, dict):
            raise AccountsUnreadable(f"{path} is damaged (not a JSON object); restore it from a backup")
        return loaded

    def names(self) -> list[tuple[str, str]]:
        """(name, role) of every account, sorted by name."""
        return sorted((name, entry["role"]) for name, entry in self._read(self.path).items())

    def any(self) -> bool:
        """True once at least one account exists."""
        return bool(self._read(self.path))

    def add(self, name: str, password: str, role: str = "curator", *, by: Curator | None) -> None:
        """Create an account. The first account may be made by a local tool (by=None); later ones need an admin."""
        name = name.strip()
        if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise AccountError("a name uses letters, digits, '-', '_' or '.', at most 64 characters")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        with self._lock:
            accounts = self._read(self.path)
            if by is not None:
                require_role(by, "admin")
            if name in accounts:
                raise AccountError(f"there is already an account named '{name}'")
            accounts[name] = {"role": role, "hash": hash_password(password)}
            self.data_dir.mkdir(parents=True, exist_ok=True)
            _write_json(self.path, accounts)

    def remove(self, name: str, *, by: Curator | None) -> None:
        """Delete an account (admins only, or a local tool)."""
        if by is not None:
            require_role(by, "admin")
        with self._lock:
            accounts = self._read(self.path)
            if name not in accounts:
                raise NoSuchAccount(name)
            del accounts[name]
            _write_json(self.path, accounts)

    def sign_in(self, name: str, password: str) -> Curator:
        """Check a password; raises SlowDown or LockedOut after repeated failures, AuthError when wrong."""
        name = name.strip()
        with self._lock:
            failures = self._read(self.failures_path)
            record = failures.get(name, {"count": 0, "last": 0.0})
            wait = self._wait(record)
            if wait > 0:
                raise LockedOut(wait) if record["count"] >= LOCK_AFTER else SlowDown(wait)
            entry = self._read(self.path).get(name)
            # Hash even for unknown names, so timing does not reveal which names exist.
            ok = check_password(password, entry["hash"] if entry else hash_password("not-an-account"))
            if ok and entry:
                failures.pop(name, None)
                if self.failures_path.exists():
                    _write_json(self.failures_path, failures)
                return Curator(name, entry["role"])
            record = {"count": record["count"] + 1, "last": self._clock()}
            failures[name] = record
            self.data_dir.mkdir(parents=True, exist_ok=True)
            _write_json(self.failures_path, failures)
        if record["count"] >= LOCK_AFTER:
            raise LockedOut(LOCK_SECONDS)
        raise AuthError("That name and password do not match.")

    def _wait(self, record: dict) -> float:
        count, elapsed = record["count"], self._clock() - record["last"]
        if count >= LOCK_AFTER:
            return max(0.0, LOCK_SECONDS - elapsed)
        if count >= FREE_FAILURES:
            return max(0.0, 2.0 ** (count - FREE_FAILURES + 1) - elapsed)
        return 0.0
