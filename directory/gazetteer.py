"""The offline gazetteer: ZIP codes and "City, ST" resolved from the `zipcodes` wheel, with no network.

Used to place a search ("near 19104"), to give a confidential entry only its ZIP's centre, and to check a
file's coordinates against its own ZIP or city. Geocoding an address (offline or online) is `geo`'s job.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import zipcodes

from directory.errors import DirectoryError, Message
from directory.i18n import N_

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")
_CITY_STATE = re.compile(r"^(?P<city>.*?[A-Za-z].*?)\s*(?:,\s*|\s+)(?P<state>[A-Za-z]{2})\.?$")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE", "FT": "FORT", "MT": "MOUNT"}
_LOWER_WORDS = frozenset({"of", "on", "the", "in", "upon", "and"})

@dataclass(frozen=True)
class Place:
    """A resolved place: a label to show, coordinates, and how they were found."""

    label: str
    lat: float
    lon: float
    quality: str
    zip: str = ""


class PlaceNotFound(DirectoryError, ValueError):
    """The text is not a ZIP or "City, ST" the gazetteer knows; str() is the message for people."""

    def __init__(self, text: str) -> None:
        self.text = text
        # A Message, so whoever shows it later (another session, the CLI) can say it in its own language.
        super().__init__(Message(N_("We couldn't find '{place}' — try a 5-digit ZIP or City, ST"),
                                 place=text.strip()[:60]))


class _Zip(NamedTuple):
    lat: float
    lon: float
    city: str
    state: str


class _City(NamedTuple):
    name: str
    lat: float
    lon: float


@dataclass
class _Group:
    name: str = ""
    # Running sums (lat, lon, count) of STANDARD ZIPs and of the others, so no per-ZIP objects are kept.
    standard: list[float] = field(default_factory=lambda: [0.0, 0.0, 0])
    other: list[float] = field(default_factory=lambda: [0.0, 0.0, 0])


class _Gazetteer(NamedTuple):
    zips: dict[str, _Zip]
    cities: dict[tuple[str, str], _City]


def zip_entries() -> list[dict]:
    """Every ZIP record of the zipcodes wheel, for building a derived table; the package does not keep them.

    zipcodes keeps the 42,000 records it returns (about 140 MB of dicts) for the life of the process; each
    table built from them here keeps only what it needs, so the package's copy is let go.
    """
    entries = zipcodes.list_all()
    if hasattr(zipcodes, "_zips_cache"):
        zipcodes._zips_cache = None
    return entries


@lru_cache(maxsize=65536)
def _city_key(city: str) -> str:
    # Spacing and punctuation vary ("Mc Kees Rocks", "McKees Rocks", "Coeur d'Alene", "Coeur D Alene"),
    # so the key keeps only letters and digits, after expanding the usual abbreviations.
    words = _NON_ALNUM.split(city.upper().replace("'", "").replace("’", ""))
    return "".join([_ABBREVIATIONS.get(word, word) for word in words])


def _title(city: str) -> str:
    # The gazetteer writes "King Of Prussia" and "Winston-salem"; acronyms such as "AFB" stay as they are.
    def word(position: int, text: str) -> str:
        if len(text) > 1 and text.isupper():
            return text
        if position and text.lower() in _LOWER_WORDS:
            return text.lower()
        return "-".join(part.capitalize() for part in text.split("-"))

    return " ".join(word(i, text) for i, text in enumerate(city.split()))


def _centres(groups: dict[tuple[str, str], _Group]) -> dict[tuple[str, str], _City]:
    # STANDARD ZIPs describe where people live; PO Box and unique ZIPs count only when a city has no other.
    centres = {}
    for key, group in groups.items():
        lat, lon, count = group.standard if group.standard[2] else group.other
        centres[key] = _City(group.name, lat / count, lon / count)
    return centres


@cache
def _gazetteer() -> _Gazetteer:
    # Built from the zipcodes wheel once per machine (about 2 s), then read from the user's cache folder
    # (a tenth of that), so a new process (the CLI, a cold start) can place a search at once.
    saved = zip_table("gazetteer", __file__, _saved_gazetteer)
    return _Gazetteer(_SavedRows(saved["zips"], _Zip), _SavedRows(saved["cities"], _City))


def _saved_gazetteer(entries: list[dict]) -> dict[str, dict]:
    built = _build_gazetteer(entries)
    return {"zips": built.zips, "cities": {_saved_key(key): city for key, city in built.cities.items()}}


def _saved_key(key: str | tuple[str, str]) -> str:
    return key if isinstance(key, str) else "\t".join(key)


class _SavedRows(dict):
    """Rows read back from the cache as plain lists, made into their named tuple only when asked for."""

    def __init__(self, rows: dict[str, list], kind: type) -> None:
        super().__init__(rows)
        self.kind = kind

    def get(self, key: str | tuple[str, str], default: object = None) -> object:
        row = super().get(_saved_key(key))
        return default if row is None else self.kind(*row)


def _cache_path(name: str, source: str) -> Path:
    # Keyed on the zipcodes release and the deriving module's own code, so an upgrade of either builds it again.
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()[:12]
    version = importlib.metadata.version("zipcodes")
    return home / "recovery-directory" / f"{name}-{version}-{digest}.json"


def zip_table(name: str, source: str, build: Callable[[list[dict]], object]) -> Any:
    """A table derived by build() from the zipcodes wheel's records, kept as JSON in the user's cache folder.

    The records are 42,000 dicts (about 140 MB); a server that made them would keep much of that memory even
    after letting them go, so they are made once per machine, and a table is read back as plain JSON values
    (lists for tuples). `source` is the deriving module's file: a change to it builds the table again.
    """
    path = _cache_path(name, source)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    text = json.dumps(build(zip_entries()))
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    return json.loads(text)


def _build_gazetteer(entries: list[dict]) -> _Gazetteer:
    zips: dict[str, _Zip] = {}
    primary: dict[tuple[str, str], _Group] = defaultdict(_Group)
    alias: dict[tuple[str, str], _Group] = defaultdict(_Group)
    for entry in entries:
        try:
            lat, lon = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        if not entry.get("active") or not (math.isfinite(lat) and math.isfinite(lon)) or lat == 0 or lon == 0:
            continue
        state = entry["state"].upper()
        zips[entry["zip_code"]] = _Zip(lat, lon, entry["city"], state)
        names = [(primary, entry["city"])] + [(alias, name) for name in entry["acceptable_cities"]]
        for groups, name in names:
            group = groups[(_city_key(name), state)]
            group.name = group.name or name
            sums = group.standard if entry.get("zip_code_type") == "STANDARD" else group.other
            sums[0] += lat
            sums[1] += lon
            sums[2] += 1
    # A name people use for part of a city ("Phila") counts only where no city has it as its own name.
    return _Gazetteer(zips, {**_centres(alias), **_centres(primary)})


def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    """The centre of a 5-digit ZIP (ZIP+4 accepted), or None when unknown, inactive or without coordinates."""
    match = _ZIP.match(zip_code.strip())
    found = _gazetteer().zips.get(match[1]) if match else None
    return (found.lat, found.lon) if found else None


def city_centroid(city: str, state: str) -> tuple[float, float] | None:
    """The mean centre of a city's ZIP codes (STANDARD ones when it has any), or None when unknown."""
    found = _gazetteer().cities.get((_city_key(city), state.strip().upper()))
    return (found.lat, found.lon) if found else None


def resolve_place(text: str) -> Place:
    """A ZIP or "City, ST" as a Place, offline; raises PlaceNotFound otherwise."""
    cleaned = " ".join(text.split())
    zip_match = _ZIP.match(cleaned)
    if zip_match:
        code = zip_match[1]
        found = _gazetteer().zips.get(code)
        if found:
            label = f"{code} ({_title(found.city)}, {found.state})"
            return Place(label, found.lat, found.lon, "zip_centroid", code)
        raise PlaceNotFound(text)
    city_match = _CITY_STATE.match(cleaned)
    if city_match:
        state = city_match["state"].upper()
        city = _gazetteer().cities.get((_city_key(city_match["city"]), state))
        if city:
            return Place(f"{_title(city.name)}, {state}", city.lat, city.lon, "city_centroid")
    raise PlaceNotFound(text)


class _Zones(NamedTuple):
    by_zip: dict[str, str]
    by_city: dict[tuple[str, str], str]
    # ZIP centres with their zone, bucketed by whole degrees, for the nearest ZIP to a point.
    grid: dict[tuple[int, int], list[tuple[float, float, str]]]


@cache
def _zones() -> _Zones:
    by_zip: dict[str, str] = {}
    by_city: dict[tuple[str, str], str] = {}
    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for entry in zip_entries():
        zone = entry.get("timezone") or ""
        if not zone:
            continue
        by_zip[entry["zip_code"]] = zone
        by_city.setdefault((_city_key(entry["city"]), entry["state"].upper()), zone)
        try:
            lat, lon = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        if math.isfinite(lat) and math.isfinite(lon) and lat and lon:
            grid[(math.floor(lat), math.floor(lon))].append((lat, lon, zone))
    return _Zones(by_zip, by_city, dict(grid))


def time_zone(*, zip_code: str = "", city: str = "", state: str = "", lat: float | None = None,
              lon: float | None = None) -> str:
    """The IANA time zone of a US place, offline: from its ZIP, else its city and state, else the nearest ZIP.

    Returns "" when none is known (outside the US, or more than about a degree from any ZIP).
    """
    zones = _zones()
    match = _ZIP.match(zip_code.strip())
    if match and match[1] in zones.by_zip:
        return zones.by_zip[match[1]]
    if city and state and (found := zones.by_city.get((_city_key(city), state.strip().upper()))):
        return found
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return ""
    cell = (math.floor(lat), math.floor(lon))
    near = [z for dy in (-1, 0, 1) for dx in (-1, 0, 1) for z in zones.grid.get((cell[0] + dy, cell[1] + dx), ())]
    if not near:
        return ""
    # Degrees of longitude shrink with latitude; this is only to pick the nearest ZIP centre.
    scale = math.cos(math.radians(lat)) ** 2
    return min(near, key=lambda z: (z[0] - lat) ** 2 + scale * (z[1] - lon) ** 2)[2]
