"""The import and export formats by name: one list that the CLI and the Import and export page both use."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pandas as pd

from directory.i18n import N_, _
from directory.interop import limits
from directory.interop.csv_export import export_csv, restore_cell, safe_csv_bytes
from directory.interop.csv_import import CsvSource, open_csv
from directory.interop.hsds import export_hsds, hsds_zip_bytes, measure_package, read_hsds
from directory.interop.ical import event_calendar
from directory.interop.ical_import import looks_like_ical, read_ical
from directory.interop.limits import ImportLimitExceeded
from directory.interop.meeting_guide import meeting_guide_feed, read_meeting_guide
from directory.interop.records import SourceRow, UnusableInput

IMPORT_FORMATS: dict[str, str] = {
    "csv": N_("CSV or spreadsheet export (any columns)"),
    "hsds": N_("Open Referral HSDS data package (folder or .zip)"),
    "meeting-guide": N_("Meeting Guide JSON feed"),
    "ics": N_("iCalendar (.ics) calendar export (Google Calendar, Outlook)"),
}
EXPORT_FORMATS: dict[str, str] = {
    "csv": N_("CSV for spreadsheets"),
    "hsds": N_("Open Referral HSDS 3.0 data package (.zip)"),
    "meeting-guide": N_("Meeting Guide JSON feed (weekly meetings)"),
    "ics": N_("iCalendar (.ics) of events"),
}
_T = TypeVar("_T")
EXPORT_FILE_NAMES: dict[str, tuple[str, str]] = {
    "csv": ("resources.csv", "text/csv"),
    "hsds": ("hsds.zip", "application/zip"),
    "meeting-guide": ("meetings.json", "application/json"),
    "ics": ("events.ics", "text/calendar"),
}


def decide_format(fmt: str, head: bytes, *, is_package: bool) -> str:
    """The one place that decides a source's format: the one asked for, or else what the bytes hold.

    `head` is the start of the file; `is_package` says it is a folder or a zip. A zip or folder is an HSDS
    package, JSON is a Meeting Guide feed, BEGIN:VCALENDAR an iCalendar file, anything else is read as CSV.
    """
    if fmt != "auto":
        if fmt not in IMPORT_FORMATS:
            raise UnusableInput(_("unknown format '{format}'; use one of: auto, {formats}").format(
                format=fmt, formats=", ".join(IMPORT_FORMATS)))
        return fmt
    if is_package or head[:4] == b"PK\x03\x04":
        return "hsds"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "meeting-guide"
    if looks_like_ical(head):
        return "ics"
    return "csv"


def detect_format(path: Path) -> str:
    """Guess a source's format from what it holds: an HSDS package, a Meeting Guide feed, or else CSV."""
    if not path.exists():
        raise UnusableInput(_("there is no file or folder at {path}").format(path=path))
    if path.is_dir():
        return decide_format("auto", b"", is_package=True)
    with path.open("rb") as handle:
        return decide_format("auto", handle.read(4096), is_package=zipfile.is_zipfile(path))


def read_source(path: Path, fmt: str = "auto", mapping: Mapping[str, str] | None = None) -> Iterable[SourceRow]:
    """The rows of a source file or folder in the given format ("auto" detects it).

    Every reader holds the source to the limits in `directory.interop.limits` while reading, and raises
    ImportLimitExceeded (an UnusableInput) naming the file, table, row or field that passed one.
    """
    fmt = detect_format(path) if fmt == "auto" else decide_format(fmt, b"", is_package=False)
    if path.is_file() and (size := path.stat().st_size) > limits.MAX_FILE_BYTES:
        raise ImportLimitExceeded(_("the file holds {size} bytes, more than the {limit} one import may read; import "
                                    "it in parts").format(size=f"{size:,}",
                                                          limit=limits.size_text(limits.MAX_FILE_BYTES)))
    if fmt == "hsds":  # read_hsds reads the package once and says when it is not one
        return read_hsds(path)
    if fmt == "meeting-guide":
        with path.open("rb") as handle:  # never more than the limit, even if the file grows meanwhile
            return read_meeting_guide(handle.read(limits.MAX_JSON_BYTES + 1))
    if fmt == "ics":  # parsed whole, like a feed, so held to the same size
        with path.open("rb") as handle:
            return read_ical(handle.read(limits.MAX_JSON_BYTES + 1))
    return _restored(open_csv(path, mapping).rows())


def check_upload(data: bytes, file_name: str) -> None:
    """Refuse an upload the server should not read (too large, or a zip that unpacks past the upload budget).

    A zip is checked by reading every member once through a counting reader and throwing the bytes away,
    before any table is parsed; its declared sizes are not trusted.
    """
    if len(data) > limits.MAX_UPLOAD_BYTES:
        raise ImportLimitExceeded(_("{file} holds {size} bytes, more than the {limit} an upload may be; import it "
                                    "with `python -m directory import` on the server").format(
            file=file_name, size=f"{len(data):,}", limit=limits.size_text(limits.MAX_UPLOAD_BYTES)))
    if data[:4] == b"PK\x03\x04":
        with _uploaded_zip(data) as package:
            _named(file_name, lambda: measure_package(package, limits.MAX_UPLOAD_UNZIPPED_BYTES))


def read_upload(data: bytes, file_name: str, fmt: str = "auto",
                mapping: Mapping[str, str] | None = None) -> Iterable[SourceRow]:
    """The rows of an uploaded file, read in memory (an HSDS zip goes through a private temporary folder).

    The upload is checked first (check_upload), then read to the tighter upload limits (limits.MAX_UPLOAD_*).
    """
    check_upload(data, file_name)
    fmt = decide_format(fmt, data[:4096], is_package=False)
    if fmt == "hsds":
        with _uploaded_zip(data) as package:
            return _named(file_name, lambda: read_hsds(package, limits.PackageLimits.upload()))
    if fmt == "meeting-guide":
        return _named(file_name, lambda: read_meeting_guide(data, max_meetings=limits.MAX_UPLOAD_ROWS))
    if fmt == "ics":
        return _named(file_name, lambda: read_ical(data, max_events=limits.MAX_UPLOAD_ROWS))
    return read_opened_csv(open_csv(data, mapping))


def read_opened_csv(source: CsvSource) -> Iterable[SourceRow]:
    """The rows of a CSV already opened (and kept) by the Import page, so an upload is decoded once.

    Read to the upload limit of limits.MAX_UPLOAD_ROWS rows.
    """
    return _restored(source.rows(max_rows=limits.MAX_UPLOAD_ROWS))


@contextmanager
def _uploaded_zip(data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="directory-upload-") as folder:
        package = Path(folder) / "package.zip"
        package.write_bytes(data)
        yield package


def _named(file_name: str, read: Callable[[], _T]) -> _T:
    """What `read` returns; a limit it meets is reported with the upload's name in front."""
    try:
        return read()
    except ImportLimitExceeded as error:
        raise ImportLimitExceeded(f"{file_name}: {error}") from None


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
