"""What a splice carries over instead of working out again: the names' A-to-Z rank, and where two files differ."""

from __future__ import annotations

import numpy as np
import pytest

from directory import loading, search


def _full_rank(names: np.ndarray) -> np.ndarray:
    order = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    return rank


@pytest.mark.parametrize(("start", "stop", "replacement"), [
    (3, 4, ["Mmm"]),  # one row renamed
    (0, 1, ["aaa"]),  # the first row
    (9, 10, ["zzz"]),  # the last row
    (4, 4, ["Bee", "Bee"]),  # two rows added, equal to each other and to rows already there
    (2, 5, []),  # three rows removed
    (5, 6, ["Bee"]),  # a name equal to others: after those before it, before those after it
    (1, 3, ["Alpha", "zeta", "Bee"]),  # fewer rows out than in
])
def test_a_carried_rank_is_the_rank_a_full_sort_gives(start: int, stop: int, replacement: list[str]) -> None:
    old = np.array(["Bee", "Alpha", "Cat", "Bee", "delta", "Echo", "Bee", "Alpha", "foxtrot", "Golf"], dtype=object)
    search._name_rank(old)  # the old index has been searched once
    new = np.concatenate((old[:start], np.array(replacement, dtype=object), old[stop:]))
    search.carry_name_rank(old, new, start, stop)
    carried = search._held_rank(new)
    assert carried is not None
    assert carried.tolist() == _full_rank(new).tolist()


def test_nothing_is_carried_when_the_old_rank_was_never_worked_out() -> None:
    old = np.array(["b", "a"], dtype=object)
    new = np.array(["b", "c"], dtype=object)
    search.carry_name_rank(old, new, 1, 2)
    assert search._held_rank(new) is None


@pytest.mark.parametrize(("old", "new", "suffix"), [
    (b"abcdef\n", b"abcdef\n", 7),
    (b"abcdef\n", b"abXdef\n", 4),
    (b"abc\n", b"zzzabc\n", 4),
    (b"abc\n", b"abd\n", 1),
    (b"\n", b"x\n", 1),
])
def test_the_common_end_of_two_files(old: bytes, new: bytes, suffix: int) -> None:
    a, b = np.frombuffer(old, np.uint8), np.frombuffer(new, np.uint8)
    assert loading._common_suffix(a, b, min(len(a), len(b))) == suffix


def test_the_common_end_is_found_across_megabyte_steps() -> None:
    tail = np.frombuffer(b"y" * (3 << 20), np.uint8)
    a = np.concatenate((np.frombuffer(b"A", np.uint8), tail))
    b = np.concatenate((np.frombuffer(b"B", np.uint8), tail))
    assert loading._common_suffix(a, b, len(a)) == len(tail)
