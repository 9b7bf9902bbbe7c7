"""Read any CSV as source rows: encoding, line endings and delimiter detected, rows streamed one at a time."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from directory.hours import HoursError, parse_hours, parse_textual_hours
from directory.interop.column_mapping import apply_overrides, guess_mapping
from directory.interop.infer import infer_classification
from directory.interop.records import SourceRow, UnusableInput
from directory.schema import FIELD_BY_NAME, LIST_SEPARATOR

_SAMPLE_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_DELIMITERS = ",;\t|"
_LIST_KINDS = ("list", "choices")
# A quoted cell may hold a long description; validation, not the reader, decides what is too long.
csv.field_size_limit(64 * 1024 * 1024)


class CsvSource:
    """An opened CSV: its headers, the column mapping, how it was read, and its rows on demand."""

    def __init__(self, source: Path | bytes, mapping: Mapping[str, str] | None = None) -> None:
        self._source = source
        head = _read_head(source)
        if not head.strip(b"\xef\xbb\xbf \t\r\n"):
            raise UnusableInput("the file is empty")
        if b"\x00" in head:
            raise UnusableInput("this looks like a binary file (a spreadsheet or a zip?), not a CSV; "
                                "save it as CSV first")
        self.encoding = _detect_encoding(source, head)
        sample = head.decode(self.encoding, errors="ignore")
        self.delimiter = _sniff_delimiter(sample)
        with self._text() as text:
            self.headers = _first_row(csv.reader(text, delimiter=self.delimiter))
        if not any(self.headers):
            raise UnusableInput("the file has no header row")
        guessed = guess_mapping(self.headers)
        self.mapping = apply_overrides(guessed, mapping, self.headers) if mapping is not None else guessed
        if not self.mapping:
            raise UnusableInput("none of the columns could be matched (" + ", ".join(self.headers[:8])
                                + "); give a mapping file")
        self.unmapped = [h for h in self.headers if h not in self.mapping]

    def rows(self) -> Iterator[SourceRow]:
        """Each data row in turn (blank lines skipped), numbered from 1 under the header."""
        with self._text() as text:
            reader = csv.reader(text, delimiter=self.delimiter)
            _first_row(reader)
            line = 0
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                line += 1
                yield self._row(line, cells)

    def _row(self, line: int, cells: list[str]) -> SourceRow:
        raw = dict(zip(self.headers, cells, strict=False))
        problems: dict[str, str] = {}
        if len(cells) != len(self.headers):
            problems["row"] = f"has {len(cells)} cells but the header has {len(self.headers)}"
            raw.update({f"(extra cell {n})": cell for n, cell in enumerate(cells[len(self.headers):], start=1)})
        values = {column: _shape(column, raw.get(header, "").strip()) for header, column in self.mapping.items()}
        values = {column: value for column, value in values.items() if value}
        _move_textual_hours(values)
        values, inferred = infer_classification(values)
        return SourceRow(line, values, raw, problems, inferred)

    def _text(self) -> IO[str]:
        binary: IO[bytes] = self._source.open("rb") if isinstance(self._source, Path) else io.BytesIO(self._source)
        # newline="" hands "\r", "\n" and "\r\n" to the csv module untouched, which splits rows on any of them
        # and keeps line breaks inside quoted cells.
        return io.TextIOWrapper(binary, encoding=self.encoding, newline="", errors="replace")


def open_csv(source: Path | bytes, mapping: Mapping[str, str] | None = None) -> CsvSource:
    """Open a CSV file (or uploaded bytes) for import; raises UnusableInput when it cannot be read at all."""
    try:
        return CsvSource(source, mapping)
    except OSError as error:
        raise UnusableInput(f"the file could not be read ({error.strerror or error})") from None
    except csv.Error as error:
        raise UnusableInput(f"the file is not a readable CSV ({error})") from None


def _read_head(source: Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source[:_SAMPLE_BYTES]
    with source.open("rb") as handle:
        return handle.read(_SAMPLE_BYTES)


def _detect_encoding(source: Path | bytes, head: bytes) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as UTF-8, else cp1252, else latin-1."""
    utf8 = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    for encoding in (utf8, "cp1252"):
        if _decodes(source, encoding):
            return encoding
    return "latin-1"


def _decodes(source: Path | bytes, encoding: str) -> bool:
    # One pass over the bytes in chunks, keeping nothing: a stray byte late in a big file still counts.
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        if isinstance(source, bytes):
            decoder.decode(source, final=True)
            return True
        with source.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample.splitlines() else ""
    try:
        found = csv.Sniffer().sniff(sample[:16_384], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    # The sniffer can be misled by punctuation in long cells; the header line settles it.
    counts = {d: header.count(d) for d in _DELIMITERS}
    if found and counts.get(found, 0) >= max(counts.values()) and counts[found] > 0:
        return found
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _first_row(reader: Iterator[list[str]]) -> list[str]:
    for cells in reader:
        if any(cell.strip() for cell in cells):
            return [cell.strip().lstrip("\ufeff") for cell in cells]
    return []


def _shape(column: str, value: str) -> str:
    field = FIELD_BY_NAME.get(column)
    if field is None or field.kind not in _LIST_KINDS or not value:
        return value
    for separator in (",", "|", "\n"):
        value = value.replace(separator, LIST_SEPARATOR)
    return LIST_SEPARATOR.join(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())


def _move_textual_hours(values: dict[str, str]) -> None:
    text = values.get("hours")
    if not text:
        return
    try:
        parse_hours(text)
        return
    except HoursError:
        pass
    structured = parse_textual_hours(text)
    if structured:
        values["hours"] = structured
    else:
        values.pop("hours")
        values.setdefault("hours_text", text)
