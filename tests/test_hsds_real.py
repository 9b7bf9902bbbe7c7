"""Reading real HSDS packages (a 211's 1.1 export, Health Leads' 1.1 export, the 3.0 spec examples) and the
public HSDS export of the sample directory, whose confidential locations must not leave.

The packages are excerpts of real public data; tests/fixtures/real/SOURCES.md names each source and licence.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from directory.hours import parse_hours
from directory.interop.hsds import export_hsds, export_tables, hsds_zip_bytes, read_hsds
from directory.privacy import is_confidential
from directory.store import Store

REAL = Path(__file__).parent / "fixtures" / "real"
MIAMI = REAL / "hsds11_miami_211"
HEALTH_LEADS = REAL / "hsds11_healthleads"
SPEC_30 = REAL / "hsds30_spec_examples"


def _services(package: Path) -> list[dict[str, str]]:
    with (package / "services.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by_id(package: Path) -> dict[str, dict[str, str]]:
    return {row.values["external_id"]: row.values for row in read_hsds(package)}


@pytest.mark.parametrize("package", [MIAMI, HEALTH_LEADS, SPEC_30], ids=lambda p: p.name)
def test_every_service_of_a_real_package_comes_back_with_its_name(package: Path) -> None:
    """One source row per service, in file order, each with its id and name as the file gives them."""
    rows = read_hsds(package)
    assert [(r.values["external_id"], r.values["name"]) for r in rows] == [
        (s["id"], s["name"].strip()) for s in _services(package)]


@pytest.mark.parametrize(("service", "hours"), [
    ("144", "Mon-Fri 07:30-18:00"),  # 7:30am-6:00pm
    ("221", "Mon-Fri 09:00-17:00"),  # 9:00am-5:00pm
    ("539", "Wed 19:00-21:30"),  # 7:00pm-9:30pm
    ("5575", "Mon-Fri 13:50-18:00"),  # 1:50pm-6:00pm
    ("5590", "Mon-Fri 14:30-18:30"),
    # Rows that lose what their own original_text says: the text decides.
    ("583", "Mon-Thu 09:00-20:00; Fri 09:00-17:00"),
    ("471", "Mon 07:30-16:00; Tue 07:30-17:00; Wed 07:30-16:00; Thu 07:30-17:00; Fri 07:30-16:00"),
    ("1867", "Mon-Thu 17:00-19:00; Sat 10:00-13:00"),
])
def test_miami_hours_are_exactly_what_the_211_wrote(service: str, hours: str) -> None:
    """am/pm are kept: '9:00am' to '5:00pm' is 09:00-17:00, '1:50pm' is 13:50, never 01:50."""
    assert _by_id(MIAMI)[service]["hours"] == hours


def test_no_miami_range_loses_its_afternoon() -> None:
    """Every structured range of the 211 package ends after it starts, as all of its services close by night."""
    rows = read_hsds(MIAMI)
    with_hours = [row.values["hours"] for row in rows if "hours" in row.values]
    assert len(with_hours) >= 20
    for text in with_hours:
        for ranges in parse_hours(text).values():
            assert all(start < end for start, end in ranges), text


@pytest.mark.parametrize(("service", "starts"), [
    ("467", "8:00am-4:30pm, Mon, Fri;\n8:00am-8:00pm, Tue, Wed, Thur;\n8:00am-4:30pm, Every 3rd Saturday"),
    ("871", "Mobile Team:\n24 hours a day, 7 days a week\n\nOutpatient Hours:\n"),
    ("1317", "Clinic:\n10:30am-7:00pm, Mon, Wed;\n8:30am-5:00pm, Tue, Thur, Fri"),
])
def test_miami_hours_that_cannot_be_structured_are_kept_as_their_text(service: str, starts: str) -> None:
    """Monthly exceptions, 24-hour teams and labelled clinics stay readable, with real line breaks, for review."""
    row = next(r for r in read_hsds(MIAMI) if r.values["external_id"] == service)
    assert "hours" not in row.values
    assert row.values["hours_text"].startswith(starts)
    assert row.problems["hours"].startswith("regular_schedules.csv row")


def test_no_value_of_a_real_package_keeps_a_written_out_line_break() -> None:
    """Miami writes line breaks as the two characters '\\n'; they arrive as line breaks."""
    for row in read_hsds(MIAMI):
        assert not any("\\n" in value for value in row.values.values()), row.values["external_id"]
    assert "\n\n**Note" in _by_id(MIAMI)["144"]["description"]


def test_miami_mojibake_is_repaired_and_reported() -> None:
    """'ArmyGÇÖs' (a quote read as code page 437) arrives as 'Army’s', and the repair is listed."""
    row = next(r for r in read_hsds(MIAMI) if r.values["external_id"] == "149")
    assert "Salvation Army’s" in row.values["description"] and "GÇ" not in row.values["description"]
    assert any("mojibake repaired" in repair for repair in row.repairs)


def test_miami_taxonomy_codes_and_terms_arrive_for_inference() -> None:
    """AIRS codes (the 1.1 taxonomy ids) and their names are the row's codes; the names are also its tags."""
    rows = {row.values["external_id"]: row for row in read_hsds(MIAMI)}
    pregnancy = rows["752"]
    assert {"LJ-2000.6750", "Pregnancy Testing", "LF-7300.2000-260", "Fetal Ultrasound"} <= set(pregnancy.codes)
    assert "Pregnancy Testing" in pregnancy.values["tags"].split(";")
    assert "RX-8450.5000" in rows["471"].codes


@pytest.mark.parametrize(("service", "phone"), [("1338", "305-245-7738 x227"), ("144", "800-226-6667")])
def test_miami_phones_come_as_written(service: str, phone: str) -> None:
    """The service's own number, extension included, is its phone."""
    assert _by_id(MIAMI)[service]["phone"] == phone


def test_a_miami_copy_with_damaged_schedule_cells_still_gives_every_service(tmp_path: Path) -> None:
    """Damaged cells keep only their own services' hours from being structured; every service still comes in."""
    damaged = tmp_path / "miami"
    shutil.copytree(MIAMI, damaged)
    schedules = damaged / "regular_schedules.csv"
    text = schedules.read_text(encoding="utf-8")
    # A bad cell whose row's original_text is readable: the text still gives the hours.
    text = text.replace(",221,,,Monday,9:00am,", ",221,,,Monday,9:0xm,", 1)
    # A bad cell and a bad text: the hours stay as text, with the row named.
    text = text.replace(",5575,,,Friday,1:50pm,6:00pm,\"1:50pm-6:00pm, Mon-Fri\"",
                        ",5575,,,Friday,1:50pm,banana,\"1:50pm-banana, Mon-Fri\"", 1)
    schedules.write_text(text, encoding="utf-8")
    rows = {row.values["external_id"]: row for row in read_hsds(damaged)}
    assert len(rows) == len(_services(MIAMI))
    assert (rows["221"].values["hours"], rows["221"].problems) == ("Mon-Fri 09:00-17:00", {})
    assert any("original_text" in repair for repair in rows["221"].repairs)
    late = rows["5575"]
    assert "hours" not in late.values
    assert late.values["hours_text"] == "1:50pm-6:00pm, Mon-Fri\n1:50pm-banana, Mon-Fri"
    assert late.problems["hours"] == ("regular_schedules.csv row 101: closes_at 'banana' is not a time of day; the "
                                      "hours are kept as text")
    untouched = [row for key, row in rows.items() if key not in ("221", "5575")]
    assert [row.values.get("hours") for row in untouched] == [
        row.values.get("hours") for row in read_hsds(MIAMI) if row.values["external_id"] not in ("221", "5575")]


def test_health_leads_gives_its_status_eligibility_terms_and_location_phones() -> None:
    """Status 'Available' passes raw; eligibility is text; Salesforce taxonomy ids and terms arrive as codes."""
    rows = {row.values["external_id"]: row for row in read_hsds(HEALTH_LEADS)}
    lunch = rows["a0j2K00000CXsArQAL"]
    assert lunch.values["status"] == "Available"
    assert lunch.values["eligibility"] == "Lunches are free for kids and teens 18 and under"
    assert "populations" not in lunch.values
    assert lunch.codes == ("a14A0000002ndMaIAI", "Pantries & Soup Kitchens")
    assert lunch.values["phone"] == "(409) 415-6401"  # the library's own number: a location phone
    assert (lunch.values["latitude"], lunch.values["longitude"]) == ("37.9083848", "-122.3040007")
    assert "geocode_quality" not in lunch.values
    assert rows["a0jA000000BHNGcIAP"].values["eligibility"].startswith(
        "-Anyone can visit the library but only California residents are eligible for a library card.\n\n")


@pytest.mark.parametrize("key", ["taxonomy_id", "term_id"])
def test_health_leads_with_a_renamed_taxonomy_key_reads_without_error(tmp_path: Path, key: str) -> None:
    """A taxonomy table keyed by taxonomy_id (or by a column nobody expects) never ends in a KeyError."""
    renamed = tmp_path / "health-leads"
    shutil.copytree(HEALTH_LEADS, renamed)
    taxonomy = renamed / "taxonomy.csv"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace('"id",', f'"{key}",', 1), encoding="utf-8")
    links = renamed / "services_taxonomy.csv"
    links.write_text(links.read_text(encoding="utf-8").replace('"a14A0000002ndMBIAY"', '""'), encoding="utf-8")
    rows = {row.values["external_id"]: row for row in read_hsds(renamed)}
    assert len(rows) == 6
    named = "Pantries & Soup Kitchens" in rows["a0j2K00000CXsArQAL"].codes
    assert named == (key == "taxonomy_id")
    assert rows["a0jA000000BHNGhIAP"].codes == ()  # its link has a blank taxonomy_id


def test_the_30_spec_example_reads_in_its_own_form() -> None:
    """3.0 names: addresses, service_at_location, eligibility_description, phones with extensions, schedules."""
    row = read_hsds(SPEC_30)[0]
    values = row.values
    assert (values["address"], values["city"], values["zip"]) == ("1-30 Main Street, MyVillage", "MyCity", "ABC 1234")
    assert values["phone"] == '"+44 1234 234567" ext. 100'
    assert values["eligibility"].startswith("This service is intended for all people aged 12 and over")
    assert (values["languages"], values["last_verified"], values["status"]) == ("Urdu", "2005-01-01", "active")
    # Its only schedule is bounded (until, count): not weekly opening hours, so its words are kept.
    assert values["hours_text"].startswith("The service is available from 10 am to 6pm weekdays.")
    assert "hours" not in values and "geocode_quality" not in values


def test_a_real_package_reads_the_same_from_a_zip(tmp_path: Path) -> None:
    """The Miami package zipped inside a folder (as its publisher ships it) gives the same rows."""
    zipped = Path(shutil.make_archive(str(tmp_path / "miami"), "zip", REAL, MIAMI.name))
    assert [r.values for r in read_hsds(zipped)] == [r.values for r in read_hsds(MIAMI)]


# The public export of the sample directory ------------------------------------------------------------------


def test_no_street_or_venue_of_a_confidential_entry_is_in_any_exported_file(sample_dir: Path, tmp_path: Path) -> None:
    """The sample's confidential entries leave as their town only, in the zip and in the folder, byte for byte."""
    frame = Store(sample_dir).read_raw()
    confidential = frame[[is_confidential(row) for row in frame.to_dict("records")]]
    assert len(confidential) > 0
    with zipfile.ZipFile(io.BytesIO(hsds_zip_bytes(frame))) as archive:
        files = {f"zip:{name}": archive.read(name) for name in archive.namelist()}
    folder = export_hsds(frame, tmp_path / "package")
    files |= {f"folder:{path.name}": path.read_bytes() for path in folder.iterdir()}
    public = frame[~frame["id"].isin(confidential["id"])]
    # A venue name or coordinate that a public entry shares ("... Community Hall") is public through that entry.
    known = set(public["location_name"]) | set(public["latitude"]) | set(public["longitude"])
    for _, entry in confidential.iterrows():
        private = [entry["location_name"]]
        if entry["geocode_quality"] not in ("zip_centroid", "city_centroid"):  # finer than the ZIP
            private += [entry["latitude"], entry["longitude"]]
        for secret in [entry["address"], *(s for s in private if s and s not in known)]:
            leaks = [name for name, data in files.items() if secret.encode("utf-8") in data]
            assert leaks == [], (entry["id"], secret)
    locations = {row["id"]: row for row in export_tables(frame)["locations"]}
    assert sum(row["name"] == "Confidential location" for row in locations.values()) == len(confidential)
