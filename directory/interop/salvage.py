"""Salvage a source row's values: normalise what can be read exactly, and keep the rest readable as text.

Every field problem ends one of two ways. Either the value is normalised (US dates, N11 numbers, phone
extensions, ZIP+4, state names, list separators), or the source text is kept where a person can read it
(hours in `hours_text`, eligibility in `eligibility`, anything else in `review_notes`) and a `Finding` says
so, with the review reason it raises. Nothing here guesses: a value is either read exactly or kept as text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from directory.gazetteer import city_centroid, zip_centroid
from directory.geo import EARTH_RADIUS_MILES
from directory.hours import HoursError, format_hours, parse_hours, parse_textual_hours
from directory.interop.pathway_words import read_pathways
from directory.phones import PhoneError, join_labelled, normalise_phone, split_labelled
from directory.schema import FIELD_BY_NAME, FieldError, join_list, validate_field
from directory.text import clean_text

# Where a field's unreadable source text is kept for people to read, when not in the review notes.
TEXT_HOMES = {"hours": "hours_text", "populations": "eligibility"}
# Coordinates farther than this from the entry's own ZIP or city centre are not trusted.
PLACE_TOLERANCE_MILES = 60.0
_LIST_KINDS = ("list", "choices")
_US_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})(?:[ T].*)?$")
_ISO_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?$")
_PHONE_SPLIT = re.compile(r"\s*(?:\||;|,|/|\bor\b|\band\b|\n)\s*", re.IGNORECASE)
_NINE_DIGIT_ZIP = re.compile(r"^(\d{5})[\s-]?(\d{4})$")
# "NA" is left out: it is also Narcotics Anonymous.
_EMPTY_WORDS = frozenset({"n/a", "none", "null", "unknown", "-", "--", "tbd", "not applicable"})
_LONGEST_EMPTY_WORD = max(len(word) for word in _EMPTY_WORDS)
_LIST_COLUMNS = frozenset(name for name, field in FIELD_BY_NAME.items() if field.kind in _LIST_KINDS)
_MULTILINE = frozenset(name for name, field in FIELD_BY_NAME.items() if field.kind == "multiline")
_YES = frozenset({"yes", "y", "true", "1", "x", "t"})
_NO = frozenset({"no", "n", "false", "0", "f"})
STATE_NAMES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "washington dc": "DC", "florida": "FL",
    "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA",
    "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM",
    "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR",
}


@dataclass(frozen=True)
class Finding:
    """Something a peer leader should know about an imported row: its review reason, column and note."""

    reason: str
    column: str
    note: str

    def line(self) -> str:
        """The finding as one line of the review notes."""
        return f"{self.column}: {self.note}" if self.column else self.note


def _quote(value: str, limit: int = 300) -> str:
    return "'" + (value if len(value) <= limit else value[:limit] + "…") + "'"


def us_date(value: str) -> str | None:
    """An ISO date from 'M/D/YY', 'M/D/YYYY' (with or without a time) or an ISO date-time; None if not one."""
    text = value.strip()
    iso = _ISO_DATE_TIME.match(text)
    if iso:
        return iso[1]
    found = _US_DATE.match(text)
    if not found:
        return None
    month, day, year = int(found[1]), int(found[2]), int(found[3])
    if len(found[3]) == 2:
        # Two-digit years are the past: '99 is 1999 and '10 is 2010 (these are verification dates).
        year += 2000 if year <= date.today().year % 100 else 1900
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def zip_code(value: str, state: str = "") -> str | None:
    """A ZIP or ZIP+4 from '19104', '191041234', '19104 1234', or a 4-digit ZIP that lost its leading zero."""
    text = value.strip()
    nine = _NINE_DIGIT_ZIP.match(text)
    if nine:
        return f"{nine[1]}-{nine[2]}"
    if re.fullmatch(r"\d{5}", text):
        return text
    if re.fullmatch(r"\d{4}", text):
        # A spreadsheet drops the leading zero of New England and New Jersey ZIPs; only put it back when
        # the gazetteer knows that ZIP in the row's own state.
        padded = "0" + text
        return padded if zip_centroid(padded) and _zip_state(padded) in ("", state.upper()) else None
    return None


def _zip_state(code: str) -> str:
    import zipcodes  # the gazetteer's own data, already loaded by geo

    found = zipcodes.matching(code)
    return found[0]["state"] if found else ""


def state_code(value: str) -> str | None:
    """A two-letter state code from a code or a state's name."""
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return STATE_NAMES.get(re.sub(r"[.\s]+", " ", text).strip().lower())


def yes_no(value: str) -> str | None:
    """'yes', 'no' or '' (not known) from the many ways sources write a flag; None if it is none of them."""
    text = value.strip().lower()
    if text in _YES:
        return "yes"
    if text in _NO:
        return "no"
    return "" if text in _EMPTY_WORDS else None


def list_cell(value: str) -> str:
    """A list cell with ';' between its items, whichever of ';', ',', '|' or line breaks the source used."""
    for separator in (",", "|", "\n"):
        value = value.replace(separator, ";")
    return join_list([part.strip() for part in value.split(";") if part.strip()])


def split_phones(value: str) -> tuple[str, list[str], list[str]]:
    """The first readable number, the other readable numbers, and the parts that are not numbers."""
    numbers: list[str] = []
    unreadable: list[str] = []
    for part in (p for p in _PHONE_SPLIT.split(value) if _has_digits(p)):
        try:
            numbers.append(normalise_phone(part))
        except PhoneError:
            unreadable.append(part.strip())
    return (numbers[0] if numbers else ""), numbers[1:], unreadable


def _has_digits(text: str) -> bool:
    # An empty input mask such as "(2 ) -" is left-over formatting, not a number anyone wrote; words are kept.
    return sum(ch.isdigit() for ch in text) >= 3 or any(ch.isalpha() for ch in text)


def place_is_plausible(lat: float, lon: float, zip_value: str, city: str, state: str) -> bool | None:
    """Whether coordinates lie near the entry's ZIP or city; None when neither is known to the gazetteer."""
    centre = zip_centroid(zip_value[:5]) if zip_value else None
    centre = centre or (city_centroid(city, state) if city and state else None)
    if centre is None:
        return None
    return _miles_between(centre[0], centre[1], lat, lon) <= PLACE_TOLERANCE_MILES


def _miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # One pair at a time (geo.haversine_miles is vectorised for many): the same great-circle formula.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(1.0, a)))


class Salvager:
    """Salvage one draft record in place, collecting findings; see the module docstring."""

    def __init__(self, values: dict[str, str], columns: frozenset[str] | None = None) -> None:
        self.values = values
        self.columns = columns  # the columns to salvage; None for all
        self.findings: list[Finding] = []

    def note(self, reason: str, column: str, message: str) -> None:
        """Record a finding."""
        self.findings.append(Finding(reason, column, message))

    def keep_as_text(self, column: str, raw: str, why: str, reason: str = "unreadable_value") -> None:
        """Move a value that cannot be read into its text home, or the review notes, and say so."""
        self.values[column] = ""
        home = TEXT_HOMES.get(column)
        if home:
            self.values[home] = _append_text(self.values.get(home, ""), raw)
            self.note(reason, column, f"{why}; kept as written in {home}: {_quote(raw)}")
        else:
            self.note(reason, column, f"{why}; kept here as written: {_quote(raw, 2000)}")

    def run(self) -> list[Finding]:
        """Normalise or keep every field, then check the whole record once more."""
        values, columns = self.values, self.columns
        for column, fix in _FIXES.items():
            if values.get(column) and (columns is None or column in columns):
                fix(self, column, values[column])
        for name in _CHECKED_IN_ORDER:
            raw = values.get(name)
            if not raw or (columns is not None and name not in columns):
                continue
            if name in _LIST_COLUMNS:
                raw = values[name] = list_cell(raw)
            try:
                self.values[name] = validate_field(name, raw)
            except FieldError as error:
                self._unreadable(name, raw, str(error))
        return self.findings

    def _wanted(self, column: str) -> bool:
        return self.columns is None or column in self.columns

    def _unreadable(self, name: str, raw: str, why: str) -> None:
        field = FIELD_BY_NAME[name]
        if field.kind == "choices":
            self._partial_choices(name, raw)
        elif why.startswith("is too long") and field.kind in ("text", "multiline", "list"):
            cut = raw[: field.max_length - 1].rstrip() + "…"
            self.values[name] = cut
            self.note("unreadable_value", name, f"{why}; shortened to fit, and here is the text as written "
                      f"({len(raw):,} characters): {_quote(raw, 5000)}")
        elif name == "id":
            self.values["id"] = ""
            if not self.values.get("external_id"):
                self.values["external_id"] = raw[:200]
                self.note("", "id", f"{_quote(raw)} cannot be our id, so it is kept as the external id")
            else:
                self.note("unreadable_value", "id", f"{_quote(raw)} cannot be our id ({why})")
        else:
            self.keep_as_text(name, raw, why, "bad_phone" if field.kind in ("phone", "labelled_phones") else
                              "unreadable_value")

    def _partial_choices(self, name: str, raw: str) -> None:
        known, unknown = [], []
        for item in raw.split(";"):
            try:
                known.append(validate_field(name, item))
            except FieldError:
                unknown.append(item.strip())
        self.values[name] = join_list(list(dict.fromkeys(k for k in known if k)))
        if unknown:
            self.keep_as_text(name, "; ".join(unknown), "not in the directory's list")
            self.values[name] = join_list(list(dict.fromkeys(k for k in known if k)))


def _append_text(existing: str, addition: str) -> str:
    # A re-import must not write the same source text twice.
    if addition in existing.split("\n"):
        return existing
    return "\n".join(part for part in (existing, addition) if part)


def _read_then_check(reader: Callable[[str], str | None]) -> Callable[[Salvager, str, str], None]:
    """A fix that reads a source's own form (a US date, a state's name), then checks it as the field would."""
    def fix(s: Salvager, column: str, raw: str) -> None:
        try:
            s.values[column] = validate_field(column, reader(raw) or raw)
        except FieldError as error:
            s.keep_as_text(column, raw, str(error))
    return fix


def _fix_zip(s: Salvager, column: str, raw: str) -> None:
    found = zip_code(raw, s.values.get("state", ""))
    if found is None:
        try:  # another country's postal code ("T6E 4E8"), which the schema takes as given
            s.values[column] = validate_field(column, raw)
        except FieldError:
            s.keep_as_text(column, raw, "not a ZIP code")
    else:
        s.values[column] = found


def _fix_yes_no(s: Salvager, column: str, raw: str) -> None:
    found = yes_no(raw)
    if found is None:
        s.keep_as_text(column, raw, "not yes or no")
    else:
        s.values[column] = found


def _fix_phone(s: Salvager, column: str, raw: str) -> None:
    first, others, unreadable = split_phones(raw)
    s.values[column] = first
    if others:
        extra = split_labelled(s.values.get("other_phones", "")) + [("Also", number) for number in others]
        s.values["other_phones"] = join_labelled(extra)
    if unreadable:
        s.note("bad_phone", column, "could not be read as a phone number; kept here as written: "
               + _quote(" | ".join(unreadable)))


def _fix_other_phones(s: Salvager, column: str, raw: str) -> None:
    kept, unreadable = [], []
    for label, number in split_labelled(raw):
        if not _has_digits(number):
            continue
        try:
            kept.append((label, normalise_phone(number)))
        except PhoneError:
            unreadable.append(f"{label}: {number}")
    s.values[column] = join_labelled(kept)
    if unreadable:
        s.note("bad_phone", column, "could not be read as phone numbers; kept here as written: "
               + _quote(" | ".join(unreadable)))


def _fix_hours(s: Salvager, column: str, raw: str) -> None:
    try:
        s.values[column] = format_hours(parse_hours(raw))
        return
    except HoursError:
        pass
    structured = parse_textual_hours(raw)
    if structured:
        s.values[column] = structured
    else:
        s.values[column] = ""
        s.values["hours_text"] = _append_text(s.values.get("hours_text", ""), raw)
        s.note("unparsed_hours", column, f"could not be read exactly, so they are shown as written: {_quote(raw)}")


def _fix_coordinates(s: Salvager, column: str, raw: str) -> None:
    if column != "latitude":
        return  # both are handled together, once
    lat_text, lon_text = s.values.get("latitude", "").strip(), s.values.get("longitude", "").strip()
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        lat = lon = float("nan")
    if lat == 0 and lon == 0:  # "0,0" is how many exports write "no location"
        s.values.update(latitude="", longitude="", geocode_quality="")
        return
    usable = lat == lat and lon == lon and -90 <= lat <= 90 and -180 <= lon <= 180
    plausible = place_is_plausible(lat, lon, s.values.get("zip", ""), s.values.get("city", ""),
                                   s.values.get("state", "")) if usable else False
    if usable and plausible is not False:
        s.values.update(latitude=validate_field("latitude", lat_text), longitude=validate_field("longitude", lon_text),
                        geocode_quality=s.values.get("geocode_quality") or "source")
        return
    s.values.update(latitude="", longitude="", geocode_quality="")
    where = "far from its ZIP or city" if usable else "not a usable latitude and longitude"
    s.note("bad_location", "latitude", f"{_quote(lat_text + ', ' + lon_text)} is {where}; placed from the "
           "address instead, if it can be")


def _fix_pathways(s: Salvager, column: str, raw: str) -> None:
    # Pathways are read by the one word list (pathway_words); a word it does not know goes to review as written.
    keys, unread = read_pathways(raw)
    if unread:
        s.keep_as_text(column, "; ".join(unread), "not a pathway the directory can name for sure")
    s.values[column] = join_list(keys)


_FIXES: dict[str, Callable[[Salvager, str, str], None]] = {
    "state": _read_then_check(state_code),
    "zip": _fix_zip,
    "latitude": _fix_coordinates,
    "longitude": _fix_coordinates,
    "last_verified": _read_then_check(us_date),
    "phone": _fix_phone,
    "conference_phone": _fix_phone,
    "other_phones": _fix_other_phones,
    "hours": _fix_hours,
    "moud_welcome": _fix_yes_no,
    "peer_run": _fix_yes_no,
    "location_confidential": _fix_yes_no,
    "pathways": _fix_pathways,
}

# Every other column, in the schema's order (a column's text home comes after the column itself).
_CHECKED_IN_ORDER = tuple(name for name in FIELD_BY_NAME if name not in _FIXES)

def salvage(values: Mapping[str, str], columns: frozenset[str] | None = None) -> tuple[dict[str, str], list[Finding]]:
    """Normalise a draft record's values or keep them as text; returns the values and the findings.

    `columns` limits the work to the columns a source gave (the rest of an existing entry is already valid).
    """
    cleaned = {k: clean_text(v, multiline=k in _MULTILINE) if v and k in FIELD_BY_NAME else v
               for k, v in values.items()}
    for column, value in cleaned.items():
        if value and len(value) <= _LONGEST_EMPTY_WORD and column != "name" and value.lower() in _EMPTY_WORDS:
            cleaned[column] = ""
    salvager = Salvager(cleaned, columns)
    findings = salvager.run()
    return salvager.values, findings


def status_from_source(raw: str) -> tuple[str, str]:
    """Our status for a source's status text, and a review reason when the source limits it ('' if none)."""
    text = raw.strip().lower()
    if text in ("", "active", "available", "open", "yes", "operating"):
        return "active", ""
    if text in ("pending", "pending review", "needs review"):
        return "pending", ""
    if "do not refer" in text or "not refer" in text:
        return "pending", "excluded_by_source"
    if text in ("inactive", "defunct", "closed", "permanently closed", "retired", "no", "deleted", "archived"):
        return "inactive", ""
    if "temporar" in text:
        return "inactive", ""
    return "pending", "unreadable_value"

