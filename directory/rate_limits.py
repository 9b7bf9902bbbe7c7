"""Limits on anonymous writes: how often one client, and every client together, may suggest or report a need.

The limits live in the memory of the one server process, which serves every session, so reloading the page
(a new session) does not reset them. A client is a salted hash of its IP address, or of its session when the
address is unknown (a visitor on localhost); the salt is made at start-up and never leaves memory, so a hash
cannot be traced back to an address, nor matched across restarts. Nothing here is written to disk or logged.

Every figure is one of the constants below; the README quotes them.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from directory.i18n import _

Clock = Callable[[], float]
"""Seconds from any fixed origin (time.monotonic by default); tests pass their own."""


@dataclass(frozen=True)
class Limit:
    """At most `count` writes within any `seconds`."""

    count: int
    seconds: float


HOUR = 3600.0
SUGGESTIONS_PER_CLIENT = Limit(5, HOUR)
SUGGESTIONS_OVERALL = Limit(60, HOUR)
# An unmet need counts once per client, category, ZIP and week; these cap how many different needs one client,
# and every client together, may report.
UNMET_PER_CLIENT = Limit(10, HOUR)
UNMET_OVERALL = Limit(300, HOUR)
# How long a client's report of one (category, ZIP, week) is remembered: longer than the week it names.
UNMET_REMEMBERED_SECONDS = 8 * 24 * HOUR
SALT_BYTES = 16


class Refusal(Enum):
    """Why a write was refused: this client has written its share, or every client together has."""

    CLIENT = "client"
    OVERALL = "overall"


class Admission(Enum):
    """What became of an unmet need a client reported."""

    COUNTED = "counted"
    ALREADY = "already"  # this client's report of the same category, ZIP and week already counts
    CLIENT = "client"
    OVERALL = "overall"


def window_words(limit: Limit) -> str:
    """The window in words for messages, in the current language: 'hour', '10 minutes', '2 hours'."""
    # One unit is said without its number, so it is its own message; more are plural in English and Spanish.
    minutes = round(limit.seconds / 60)
    if minutes % 60:
        return _("minute") if minutes == 1 else _("{count} minutes").format(count=minutes)
    hours = minutes // 60
    return _("hour") if hours == 1 else _("{count} hours").format(count=hours)


def last_window_words(limit: Limit) -> str:
    """'the last hour', 'the last 10 minutes' ('la última hora', 'los últimos 10 minutos'), for messages."""
    # Whole phrases, not "the last " + window_words(): Spanish makes "last" agree with the noun.
    minutes = round(limit.seconds / 60)
    if minutes % 60:
        return _("the last minute") if minutes == 1 else _("the last {count} minutes").format(count=minutes)
    hours = minutes // 60
    return _("the last hour") if hours == 1 else _("the last {count} hours").format(count=hours)


class _Windows:
    # Times of recent writes per key. Not locked: its owner holds a lock around every call.
    def __init__(self, limit: Limit):
        self.limit = limit
        self._times: dict[str, deque[float]] = {}

    def full(self, key: str, now: float) -> bool:
        times = self._times.get(key)
        if times is None:
            return False
        while times and now - times[0] >= self.limit.seconds:
            times.popleft()
        if not times:
            del self._times[key]
            return False
        return len(times) >= self.limit.count

    def add(self, key: str, now: float) -> None:
        self._times.setdefault(key, deque()).append(now)

    def remove_latest(self, key: str) -> None:
        times = self._times.get(key)
        if times:
            times.pop()
            if not times:
                del self._times[key]

    def sweep(self, now: float) -> None:
        # Drops clients whose writes have all left the window, so memory follows the recent writes only.
        for key in [k for k, times in self._times.items() if now - times[-1] >= self.limit.seconds]:
            del self._times[key]

    def __len__(self) -> int:
        return len(self._times)


class RateLimiter:
    """Per-client and overall limits on one kind of write, checked and counted together; thread-safe."""

    _OVERALL = ""  # the key of every client together (client keys are never empty)

    def __init__(self, per_client: Limit, overall: Limit, *, clock: Clock = time.monotonic):
        self._clients = _Windows(per_client)
        self._overall = _Windows(overall)
        self._clock = clock
        self._lock = threading.Lock()
        self._swept = clock()

    def acquire(self, client: str) -> Refusal | None:
        """Count one write by the client and return None, or count nothing and say which limit refused it."""
        with self._lock:
            return self._acquire(client)

    def release(self, client: str) -> None:
        """Give back the client's latest write, one that was refused further on (for example an invalid form)."""
        with self._lock:
            self._clients.remove_latest(client)
            self._overall.remove_latest(self._OVERALL)

    def clients_remembered(self) -> int:
        """How many client hashes are held in memory (for tests of the memory bound)."""
        with self._lock:
            return len(self._clients)

    def _acquire(self, client: str) -> Refusal | None:
        if not client:
            raise ValueError("a client key is needed")
        now = self._clock()
        if now - self._swept >= self._clients.limit.seconds:
            self._clients.sweep(now)
            self._swept = now
        if self._clients.full(client, now):
            return Refusal.CLIENT
        if self._overall.full(self._OVERALL, now):
            return Refusal.OVERALL
        self._clients.add(client, now)
        self._overall.add(self._OVERALL, now)
        return None


class UnmetLimiter:
    """Counts an unmet need once per client, category, ZIP and week, within per-client and overall rates."""

    def __init__(self, per_client: Limit, overall: Limit, *, remember_seconds: float, clock: Clock = time.monotonic):
        self._rates = RateLimiter(per_client, overall, clock=clock)
        self._remember_seconds = remember_seconds
        self._clock = clock
        self._seen: dict[tuple[str, tuple[str, ...]], float] = {}
        self._lock = threading.Lock()

    def admit(self, client: str, need: tuple[str, ...]) -> Admission:
        """Whether the client's report of `need` (category, ZIP, week) is to be counted; COUNTED reserves it."""
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            if (client, need) in self._seen:
                return Admission.ALREADY
            refusal = self._rates.acquire(client)
            if refusal is not None:
                return Admission(refusal.value)
            self._seen[(client, need)] = now
            return Admission.COUNTED

    def release(self, client: str, need: tuple[str, ...]) -> None:
        """Undo an admission whose write failed, so the client may report the need again."""
        with self._lock:
            if self._seen.pop((client, need), None) is not None:
                self._rates.release(client)

    def _forget_old(self, now: float) -> None:
        # Insertion order is admission order, so the oldest entries come first.
        while self._seen:
            key, since = next(iter(self._seen.items()))
            if now - since < self._remember_seconds:
                break
            del self._seen[key]


class VisitorLimits:
    """The limits of one server process on what visitors write: suggestions and unmet needs."""

    def __init__(self, *, clock: Clock = time.monotonic, salt: bytes | None = None):
        # The figures are read here, not as default arguments, so a test may lower them before the app starts.
        self._salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
        self.suggestions = RateLimiter(SUGGESTIONS_PER_CLIENT, SUGGESTIONS_OVERALL, clock=clock)
        self.unmet = UnmetLimiter(UNMET_PER_CLIENT, UNMET_OVERALL, remember_seconds=UNMET_REMEMBERED_SECONDS,
                                  clock=clock)

    def client(self, address: str | None, session: str) -> str:
        """The client key: a salted hash of the IP address when known, else of the session's token."""
        if address:
            source = f"address:{address}"
        elif session:
            source = f"session:{session}"
        else:
            raise ValueError("an address or a session token is needed")
        return hashlib.blake2b(source.encode("utf-8"), key=self._salt, digest_size=16).hexdigest()
