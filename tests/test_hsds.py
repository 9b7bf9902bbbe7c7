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
from directory.interop import hsds
from directory.interop.hsds import (
    export_hsds,
    export_tables,
    hsds_zip_bytes,
    read_hsds,
    validate_hsds,
)
from directory.interop.importer import import_rows
from directory.interop.records import UnusableInput
from directory.schema import COLUMNS
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
    assert rows[0].codes == ("RX-8450.1000", "Recovery Community Centers")
    assert (center["latitude"], center["longitude"]) == ("39.9496", "-75.1662") and "geocode_quality" not in center
    assert (house["category"], house["support_types"], house["moud_welcome"]) == ("recovery_housing", "instrumental",
                                                                                   "yes")
    assert (house["phone"], house["eligibility"]) == ("610-555-0122", "Men 18 and over")
    plan = import_rows(Store(empty_dir), rows, by=Curator("dana", "curator"))
    assert (len(plan.added), plan.rejected) == (2, [])
    stored = Store(empty_dir).read_raw().set_index("name")
    assert stored.loc["Main Line Sober Living – Bryn Mawr", "geocode_quality"] == "zip_centroid"


def test_a_11_package_imports(empty_dir: Path) -> None:
    """HSDS 1.1's tables: services_at_location, physical_addresses, regular_schedules, eligibility, payments."""
    rides, coaching = (row.values for row in read_hsds(FIXTURES / "v1_1"))
    assert rides["hours"] == "Mon-Tue 06:00-22:00; Sat 08:00-12:00"
    assert (rides["cost"], rides["tags"], rides["address"]) == ("free", "Transportation", "1 S Olive St")
    assert (rides["phone"], rides["status"]) == ("610-555-0133", "active")
    assert (coaching["populations"], coaching["eligibility"], coaching["status"]) == ("women", "Women", "inactive")
    plan = import_rows(Store(empty_dir), read_hsds(FIXTURES / "v1_1"), by=Curator("dana", "curator"))
    assert (len(plan.added), plan.rejected) == (2, [])
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


def test_a_zipped_fixture_reads_the_same_as_its_folder(tmp_path: Path) -> None:
    """The 3.0 fixture zipped (inside a top folder) gives the same rows as the folder itself."""
    zipped = Path(shutil.make_archive(str(tmp_path / "v3"), "zip", FIXTURES, "v3"))
    assert [r.values for r in read_hsds(zipped)] == [r.values for r in read_hsds(FIXTURES / "v3")]
    assert set(COLUMNS) >= set(read_hsds(zipped)[0].values)


# Forgiving reading ---------------------------------------------------------------------------------------

SERVICE = {"id": "svc-1", "organization_id": "", "name": "Harbor Drop-In", "status": "active"}


def _package(folder: Path, **tables: list[dict[str, str]] | bytes) -> Path:
    """An HSDS package folder with the given tables (rows as dicts, or a file's exact bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables.setdefault("services", [SERVICE])
    for name, rows in tables.items():
        if isinstance(rows, bytes):
            (folder / f"{name}.csv").write_bytes(rows)
            continue
        header = list(dict.fromkeys(column for row in rows for column in row))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (folder / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8")
    return folder


def _schedule(weekday: str, opens: str, closes: str, service: str = "svc-1", **more: str) -> dict[str, str]:
    return {"id": "", "service_id": service, "weekday": weekday, "opens_at": opens, "closes_at": closes, **more}


@pytest.mark.parametrize(("opens", "closes", "hours"), [
    ("9:00am", "5:00pm", "Mon 09:00-17:00"),
    ("1:50pm", "6:00pm", "Mon 13:50-18:00"),
    ("7:30am", "6:00pm", "Mon 07:30-18:00"),
    ("09:00", "17:00", "Mon 09:00-17:00"),
    ("09:00:00", "17:00:00", "Mon 09:00-17:00"),
    ("830am", "4:30pm", "Mon 08:30-16:30"),
    ("9:0am", "noon", "Mon 09:00-12:00"),
    ("9am", "5pm", "Mon 09:00-17:00"),
    ("8 AM", "4:30 p.m.", "Mon 08:00-16:30"),
    ("9:00pm", "2:00am", "Mon 21:00-02:00"),
    ("12:00pm", "12:00am", "Mon 12:00-00:00"),
    ("soon", "5pm", None),
    ("9:00am", "9:00am", None),
    ("", "5:00pm", None),
    ("9:00am", "", None),
])
def test_schedule_times_in_any_form_are_read_or_kept_as_text(tmp_path: Path, opens: str, closes: str,
                                                            hours: str | None) -> None:
    """HSDS 1.1 opens_at/closes_at as 211 systems write them; what cannot be read stays as text, never guessed."""
    row = read_hsds(_package(tmp_path / "p", regular_schedules=[_schedule("Monday", opens, closes)]))[0]
    if hours is not None:
        assert (row.values["hours"], row.problems) == (hours, {})
    else:
        assert "hours" not in row.values
        assert row.values["hours_text"] == f"Monday {opens}-{closes}"
        assert row.problems["hours"].startswith("regular_schedules.csv row 1: ")


def test_one_bad_cell_stays_with_its_own_service(tmp_path: Path) -> None:
    """A cell such as '9:0xm' among many keeps its own service's hours as text; every other service is whole."""
    services = [{**SERVICE, "id": f"svc-{n}", "name": f"Service {n}"} for n in (1, 2, 3)]
    schedules = [_schedule(day, "9:00am", "5:00pm", f"svc-{n}") for n in (1, 2, 3) for day in ("Monday", "Tuesday")]
    schedules[2]["opens_at"] = "9:0xm"
    rows = read_hsds(_package(tmp_path / "p", services=services, regular_schedules=schedules))
    assert [row.values["name"] for row in rows] == ["Service 1", "Service 2", "Service 3"]
    assert rows[0].values["hours"] == rows[2].values["hours"] == "Mon-Tue 09:00-17:00"
    assert rows[0].problems == rows[2].problems == {}
    assert "hours" not in rows[1].values
    assert rows[1].values["hours_text"] == "Monday 9:0xm-5:00pm; Tuesday 9:00am-5:00pm"
    assert rows[1].problems["hours"] == ("regular_schedules.csv row 3: opens_at '9:0xm' is not a time of day; "
                                         "the hours are kept as text")


@pytest.mark.parametrize(("schedules", "hours", "problem"), [
    ([("Monday", "9:00am", "5:00pm"), ("Monday", "9:00am", "5:00pm")], "Mon 09:00-17:00", ""),
    ([("Monday", "9:00am", "12:00pm"), ("Monday", "1:00pm", "5:00pm")], "Mon 09:00-12:00, 13:00-17:00", ""),
    ([("Monday", "9:00am", "5:00pm"), ("Monday", "12:00pm", "8:00pm")], None, "the ranges for Monday overlap"),
    ([("Monday", "8:00pm", "2:00am"), ("Tuesday", "1:00am", "9:00am")], None,
     "the ranges for Monday and Tuesday overlap"),
    ([("Mon-Fri", "9:00am", "5:00pm")], None, "weekday 'Mon-Fri' is not a day"),
    ([("0", "9:00am", "5:00pm"), ("1", "9:00am", "5:00pm")], None, "numbered from 0"),
    ([("1", "9:00am", "5:00pm"), ("7", "10:00", "14:00")], "Mon 09:00-17:00; Sun 10:00-14:00", ""),
])
def test_repeated_ranges_merge_and_overlapping_ones_stay_as_text(
        tmp_path: Path, schedules: list[tuple[str, str, str]], hours: str | None, problem: str) -> None:
    """Exact repeats are one range; overlaps or unclear days are never turned into hours that could be wrong."""
    package = _package(tmp_path / "p", regular_schedules=[_schedule(*item) for item in schedules])
    row = read_hsds(package)[0]
    assert row.values.get("hours") == hours
    assert problem in row.problems.get("hours", "")
    assert bool(problem) == ("hours_text" in row.values)


def test_the_original_text_decides_when_the_rows_contradict_it(tmp_path: Path) -> None:
    """A 211 export's rows (Fri 9am-8pm) lose what its original_text says; readable text wins, '\\n' included."""
    text = "9:00am-8:00pm, Mon-Thur;\\n9:00am-5:00pm, Fri"
    schedules = [_schedule("Friday", "9:00am", "8:00pm", original_text=text)]
    row = read_hsds(_package(tmp_path / "p", regular_schedules=schedules))[0]
    assert (row.values["hours"], row.problems) == ("Mon-Thu 09:00-20:00; Fri 09:00-17:00", {})
    assert any("original_text" in repair for repair in row.repairs)


def test_an_unreadable_original_text_is_kept_with_real_line_breaks(tmp_path: Path) -> None:
    """'Clinic:\\n...' cannot be checked against its rows, so the text is the hours, with its lines."""
    text = "Clinic:\\n10:30am-7:00pm, Mon, Wed;\\n8:30am-5:00pm, Tue, Thur, Fri"
    schedules = [_schedule(day, "10:30am", "7:00pm", original_text=text) for day in ("Monday", "Tuesday")]
    row = read_hsds(_package(tmp_path / "p", regular_schedules=schedules))[0]
    assert "hours" not in row.values
    assert row.values["hours_text"] == "Clinic:\n10:30am-7:00pm, Mon, Wed;\n8:30am-5:00pm, Tue, Thur, Fri"
    assert row.problems["hours"].startswith("regular_schedules.csv rows 1-2: the original_text 'Clinic: / 10:30am")


def test_30_schedules_read_weekly_rules_and_leave_events_alone(tmp_path: Path) -> None:
    """A 3.0 WEEKLY rule with byday is opening hours; a one-off or bounded schedule is not, and a bad byday is text."""
    base = {"id": "", "service_id": "svc-1", "opens_at": "09:00", "closes_at": "17:00"}
    schedules = [{**base, "freq": "WEEKLY", "byday": "MO,TU,WE"}, {**base, "dtstart": "2026-05-01", "byday": ""},
                 {**base, "freq": "WEEKLY", "byday": "SA", "until": "2026-06-01", "description": "Summer Saturdays"}]
    assert read_hsds(_package(tmp_path / "a", schedules=schedules))[0].values["hours"] == "Mon-Wed 09:00-17:00"
    bad = [{**base, "freq": "WEEKLY", "byday": "MO,XX", "description": "Weekdays, usually"}]
    row = read_hsds(_package(tmp_path / "b", schedules=bad))[0]
    assert (row.values.get("hours"), row.values["hours_text"]) == (None, "Weekdays, usually")
    assert "byday 'MO,XX'" in row.problems["hours"]


@pytest.mark.parametrize(("tables", "codes"), [
    ({"services_taxonomy": [{"id": "st-1", "service_id": "svc-1", "taxonomy_id": "RX-8450"}],
      "taxonomy": [{"taxonomy_id": "RX-8450", "name": "Recovery Centers"}]}, ("RX-8450", "Recovery Centers")),
    ({"services_taxonomy": [{"id": "st-1", "service_id": "svc-1", "taxonomy_id": "", "taxonomy_detail": "Food"}],
      "taxonomy": [{"id": "BD", "name": "Food Pantries"}]}, ("Food",)),
    ({"services_taxonomy": [{"id": "st-1", "service_id": "svc-1", "taxonomy_id": "BD-1800"}]}, ("BD-1800",)),
    ({"services_taxonomy": [{"service_id": "svc-1", "taxonomy_id": "BD-1800"}],
      "taxonomy": [{"name": "Food Pantries", "vocabulary": "AIRS"}]}, ("BD-1800",)),
    ({"services_taxonomy": [{"service_id": "svc-1"}], "taxonomy": [{"id": "BD"}]}, ()),
    ({"attributes": [{"id": "a-1", "link_id": "svc-1", "taxonomy_term_id": "t-1", "link_entity": "service"}],
      "taxonomy_terms": [{"id": "t-1", "code": "BD-1800", "name": "Food Pantries", "taxonomy_id": "airs"}]},
     ("BD-1800", "Food Pantries")),
])
def test_renamed_or_missing_taxonomy_columns_never_raise(tmp_path: Path, tables: dict, codes: tuple) -> None:
    """taxonomy keyed by taxonomy_id or id, a blank taxonomy_id, no taxonomy table, 3.0 attributes: codes arrive."""
    row = read_hsds(_package(tmp_path / "p", **tables))[0]
    assert row.codes == codes
    assert row.values.get("tags", "") == ";".join(name for name in codes if not name[:2].isupper() or " " in name)


def test_a_services_table_without_names_is_refused_naming_the_file(tmp_path: Path) -> None:
    """No 'name' column: nothing can be an entry, so the message names services.csv and its columns."""
    with pytest.raises(UnusableInput, match=r"services.csv has no 'name' column.*columns are: 'id, title'"):
        read_hsds(_package(tmp_path / "p", services=[{"id": "svc-1", "title": "Harbor"}]))


def test_a_services_table_without_ids_still_gives_its_services(tmp_path: Path) -> None:
    """No 'id' column: the services come in with what they say themselves, and a problem naming the file."""
    rows = read_hsds(_package(tmp_path / "p", services=[{"name": "Harbor", "status": "active"}],
                              phones=[{"id": "p-1", "service_id": "", "number": "215-555-0100"}]))
    assert rows[0].values == {"name": "Harbor", "status": "active"}
    assert "services.csv has no 'id' column" in rows[0].problems["external_id"]


@pytest.mark.parametrize("status", ["active", "inactive", "defunct", "temporarily closed", "Available", ""])
def test_status_is_passed_on_as_the_source_wrote_it(tmp_path: Path, status: str) -> None:
    """The importer decides what a source's status means; the reader only passes it on."""
    row = read_hsds(_package(tmp_path / "p", services=[{**SERVICE, "status": status}]))[0]
    assert row.values.get("status", "") == status


def test_phones_keep_their_labels_and_a_fax_is_never_the_phone(tmp_path: Path) -> None:
    """The first callable number is the phone; fax, TTY, text and labelled numbers go to other_phones."""
    phones = [{"id": "p-1", "service_id": "svc-1", "number": "215-555-0199", "type": "fax"},
              {"id": "p-2", "service_id": "svc-1", "number": "215-555-0100", "extension": "12", "type": "voice",
               "description": "Main line, ask for the front desk and mention the 211 referral"},
              {"id": "p-3", "service_id": "svc-1", "number": "215-555-0101", "type": "textphone"},
              {"id": "p-4", "service_id": "svc-1", "number": "215-555-0102", "type": "text"},
              {"id": "p-5", "service_id": "svc-1", "number": "215-555-0103", "type": "voice", "description": "Intake"},
              {"id": "p-6", "service_id": "svc-1", "number": "215-555-0104", "type": "fax", "description": "Intake"},
              {"id": "p-7", "service_id": "svc-1", "number": "215-555-0100", "extension": "12", "type": "voice"},
              {"id": "p-8", "service_id": "svc-2", "number": "610-555-0100", "type": "voice"},
              {"id": "p-9", "service_id": "svc-3", "number": "610-555-0109", "type": "fax"},
              {"id": "p-10", "location_id": "loc-3", "number": "610-555-0110", "type": "voice"}]
    services = [SERVICE, {**SERVICE, "id": "svc-2"}, {**SERVICE, "id": "svc-3", "location_id": "loc-3"}]
    labelled, other, fax_only = read_hsds(_package(tmp_path / "p", services=services, phones=phones,
                                                   locations=[{"id": "loc-3", "name": "Depot"}]))
    assert labelled.values["phone"] == "215-555-0100 ext. 12"
    assert labelled.values["other_phones"] == ("Fax: 215-555-0199;TTY: 215-555-0101;Text: 215-555-0102;"
                                               "Intake: 215-555-0103;Intake fax: 215-555-0104")
    assert (other.values["phone"], "other_phones" not in other.values) == ("610-555-0100", True)
    assert (fax_only.values["phone"], fax_only.values["other_phones"]) == ("610-555-0110", "Fax: 610-555-0109")


def test_eligibility_is_text_and_populations_only_an_exact_label(tmp_path: Path) -> None:
    """1.1 eligibility rows and 3.0 eligibility_description are kept in words; 'Women' is also a population."""
    services = [{**SERVICE, "eligibility_description": "Adults 18 and over\\nliving in the county"},
                {**SERVICE, "id": "svc-2"}]
    eligibility = [{"id": "e-1", "service_id": "svc-1", "eligibility": "Women"},
                   {"id": "e-2", "service_id": "svc-2", "eligibility": "Women and their children"}]
    first, second = read_hsds(_package(tmp_path / "p", services=services, eligibility=eligibility))
    assert (first.values["eligibility"], first.values["populations"]) == (
        "Women\nAdults 18 and over\nliving in the county", "women")
    assert (second.values["eligibility"], "populations" in second.values) == ("Women and their children", False)


def test_coordinates_pass_through_as_the_file_gives_them(tmp_path: Path) -> None:
    """Latitude and longitude are raw; the importer, not the reader, says they came from the source."""
    locations = [{"id": "loc-1", "name": "Depot", "latitude": "39.9168", "longitude": " -75.3877 "}]
    links = [{"id": "sal-1", "service_id": "svc-1", "location_id": "loc-1"}]
    row = read_hsds(_package(tmp_path / "p", locations=locations, services_at_location=links))[0]
    assert (row.values["latitude"], row.values["longitude"]) == ("39.9168", "-75.3877")
    assert "geocode_quality" not in row.values


def test_bad_bytes_are_read_as_windows_1252_and_mojibake_is_repaired(tmp_path: Path) -> None:
    """A mostly UTF-8 file keeps its UTF-8; a stray cp1252 byte is read as cp1252; repairs are reported."""
    services = ("id,name,description\n"
                "svc-1,ABAD\xcc Caf\xe9,Open to all\n".encode("latin-1").decode("latin-1").encode("latin-1")
                + "svc-2,Niños Unidos,The Salvation ArmyGÇÖs shelter and CafÃ© â€œHopeâ€\u009d\n".encode("utf-8"))
    first, second = read_hsds(_package(tmp_path / "p", services=b"id,name,description\n" + services.split(b"\n", 1)[1]))
    assert first.values["name"] == "ABADÌ Café"
    assert first.repairs == ("services.csv row 1, name: bytes that are not UTF-8 were read as Windows-1252",)
    assert second.values["name"] == "Niños Unidos"
    assert second.values["description"] == "The Salvation Army’s shelter and Café “Hope”"
    assert len(second.repairs) == 1 and "mojibake repaired" in second.repairs[0]


def test_a_utf16_table_is_read(tmp_path: Path) -> None:
    """Excel's 'Unicode text' (UTF-16 with a byte order mark) is text like any other."""
    data = "id,name\r\nsvc-1,Café Hope\r\n".encode("utf-16")
    assert read_hsds(_package(tmp_path / "p", services=data))[0].values["name"] == "Café Hope"


def test_a_cell_larger_than_any_entry_needs_makes_the_package_unusable(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The file and row are named; nothing is read from a package like that."""
    monkeypatch.setattr(hsds, "MAX_CELL", 1000)
    services = f"id,name,description\nsvc-1,Harbor,short\nsvc-2,Depot,{'x' * 1001}\n".encode()
    with pytest.raises(UnusableInput, match=r"services.csv row 2 has a cell larger than 0 KB"):
        read_hsds(_package(tmp_path / "p", services=services))


def test_a_zip_bomb_with_a_190_mb_cell_is_refused(tmp_path: Path) -> None:
    """A 190 MB cell, compressed to a small zip, ends in a clear message rather than csv's field-limit error."""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, archive.open(
            "services.csv", "w", force_zip64=True) as member:
        member.write(b"id,name,description\nsvc-1,Harbor,")
        for _ in range(190):
            member.write(bytes(2**20))
        member.write(b"\n")
    assert bomb.stat().st_size < 2 * 2**20
    with pytest.raises(UnusableInput, match=r"services.csv row 1 has a cell larger than 128 KB"):
        read_hsds(bomb)


def test_an_unexpected_error_in_one_service_stays_with_that_service(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The last net: whatever goes wrong while reading one service, the others come in and it keeps its name."""
    original = hsds._phone_values

    def failing(phones: list[dict[str, str]]) -> tuple[str, str]:
        if any(p.get("number") == "boom" for p in phones):
            raise KeyError("number")
        return original(phones)

    monkeypatch.setattr(hsds, "_phone_values", failing)
    services = [SERVICE, {**SERVICE, "id": "svc-2", "name": "Depot"}]
    rows = read_hsds(_package(tmp_path / "p", services=services,
                              phones=[{"id": "p-1", "service_id": "svc-1", "number": "boom"}]))
    assert rows[0].values == {"external_id": "svc-1", "name": "Harbor Drop-In"}
    assert rows[0].problems["row"] == "services.csv row 1 could not be read fully (KeyError: 'number')"
    assert rows[1].values["name"] == "Depot" and not rows[1].problems


# Public export -------------------------------------------------------------------------------------------


def _exported_bytes(frame: pd.DataFrame, tmp_path: Path) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(hsds_zip_bytes(frame))) as archive:
        zipped = [archive.read(name) for name in archive.namelist()]
    folder = export_hsds(frame, tmp_path / "folder")
    return zipped + [path.read_bytes() for path in folder.iterdir()]


def test_a_confidential_location_is_only_its_town_in_an_export(tmp_path: Path) -> None:
    """No street, venue or pin of a confidential entry leaves; its location says it is confidential."""
    frame = valid_frame({"name": "Safe Harbor House", "address": "4417 Hidden Lane", "location_name": "Blue Door",
                         "latitude": "39.9712", "longitude": "-75.2233", "location_confidential": "yes"},
                        {"name": "Open Center", "address": "12 Market St"})
    files = _exported_bytes(frame, tmp_path)
    for secret in (b"4417 Hidden Lane", b"Blue Door", b"39.9712", b"-75.2233"):
        assert not any(secret in data for data in files), secret
    tables = export_tables(frame)
    confidential = tables["locations"][0]
    assert (confidential["name"], confidential["latitude"], confidential["longitude"]) == (
        "Confidential location", "", "")
    assert confidential["description"] == "The address is confidential; contact the service. Philadelphia, PA 19104"
    assert [a["address_1"] for a in tables["addresses"]] == ["12 Market St"]
    assert {"link_type": "location_confidential", "value": "yes"}.items() <= tables["attributes"][-1].items() or any(
        a["link_type"] == "location_confidential" and a["value"] == "yes" for a in tables["attributes"])
    back = read_hsds(export_hsds(frame, tmp_path / "again"))[0].values
    assert (back["location_confidential"], back.get("address", ""), back["zip"]) == ("yes", "", "19104")


def test_review_notes_never_leave_in_an_export(tmp_path: Path) -> None:
    """The review fields are peer leaders' own work: neither their terms nor their text are exported."""
    frame = valid_frame({"name": "Pending Place", "status": "pending", "review_reasons": "bad_phone",
                         "review_notes": "phone: the source said 'call Marta at home'"})
    files = _exported_bytes(frame, tmp_path)
    for secret in (b"Marta", b"review_notes", b"review_reasons", b"bad_phone"):
        assert not any(secret in data for data in files), secret


def test_extra_phones_are_exported_with_their_types(tmp_path: Path) -> None:
    """other_phones become HSDS phones: a fax as type fax, a TTY as textphone, the rest as voice with a label."""
    frame = valid_frame({"name": "Harbor", "other_phones": "Fax: (215) 555-0199;TTY: (215) 555-0101;"
                                                           "Intake: (215) 555-0102"})
    phones = [(p["number"], p["type"], p["description"]) for p in export_tables(frame)["phones"]]
    assert phones == [("(215) 555-0100", "voice", ""), ("(215) 555-0199", "fax", "Fax"),
                      ("(215) 555-0101", "textphone", "TTY"), ("(215) 555-0102", "voice", "Intake")]
    assert validate_hsds(export_hsds(frame, tmp_path / "p")) == []
