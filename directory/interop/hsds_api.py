"""A read-only HSDS 3.0 API over the directory: the JSON objects of the spec's compiled schemas, paginated.

Built from the HSDS export tables (`hsds.export_tables`), so every id here is the id of the same record in an
export package. Only active, public entries are served: the export tables are already the public view (a
confidential location has no street, venue or coordinates) and leave out entries waiting for review or hidden
by their source; here retired entries are left out too, and so are the coordinates a confidential entry's
attributes would carry. The tables are indexed once per version of the store (`Store.signature()`); a page
is then a slice and a few dictionary look-ups.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from directory.errors import DirectoryError
from directory.feeds import FeedError
from directory.interop.hsds import _uid, export_tables
from directory.privacy import is_confidential, listable
from directory.store import Store

HSDS_VERSION = "3.0"
PROFILE_URL = "https://docs.openreferral.org/en/v3.0/"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_SEARCH = 200
# Attributes that would place a confidential entry (its ZIP-centre coordinates): never served for one.
_PLACING_ATTRIBUTES = frozenset({"latitude", "longitude", "geocode_quality", "address", "location_name"})
_NUMBERS = frozenset({"latitude", "longitude", "interval", "count", "amount"})
LIST_PARAMS = ("search", "page", "per_page")
SERVICE_PARAMS = (*LIST_PARAMS, "modified_after", "taxonomy_term_id", "organization_id")


class NotFound(DirectoryError, LookupError):
    """No public record has this id; str() is the message for the caller."""


def _clean(row: Mapping[str, str]) -> dict[str, Any]:
    """A table row as a JSON object: empty values left out (the schemas type them), numbers as numbers."""
    found: dict[str, Any] = {}
    for key, value in row.items():
        if value == "" or value is None:
            continue
        if key in _NUMBERS:
            try:
                number = float(value)
            except ValueError:
                continue
            found[key] = int(number) if key in ("interval", "count") else number
        else:
            found[key] = value
    return found


def _by(rows: list[dict[str, str]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(_clean(row))
    return grouped


@dataclass(frozen=True, eq=False)
class ApiData:
    """The export tables of one version of the store, indexed for the API (shared; never mutated)."""

    services: list[dict[str, Any]]
    position: dict[str, int]
    organizations: dict[str, dict[str, Any]]
    org_services: dict[str, list[int]]
    locations: dict[str, dict[str, Any]]
    addresses: dict[str, list[dict[str, Any]]]
    accessibility: dict[str, list[dict[str, Any]]]
    at_location: dict[str, list[dict[str, Any]]]
    sal_rows: list[dict[str, Any]]
    sal_position: dict[str, int]
    sal_service: np.ndarray
    phones: dict[str, list[dict[str, Any]]]
    schedules: dict[str, list[dict[str, Any]]]
    languages: dict[str, list[dict[str, Any]]]
    cost_options: dict[str, list[dict[str, Any]]]
    attributes: dict[str, list[dict[str, Any]]]
    taxonomies: list[dict[str, Any]]
    terms: list[dict[str, Any]]
    term_by_id: dict[str, dict[str, Any]]
    term_services: dict[str, np.ndarray]
    text: np.ndarray
    modified: np.ndarray


def build_api_data(frame: Any) -> ApiData:
    """Index the export tables of the active, listable entries of a store frame."""
    frame = listable(frame)
    frame = frame[frame["status"] == "active"]
    confidential = {_uid("service", row_id) for row_id, flag in zip(frame["id"], frame["location_confidential"],
                                                                    strict=True)
                    if is_confidential({"location_confidential": flag})}
    tables = export_tables(frame)
    services = [_clean(row) for row in tables["services"]]
    position = {service["id"]: n for n, service in enumerate(services)}
    organizations = {row["id"]: _clean(row) for row in tables["organizations"]}
    org_services: dict[str, list[int]] = defaultdict(list)
    for n, service in enumerate(services):
        org_services[service["organization_id"]].append(n)
    attributes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    term_members: dict[str, list[int]] = defaultdict(list)
    for row in tables["attributes"]:
        if row["link_id"] in confidential and row["link_type"] in _PLACING_ATTRIBUTES:
            continue
        attributes[row["link_id"]].append(_clean(row))
        if row["link_id"] in position:
            term_members[row["taxonomy_term_id"]].append(position[row["link_id"]])
    terms = [_clean(row) for row in tables["taxonomy_terms"]]
    names = {org_id: org.get("name", "") for org_id, org in organizations.items()}
    text = np.array([" ".join((s.get("name", ""), s.get("description", ""), names.get(s["organization_id"], "")))
                     .lower() for s in services], dtype=object)
    modified = np.array([_instant(s.get("last_modified", "")) for s in services], dtype=np.float64)
    sal_rows = [_clean(row) for row in tables["service_at_location"]]
    return ApiData(
        services=services, position=position, organizations=organizations, org_services=dict(org_services),
        locations={row["id"]: _clean(row) for row in tables["locations"]},
        addresses=_by(tables["addresses"], "location_id"), accessibility=_by(tables["accessibility"], "location_id"),
        at_location=_by(tables["service_at_location"], "service_id"), sal_rows=sal_rows,
        sal_position={row["id"]: n for n, row in enumerate(sal_rows)},
        sal_service=np.array([position[row["service_id"]] for row in sal_rows], dtype=np.int64),
        phones=_by(tables["phones"], "service_id"), schedules=_by(tables["schedules"], "service_id"),
        languages=_by(tables["languages"], "service_id"), cost_options=_by(tables["cost_options"], "service_id"),
        attributes=dict(attributes), taxonomies=[_clean(row) for row in tables["taxonomies"]], terms=terms,
        term_by_id={term["id"]: term for term in terms},
        term_services={key: np.unique(np.array(rows, dtype=np.int64)) for key, rows in term_members.items()},
        text=text, modified=modified,
    )


def _instant(text: str) -> float:
    """Seconds since the epoch for an ISO timestamp (naive is UTC); NaN when there is none."""
    if not text:
        return math.nan
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return math.nan
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


_lock = threading.Lock()


@functools.lru_cache(maxsize=2)
def _api_data(folder: str, signature: tuple[int, int, int]) -> ApiData:
    return build_api_data(Store(Path(folder)).load().frame)  # the shared snapshot's valid rows


def api_data(store: Store) -> ApiData:
    """The API's index of the store as it is now, built once per version (`Store.signature()`)."""
    with _lock:
        return _api_data(str(store.data_dir), store.signature())


# Parameters ------------------------------------------------------------------


def _check(params: Mapping[str, Sequence[str]], allowed: Sequence[str]) -> dict[str, str]:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise FeedError(f"unknown parameter {unknown[0][:40]!r}; this endpoint takes "
                        f"{', '.join(allowed) if allowed else 'no parameters'}")
    single = {}
    for name, values in params.items():
        if len(values) > 1:
            raise FeedError(f"give '{name}' once, not {len(values)} times")
        single[name] = values[0].strip() if values else ""
    return single


def _whole(given: dict[str, str], name: str, default: int, most: int | None = None) -> int:
    text = given.get(name, "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise FeedError(f"'{name}' is a whole number from 1, not {text[:40]!r}")
    if most is not None and int(text) > most:
        raise FeedError(f"'{name}' is at most {most}")
    return int(text)


def _page(count: int, given: dict[str, str], item: Callable[[int], dict[str, Any]],
          rows: np.ndarray | range) -> dict[str, Any]:
    """The spec's Page object over the selected rows, built only for the page asked for."""
    number = _whole(given, "page", 1)
    size = _whole(given, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    pages = max(1, math.ceil(count / size))
    chosen = rows[(number - 1) * size: number * size]
    contents = [item(int(n)) for n in chosen]
    return {"total_items": count, "total_pages": pages, "page_number": number, "size": len(contents),
            "first_page": number == 1, "last_page": number >= pages, "empty": count == 0, "contents": contents}


def _search_words(given: dict[str, str]) -> list[str]:
    text = given.get("search", "")
    if len(text) > MAX_SEARCH:
        raise FeedError(f"'search' is at most {MAX_SEARCH} characters")
    return text.lower().split()


def _matching(texts: Sequence[str] | np.ndarray, words: list[str]) -> np.ndarray:
    keep = np.ones(len(texts), dtype=bool)
    for word in words:
        keep &= np.fromiter((word in text for text in texts), dtype=bool, count=len(texts))
    return keep


# Objects -----------------------------------------------------------------------


def _service_list_item(data: ApiData, n: int) -> dict[str, Any]:
    service = dict(data.services[n])
    organization = data.organizations.get(service.get("organization_id", ""))
    if organization:
        service["organization"] = organization
    return service


def _location(data: ApiData, location_id: str) -> dict[str, Any]:
    location = dict(data.locations[location_id])
    for key, found in (("addresses", data.addresses), ("accessibility", data.accessibility)):
        if location_id in found:
            location[key] = found[location_id]
    return location


def _with_terms(attributes: list[dict[str, Any]], data: ApiData) -> list[dict[str, Any]]:
    return [{**a, "taxonomy_term": data.term_by_id[a["taxonomy_term_id"]]} if a.get("taxonomy_term_id")
            in data.term_by_id else a for a in attributes]


def _full_service(data: ApiData, n: int) -> dict[str, Any]:
    service = _service_list_item(data, n)
    key = service["id"]
    for name, found in (("phones", data.phones), ("schedules", data.schedules), ("languages", data.languages),
                        ("cost_options", data.cost_options)):
        if key in found:
            service[name] = found[key]
    if key in data.attributes:
        service["attributes"] = _with_terms(data.attributes[key], data)
    service["service_at_locations"] = [{**sal, "location": _location(data, sal["location_id"])}
                                       for sal in data.at_location.get(key, [])]
    return service


def _sal_item(data: ApiData, n: int) -> dict[str, Any]:
    sal = dict(data.sal_rows[n])
    sal["location"] = data.locations[sal["location_id"]]
    sal["service"] = data.services[data.position[sal["service_id"]]]
    return sal


# Endpoints -----------------------------------------------------------------------


def about() -> dict[str, Any]:
    """GET / : the HSDS version of this API and where its definition is."""
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


def _service_rows(data: ApiData, given: dict[str, str]) -> np.ndarray:
    keep = np.ones(len(data.services), dtype=bool)
    if given.get("taxonomy_term_id"):
        members = np.zeros(len(data.services), dtype=bool)
        members[data.term_services.get(given["taxonomy_term_id"], np.array([], dtype=np.int64))] = True
        keep &= members
    if given.get("organization_id"):
        members = np.zeros(len(data.services), dtype=bool)
        members[data.org_services.get(given["organization_id"], [])] = True
        keep &= members
    if given.get("modified_after"):
        text = given["modified_after"]
        moment = _instant(text[:40])
        if math.isnan(moment):
            raise FeedError(f"'modified_after' is an ISO 8601 date or date-time, e.g. 2025-01-31 or "
                            f"2025-01-31T12:00:00Z, not {text[:40]!r}")
        with np.errstate(invalid="ignore"):
            keep &= data.modified >= moment
    words = _search_words(given)
    if words:
        rows = np.flatnonzero(keep)
        keep[rows] = _matching(data.text[rows], words)
    return np.flatnonzero(keep)


def services_page(data: ApiData, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """GET /services : a Page of services (one-to-one fields and their organization)."""
    given = _check(params, SERVICE_PARAMS)
    rows = _service_rows(data, given)
    return _page(len(rows), given, lambda n: _service_list_item(data, n), rows)


def service(data: ApiData, service_id: str) -> dict[str, Any]:
    """GET /services/{id} : one fully nested service."""
    if service_id not in data.position:
        raise NotFound(f"no public service has the id {service_id[:60]!r}")
    return _full_service(data, data.position[service_id])


def service_at_locations_page(data: ApiData, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """GET /service_at_locations : a Page of service-at-location links with their location and service."""
    given = _check(params, SERVICE_PARAMS)
    rows = np.flatnonzero(np.isin(data.sal_service, _service_rows(data, given)))
    return _page(len(rows), given, lambda n: _sal_item(data, n), rows)


def service_at_location(data: ApiData, sal_id: str) -> dict[str, Any]:
    """GET /service_at_locations/{id} : the fully nested service of this link (as the spec's OpenAPI says)."""
    if sal_id not in data.sal_position:
        raise NotFound(f"no public service at location has the id {sal_id[:60]!r}")
    return _full_service(data, data.position[data.sal_rows[data.sal_position[sal_id]]["service_id"]])


def organizations_page(data: ApiData, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """GET /organizations : a Page of organizations (one-to-one fields)."""
    given = _check(params, LIST_PARAMS)
    organizations = list(data.organizations.values())
    keep = _matching([f"{o.get('name', '')} {o.get('description', '')}".lower() for o in organizations],
                     _search_words(given))
    rows = np.flatnonzero(keep)
    return _page(len(rows), given, lambda n: organizations[n], rows)


def organization(data: ApiData, organization_id: str) -> dict[str, Any]:
    """GET /organizations/{id} : one organization with its services (one-to-one fields)."""
    if organization_id not in data.organizations:
        raise NotFound(f"no public organization has the id {organization_id[:60]!r}")
    return {**data.organizations[organization_id],
            "services": [data.services[n] for n in data.org_services.get(organization_id, [])]}


def taxonomies_page(data: ApiData, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """GET /taxonomies : a Page of the taxonomies the directory's terms belong to."""
    given = _check(params, LIST_PARAMS)
    rows = np.flatnonzero(_matching([f"{t['name']} {t.get('description', '')}".lower() for t in data.taxonomies],
                                    _search_words(given)))
    return _page(len(rows), given, lambda n: data.taxonomies[n], rows)


def taxonomy_terms_page(data: ApiData, params: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """GET /taxonomy_terms : a Page of taxonomy terms (use their ids with taxonomy_term_id)."""
    given = _check(params, LIST_PARAMS)
    rows = np.flatnonzero(_matching([f"{t.get('code', '')} {t['name']} {t.get('description', '')}".lower()
                                     for t in data.terms], _search_words(given)))
    return _page(len(rows), given, lambda n: data.terms[n], rows)
