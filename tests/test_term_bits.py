"""The term-list bit encoding: one bit per key, a mask per cell, packing for the map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from directory import taxonomy as tx
from directory import term_bits as tb
from directory.schema import join_list

SUPPORT = tx.SUPPORT_TYPES
LISTS = {
    "support_types": tx.SUPPORT_TYPES,
    "categories": tx.CATEGORIES,
    "dimensions": tx.RECOVERY_DIMENSIONS,
    "stages": tx.STAGES,
    "populations": tx.POPULATIONS,
    "attendance": tx.ATTENDANCE,
    "costs": tx.COSTS,
}


@pytest.mark.parametrize(("key", "bit"), [
    ("emotional", 1), ("informational", 2), ("instrumental", 4), ("affiliational", 8), ("unknown", 0), ("", 0),
])
def test_each_support_type_owns_the_bit_of_its_position(key: str, bit: int) -> None:
    """Bits follow taxonomy order; a key outside the list has no bit."""
    assert tb.bit_of(SUPPORT, key) == bit


@pytest.mark.parametrize("terms", LISTS.values(), ids=LISTS.keys())
def test_every_list_gets_distinct_bits_filling_its_width(terms: tuple[tx.Term, ...]) -> None:
    """Every key has its own power of two, and all keys together fill exactly width() bits."""
    found = tb.bits(terms)
    assert list(found) == list(tx.keys(terms))
    assert sorted(found.values()) == [1 << i for i in range(len(terms))]
    assert tb.width(terms) == len(terms)
    assert tb.cell_mask(terms, join_list(tx.keys(terms))) == (1 << tb.width(terms)) - 1


@pytest.mark.parametrize(("cell", "mask"), [
    ("", 0),
    ("emotional", 0b0001),
    ("instrumental;emotional", 0b0101),
    ("affiliational;informational;instrumental;emotional", 0b1111),
    (" emotional ; affiliational ", 0b1001),  # items are stripped, as schema.split_list does
    ("emotional;emotional", 0b0001),  # a repeated key is still one bit, never a carry into the next
    ("unknown;informational", 0b0010),
    (";;", 0),
])
def test_cell_mask(cell: str, mask: int) -> None:
    """A stored cell becomes the OR of its keys' bits."""
    assert tb.cell_mask(SUPPORT, cell) == mask


@pytest.mark.parametrize(("keys", "mask"), [
    ((), 0), (("emotional",), 1), (("affiliational", "emotional"), 9), (("informational", "nope"), 2),
])
def test_keys_mask(keys: tuple[str, ...], mask: int) -> None:
    """Several keys give one mask; unknown keys add nothing."""
    assert tb.keys_mask(SUPPORT, keys) == mask


def test_mask_column_matches_cell_mask_row_by_row() -> None:
    """The vectorised column equals cell_mask on each cell, in order, as int64."""
    cells = ["emotional", "", "instrumental;emotional", "emotional", "affiliational", "instrumental;emotional"]
    masks = tb.mask_column(SUPPORT, pd.Series(cells, index=[5, 3, 9, 0, 1, 2]))
    assert masks.dtype == np.int64
    assert masks.tolist() == [tb.cell_mask(SUPPORT, cell) for cell in cells]


def test_mask_column_of_an_empty_column() -> None:
    """No rows, no masks."""
    masks = tb.mask_column(SUPPORT, pd.Series([], dtype=object))
    assert masks.dtype == np.int64 and len(masks) == 0


MASKS = np.array([0b0000, 0b0001, 0b0101, 0b1000, 0b1111])


@pytest.mark.parametrize(("key", "expected"), [
    ("emotional", [False, True, True, False, True]),
    ("informational", [False, False, False, False, True]),
    ("instrumental", [False, False, True, False, True]),
    ("affiliational", [False, False, False, True, True]),
    ("unknown", [False] * 5),
])
def test_has_key(key: str, expected: list[bool]) -> None:
    """A row has a key when its bit is set; an unknown key is in no row."""
    assert tb.has_key(SUPPORT, MASKS, key).tolist() == expected


@pytest.mark.parametrize(("keys", "expected"), [
    (("emotional", "affiliational"), [False, True, True, True, True]),
    (("informational",), [False, False, False, False, True]),
    ((), [False] * 5),
])
def test_has_any(keys: tuple[str, ...], expected: list[bool]) -> None:
    """A row matches when it has any of the keys; no keys match nothing."""
    assert tb.has_any(SUPPORT, MASKS, keys).tolist() == expected


FIFTH = (*SUPPORT, tx.SupportType("spiritual", "Spiritual"))


@pytest.mark.parametrize(("terms", "high", "mask", "packed"), [
    (SUPPORT, 0, 0b0101, 0b0101),
    (SUPPORT, 3, 0b0101, 3 * 16 + 0b0101),
    (SUPPORT, 11, 0b1111, 11 * 16 + 15),
    (FIFTH, 3, 0b10101, 3 * 32 + 0b10101),
    (FIFTH, 11, 0b10000, 11 * 32 + 16),
])
def test_pack_and_unpack(terms: tuple[tx.Term, ...], high: int, mask: int, packed: int) -> None:
    """pack() puts the high part above width() bits; unpack() gives both parts back."""
    assert tb.pack(terms, np.array([high]), np.array([mask])).tolist() == [packed]
    back_high, back_mask = tb.unpack(terms, np.array([packed]))
    assert (back_high.tolist(), back_mask.tolist()) == ([high], [mask])


def test_a_list_too_long_for_int64_is_refused() -> None:
    """More keys than an int64 mask can hold raise instead of overflowing silently."""
    terms = tuple(tx.Term(f"k{i}", f"K{i}") for i in range(tb.MAX_TERMS + 1))
    with pytest.raises(ValueError, match="does not fit"):
        tb.bits(terms)
