"""The shipped sample directory: big enough, valid, regional, fictional, and with real gaps."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import zipcodes

from directory import taxonomy as tx
from directory.config import DEFAULT_DATA_DIR
from directory.gazetteer import zip_centroid
from directory.schema import COLUMNS, split_list, validate_record
from tools.make_sample import COUNTIES, write_csv

SAMPLE = DEFAULT_DATA_DIR / "resources.csv"
TODAY = date(2026, 11, 1)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)


def _county(zip_code: str) -> str:
    return zipcodes.matching(zip_code)[0]["county"]


def test_sample_has_the_schema_columns_and_enough_rows(sample: pd.DataFrame) -> None:
    """At least 250 entries, with exactly the schema's columns, unique ids, all valid."""
    assert list(sample.columns) == list(COLUMNS)
    assert len(sample) >= 250
    assert sample["id"].is_unique
    assert all(validate_record(row).ok for row in sample.to_dict("records"))


def test_every_category_and_support_type_is_covered(sample: pd.DataFrame) -> None:
    """Each category appears at least 8 times and each support type appears."""
    counts = sample["category"].value_counts()
    assert all(counts.get(c.key, 0) >= 8 for c in tx.CATEGORIES)
    used = {key for cell in sample["support_types"] for key in split_list(cell)}
    assert used == set(tx.keys(tx.SUPPORT_TYPES))


def test_entries_sit_in_the_six_counties_near_their_zip(sample: pd.DataFrame) -> None:
    """Real ZIPs of the region, with coordinates close to each ZIP's centre."""
    counties = {name for name, _, _ in COUNTIES.values()}
    for row in sample.to_dict("records"):
        assert re.fullmatch(r"\d{5}", row["zip"])
        assert _county(row["zip"]) in counties
        centre = zip_centroid(row["zip"])
        assert abs(float(row["latitude"]) - centre[0]) < 0.05 and abs(float(row["longitude"]) - centre[1]) < 0.05


def test_contacts_are_fictional(sample: pd.DataFrame) -> None:
    """Phones are in the 555-01xx range; websites and e-mails are on example.org."""
    phones = [p for p in sample["phone"] if p]
    assert phones and all(re.fullmatch(r"\(\d{3}\) 555-01\d\d", p) for p in phones)
    assert all(w.startswith("https://example.org/") for w in sample["website"] if w)
    assert all(e.endswith("@example.org") for e in sample["email"] if e)


def test_sample_has_stale_inactive_and_pending_entries(sample: pd.DataFrame) -> None:
    """Some entries are over a year unverified, some retired, some awaiting review."""
    verified = [date.fromisoformat(d) for d in sample["last_verified"] if d]
    assert sum((TODAY - d).days > 365 for d in verified) >= 20
    assert (sample["status"] == "inactive").sum() >= 3
    assert (sample["status"] == "pending").sum() >= 2


def test_sample_has_real_service_gaps(sample: pd.DataFrame) -> None:
    """No child care in Bucks or Chester County, and no affiliational support in northern Bucks."""
    counties = sample["zip"].map(_county)
    child_care = sample[sample["category"] == "child_care"]
    assert not counties[child_care.index].isin(["Bucks County", "Chester County"]).any()
    northern_bucks = (counties == "Bucks County") & (sample["latitude"].astype(float) > 40.3)
    assert northern_bucks.any()
    assert not sample[northern_bucks]["support_types"].str.contains("affiliational").any()


def test_sample_uses_person_first_language(sample: pd.DataFrame) -> None:
    """No entry calls people 'addicts' or 'abusers'."""
    text = " ".join(sample["name"] + " " + sample["description"]).lower()
    assert "addict" not in text and "abuser" not in text


def test_generator_reproduces_the_shipped_file(tmp_path: Path) -> None:
    """The generator is deterministic: a fresh run equals data/resources.csv byte for byte."""
    fresh = tmp_path / "resources.csv"
    write_csv(fresh)
    assert fresh.read_bytes() == SAMPLE.read_bytes()
