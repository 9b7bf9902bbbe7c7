"""The import and export formats by name: one list that the CLI and the Import and export page both use."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from directory.interop.csv_export import export_csv, restore_cell, safe_csv_bytes
from directory.interop.csv_import import CsvSource, open_csv
from directory.interop.hsds import export_hsds, hsds_zip_bytes, read_hsds
from directory.interop.ical import event_calendar
from directory.interop.meeting_guide import meeting_guide_feed, read_meeting_guide
from directory.interop.records import SourceRow, UnusableInput

IMPORT_FORMATS: dict[str, str] = {
    "csv": "CSV or spreadsheet export (any columns)",
    "hsds": "Open Referral HSDS data package (folder or .zip)",
    "meeting-guide": "Meeting Guide JSON feed",
}
EXPORT_FORMATS: dict[str, str] = {
    "csv": "CSV for spreadsheets",
    "hsds": "Open Referral HSDS 3.0 data package (.zip)",
    "meeting-guide": "Meeting Guide JSON feed (weekly meetings)",
    "ics": "iCalendar (.ics) of events",
}
EXPORT_FILE_NAMES: dict[str, tuple[str, str]] = {
    "csv": ("resources.csv", "text/csv"),
    "hsds": ("hsds.zip", "application/zip"),
    "meeting-guide": ("meetings.json", "application/json"),
    "ics": ("events.ics", "text/calendar"),
}


def decide_format(fmt: str, head: bytes, *, is_package: bool) -> str:
    """The one place that decides a source's format: the one asked for, or else what the bytes hold.

    `head` is the start of the file; `is_package` says it is a folder or a zip. A zip or folder is an HSDS
    package, JSON is a Meeting Guide feed, anything else is read as CSV.
    """
    if fmt != "auto":
        if fmt not in IMPORT_FORMATS:
            raise UnusableInput(f"unknown format '{fmt}'; use one of: auto, {', '.join(IMPORT_FORMATS)}")
        return fmt
    if is_package or head[:4] == b"PK\x03\x04":
        return "hsds"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "meeting-guide"
    return "csv"


def detect_format(path: Path) -> str:
    """Guess a source's format from what it holds: an HSDS package, a Meeting Guide feed, or else CSV."""
    if not path.exists():
        raise UnusableInput(f"there is no file or folder at {path}")
    if path.is_dir():
        return decide_format("auto", b"", is_package=True)
    with path.open("rb") as handle:
        return decide_format("auto", handle.read(4096), is_package=zipfile.is_zipfile(path))


def read_source(path: Path, fmt: str = "auto", mapping: Mapping[str, str] | None = None) -> Iterable[SourceRow]:
    """The rows of a source file or folder in the given format ("auto" detects it)."""
    fmt = detect_format(path) if fmt == "auto" else decide_format(fmt, b"", is_package=False)
    if fmt == "hsds":  # read_hsds reads the package once and says when it is not one
        return read_hsds(path)
    if fmt == "meeting-guide":
        return read_meeting_guide(path.read_bytes())
    return _restored(open_csv(path, mapping).rows())


def read_upload(data: bytes, file_name: str, fmt: str = "auto",
                mapping: Mapping[str, str] | None = None) -> Iterable[SourceRow]:
    """The rows of an uploaded file, read in memory (an HSDS zip goes through a private temporary folder)."""
    fmt = decide_format(fmt, data[:4096], is_package=False)
    if fmt == "hsds":
        with tempfile.TemporaryDirectory(prefix="directory-upload-") as folder:
            package = Path(folder) / "package.zip"
            package.write_bytes(data)
            return read_hsds(package)
    if fmt == "meeting-guide":
        return read_meeting_guide(data)
    return _restored(open_csv(data, mapping).rows())


def read_opened_csv(source: CsvSource) -> Iterable[SourceRow]:
    """The rows of a CSV already opened (and kept) by the Import page, so an upload is decoded once."""
    return _restored(source.rows())


def export_bytes(frame: pd.DataFrame, fmt: str, *, directory_zone: str) -> bytes:
    """The whole directory in one export format, for a download; directory_zone is Settings.timezone."""
    if fmt == "csv":
        return safe_csv_bytes(frame)
    if fmt == "hsds":
        return hsds_zip_bytes(frame)
    if fmt == "meeting-guide":
        return meeting_guide_feed(frame)
    if fmt == "ics":
        return event_calendar(frame[frame["status"] == "active"].to_dict("records"), directory_zone=directory_zone)
    raise ValueError(f"unknown export format '{fmt}'")


def export_to(frame: pd.DataFrame, fmt: str, out: Path, *, directory_zone: str) -> Path:
    """Write an export to a path (HSDS to a folder, or a zip when the path ends in .zip); returns the path."""
    if fmt == "hsds":
        return export_hsds(frame, out)
    if fmt == "csv":
        export_csv(frame, out)
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(export_bytes(frame, fmt, directory_zone=directory_zone))
    return out



def _restored(rows: Iterable[SourceRow]) -> Iterator[SourceRow]:
    # A spreadsheet-safe export prefixes formula-like cells with "'"; take it off again on the way in.
    for row in rows:
        if any(value[:1] == "'" for value in row.values.values()):
            row.values = {column: restore_cell(value) for column, value in row.values.items()}
        yield row
