"""Open Referral HSDS tabular data packages: export (HSDS 3.0), import (3.0 and 1.1) and validation.

Each entry is one service with its organization, location, address, phone, schedules, languages, access and
cost options in the HSDS tables. Everything the directory holds that HSDS has no exact home for (support
types, category, dimensions, stages, flags, tags, event rules, our id ...) goes out as attributes linked to the
service, under our own taxonomy ("peer-recovery-directory"), so an export reads back without loss.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import pandas as pd

from directory import taxonomy as tx
from directory.hours import format_hours, parse_hours
from directory.interop.hsds_schema import TABLES, columns, datapackage
from directory.interop.records import SourceRow, UnusableInput
from directory.schema import FIELD_BY_NAME, join_list, split_list

TAXONOMY_ID = "peer-recovery-directory"
_NAMESPACE = uuid.UUID("5b0c1f9e-6f1e-4d7a-9a43-7f5e2a1c9d10")
# Controlled lists: one attribute per key, linked to a term for that key.
TERM_FIELDS = ("category", "support_types", "dimensions", "stages", "attendance", "populations", "cost",
               "accessibility")
# Held verbatim in an attribute's value, linked to one term per field.
VALUE_FIELDS = ("id", "external_id", "organization", "location_name", "address", "city", "state", "zip",
                "languages", "moud_welcome", "peer_run", "tags", "geocode_quality", "phone", "hours", "hours_text",
                "event_start", "event_end", "event_timezone", "recurrence_rule", "conference_url",
                "conference_phone", "status", "last_verified", "verified_by", "latitude", "longitude", "eligibility",
                "location_confidential", "other_phones", "review_reasons", "review_notes")
_MAX_UNZIPPED = 200 * 2**20
_V11_TABLES = ("services_at_location", "physical_addresses", "regular_schedules", "services_taxonomy", "taxonomy",
               "eligibility", "payments_accepted")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def _terms(field: str) -> tuple[tx.Term, ...]:
    return FIELD_BY_NAME[field].terms


def export_tables(frame: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    """Our rows as HSDS 3.0 tables (table name -> rows of strings)."""
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
    tables["taxonomies"].append({"id": TAXONOMY_ID, "name": "Peer recovery support directory",
                                 "description": "Support types, categories and other fields of the peer recovery "
                                                "support directory."})
    for field in TERM_FIELDS:
        for term in _terms(field):
            tables["taxonomy_terms"].append({"id": _uid("term", field, term.key), "code": f"{field}:{term.key}",
                                             "name": term.label, "description": term.explanation or term.label,
                                             "taxonomy": TAXONOMY_ID, "taxonomy_id": TAXONOMY_ID})
    for field in VALUE_FIELDS:
        tables["taxonomy_terms"].append({"id": _uid("term", field), "code": field, "name": field,
                                         "description": FIELD_BY_NAME[field].doc, "taxonomy": TAXONOMY_ID,
                                         "taxonomy_id": TAXONOMY_ID})
    organizations: dict[str, str] = {}
    for row in frame.to_dict("records"):
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
        "assured_date": row["last_verified"], "last_modified": row["updated_at"],
    })
    location = _uid("location", row["id"])
    tables["locations"].append({"id": location, "location_type": "physical" if row["address"] or row["latitude"]
                                else "virtual", "url": row["conference_url"], "name": row["location_name"],
                                "latitude": row["latitude"], "longitude": row["longitude"]})
    tables["service_at_location"].append({"id": _uid("sal", row["id"]), "service_id": service,
                                          "location_id": location})
    if row["address"] and row["city"] and row["state"] and row["zip"]:
        tables["addresses"].append({"id": _uid("address", row["id"]), "location_id": location,
                                    "address_1": row["address"], "city": row["city"], "state_province": row["state"],
                                    "postal_code": row["zip"], "country": "US", "address_type": "physical"})
    if row["phone"]:
        tables["phones"].append({"id": _uid("phone", row["id"]), "service_id": service, "number": row["phone"]})
    for n, language in enumerate(split_list(row["languages"])):
        tables["languages"].append({"id": _uid("language", row["id"], str(n)), "service_id": service,
                                    "name": language})
    for key in split_list(row["accessibility"]):
        tables["accessibility"].append({"id": _uid("access", row["id"], key), "location_id": location,
                                        "description": tx.label_of(_terms("accessibility"), key)})
    for key in split_list(row["cost"]):
        tables["cost_options"].append({"id": _uid("cost", row["id"], key), "service_id": service,
                                       "option": tx.label_of(_terms("cost"), key)})
    tables["schedules"] += _schedules(row, service)
    for field in TERM_FIELDS:
        for key in split_list(row[field]):
            tables["attributes"].append({"id": _uid("attr", row["id"], field, key), "link_id": service,
                                         "taxonomy_term_id": _uid("term", field, key), "link_type": field,
                                         "link_entity": "service", "value": key})
    for field in VALUE_FIELDS:
        if row[field]:
            tables["attributes"].append({"id": _uid("attr", row["id"], field), "link_id": service,
                                         "taxonomy_term_id": _uid("term", field), "link_type": field,
                                         "link_entity": "service", "value": row[field]})


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
        found.append({"id": _uid("event", row["id"]), "service_id": service, "dtstart": row["event_start"][:10],
                      "freq": rule.get("FREQ", "") if rule.get("FREQ") in ("WEEKLY", "MONTHLY") else "",
                      "byday": rule.get("BYDAY", ""), "interval": rule.get("INTERVAL", ""),
                      "opens_at": row["event_start"][11:16] + ":00",
                      "closes_at": row["event_end"][11:16] + ":00" if row["event_end"] else "",
                      "attending_type": row["attendance"], "description": row["recurrence_rule"]})
    return found


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


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


def _package_members(path: Path) -> dict[str, bytes]:
    """The package's files by base name, from a folder or (safely) from a zip."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir() if p.suffix in (".csv", ".json") and p.is_file()}
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnusableInput(f"the zip file cannot be opened ({error})") from None
    members: dict[str, bytes] = {}
    total = 0
    with archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir():
                continue
            if name.is_absolute() or ".." in name.parts or "\\" in info.filename:
                raise UnusableInput(f"the zip holds an unsafe file name: {info.filename!r}")
            if name.suffix not in (".csv", ".json"):
                continue
            total += info.file_size
            if total > _MAX_UNZIPPED:
                raise UnusableInput("the zip unpacks to more than 200 MB; import it in parts")
            try:
                members[name.name] = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise UnusableInput(f"the zip file is damaged ({error})") from None
    return members


def looks_like_hsds(path: Path) -> bool:
    """Whether a folder or zip holds an HSDS package (datapackage.json, or services.csv)."""
    try:
        names = set(_package_members(path)) if path.is_dir() or zipfile.is_zipfile(path) else set()
    except UnusableInput:
        return False
    return "services.csv" in names or "datapackage.json" in names


def _table(members: Mapping[str, bytes], name: str) -> list[dict[str, str]]:
    data = members.get(f"{name}.csv")
    if data is None:
        return []
    text = data.decode("utf-8-sig", errors="replace")
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(io.StringIO(text))]


def _by(rows: Iterable[dict[str, str]], key: str) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[row.get(key, "")].append(row)
    return grouped


def read_hsds(path: Path) -> list[SourceRow]:
    """One source row per service of an HSDS 3.0 or 1.1 package (a folder, or a zip with datapackage.json)."""
    if not path.exists():
        raise UnusableInput(f"there is no folder or zip at {path}")
    members = _package_members(path)
    if "datapackage.json" not in members and "services.csv" not in members:
        raise UnusableInput("this is not an HSDS package: it has no datapackage.json and no services.csv")
    services = _table(members, "services")
    if not services:
        raise UnusableInput("the package has no services (services.csv is missing or empty)")
    version_11 = any(f"{name}.csv" in members for name in _V11_TABLES)
    t = {name: _table(members, name) for name in (*TABLES, *_V11_TABLES)}
    return [_service_row(n, service, t, version_11) for n, service in enumerate(services, start=1)]


def _service_row(line: int, service: dict[str, str], t: dict[str, list[dict[str, str]]],
                 version_11: bool) -> SourceRow:
    sid = service.get("id", "")
    orgs = {o["id"]: o for o in t["organizations"]}
    links = t["services_at_location" if version_11 else "service_at_location"]
    location_ids = [link["location_id"] for link in links if link.get("service_id") == sid]
    location_ids += [service["location_id"]] if service.get("location_id") else []
    location = next((loc for loc in t["locations"] if loc.get("id") in location_ids), {})
    addresses = t["physical_addresses" if version_11 else "addresses"]
    address = next((a for a in addresses if a.get("location_id") and a["location_id"] == location.get("id")), {})
    phone = next((p for p in t["phones"] if p.get("service_id") == sid), None) or next(
        (p for p in t["phones"] if location and p.get("location_id") == location.get("id")), {})
    values = {
        "external_id": sid, "name": service.get("name", ""), "description": service.get("description", ""),
        "website": service.get("url", ""), "email": service.get("email", ""),
        "organization": orgs.get(service.get("organization_id", ""), {}).get("name", ""),
        "location_name": location.get("name", ""), "address": address.get("address_1", ""),
        "city": address.get("city", ""), "state": address.get("state_province", ""),
        "zip": address.get("postal_code", ""), "phone": phone.get("number", ""),
        "status": "active" if service.get("status", "active") in ("active", "") else "inactive",
        "last_verified": service.get("assured_date", ""),
        "languages": join_list([x.get("name") or x.get("language", "") for x in t["languages"]
                                if x.get("service_id") == sid]),
    }
    if location.get("latitude") and location.get("longitude"):
        values.update(latitude=location["latitude"], longitude=location["longitude"], geocode_quality="exact")
    values["hours"] = _hours(t["regular_schedules"] if version_11 else t["schedules"], sid, version_11)
    values.update(_foreign_terms(service, t, sid, location, version_11))
    values.update(_our_attributes(t, sid))
    values = {k: v for k, v in values.items() if v}
    raw = {f"service.{k}": v for k, v in service.items()}
    return SourceRow(line, values, raw)


def _hours(schedules: list[dict[str, str]], sid: str, version_11: bool) -> str:
    week: dict[int, list[tuple[int, int]]] = {}
    for item in schedules:
        if item.get("service_id") != sid or not item.get("opens_at") or not item.get("closes_at"):
            continue
        if not version_11 and (item.get("dtstart") or item.get("freq", "WEEKLY") != "WEEKLY"):
            continue  # an event's schedule, not opening hours
        days = [_weekday(item.get("weekday", ""))] if version_11 else [
            _DAYS.index(d) for d in item.get("byday", "").split(",") if d in _DAYS]
        for day in days:
            if day is not None:
                week.setdefault(day, []).append((_minutes(item["opens_at"]), _minutes(item["closes_at"])))
    try:
        return format_hours({day: sorted(ranges) for day, ranges in week.items()}) if week else ""
    except ValueError:
        return ""


def _weekday(given: str) -> int | None:
    # HSDS 1.1 weekdays are written as names ("Monday") or numbers; numbers are read as ISO (1 = Monday).
    text = given.strip().lower()
    for day, name in enumerate(_DAY_NAMES):
        if text.startswith(name.lower()):
            return day
    return int(text) - 1 if text.isdigit() and 1 <= int(text) <= 7 else None


def _minutes(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes[:2] or 0)


def _foreign_terms(service: dict[str, str], t: dict[str, list[dict[str, str]]], sid: str,
                   location: dict[str, str], version_11: bool) -> dict[str, str]:
    """What HSDS's own tables say about cost, access, populations and taxonomy terms (other taxonomies -> tags)."""
    by_label = {field: {term.label.casefold(): term.key for term in _terms(field)} | {
        term.key: term.key for term in _terms(field)} for field in ("cost", "accessibility", "populations")}
    costs = [x.get("option") or x.get("payment", "") for x in t["cost_options"] + t["payments_accepted"]
             if x.get("service_id") == sid]
    access = [x.get("description", "") for x in t["accessibility"] if x.get("location_id") == location.get("id")]
    eligible = [x.get("eligibility", "") for x in t["eligibility"] if x.get("service_id") == sid]
    terms = {term["id"]: term for term in t["taxonomy_terms"] + t["taxonomy"]}
    foreign: list[str] = []
    if version_11:
        foreign = [terms.get(x.get("taxonomy_id", ""), {}).get("name", "") for x in t["services_taxonomy"]
                   if x.get("service_id") == sid]
    else:
        foreign = [terms.get(x.get("taxonomy_term_id", ""), {}).get("name", "") for x in t["attributes"]
                   if x.get("link_id") == sid and terms.get(x.get("taxonomy_term_id", ""), {}).get("taxonomy_id")
                   != TAXONOMY_ID and terms.get(x.get("taxonomy_term_id", ""), {}).get("taxonomy") != TAXONOMY_ID]
    return {
        "cost": join_list([by_label["cost"][c.casefold()] for c in costs if c.casefold() in by_label["cost"]]),
        "accessibility": join_list([by_label["accessibility"][a.casefold()] for a in access
                                    if a.casefold() in by_label["accessibility"]]),
        "populations": join_list([by_label["populations"][e.casefold()] for e in eligible
                                  if e.casefold() in by_label["populations"]]),
        "tags": join_list([name for name in dict.fromkeys(foreign) if name]),
    }


def _our_attributes(t: dict[str, list[dict[str, str]]], sid: str) -> dict[str, str]:
    """Our own fields, read back from attributes under our taxonomy: these are exact, so they win."""
    ours = {term["id"]: term for term in t["taxonomy_terms"]
            if TAXONOMY_ID in (term.get("taxonomy_id"), term.get("taxonomy"))}
    values: dict[str, list[str]] = defaultdict(list)
    for attribute in t["attributes"]:
        term = ours.get(attribute.get("taxonomy_term_id", ""))
        if term is None or attribute.get("link_id") != sid:
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


# Validating -----------------------------------------------------------------------------------------------


def validate_hsds(path: Path) -> list[str]:
    """Problems found by frictionless when checking a package (folder or zip) against its HSDS schema; [] if valid."""
    from frictionless import Package, system  # imported here: it is slow to import and only needed here

    members = _package_members(path)
    if "datapackage.json" not in members:
        return ["the package has no datapackage.json"]
    with tempfile.TemporaryDirectory(prefix="hsds-check-") as folder:
        for name, data in members.items():
            (Path(folder) / name).write_bytes(data)
        with system.use_context(trusted=True):
            report = Package(str(Path(folder) / "datapackage.json")).validate()
    if report.valid:
        return []
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(f"{task.name}: {error.message}")
    return problems or [error.message for error in report.errors]
