"""Giving memory back after a page run: only after a run that grew the process's own memory enough."""

from __future__ import annotations

import pytest

from directory import memory
from tests.apps import counting

MB = 2**20


@pytest.mark.parametrize(("since_last", "now", "returned", "baseline_after"), [
    (300 * MB, 300 * MB, False, 300 * MB),  # nothing grew
    (300 * MB, 320 * MB, False, 300 * MB),  # grew less than the threshold: not worth a trim
    (300 * MB, 330 * MB, True, 330 * MB),  # grew past it: given back, and measured again
    (300 * MB, 250 * MB, False, 250 * MB),  # shrank (the system took pages back): the new level counts
])
def test_memory_is_given_back_only_after_growth(monkeypatch: pytest.MonkeyPatch, since_last: int, now: int,
                                                returned: bool, baseline_after: int) -> None:
    monkeypatch.setattr(memory, "_own_after_last_return", since_last)
    monkeypatch.setattr(memory, "_own_memory", lambda: now)
    calls = counting(monkeypatch, memory, "return_freed_memory")
    memory.return_memory_if_grown()
    assert bool(calls) == returned
    assert memory._own_after_last_return == baseline_after


def test_own_memory_is_read_from_the_system() -> None:
    """The process's own resident memory is a positive number of bytes, not counting mapped files."""
    assert memory._own_memory() > 10 * MB
