"""Places and distances, offline by default.

ZIP codes and "City, ST" resolve from the gazetteer inside the `zipcodes` wheel,
with no network. An online geocoder (geopy's Nominatim) is used only when an
operator configures it, only when an entry is saved, and through a rate limiter
and a persistent cache.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import zipcodes

from directory import config
from directory.files import write_atomically

EARTH_RADIUS_MILES = 3958.7613
CACHE_FILE = "geocode-cache.json"

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")
_CITY_STATE = re.compile(r"^(?P<city>.*?[A-Za-z].*?)\s*(?:,\s*|\s+)(?P<state>[A-Za-z]{2})\.?$")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE", "FT": "FORT", "MT": "MOUNT"}
_LOWER_WORDS = frozenset({"of", "on", "the", "in", "upon", "and"})
_HOUSE_NUMBER = re.compile(r"^\d+[A-Za-z]?$")
_FAILED = object()  # what the rate limiter returns when every try raised, so failures are never cached


@dataclass(frozen=True)
class Place:
    """A resolved place: a label to show, coordinates, and how they were found."""

    label: str
    lat: float
    lon: float
    quality: str
    zip: str = ""


@dataclass(frozen=True)
class GeocodeResult:
    """Coordinates for an entry's address, with a geocode-quality key."""

    lat: float
    lon: float
    quality: str


class PlaceNotFound(ValueError):
    """The text is not a ZIP or "City, ST" the gazetteer knows; str() is the message for people."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(f"We couldn't find '{text.strip()[:60]}' — try a 5-digit ZIP or City, ST")


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
    zips: dict[str, _Zip] = {}
    primary: dict[tuple[str, str], _Group] = defaultdict(_Group)
    alias: dict[tuple[str, str], _Group] = defaultdict(_Group)
    for entry in zipcodes.list_all():
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


def geocode_offline(
    address: str = "", city: str = "", state: str = "", zip_code: str = ""
) -> GeocodeResult | None:
    """Place an entry without the network: its ZIP centre, else its city centre, else None."""
    centre = zip_centroid(zip_code) if zip_code else None
    if centre:
        return GeocodeResult(centre[0], centre[1], "zip_centroid")
    centre = city_centroid(city, state) if city.strip() and state.strip() else None
    if centre:
        return GeocodeResult(centre[0], centre[1], "city_centroid")
    return None


def _quality(raw: dict[str, Any]) -> str:
    # Nominatim names a house-number point "house"/"building"; an "addresstype" of building or place
    # counts only when the match carries a house number, otherwise it may be a whole street or hamlet.
    if raw.get("type") in ("house", "building"):
        return "exact"
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    leading = str(raw.get("display_name", "")).split(",")[0].strip()
    numbered = bool(address.get("house_number")) or bool(_HOUSE_NUMBER.match(leading))
    return "exact" if raw.get("addresstype") in ("building", "place") and numbered else "address_approx"


class OnlineGeocoder:
    """geopy's Nominatim behind a one-request-a-second limiter and a persistent cache file."""

    def __init__(self, user_agent: str, cache_path: Path, geocoder: Any = None) -> None:
        if not user_agent.strip():
            raise ValueError(
                "The online geocoder needs DIRECTORY_GEOCODER_USER_AGENT (for example 'my-rco-directory/1.0')"
            )
        from geopy.extra.rate_limiter import RateLimiter

        if geocoder is None:
            from geopy.geocoders import Nominatim

            geocoder = Nominatim(user_agent=user_agent.strip(), timeout=5)
        self._lookup = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=1,
            max_retries=1,
            # One second, not geopy's five, so a failed save keeps the page responsive.
            error_wait_seconds=1,
            swallow_exceptions=True,
            return_value_on_exception=_FAILED,
        )
        self.cache_path = Path(cache_path)
        self._cache = self._read()
        self._lock = threading.Lock()  # Streamlit serves sessions on threads that share one instance

    def geocode(
        self, address: str = "", city: str = "", state: str = "", zip_code: str = ""
    ) -> GeocodeResult | None:
        """Coordinates for an address, from the cache or the geocoder; else the offline centroids."""
        query = ", ".join(" ".join(part.split()) for part in (address, city, state, zip_code) if part.strip())
        key = query.lower()
        with self._lock:
            if query and key not in self._cache:
                found = self._lookup(query)
                if found is not _FAILED:
                    # A miss is remembered too: asking again would get the same answer, a second later.
                    self._cache[key] = found and [found.latitude, found.longitude, _quality(found.raw or {})]
                    self._save()
            hit = self._cache.get(key)
        if hit:
            return GeocodeResult(float(hit[0]), float(hit[1]), str(hit[2]))
        return geocode_offline(address, city, state, zip_code)

    def _read(self) -> dict[str, Any]:
        # A damaged or foreign cache file is treated as empty rather than stopping a save.
        try:
            loaded = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _save(self) -> None:
        # Another session may have added entries since we read the file; keep theirs as well as ours.
        self._cache = {**self._read(), **self._cache}
        cache = self._cache
        write_atomically(self.cache_path, lambda out: json.dump(cache, out, indent=0, sort_keys=True),
                         temp_prefix=".geocode-")


@cache
def _online_geocoder(user_agent: str, cache_path: Path) -> OnlineGeocoder:
    # One instance per process, so its rate limiter spaces out every save's lookup, not just one save's.
    return OnlineGeocoder(user_agent, cache_path)


def make_geocoder(data_dir: Path) -> Callable[[str, str, str, str], GeocodeResult | None]:
    """The configured way to place entries on save: offline centroids, or Nominatim when configured."""
    choice = config.setting("DIRECTORY_GEOCODER").lower()
    if choice == "offline":
        return geocode_offline
    if choice == "nominatim":
        agent = config.setting("DIRECTORY_GEOCODER_USER_AGENT")
        return _online_geocoder(agent, Path(data_dir) / CACHE_FILE).geocode
    raise ValueError(f"DIRECTORY_GEOCODER must be 'offline' or 'nominatim', not '{choice}'")


def haversine_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle miles from one point to arrays of points; NaN where a coordinate is missing."""
    lat1, lon1 = np.radians(np.float64(lat)), np.radians(np.float64(lon))
    lat2 = np.radians(np.asarray(lats, dtype=np.float64))
    lon2 = np.radians(np.asarray(lons, dtype=np.float64))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    # Rounding can push a a hair above 1 for antipodal points, where arcsin would give NaN.
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
