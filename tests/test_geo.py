"""Offline places, offline and cached online geocoding, and vectorised distances."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from geopy.distance import geodesic
from geopy.exc import GeocoderUnavailable

from directory import taxonomy
from directory.config import load_settings
from directory.gazetteer import PlaceNotFound, city_centroid, resolve_place, zip_centroid
from directory.geo import (
    GeocodeResult,
    OnlineGeocoder,
    _quality,
    geocode_offline,
    haversine_miles,
    make_geocoder,
)

CITY_HALL = (39.9526, -75.1652)


@pytest.mark.parametrize(
    ("text", "label", "lat", "lon", "zip_code"),
    [
        ("19104", "19104 (Philadelphia, PA)", 39.96, -75.20, "19104"),
        ("19104-1234", "19104 (Philadelphia, PA)", 39.96, -75.20, "19104"),
        (" 19104 ", "19104 (Philadelphia, PA)", 39.96, -75.20, "19104"),
        ("02134", "02134 (Allston, MA)", 42.35, -71.13, "02134"),
        ("Philadelphia, PA", "Philadelphia, PA", 40.00, -75.15, ""),
        ("philadelphia pa", "Philadelphia, PA", 40.00, -75.15, ""),
        ("Media, PA", "Media, PA", 39.92, -75.39, ""),
        ("Bryn Mawr, PA", "Bryn Mawr, PA", 40.02, -75.33, ""),
        ("Cherry Hill, NJ", "Cherry Hill, NJ", 39.91, -75.00, ""),
        ("Camden, NJ", "Camden, NJ", 39.94, -75.11, ""),
        ("camden,nj", "Camden, NJ", 39.94, -75.11, ""),
        ("king of prussia, pa", "King of Prussia, PA", 40.10, -75.37, ""),
        ("St. Louis, MO", "Saint Louis, MO", 38.64, -90.30, ""),
    ],
)
def test_zips_and_city_names_resolve_to_plausible_coordinates(
    text: str, label: str, lat: float, lon: float, zip_code: str
) -> None:
    """A ZIP, ZIP+4 or "City, ST" in any case and spacing resolves offline, keeping a ZIP's leading zero."""
    place = resolve_place(text)
    assert (place.label, place.zip) == (label, zip_code)
    assert place.lat == pytest.approx(lat, abs=0.02)
    assert place.lon == pytest.approx(lon, abs=0.02)
    assert place.quality == ("zip_centroid" if zip_code else "city_centroid")
    assert place.quality in taxonomy.keys(taxonomy.GEOCODE_QUALITIES)


@pytest.mark.parametrize(
    "text",
    [
        "xxxxx",
        "00000",
        "01133",  # inactive
        "09001",  # military ZIP without coordinates
        "Springfield, ZZ",
        "Philadelphia",
        "",
        "   ",
        "  Nowhere Town, PA  ",
    ],
)
def test_unknown_places_raise_place_not_found_with_the_plain_message(text: str) -> None:
    """Anything the gazetteer cannot place gets one message that echoes the text and says what to type."""
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place(text)
    assert str(caught.value) == f"We couldn't find '{text.strip()}' — try a 5-digit ZIP or City, ST"


def test_a_long_unknown_text_is_cut_to_sixty_characters_in_the_message() -> None:
    """The message quotes at most 60 characters of what was typed."""
    with pytest.raises(PlaceNotFound, match=f"^We couldn't find '{'y' * 60}' — try"):
        resolve_place("y" * 200)


def test_a_city_centre_prefers_standard_zips_and_otherwise_uses_any() -> None:
    """Media's PO Box and unique ZIPs do not pull its centre; a PO-Box-only town still has one."""
    assert city_centroid("Media", "PA") == zip_centroid("19063")
    assert city_centroid("alpine", "nj") == zip_centroid("07620")
    assert city_centroid("Springfield", "ZZ") is None
    assert zip_centroid("19104-1234") == zip_centroid("19104") == pytest.approx((39.96, -75.20), abs=0.01)
    assert zip_centroid("1910") is None


@pytest.mark.parametrize(
    ("other", "about_miles"),
    [
        ((39.9496, -75.1503), 0.8),  # to Washington Square
        ((40.0268, -75.2253), 6),  # to Manayunk
        ((40.2732, -76.8867), 94),  # to Harrisburg
        ((34.0522, -118.2437), 2393),  # to Los Angeles
        ((47.6062, -122.3321), 2380),  # to Seattle
    ],
)
def test_haversine_agrees_with_geodesic_within_half_a_percent(
    other: tuple[float, float], about_miles: float
) -> None:
    """Great-circle miles stay within 0.5% of geopy's ellipsoidal geodesic, from a block to a continent."""
    ours = haversine_miles(*CITY_HALL, np.array([other[0]]), np.array([other[1]]))
    assert ours.dtype == np.float64 and ours.shape == (1,)
    assert ours[0] == pytest.approx(geodesic(CITY_HALL, other).miles, rel=0.005)
    assert ours[0] == pytest.approx(about_miles, rel=0.05)


def test_haversine_agrees_with_geodesic_on_random_continental_pairs() -> None:
    """1,000 seeded random pairs across the continental US agree with geodesic within 0.5%."""
    rng = np.random.default_rng(20240601)
    lats = rng.uniform(25.0, 49.0, size=(1000, 2))
    lons = rng.uniform(-124.0, -67.0, size=(1000, 2))
    pairs = list(zip(lats, lons, strict=True))
    ours = np.array([haversine_miles(la[0], lo[0], la[1:], lo[1:])[0] for la, lo in pairs])
    expected = np.array([geodesic((la[0], lo[0]), (la[1], lo[1])).miles for la, lo in pairs])
    assert np.all(np.abs(ours - expected) <= 0.005 * expected)


def test_haversine_gives_nan_exactly_where_a_coordinate_is_missing() -> None:
    """A missing latitude or longitude gives NaN for that point only; a missing origin gives all NaN."""
    lats = np.array([40.0, np.nan, 40.0])
    lons = np.array([-75.0, -75.0, np.nan])
    distances = haversine_miles(*CITY_HALL, lats, lons)
    assert np.isfinite(distances[0]) and np.isnan(distances[1:]).all()
    assert np.isnan(haversine_miles(np.nan, -75.0, lats, lons)).all()


@pytest.mark.parametrize(
    ("address", "city", "state", "zip_code", "quality"),
    [
        ("3401 Walnut St", "Philadelphia", "PA", "19104", "zip_centroid"),
        ("3401 Walnut St", "Philadelphia", "PA", "19104-6228", "zip_centroid"),
        ("1 Example St", "Media", "PA", "", "city_centroid"),
        ("1 Example St", "Media", "PA", "00000", "city_centroid"),
        ("1 Example St", "Nowhere", "PA", "", None),
        ("1 Example St", "", "", "", None),
    ],
)
def test_offline_geocoding_falls_back_from_zip_to_city_to_nothing(
    address: str, city: str, state: str, zip_code: str, quality: str | None
) -> None:
    """A street address is placed at its ZIP's centre, else its city's centre, else not at all."""
    found = geocode_offline(address, city, state, zip_code)
    assert (found.quality if found else None) == quality
    if quality == "zip_centroid":
        assert (found.lat, found.lon) == zip_centroid("19104")
    if quality == "city_centroid":
        assert (found.lat, found.lon) == city_centroid("Media", "PA")


def test_the_offline_geocoder_is_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With DIRECTORY_GEOCODER unset, or set to 'Offline', entries are placed without the network."""
    monkeypatch.delenv("DIRECTORY_GEOCODER", raising=False)
    assert make_geocoder(load_settings(data_dir=tmp_path)) is geocode_offline
    monkeypatch.setenv("DIRECTORY_GEOCODER", "Offline")
    assert make_geocoder(load_settings(data_dir=tmp_path)) is geocode_offline


ADDRESS_POINT = "3401, Walnut Street, Philadelphia"


@pytest.mark.parametrize(
    ("raw", "quality"),
    [
        ({"type": "house", "addresstype": "place"}, "exact"),
        ({"type": "building", "addresstype": "building"}, "exact"),
        ({"type": "yes", "addresstype": "building", "address": {"house_number": "3401"}}, "exact"),
        ({"type": "yes", "addresstype": "place", "display_name": ADDRESS_POINT}, "exact"),
        ({"type": "yes", "addresstype": "building", "display_name": "Irvine Auditorium"}, "address_approx"),
        ({"type": "residential", "addresstype": "road"}, "address_approx"),
        ({"type": "postcode", "addresstype": "postcode", "display_name": "19104, PA"}, "address_approx"),
        ({}, "address_approx"),
    ],
)
def test_an_online_match_is_exact_only_at_a_house_or_numbered_building(raw: dict, quality: str) -> None:
    """Nominatim's houses and numbered buildings are 'exact'; streets, postcodes and the rest approximate."""
    assert _quality(raw) == quality


class _FakeGeocoder:
    """Stands in for Nominatim, which needs the internet: scripted answers, and a log of the queries asked."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.queries: list[str] = []

    def geocode(self, query: str) -> object:
        self.queries.append(query)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_online_results_are_cached_on_disk_and_reused_by_a_new_instance(tmp_path: Path) -> None:
    """A repeated address, even spelled with other spacing and case, is answered from the cache file."""
    house = SimpleNamespace(latitude=39.9533, longitude=-75.1925, raw={"type": "house"})
    fake = _FakeGeocoder(house)
    cache_file = tmp_path / "geocode-cache.json"
    expected = GeocodeResult(39.9533, -75.1925, "exact")
    online = OnlineGeocoder("test-suite/1.0", cache_file, geocoder=fake)
    assert online.geocode("3401 Walnut St", "Philadelphia", "PA", "19104") == expected
    assert online.geocode("3401  walnut st ", "PHILADELPHIA", "pa", "19104") == expected
    again = OnlineGeocoder("test-suite/1.0", cache_file, geocoder=fake)
    assert again.geocode("3401 Walnut St", "Philadelphia", "PA", "19104") == expected
    assert fake.queries == ["3401 Walnut St, Philadelphia, PA, 19104"]
    assert json.loads(cache_file.read_text(encoding="utf-8")) == {
        "3401 walnut st, philadelphia, pa, 19104": [39.9533, -75.1925, "exact"]
    }
    assert [p.name for p in tmp_path.iterdir()] == ["geocode-cache.json"]


def test_online_misses_fall_back_offline_and_only_real_answers_are_cached(tmp_path: Path) -> None:
    """A failed lookup is retried next time; a genuine 'not found' is cached; both fall back to centroids."""
    fake = _FakeGeocoder(GeocoderUnavailable("no network"), GeocoderUnavailable("no network"), None)
    cache_file = tmp_path / "geocode-cache.json"
    online = OnlineGeocoder("test-suite/1.0", cache_file, geocoder=fake)
    assert online.geocode("9 Unknown Rd", "Media", "PA", "").quality == "city_centroid"
    assert not cache_file.exists()
    # A new instance has a fresh rate limiter, so the test need not wait out the one-second spacing.
    again = OnlineGeocoder("test-suite/1.0", cache_file, geocoder=fake)
    assert again.geocode("9 Unknown Rd", "Media", "PA", "").quality == "city_centroid"
    assert again.geocode("9 Unknown Rd", "Media", "PA", "").quality == "city_centroid"
    assert len(fake.queries) == 3  # two tries for the failure, one for the miss, none for the cached miss
    assert json.loads(cache_file.read_text(encoding="utf-8")) == {"9 unknown rd, media, pa": None}
