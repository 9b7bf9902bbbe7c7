"""Which column of a source file goes into which column of ours: guesses by name, and reusable mapping files."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from directory.schema import COLUMNS

# Header spellings per column, compared with case, spaces and punctuation removed. Each column's own name
# counts too. These are tried first, for every column, before the ambiguous headers below.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("resourceid",),
    "external_id": ("externalid", "resourceagencynum", "agencyid", "sourceid", "recordid", "resourcenum",
                    "programid", "serviceid", "slug", "uniqueid"),
    "name": ("publicname", "programname", "servicename", "resourcename", "title", "meetingname"),
    "organization": ("organizationname", "org", "parentagency", "agency", "provider", "providername", "group"),
    "description": ("agencydescription", "servicedescription", "programdescription", "about", "details",
                    "summary"),
    "category": ("categoryname", "servicecategory", "resourcetype"),
    "support_types": ("supporttype", "kindsofsupport", "kindofsupport"),
    "dimensions": ("recoverydimensions", "dimension"),
    "stages": ("stage", "treatmentstage"),
    "attendance": ("meetingformat", "format", "attendancemode"),
    "populations": ("population", "targetpopulation", "whoserved", "populationsserved", "eligibility"),
    "languages": ("language", "languagesoffered", "languagesspoken"),
    "cost": ("fees", "fee", "costs", "paymentaccepted", "paymentsaccepted"),
    "accessibility": ("ada", "disabilityaccess", "accessibilityfeatures"),
    "moud_welcome": ("moud", "matfriendly", "mouwelcome", "medicationwelcome"),
    "peer_run": ("peerled", "peerdelivered"),
    "tags": ("keywords", "taxonomyterms", "taxonomy", "services", "types"),
    "location_name": ("locationname", "location", "site", "sitename", "venue", "building"),
    "address": ("address1", "streetaddress", "street", "physicaladdress1", "physicaladdress", "addressline1",
                "address_1"),
    "city": ("town", "physicalcity", "municipality", "locality"),
    "state": ("st", "province", "physicalstateprovince", "stateprovince", "region"),
    "zip": ("zipcode", "postalcode", "postcode", "physicalpostalcode", "zip5"),
    "latitude": ("lat", "y"),
    "longitude": ("lon", "lng", "long", "x"),
    "phone": ("phonenumber", "phone1number", "telephone", "tel", "mainphone", "phone1", "hotline"),
    "website": ("url", "web", "websiteaddress", "homepage", "webpage", "link"),
    "email": ("emailaddress", "emailaddressmain", "mail", "contactemail"),
    "hours": ("hoursofoperation", "openinghours", "hoursopen", "schedule"),
    "event_start": ("startdate", "start", "starts", "startdatetime", "eventdate"),
    "event_end": ("enddate", "end", "ends", "enddatetime"),
    "event_timezone": ("timezone", "tz"),
    "recurrence_rule": ("rrule", "recurrence", "repeats"),
    "conference_url": ("meetinglink", "zoomlink", "joinurl", "onlinelink", "videolink"),
    "conference_phone": ("dialin", "dialinnumber"),
    "last_verified": ("verified", "lastverifieddate", "lastverifiedon", "dateverified", "verifiedon"),
}
# Headers that mean different things in different exports: each takes the first of its columns still free.
# "Agency Name" is the name in a plain list, but the organization when the file also has a program name.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "agencyname": ("name", "organization"),
    "notes": ("description", "hours_text"),
    "phone2number": ("phone", "conference_phone"),
    "mailingaddress1": ("address",),
}
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_header(header: str) -> str:
    """A header without case, spaces or punctuation, for comparing spellings."""
    return _NOT_WORD.sub("", header.strip().lstrip("\ufeff").casefold())


_PRIMARY: dict[str, str] = {normalise_header(column): column for column in COLUMNS} | {
    normalise_header(spelling): column for column, spellings in SYNONYMS.items() for spelling in spellings}


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Source header -> our column for the headers recognised; a column is given to the first header claiming it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        column = _PRIMARY.get(normalise_header(header))
        if column and column not in taken and header not in mapping:
            mapping[header] = column
            taken.add(column)
    for header in headers:
        for column in AMBIGUOUS.get(normalise_header(header), ()):
            if header not in mapping and column not in taken:
                mapping[header] = column
                taken.add(column)
    return mapping


def apply_overrides(guessed: Mapping[str, str], overrides: Mapping[str, str], headers: Sequence[str]) -> dict[str, str]:
    """The guesses with a mapping file's choices on top; an empty target skips that header."""
    check_targets(overrides)
    mapping = {h: c for h, c in guessed.items() if h not in overrides and c not in overrides.values()}
    mapping.update({h: c for h, c in overrides.items() if c and h in headers})
    return mapping


def check_targets(mapping: Mapping[str, str]) -> None:
    """Raise ValueError naming any target that is not one of our columns."""
    wrong = sorted({target for target in mapping.values() if target and target not in COLUMNS})
    if wrong:
        raise ValueError(f"the mapping names unknown columns: {', '.join(wrong)} "
                         "(see `python -m directory columns`)")


def load_mapping_text(text: str) -> dict[str, str]:
    """Read a mapping file's text: {"columns": {"Source header": "our column", "Skipped": ""}}."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ValueError(f"the mapping file is not valid JSON ({error})") from None
    columns = document.get("columns") if isinstance(document, dict) else None
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ValueError('the mapping file must look like {"columns": {"Source header": "our column"}}')
    check_targets(columns)
    return {str(k): v for k, v in columns.items()}


def load_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file from disk."""
    return load_mapping_text(path.read_text(encoding="utf-8-sig"))


def mapping_json(mapping: Mapping[str, str]) -> str:
    """A mapping as the JSON text of a mapping file, for saving and reuse."""
    check_targets(mapping)
    return json.dumps({"columns": dict(mapping)}, indent=2, ensure_ascii=False) + "\n"


def save_mapping(mapping: Mapping[str, str], path: Path) -> None:
    """Write a mapping file."""
    path.write_text(mapping_json(mapping), encoding="utf-8")
