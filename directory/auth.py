"""Curator accounts: salted scrypt hashes, two roles, sign-in that slows down, and sessions that can be ended.

Accounts live in curators.json in the data folder: names, roles, salted scrypt password hashes, and a hash of
each session token handed out at sign-in, so that sign-out or removing the account ends the session at its next
action. Failed sign-ins slow down further tries per account name (signin-failures.json, under a salted hash of
the name tried) and per client (in memory only, under a salted hash of an opaque key); nothing about the person
or their device is written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from directory.errors import DirectoryError, DirectoryLookupError
from directory.files import write_atomically
from directory.i18n import _, ngettext

ROLES: tuple[str, ...] = ("curator", "admin")
ACCOUNTS_FILE = "curators.json"
FAILURES_FILE = "signin-failures.json"
MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 64

# Sign-in throttling. Every figure is here; the README quotes them.
# Per account name, shared by every client and process: the first ACCOUNT_FREE_FAILURES wrong passwords cost
# nothing; after that the next try must wait ACCOUNT_FIRST_DELAY seconds, doubling with each further failure up
# to ACCOUNT_MAX_DELAY. There is no lock-out: the cap is short on purpose, so that the person whose account is
# being guessed can still sign in, from their own device, within ACCOUNT_MAX_DELAY seconds.
ACCOUNT_FREE_FAILURES = 3
ACCOUNT_FIRST_DELAY = 2.0
ACCOUNT_MAX_DELAY = 60.0
# Per client (the browser session, and its address when known): the same rule with a longer cap. This is what
# holds one guessing client to about 86,400 / CLIENT_MAX_DELAY = 96 guesses a day, whichever names it tries.
CLIENT_FREE_FAILURES = 5
CLIENT_FIRST_DELAY = 2.0
CLIENT_MAX_DELAY = 15 * 60.0
# A failure is forgotten this long after the last one of its name or client.
FAILURE_MEMORY = 24 * 3600.0
# At most this many names in signin-failures.json (names that are not accounts are dropped first, oldest
# first), and this many clients in memory (the least recently failing dropped first).
MAX_FAILURE_RECORDS = 500
MAX_CLIENT_RECORDS = 10_000
# A session ends at sign-out, when its account is removed, or this long after sign-in; an account keeps at most
# this many sessions (the oldest end first).
SESSION_LIFETIME = 12 * 3600.0
MAX_SESSIONS_PER_ACCOUNT = 10

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# Checked against when the name is not an account, so that an unknown name costs one scrypt, as a known one does.
# No password matches it (an all-zero digest), and sign-in also requires the account to exist.
_NO_ACCOUNT_HASH = f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${'00' * 16}${'00' * 32}"
# Made at start-up and never written anywhere, so a client hash cannot be traced back to an address.
_CLIENT_SALT = secrets.token_bytes(16)


@dataclass(frozen=True)
class Session:
    """A sign-in's token and the accounts that issued it; the accounts file keeps only the token's hash."""

    accounts: Accounts
    token: str = field(repr=False)


@dataclass(frozen=True)
class Curator:
    """A signed-in peer leader. Only sign_in() and trusted local tools (the CLI) create one.

    sign_in()'s carries its session, which require_role() checks on every write; the CLI's has none."""

    name: str
    role: str
    session: Session | None = field(default=None, compare=False, repr=False)

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
        super().__init__(_("no account named '{name}'").format(name=name))


class SlowDown(AuthError):
    """Tries came too fast, for this account or from this client: wait `retry_after` seconds."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        seconds = max(1, math.ceil(retry_after))
        super().__init__(ngettext("Too many tries. Please wait {count} second and try again.",
                                  "Too many tries. Please wait {count} seconds and try again.", seconds
                                  ).format(count=seconds))


class LockedOut(SlowDown):
    """A SlowDown long enough to be said in minutes (only a client that keeps failing waits this long)."""

    def __init__(self, retry_after: float):
        minutes = max(1, math.ceil(retry_after / 60))
        AuthError.__init__(self, ngettext("Too many tries. Try again in {count} minute.",
                                          "Too many tries. Try again in {count} minutes.", minutes
                                          ).format(count=minutes))
        self.retry_after = retry_after


def _too_many(wait: float) -> SlowDown:
    return LockedOut(wait) if wait > 2 * ACCOUNT_MAX_DELAY else SlowDown(wait)


def require_role(curator: Curator | None, role: str = "curator") -> Curator:
    """The curator as the accounts file says now, if signed in with at least this role; otherwise NotAllowed."""
    # Every write comes here. A signed-in curator's session is checked against the accounts file each time, so a
    # removed account, a changed role or a signed-out session stops at its next write, whatever copy of the
    # Curator (a page's, a button callback's) makes it.
    if not isinstance(curator, Curator) or curator.role not in ROLES:
        raise NotAllowed(_("sign in as a peer leader to make changes"))
    if curator.session is not None:
        live = curator.session.accounts.current(curator)
        if live is None:
            raise NotAllowed(_("your sign-in has ended; sign in again to make changes"))
        curator = live
    if role == "admin" and not curator.is_admin:
        raise NotAllowed(_("only an admin can do this"))
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
    candidate = hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=bytes.fromhex(salt),
                               dklen=len(digest) // 2, n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def client_key(kind: str, value: str) -> str:
    """An opaque key for where a sign-in comes from, ('session', token) or ('address', ip): a salted hash.

    The salt lives in this process's memory only, so the key cannot be traced back to the address."""
    return kind + ":" + _digest(_CLIENT_SALT, value)


def _digest(salt: bytes, text: str) -> str:
    # Any length in, 32 hex characters out: a 100,000-character name is kept as briefly as a short one.
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), key=salt, digest_size=16).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _backoff(count: int, free: int, first: float, cap: float) -> float:
    # The pause owed after `count` failures: none for the first `free`, then doubling from `first` up to `cap`.
    if count < free:
        return 0.0
    return min(cap, first * 2.0 ** min(count - free, 32))


def _write_json(path: Path, data: dict, *, compact: bool = False) -> None:
    if compact:
        write_atomically(path, lambda out: json.dump(data, out, separators=(",", ":"), sort_keys=True))
    else:
        write_atomically(path, lambda out: json.dump(data, out, indent=2, sort_keys=True))


def _record(found: object) -> tuple[int, float] | None:
    # A [count, last failure] pair, or None for anything else (a record of the older format, or damage).
    if (isinstance(found, list) and len(found) == 2 and isinstance(found[0], int)
            and isinstance(found[1], (int, float))):
        return found[0], float(found[1])
    return None


class Accounts:
    """The curator accounts of one data folder, and the sign-in throttle of this process."""

    def __init__(self, data_dir: Path | str, *, clock: Callable[[], float] = time.time):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / ACCOUNTS_FILE
        self.failures_path = self.data_dir / FAILURES_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)
        self._clock = clock
        # Client key hash -> [failures, time of the last], least recently failing first. Memory only.
        self._clients: OrderedDict[str, list[float]] = OrderedDict()
        self._clients_lock = threading.Lock()

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
        if (not name or len(name) > MAX_NAME_LENGTH
                or not name.replace("-", "").replace("_", "").replace(".", "").isalnum()):
            raise AccountError(_("a name uses letters, digits, '-', '_' or '.', at most {count} characters")
                               .format(count=MAX_NAME_LENGTH))
        if role not in ROLES:
            raise AccountError(_("role must be one of {roles}").format(roles=", ".join(ROLES)))
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(_("a password needs at least {count} characters").format(count=MIN_PASSWORD_LENGTH))
        with self._lock:
            accounts = self._read(self.path)
            if by is not None:
                require_role(by, "admin")
            if name in accounts:
                raise AccountError(_("there is already an account named '{name}'").format(name=name))
            accounts[name] = {"role": role, "hash": hash_password(password)}
            self.data_dir.mkdir(parents=True, exist_ok=True)
            _write_json(self.path, accounts)

    def remove(self, name: str, *, by: Curator | None) -> None:
        """Delete an account and with it every session it has open (admins only, or a local tool)."""
        if by is not None:
            require_role(by, "admin")
        with self._lock:
            accounts = self._read(self.path)
            if name not in accounts:
                raise NoSuchAccount(name)
            del accounts[name]
            _write_json(self.path, accounts)

    def sign_in(self, name: str, password: str, *, clients: Iterable[str] = ()) -> Curator:
        """Check a password and open a session; SlowDown when tries come too fast, AuthError when they do not match.

        `clients` are opaque keys (client_key()) of where the try comes from, each throttled as well as the name."""
        # A known and an unknown name cost the same: one scrypt and one write of the failures file.
        name = name.strip()
        client_ids = sorted({_digest(_CLIENT_SALT, key) for key in clients})
        with self._clients_lock, self._lock:
            now = self._clock()
            failures = self._failures()
            key = _digest(bytes.fromhex(failures["salt"]), name)
            wait = max([self._client_wait(client, now) for client in client_ids]
                       + [self._name_wait(failures["names"].get(key), now)])
            if wait > 0:
                raise _too_many(wait)
            accounts = self._read(self.path)
            entry = accounts.get(name)
            stored = entry.get("hash", "") if isinstance(entry, dict) else ""
            # The try counts as a failure before the password is checked, so tries sent side by side cannot
            # all pass one pause; a success gives it back. The slow check runs outside the lock.
            self._charge_name(failures, key, now, accounts)
            for client in client_ids:
                self._charge_client(client, now)
        if not (check_password(password, stored or _NO_ACCOUNT_HASH) and stored):
            raise AuthError(_("That name and password do not match."))
        return self._open_session(name, stored, client_ids)

    def _open_session(self, name: str, stored: str, client_ids: list[str]) -> Curator:
        with self._clients_lock:
            for client in client_ids:
                self._refund_client(client)
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            failures = self._failures()
            if failures["names"].pop(_digest(bytes.fromhex(failures["salt"]), name), None) is not None:
                _write_json(self.failures_path, failures, compact=True)
            accounts = self._read(self.path)
            entry = accounts.get(name)
            if not isinstance(entry, dict) or entry.get("hash") != stored:
                # Removed, or given a new password, while the password was being checked.
                raise AuthError(_("That name and password do not match."))
            sessions = {digest: issued for digest, issued in self._sessions(entry).items()
                        if now - issued < SESSION_LIFETIME}
            sessions[_token_hash(token)] = now
            newest = sorted(sessions.items(), key=lambda item: item[1])[-MAX_SESSIONS_PER_ACCOUNT:]
            entry["sessions"] = dict(newest)
            _write_json(self.path, accounts)
        return Curator(name, entry["role"], Session(self, token))

    def current(self, curator: Curator) -> Curator | None:
        """The curator with their role as the accounts file says now, or None once their session has ended.

        A Curator without a session (made by a trusted local tool) is returned as it is."""
        if curator.session is None:
            return curator
        entry = self._read(self.path).get(curator.name)
        if not isinstance(entry, dict) or entry.get("role") not in ROLES:
            return None
        issued = self._sessions(entry).get(_token_hash(curator.session.token))
        if issued is None or not 0 <= self._clock() - issued < SESSION_LIFETIME:
            return None
        return curator if entry["role"] == curator.role else Curator(curator.name, entry["role"], curator.session)

    def sign_out(self, curator: Curator) -> None:
        """End this sign-in's session, for every copy of the Curator that carries it."""
        if curator.session is None:
            return
        with self._lock:
            accounts = self._read(self.path)
            entry = accounts.get(curator.name)
            sessions = entry.get("sessions") if isinstance(entry, dict) else None
            if isinstance(sessions, dict) and sessions.pop(_token_hash(curator.session.token), None) is not None:
                _write_json(self.path, accounts)

    @staticmethod
    def _sessions(entry: dict) -> dict[str, float]:
        found = entry.get("sessions")
        if not isinstance(found, dict):
            return {}
        return {digest: float(issued) for digest, issued in found.items() if isinstance(issued, (int, float))}

    def _failures(self) -> dict:
        # {"salt": hex, "names": {name hash: [failures, last]}}. A file of the older format (counts under plain
        # names) is started afresh rather than trusted.
        loaded = self._read(self.failures_path)
        salt, names = loaded.get("salt"), loaded.get("names")
        if not isinstance(salt, str) or len(salt) != 32 or not isinstance(names, dict):
            return {"salt": secrets.token_hex(16), "names": {}}
        return {"salt": salt, "names": {key: list(parsed) for key, raw in names.items()
                                        if (parsed := _record(raw)) is not None}}

    def _name_wait(self, found: list | None, now: float) -> float:
        if found is None or now - found[1] >= FAILURE_MEMORY:
            return 0.0
        owed = _backoff(int(found[0]), ACCOUNT_FREE_FAILURES, ACCOUNT_FIRST_DELAY, ACCOUNT_MAX_DELAY)
        return max(0.0, min(owed, owed - (now - found[1])))

    def _charge_name(self, failures: dict, key: str, now: float, accounts: dict) -> None:
        names = failures["names"]
        found = names.get(key)
        count = found[0] if found is not None and now - found[1] < FAILURE_MEMORY else 0
        names[key] = [count + 1, now]
        kept = {k: record for k, record in names.items() if now - record[1] < FAILURE_MEMORY}
        if len(kept) > MAX_FAILURE_RECORDS:
            # Names that are accounts are dropped last, so a flood of made-up names cannot wipe an account's count.
            salt = bytes.fromhex(failures["salt"])
            protected = {_digest(salt, account) for account in accounts}
            order = sorted(kept, key=lambda k: (k in protected, kept[k][1]))
            for dropped in order[:len(kept) - MAX_FAILURE_RECORDS]:
                del kept[dropped]
        failures["names"] = kept
        _write_json(self.failures_path, failures, compact=True)

    def _client_wait(self, client: str, now: float) -> float:
        found = self._clients.get(client)
        if found is None or now - found[1] >= FAILURE_MEMORY:
            return 0.0
        owed = _backoff(int(found[0]), CLIENT_FREE_FAILURES, CLIENT_FIRST_DELAY, CLIENT_MAX_DELAY)
        return max(0.0, min(owed, owed - (now - found[1])))

    def _charge_client(self, client: str, now: float) -> None:
        found = self._clients.pop(client, None)
        count = found[0] if found is not None and now - found[1] < FAILURE_MEMORY else 0
        self._clients[client] = [count + 1, now]  # to the end: the most recently failing
        while self._clients:
            oldest, record = next(iter(self._clients.items()))
            if len(self._clients) <= MAX_CLIENT_RECORDS and now - record[1] < FAILURE_MEMORY:
                break
            del self._clients[oldest]

    def _refund_client(self, client: str) -> None:
        found = self._clients.get(client)
        if found is not None:
            found[0] -= 1
            if found[0] <= 0:
                del self._clients[client]

    def clients_remembered(self) -> int:
        """How many client hashes are held in memory (for tests of the memory bound)."""
        with self._clients_lock:
            return len(self._clients)
