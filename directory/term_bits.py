"""Bit masks for term lists: the one encoding of a `;`-joined cell as a whole number.

Each key of a controlled list (taxonomy.SUPPORT_TYPES, CATEGORIES, ...) owns the bit of its position,
so a cell such as "emotional;instrumental" becomes 0b101 and "has any of these keys" is one AND.
Search, gaps and the map's markers all use this module, so the bit order is defined here only.
It sits apart from taxonomy because it needs schema.split_list, and schema itself imports taxonomy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from directory import taxonomy as tx
from directory.schema import split_list

Terms = tuple[tx.Term, ...]

# Masks are stored as int64; one bit stays free so a mask is never negative.
MAX_TERMS = 62


def width(terms: Terms) -> int:
    """How many bits a mask of this list uses: one per term."""
    return len(terms)


@lru_cache(maxsize=64)
def bits(terms: Terms) -> Mapping[str, int]:
    """The bit of each key of a term list, in list order (first key = 1)."""
    if len(terms) > MAX_TERMS:
        raise ValueError(f"a term list of {len(terms)} keys does not fit a {MAX_TERMS}-bit mask")
    return MappingProxyType({term.key: 1 << i for i, term in enumerate(terms)})


def bit_of(terms: Terms, key: str) -> int:
    """The bit of one key, or 0 for a key that is not in the list."""
    return bits(terms).get(key, 0)


def keys_mask(terms: Terms, keys: Iterable[str]) -> int:
    """The mask of several keys; unknown keys add nothing."""
    found = bits(terms)
    mask = 0
    for key in keys:
        mask |= found.get(key, 0)
    return mask


def cell_mask(terms: Terms, cell: str) -> int:
    """The mask of one stored list cell such as "emotional;instrumental"."""
    return keys_mask(terms, split_list(cell))


def mask_column(terms: Terms, values: pd.Series) -> np.ndarray:
    """The mask of every cell of a column, as int64, in the column's order."""
    # Few distinct cells repeat across many rows, so each distinct cell is split once.
    distinct = {cell: cell_mask(terms, cell) for cell in values.unique()}
    return values.map(distinct).to_numpy(dtype=np.int64)


def has_any(terms: Terms, masks: np.ndarray, keys: Iterable[str]) -> np.ndarray:
    """True where a mask holds at least one of the keys."""
    return (np.asarray(masks, dtype=np.int64) & keys_mask(terms, keys)) != 0


def has_key(terms: Terms, masks: np.ndarray, key: str) -> np.ndarray:
    """True where a mask holds the key."""
    return has_any(terms, masks, (key,))


def pack(terms: Terms, high: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """One number per row: `high` shifted above the mask's width, the mask below it."""
    return (np.asarray(high, dtype=np.int64) << width(terms)) | np.asarray(masks, dtype=np.int64)


def unpack(terms: Terms, packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (high, mask) parts of numbers made by pack()."""
    packed = np.asarray(packed, dtype=np.int64)
    return packed >> width(terms), packed & ((1 << width(terms)) - 1)
