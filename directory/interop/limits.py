"""Every limit on what an import may read, in one place, and the small readers that hold a source to them.

The figures let a statewide directory of 100,000 entries through with room to spare (a CSV or Meeting Guide
feed of that size, an HSDS package of a few hundred thousand rows) and stop anything larger while it is being read,
before it is built in memory. Bytes are counted as they come out of a file or a zip: a zip's own size fields
are never trusted. The command line and the server use the same figures; an upload, read inside the process
that serves the public site, also meets the tighter MAX_UPLOAD_* ones.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from directory.i18n import _
from directory.interop.records import UnusableInput

KIB = 2**10
MIB = 2**20

# Bytes, counted as they are read ---------------------------------------------------------------------------
# A file named on the command line, as stored: a CSV export of 100,000 entries is about 55 MB.
MAX_FILE_BYTES = 512 * MIB
# All the tables of an HSDS package, decompressed: a 211 package of 100,000 services is 100-150 MB.
MAX_UNZIPPED_BYTES = 200 * MIB
# Files listed in a zip: an HSDS package has about 25, and each listed name costs memory before it is read.
MAX_ZIP_ENTRIES = 1_000
# A Meeting Guide feed, parsed whole: 100,000 meetings at about 800 bytes each.
MAX_JSON_BYTES = 100 * MIB
# Nesting of a feed: a list of meetings whose values are at most lists or objects (real feeds go 3 deep).
MAX_JSON_DEPTH = 16

# Rows and columns ------------------------------------------------------------------------------------------
# Entries in one source (CSV rows, feed meetings, HSDS services): 2.5 times a statewide directory.
MAX_ROWS = 250_000
# Rows of all an HSDS package's tables together: a 211 package has about 8 per service.
MAX_PACKAGE_ROWS = 1_000_000
# Cells of those rows, each held in memory until the package is read (the worst case, all short and all
# different, adds about 600 MB): a package of a few hundred thousand rows has a few million.
MAX_PACKAGE_CELLS = 5_000_000
# Columns of a CSV or an HSDS table, or keys of one meeting: iCarol exports have about 150.
MAX_COLUMNS = 1_000

# Characters ------------------------------------------------------------------------------------------------
# One CSV cell: a long description, never a whole file.
MAX_CELL_CHARS = 10 * MIB
# One CSV row with all its cells, so that a thousand columns cannot each hold a 10 MB cell.
MAX_ROW_CHARS = 16 * MIB
# One cell of an HSDS table or one value of a feed: csv's own default; no directory entry needs more.
MAX_FIELD_CHARS = 128 * KIB
# One row of an HSDS table: eight cells at that limit.
MAX_PACKAGE_ROW_CHARS = 1 * MIB

# Uploads, read inside the server that also serves the public site ------------------------------------------
# The largest upload held in memory, whatever server.maxUploadSize allows.
MAX_UPLOAD_BYTES = 50 * MIB
# An uploaded zip's tables, decompressed: checked by reading every member once before any table is parsed.
MAX_UPLOAD_UNZIPPED_BYTES = 100 * MIB
# Entries planned from one upload and kept in the session (about 20 KB each while planned); larger imports
# go through `python -m directory import`.
MAX_UPLOAD_ROWS = 20_000
# Rows and cells of an uploaded package's tables: a quarter of the command line's, about 12 rows and 60 cells
# for each of MAX_UPLOAD_ROWS services (the worst case adds about 150 MB to the server).
MAX_UPLOAD_PACKAGE_ROWS = 250_000
MAX_UPLOAD_PACKAGE_CELLS = 1_250_000

_CHUNK = 64 * KIB


@dataclass(frozen=True)
class PackageLimits:
    """The limits one HSDS package is read to: services, rows and cells of all its tables, unpacked bytes."""

    services: int
    rows: int
    cells: int
    unzipped_bytes: int

    @classmethod
    def command_line(cls) -> PackageLimits:
        """The limits of `python -m directory import` (read when called, so that a test may lower one)."""
        return cls(MAX_ROWS, MAX_PACKAGE_ROWS, MAX_PACKAGE_CELLS, MAX_UNZIPPED_BYTES)

    @classmethod
    def upload(cls) -> PackageLimits:
        """The tighter limits of an upload, read inside the server."""
        return cls(MAX_UPLOAD_ROWS, MAX_UPLOAD_PACKAGE_ROWS, MAX_UPLOAD_PACKAGE_CELLS, MAX_UPLOAD_UNZIPPED_BYTES)


class ImportLimitExceeded(UnusableInput):
    """A source passed one of the limits above while being read; its message names the file, row or field."""


def size_text(count: int, unit: str = "bytes") -> str:
    """A count of bytes (or characters) as people read a limit: '200 MB', '128 KB', '1,000 bytes'."""
    for size, name in ((MIB, "MB"), (KIB, "KB")):
        if count >= size and count % size == 0:
            return f"{count // size:,} {name}"
    return f"{count:,} {unit}"


class ByteBudget:
    """The bytes a source may still yield, shared by every file of a package; each read draws on it."""

    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        self.used = 0
        self._what = what

    def draw(self, count: int, where: str) -> None:
        """Count `count` more bytes read from `where`; past the limit, end the import."""
        self.used += count
        if self.used > self.limit:
            raise ImportLimitExceeded(_("{where}: {what} more than {limit}; import it in parts").format(
                where=where, what=_(self._what), limit=size_text(self.limit)))


class _Counted(io.RawIOBase):
    """A binary stream read through a budget, in bounded chunks, so nothing is decompressed ahead of use."""

    def __init__(self, raw: IO[bytes], budget: ByteBudget, where: str, damaged: tuple[type[Exception], ...]) -> None:
        self._raw, self._budget, self._where, self._damaged = raw, budget, where, damaged

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:
        try:
            data = self._raw.read(min(len(buffer), _CHUNK))
        except self._damaged as error:
            raise UnusableInput(_("{where} cannot be read: the file is damaged or encrypted ({error})").format(
                where=self._where, error=error)) from None
        self._budget.draw(len(data), self._where)
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def counted(raw: IO[bytes], budget: ByteBudget, where: str,
            damaged: tuple[type[Exception], ...] = ()) -> io.BufferedReader:
    """`raw` read in bounded chunks, each drawn from `budget`; an error in `damaged` says the file is damaged."""
    return io.BufferedReader(_Counted(raw, budget, where, damaged), buffer_size=_CHUNK)


class RowTooLong(Exception):
    """Raised by BoundedLines when one row passes its character limit."""


class BoundedLines:
    """The lines of a text for csv.reader, never more than `limit` characters for one row.

    A line is read at most to the limit, so a cell without an end is never read whole. The piece that passes
    the limit is still handed on (csv may then name an over-long cell first); the next read raises RowTooLong.
    The reader calls row_done() after each row it gets.
    """

    def __init__(self, text: IO[str], limit: int) -> None:
        self._text, self.limit = text, limit
        self._chars = 0
        self._over = False

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        if self._over:
            raise RowTooLong
        line = self._text.readline(self.limit - self._chars + 1)
        if not line:
            raise StopIteration
        self._chars += len(line)
        self._over = self._chars > self.limit
        return line

    @property
    def passed(self) -> bool:
        """Whether the row read so far has passed the limit (its last piece was handed on all the same)."""
        return self._over

    def row_done(self) -> None:
        """The row read so far is complete: the next one starts its own count."""
        self._chars = 0


def limits_markdown() -> str:
    """The import limits as the README's Markdown table: the command line's and an upload's side by side."""
    rows = [
        ("File size", size_text(MAX_FILE_BYTES), size_text(MAX_UPLOAD_BYTES)),
        ("Unzipped HSDS package", size_text(MAX_UNZIPPED_BYTES), size_text(MAX_UPLOAD_UNZIPPED_BYTES)),
        ("Files in a zip", f"{MAX_ZIP_ENTRIES:,}", f"{MAX_ZIP_ENTRIES:,}"),
        ("Entries (CSV rows, meetings, HSDS services)", f"{MAX_ROWS:,}", f"{MAX_UPLOAD_ROWS:,}"),
        ("Rows of all an HSDS package's tables", f"{MAX_PACKAGE_ROWS:,}", f"{MAX_UPLOAD_PACKAGE_ROWS:,}"),
        ("Cells of all an HSDS package's tables", f"{MAX_PACKAGE_CELLS:,}", f"{MAX_UPLOAD_PACKAGE_CELLS:,}"),
        ("Columns", f"{MAX_COLUMNS:,}", f"{MAX_COLUMNS:,}"),
        ("One CSV cell / one CSV row", f"{size_text(MAX_CELL_CHARS, 'characters')} / "
         f"{size_text(MAX_ROW_CHARS, 'characters')}", "same"),
        ("One HSDS or feed value / one HSDS row", f"{size_text(MAX_FIELD_CHARS, 'characters')} / "
         f"{size_text(MAX_PACKAGE_ROW_CHARS, 'characters')}", "same"),
        ("Meeting Guide feed: size / nesting", f"{size_text(MAX_JSON_BYTES)} / {MAX_JSON_DEPTH} levels", "same"),
    ]
    lines = ["| limit | `python -m directory import` | upload on Import and export |", "| --- | --- | --- |"]
    lines += [f"| {what} | {cli} | {upload} |" for what, cli, upload in rows]
    return "\n".join(lines)


def whole_text(data: bytes, what: str) -> str:
    """A file read whole (a feed, a calendar) as UTF-8 text, refused first when over MAX_JSON_BYTES.

    `what` names the file in messages ("feed", "calendar"); raises ImportLimitExceeded or UnusableInput.
    """
    if len(data) > MAX_JSON_BYTES:
        raise ImportLimitExceeded(_("the {what} holds more than the {limit} a {what} may be; import it in "
                                    "parts").format(what=_(what), limit=size_text(MAX_JSON_BYTES)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput(_("the {what} is not UTF-8 text").format(what=_(what))) from None
