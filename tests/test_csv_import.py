"""Reading any CSV: encodings, line endings, delimiters, streaming, column guesses and mapping files.

The reader hands on raw values; inference, hours parsing and list normalisation are the importer's (tested there).
"""

from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import pytest

from directory.interop.column_mapping import (
    ColumnMapping,
    guess_mapping,
    load_mapping,
    load_mapping_text,
    mapping_json,
)
from directory.interop.csv_import import open_csv
from directory.interop.records import UnusableInput

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
TEXT = 'name,city,description\n"Café Sobriété",Media,"two\nlines"\nPlain,Chester,one line\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_encoding_and_line_ending_reads_the_same_rows(tmp_path: Path, encoding: str, newline: str) -> None:
    """UTF-8 with or without BOM and cp1252, with LF, CRLF or CR only, keep accents and quoted line breaks."""
    path = tmp_path / "list.csv"
    path.write_bytes(TEXT.replace("\n", newline).encode(encoding))
    source = open_csv(path)
    assert source.encoding == encoding and source.headers == ["name", "city", "description"]
    rows = [row.values for row in source.rows()]
    assert [r["name"] for r in rows] == ["Café Sobriété", "Plain"]
    assert rows[0]["description"] == f"two{newline}lines"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    """Commas, semicolons, tabs and pipes, even with commas inside a cell."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["name", "description", "zip"],
                                                    ["Harbor", "Coffee, talk; support", "19104"]])
    source = open_csv(out.getvalue().encode())
    assert source.delimiter == delimiter
    assert next(row.values for row in source.rows())["description"] == "Coffee, talk; support"


def test_a_211_export_maps_its_headers_and_keeps_raw_values() -> None:
    """AgencyName is the organization beside PublicName; values come as written, for the importer to read."""
    source = open_csv(FIXTURES / "211_export.csv")
    assert source.mapping == {
        "ResourceAgencyNum": "external_id", "AgencyName": "organization", "PublicName": "name",
        "AgencyDescription": "description", "PhysicalAddress1": "address", "PhysicalCity": "city",
        "PhysicalStateProvince": "state", "PhysicalPostalCode": "zip", "Latitude": "latitude",
        "Longitude": "longitude", "Phone1Number": "phone", "Phone2Number": "other_phones",
        "WebsiteAddress": "website", "EmailAddressMain": "email", "HoursOfOperation": "hours",
        "LanguagesOffered": "languages", "Eligibility": "eligibility", "LastVerifiedOn": "last_verified"}
    assert source.also_read == {"TaxonomyTerms": "the source's taxonomy terms"}
    coaching, softball, rides = source.rows()
    assert coaching.values["hours"] == "Monday through Friday 9:30 a.m. to 5 p.m.; Saturday closed"
    assert coaching.values["languages"] == "English, Spanish" and "\n" in coaching.values["description"]
    assert "category" not in coaching.values and coaching.inferred == ()
    assert coaching.codes == ("Peer Support Services", "Recovery Coaching")
    assert softball.values["hours"] == "Sundays in summer" and softball.codes == ("Recreational Activities",)
    assert rides.values["languages"] == "English|Spanish|Haitian Creole"
    assert (rides.values["phone"], rides.values["other_phones"]) == ("610-555-0142", "Phone: 610-555-0143")


def test_a_cr_only_cp1252_file_with_semicolons() -> None:
    """The classic old-spreadsheet export: CR line endings, cp1252, ';' — and a smart quote and a dash."""
    source = open_csv(FIXTURES / "cr_only_cp1252.csv")
    assert (source.encoding, source.delimiter) == ("cp1252", ";")
    cafe, house = source.rows()
    assert cafe.values["name"] == "Café Sobriété" and "\u2019" in cafe.values["description"]
    assert house.values["description"] == "Recovery house \u2014 sober living" and "category" not in house.values
    assert cafe.repairs == () and house.repairs == ()


def test_a_mapping_file_overrides_guesses_and_round_trips(tmp_path: Path) -> None:
    """An explicit target wins over a guess, an empty target skips a column, and the file reads back."""
    data = b"Program Title,Name,Internal code\nSunday Hike,Parks Dept,x1\n"
    source = open_csv(data, {"Program Title": "name", "Name": "organization", "Internal code": ""})
    assert source.mapping == {"Program Title": "name", "Name": "organization"}
    assert source.unmapped == ["Internal code"]
    path = tmp_path / "mapping.json"
    path.write_text(mapping_json(source.mapping), encoding="utf-8")  # as the page's download saves it
    assert load_mapping(path) == source.mapping
    assert '"columns"' in mapping_json(source.mapping)
    with pytest.raises(ValueError, match="unknown columns: nonsense"):
        open_csv(data, {"Program Title": "nonsense"})


def test_a_mapping_file_gives_fixed_values_to_rows_that_leave_them_empty(tmp_path: Path) -> None:
    """"values" fill a column in every row that has nothing there, and never override what a row gives."""
    text = '{"columns": {"Center Name": "name"}, "values": {"state": "NY", "category": "navigation"}}'
    mapping = load_mapping_text(text)
    assert isinstance(mapping, ColumnMapping) and mapping == {"Center Name": "name"}
    assert mapping.fixed == {"state": "NY", "category": "navigation"}
    rows = list(open_csv(b"Center Name,State\nMainchance,\nJersey Place,NJ\n", mapping).rows())
    assert [(r.values["state"], r.values["category"]) for r in rows] == [("NY", "navigation"), ("NJ", "navigation")]
    assert [r.raw for r in rows] == [{"Center Name": "Mainchance", "State": ""},
                                    {"Center Name": "Jersey Place", "State": "NJ"}]
    path = tmp_path / "mapping.json"
    path.write_text(mapping_json(mapping, mapping.fixed), encoding="utf-8")
    again = load_mapping(path)
    assert (again, again.fixed) == (mapping, mapping.fixed)
    assert '"values"' not in mapping_json({"Center Name": "name"})
    explicit = open_csv(b"Center Name\nMainchance\n", {"Center Name": "name"}, fixed={"city": "New York"})
    assert next(explicit.rows()).values["city"] == "New York"


@pytest.mark.parametrize(("text", "message"), [
    ('{"columns": {"A": "name"}, "values": {"nonsense": "x"}}', "unknown columns: nonsense"),
    ('{"columns": {"A": "name"}, "values": ["NY"]}', '"values" must look like'),
    ('{"columns": {"A": "name"}, "values": {"state": 5}}', '"values" must look like'),
    ("[" * 10_000 + "]" * 10_000, "must look like|not valid JSON"),
])
def test_a_bad_mapping_file_is_refused_with_a_reason(text: str, message: str) -> None:
    """Unknown columns, a values list, a number for a value, and a deeply nested document."""
    with pytest.raises(ValueError, match=message):
        load_mapping_text(text)


@pytest.mark.parametrize(("headers", "expected"), [
    (["ID", "Name"], {"ID": "external_id", "Name": "name"}),
    (["id", "external_id", "name", "row_version"], {"id": "id", "external_id": "external_id", "name": "name",
                                                    "row_version": "row_version"}),
    (["Agency Name"], {"Agency Name": "name"}),
    (["PublicName", "AgencyName"], {"PublicName": "name", "AgencyName": "organization"}),
    (["Name", "Eligibility"], {"Name": "name", "Eligibility": "eligibility"}),
    (["Name", "Target Population"], {"Name": "name", "Target Population": "eligibility"}),
    (["Name", "populations"], {"Name": "name", "populations": "populations"}),
    (["Name", "Phone", "Fax", "TTY"], {"Name": "name", "Phone": "phone", "Fax": "other_phones",
                                       "TTY": "other_phones"}),
    (["Name", "Phone2Number"], {"Name": "name", "Phone2Number": "other_phones"}),
    (["Name", "Dial-in number"], {"Name": "name", "Dial-in number": "conference_phone"}),
    (["Name", "PHONENUMBE", "DIVISIONNA"], {"Name": "name", "PHONENUMBE": "phone", "DIVISIONNA": "organization"}),
    (["Name", "UpdatedOn", "LastVerifiedOn"], {"Name": "name", "LastVerifiedOn": "last_verified"}),
    (["Name", "UpdatedOn"], {"Name": "name", "UpdatedOn": "last_verified"}),
    (["Name", "AgencyStatus", "PhysicalAddressIsPrivate"], {"Name": "name", "AgencyStatus": "status",
                                                            "PhysicalAddressIsPrivate": "location_confidential"}),
    (["Name", "Hide address"], {"Name": "name", "Hide address": "location_confidential"}),
    (["Name", "PhysicalAddress1", "PhysicalAddress2"], {"Name": "name", "PhysicalAddress1": "address",
                                                        "PhysicalAddress2": "address"}),
    (["Center Name", "Borough", "Comments"], {"Center Name": "name", "Borough": "city", "Comments": "description"}),
    (["Name", "Contact", "Phone"], {"Name": "name", "Phone": "phone"}),
    (["Name", "TaxonomyCodes", "Categories"], {"Name": "name"}),
])
def test_headers_are_guessed_by_their_real_spellings(headers: list[str], expected: dict[str, str]) -> None:
    """Headers seen in real exports go to the right column, and an ambiguous one only to a free column."""
    assert guess_mapping(headers) == expected


def test_rows_with_too_many_or_too_few_cells_are_kept_with_a_problem() -> None:
    """Nothing is dropped: a ragged row carries a reason and its extra cells."""
    rows = list(open_csv(b"name,zip\nFine,19104\nShort\nLong,19104,extra\n\n").rows())
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[1].problems == {"row": "has 1 cells but the header has 2"}
    assert rows[2].raw["(extra cell 1)"] == "extra"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (b"PK\x03\x04\x00\x00binary", "binary"),
    (b"foo,bar,baz\n1,2,3\n", "none of the columns"),
])
def test_unusable_files_are_refused_with_a_reason(data: bytes, message: str) -> None:
    """Empty, binary, and nothing recognisable."""
    with pytest.raises(UnusableInput, match=message):
        open_csv(data)


def test_a_malicious_file_reads_every_row_without_crashing(tmp_path: Path) -> None:
    """Formulas, javascript: links, script tags, wild coordinates, a missing name and a 1 MB cell all come out."""
    path = tmp_path / "evil.csv"
    rows = [["name", "website", "latitude", "longitude", "description"],
            ["=cmd|' /C calc'!A0", "", "", "", ""], ["Link", "javascript:alert(1)", "", "", ""],
            ["<img src=x onerror=alert(1)>", "", "", "", ""], ["Far", "", "123", "-500", ""],
            ["", "", "", "", "no name"], ["Huge", "", "", "", "x" * 1_000_000]]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    read = list(open_csv(path).rows())
    assert len(read) == 6 and len(read[5].values["description"]) == 1_000_000
    assert read[0].values["name"] == "=cmd|' /C calc'!A0"


def test_a_100k_row_file_streams(tmp_path: Path) -> None:
    """rows() is a generator: reading 100,000 rows one at a time holds far less than the file in memory."""
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "category", "zip", "description"])
        for n in range(100_000):
            writer.writerow([f"Group {n}", "support_group", "19104", "A peer-led meeting for people in recovery."])
    size = path.stat().st_size
    rows = open_csv(path).rows()
    assert iter(rows) is rows
    tracemalloc.start()
    count = sum(1 for _ in rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 100_000
    assert peak < size / 4


def test_a_mapping_files_phone_choice_keeps_the_guessed_phone_as_another_number() -> None:
    """Mapping "Main line" to phone moves the guessed "Phone" to other_phones rather than dropping it."""
    source = open_csv(b"Name,Phone,Main line\nA,215-555-0100,215-555-0199\n", {"Main line": "phone"})
    assert source.mapping == {"Name": "name", "Phone": "other_phones", "Main line": "phone"}
    values = next(source.rows()).values
    assert (values["phone"], values["other_phones"]) == ("215-555-0199", "Phone: 215-555-0100")
