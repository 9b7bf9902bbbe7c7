"""Geocoding and distances, offline by default.

An entry is placed at its ZIP's or city's centre from the offline gazetteer (`directory.gazetteer`). An online
geocoder (geopy's Nominatim) is used only when an operator configures it, only when an entry is saved, and
through a rate limiter and a persistent cache. Readers of import files never geocode.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from directory.config import Settings
from directory.errors import Message
from directory.files import write_atomically
from directory.gazetteer import city_centroid, zip_centroid
from directory.i18n import N_

EARTH_RADIUS_MILES = 3958.7613
CACHE_FILE = "geocode-cache.json"

_HOUSE_NUMBER = re.compile(r"^\d+[A-Za-z]?$")
_FAILED = object()  # what the rate limiter returns when every try raised, so failures are never cached


@dataclass(frozen=True)
class GeocodeResult:
    """Coordinates for an entry's address, with a geocode-quality key."""

    lat: float
    lon: float
    quality: str


Geocoder = Callable[[str, str, str, str], GeocodeResult | None]
"""Places an entry from (address, city, state, ZIP), or None when it cannot."""


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
            raise ValueError(Message(N_("The online geocoder needs {variable} (for example '{example}')"),
                                     variable="DIRECTORY_GEOCODER_USER_AGENT", example="my-rco-directory/1.0"))
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


def make_geocoder(settings: Settings) -> Geocoder:
    """The configured way to place entries on save: offline centroids, or Nominatim when configured."""
    if settings.geocoder == "nominatim":
        return _online_geocoder(settings.geocoder_user_agent, settings.data_dir / CACHE_FILE).geocode
    return geocode_offline


def haversine_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle miles from one point to arrays of points; NaN where a coordinate is missing."""
    lat1, lon1 = np.radians(np.float64(lat)), np.radians(np.float64(lon))
    lat2 = np.radians(np.asarray(lats, dtype=np.float64))
    lon2 = np.radians(np.asarray(lons, dtype=np.float64))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    # Rounding can push a a hair above 1 for antipodal points, where arcsin would give NaN.
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
