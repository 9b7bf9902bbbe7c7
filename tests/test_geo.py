"""Offline places and vectorised distances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from geopy.distance import geodesic

from directory.geo import (
    GeocodeResult,
    OnlineGeocoder,
    PlaceNotFound,
    geocode_offline,
    haversine_miles,
    make_geocoder,
    resolve_place,
)


@pytest.mark.parametrize(
    ("text", "label", "lat", "lon", "quality"),
    [
        ("19104", "19104 (Philadelphia, PA)", 39.96, -75.20, "zip_centroid"),
        (" 19104-1234 ", "19104 (Philadelphia, PA)", 39.96, -75.20, "zip_centroid"),
        ("02134", "02134 (Allston, MA)", 42.35, -71.13, "zip_centroid"),
        ("Media, PA", "Media, PA", 39.92, -75.39, "city_centroid"),
        ("media pa", "Media, PA", 39.92, -75.39, "city_centroid"),
        ("Bryn Mawr, PA", "Bryn Mawr, PA", 40.02, -75.33, "city_centroid"),
        ("Camden, NJ", "Camden, NJ", 39.94, -75.11, "city_centroid"),
        ("king of prussia, pa", "King of Prussia, PA", 40.10, -75.37, "city_centroid"),
    ],
)
def test_zips_and_cities_resolve_offline(text: str, label: str, lat: float, lon: float, quality: str) -> None:
    """A ZIP, ZIP+4 or "City, ST" in any case resolves to plausible coordinates with its quality."""
    place = resolve_place(text)
    assert place.label == label
    assert place.lat == pytest.approx(lat, abs=0.05)
    assert place.lon == pytest.approx(lon, abs=0.05)
    assert place.quality == quality


@pytest.mark.parametrize("text", ["xxxxx", "00000", "Springfield, ZZ", "", "Philadelphia"])
def test_unknown_places_get_the_plain_message(text: str) -> None:
    """Anything else raises PlaceNotFound with a message that says what to type."""
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place(text)
    assert str(caught.value) == f"We couldn't find '{text.strip()}' — try a 5-digit ZIP or City, ST"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((39.9526, -75.1652), (39.9597, -75.2024)),  # across West Philadelphia, ~2 mi
        ((39.9526, -75.1652), (40.0236, -75.3295)),  # to Bryn Mawr, ~10 mi
        ((39.9526, -75.1652), (40.7128, -74.0060)),  # to New York, ~80 mi
        ((39.9526, -75.1652), (34.0522, -118.2437)),  # to Los Angeles
        ((47.6062, -122.3321), (25.7617, -80.1918)),  # Seattle to Miami
    ],
)
def test_haversine_agrees_with_geodesic_within_half_a_percent(a: tuple, b: tuple) -> None:
    """Great-circle miles stay within 0.5% of geopy's ellipsoidal geodesic."""
    ours = haversine_miles(a[0], a[1], np.array([b[0]]), np.array([b[1]]))[0]
    assert ours == pytest.approx(geodesic(a, b).miles, rel=0.005)


def test_haversine_over_random_us_pairs_and_missing_values() -> None:
    """1,000 random continental-US points agree with geodesic; NaN coordinates give NaN."""
    rng = np.random.default_rng(3)
    lats, lons = rng.uniform(25, 49, 1000), rng.uniform(-124, -67, 1000)
    ours = haversine_miles(39.95, -75.16, lats, lons)
    expected = np.array([geodesic((39.95, -75.16), (la, lo)).miles for la, lo in zip(lats, lons, strict=True)])
    assert np.all(np.abs(ours - expected) <= 0.005 * expected + 1e-9)
    assert np.isnan(haversine_miles(39.95, -75.16, np.array([np.nan]), np.array([-75.0]))[0])


def test_offline_geocoding_falls_back_from_zip_to_city_to_nothing() -> None:
    """A street address is placed at its ZIP centre, else its city centre, else not at all."""
    by_zip = geocode_offline("1 Example St", "Philadelphia", "PA", "19104")
    assert by_zip is not None and by_zip.quality == "zip_centroid"
    by_city = geocode_offline("1 Example St", "Media", "PA", "")
    assert by_city is not None and by_city.quality == "city_centroid"
    assert geocode_offline("1 Example St", "Nowhere", "PA", "") is None


def test_offline_is_the_default_geocoder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no setting the geocoder needs no network; bad settings are refused with a reason."""
    monkeypatch.delenv("DIRECTORY_GEOCODER", raising=False)
    assert make_geocoder(tmp_path) is geocode_offline
    monkeypatch.setenv("DIRECTORY_GEOCODER", "google")
    with pytest.raises(ValueError, match="must be 'offline' or 'nominatim'"):
        make_geocoder(tmp_path)
    monkeypatch.setenv("DIRECTORY_GEOCODER", "nominatim")
    monkeypatch.delenv("DIRECTORY_GEOCODER_USER_AGENT", raising=False)
    with pytest.raises(ValueError, match="USER_AGENT"):
        make_geocoder(tmp_path)


class _CountingGeocoder:
    """Stands in for Nominatim, which needs the internet: answers one address and counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def geocode(self, query: str):
        self.calls += 1
        if query.startswith("1 Example St"):
            return type("Found", (), {"latitude": 39.95, "longitude": -75.19, "raw": {"type": "house"}})()
        return None


def test_online_results_are_cached_on_disk(tmp_path: Path) -> None:
    """A repeated address is answered from the cache, also by a new instance; misses fall back offline."""
    counting = _CountingGeocoder()
    cache_file = tmp_path / "geocode-cache.json"
    online = OnlineGeocoder("test-suite/1.0", cache_file, geocoder=counting)
    assert online.geocode("1 Example St", "Philadelphia", "PA", "19104") == GeocodeResult(39.95, -75.19, "exact")
    online.geocode("1 Example St", "Philadelphia", "PA", "19104")
    assert counting.calls == 1
    again = OnlineGeocoder("test-suite/1.0", cache_file, geocoder=counting)
    assert again.geocode("1 Example St", "Philadelphia", "PA", "19104").quality == "exact"
    assert counting.calls == 1
    assert again.geocode("9 Unknown Rd", "Media", "PA", "").quality == "city_centroid"
