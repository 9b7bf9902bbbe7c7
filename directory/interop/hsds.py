"""Open Referral HSDS tabular data packages: export (HSDS 3.0), import (3.0 and 1.1) and validation.

Each entry is one service with its organization, location, address, phones, schedules, languages, access and
cost options in the HSDS tables. Everything the directory holds that HSDS has no exact home for (support
types, category, dimensions, stages, recovery pathways, flags, tags, event rules, our id ...) goes out as
attributes linked to the service, under our own taxonomy ("peer-recovery-directory"), so an export reads back
without loss. Another taxonomy's term named exactly as a pathway word (pathway_words) is read as that pathway.

An export is public: it is built from the public view, so a confidential location shows its city, state and
ZIP only, and the review fields stay home. Reading forgives: each table is indexed by its keys once, a cell
that cannot be read stays with its own service as text and a problem, and only a package that cannot be read
at all raises `UnusableInput`.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
import shutil
import tempfile
import uuid
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path, PurePosixPath

import ftfy
import pandas as pd

from directory import taxonomy as tx
from directory.errors import DirectoryError
from directory.hours import HoursError, WeeklyHours, format_hours, parse_clock, parse_hours, parse_textual_hours
from directory.i18n import N_, _
from directory.interop import limits
from directory.interop.hsds_spec import TABLES, columns, datapackage
from directory.interop.limits import BoundedLines, ByteBudget, ImportLimitExceeded, RowTooLong, counted
from directory.interop.pathway_words import pathway_key
from directory.interop.records import SourceRow, UnusableInput, row_dicts
from directory.phones import is_callable_label, split_labelled
from directory.privacy import CONFIDENTIAL_LOCATION, is_confidential, listable, public_view
from directory.schema import FIELD_BY_NAME, join_list, split_list

# Our taxonomy's name, in taxonomy_terms.taxonomy; its HSDS id (a UUID, as 3.0 requires) is TAXONOMY_UUID.
TAXONOMY_ID = "peer-recovery-directory"
# Every exported id is uuid5(_NAMESPACE, "kind|part|part..."), see _uid: re-exports keep their ids.
_NAMESPACE = uuid.UUID("5b0c1f9e-6f1e-4d7a-9a43-7f5e2a1c9d10")
_NAMESPACE_BYTES = _NAMESPACE.bytes
# Controlled lists: one attribute per key, linked to a term for that key.
TERM_FIELDS = ("category", "support_types", "dimensions", "stages", "attendance", "populations", "pathways",
               "cost", "accessibility")
# Held verbatim in an attribute's value, linked to one term per field. The review fields (review_reasons,
# review_notes) are the peer leaders' own work and never leave in a public export. HSDS 3.0 has no table for
# translations, so an entry's Spanish name and description travel the same way: an attribute of the service
# under the terms "name_es" and "description_es" (the service's languages table says it is offered in Spanish).
VALUE_FIELDS = ("id", "external_id", "name_es", "description_es", "organization", "location_name", "address",
                "city", "state", "zip",
                "languages", "moud_welcome", "peer_run", "tags", "geocode_quality", "phone", "hours", "hours_text",
                "event_start", "event_end", "event_timezone", "recurrence_rule", "conference_url",
                "conference_phone", "status", "last_verified", "verified_by", "latitude", "longitude", "eligibility",
                "location_confidential", "other_phones")
CONFIDENTIAL_DESCRIPTION = "The address is confidential; contact the service."
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# What the public view puts in place of a confidential entry's own location fields.
_STAND_INS = ("latitude", "longitude", "geocode_quality")
# What the spec's date and datetime types accept (frictionless' defaults: ISO 8601, a datetime in UTC or offset).
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def _uid(*parts: str) -> str:
    """The stable HSDS id of one thing: uuid5 of `parts` joined by "|", the first part naming its kind."""
    # uuid.uuid5 spelled out: the same id, without building a UUID object for each of the ~20 ids per entry
    # (a third of the API's build time at 100,000 entries).
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "|".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


TAXONOMY_UUID = _uid("taxonomy", TAXONOMY_ID)


def _terms(field: str) -> tuple[tx.Term, ...]:
    return FIELD_BY_NAME[field].terms


def export_tables(frame: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    """Our rows as HSDS 3.0 tables (table name -> rows of strings), as the public may see them.

    Entries waiting for review or hidden by their source are left out; retired ones go out as inactive.
    """
    frame = public_view(listable(frame))
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
    tables["taxonomies"].append({"id": TAXONOMY_UUID, "name": "Peer recovery support directory",
                                 "description": "Support types, categories and other fields of the peer recovery "
                                                "support directory."})
    for field in TERM_FIELDS:
        for term in _terms(field):
            tables["taxonomy_terms"].append({"id": _uid("term", field, term.key), "code": f"{field}:{term.key}",
                                             "name": term.english_label,
                                             "description": term.english_explanation or term.english_label,
                                             "taxonomy": TAXONOMY_ID, "taxonomy_id": TAXONOMY_UUID})
    for field in VALUE_FIELDS:
        tables["taxonomy_terms"].append({"id": _uid("term", field), "code": field, "name": field,
                                         "description": FIELD_BY_NAME[field].doc or field, "taxonomy": TAXONOMY_ID,
                                         "taxonomy_id": TAXONOMY_UUID})
    organizations: dict[str, str] = {}
    for row in row_dicts(frame):
        _export_row({k: "" if v is None else str(v) for k, v in row.items()}, tables, organizations)
    return tables


def _export_row(row: dict[str, str], tables: dict[str, list[dict[str, str]]], orgs: dict[str, str]) -> None:
    service = _uid("service", row["id"])
    org_name = row["organization"] or row["name"]
    if org_name not in orgs:
        orgs[org_name] = _uid("organization", org_name)
        tables["organizations"].append({"id": orgs[org_name], "name": org_name, "description": org_name})
    tables["services"].append({
        "id": service, "organization_id": orgs[org_name], "name": row["name"], "description": row["description"],
        "url": row["website"], "email": row["email"], "status": "active" if row["status"] == "active" else "inactive",
        # Typed HSDS cells take only what their type can hold; the attributes keep every value exactly.
        "assured_date": row["last_verified"] if _DATE.fullmatch(row["last_verified"]) else "",
        "last_modified": row.get("updated_at", "") if _DATETIME.fullmatch(row.get("updated_at", "")) else "",
    })
    location = _uid("location", row["id"])
    tables["locations"].append({"id": location, "url": row["conference_url"], **_location_fields(row)})
    tables["service_at_location"].append({"id": _uid("sal", row["id"]), "service_id": service,
                                          "location_id": location})
    if row["address"] and row["city"] and row["state"] and row["zip"] and not is_confidential(row):
        tables["addresses"].append({"id": _uid("address", row["id"]), "location_id": location,
                                    "address_1": row["address"], "city": row["city"], "state_province": row["state"],
                                    "postal_code": row["zip"], "country": "US", "address_type": "physical"})
    numbers = ([("", row["phone"])] if row["phone"] else []) + split_labelled(row["other_phones"])
    for n, (label, number) in enumerate(numbers):
        tables["phones"].append({"id": _uid("phone", row["id"], *([str(n)] if n else [])), "service_id": service,
                                 "number": number, "type": _phone_type(label), "description": label})
    for n, language in enumerate(split_list(row["languages"])):
        tables["languages"].append({"id": _uid("language", row["id"], str(n)), "service_id": service,
                                    "name": language})
    for key in split_list(row["accessibility"]):
        tables["accessibility"].append({"id": _uid("access", row["id"], key), "location_id": location,
                                        "description": tx.english_label_of(_terms("accessibility"), key)})
    for key in split_list(row["cost"]):
        tables["cost_options"].append({"id": _uid("cost", row["id"], key), "service_id": service,
                                       "option": tx.english_label_of(_terms("cost"), key)})
    tables["schedules"] += _schedules(row, service)
    for field in TERM_FIELDS:
        for key in split_list(row[field]):
            tables["attributes"].append({"id": _uid("attr", row["id"], field, key), "link_id": service,
                                         "taxonomy_term_id": _uid("term", field, key), "link_type": field,
                                         "link_entity": "service", "value": key})
    # A confidential entry's public coordinates are only its ZIP's centre: exported, they would read back over
    # its own (and show as a pin elsewhere), so they stay out like the street.
    hidden = _STAND_INS if is_confidential(row) else ()
    for field in VALUE_FIELDS:
        if row[field] and field not in hidden:
            tables["attributes"].append({"id": _uid("attr", row["id"], field), "link_id": service,
                                         "taxonomy_term_id": _uid("term", field), "link_type": field,
                                         "link_entity": "service", "value": row[field]})


def _location_fields(row: dict[str, str]) -> dict[str, str]:
    """A location as the public may see it: a confidential one says so, with no street, venue or pin."""
    if not is_confidential(row):
        return {"location_type": "physical" if row["address"] or row["latitude"] else "virtual",
                "name": row["location_name"], "latitude": row["latitude"], "longitude": row["longitude"]}
    # HSDS 3.0 requires a street in an address row, so the town goes in the description instead; the
    # ZIP-centre coordinates of the public view stay out too, or other systems would show them as a pin.
    place = " ".join(part for part in (", ".join(p for p in (row["city"], row["state"]) if p), row["zip"]) if part)
    return {"location_type": "physical", "name": CONFIDENTIAL_LOCATION,
            "description": f"{CONFIDENTIAL_DESCRIPTION} {place}".strip(), "latitude": "", "longitude": ""}


def _phone_type(label: str) -> str:
    """The HSDS phone type for one of our labels ('Fax', 'TTY', 'Text', 'Intake' ...)."""
    if not is_callable_label(label):
        return "fax"
    if re.search(r"\b(?:tty|tdd|textphone)\b", label, re.IGNORECASE):
        return "textphone"
    return "text" if label.casefold() in ("text", "sms") else "voice"


def _schedules(row: dict[str, str], service: str) -> list[dict[str, str]]:
    """Weekly opening hours and an event's rule as HSDS schedules, for other systems to read."""
    found = []
    if row["hours"]:
        for day, ranges in sorted(parse_hours(row["hours"]).items()):
            for start, end in ranges:
                found.append({"id": _uid("hours", row["id"], str(day), str(start)), "service_id": service,
                              "freq": "WEEKLY", "byday": _DAYS[day], "opens_at": _clock(start),
                              "closes_at": _clock(end % 1440), "description": row["hours"]})
    if row["event_start"]:
        rule = dict(part.split("=", 1) for part in row["recurrence_rule"].split(";") if "=" in part)
        event = {"id": _uid("event", row["id"]), "service_id": service,
                 "dtstart": row["event_start"][:10] if _DATE.fullmatch(row["event_start"][:10]) else "",
                 "opens_at": _event_clock(row["event_start"]), "closes_at": _event_clock(row["event_end"]),
                 "attending_type": row["attendance"], "description": row["recurrence_rule"]}
        # HSDS 3.0 knows only weekly and monthly rules; any other keeps its RRULE in the description alone.
        if rule.get("FREQ") in ("WEEKLY", "MONTHLY"):
            event |= {"freq": rule["FREQ"], "until": _rrule_date(rule.get("UNTIL", "")),
                      "count": rule.get("COUNT", "") if rule.get("COUNT", "").isdigit() else "",
                      "wkst": rule.get("WKST", "") if rule.get("WKST") in _DAYS else "",
                      "interval": rule.get("INTERVAL", "") if rule.get("INTERVAL", "").isdigit() else "",
                      "byday": rule.get("BYDAY", ""), "bymonthday": rule.get("BYMONTHDAY", "")}
        found.append(event)
    return found


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _event_clock(moment: str) -> str:
    """The time of day of an event's 'YYYY-MM-DDTHH:MM', as an HSDS time; '' when it has none."""
    return moment[11:16] + ":00" if re.fullmatch(r"\d{2}:\d{2}", moment[11:16]) else ""


def _rrule_date(value: str) -> str:
    """An RRULE UNTIL ('20261231' or '20261231T235959Z') as an HSDS date; '' when it is not one."""
    found = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:T\d{6}Z?)?", value)
    return "-".join(found.groups()) if found else ""


def _csv_bytes(table: str, rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(table), lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in columns(table)} for row in rows)
    return out.getvalue().encode("utf-8")


def _package_files(frame: pd.DataFrame) -> dict[str, bytes]:
    files = {f"{table}.csv": _csv_bytes(table, rows) for table, rows in export_tables(frame).items()}
    files["datapackage.json"] = json.dumps(datapackage("Peer recovery support directory"), indent=2).encode()
    return files


def hsds_zip_bytes(frame: pd.DataFrame) -> bytes:
    """The HSDS 3.0 package as zip bytes, for a download."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _package_files(frame).items():
            archive.writestr(name, data)
    return out.getvalue()


def export_hsds(frame: pd.DataFrame, out: Path) -> Path:
    """Write an HSDS 3.0 package: a zip when `out` ends in .zip, otherwise a folder. Returns the path."""
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(hsds_zip_bytes(frame))
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name, data in _package_files(frame).items():
        (out / name).write_bytes(data)
    return out


# Reading --------------------------------------------------------------------------------------------------

# A cell longer than this is not a directory's data (limits.MAX_FIELD_CHARS: csv's own default, in characters).
MAX_CELL = limits.MAX_FIELD_CHARS
_BOM = b"\xef\xbb\xbf"
# Bytes that are not UTF-8 are read as Windows-1252, the usual culprit, rather than lost as U+FFFD; the five
# bytes Windows-1252 leaves undefined keep their Latin-1 reading.
_ESCAPED_BYTES = {0xDC00 + b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0x100)}
# ftfy, limited to undoing wrong decodings: it must not touch quotes, widths or line breaks a source chose.
_MOJIBAKE_ONLY = ftfy.TextFixerConfig(unescape_html=False, decode_inconsistent_utf8=False, fix_latin_ligatures=False,
                                      fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
                                      remove_control_chars=False, normalization=None, explain=False)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# HSDS phone types that are not a line to call; the label says what each is for.
_PHONE_TYPE_LABELS = {"voice": "Phone", "cell": "Cell", "fax": "Fax", "text": "Text", "sms": "Text",
                      "textphone": "TTY", "tty": "TTY", "tdd": "TTY", "video": "Video", "pager": "Pager"}
_NOT_FOR_CALLING = frozenset({"fax", "text", "sms", "textphone", "tty", "tdd", "video", "pager"})
_NOT_IN_LABEL = re.compile(r"[:;0-9+()]")
_MERIDIEM = re.compile(r"[ap]\.?\s*m\.?$")
_TEXT_SEGMENT = re.compile(r"^(?P<times>.*?\d.*?(?:[ap]\.?\s*m\.?|\d))\s*,\s*(?P<days>[a-z][a-z.,\s-]*)$")
_ESCAPED_BREAK = re.compile(r"\\r\\n|\\n")
# "’" (bytes E2 80 99) read as code page 437 is "ΓÇÖ"; some 211 exports then turned the Γ into a G ("ArmyGÇÖs").
# Only General Punctuation (U+2000-U+203F: quotes, dashes, ellipsis) is put back: the pattern is unmistakable.
_CP437_HIGH = bytes(range(0x80, 0xC0)).decode("cp437")
_CP437_PUNCTUATION = re.compile(f"[GΓ]Ç([{re.escape(_CP437_HIGH)}])")
# A repair is kept only when what it makes is ordinary Latin text and punctuation; ftfy sometimes "repairs"
# one mojibake into another (cp437's "GÇª" into "GǪ").
_PLAUSIBLE_TEXT = re.compile(r"^[\x00-\u017f\u2000-\u206f\u20ac\u2122]*$")


class _Record(dict[str, str]):
    """One row of a package table (lower-case column -> stripped text), knowing where it came from."""

    __slots__ = ("number", "repairs", "table")
    table: str
    number: int
    repairs: tuple[str, ...]

    def where(self) -> str:
        """The file and row, for messages a person can follow."""
        return f"{self.table}.csv row {self.number}"


class _Members:
    """The .csv and .json files of a package (a folder or a zip) by lower-case base name, each read when asked.

    Every read draws on one budget of bytes, counted as they come out of the folder or the zip, so a zip whose
    size fields lie is stopped all the same; a declared size over the budget is refused before any reading.
    """

    def __init__(self, path: Path, max_bytes: int) -> None:
        self._archive: zipfile.ZipFile | None = None
        self._files: dict[str, Path | zipfile.ZipInfo] = {}
        if path.is_dir():
            self.budget = ByteBudget(max_bytes, N_("the package's tables hold"))
            self._files = {p.name.lower(): p for p in path.iterdir()
                           if p.suffix.lower() in (".csv", ".json") and p.is_file()}
            return
        self.budget = ByteBudget(max_bytes, N_("the zip unpacks to"))
        listed = _listed_entries(path)
        if listed > limits.MAX_ZIP_ENTRIES:
            raise ImportLimitExceeded(_("the zip lists {count} files, more than the {most} a package may hold (an "
                                        "HSDS package has about 25)").format(
                count=f"{listed:,}", most=f"{limits.MAX_ZIP_ENTRIES:,}"))
        try:
            self._archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise UnusableInput(_("the zip file cannot be opened ({error})").format(error=error)) from None
        declared = 0
        for info in self._archive.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir():
                continue
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                self.close()
                raise UnusableInput(_("the zip holds an unsafe file name: {name}").format(name=repr(info.filename)))
            if name.suffix.lower() not in (".csv", ".json"):
                continue
            declared += info.file_size  # enough to refuse a zip, never to trust one: reads are counted too
            if declared > max_bytes:
                self.close()
                raise ImportLimitExceeded(_("the zip unpacks to more than {limit}; import it in parts").format(
                    limit=limits.size_text(max_bytes)))
            self._files[name.name.lower()] = info

    def __contains__(self, name: object) -> bool:
        return name in self._files

    def names(self) -> list[str]:
        """The files' lower-case base names."""
        return list(self._files)

    def open(self, name: str) -> io.BufferedReader:
        """One file, read through the package's byte budget in bounded chunks."""
        found = self._files[name]
        if isinstance(found, Path):
            return counted(found.open("rb"), self.budget, name, (OSError,))
        assert self._archive is not None
        try:
            raw = self._archive.open(found)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError) as error:
            raise UnusableInput(f"the zip file is damaged or encrypted ({error})") from None
        return counted(raw, self.budget, name, _DAMAGED)

    def close(self) -> None:
        """Close the zip, if the package is one."""
        if self._archive is not None:
            self._archive.close()

    def __enter__(self) -> _Members:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# What reading a damaged, truncated or encrypted zip member can raise.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError)


def _listed_entries(path: Path) -> int:
    """How many files a zip's directory lists, from its end record, before zipfile builds an object for each."""
    with path.open("rb") as handle:
        size = handle.seek(0, io.SEEK_END)
        handle.seek(size - min(size, 22 + 65_535 + 20))  # the end record, its comment, a zip64 locator before it
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 12:
            return 0  # not a zip: zipfile says so
        entries = int.from_bytes(tail[at + 10:at + 12], "little")
        if entries != 0xFFFF or at < 20 or tail[at - 20:at - 16] != b"PK\x06\x07":
            return entries
        handle.seek(int.from_bytes(tail[at - 12:at - 4], "little"))  # the zip64 end record holds the count
        record = handle.read(40)
        return int.from_bytes(record[32:40], "little") if record[:4] == b"PK\x06\x06" else entries


def _cell(raw: str, latin1: bool) -> tuple[str, list[str]]:
    """One cell's text and what reading it repaired; `latin1` cells hold the file's bytes one per character."""
    if raw.isascii():
        value, repairs = raw, []
    else:
        repairs = []
        value = raw
        if latin1:
            data = raw.encode("latin-1")
            try:
                value = data.decode("utf-8")
            except UnicodeDecodeError:
                value = data.decode("utf-8", errors="surrogateescape").translate(_ESCAPED_BYTES)
                repairs.append(_("bytes that are not UTF-8 were read as Windows-1252"))
        fixed = _CP437_PUNCTUATION.sub(_punctuation, value)
        fixed = ftfy.fix_text(fixed, _MOJIBAKE_ONLY)
        if fixed != value and _PLAUSIBLE_TEXT.match(fixed):
            repairs.append(_("mojibake repaired: {change}").format(change=_changed_part(value, fixed)))
            value = fixed
    value = value.strip()
    return (value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value), repairs


def _punctuation(found: re.Match[str]) -> str:
    return bytes([0xE2, 0x80, 0x80 + _CP437_HIGH.index(found[1])]).decode("utf-8")


def _changed_part(before: str, after: str) -> str:
    start = next((i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), 0)
    head = max(0, start - 12)
    return f"'{before[head:start + 20]}' → '{after[head:start + 20]}'"


class _Tally:
    """What a package has read so far against its limits, and the short texts seen, shared rather than copied."""

    __slots__ = ("cells", "limits", "rows", "seen")

    def __init__(self, most: limits.PackageLimits) -> None:
        self.rows = self.cells = 0
        self.limits = most
        # The same ids, types and codes recur in every table; one copy of each saves a third of the memory.
        self.seen: dict[str, str] = {}

    def count(self, table: str, number: int, cells: int) -> None:
        """One more row of `cells` cells; past the package's limits, end the import naming the row."""
        self.rows += 1
        self.cells += cells
        for counted_so_far, most, what in ((self.rows, self.limits.rows, "rows"),
                                           (self.cells, self.limits.cells, "cells")):
            if counted_so_far > most:
                raise ImportLimitExceeded(f"{table}.csv row {number:,}: the package holds more than {most:,} {what} "
                                          "in all its tables, the most one import may read; import it in parts")


# Texts up to this long are shared (ids, codes, types); at most this many are remembered.
_SHARED_LENGTH = 40
_SHARED_TEXTS = 500_000


def _read_table(table: str, data: bytes | io.BufferedReader, tally: _Tally | None = None) -> list[_Record]:
    """The rows of one table, read as a stream; a file that cannot be read as CSV at all makes the package unusable.

    `tally` holds the package's limits; a row longer than MAX_PACKAGE_ROW_CHARS is never read whole.
    """
    tally = tally or _Tally(limits.PackageLimits.command_line())
    stream = io.BufferedReader(io.BytesIO(data)) if isinstance(data, bytes) else data
    with stream:
        head = stream.peek(3)[:3]
        utf16 = head[:2] in (b"\xff\xfe", b"\xfe\xff")
        if not utf16 and head == _BOM:
            stream.read(3)
        text = io.TextIOWrapper(stream, encoding="utf-16" if utf16 else "latin-1", newline="")
        return _read_records(table, text, utf16, tally)


def _read_records(table: str, text: io.TextIOWrapper, utf16: bool, tally: _Tally) -> list[_Record]:
    """The records of one table's text, read line by line to the package's limits (see _read_table)."""
    lines = BoundedLines(text, limits.MAX_PACKAGE_ROW_CHARS)
    reader = csv.reader(lines)
    records: list[_Record] = []
    number = 0
    seen = tally.seen
    most = limits.size_text(limits.MAX_PACKAGE_ROW_CHARS, "characters")
    try:
        with text:
            try:
                header = [_cell(name, not utf16)[0].lower() for name in next(reader, [])]
            except RowTooLong:
                header = []
            if lines.passed:
                raise ImportLimitExceeded(_("the header of {table}.csv is longer than {most}; this package cannot be "
                                            "imported").format(table=table, most=most))
            lines.row_done()
            if len(header) > limits.MAX_COLUMNS:
                raise ImportLimitExceeded(_("{table}.csv has {count} columns, more than the {most} a table may "
                                            "have").format(table=table, count=f"{len(header):,}",
                                                           most=f"{limits.MAX_COLUMNS:,}"))
            # An unnamed or repeated column is ignored: the first of a name counts.
            named = [(i, name) for i, name in enumerate(header) if name and name not in header[:i]]
            names = [name for _, name in named]
            for number, cells in enumerate(reader, start=1):
                picked = [cells[i] if i < len(cells) else "" for i, _ in named]
                joined = "".join(picked)
                if joined.isascii() and "\r" not in joined and len(joined) <= MAX_CELL:
                    stripped = [cell.strip() for cell in picked]
                    if len(seen) < _SHARED_TEXTS:
                        stripped = [seen.setdefault(c, c) if len(c) <= _SHARED_LENGTH else c for c in stripped]
                    record = _Record(zip(names, stripped, strict=True))
                    record.repairs = ()
                else:  # the rare row with a non-ASCII, multi-line or very long cell
                    record = _Record()
                    found: list[str] = []
                    for name, raw in zip(names, picked, strict=True):
                        if len(raw) > MAX_CELL:
                            raise _TooLarge
                        record[name], repairs = _cell(raw, not utf16)
                        found += [_("{table}.csv row {row}, {column}: {repair}").format(
                            table=table, row=number, column=name, repair=repair) for repair in repairs]
                    record.repairs = tuple(found)
                if lines.passed:  # an over-long cell is named above; any other over-long row here
                    raise RowTooLong(number)
                lines.row_done()
                record.table, record.number = table, number
                if joined.strip():
                    tally.count(table, number, len(names))
                    records.append(record)
                    if table == "services" and len(records) > tally.limits.services:
                        raise ImportLimitExceeded(_("services.csv row {row}: the package holds more than {most} "
                                                    "services, the most one import may bring in; import it in "
                                                    "parts").format(
                            row=f"{number:,}", most=f"{tally.limits.services:,}"))
    except _TooLarge:
        raise UnusableInput(_too_large(table, number)) from None
    except RowTooLong as error:
        row = error.args[0] if error.args else number + 1
        raise ImportLimitExceeded(_("{table}.csv row {row} is longer than {most}, more than any directory entry "
                                    "needs; this package cannot be imported").format(
            table=table, row=f"{row:,}", most=most)) from None
    except UnicodeDecodeError:
        raise UnusableInput(_("{table}.csv is not readable text").format(table=table)) from None
    except csv.Error as error:
        if "field limit" in str(error):
            raise UnusableInput(_too_large(table, number + 1)) from None
        raise UnusableInput(_("{table}.csv cannot be read as CSV at row {row} ({error})").format(
            table=table, row=number + 1, error=error)) from None
    return records


class _TooLarge(DirectoryError):
    """A cell is larger than MAX_CELL; _read_table turns it into UnusableInput naming the table and row."""


def _too_large(table: str, number: int) -> str:
    return _("{table}.csv row {row} has a cell larger than {size} KB, which no directory entry needs; this "
             "package cannot be imported").format(table=table, row=number, size=MAX_CELL // 1024)


def _by(rows: Iterable[dict[str, str]], key: str) -> dict[str, list[dict[str, str]]]:
    """Rows grouped by one column, in file order; rows with that column blank belong to no group."""
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        value = row.get(key, "")
        if value:
            grouped[value].append(row)
    return grouped


def _first_by(rows: Iterable[dict[str, str]], *keys: str) -> dict[str, dict[str, str]]:
    """Rows by the first of `keys` they fill; the first row with an id wins."""
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        value = next((row[k] for k in keys if row.get(k)), "")
        if value:
            found.setdefault(value, row)
    return found


def read_hsds(path: Path, most: limits.PackageLimits | None = None) -> list[SourceRow]:
    """One source row per service of an HSDS 3.0 or 1.1 package (a folder, or a zip with datapackage.json).

    Raises `UnusableInput` only when the package as a whole cannot be read, `ImportLimitExceeded` when it passes
    one of `most` (by default the command line's limits); a bad cell stays with its service.
    """
    if not path.exists():
        raise UnusableInput(_("there is no folder or zip at {path}").format(path=path))
    most = most or limits.PackageLimits.command_line()
    with _Members(path, most.unzipped_bytes) as members:
        if "datapackage.json" not in members and "services.csv" not in members:
            raise UnusableInput(_("this is not an HSDS package: it has no datapackage.json and no services.csv"))
        package = _Package(members, _Tally(most))
    if not package.services:
        raise UnusableInput(_("the package has no services (services.csv is missing or empty)"))
    rows = []
    for record in package.services:
        try:
            rows.append(package.service_row(record))
        # One service's data never sinks the package: what reading odd cells and links can raise stays with it.
        except (DirectoryError, ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as error:
            values = {k: v for k, v in (("external_id", record.get("id", "")), ("name", record.get("name", "")))
                      if v}
            rows.append(SourceRow(record.number, values, _raw(record),
                                  {"row": f"{record.where()} could not be read fully ({type(error).__name__}: "
                                          f"{error})"}))
    return rows


def measure_package(path: Path, max_bytes: int) -> int:
    """The bytes a package's tables really unpack to, read once and thrown away, before anything is parsed.

    Raises ImportLimitExceeded, naming the file, as soon as they pass `max_bytes` (and UnusableInput for a zip
    that cannot be read), whatever the zip's own size fields say.
    """
    with _Members(path, max_bytes) as members:
        for name in members.names():
            with members.open(name) as stream:
                while stream.read(limits.MIB):
                    pass
        return members.budget.used


def _raw(service: dict[str, str]) -> dict[str, str]:
    return {f"service.{k}": v for k, v in service.items()}


class _Package:
    """The tables of one package, each indexed once by the keys that link it, so reading stays linear."""

    def __init__(self, members: _Members, tally: _Tally) -> None:
        def read(*tables: str) -> list[_Record]:
            return [row for table in tables if f"{table}.csv" in members
                    for row in _read_table(table, members.open(f"{table}.csv"), tally)]

        self.services = read("services")
        names = set().union(*(row.keys() for row in self.services)) if self.services else set()
        if self.services and "name" not in names:
            raise UnusableInput(_("services.csv has no 'name' column, so no service can be read; its columns are: "
                                  "{columns}").format(columns=_quoted(", ".join(sorted(names)), 200)))
        self.missing_id = bool(self.services) and "id" not in names
        self.organizations = _first_by(read("organizations"), "id")
        self.locations = _first_by(read("locations"), "id")
        self.links = _by(read("services_at_location", "service_at_location"), "service_id")
        self.addresses = _by(read("physical_addresses", "addresses"), "location_id")
        phones = read("phones")
        self.phones = _by(phones, "service_id")
        unlinked = [p for p in phones if not p.get("service_id")]
        self.link_phones = _by(unlinked, "service_at_location_id")
        self.location_phones = _by([p for p in unlinked if not p.get("service_at_location_id")], "location_id")
        self.organization_phones = _by([p for p in unlinked if not p.get("location_id")], "organization_id")
        schedules = read("regular_schedules", "schedules")
        self.schedules = _by(schedules, "service_id")
        self.link_schedules = _by([s for s in schedules if not s.get("service_id")], "service_at_location_id")
        # Weekday numbers are read as ISO (1 = Monday ... 7 = Sunday); a 0 means another numbering is in use.
        self.zero_weekday = any(s.get("weekday", "").strip() == "0" for s in schedules)
        languages = read("languages")
        self.languages = _by(languages, "service_id")
        self.location_languages = _by([x for x in languages if not x.get("service_id")], "location_id")
        self.access = _by(read("accessibility", "accessibility_for_disabilities"), "location_id")
        self.costs = _by(read("cost_options", "payments_accepted"), "service_id")
        self.eligibility = _by(read("eligibility"), "service_id")
        self.service_terms = _by(read("services_taxonomy"), "service_id")
        self.attributes = _by(read("attributes"), "link_id")
        # 3.0 terms are keyed by id; a 1.1 taxonomy table by id, or by taxonomy_id in some exports.
        self.terms = _first_by(read("taxonomy_terms"), "id") | _first_by(read("taxonomy"), "id", "taxonomy_id")
        self.ours = {key: term for key, term in self.terms.items()
                     if TAXONOMY_ID in (term.get("taxonomy_id"), term.get("taxonomy"))
                     or term.get("taxonomy_id") == TAXONOMY_UUID}
        self.by_label = {field: {term.english_label.casefold(): term.key for term in _terms(field)} | {
            term.key: term.key for term in _terms(field)} for field in ("cost", "accessibility", "populations")}

    def service_row(self, service: _Record) -> SourceRow:
        """The source row of one service, from every table that says something about it."""
        sid = service.get("id", "")
        links = self.links.get(sid, []) if sid else []
        location_ids = [link.get("location_id", "") for link in links] + [service.get("location_id", "")]
        location = next((self.locations[i] for i in location_ids if i in self.locations), {})
        location_id = location.get("id", "")
        link_ids = [link["id"] for link in links if link.get("id") and link.get("location_id") in ("", location_id)]
        address = _address(self.addresses.get(location_id, []) if location_id else [])
        organization = self.organizations.get(service.get("organization_id", ""), {})
        used: list[dict[str, str]] = [service, organization, location, address]
        ours = self._our_attributes(sid)
        foreign = "id" not in ours
        values = {
            "external_id": sid, "name": service.get("name", ""),
            "description": _text(service.get("description", ""), foreign),
            "website": service.get("url", ""), "email": service.get("email", ""),
            "organization": organization.get("name", ""), "location_name": location.get("name", ""),
            "address": ", ".join(p for p in (address.get("address_1", ""), address.get("address_2", "")) if p),
            "city": address.get("city", ""), "state": address.get("state_province", ""),
            "zip": address.get("postal_code", ""),
            # Passed on as the source says it: the importer decides what "Available" or "defunct" means here.
            "status": service.get("status", ""), "last_verified": service.get("assured_date", ""),
            # Coordinates as the file gives them; the importer records that they came from the source.
            "latitude": location.get("latitude", ""), "longitude": location.get("longitude", ""),
        }
        problems: dict[str, str] = {}
        repairs: list[str] = []
        if self.missing_id:
            problems["external_id"] = ("services.csv has no 'id' column, so nothing in the other tables can be "
                                       "linked to this service")
        phones = self._phones(sid, link_ids, location_id, organization.get("id", ""))
        values["phone"], values["other_phones"] = _phone_values(phones)
        # Our own export's attributes say exactly what its schedules (events among them) only approximate.
        hours = self._hours(sid, link_ids, location_id, foreign) if foreign else _Hours()
        values.update(hours.values)
        if hours.problem:
            problems["hours"] = hours.problem
        repairs += hours.repairs
        spoken = self.languages.get(sid, []) if sid else []
        spoken = spoken or (self.location_languages.get(location_id, []) if location_id else [])
        # A language cell may carry a note on its own line ("Spanish\n\nOther languages upon request").
        values["languages"] = join_list(list(dict.fromkeys(
            item.strip() for x in spoken for item in _text(x.get("name") or x.get("language", ""), foreign).split(
                "\n") if item.strip())))
        values.update(self._classified(service, sid, location_id, foreign))
        codes = self._codes(sid)
        values["tags"] = join_list(list(dict.fromkeys(name for _, name in codes if name)))
        # Another taxonomy's term whose whole name is a pathway word ("SMART Recovery") names that pathway; the
        # term stays a tag as well, so nothing a less exact name said is lost.
        values["pathways"] = join_list(list(dict.fromkeys(
            key for _, name in codes if name and (key := pathway_key(name)))))
        values.update(ours)
        for record in (*used, *phones):
            repairs += getattr(record, "repairs", [])
        if foreign and _ESCAPED_BREAK.search(service.get("description", "")):
            repairs.append(_("{where}, description: '\\n' written out as text became line breaks").format(
                where=service.where()))
        return SourceRow(service.number, {k: v for k, v in values.items() if v}, _raw(service), problems,
                         codes=tuple(dict.fromkeys(c for pair in codes if not _is_target_population(pair[0])
                                                   for c in pair if c)),
                         repairs=tuple(dict.fromkeys(repairs)))

    def _phones(self, sid: str, link_ids: list[str], location_id: str, organization_id: str) -> list[dict[str, str]]:
        """The service's own numbers, then its location's, then (with neither) its organization's."""
        found = list(self.phones.get(sid, [])) if sid else []
        found += [p for link in link_ids for p in self.link_phones.get(link, [])]
        found += self.location_phones.get(location_id, []) if location_id else []
        if not found and organization_id:
            found = list(self.organization_phones.get(organization_id, []))
        return found

    def _classified(self, service: dict[str, str], sid: str, location_id: str, foreign: bool) -> dict[str, str]:
        """Cost, access and populations where HSDS's words are exactly ours, and eligibility in its own words."""
        costs = [x.get("option") or x.get("payment", "") for x in self.costs.get(sid, [])] if sid else []
        costs += [service.get("fees", ""), service.get("fees_description", "")]
        access = [x.get("description") or x.get("accessibility", "") for x in self.access.get(location_id, [])
                  ] if location_id else []
        eligible = [x.get("eligibility", "") for x in self.eligibility.get(sid, [])] if sid else []
        eligible.append(service.get("eligibility_description", ""))
        eligible = [_text(e, foreign) for e in dict.fromkeys(eligible) if e]
        return {
            "cost": join_list(self._keys("cost", costs)),
            "accessibility": join_list(self._keys("accessibility", access)),
            "populations": join_list(self._keys("populations", eligible)),
            "eligibility": "\n".join(eligible),
        }

    def _keys(self, field: str, words: list[str]) -> list[str]:
        known = self.by_label[field]
        return list(dict.fromkeys(known[w.casefold()] for w in words if w and w.casefold() in known))

    def _codes(self, sid: str) -> list[tuple[str, str]]:
        """(code, name) of each term of another taxonomy linked to the service, by services_taxonomy or attribute."""
        if not sid:
            return []
        found = []
        for link in self.service_terms.get(sid, []):
            term_id = link.get("taxonomy_id") or link.get("taxonomy_term_id", "")
            term = self.terms.get(term_id) if term_id else None
            if term is not None:
                found.append((term.get("code") or term_id, term.get("name") or term.get("term", "")))
            elif term_id or link.get("taxonomy_detail"):
                found.append((term_id, link.get("taxonomy_detail", "")))
        for attribute in self.attributes.get(sid, []):
            term_id = attribute.get("taxonomy_term_id", "")
            term = self.terms.get(term_id) if term_id else None
            if term is not None and term_id not in self.ours and attribute.get("link_entity", "service") in (
                    "service", ""):
                found.append((term.get("code", ""), term.get("name", "")))
        return found

    def _our_attributes(self, sid: str) -> dict[str, str]:
        """Our own fields, read back from attributes under our taxonomy: these are exact, so they win."""
        values: dict[str, list[str]] = defaultdict(list)
        for attribute in self.attributes.get(sid, []) if sid else []:
            term = self.ours.get(attribute.get("taxonomy_term_id", ""))
            if term is None:
                continue
            field = term.get("code", "").split(":", 1)[0]
            if field in TERM_FIELDS or field in VALUE_FIELDS:
                values[field].append(attribute.get("value", ""))
        found = {field: join_list(items) if field in TERM_FIELDS else items[0] for field, items in values.items()}
        if "id" not in found:  # another system using some of our terms: take what it says, nothing more
            return found
        # Our own export says everything through its attributes: a field without one is empty, whatever the
        # HSDS tables imply (an organization named after its service, a service id derived from our id).
        return {field: found.get(field, "") for field in (*TERM_FIELDS, *VALUE_FIELDS)}

    def _hours(self, sid: str, link_ids: list[str], location_id: str, foreign: bool) -> _Hours:
        rows = list(self.schedules.get(sid, [])) if sid else []
        rows += [s for link in link_ids for s in self.link_schedules.get(link, [])]
        rows = [s for s in rows if s.get("location_id", "") in ("", location_id)]
        return _read_hours(rows, self.zero_weekday, foreign)


def _address(rows: list[dict[str, str]]) -> dict[str, str]:
    """The location's street address: a physical one before a postal one."""
    physical = [a for a in rows if a.get("address_type", "physical").lower() in ("physical", "")]
    return (physical or rows or [{}])[0]


def _text(value: str, foreign: bool) -> str:
    """Free text with line breaks that a source wrote out as '\\n' made real again (never in our own export)."""
    return _ESCAPED_BREAK.sub("\n", value) if foreign and "\\" in value else value


def _phone_values(phones: list[dict[str, str]]) -> tuple[str, str]:
    """The number to call (never a fax, text or TTY line) and every other number as 'Label: number' items."""
    phone = ""
    others: list[str] = []
    seen: set[str] = set()
    for record in phones:
        number = record.get("number", "").replace(";", ",")
        extension = record.get("extension", "")
        if number and extension and extension not in number:
            number = f"{number} ext. {extension}"
        if not number or number in seen:
            continue
        seen.add(number)
        kind = record.get("type", "").strip().lower()
        label = _phone_label(kind, record.get("description", ""))
        if not phone and kind not in _NOT_FOR_CALLING and is_callable_label(label):
            phone = number
        else:
            others.append(f"{label}: {number}")
    return phone, ";".join(others)


def _phone_label(kind: str, description: str) -> str:
    """A short label from an HSDS phone's type and description ('Fax', 'TTY', 'Intake', 'Intake fax')."""
    base = _PHONE_TYPE_LABELS.get(kind) or (kind.title() if kind and not _NOT_IN_LABEL.search(kind) else "Phone")
    words = description.strip().rstrip(".")
    if not words or len(words) > 40 or _NOT_IN_LABEL.search(words) or "\n" in words:
        return base
    if kind in _NOT_FOR_CALLING and base.casefold() not in words.casefold():
        return f"{words} {base.lower() if base != 'TTY' else base}"  # 'Intake fax': still not a number to call
    return words


# Opening hours ---------------------------------------------------------------------------------------------


@dataclass
class _Hours:
    """What a service's schedule rows give: hours or hours_text, a problem to review, and repairs."""

    values: dict[str, str] = default(default_factory=dict)
    problem: str = ""
    repairs: list[str] = default(default_factory=list)


def _read_hours(rows: list[_Record], zero_weekday: bool, foreign: bool) -> _Hours:
    """Weekly hours from HSDS schedule rows, checked against their own text; when unsure, the text instead.

    A row whose day or time cannot be read, overlapping ranges, or rows that their `original_text` (HSDS 1.1 as
    211 systems write it) cannot confirm, leave `hours` out and keep the schedule's words in `hours_text`.
    """
    if not rows:
        return _Hours()
    weekly = [row for row in rows if _is_weekly(row)]
    texts = [_text(t, foreign) for t in dict.fromkeys(row.get("original_text") or row.get("description", "")
                                                       for row in rows) if t]
    originals = [_text(t, foreign) for t in dict.fromkeys(row.get("original_text", "") for row in rows) if t]
    files = "/".join(sorted({f"{row.table}.csv" for row in rows}))
    where = f"{files} {_span([row.number for row in rows])}"
    if not weekly:
        if not texts:
            return _Hours()
        return _Hours({"hours_text": "\n".join(texts)},
                      f"{where}: no weekly opening times, only text; the hours are kept as text")
    week, errors = _week_of(weekly, zero_weekday)
    if originals:
        # 211 exports write original_text and then split it into rows, not always correctly: the text decides.
        stated = _text_week("\n".join(originals))
        if stated is not None:
            repairs = [] if stated == week and not errors else [
                f"{where}: the hours were read from the schedule's original_text, which its rows "
                f"{'contradict' if not errors else 'could not all be read against'}"]
            return _Hours({"hours": format_hours(stated)}, "", repairs)
        errors = errors or [f"{_span([row.number for row in rows])}: the original_text {_quoted(originals[0])} "
                            "cannot be read as weekly hours, and the rows alone may be incomplete"]
    if errors:
        text = "\n".join(texts) or "; ".join(_rendered(row) for row in weekly)
        return _Hours({"hours_text": text}, f"{files} {'; '.join(errors)}; the hours are kept as text")
    return _Hours({"hours": format_hours(week)})


def _is_weekly(row: dict[str, str]) -> bool:
    """Opening hours rather than an event: a 1.1 weekday row, or an open-ended weekly 3.0 rule (not a one-off)."""
    if "weekday" in row:
        return True
    freq = row.get("freq", "").upper()
    return ((freq == "WEEKLY" or (not freq and not row.get("dtstart"))) and not row.get("count")
            and not row.get("until") and row.get("interval", "") in ("", "1"))


def _week_of(rows: list[_Record], zero_weekday: bool) -> tuple[WeeklyHours, list[str]]:
    """The week the rows describe, and what is wrong with them (each problem with the rows it is in)."""
    ranges: dict[int, set[tuple[int, int]]] = defaultdict(set)
    problems: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        days, problem = _days_of(row, zero_weekday)
        opens, closes = row.get("opens_at", ""), row.get("closes_at", "")
        start, end = _clock_of(opens) if opens else None, _clock_of(closes) if closes else None
        if not problem:
            if not opens or not closes:
                problem = "no opening or closing time" if not opens and not closes else (
                    f"no {'opening' if not opens else 'closing'} time")
            elif start is None or start >= 1440:
                problem = f"opens_at {_quoted(opens)} is not a time of day"
            elif end is None:
                problem = f"closes_at {_quoted(closes)} is not a time of day"
            elif start == end % 1440:
                problem = f"opens and closes at the same time ({opens}-{closes})"
        if problem:
            problems[problem].append(row.number)
            continue
        for day in days:
            ranges[day].add((start, end))  # type: ignore[arg-type]
    errors = [f"{_span(numbers)}: {problem}" for problem, numbers in problems.items()]
    week = {day: sorted(found) for day, found in sorted(ranges.items())}
    everywhere = _span([row.number for row in rows])
    overlap = _overlap(week)
    if overlap:
        errors.append(f"{everywhere}: {overlap}")
    if not errors:
        problem = _read_back(format_hours(week), tuple((day, tuple(found)) for day, found in week.items()))
        if problem:
            errors.append(f"{everywhere}: {problem}")
    return week, errors


@functools.lru_cache(maxsize=4096)
def _read_back(text: str, week: tuple[tuple[int, tuple[tuple[int, int], ...]], ...]) -> str:
    """Why the stored hours text would not read back as the same week, or '' when it does."""
    try:
        read = parse_hours(text)
    except HoursError as error:
        return str(error)
    return "" if {day: tuple(found) for day, found in read.items()} == dict(week) else (
        f"the hours {text!r} do not read back the same")


# A 211 export writes the same few times and texts thousands of times: each is read once.
_clock_of = functools.lru_cache(maxsize=4096)(parse_clock)


def _days_of(row: dict[str, str], zero_weekday: bool) -> tuple[list[int], str]:
    """The weekdays (Monday = 0) of a 1.1 `weekday` or a 3.0 `byday`, or why they cannot be read."""
    if "weekday" in row:
        given = row["weekday"]
        day = _weekday(given)
        if day is None or (zero_weekday and given.strip().isdigit()):
            return [], f"weekday {_quoted(given)} is not a day" + (
                " (numbered from 0, so the numbering is unclear)" if zero_weekday and given.strip().isdigit() else "")
        return [day], ""
    codes = [c.strip().upper() for c in row.get("byday", "").split(",") if c.strip()]
    if not codes or any(c not in _DAYS for c in codes):
        return [], f"byday {_quoted(row.get('byday', ''))} is not a list of days such as MO,TU"
    return [_DAYS.index(c) for c in codes], ""


@functools.lru_cache(maxsize=1024)
def _is_target_population(code: str) -> bool:
    # AIRS "Y" codes name who is served ("Preschool Age Children"), not what is offered: their names would
    # mislead category inference, so only the service codes go to it (all names still become tags).
    return bool(re.match(r"^Y[A-Z]?-\d", code.strip().upper()))


def _weekday(given: str) -> int | None:
    """A day written as a name or its start ('Monday', 'Tues', 'thu') or an ISO number (1 = Monday); Monday = 0."""
    text = given.strip().rstrip(".").lower()
    if text.isdigit():
        return int(text) - 1 if 1 <= int(text) <= 7 else None
    matches = [day for day, name in enumerate(_WEEKDAYS) if len(text) >= 2 and name.startswith(text)]
    return matches[0] if len(matches) == 1 else None


def _overlap(week: WeeklyHours) -> str:
    """Why the week's ranges overlap (they may run past midnight), or '' when they do not."""
    spans = sorted((day * 1440 + start, day * 1440 + (end if end > start else end + 1440), day)
                   for day, found in week.items() for start, end in found)
    for (start, end, day), (next_start, _end, next_day) in zip(spans, spans[1:] + spans[:1], strict=True):
        wrapped = next_start + (10080 if next_start <= start else 0)
        if len(spans) > 1 and wrapped < end:
            return (f"the ranges for {_WEEKDAYS[day].title()} and {_WEEKDAYS[next_day].title()} overlap"
                    if day != next_day else f"the ranges for {_WEEKDAYS[day].title()} overlap")
    return ""


@functools.lru_cache(maxsize=4096)
def _text_week(text: str) -> WeeklyHours | None:
    """Weekly hours from a schedule's own words ('9:00am-5:00pm, Mon-Fri' or 'Mon-Fri 9am-5pm'); None if unsure."""
    canonical = parse_textual_hours(text)
    if canonical is not None:
        return parse_hours(canonical)
    ranges: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for segment in (s.strip() for s in re.split(r"[;\n]", text.lower())):
        if not segment:
            continue
        found = _TEXT_SEGMENT.match(segment)
        days = _day_list(found["days"]) if found else None
        times = _time_ranges(found["times"]) if found else None
        if not days or not times:
            return None
        for day in days:
            ranges[day].update(times)
    week = {day: sorted(found) for day, found in sorted(ranges.items())}
    return week if week and not _overlap(week) else None


def _day_list(text: str) -> list[int] | None:
    days: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        ends = [_weekday(e) for e in part.split("-")] if part else [None]
        if None in ends or len(ends) > 2:
            return None
        first, last = ends[0], ends[-1]
        days += [(first + i) % 7 for i in range((last - first) % 7 + 1)]  # type: ignore[operator]
    return days


def _time_ranges(text: str) -> list[tuple[int, int]] | None:
    """'9:00am-11:30am & 1:00pm-3:30pm' as minute ranges; each time must say am/pm or be a 24-hour HH:MM."""
    found = []
    for part in re.split(r"\s*(?:&|\band\b|,)\s*", text):
        ends = [e.strip() for e in re.split(r"\s*(?:-|–|\bto\b)\s*", part)]
        if len(ends) != 2:
            return None
        start, end = (_stated_clock(e) for e in ends)
        if start is None or end is None or start == end:
            return None
        found.append((start, end))
    return found


def _stated_clock(text: str) -> int | None:
    # A bare '9' could be morning or evening: only times that say which are read here.
    if text in ("noon", "midnight") or _MERIDIEM.search(text) or re.fullmatch(r"\d{2}:\d{2}(?::\d{2})?", text):
        return parse_clock(text)
    return None


def _span(numbers: list[int]) -> str:
    """'row 4', 'rows 4-7' or 'rows 4, 9' for data row numbers."""
    found = sorted(set(numbers))
    if len(found) == 1:
        return f"row {found[0]}"
    if found[-1] - found[0] == len(found) - 1:
        return f"rows {found[0]}-{found[-1]}"
    return "rows " + ", ".join(map(str, found))


def _rendered(row: dict[str, str]) -> str:
    """A schedule row in the source's own words, for hours_text when it has no text of its own."""
    days = row.get("weekday") if "weekday" in row else ", ".join(
        _WEEKDAYS[_DAYS.index(c)].title() if c in _DAYS else c
        for c in (x.strip().upper() for x in row.get("byday", "").split(",")) if c)
    return f"{days} {row.get('opens_at', '')}-{row.get('closes_at', '')}".strip()


def _quoted(value: str, limit: int = 80) -> str:
    flat = " / ".join(line.strip() for line in value.splitlines() if line.strip())
    return "'" + (flat if len(flat) <= limit else flat[:limit] + "…") + "'"


# Validating -----------------------------------------------------------------------------------------------


def validate_hsds(path: Path) -> list[str]:
    """Problems found by frictionless when checking a package (folder or zip) against its HSDS schema; [] if valid."""
    from frictionless import Package, system  # imported here: it is slow to import and only needed here

    with _Members(path, limits.MAX_UNZIPPED_BYTES) as members, \
            tempfile.TemporaryDirectory(prefix="hsds-check-") as folder:
        if "datapackage.json" not in members:
            return ["the package has no datapackage.json"]
        for name in members.names():
            with members.open(name) as source, (Path(folder) / name).open("wb") as target:
                shutil.copyfileobj(source, target)
        with system.use_context(trusted=True):
            report = Package(str(Path(folder) / "datapackage.json")).validate()
    if report.valid:
        return []
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(f"{PurePosixPath(task.place).name or task.name}: {error.message}")  # the file: services.csv
    return problems or [error.message for error in report.errors]
