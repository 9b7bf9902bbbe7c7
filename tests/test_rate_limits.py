"""Limits on anonymous writes: per client and overall, over a sliding window, thread-safe, with salted client keys."""

from __future__ import annotations

import threading

import pytest

from directory import rate_limits
from directory.rate_limits import (
    Admission,
    Limit,
    RateLimiter,
    Refusal,
    UnmetLimiter,
    VisitorLimits,
    window_words,
)
from tests.factories import HandClock

WEEK = ("2026-11-02", "child_care", "19104")


@pytest.mark.parametrize(
    ("per_client", "overall", "attempts", "expected"),
    [
        # (seconds after the start, client) -> None when counted, else the refusal
        (Limit(2, 60), Limit(10, 60), [(0, "a"), (1, "a"), (2, "a")], [None, None, Refusal.CLIENT]),
        (Limit(2, 60), Limit(10, 60), [(0, "a"), (1, "a"), (60, "a")], [None, None, None]),
        (Limit(2, 60), Limit(10, 60), [(0, "a"), (30, "a"), (59, "a"), (61, "a")],
         [None, None, Refusal.CLIENT, None]),
        (Limit(5, 60), Limit(3, 60), [(0, "a"), (1, "b"), (2, "c"), (3, "d")], [None, None, None, Refusal.OVERALL]),
        (Limit(5, 60), Limit(3, 60), [(0, "a"), (1, "b"), (2, "c"), (60, "d")], [None, None, None, None]),
        (Limit(1, 60), Limit(2, 60), [(0, "a"), (1, "a"), (2, "b"), (3, "c")],
         [None, Refusal.CLIENT, None, Refusal.OVERALL]),
    ],
    ids=["client-full", "client-window-slides", "client-oldest-leaves", "overall-full", "overall-window-slides",
         "refusals-do-not-count"],
)
def test_the_limiter_counts_per_client_and_overall_within_the_window(per_client, overall, attempts,
                                                                      expected) -> None:
    """Each client has its own share, every client together the overall one; refused writes count for neither."""
    clock = HandClock(1000.0)
    limiter = RateLimiter(per_client, overall, clock=clock)
    start = clock.now
    outcomes = []
    for after, client in attempts:
        clock.now = start + after
        outcomes.append(limiter.acquire(client))
    assert outcomes == expected


def test_a_released_write_is_given_back() -> None:
    """A write refused further on (an invalid form) does not use up the client's share nor the overall one."""
    limiter = RateLimiter(Limit(1, 60), Limit(1, 60), clock=HandClock(1000.0))
    assert limiter.acquire("a") is None
    limiter.release("a")
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") is Refusal.CLIENT


def test_many_threads_never_exceed_the_limits() -> None:
    """Sessions are threads of one process: 8 threads trying 50 writes each get exactly the overall limit."""
    limiter = RateLimiter(Limit(20, 60), Limit(100, 60), clock=HandClock(1000.0))
    counted: list[str] = []
    barrier = threading.Barrier(8)

    def write(client: str) -> None:
        barrier.wait()
        for _ in range(50):
            if limiter.acquire(client) is None:
                counted.append(client)

    threads = [threading.Thread(target=write, args=(f"client-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(counted) == 100
    assert max(counted.count(f"client-{n}") for n in range(8)) <= 20


def test_clients_whose_writes_are_old_are_forgotten() -> None:
    """Memory follows the recent writes: once the window has passed, earlier clients' hashes are dropped."""
    clock = HandClock(1000.0)
    limiter = RateLimiter(Limit(1, 60), Limit(1000, 60), clock=clock)
    for n in range(50):
        limiter.acquire(f"client-{n}")
    assert limiter.clients_remembered() == 50
    clock.now += 61
    limiter.acquire("late")
    assert limiter.clients_remembered() == 1


def test_an_unmet_need_counts_once_per_client_and_week() -> None:
    """Repeats by the same client are 'already counted'; another client, category or week counts."""
    unmet = UnmetLimiter(Limit(10, 3600), Limit(100, 3600), remember_seconds=8 * 86400, clock=HandClock(1000.0))
    assert [unmet.admit("a", WEEK) for _ in range(10)] == [Admission.COUNTED] + [Admission.ALREADY] * 9
    assert unmet.admit("b", WEEK) is Admission.COUNTED
    assert unmet.admit("a", ("2026-11-09", "child_care", "19104")) is Admission.COUNTED
    assert unmet.admit("a", ("2026-11-02", "any", "19104")) is Admission.COUNTED


@pytest.mark.parametrize(
    ("per_client", "overall", "clients", "expected"),
    [
        (Limit(2, 3600), Limit(100, 3600), ["a", "a", "a"], [Admission.COUNTED] * 2 + [Admission.CLIENT]),
        (Limit(5, 3600), Limit(2, 3600), ["a", "b", "c"], [Admission.COUNTED] * 2 + [Admission.OVERALL]),
    ],
)
def test_different_unmet_needs_are_capped_per_client_and_overall(per_client, overall, clients, expected) -> None:
    """One client cannot spray needs over many ZIPs, and every client together cannot flood the map."""
    unmet = UnmetLimiter(per_client, overall, remember_seconds=8 * 86400, clock=HandClock(1000.0))
    zips = [f"1910{n}" for n in range(len(clients))]
    assert [unmet.admit(c, ("2026-11-02", "any", z)) for c, z in zip(clients, zips, strict=True)] == expected


def test_a_remembered_need_is_forgotten_after_the_window_or_when_released() -> None:
    """The de-duplication lasts longer than a week, then its memory is freed; a failed write can be retried."""
    clock = HandClock(1000.0)
    unmet = UnmetLimiter(Limit(10, 3600), Limit(100, 3600), remember_seconds=8 * 86400, clock=clock)
    assert unmet.admit("a", WEEK) is Admission.COUNTED
    clock.now += 7 * 86400
    assert unmet.admit("a", WEEK) is Admission.ALREADY
    clock.now += 86400
    assert unmet.admit("a", WEEK) is Admission.COUNTED
    unmet.release("a", WEEK)
    assert unmet.admit("a", WEEK) is Admission.COUNTED


def test_client_keys_are_salted_hashes_of_the_address_or_the_session() -> None:
    """The same address gives the same key whatever the session; the key never holds the address."""
    limits = VisitorLimits(salt=b"s" * 16)
    key = limits.client("203.0.113.7", "session-1")
    assert key == limits.client("203.0.113.7", "session-2")
    assert key != limits.client("203.0.113.8", "session-1")
    assert "203.0.113.7" not in key and len(key) == 32
    assert VisitorLimits(salt=b"t" * 16).client("203.0.113.7", "session-1") != key
    assert limits.client(None, "session-1") != limits.client(None, "session-2")
    assert VisitorLimits().client("203.0.113.7", "") != VisitorLimits().client("203.0.113.7", ""), "random salt"
    with pytest.raises(ValueError):
        limits.client(None, "")


def test_visitor_limits_take_the_named_figures() -> None:
    """The figures are the module's constants, one place for the README to quote."""
    clock = HandClock(1000.0)
    limits = VisitorLimits(clock=clock)
    allowed = [limits.suggestions.acquire("a") for _ in range(rate_limits.SUGGESTIONS_PER_CLIENT.count + 1)]
    assert allowed[-1] is Refusal.CLIENT and set(allowed[:-1]) == {None}
    assert rate_limits.SUGGESTIONS_PER_CLIENT.count < rate_limits.SUGGESTIONS_OVERALL.count
    assert rate_limits.UNMET_PER_CLIENT.count < rate_limits.UNMET_OVERALL.count
    assert rate_limits.UNMET_REMEMBERED_SECONDS > 7 * 86400


@pytest.mark.parametrize(("seconds", "words"), [(60, "minute"), (600, "10 minutes"), (3600, "hour"),
                                                 (7200, "2 hours"), (5400, "90 minutes")])
def test_windows_are_said_in_words(seconds: float, words: str) -> None:
    """Messages say 'in the last hour', never a number of seconds."""
    assert window_words(Limit(1, seconds)) == words
