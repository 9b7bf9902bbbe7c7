"""Places and distances, offline by default.

ZIP codes and "City, ST" resolve from the gazetteer inside the `zipcodes` wheel,
with no network. An online geocoder (geopy's Nominatim) is used only when an
operator configures it, only when an entry is saved, and through a rate limiter
and a persistent cache.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import zipcodes

from directory import config

EARTH_RADIUS_MILES = 3958.7613
_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")
_CITY_STATE = re.compile(r"^(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s*,?\s+(?P<state>[A-Za-z]{2})$")


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

    def __init__(self, text: str):
        shown = text.strip()[:60]
        super().__init__(f"We couldn't find '{shown}' — try a 5-digit ZIP or City, ST")


@cache
def _gazetteer() -> tuple[dict[str, tuple[float, float, str, str]], dict[tuple[str, str], tuple[float, float]]]:
    # Built once per process: ZIP -> (lat, lon, city, state), and (CITY, ST) -> mean of its ZIP centres.
    by_zip: dict[str, tuple[float, float, str, str]] = {}
    standard: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    other: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for entry in zipcodes.list_all():
        try:
            lat, lon = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        if not entry.get("active") or (lat == 0 and lon == 0):
            continue
        by_zip[entry["zip_code"]] = (lat, lon, entry["city"], entry["state"])
        key = (entry["city"].upper(), entry["state"].upper())
        (standard if entry.get("zip_code_type") == "STANDARD" else other)[key].append((lat, lon))
    by_city = {
        key: (float(np.mean([p[0] for p in points])), float(np.mean([p[1] for p in points])))
        for key, points in {**other, **standard}.items()
    }
    return by_zip, by_city


_LOWER_WORDS = frozenset({"of", "on", "the", "in", "upon"})


def _title(city: str) -> str:
    words = city.lower().split()
    return " ".join(w if i and w in _LOWER_WORDS else w.capitalize() for i, w in enumerate(words))


def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    """The centre of a 5-digit ZIP (ZIP+4 accepted), or None when unknown."""
    match = _ZIP.match(zip_code.strip())
    found = _gazetteer()[0].get(match[1]) if match else None
    return (found[0], found[1]) if found else None


def city_centroid(city: str, state: str) -> tuple[float, float] | None:
    """The mean centre of a city's ZIP codes, or None when unknown."""
    key = (" ".join(city.upper().split()), state.strip().upper())
    return _gazetteer()[1].get(key)


def resolve_place(text: str) -> Place:
    """A ZIP or "City, ST" as a Place, offline; raises PlaceNotFound otherwise."""
    cleaned = " ".join(text.split())
    zip_match = _ZIP.match(cleaned)
    if zip_match:
        found = _gazetteer()[0].get(zip_match[1])
        if found:
            return Place(f"{zip_match[1]} ({_title(found[2])}, {found[3]})", found[0], found[1], "zip_centroid",
                         zip_match[1])
        raise PlaceNotFound(text)
    city_match = _CITY_STATE.match(cleaned)
    if city_match:
        city, state = city_match["city"].strip(" ,"), city_match["state"].upper()
        centre = city_centroid(city, state)
        if centre:
            return Place(f"{_title(city)}, {state}", centre[0], centre[1], "city_centroid")
    raise PlaceNotFound(text)


def geocode_offline(address: str = "", city: str = "", state: str = "", zip_code: str = "") -> GeocodeResult | None:
    """Place an entry without the network: its ZIP centre, else its city centre, else None."""
    centre = zip_centroid(zip_code) if zip_code else None
    if centre:
        return GeocodeResult(centre[0], centre[1], "zip_centroid")
    centre = city_centroid(city, state) if city and state else None
    if centre:
        return GeocodeResult(centre[0], centre[1], "city_centroid")
    return None


class OnlineGeocoder:
    """geopy's Nominatim behind a one-request-a-second limiter and a persistent cache file."""

    def __init__(self, user_agent: str, cache_path: Path, geocoder: object | None = None):
        if not user_agent.strip():
            raise ValueError("the online geocoder needs DIRECTORY_GEOCODER_USER_AGENT (for example 'my-rco/1.0')")
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self._geocoder = geocoder or Nominatim(user_agent=user_agent, timeout=5)
        self._lookup = RateLimiter(self._geocoder.geocode, min_delay_seconds=1, max_retries=1,
                                   swallow_exceptions=True)
        self.cache_path = Path(cache_path)
        self._cache: dict[str, list[float | str] | None] = (
            json.loads(self.cache_path.read_text(encoding="utf-8")) if self.cache_path.exists() else {}
        )

    def geocode(self, address: str = "", city: str = "", state: str = "", zip_code: str = "") -> GeocodeResult | None:
        """Coordinates for an address, from the cache or Nominatim; the offline centroids when it has none."""
        query = ", ".join(part.strip() for part in (address, city, state, zip_code) if part.strip())
        key = query.lower()
        if key not in self._cache:
            found = self._lookup(query) if query else None
            self._cache[key] = None if found is None else [found.latitude, found.longitude, _quality(found.raw)]
            self._save()
        hit = self._cache[key]
        if hit:
            return GeocodeResult(float(hit[0]), float(hit[1]), str(hit[2]))
        return geocode_offline(address, city, state, zip_code)

    def _save(self) -> None:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.cache_path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(self._cache, out)
        os.replace(temp, self.cache_path)


def _quality(raw: dict) -> str:
    precise = raw.get("type") in ("house", "building") or raw.get("addresstype") in ("house", "building")
    return "exact" if precise else "address_approx"


def make_geocoder(data_dir: Path) -> Callable[[str, str, str, str], GeocodeResult | None]:
    """The configured way to place entries on save: offline centroids, or Nominatim when configured."""
    choice = config.setting("DIRECTORY_GEOCODER").lower()
    if choice == "offline":
        return geocode_offline
    if choice == "nominatim":
        agent = config.setting("DIRECTORY_GEOCODER_USER_AGENT")
        return OnlineGeocoder(agent, Path(data_dir) / "geocode-cache.json").geocode
    raise ValueError(f"DIRECTORY_GEOCODER must be 'offline' or 'nominatim', not '{choice}'")


def haversine_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle miles from one point to arrays of points; NaN where a coordinate is missing."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2 = np.radians(np.asarray(lats, dtype=np.float64))
    lon2 = np.radians(np.asarray(lons, dtype=np.float64))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
