"""Reading real exports (a 211/iCarol export, NYC open-data lists, a 211 HSDS table) and hostile or odd files.

The real files are in tests/fixtures/real (see SOURCES.md there). The reader keeps every row, hands on raw values,
sorts phone numbers by their labels, picks up the source's flags and codes, and reports what it repaired.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from directory.interop import csv_import
from directory.interop.csv_import import open_csv, repair_mojibake
from directory.interop.records import SourceRow, UnusableInput

REAL = Path(__file__).parent / "fixtures" / "real"
ICAROL = REAL / "icarol_dc_211" / "resources.csv"
NYC = REAL / "nyc_open_data_services"


def _rows(path: Path) -> list[SourceRow]:
    return list(open_csv(path).rows())


def _data_rows(path: Path) -> int:
    """How many records the file holds, counted by the csv module itself."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for cells in csv.reader(handle) if any(cell.strip() for cell in cells)) - 1


@pytest.mark.parametrize(("path", "named"), [
    (ICAROL, 59),  # one record has no PublicName
    (NYC / "DYCD_RHY_Runaway_and_Homeless_Youth_Services.csv", 13),
    (NYC / "Directory_Of_Homeless_Drop-_In_Centers.csv", 5),
    (NYC / "Directory_Of_Job_Centers.csv", 28),
    (NYC / "Directory_of_Food_Stamp_Centers.csv", 32),  # two records hold only a stray "Drop in" line
    (REAL / "hsds11_miami_211" / "services.csv", 40),
], ids=lambda value: value.name if isinstance(value, Path) else str(value))
def test_every_record_of_a_real_export_comes_out_once_and_whole(path: Path, named: int) -> None:
    """No row is lost or split, no row has a problem, and each raw record is the file's own."""
    rows = _rows(path)
    assert len(rows) == _data_rows(path) and [row.line for row in rows] == list(range(1, len(rows) + 1))
    assert not [row.problems for row in rows if row.problems]
    assert all(len(row.raw) == len(open_csv(path).headers) for row in rows)
    assert sum(bool(row.values.get("name")) for row in rows) == named


def test_the_icarol_export_keeps_status_and_exclusion_flags_as_the_source_says() -> None:
    """AgencyStatus comes as written; ExcludeFromWebsite / ExcludeFromDirectory = Yes flag the row."""
    rows = _rows(ICAROL)
    assert len(rows) == 60
    statuses = [row.values.get("status", "") for row in rows]
    assert (statuses.count("Active"), statuses.count("Inactive"), statuses.count("Active, but do not refer"),
            statuses.count("")) == (39, 15, 4, 2)
    excluded = [row.line for row in rows if "excluded_by_source" in row.flags]
    assert excluded == [18, 20, 21, 25, 28, 33, 34, 35, 52, 54, 55]
    assert excluded == [row.line for row in rows
                        if "Yes" in (row.raw["ExcludeFromWebsite"], row.raw["ExcludeFromDirectory"])]
    assert not any("private_address" in row.flags for row in rows)


def test_the_icarol_export_never_takes_a_fax_for_the_phone() -> None:
    """Over all 60 records, no fax number is the phone or the number to join by."""
    rows = _rows(ICAROL)
    faxes = {row.raw["PhoneFax"].strip() for row in rows} - {""}
    assert len(faxes) == 39
    assert not [row.line for row in rows if row.values.get("phone") in faxes]
    assert not [row.line for row in rows if "conference_phone" in row.values]
    assert all(f"Fax: {row.raw['PhoneFax'].strip()}" in row.values["other_phones"]
               for row in rows if row.raw["PhoneFax"].strip())


@pytest.mark.parametrize(("line", "phone", "other_phones"), [
    (2, "(202) 767-0450", "Fax: (202) 767-9213"),  # the only number to call is the intake line
    (6, "211", None),  # a hotline column alone
    (20, "(202) 337-5220", "TTY: (202) 337-5220;Fax: (202) 337-8314"),  # the main line is also the TTY line
    (24, "(202) 467-5081", "Toll Free Number, Hotline: (800) 424-8666;Fax: (703) 465-5085"),  # repeats merged
    (37, "(202) 772-4300", "Intake Number: (202) 628-4263;En Español: (202) 772-4325;Fax: (202) 772-4407"),
    (42, "(202) 842-0858 ext. 106", "Fax: (202) 842-1926"),
    (45, "211", "Fax: (202) 673-7502;TTY: (202) 671-4199;Out of area: (202) 463-6211"),
    (46, "311", "Fax: 202-673-2087;TTY: 711"),
    (49, "(202) 727-1000", "Phone: 311"),  # "Information Line" is the main number; 311 has no label
    (50, "(202) 673-3209", "Emergency: 911;Fax: (202) 462-0807"),
])
def test_icarol_phones_are_sorted_by_their_labels(line: int, phone: str, other_phones: str | None) -> None:
    """The main or unlabelled number is the phone; every other keeps its label, padding stripped."""
    row = _rows(ICAROL)[line - 1]
    assert (row.values.get("phone"), row.values.get("other_phones")) == (phone, other_phones)


def test_the_icarol_export_gives_raw_dates_eligibility_codes_and_the_whole_address() -> None:
    """LastVerifiedOn as written, Eligibility as text, taxonomy codes and terms, and the address's second line."""
    career = _rows(ICAROL)[1]
    assert career.values["name"] == "11th Wing Family Support Center - Air Force Career Focus"
    assert career.values["last_verified"] == "12/3/11 0:00"
    assert career.values["eligibility"] == "Active and retired military and their families."
    assert "populations" not in career.values
    assert career.values["address"] == "Bolling Air Force Base, 118 Brookley Avenue"
    assert {"P", "TM-5100", "YN-0500", "YJ-2050", "YJ-2050.2070", "Military", "Employment-Search, Placement"} <= set(
        career.codes)
    assert career.values["description"].endswith("Home visits: Downtown")  # trailing padding stripped


def test_the_icarol_export_needs_no_repair_and_keeps_its_typography() -> None:
    """A clean UTF-8 file is read as UTF-8: curly quotes and accents stay, nothing is reported as repaired."""
    source = open_csv(ICAROL)
    rows = list(source.rows())
    assert source.encoding == "utf-8" and not [row.repairs for row in rows if row.repairs]
    assert "Prince George’s" in rows[51].values["eligibility"] and "Prince George’s" in rows[25].raw["CoverageArea"]
    assert "En Español" in rows[36].values["other_phones"]


def test_icarol_label_and_flag_columns_are_read_not_listed_as_ignored() -> None:
    """Phone labels, taxonomy columns and exclusion flags are read beside the mapping."""
    source = open_csv(ICAROL)
    assert source.also_read["Phone2Name"] == "the label of Phone2Number"
    assert source.also_read["Phone5Description"] == "the label of Phone5Number"
    assert source.also_read["TaxonomyCodes"] == "the source's taxonomy codes"
    assert "ExcludeFromWebsite" in source.also_read
    assert not {"Phone2Name", "TaxonomyCodes", "ExcludeFromDirectory", "AgencyStatus"} & set(source.unmapped)
    assert source.mapping["Phone2Number"] == "other_phones" and "conference_phone" not in source.mapping.values()


def test_a_private_address_in_an_icarol_style_file_is_marked_confidential() -> None:
    """PhysicalAddressIsPrivate = Yes: location_confidential is yes and the row says why."""
    data = (b"PublicName,PhysicalAddress1,PhysicalAddressIsPrivate,ExcludeFromWebsite,AgencyStatus\n"
            b"Safe House,12 Hidden Ln,Yes,No,Active\nOpen House,1 Main St,No,No,Active\n")
    hidden, public = open_csv(data).rows()
    assert hidden.values["location_confidential"] == "yes" and hidden.flags == ("private_address",)
    assert hidden.values["address"] == "12 Hidden Ln"  # kept for peer leaders; the public view hides it
    assert public.values["location_confidential"] == "No" and public.flags == ()


def test_a_column_saying_available_for_directory_no_excludes_the_row() -> None:
    """A flag named the other way round ("AvailableForDirectory") excludes on No, not on Yes."""
    rows = list(open_csv(b"Name,AvailableForDirectory\nA,No\nB,Yes\nC,\n").rows())
    assert [row.flags for row in rows] == [("excluded_by_source",), (), ()]


def test_a_mapping_file_can_skip_a_flag_column() -> None:
    """A header the mapping file skips is not read as a flag either."""
    rows = list(open_csv(b"Name,ExcludeFromWebsite\nA,Yes\n", {"ExcludeFromWebsite": ""}).rows())
    assert rows[0].flags == ()


@pytest.mark.parametrize(("data", "phone", "other_phones", "conference_phone"), [
    (b"Name,Phone1Number,Phone1Name\nA,215-555-0100,Fax\n", None, "Fax: 215-555-0100", None),
    (b"Name,Phone,Fax\nA,215-555-0100,215-555-0101\n", "215-555-0100", "Fax: 215-555-0101", None),
    (b"Name,Fax,Phone\nA,215-555-0101,215-555-0100\n", "215-555-0100", "Fax: 215-555-0101", None),
    (b"Name,Phone1Number,Phone1Name,Phone1Extension\nA,215-555-0100,Main,12\n", "215-555-0100 ext. 12", None, None),
    (b"Name,Phone1Number,Phone1Name,Phone2Number,Phone2Name\nA,215-555-0100,Intake: 24 hrs; ask,"
     b"215-555-0101,  TTY   \n", "215-555-0100", "TTY: 215-555-0101", None),
    (b"Name,Phone1Number,Phone1Name,Phone2Number,Phone2Name\nA,215-555-0100,Intake,215-555-0101,Main\n",
     "215-555-0101", "Intake: 215-555-0100", None),
    (b"Name,Dial-in number,Phone\nA,215-555-0199,215-555-0100\n", "215-555-0100", None, "215-555-0199"),
    (b"Name,Secondary line,Fax\nA,215-555-0102,215-555-0101\n", None,
     "Fax: 215-555-0101;Secondary line: 215-555-0102", None),
    (b"Name,other_phones\nA,Intake: (24 hrs) 215-555-0102;215-555-0103\n", None,
     "Intake: (24 hrs) 215-555-0102;Phone: 215-555-0103", None),
    (b"Name,Phone,Secondary line\nA,215-555-0100,215-555-0102\n", "215-555-0100", "Secondary line: 215-555-0102",
     None),
])
def test_phone_columns_follow_their_labels(data: bytes, phone: str | None, other_phones: str | None,
                                          conference_phone: str | None) -> None:
    """A fax is never the phone; an extension is kept; labels lose their padding and separators; with no main
    number, the first line to call is the phone; a plain column of extra numbers is kept as it is."""
    mapping = {"Secondary line": "other_phones"} if b"Secondary" in data else None
    values = next(open_csv(data, mapping).rows()).values
    assert (values.get("phone"), values.get("other_phones"), values.get("conference_phone")) == (
        phone, other_phones, conference_phone)


def test_nyc_lists_keep_their_odd_headers_and_raw_values() -> None:
    """Truncated headers, a BOM, trailing spaces, an empty last header, 'a | b' phones and a lost minus sign."""
    youth = _rows(NYC / "DYCD_RHY_Runaway_and_Homeless_Youth_Services.csv")
    assert len(youth) == 13
    assert (youth[1].values["external_id"], youth[1].values["organization"], youth[1].values["phone"]) == (
        "2", "Covenant House", "(212) 613-0300 ext. 0532")
    assert youth[0].values["longitude"] == "73.99338311"  # as the file says; the importer judges it
    assert youth[0].values["description"] == "Runaway and Homeless Youth (RHY) services"
    drop_in = open_csv(NYC / "Directory_Of_Homeless_Drop-_In_Centers.csv")
    assert drop_in.headers[0] == "Center Name" and drop_in.encoding == "utf-8-sig"
    centers = list(drop_in.rows())
    assert (centers[1].values["name"], centers[0].values["address"], centers[0].values["city"]) == (
        "The Living Room", "120 East 32nd Street", "Manhattan")
    jobs = open_csv(NYC / "Directory_Of_Job_Centers.csv")
    assert "Council District" in jobs.headers
    assert [row.values["phone"] for row in jobs.rows()][1] == "929-252-7310 | 929-252-7308"
    snap = open_csv(NYC / "Directory_of_Food_Stamp_Centers.csv")
    assert snap.headers[-1] == "(column 14)" and len(list(snap.rows())) == 34


def test_a_211_hsds_table_has_its_cp437_mojibake_repaired_and_reported() -> None:
    """'GÇÖ' (UTF-8 read as CP437, Γ flattened to G) becomes '’', and each repair names its row and column."""
    rows = _rows(REAL / "hsds11_miami_211" / "services.csv")
    repaired = [row for row in rows if row.repairs]
    assert len(repaired) == 8 and not any("GÇ" in row.values["description"] for row in rows)
    assert repaired[0].repairs[0].startswith(f"row {repaired[0].line}, description: '")
    assert "ArmyGÇÖs" in repaired[0].repairs[0] and "Army’s" in repaired[0].repairs[0]
    assert "GÇÖs" in repaired[0].raw["description"]  # the raw record stays as the source gave it
    mentors = next(row for row in rows if "Mentors" in row.values["description"])
    assert "“Mentors”" in mentors.values["description"]


@pytest.mark.parametrize(("garbled", "readable"), [
    ("A Woman‰Ûªs Place", "A Woman’s Place"),
    ("CafÃ© SobriÃ©tÃ©", "Café Sobriété"),
    ("En EspaÃ±ol", "En Español"),
    ("â€œQuotedâ€\x9d", "“Quoted”"),
    ("The ChildrenΓÇÖs Trust", "The Children’s Trust"),
    ("the ChildrenGÇÖs Trust", "the Children’s Trust"),
    ("disabilitiesGÇª", "disabilities…"),
    ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "привет"),
    ("Café Sobriété", "Café Sobriété"),
    ("Prince George’s", "Prince George’s"),
    ("naïve “quotes”", "naïve “quotes”"),
    ("São Paulo – Straße", "São Paulo – Straße"),
    ("GÇE", "GÇE"),
    ("plain ASCII", "plain ASCII"),
])
def test_mojibake_is_repaired_and_good_text_left_alone(garbled: str, readable: str) -> None:
    """Classic mojibake is undone; accents, curly quotes and dashes that are right stay as they are."""
    assert repair_mojibake(garbled) == readable


@pytest.mark.parametrize(("data", "encoding", "name", "repairs"), [
    (b"name,city\nWomen\x92s Center,Media\nCaf\xc3\xa9 Sobri\xc3\xa9t\xc3\xa9,Chester\n", "utf-8", "Women’s Center",
     ("row 1, name: 'Women\\x92s Center' → 'Women’s Center'",)),
    (b"name,city\nABAD\xc3\x8d,Media\nCaf\xe9,Chester\n", "utf-8", "ABADÍ", ()),
    ("name,city\nCafé Sobriété,Media\nNaïve – Place,Chester\n".encode("cp1252"), "cp1252", "Café Sobriété", ()),
    ("name,city\nA Woman‰Ûªs Place,Media\nB,Chester\n".encode(), "utf-8", "A Woman’s Place",
     ("row 1, name: 'A Woman‰Ûªs Place' → 'A Woman’s Place'",)),
    ("name\tcity\nCafé Sobriété\tMedia\nB\tChester\n".encode("utf-16"), "utf-16", "Café Sobriété", ()),
    (codecs.BOM_UTF16_BE + "name\tcity\nCafé\tMedia\nB\tChester\n".encode("utf-16-be"), "utf-16", "Café", ()),
    ("name\tcity\nCafé\tMedia\nB\tChester\n".encode("utf-16-le"), "utf-16-le", "Café", ()),
    (codecs.BOM_UTF8 + "name,city\nCafé,Media\nB,Chester\n".encode(), "utf-8-sig", "Café", ()),
])
def test_text_arrives_readable_whatever_the_encoding(data: bytes, encoding: str, name: str,
                                                     repairs: tuple[str, ...]) -> None:
    """Mostly UTF-8 with a stray cp1252 byte, cp1252 throughout, mojibake, UTF-16 (Excel's Unicode text), BOMs."""
    source = open_csv(data)
    first, second = source.rows()
    assert source.encoding == encoding
    assert (first.values["name"], first.values["city"], first.repairs) == (name, "Media", repairs)
    assert second.values["city"] == "Chester"


def test_a_stray_byte_cp1252_lacks_is_read_as_latin_1_and_reported() -> None:
    """0x81 has no cp1252 character: it becomes U+0081 (latin-1), so nothing is lost, and it is reported."""
    row = next(open_csv(b"name,city\nCaf\xc3\xa9 \x81,Media\n").rows())
    assert row.values["name"] == "Café \x81" and row.repairs == ("row 1, name: 'Café \\x81' → 'Café \x81'",)
    assert row.raw["name"] == "Café \x81"  # the rejects file can write it


def test_a_long_cell_reports_only_the_part_around_its_repair() -> None:
    """A repair inside a long description is shown as an excerpt, not the whole cell."""
    description = "x" * 500 + " A Woman‰Ûªs Place " + "y" * 500
    row = next(open_csv(f"name,description\nA,{description}\n".encode()).rows())
    (repair,) = row.repairs
    assert len(repair) < 200 and "‰Ûª" in repair and "Woman’s" in repair


def test_the_first_data_rows_are_read_even_when_a_stray_byte_comes_late(tmp_path: Path) -> None:
    """A big UTF-8 file with one cp1252 byte near its end is UTF-8, and only that row is repaired."""
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.write(b"name,city\n")
        for n in range(20_000):
            handle.write(f"Café {n},Media\n".encode())
        handle.write(b"Women\x92s Center,Media\n")
    rows = list(open_csv(path).rows())
    assert rows[0].values["name"] == "Café 0" and rows[-1].values["name"] == "Women’s Center"
    assert [row.line for row in rows if row.repairs] == [20_001]


def test_delimiters_followed_by_spaces_keep_quoted_cells_whole() -> None:
    """`"Name", "Address", "City"`: the space after each comma does not split a quoted address."""
    data = b'"Name", "Address", "City"\n"Harbor House", "12 Oak St, Unit 2", "Media"\n"Plain", "1 Elm St", "Chester"\n'
    source = open_csv(data)
    harbor, plain = source.rows()
    assert source.skip_initial_space and source.headers == ["Name", "Address", "City"]
    assert harbor.values == {"name": "Harbor House", "address": "12 Oak St, Unit 2", "city": "Media"}
    assert plain.values["city"] == "Chester"


def test_a_cell_over_the_limit_ends_in_a_clear_message_naming_the_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """A huge cell (a zip bomb's 190 MB one, here over a lowered limit) stops the read with the row, no traceback."""
    monkeypatch.setattr(csv_import, "MAX_CELL_CHARS", 1_000)
    data = b'name,description\nFirst,fine\n\nSecond,"' + b"x" * 5_000 + b'"\nThird,fine\n'
    rows = open_csv(data).rows()
    assert next(rows).values["name"] == "First"
    with pytest.raises(UnusableInput, match=r"row 2 \(line 4 of the file\) has a cell longer than 1,000 characters"):
        next(rows)


def test_a_190_mb_cell_is_refused_without_reading_it_into_memory(tmp_path: Path) -> None:
    """The real limit is 10 MB per cell: a 190 MB cell, written in chunks, ends in UnusableInput."""
    path = tmp_path / "bomb.csv"
    with path.open("wb") as handle:
        handle.write(b'name,description\nFirst,fine\nBomb,"')
        chunk = b"x" * 2**20
        for _ in range(190):
            handle.write(chunk)
        handle.write(b'"\n')
    with pytest.raises(UnusableInput, match=r"row 2 .* longer than 10 MB"):
        list(open_csv(path).rows())


def test_a_huge_header_cell_is_refused_when_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit holds for the header row too, with a message naming it."""
    monkeypatch.setattr(csv_import, "MAX_CELL_CHARS", 1_000)
    with pytest.raises(UnusableInput, match=r"the header .* longer than 1,000 characters"):
        open_csv(b'name,"' + b"x" * 5_000 + b'"\nA,b\n')


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "zip file or an Excel workbook.*save it as CSV first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00", "binary file.*save it as CSV first"),
])
def test_real_binaries_are_still_refused(data: bytes, message: str) -> None:
    """A workbook or a zip is not read as text; the message says what to do."""
    with pytest.raises(UnusableInput, match=message):
        open_csv(data)


def test_duplicate_and_empty_headers_keep_every_cell_in_the_raw_record() -> None:
    """Two "Phone" headers and an empty one: each cell keeps a key of its own."""
    source = open_csv(b"Name,Phone,Phone,\nA,215-555-0100,215-555-0101,note\n")
    assert source.headers == ["Name", "Phone", "Phone (2)", "(column 4)"]
    row = next(source.rows())
    assert row.raw == {"Name": "A", "Phone": "215-555-0100", "Phone (2)": "215-555-0101", "(column 4)": "note"}
    assert (row.values["phone"], row.values["other_phones"]) == ("215-555-0100", "Phone: 215-555-0101")


def test_a_ragged_row_affects_only_itself() -> None:
    """Rows before and after a short or long one read normally."""
    out = io.StringIO()
    csv.writer(out).writerows([["name", "city"], ["A", "Media"], ["B"], ["C", "Chester", "extra"], ["D", "Upland"]])
    rows = list(open_csv(out.getvalue().encode()).rows())
    assert [row.values.get("city") for row in rows] == ["Media", None, "Chester", "Upland"]
    assert [bool(row.problems) for row in rows] == [False, True, True, False]
