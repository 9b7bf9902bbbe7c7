"""Reading any CSV: encodings, line endings, delimiters, streaming, column guesses, mapping files, inference."""

from __future__ import annotations

import csv
import io
import tracemalloc
from pathlib import Path

import pytest

from directory.interop.column_mapping import guess_mapping, load_mapping, mapping_json, save_mapping
from directory.interop.csv_import import open_csv
from directory.interop.infer import infer_classification
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


def test_a_211_export_maps_its_headers_and_shapes_its_values() -> None:
    """AgencyName becomes the organization when PublicName is the name; lists, hours and ids are shaped."""
    source = open_csv(FIXTURES / "211_export.csv")
    assert source.mapping == {
        "ResourceAgencyNum": "external_id", "AgencyName": "organization", "PublicName": "name",
        "AgencyDescription": "description", "PhysicalAddress1": "address", "PhysicalCity": "city",
        "PhysicalStateProvince": "state", "PhysicalPostalCode": "zip", "Latitude": "latitude",
        "Longitude": "longitude", "Phone1Number": "phone", "Phone2Number": "conference_phone",
        "WebsiteAddress": "website", "EmailAddressMain": "email", "HoursOfOperation": "hours",
        "LanguagesOffered": "languages", "TaxonomyTerms": "tags", "Eligibility": "populations",
        "LastVerifiedOn": "last_verified"}
    coaching, softball, rides = source.rows()
    assert coaching.values["hours"] == "Mon-Fri 09:30-17:00; Sat closed"
    assert coaching.values["languages"] == "English;Spanish" and "\n" in coaching.values["description"]
    assert (coaching.values["category"], coaching.inferred) == ("peer_coaching", ("category", "support_types"))
    assert softball.values["hours_text"] == "Sundays in summer" and "hours" not in softball.values
    assert softball.values["category"] == "sober_social"
    assert rides.values["languages"] == "English;Spanish;Haitian Creole"
    assert rides.values["category"] == "transportation"


def test_a_cr_only_cp1252_file_with_semicolons() -> None:
    """The classic old-spreadsheet export: CR line endings, cp1252, ';' — and a smart quote."""
    source = open_csv(FIXTURES / "cr_only_cp1252.csv")
    assert (source.encoding, source.delimiter) == ("cp1252", ";")
    cafe, house = source.rows()
    assert cafe.values["name"] == "Café Sobriété" and "\u2019" in cafe.values["description"]
    assert house.values["category"] == "recovery_housing" and house.inferred == ("category", "support_types")


def test_a_mapping_file_overrides_guesses_and_round_trips(tmp_path: Path) -> None:
    """An explicit target wins over a guess, an empty target skips a column, and the file reads back."""
    data = b"Program Title,Name,Internal code\nSunday Hike,Parks Dept,x1\n"
    source = open_csv(data, {"Program Title": "name", "Name": "organization", "Internal code": ""})
    assert source.mapping == {"Program Title": "name", "Name": "organization"}
    assert source.unmapped == ["Internal code"]
    path = tmp_path / "mapping.json"
    save_mapping(source.mapping, path)
    assert load_mapping(path) == source.mapping
    assert '"columns"' in mapping_json(source.mapping)
    with pytest.raises(ValueError, match="unknown columns: nonsense"):
        open_csv(data, {"Program Title": "nonsense"})


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


@pytest.mark.parametrize(("values", "category"), [
    ({"name": "Oxford House Elm"}, "recovery_housing"),
    ({"name": "Friday Night Volleyball", "description": "alcohol-free fun"}, "sober_social"),
    ({"name": "Tuesday NA", "description": "Open meeting"}, "support_group"),
    ({"name": "Job club", "description": "Resume help for people in recovery"}, "employment"),
    ({"name": "Methadone clinic"}, "clinical_treatment"),
    ({"name": "Little Steps Daycare"}, "child_care"),
])
def test_a_category_is_inferred_from_words(values: dict[str, str], category: str) -> None:
    """Keywords pick the category, and its kinds of support follow."""
    filled, inferred = infer_classification(values)
    assert filled["category"] == category and filled["support_types"]
    assert inferred == ("category", "support_types")


def test_inference_never_overwrites_and_leaves_unknowns_empty() -> None:
    """A given category stays; a label is understood; nothing matching leaves the column empty."""
    assert infer_classification({"name": "Volleyball", "category": "education"})[0]["category"] == "education"
    filled, inferred = infer_classification({"name": "X", "category": "Recovery housing"})
    assert filled["support_types"] == "instrumental;affiliational" and inferred == ("support_types",)
    assert infer_classification({"name": "Quiet Place"}) == ({"name": "Quiet Place"}, ())
    assert guess_mapping(["Agency Name"]) == {"Agency Name": "name"}
