"""Read any CSV as source rows: encoding, line endings and delimiter detected, rows streamed one at a time.

The reader only reads. It maps headers to our columns and hands on each cell's text as the file gives it
(stripped of padding), with three exceptions that are part of reading: text is made readable (stray bytes
and mojibake repaired, each repair reported), a record's phone numbers are sorted into the one to call and
the labelled others, and the source's own flags and taxonomy codes are picked up. Inference, list and value
normalisation, hours parsing and geocoding are the importer's.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import ftfy

from directory.i18n import _
from directory.interop import limits
from directory.interop.column_mapping import (
    SYNONYMS,
    PhoneParts,
    apply_overrides,
    code_headers,
    exclusion_headers,
    guess_mapping,
    normalise_header,
    phone_parts,
)
from directory.interop.limits import BoundedLines, ImportLimitExceeded, RowTooLong
from directory.interop.records import SourceRow, UnusableInput
from directory.phones import is_callable_label
from directory.schema import FIELD_BY_NAME, LIST_SEPARATOR

# One cell may hold a long description, but not a whole file: a cell longer than this ends the read with a
# message (a zip bomb's 190 MB cell would otherwise be read into memory). The figure is limits.MAX_CELL_CHARS.
MAX_CELL_CHARS = limits.MAX_CELL_CHARS
_SAMPLE_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_DELIMITERS = ",;\t|"
_PHONE_COLUMNS = ("phone", "other_phones")
# Labels that name the number to call (iCarol "Main Number", "Business Number", "General Information").
_MAIN_LABEL = re.compile(r"\b(main|business|office|voice|general|primary|information|info)\b", re.IGNORECASE)
_TEXT_TELEPHONE = re.compile(r"\b(tty|tdd|teletype|relay)\b", re.IGNORECASE)
# When the number to call has a second label, these say something a caller needs ("TTY", "After Hours").
_WORTH_REPEATING = re.compile(r"\b(tty|tdd|relay|after\s*hours?|24|emergency|crisis|hotline|toll\s*free|text)\b",
                              re.IGNORECASE)
_LABEL_FILLER = re.compile(r"\b(number|line|phone|no)\b|[\W_]+")
_NOT_DIGIT = re.compile(r"\D")
_OTHER_PHONES_HEADERS = frozenset({"otherphones", *SYNONYMS["other_phones"]})
_YES = frozenset({"yes", "y", "true", "t", "1", "x"})
_NO = frozenset({"no", "n", "false", "f", "0"})
_STRAY_BYTE = re.compile("[\udc80-\udcff]")
# Mojibake that ftfy leaves: UTF-8 punctuation read as cp1252 then MacRoman ("‰Ûª" for "’"), and read as
# CP437 ("ΓÇÖ", or "GÇÖ" when Γ was flattened to G, as in a real 211 HSDS export).
_CP437_CONTINUATION = re.escape(bytes(range(0x80, 0xC0)).decode("cp437"))
_MACROMAN_MOJIBAKE = re.compile("‰Û.")
_CP437_MOJIBAKE = re.compile(f"Γ[{_CP437_CONTINUATION}]{{2}}|GÇ[{_CP437_CONTINUATION}]")
# UTF-8 read as a one-byte code page shows as a lead-byte character (Â Ã â Ð ...) followed by one standing for
# a continuation byte (0x80-0xBF). Only text with such a pair goes to ftfy, which is slow; "Café" never does.
_UTF8_LEAD = bytes(range(0xC2, 0xF5)).decode("latin-1")
_UTF8_CONTINUATION = bytes(range(0x80, 0xC0)).decode("latin-1") + "".join(
    bytes([byte]).decode("cp1252", errors="ignore") for byte in range(0x80, 0xA0))
_MOJIBAKE_HINT = re.compile(f"[{re.escape(_UTF8_LEAD)}][{re.escape(_UTF8_CONTINUATION)}]")
_ANY_MOJIBAKE = re.compile(f"{_MACROMAN_MOJIBAKE.pattern}|{_CP437_MOJIBAKE.pattern}|{_MOJIBAKE_HINT.pattern}")
_FTFY = ftfy.TextFixerConfig(unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
                             fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
                             remove_control_chars=False, normalization=None, explain=False)


class CsvSource:
    """An opened CSV: its headers, the column mapping, how it was read, and its rows on demand.

    `fixed` holds a mapping file's values for every row: each fills its column in any row that leaves the
    column empty, and never overrides what a row gives.
    """

    def __init__(self, source: Path | bytes, mapping: Mapping[str, str] | None = None,
                 fixed: Mapping[str, str] | None = None) -> None:
        self._source = source
        head = _read_head(source)
        if not head.strip(b"\xef\xbb\xbf \t\r\n"):
            raise UnusableInput(_("the file is empty"))
        self.encoding = _detect_encoding(source, head)
        sample = head.decode(self.encoding, errors="ignore")
        self.delimiter = _sniff_delimiter(sample)
        # `"Name", "Address"`: a space after each delimiter would otherwise make the quotes part of the cell.
        first_line = sample.lstrip("\ufeff").splitlines()[0] if sample.strip() else ""
        self.skip_initial_space = first_line.count(self.delimiter + " ") * 2 > first_line.count(self.delimiter)
        with self._text() as text:
            lines = BoundedLines(text, limits.MAX_ROW_CHARS)
            reader = self._reader(lines)
            try:
                self.headers = _unique_headers(_first_row(reader))
            except RowTooLong:
                raise ImportLimitExceeded(_too_long(0, reader.line_num + 1)) from None
            if lines.passed:
                raise ImportLimitExceeded(_too_long(0, reader.line_num))
        if not any(self.headers):
            raise UnusableInput(_("the file has no header row"))
        if len(self.headers) > limits.MAX_COLUMNS:
            raise ImportLimitExceeded(_("the header has {count} columns, more than the {most} a file may have").format(
                count=f"{len(self.headers):,}", most=f"{limits.MAX_COLUMNS:,}"))
        guessed = guess_mapping(self.headers)
        self.mapping = apply_overrides(guessed, mapping, self.headers) if mapping is not None else guessed
        if not self.mapping:
            raise UnusableInput(_("none of the columns could be matched ({headers}); give a mapping file").format(
                headers=", ".join(self.headers[:8])))
        self.fixed = dict(getattr(mapping, "fixed", {}) if fixed is None else fixed)
        skipped = {header for header, column in (mapping or {}).items() if not column}
        self._plan_roles(skipped)

    def with_mapping(self, mapping: Mapping[str, str] | None, fixed: Mapping[str, str] | None = None) -> CsvSource:
        """The same opened file read with another column mapping, without detecting its encoding again."""
        other = copy.copy(self)
        guessed = guess_mapping(self.headers)
        other.mapping = apply_overrides(guessed, mapping, self.headers) if mapping is not None else guessed
        if not other.mapping:
            raise UnusableInput(_("none of the columns is imported; choose a column for at least the name"))
        other.fixed = dict(getattr(mapping, "fixed", {}) if fixed is None else fixed)
        other._plan_roles({header for header, column in (mapping or {}).items() if not column})
        return other

    def _plan_roles(self, skipped: set[str]) -> None:
        position = {header: index for index, header in enumerate(self.headers)}
        parts = phone_parts(self.headers)
        self._phones = [_PhoneColumn.of(h, c, parts.get(h), position) for h, c in self.mapping.items()
                        if c in _PHONE_COLUMNS or (c == "conference_phone" and h in parts)]
        self._plain = sorted((position[h], c) for h, c in self.mapping.items()
                             if c not in _PHONE_COLUMNS and not (c == "conference_phone" and h in parts))
        # A source's own "address is private" flag asks for review; our own column (a re-import) does not.
        self._private_flag = any(c == "location_confidential" and normalise_header(h) != "locationconfidential"
                                 for h, c in self.mapping.items())
        self._codes = [(position[h], kind) for h, kind in code_headers(self.headers).items() if h not in skipped]
        self._exclusions = [(position[h], inverse) for h, inverse in exclusion_headers(self.headers).items()
                            if h not in skipped]
        self._read_cells = sorted({index for index, _ in self._plain + self._codes + self._exclusions} | {
            index for phone in self._phones for index in (phone.index, *phone.labels, phone.extension)
            if index is not None})
        # What the reader takes from headers outside the mapping, so that they are not listed as ignored.
        self.also_read: dict[str, str] = {}
        for phone in self._phones:
            for index in phone.labels:
                self.also_read[self.headers[index]] = f"the label of {phone.header}"
            if phone.extension is not None:
                self.also_read[self.headers[phone.extension]] = f"the extension of {phone.header}"
        for index, kind in self._codes:
            self.also_read[self.headers[index]] = "the source's taxonomy " + ("codes" if kind == "code" else "terms")
        for index, _kind in self._exclusions:
            self.also_read[self.headers[index]] = "the source's flag to keep the entry off its public listing"
        self.unmapped = [h for h in self.headers if h not in self.mapping and h not in self.also_read]

    def rows(self, max_rows: int | None = None) -> Iterator[SourceRow]:
        """Each data row in turn (blank lines skipped), numbered from 1 under the header.

        Raises UnusableInput, naming the row, when the file stops being readable CSV partway (a cell over
        MAX_CELL_CHARS, for one), since nothing after that point can be trusted; ImportLimitExceeded when it
        passes a limit: a row over limits.MAX_ROW_CHARS or MAX_COLUMNS, or more rows than `max_rows`
        (limits.MAX_ROWS by default).
        """
        most = limits.MAX_ROWS if max_rows is None else max_rows
        with self._text() as text:
            lines = BoundedLines(text, limits.MAX_ROW_CHARS)
            reader = self._reader(lines)
            _first_row(reader)
            lines.row_done()
            line = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except RowTooLong:
                    raise ImportLimitExceeded(_too_long(line + 1, reader.line_num + 1)) from None
                except csv.Error as error:
                    raise UnusableInput(_unreadable_row(line + 1, reader.line_num, error)) from None
                except OSError as error:
                    raise UnusableInput(_("the file could not be read after row {row} ({error})").format(
                        row=line, error=error)) from None
                if lines.passed:
                    raise ImportLimitExceeded(_too_long(line + 1, reader.line_num))
                lines.row_done()
                if len(cells) > limits.MAX_COLUMNS:
                    raise ImportLimitExceeded(_("row {row} (line {line} of the file) has {count} cells, more than the "
                                                "{most} columns a file may have").format(
                        row=f"{line + 1:,}", line=f"{reader.line_num:,}", count=f"{len(cells):,}",
                        most=f"{limits.MAX_COLUMNS:,}"))
                if not any(cell.strip() for cell in cells):
                    continue
                line += 1
                if line > most:
                    raise ImportLimitExceeded(_("row {row} (line {line} of the file): the file has more than {most} "
                                                "rows, the most one import may bring in; import it in parts").format(
                        row=f"{line:,}", line=f"{reader.line_num:,}", most=f"{most:,}"))
                yield self._row(line, cells)

    def _row(self, line: int, cells: list[str]) -> SourceRow:
        repairs: list[str] = []
        plain_ascii = all(map(str.isascii, cells))  # most rows: nothing to repair, checked in C
        if not plain_ascii and _STRAY_BYTE.search("".join(cells)):
            for index, cell in enumerate(cells):
                if _STRAY_BYTE.search(cell):
                    cells[index] = _decode_stray_bytes(cell)
                    repairs.append(_("row {row}, {column}: {change}").format(
                        row=line, column=self._header(index), change=_change(cell, cells[index])))
        raw = dict(zip(self.headers, cells, strict=False))
        problems: dict[str, str] = {}
        if len(cells) != len(self.headers):
            problems["row"] = f"has {len(cells)} cells but the header has {len(self.headers)}"
            raw.update({f"(extra cell {n})": cell for n, cell in enumerate(cells[len(self.headers):], start=1)})
        texts = [cell.strip() for cell in cells] + [""] * (len(self.headers) - len(cells))
        if not plain_ascii:
            for index in self._read_cells:
                if not texts[index].isascii() and (repaired := repair_mojibake(texts[index])) != texts[index]:
                    repairs.append(_("row {row}, {column}: {change}").format(
                        row=line, column=self._header(index), change=_change(texts[index], repaired)))
                    texts[index] = repaired
        values: dict[str, str] = {}
        for index, column in self._plain:
            if value := texts[index]:
                # Two headers for one column (an address's second line) are joined, never one dropped.
                values[column] = f"{values[column]}{_joiner(column)}{value}" if column in values else value
        if self._phones:
            values.update(self._phone_values(texts))
        for column, value in self.fixed.items():
            if value and not values.get(column):
                values[column] = value
        flags: list[str] = []
        if values.get("location_confidential", "").casefold() in _YES:
            values["location_confidential"] = "yes"
            if self._private_flag:
                flags.append("private_address")
        if self._exclusions and any(_says(texts[index], inverse) for index, inverse in self._exclusions):
            flags.append("excluded_by_source")
        codes = [code for index, kind in self._codes for code in _split_codes(texts[index], kind)]
        return SourceRow(line, values, raw, problems, codes=tuple(dict.fromkeys(codes)) if codes else (),
                         flags=tuple(flags), repairs=tuple(repairs))

    def _phone_values(self, texts: list[str]) -> dict[str, str]:
        """The number to call and the labelled others, from every phone column of the row.

        The number to call is the first one labelled main (business, office, information ...) or not labelled,
        else the first callable voice line; a fax never is. Every other number keeps its label in other_phones.
        A number given twice is kept once with both labels ("Toll Free Number, Hotline"); when the number to
        call is also the TTY or after-hours line, that is kept too. A plain column of extra numbers (ours,
        or one the mapping sends to other_phones) is kept item for item after them.
        """
        given = [phone for phone in self._phones if texts[phone.index]]
        if len(given) == 1 and given[0].column == "phone" and not given[0].labels and not given[0].fixed_label \
                and given[0].extension is None:
            return {"phone": texts[given[0].index].replace(";", ",")}  # the common case: one plain phone column
        numbers: list[_Number] = []
        by_digits: dict[str, _Number] = {}
        conference = ""
        kept: list[tuple[str, str]] = []
        for phone in given:
            if phone.holds_items:
                kept += phone.items(texts[phone.index])
                continue
            number = texts[phone.index].replace(";", ",")
            if phone.extension is not None and (extension := texts[phone.extension]):
                number = f"{number} ext. {extension}"
            label, from_label_column = phone.label(texts)
            if phone.column == "conference_phone" and is_callable_label(label):
                conference = number
                continue
            digits = _NOT_DIGIT.sub("", number) or number
            if digits in by_digits:
                by_digits[digits].add(label)
                continue
            by_digits[digits] = _Number(number, label, chosen=phone.column == "phone" and not from_label_column)
            numbers.append(by_digits[digits])
        values = {"conference_phone": conference} if conference else {}
        main = _main_number(numbers)
        others: list[tuple[str, str]] = []
        for entry in numbers:
            if entry is main:
                values["phone"] = entry.number
                others += [(label, entry.number) for label in entry.labels[1:] if _WORTH_REPEATING.search(label)]
            else:
                others.append((", ".join(entry.labels) or "Phone", entry.number))
        others += kept
        if others:
            values["other_phones"] = ";".join(f"{label}: {number}" for label, number in others)
        return values

    def _header(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else f"(extra cell {index - len(self.headers) + 1})"

    def _reader(self, lines: BoundedLines) -> Iterator[list[str]]:
        # Set on every read: the limit is the csv module's global, and another reader may have changed it.
        csv.field_size_limit(MAX_CELL_CHARS)
        return csv.reader(lines, delimiter=self.delimiter, skipinitialspace=self.skip_initial_space)

    def _text(self) -> IO[str]:
        binary: IO[bytes] = self._source.open("rb") if isinstance(self._source, Path) else io.BytesIO(self._source)
        # newline="" hands "\r", "\n" and "\r\n" to the csv module untouched, which splits rows on any of them
        # and keeps line breaks inside quoted cells. Undecodable bytes come through as lone surrogates, so each
        # row can repair and report its own.
        errors = "replace" if self.encoding.startswith("utf-16") else "surrogateescape"
        return io.TextIOWrapper(binary, encoding=self.encoding, newline="", errors=errors)


def open_csv(source: Path | bytes, mapping: Mapping[str, str] | None = None,
             fixed: Mapping[str, str] | None = None) -> CsvSource:
    """Open a CSV file (or uploaded bytes) for import; raises UnusableInput when it cannot be read at all.

    `fixed` (by default the mapping file's own `fixed` values) fills columns a row leaves empty.
    """
    try:
        return CsvSource(source, mapping, fixed)
    except OSError as error:
        raise UnusableInput(_("the file could not be read ({error})").format(error=error.strerror or error)) from None
    except csv.Error as error:
        raise UnusableInput(_unreadable_row(0, 1, error)) from None


def repair_mojibake(text: str) -> str:
    """The text with classic mojibake undone ('CafÃ©' -> 'Café', 'Woman‰Ûªs' -> 'Woman’s'); else unchanged."""
    if text.isascii() or not _ANY_MOJIBAKE.search(text):
        return text
    text = _CP437_MOJIBAKE.sub(_undo_cp437, _MACROMAN_MOJIBAKE.sub(_undo_macroman, text))
    return ftfy.fix_text(text, _FTFY) if _MOJIBAKE_HINT.search(text) else text


def _undo_macroman(found: re.Match[str]) -> str:
    try:
        return found[0].encode("cp1252").decode("mac_roman").encode("cp1252").decode("utf-8")
    except UnicodeError:
        return found[0]


def _undo_cp437(found: re.Match[str]) -> str:
    try:
        return ("Γ" + found[0][1:]).encode("cp437").decode("utf-8")
    except UnicodeError:
        return found[0]


def _decode_stray_bytes(text: str) -> str:
    """Each byte that was not UTF-8 (a lone surrogate here) read as cp1252, or latin-1 where cp1252 has none."""
    def one(found: re.Match[str]) -> str:
        byte = bytes([ord(found[0]) - 0xDC00])
        try:
            return byte.decode("cp1252")
        except UnicodeDecodeError:
            return byte.decode("latin-1")
    return _STRAY_BYTE.sub(one, text)


def _change(before: str, after: str) -> str:
    """'before' → 'after' (an undecodable byte shown as \\x92), cut to the part around the first change."""
    if len(before) > 80 or len(after) > 80:
        start = max(0, next((i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), 0) - 20)
        cut = "…" if start else ""
        before, after = f"{cut}{before[start:start + 60]}…", f"{cut}{after[start:start + 60]}…"
    shown = _STRAY_BYTE.sub(lambda found: f"\\x{ord(found[0]) - 0xDC00:02x}", before)
    return f"'{shown}' → '{after}'"


@dataclass(frozen=True)
class _PhoneColumn:
    """A column holding phone numbers, with the cells that say what each number is for."""

    index: int
    column: str  # phone, other_phones or conference_phone
    labels: tuple[int, ...]  # cells of the label columns (iCarol Phone2Name, Phone2Description)
    extension: int | None
    fixed_label: str  # the label a single-purpose header gives (PhoneFax: "Fax")
    header: str
    # A plain column of extra numbers (our own other_phones, or one a mapping file sends there): its cells are
    # "Label: number" items kept as they are, and none of them becomes the phone.
    holds_items: bool = False

    @classmethod
    def of(cls, header: str, column: str, part: PhoneParts | None, position: dict[str, int]) -> _PhoneColumn:
        """The phone column `header`, mapped to `column`, with the cells of its label and extension columns."""
        if part is None:
            # A header that is not a name for other_phones ("Secondary line") labels its unlabelled numbers.
            own_name = normalise_header(header) in _OTHER_PHONES_HEADERS
            return cls(position[header], column, (), None, "" if own_name else _clean_label(header), header,
                       holds_items=column == "other_phones")
        return cls(position[header], column, tuple(position[label] for label in part.labels),
                   position[part.extension] if part.extension else None, part.fixed_label, header)

    def label(self, texts: list[str]) -> tuple[str, bool]:
        """What the row's number is for, and whether a label column said so (rather than the header)."""
        if self.labels:
            return next((found for index in self.labels if (found := _clean_label(texts[index]))), ""), True
        return self.fixed_label, False

    def items(self, cell: str) -> list[tuple[str, str]]:
        """A cell of extra numbers as (label, number) items: 'Intake: 215 555 0100;Fax: ...'."""
        pairs = []
        for item in (part.strip() for part in cell.split(";")):
            label, colon, number = item.partition(":")
            if item:
                pairs.append((_clean_label(label), number.strip()) if colon and number.strip() else ("", item))
        return [(label or self.fixed_label or "Phone", number) for label, number in pairs]


class _Number:
    """One phone number of a row, with every label the row gives it."""

    __slots__ = ("callable", "labels", "main", "number", "voice")

    def __init__(self, number: str, label: str, chosen: bool) -> None:
        self.number = number
        self.labels = [label] if label else []
        self.callable = is_callable_label(label)
        # The mapping made it "the phone" (and no label column says otherwise), or its label says "main".
        self.main = self.callable and (chosen or not label or bool(_MAIN_LABEL.search(label)))
        self.voice = self.callable and not _TEXT_TELEPHONE.search(label)

    def add(self, label: str) -> None:
        """Another label for the same number; "Toll Free Number" and "Toll free" say the same."""
        if label and _LABEL_FILLER.sub("", label.casefold()) not in {_LABEL_FILLER.sub("", known.casefold())
                                                                    for known in self.labels}:
            self.labels.append(label)
            self.callable = self.callable or is_callable_label(label)
            self.voice = self.voice or (is_callable_label(label) and not _TEXT_TELEPHONE.search(label))


def _main_number(numbers: list[_Number]) -> _Number | None:
    """The number to call: the first main, unlabelled or mapped-as-phone one, else the first voice line."""
    return next((entry for entry in numbers if entry.main), None) or next(
        (entry for entry in numbers if entry.voice), None)


def _clean_label(label: str) -> str:
    # ":" and ";" separate labels, numbers and items in other_phones, so a label cannot hold them.
    return " ".join(re.sub(r"[:;]", " ", label).split())


def _says(value: str, inverse: bool) -> bool:
    word = value.casefold()
    return word in (_NO if inverse else _YES)


def _split_codes(value: str, kind: str) -> list[str]:
    """'P; TM-5100 * TM-5100; YN-0500' as codes; term names split on ';' (or ',' when there is no ';')."""
    if not value:
        return []
    if kind == "code":
        parts = re.split(r"[;,*|]", value)
    else:
        parts = re.split(r"[;*|]", value) if re.search(r"[;*|]", value) else value.split(",")
    return [part.strip() for part in parts if part.strip()]


def _joiner(column: str) -> str:
    field = FIELD_BY_NAME.get(column)
    return LIST_SEPARATOR if field is not None and field.kind in ("list", "choices") else ", "


def _unreadable_row(row: int, line: int, error: csv.Error) -> str:
    where = (_("row {row} (line {line} of the file)").format(row=row, line=line) if row
             else _("the header (line {line} of the file)").format(line=line))
    if "field larger than field limit" in str(error):
        limit = (f"{MAX_CELL_CHARS // 2**20} MB" if MAX_CELL_CHARS % 2**20 == 0
                 else _("{count} characters").format(count=f"{MAX_CELL_CHARS:,}"))
        return _("{where} has a cell longer than {limit}, the most one cell may hold; is this really a CSV "
                 "file?").format(where=where, limit=limit)
    return _("{where} is not readable CSV ({error})").format(where=where, error=error)


def _too_long(row: int, line: int) -> str:
    where = (_("row {row} (line {line} of the file)").format(row=f"{row:,}", line=f"{line:,}") if row
             else _("the header (line {line} of the file)").format(line=f"{line:,}"))
    most = limits.size_text(limits.MAX_ROW_CHARS, _("characters"))
    return _("{where} is longer than {most}, the most one row may hold; is this really a CSV file?").format(
        where=where, most=most)


def _read_head(source: Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source[:_SAMPLE_BYTES]
    with source.open("rb") as handle:
        return handle.read(_SAMPLE_BYTES)


def _detect_encoding(source: Path | bytes, head: bytes) -> str:
    """UTF-16 by its BOM (Excel's "Unicode text"); else UTF-8 unless most non-ASCII bytes are not UTF-8 (cp1252)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        odd_nuls, even_nuls = head[1::2].count(0), head[0::2].count(0)
        if odd_nuls > len(head) // 4 and not even_nuls:
            return "utf-16-le"
        if even_nuls > len(head) // 4 and not odd_nuls:
            return "utf-16-be"
        kind = _("a zip file or an Excel workbook") if head.startswith(b"PK\x03\x04") else _("a spreadsheet or a zip?")
        raise UnusableInput(_("this looks like a binary file ({kind}), not a CSV; save it as CSV first").format(
            kind=kind))
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    valid, invalid = _utf8_counts(source)
    return "cp1252" if invalid > valid else "utf-8"


def _utf8_counts(source: Path | bytes) -> tuple[int, int]:
    """(non-ASCII characters that are good UTF-8, bytes that are not), in one pass over the file in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    valid = invalid = 0

    def count(text: str) -> None:
        nonlocal valid, invalid
        if not text.isascii():
            stray = len(_STRAY_BYTE.findall(text))
            invalid += stray
            valid += len(text) - len(text.encode("ascii", errors="ignore")) - stray

    if isinstance(source, bytes):
        count(decoder.decode(source, final=True))
        return valid, invalid
    with source.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            count(decoder.decode(chunk))
    count(decoder.decode(b"", final=True))
    return valid, invalid


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
            return [repair_mojibake(_decode_stray_bytes(cell)).strip().lstrip("\ufeff").strip() for cell in cells]
    return []


def _unique_headers(headers: list[str]) -> list[str]:
    """Headers as keys: an empty one is named by its position, a repeated one gets a number."""
    unique: list[str] = []
    for position, header in enumerate(headers, start=1):
        name = header or f"(column {position})"
        candidate, n = name, 2
        while candidate in unique:
            candidate, n = f"{name} ({n})", n + 1
        unique.append(candidate)
    return unique

