"""Open Referral HSDS: 3.0 export validated with frictionless, lossless round trips, 3.0 and 1.1 imports."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from directory.auth import Curator
from directory.interop.hsds import export_hsds, hsds_zip_bytes, looks_like_hsds, read_hsds, validate_hsds
from directory.interop.importer import import_rows
from directory.interop.records import UnusableInput
from directory.schema import COLUMNS, validate_record
from directory.store import Store
from tests.factories import valid_frame

FIXTURES = Path(__file__).parent / "fixtures" / "hsds"
MANAGED = {"row_version", "created_at", "created_by", "updated_at", "updated_by"}


def _varied() -> pd.DataFrame:
    return valid_frame(
        {"name": "Thursday Sober Volleyball", "event_start": "2026-01-08T19:00", "event_end": "2026-01-08T21:00",
         "event_timezone": "America/New_York", "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH", "tags": "volleyball;fun",
         "attendance": "in_person", "external_id": "league-44"},
        {"name": "Café Sobriété <script>alert(1)</script>", "category": "recovery_center",
         "support_types": "affiliational;emotional;informational", "hours": "Mon-Fri 09:00-17:00; Sat 10:00-14:00",
         "languages": "English;Français", "populations": "women;lgbtq", "cost": "free;sliding_scale",
         "accessibility": "wheelchair;asl", "moud_welcome": "yes", "peer_run": "no", "dimensions": "community;home",
         "stages": "before;without", "last_verified": "2026-10-01", "verified_by": "dana",
         "description": "Coffee, \"quotes\" and a line\nbreak", "organization": "Harbor Alliance",
         "address": "1500 Walnut St", "email": "hi@example.org", "website": "https://example.org/cafe"},
        {"name": "Online Family Circle", "category": "family_support", "support_types": "emotional",
         "attendance": "online", "conference_url": "https://example.org/join", "conference_phone": "215-555-0177",
         "status": "inactive", "latitude": "", "longitude": "", "geocode_quality": "", "city": "", "state": "",
         "zip": "", "hours_text": "By appointment"},
    )


@pytest.mark.parametrize("name", ["package", "package.zip"])
def test_an_export_is_a_valid_hsds_package_and_reads_back_without_loss(tmp_path: Path, name: str) -> None:
    """Every field we hold comes back exactly, from a folder and from a zip; frictionless finds no problem."""
    frame = _varied()
    written = export_hsds(frame, tmp_path / name)
    assert validate_hsds(written) == []
    assert looks_like_hsds(written)
    rows = read_hsds(written)
    for original, row in zip(frame.to_dict("records"), rows, strict=True):
        expected = {c: v for c, v in original.items() if c not in MANAGED and v}
        assert {c: v for c, v in row.values.items() if v} == expected


def test_the_zip_bytes_hold_every_table_and_the_descriptor() -> None:
    """The download is a zip of datapackage.json and the thirteen HSDS 3.0 tables."""
    with zipfile.ZipFile(io.BytesIO(hsds_zip_bytes(_varied()))) as archive:
        names = set(archive.namelist())
        services = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode())))
    assert {"datapackage.json", "services.csv", "organizations.csv", "taxonomy_terms.csv", "attributes.csv",
            "schedules.csv", "cost_options.csv", "accessibility.csv", "languages.csv"} <= names
    assert len(services) == 3 and services[2]["status"] == "inactive"


def test_a_broken_package_is_reported_by_the_validator(tmp_path: Path) -> None:
    """A service without an id, and a bad date, are named by validate_hsds."""
    folder = export_hsds(_varied(), tmp_path / "broken")
    services = (folder / "services.csv").read_text().splitlines()
    header, first = services[0].split(","), services[1].split(",")
    first[header.index("id")] = ""
    first[header.index("assured_date")] = "yesterday"
    (folder / "services.csv").write_text("\n".join([services[0], ",".join(first), *services[2:]]) + "\n")
    problems = "\n".join(validate_hsds(folder))
    assert "services" in problems and "id" in problems and "assured_date" in problems


def test_a_30_package_from_another_system_imports(empty_dir: Path) -> None:
    """Names, places, phones, hours, languages, cost and access come from HSDS's own tables; our terms are used."""
    rows = read_hsds(FIXTURES / "v3")
    center, house = (row.values for row in rows)
    assert center["hours"] == "Mon-Fri 09:00-17:00; Sat 10:00-14:00"
    assert (center["languages"], center["cost"], center["accessibility"]) == ("English;Spanish", "free", "wheelchair")
    assert center["tags"] == "Recovery Community Centers" and center["organization"] == "Harbor Recovery Alliance"
    assert (house["category"], house["support_types"], house["moud_welcome"]) == ("recovery_housing", "instrumental",
                                                                                   "yes")
    plan = import_rows(Store(empty_dir), rows, by=Curator("dana", "curator"))
    assert plan.summary() == "imported: 2 added, 0 updated, 0 unchanged, 0 rejected"
    stored = Store(empty_dir).read_raw().set_index("name")
    assert stored.loc["Harbor Recovery Community Center", "category"] == "recovery_center"  # inferred
    assert stored.loc["Main Line Sober Living – Bryn Mawr", "geocode_quality"] == "zip_centroid"


def test_a_11_package_imports(empty_dir: Path) -> None:
    """HSDS 1.1's tables: services_at_location, physical_addresses, regular_schedules, eligibility, payments."""
    rides, coaching = (row.values for row in read_hsds(FIXTURES / "v1_1"))
    assert rides["hours"] == "Mon-Tue 06:00-22:00; Sat 08:00-12:00"
    assert (rides["cost"], rides["tags"], rides["address"]) == ("free", "Transportation", "1 S Olive St")
    assert (coaching["populations"], coaching["status"]) == ("women", "inactive")
    for row in read_hsds(FIXTURES / "v1_1"):
        assert validate_record({**row.values, "category": "transportation", "support_types": "instrumental"},
                               require_id=False).ok
    plan = import_rows(Store(empty_dir), read_hsds(FIXTURES / "v1_1"), by=Curator("dana", "curator"))
    assert plan.summary() == "imported: 2 added, 0 updated, 0 unchanged, 0 rejected"
    assert list(Store(empty_dir).read_raw()["category"]) == ["transportation", "peer_coaching"]


def test_unusable_packages_are_refused_clearly(tmp_path: Path) -> None:
    """A bad zip, a zip with ../ in a name, an oversized zip and a folder of other files."""
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(UnusableInput, match="cannot be opened"):
        read_hsds(bad)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../evil.csv", "id\n1\n")
    with pytest.raises(UnusableInput, match="unsafe file name"):
        read_hsds(evil)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", b"0" * (201 * 2**20))
    assert bomb.stat().st_size < 2**20
    with pytest.raises(UnusableInput, match="more than 200 MB"):
        read_hsds(bomb)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(UnusableInput, match="not an HSDS package"):
        read_hsds(other)
    assert not looks_like_hsds(other)


def test_a_zipped_fixture_reads_the_same_as_its_folder(tmp_path: Path) -> None:
    """The 3.0 fixture zipped (inside a top folder) gives the same rows as the folder itself."""
    zipped = Path(shutil.make_archive(str(tmp_path / "v3"), "zip", FIXTURES, "v3"))
    assert [r.values for r in read_hsds(zipped)] == [r.values for r in read_hsds(FIXTURES / "v3")]
    assert set(COLUMNS) >= set(read_hsds(zipped)[0].values)
