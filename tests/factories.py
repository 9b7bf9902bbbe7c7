"""Small builders of test records."""

from __future__ import annotations


def make_record(**overrides: str) -> dict[str, str]:
    """A small valid new record, with any field overridden."""
    record = {
        "name": "Tuesday Sober Bowling",
        "category": "sober_social",
        "support_types": "affiliational",
        "city": "Philadelphia",
        "state": "PA",
        "zip": "19104",
        "latitude": "39.9597",
        "longitude": "-75.1968",
        "geocode_quality": "zip_centroid",
        "phone": "215-555-0100",
    }
    record.update(overrides)
    return record
