"""Real public exports, end to end: nearly every named row comes in, hours keep their meaning, privacy holds.

The files are excerpts of real public data (tests/fixtures/real/SOURCES.md names each source and licence).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from directory.auth import Curator
from directory.hours import parse_hours
from directory.interop.formats import read_source
from directory.interop.importer import import_rows
from directory.privacy import public_view
from directory.store import Store

REAL = Path(__file__).parent / "fixtures" / "real"
DANA = Curator("dana", "curator")
SOURCES = [
    "icarol_dc_211/resources.csv",
    "nyc_open_data_services/Directory_Of_Job_Centers.csv",
    "nyc_open_data_services/Directory_Of_Homeless_Drop-_In_Centers.csv",
    "nyc_open_data_services/Directory_of_Food_Stamp_Centers.csv",
    "nyc_open_data_services/DYCD_RHY_Runaway_and_Homeless_Youth_Services.csv",
    "hsds11_miami_211",
    "hsds11_healthleads",
    "hsds30_spec_examples",
    "meeting_guide/aasepia.json",
    "meeting_guide/oc_aa.json",
    "meeting_guide/edmonton.json",
    "meeting_guide/alpena_tsml_ui_sample.json",
]


def _import(path: Path, folder: Path):
    store = Store(folder)
    plan = import_rows(store, read_source(path), by=DANA)
    return store, plan


@pytest.mark.parametrize("name", SOURCES)
def test_at_least_97_percent_of_named_rows_of_a_real_export_come_in(name: str, tmp_path: Path) -> None:
    """Public or pending review, nearly every row with a name becomes an entry; none is damaged into a traceback."""
    store, plan = _import(REAL / name, tmp_path / "data")
    named = [row for row in read_source(REAL / name) if row.values.get("name", "").strip()]
    came_in = len(plan.added) + len(plan.updated) + len(plan.unchanged)
    assert named and came_in / len(named) >= 0.97, plan.summary()
    assert len(store.load().frame) == came_in  # every entry that came in is valid in the store


def test_the_211_export_honours_inactive_excluded_and_do_not_refer(tmp_path: Path) -> None:
    """AgencyStatus and the Exclude flags decide the status; nothing excluded by the source is public."""
    source = REAL / "icarol_dc_211" / "resources.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        raw = {row["ResourceAgencyNum"]: row for row in csv.DictReader(handle)}
    store, _ = _import(source, tmp_path / "data")
    stored = store.read_raw().set_index("external_id")
    assert set(raw) - set(stored.index) == {"373463"}  # the one row with no name at all
    for number, row in raw.items():
        if number not in stored.index:
            continue
        status = stored.loc[number, "status"]
        if row["AgencyStatus"].strip() == "Inactive":
            assert status == "inactive", number
        elif "Yes" in (row["ExcludeFromWebsite"].strip(), row["ExcludeFromDirectory"].strip()):
            assert status != "active" and "excluded_by_source" in stored.loc[number, "review_reasons"], number
        elif "do not refer" in row["AgencyStatus"]:
            assert status == "pending", number


def test_no_fax_number_becomes_a_number_to_call_or_to_join_by(tmp_path: Path) -> None:
    """Every fax the 211 export lists stays labelled as a fax among the other numbers."""
    source = REAL / "icarol_dc_211" / "resources.csv"
    store, _ = _import(source, tmp_path / "data")
    stored = store.read_raw()
    with source.open(encoding="utf-8", newline="") as handle:
        faxes = {row["PhoneFax"].strip() for row in csv.DictReader(handle) if row["PhoneFax"].strip()}
    digits = {"".join(ch for ch in fax if ch.isdigit())[-10:] for fax in faxes}
    called = {"".join(ch for ch in value if ch.isdigit())[-10:] for value in
              pd.concat([stored["phone"], stored["conference_phone"]]) if value}
    assert digits and not digits & called
    assert stored["other_phones"].str.contains("Fax: ").any()


def test_hours_from_a_real_211_hsds_package_keep_their_afternoons(tmp_path: Path) -> None:
    """Every structured range from the Miami 211 package closes after it opens: no pm was lost."""
    store, _ = _import(REAL / "hsds11_miami_211", tmp_path / "data")
    hours = [h for h in store.read_raw()["hours"] if h]
    assert len(hours) >= 20
    for text in hours:
        for ranges in parse_hours(text).values():
            assert all(start < end for start, end in ranges), text


def test_a_private_address_never_reaches_a_visitor_or_a_public_export(tmp_path: Path) -> None:
    """PhysicalAddressIsPrivate keeps the street in the store, marked confidential, and out of every public view."""
    source = tmp_path / "private.csv"
    source.write_text(
        "ResourceAgencyNum,PublicName,PhysicalAddress1,PhysicalCity,PhysicalStateProvince,PhysicalPostalCode,"
        "PhysicalAddressIsPrivate,Latitude,Longitude\n"
        "77,Safe Harbor Shelter,1234 Secret Lane,Philadelphia,PA,19104,Yes,39.955,-75.19\n", encoding="utf-8")
    store, plan = _import(source, tmp_path / "data")
    assert "private_address" not in plan.added[0].values["review_reasons"]  # handled, so it needs no review
    stored = store.read_raw().iloc[0]
    assert (stored["address"], stored["location_confidential"]) == ("1234 Secret Lane", "yes")
    public = public_view(store.read_raw())
    assert "Secret Lane" not in public.to_csv() and "39.955" not in public.to_csv()
    from directory.interop.formats import export_bytes

    for fmt in ("hsds", "meeting-guide", "ics"):
        assert b"Secret Lane" not in export_bytes(store.read_raw(), fmt, directory_zone="America/New_York"), fmt


def test_a_second_import_of_a_real_export_changes_nothing(tmp_path: Path) -> None:
    """Importing the same 211 file twice leaves every entry unchanged."""
    folder = tmp_path / "data"
    _import(REAL / "icarol_dc_211" / "resources.csv", folder)
    before = (folder / "resources.csv").read_bytes()
    _, again = _import(REAL / "icarol_dc_211" / "resources.csv", folder)
    assert not again.added and not again.updated
    assert (folder / "resources.csv").read_bytes() == before


def test_a_real_hsds_package_can_be_imported_from_a_zip(tmp_path: Path) -> None:
    """The Miami package zipped comes in exactly as the folder does."""
    archive = shutil.make_archive(str(tmp_path / "miami"), "zip", REAL / "hsds11_miami_211")
    _, from_zip = _import(Path(archive), tmp_path / "a")
    _, from_folder = _import(REAL / "hsds11_miami_211", tmp_path / "b")
    assert from_zip.summary() == from_folder.summary()
