"""Bounded imports: a zip bomb, a lying zip header, deep JSON and over-long rows end in a clear limit message.

The bombs are built here, small on disk and huge unpacked, and read in a child process whose address space is
capped at 1 GiB: the child must stop with the limit's own message, never a MemoryError, and the store must be
left as it was. Every figure lives in directory.interop.limits; the smaller cases lower one to stay fast.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from directory.errors import DirectoryError
from directory.interop import hsds, limits
from directory.interop.csv_import import open_csv
from directory.interop.formats import check_upload, read_source, read_upload
from directory.interop.limits import ImportLimitExceeded
from directory.interop.meeting_guide import read_meeting_guide
from directory.interop.records import UnusableInput
from tests.apps import signed_in_app

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_SPACE = 2**30  # the child's whole address space, Python and pandas included
SHORT_ROW = b"1,a\n"


def _bomb(path: Path, member: str, megabytes: int, header: bytes = b"id,name\n") -> Path:
    """A zip whose one member is `megabytes` MB of short CSV rows; deflate packs 150 MB into about 150 KB."""
    chunk = SHORT_ROW * (2**20 // len(SHORT_ROW))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(member, "w") as out:
        out.write(header)
        for _ in range(megabytes):
            out.write(chunk)
    return path


def _lying(path: Path, megabytes: int, claimed: int = 1_000) -> Path:
    """A bomb whose local and central headers both say services.csv unpacks to `claimed` bytes."""
    data = bytearray(_bomb(path, "services.csv", megabytes).read_bytes())
    struct.pack_into("<I", data, data.index(b"PK\x03\x04") + 22, claimed)
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, claimed)
    path.write_bytes(bytes(data))
    return path


def _capped(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run Python with `args` under a 1 GiB address-space limit (set in the child before it starts)."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    return subprocess.run([sys.executable, *args], cwd=ROOT, preexec_fn=cap, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False, **kwargs)


READ_IN_CHILD = """
import sys
from pathlib import Path
from directory.interop.formats import read_source
from directory.interop.records import UnusableInput
try:
    print(len(list(read_source(Path(sys.argv[1])))), "rows")
except UnusableInput as error:
    print(f"{type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(3)
"""


def _read_capped(path: Path) -> str:
    """What the reader says of `path` in a capped child; fails unless it ended in UnusableInput (exit 3)."""
    done = _capped(["-c", READ_IN_CHILD, str(path)])
    assert "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 3, done.stderr[-2000:]
    return done.stderr.strip()


def test_a_zip_bomb_of_short_rows_stops_at_the_services_limit_within_1_gib(tmp_path: Path) -> None:
    """150 MB of short rows in a 150 KB HSDS zip once took 4.5 GB; now the read stops at row 250,001."""
    bomb = _bomb(tmp_path / "bomb.zip", "services.csv", 150)
    assert bomb.stat().st_size < 400 * 2**10
    message = _read_capped(bomb)
    assert message == ("ImportLimitExceeded: services.csv row 250,001: the package holds more than 250,000 "
                       "services, the most one import may bring in; import it in parts")


def test_a_zip_member_whose_header_lies_is_never_unpacked_past_what_it_declares(tmp_path: Path) -> None:
    """The headers say 1,000 bytes for 400 MB: reading stops there and the zip is called damaged, in bounded memory.

    zipfile used to unpack such a member whole in one call (738 MB for a 190 MB claim) before cutting it down.
    """
    message = _read_capped(_lying(tmp_path / "lying.zip", 400))
    assert message.startswith("UnusableInput: services.csv cannot be read: the file is damaged or encrypted")
    assert "CRC" in message


def test_a_plain_csv_zipped_is_not_unpacked_at_all(tmp_path: Path) -> None:
    """A zip is read as an HSDS package; one holding only a (bomb) resources.csv is refused without reading it."""
    bomb = _bomb(tmp_path / "resources.zip", "resources.csv", 150, header=b"name,phone\n")
    assert _read_capped(bomb) == ("UnusableInput: this is not an HSDS package: it has no datapackage.json and no "
                                  "services.csv")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_command_line_exits_2_on_a_zip_bomb_and_leaves_the_store_untouched(sample_dir: Path,
                                                                                tmp_path: Path) -> None:
    """`python -m directory import bomb.zip` names the file and the limit, with exit code 2 and nothing written."""
    bomb = _bomb(tmp_path / "bomb.zip", "services.csv", 150)
    before = _files(sample_dir)
    done = _capped(["-m", "directory", "import", str(bomb), "--data-dir", str(sample_dir)])
    assert (done.returncode, done.stdout) == (2, ""), done.stderr[-2000:]
    assert done.stderr.strip() == (f"error: {bomb}: services.csv row 250,001: the package holds more than 250,000 "
                                   "services, the most one import may bring in; import it in parts; nothing was "
                                   "imported")
    assert _files(sample_dir) == before


@pytest.mark.parametrize(("claimed", "message"), [
    (None, "bomb.zip: the zip unpacks to more than 100 MB; import it in parts"),
    (1_000, "services.csv cannot be read: the file is damaged or encrypted (Bad CRC-32 for file 'services.csv')"),
])
def test_an_upload_is_refused_before_any_table_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         claimed: int | None, message: str) -> None:
    """The server reads every member once, in bounded chunks, before parsing: a bomb is refused by the size it
    declares, or (declaring 1,000 bytes) by what reading it finds; no CSV is parsed either way."""
    def never(*_: object) -> None:
        raise AssertionError("a table was parsed")

    monkeypatch.setattr(hsds, "_read_table", never)
    path = tmp_path / "bomb.zip"
    data = (_lying(path, 150, claimed) if claimed else _bomb(path, "services.csv", 150)).read_bytes()
    with pytest.raises(UnusableInput) as refused:
        read_upload(data, "bomb.zip")
    assert str(refused.value) == message


def test_the_upload_check_counts_the_bytes_that_come_out_not_the_headers(tmp_path: Path) -> None:
    """A member claiming 4 MB that holds 3 MB measures 3 MB; an upload's own size is capped too."""
    lying = _lying(tmp_path / "lying.zip", 3, claimed=4 * 2**20)
    assert hsds.measure_package(lying, 10 * 2**20) == 3 * 2**20 + len(b"id,name\n")
    with pytest.raises(ImportLimitExceeded, match="more than the 50 MB an upload may be"):
        check_upload(lying.read_bytes() + bytes(limits.MAX_UPLOAD_BYTES), "big.zip")


def test_the_import_page_shows_the_limit_and_changes_nothing(sample_dir: Path, tmp_path: Path) -> None:
    """Uploaded on the Import page, the bomb gets a clear error naming the file; nothing is planned or written."""
    data = _bomb(tmp_path / "bomb.zip", "services.csv", 150).read_bytes()
    at = signed_in_app(sample_dir).switch_page("pages/transfer.py").run()
    before = _files(sample_dir)
    at.file_uploader(key="x_upload").upload("bomb.zip", data, "application/zip")
    at.run(timeout=60)
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [  # the page escapes Markdown
        "This file cannot be imported: bomb.zip: the zip unpacks to more than 100 MB; import it in parts. Nothing was "
        "changed."]
    assert not at.metric
    after = _files(sample_dir)
    assert after.pop("resources.csv") == before.pop("resources.csv") and set(after) == set(before)


def test_a_zip_listing_too_many_files_is_refused_before_they_are_listed(tmp_path: Path) -> None:
    """The count comes from the zip's end record, before zipfile builds an object for every name."""
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(limits.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"t{n}.csv", "")
    with pytest.raises(ImportLimitExceeded, match="the zip lists 1,001 files, more than the 1,000"):
        read_source(many)


def test_rows_and_cells_of_a_package_are_counted_across_its_tables(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the package's rows (or cells), the read stops naming the table and row where it happened."""
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name\ns1,A\ns2,B\n")
    (folder / "phones.csv").write_text("id,service_id,number\n" + "".join(f"p{n},s1,215-555-01{n:02d}\n"
                                                                          for n in range(10)))
    assert len(read_source(folder)) == 2
    monkeypatch.setattr(limits, "MAX_PACKAGE_ROWS", 10)
    with pytest.raises(ImportLimitExceeded, match=r"^phones.csv row 9: the package holds more than 10 rows in all"):
        read_source(folder)
    monkeypatch.setattr(limits, "MAX_PACKAGE_ROWS", 100)
    monkeypatch.setattr(limits, "MAX_PACKAGE_CELLS", 20)
    with pytest.raises(ImportLimitExceeded, match=r"^phones.csv row 6: the package holds more than 20 cells"):
        read_source(folder)
    monkeypatch.setattr(limits, "MAX_PACKAGE_CELLS", 100)
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 100)
    with pytest.raises(ImportLimitExceeded, match="the package's tables hold more than 100 bytes"):
        read_source(folder)


def test_an_over_long_package_row_is_refused_even_when_each_cell_is_short_enough(tmp_path: Path) -> None:
    """Ten cells of 120 KB each pass the 128 KB cell limit, but not the 1 MB row limit."""
    folder = tmp_path / "package"
    folder.mkdir()
    cells = ",".join(["x" * 120 * 2**10] * 10)
    (folder / "services.csv").write_text(f"id,name,{','.join(f'c{n}' for n in range(10))}\ns1,Fine\ns2,Long,{cells}\n")
    with pytest.raises(ImportLimitExceeded, match=r"^services.csv row 2 is longer than 1 MB"):
        read_source(folder)
    (folder / "services.csv").write_text(f"id,name,{cells}\ns1,Fine\n")
    with pytest.raises(ImportLimitExceeded, match=r"^the header of services.csv is longer than 1 MB"):
        read_source(folder)


def test_csv_rows_columns_and_row_length_have_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each limit names the row (and the line of the file); rows before it read normally."""
    source = tmp_path / "list.csv"
    source.write_text("name,phone\n" + "".join(f"Group {n},215-555-01{n:02d}\n" for n in range(12)))
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    rows = iter(read_source(source))
    assert [next(rows).values["name"] for _ in range(10)][-1] == "Group 9"
    with pytest.raises(ImportLimitExceeded, match=r"row 11 \(line 12 of the file\): the file has more than 10 rows"):
        next(rows)
    monkeypatch.setattr(limits, "MAX_COLUMNS", 3)
    with pytest.raises(ImportLimitExceeded, match="the header has 4 columns, more than the 3 a file may have"):
        open_csv(b"a,b,c,d\n1,2,3,4\n")
    with pytest.raises(ImportLimitExceeded, match=r"row 2 \(line 3 of the file\) has 4 cells, more than the 3"):
        list(open_csv(b"name,b\n1,2\n1,2,3,4\n").rows())
    monkeypatch.setattr(limits, "MAX_ROW_CHARS", 1_000)
    long_row = b"name,notes,more\nFine,short,short\nLong," + b",".join([b"x" * 400] * 3) + b"\n"
    with pytest.raises(ImportLimitExceeded, match=r"row 2 \(line 3 of the file\) is longer than 1,000 characters"):
        list(open_csv(long_row).rows())
    with pytest.raises(ImportLimitExceeded, match=r"the header \(line 1 of the file\) is longer than 1,000"):
        open_csv(b"name," + b"x" * 1_000 + b"\nA,b\n")
    quoted = b'name,notes\nA,"' + b"line\n" * 300 + b'"\nB,fine\n'  # short lines, one long row
    with pytest.raises(ImportLimitExceeded, match=r"row 1 \(line \d+ of the file\) is longer than 1,000"):
        list(open_csv(quoted).rows())


def test_a_csv_upload_is_read_to_the_upload_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server plans no more rows than MAX_UPLOAD_ROWS; the command line's MAX_ROWS is larger."""
    monkeypatch.setattr(limits, "MAX_UPLOAD_ROWS", 5)
    data = b"name\n" + b"".join(b"Group %d\n" % n for n in range(6))
    with pytest.raises(ImportLimitExceeded, match="more than 5 rows"):
        list(read_upload(data, "list.csv"))
    assert limits.MAX_UPLOAD_ROWS < limits.MAX_ROWS


MEETING = {"name": "Tuesday Night", "day": 2, "time": "19:00", "address": "1 Main St", "city": "Camden",
           "state": "NJ"}


def test_a_feed_nested_past_the_depth_limit_is_refused_before_parsing() -> None:
    """17 levels inside a meeting's notes: refused by the outline check, before the JSON is parsed at all."""
    deep = b"[" * 14 + b"]" * 14
    fine = json.dumps([MEETING, {**MEETING, "notes": "x"}]).encode().replace(b'"x"', deep)
    assert len(read_meeting_guide(fine)) == 2  # 16 levels: the list, the meeting and 14 more
    too_deep = fine.replace(deep, b"[" + deep + b"]")
    with pytest.raises(ImportLimitExceeded, match=r"nested too deeply \(more than 16 levels\)"):
        read_meeting_guide(too_deep + b" not JSON")  # parsed first, this would be "not valid JSON"
    brackets_in_text = json.dumps([{**MEETING, "notes": "[\\\"[" * 20}]).encode()
    assert read_meeting_guide(brackets_in_text)[0].values["description"] == "[\\\"[" * 20


def test_a_feed_over_its_size_meetings_or_field_length_is_refused(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A feed's bytes, its number of meetings and each text value have limits; the item and field are named."""
    long_notes = json.dumps([MEETING, {**MEETING, "notes": "x" * (limits.MAX_FIELD_CHARS + 1)}]).encode()
    with pytest.raises(ImportLimitExceeded, match="item 2 of the feed, field 'notes', holds more than 128 KB"):
        read_meeting_guide(long_notes)
    feed = json.dumps([MEETING] * 4).encode()
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    with pytest.raises(ImportLimitExceeded, match="the feed has more than 3 meetings"):
        read_meeting_guide(feed)
    monkeypatch.setattr(limits, "MAX_ROWS", 4)
    assert len(read_meeting_guide(feed)) == 4
    path = tmp_path / "meetings.json"
    path.write_bytes(feed)
    monkeypatch.setattr(limits, "MAX_JSON_BYTES", 100)
    with pytest.raises(ImportLimitExceeded, match="more than the 100 bytes a feed may be"):
        read_source(path)


def test_a_limit_is_a_directory_error_and_an_unusable_input() -> None:
    """Whatever catches a reader's UnusableInput (the CLI's exit 2, the page's message) catches a limit too."""
    assert issubclass(ImportLimitExceeded, DirectoryError)
    assert issubclass(ImportLimitExceeded, UnusableInput)
    assert [limits.size_text(n) for n in (200 * 2**20, 128 * 2**10, 1_000)] == ["200 MB", "128 KB", "1,000 bytes"]
