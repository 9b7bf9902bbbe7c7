"""Live public feeds served by the app itself: a Meeting Guide JSON feed and an iCalendar subscription.

Both read the public view of the listable entries (no entry waiting for review or hidden by its source, no
confidential street or pin), keep only active ones, and take the Find page's filters from the URL, under the
same parameter names, so a bookmarked search becomes a feed. Each built feed is cached on the store's
identity (`Store.signature()`), as the pages cache their index: any write changes the key at once.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from directory import loading
from directory import taxonomy as tx
from directory.errors import DirectoryError
from directory.gazetteer import PlaceNotFound, resolve_place
from directory.interop.ical import event_calendar
from directory.interop.meeting_guide import meeting_guide_feed
from directory.search import Query, SearchIndex, search
from directory.store import Store

# The Find page's URL parameters (directory/ui/filters.py FILTERS), kept to the same names.
TERM_PARAMS: dict[str, tuple[str, tuple[tx.Term, ...]]] = {
    "type": ("support_types", tx.SUPPORT_TYPES), "cat": ("categories", tx.CATEGORIES),
    "dim": ("dimensions", tx.RECOVERY_DIMENSIONS), "stage": ("stages", tx.STAGES),
    "pop": ("populations", tx.POPULATIONS), "path": ("pathways", tx.PATHWAYS), "att": ("attendance", tx.ATTENDANCE),
}
FLAG_PARAMS = {"free": "free_only", "moud": "moud_welcome", "peer": "peer_run"}
TEXT_PARAMS = ("q", "near", "radius")
MAX_RADIUS_MILES = 100.0
MAX_TEXT = 200
DEFAULT_RADIUS_MILES = 10.0


class FeedError(DirectoryError, ValueError):
    """A feed or API parameter that cannot be used; str() is the message for the caller."""


@dataclass(frozen=True)
class PublicDirectory:
    """The active, public entries of one version of the store, as a search index (shared; never mutated)."""

    index: SearchIndex


# Held while a version is built, so requests arriving together build it once.
_lock = threading.Lock()


def _public(folder: str, signature: tuple[int, int, int]) -> PublicDirectory:
    # The pages' own shared snapshot (searches leave out inactive entries unless asked), so a feed costs no
    # second copy of the directory; a write by any session or process is seen on the next request.
    return PublicDirectory(loading.current(Store(Path(folder))).index)


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    values = params.get(name, [])
    if len(values) > 1:
        raise FeedError(f"give '{name}' once, not {len(values)} times")
    return values[0].strip() if values else ""


def _flag(params: Mapping[str, Sequence[str]], name: str) -> bool:
    value = _one(params, name).lower()
    if value not in ("", "1", "yes", "true", "0", "no", "false"):
        raise FeedError(f"'{name}' is 1 or 0 (yes or no), not {value[:40]!r}")
    return value in ("1", "yes", "true")


def parse_filters(params: Mapping[str, Sequence[str]]) -> Query:
    """The Find page's filters from a feed URL's parameters; FeedError for an unknown or unusable one."""
    unknown = sorted(set(params) - set(TERM_PARAMS) - set(FLAG_PARAMS) - set(TEXT_PARAMS))
    if unknown:
        known = ", ".join([*TEXT_PARAMS, *TERM_PARAMS, *FLAG_PARAMS])
        raise FeedError(f"unknown parameter {unknown[0][:40]!r}; a feed takes {known}")
    chosen: dict[str, object] = {}
    for name, (field, terms) in TERM_PARAMS.items():
        values = [v.strip() for v in params.get(name, []) if v.strip()]
        known_keys = tx.keys(terms)
        for value in values:
            if value not in known_keys:
                raise FeedError(f"'{name}' is one of {', '.join(known_keys)}, not {value[:40]!r}")
        chosen[field] = tuple(dict.fromkeys(values))
    for name, field in FLAG_PARAMS.items():
        chosen[field] = _flag(params, name)
    text = _one(params, "q")
    if len(text) > MAX_TEXT:
        raise FeedError(f"'q' is at most {MAX_TEXT} characters")
    near_text, radius_text = _one(params, "near"), _one(params, "radius")
    near, radius = None, None
    if radius_text and not near_text:
        raise FeedError("'radius' needs 'near' (a ZIP or City, ST)")
    if near_text:
        try:
            place = resolve_place(near_text[:60])
        except PlaceNotFound as error:
            raise FeedError(str(error)) from None
        near = (place.lat, place.lon)
        try:
            radius = float(radius_text) if radius_text else DEFAULT_RADIUS_MILES
        except ValueError:
            raise FeedError(f"'radius' is a number of miles, not {radius_text[:40]!r}") from None
        if not 0 < radius <= MAX_RADIUS_MILES:
            raise FeedError(f"'radius' is more than 0 and at most {MAX_RADIUS_MILES:g} miles")
    return Query(text=text, near=near, radius_miles=radius, **chosen)  # type: ignore[arg-type]


def _matches(directory: PublicDirectory, query: Query) -> pd.DataFrame:
    return search(directory.index, query).drop(columns=["distance_miles"])


# Keyed on the folder and signature, not the directory object, so an old version is not kept alive by its feeds.
@functools.lru_cache(maxsize=64)
def _meetings(folder: str, signature: tuple[int, int, int], query: Query) -> bytes:
    with _lock:
        directory = _public(folder, signature)
    return meeting_guide_feed(_matches(directory, query))


def meetings_feed(store: Store, query: Query) -> bytes:
    """The active weekly meetings and events that match the query, as a Meeting Guide JSON feed (cached)."""
    return _meetings(str(store.data_dir), store.signature(), query)


@functools.lru_cache(maxsize=64)
def _calendar(folder: str, signature: tuple[int, int, int], query: Query, zone: str, base_url: str) -> bytes:
    with _lock:
        directory = _public(folder, signature)
    found = _matches(directory, query)
    return event_calendar(found[found["event_start"] != ""].to_dict("records"), directory_zone=zone,
                          base_url=base_url)


def events_calendar(store: Store, query: Query, *, zone: str, base_url: str = "") -> bytes:
    """The active events that match the query as an iCalendar file (cached); zone is Settings.timezone."""
    return _calendar(str(store.data_dir), store.signature(), query, zone, base_url)
