"""Search: a Query value applied to a prepared index of the directory.

The index turns the frame of strings into arrays once (coordinates as floats,
each list column as a bit mask per row, one lower-case text per row), so that a
search over 100,000 resources is a handful of vectorised operations.
"""

from __future__ import annotations

import threading
import unicodedata
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from directory import taxonomy as tx
from directory import term_bits
from directory.geo import haversine_miles
from directory.schedule import open_status
from directory.schema import split_list

# Columns whose values are filtered as sets; a row matches when it has any chosen key.
_SET_COLUMNS: dict[str, tuple[tx.Term, ...]] = {
    "support_types": tx.SUPPORT_TYPES,
    "category": tx.CATEGORIES,
    "dimensions": tx.RECOVERY_DIMENSIONS,
    "stages": tx.STAGES,
    "populations": tx.POPULATIONS,
    "pathways": tx.PATHWAYS,
    "attendance": tx.ATTENDANCE,
    "cost": tx.COSTS,
}
# Search matches an entry's own words in either language (its Spanish name and description too).
_TEXT_COLUMNS = ("name", "name_es", "organization", "description", "description_es", "tags")


def fold_accents(text: pd.Series) -> pd.Series:
    """Lower-case text without accents ('Recuperación' -> 'recuperacion'), so either spelling finds it.

    Only rows with a non-ASCII letter are decomposed: most rows are plain ASCII and stay as they are."""
    text = text.str.lower()
    odd = ~text.str.isascii()
    if odd.any():
        text = text.copy()
        text[odd] = text[odd].str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    return text


def _fold_word(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Query:
    """What a person asked for. Empty fields do not filter."""

    text: str = ""
    support_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    pathways: tuple[str, ...] = ()
    attendance: tuple[str, ...] = ()
    free_only: bool = False
    moud_welcome: bool = False
    peer_run: bool = False
    near: tuple[float, float] | None = None
    radius_miles: float | None = None
    include_inactive: bool = False
    open_at: datetime | None = None
    limit: int | None = None

    def filters(self) -> dict[str, tuple[str, ...]]:
        """The set filters of this query, keyed by column."""
        chosen = {
            "support_types": self.support_types,
            "category": self.categories,
            "dimensions": self.dimensions,
            "stages": self.stages,
            "populations": self.populations,
            "pathways": self.pathways,
            "attendance": self.attendance,
            "cost": ("free",) if self.free_only else (),
        }
        return {column: keys for column, keys in chosen.items() if keys}


@dataclass
class SearchIndex:
    """Arrays prepared from a frame of valid resources; the frame itself is kept for output."""

    frame: pd.DataFrame
    lat: np.ndarray
    lon: np.ndarray
    masks: dict[str, np.ndarray]
    text: np.ndarray
    name: np.ndarray
    active: np.ndarray
    moud: np.ndarray
    peer: np.ndarray
    hours: np.ndarray

    def __len__(self) -> int:
        return len(self.frame)


def _coordinates(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.replace("", np.nan), errors="coerce").to_numpy(dtype=np.float64)


def pathways_of(row: Mapping[str, str]) -> list[str]:
    """The row's pathway keys in taxonomy order, medication-supportive included when MOUD is welcome."""
    keys = set(split_list(row.get("pathways", "")))
    if row.get("moud_welcome") == "yes":
        keys.add(tx.MEDICATION_PATHWAY)
    return [term.key for term in tx.PATHWAYS if term.key in keys]


def _pathways_with_moud(frame: pd.DataFrame) -> pd.Series:
    # "Medication for OUD welcome: yes" is the medication-supportive pathway whether or not its entry lists it,
    # so the two never disagree in a search.
    moud = frame["moud_welcome"] == "yes"
    return frame["pathways"].where(~moud, frame["pathways"] + ";" + tx.MEDICATION_PATHWAY)


def pathway_masks(frame: pd.DataFrame) -> np.ndarray:
    """Each row's pathways as a term_bits mask, with "Medication for OUD welcome: yes" as medication-supportive."""
    return term_bits.mask_column(tx.PATHWAYS, _pathways_with_moud(frame))


def build_index(frame: pd.DataFrame) -> SearchIndex:
    """Prepare a frame of valid resources for searching."""
    frame = frame.reset_index(drop=True)
    text = frame[_TEXT_COLUMNS[0]].astype(str)
    for column in _TEXT_COLUMNS[1:]:
        text = text + " " + frame[column].astype(str)
    return SearchIndex(
        frame=frame,
        lat=_coordinates(frame["latitude"]),
        lon=_coordinates(frame["longitude"]),
        masks={column: pathway_masks(frame) if column == "pathways" else term_bits.mask_column(terms, frame[column])
               for column, terms in _SET_COLUMNS.items()},
        text=fold_accents(text).to_numpy(dtype=object),
        name=fold_accents(frame["name"]).to_numpy(dtype=object),
        active=(frame["status"] == "active").to_numpy(),
        moud=(frame["moud_welcome"] == "yes").to_numpy(),
        peer=(frame["peer_run"] == "yes").to_numpy(),
        hours=frame["hours"].to_numpy(dtype=object),
    )


def _text_match(haystack: np.ndarray, words: list[str]) -> np.ndarray:
    keep = np.ones(len(haystack), dtype=bool)
    for word in words:
        keep &= np.fromiter((word in item for item in haystack), dtype=bool, count=len(haystack))
    return keep


def search(index: SearchIndex, query: Query, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows matching the query, with a distance_miles column; nearest first when a place is given.

    With query.limit, only the first rows come back; `result.attrs["matches"]` counts every match either way.
    With `columns`, only those columns come back (a map of 100,000 results needs 8 of the 49).
    """
    keep = np.ones(len(index), dtype=bool) if query.include_inactive else index.active.copy()
    for column, chosen in query.filters().items():
        keep &= term_bits.has_any(_SET_COLUMNS[column], index.masks[column], chosen)
    if query.moud_welcome:
        keep &= index.moud
    if query.peer_run:
        keep &= index.peer
    if query.open_at is not None:
        rows = np.flatnonzero(keep & (index.hours != ""))
        keep[:] = False
        keep[rows] = [open_status(hours, query.open_at).is_open for hours in index.hours[rows]]
    words = [_fold_word(word) for word in query.text.split()]
    if words:
        rows = np.flatnonzero(keep)
        keep[rows] = _text_match(index.text[rows], words)

    rows = np.flatnonzero(keep)
    distances = np.full(len(rows), np.nan)
    if query.near is not None:
        distances = haversine_miles(query.near[0], query.near[1], index.lat[rows], index.lon[rows])
        if query.radius_miles is not None:
            inside = distances <= query.radius_miles
            rows, distances = rows[inside], distances[inside]
        order = _nearest_first(distances, query.limit)
    else:
        order = _by_name(index.name, rows, words)
        if query.limit is not None:
            order = order[: query.limit]
    source = index.frame if columns is None else index.frame[list(columns)]
    result = source.iloc[rows[order]].copy()
    result["distance_miles"] = distances[order]
    # How many matched before the limit: a page that draws 25 cards says how many there are without taking
    # every matching row out of the frame (at 100,000 entries, most of a search's time).
    result.attrs["matches"] = len(rows)
    return result


def _nearest_first(distances: np.ndarray, limit: int | None) -> np.ndarray:
    if limit is not None and limit < len(distances):
        top = np.argpartition(distances, limit)[:limit]
        return top[np.argsort(distances[top], kind="stable")]
    return np.argsort(distances, kind="stable")


# Each index's A-to-Z rank of names, worked out at its first search: sorting 100,000 names as text on every
# search was a third of a search without a place. Keyed by the names array (weakly: an index that is gone
# takes its ranks with it), since SearchIndex's fields stay as they are.
_name_ranks: dict[int, tuple[weakref.ref, np.ndarray]] = {}
_name_ranks_lock = threading.Lock()


def _name_rank(names: np.ndarray) -> np.ndarray:
    held = _held_rank(names)
    if held is not None:
        return held
    # Stable: equal names keep the order of their rows, as the text sort of each search did.
    order = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    _keep_rank(names, rank)
    return rank


def _held_rank(names: np.ndarray) -> np.ndarray | None:
    with _name_ranks_lock:
        held = _name_ranks.get(id(names))
    return held[1] if held is not None and held[0]() is names else None


def _keep_rank(names: np.ndarray, rank: np.ndarray) -> None:
    with _name_ranks_lock:
        for key in [key for key, (ref, _) in _name_ranks.items() if ref() is None]:
            del _name_ranks[key]
        _name_ranks[id(names)] = (weakref.ref(names), rank)


# Rows a splice may change for its names' rank to be carried over rather than sorted again.
_RANK_CARRIED_UP_TO = 256


def carry_name_rank(old_names: np.ndarray, new_names: np.ndarray, start: int, stop: int) -> None:
    """After a splice (old rows start..stop replaced, giving new_names), work out the new names' A-to-Z rank
    from the old one, if it is known: a few binary searches instead of sorting every name again."""
    old_rank = _held_rank(old_names)
    added = len(new_names) - (len(old_names) - (stop - start))
    if old_rank is None or added > _RANK_CARRIED_UP_TO or stop - start > _RANK_CARRIED_UP_TO:
        return
    order = np.empty(len(old_rank), dtype=np.int64)
    order[old_rank] = np.arange(len(old_rank))
    order = order[(order < start) | (order >= stop)]  # the rows kept, still in name order
    order[order >= stop] += added - (stop - start)  # renumbered as in the new names
    for row in range(start, start + added):  # each new row goes after its equals that come before it
        name = new_names[row]
        sorted_names = new_names[order]
        at = int(np.searchsorted(sorted_names, name, side="left"))
        while at < len(order) and sorted_names[at] == name and order[at] < row:
            at += 1
        order = np.insert(order, at, row)
    rank = np.empty(len(new_names), dtype=np.int64)
    rank[order] = np.arange(len(new_names))
    _keep_rank(new_names, rank)


def _by_name(all_names: np.ndarray, rows: np.ndarray, words: list[str]) -> np.ndarray:
    # Without a place, entries whose name holds the search words come first, then A to Z.
    names = all_names[rows]
    if words:
        in_name = np.fromiter((all(w in n for w in words) for n in names), dtype=bool, count=len(names))
    else:
        in_name = np.zeros(len(names), dtype=bool)
    return np.lexsort((_name_rank(all_names)[rows], ~in_name)) if len(names) else np.arange(0)
