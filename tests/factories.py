"""Small builders of test records."""

from __future__ import annotations

import re

import pandas as pd

from directory.schema import COLUMNS, validate_record


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


def valid_frame(*records: dict[str, str], prefix: str = "t") -> pd.DataFrame:
    """A frame of validated stored rows built from make_record() with overrides, ids prefix-0, prefix-1..."""
    rows = []
    for n, record in enumerate(records):
        stored = {**make_record(), "id": f"{prefix}-{n}", "status": "active", "row_version": "1", **record}
        result = validate_record(stored)
        assert result.ok, result.errors
        rows.append(result.values)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def shown(markdown: str) -> str:
    """The text a person sees for escaped Markdown: backslash escapes and invisible word joiners removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


class HandClock:
    """A clock (seconds) that a test moves by hand: `clock.now += 60`."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
