"""The live feeds and the read-only HSDS 3.0 API served by serve.py, driven in process through Starlette's TestClient.

API responses are validated against the spec's own compiled JSON schemas (tests/fixtures/hsds30_schemas, branch
3.0 of openreferral/specification, unchanged).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from icalendar import Calendar
from starlette.testclient import TestClient

import serve
from directory.interop.hsds import _uid, export_tables
from directory.privacy import CONFIDENTIAL_LOCATION
from directory.store import Store

SCHEMAS = Path(__file__).parent / "fixtures" / "hsds30_schemas"
API = "/api/hsds"


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


PAGE = _schema("openapi.json")["components"]["schemas"]["Page"]
ITEM_SCHEMAS = {"services": "service_list.json", "organizations": "organization_list.json",
                "service_at_locations": "service_at_location_list.json", "taxonomies": "taxonomy.json",
                "taxonomy_terms": "taxonomy_term.json"}
_validators: dict[str, jsonschema.protocols.Validator] = {}


def _valid(value: object, name: str) -> None:
    if name not in _validators:
        schema = _schema(name)
        _validators[name] = jsonschema.validators.validator_for(schema)(schema)
    _validators[name].validate(value)


def _valid_page(body: dict, endpoint: str) -> None:
    jsonschema.validate(body, PAGE)
    assert set(body) == {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty",
                         "contents"}
    for item in body["contents"]:
        _valid(item, ITEM_SCHEMAS[endpoint])


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(serve.app) as test_client:
        yield test_client


def _rewrite(folder: Path, change) -> None:
    path = folder / "resources.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


def _weekly_ids(folder: Path) -> list[str]:
    frame = pd.read_csv(folder / "resources.csv", dtype=str, keep_default_na=False)
    return frame[frame["recurrence_rule"].str.contains("WEEKLY") & (frame["status"] == "active")]["id"].tolist()


@pytest.fixture
def prepared(sample_dir: Path) -> dict[str, str]:
    """The sample, with one weekly meeting confidential, one waiting for review and one retired."""
    confidential, pending, retired = _weekly_ids(sample_dir)[:3]

    def change(frame: pd.DataFrame) -> None:
        frame.loc[frame["id"] == confidential, ["location_confidential", "address", "location_name"]] = [
            "yes", "4400 Hidden Lane", "Secret Hall"]
        frame.loc[frame["id"] == pending, "status"] = "pending"
        frame.loc[frame["id"] == retired, "status"] = "inactive"
    _rewrite(sample_dir, change)
    return {"confidential": confidential, "pending": pending, "retired": retired}


# Feeds ---------------------------------------------------------------------------------------------------------


def test_meeting_feed_lists_active_public_meetings_with_cors(client: TestClient, prepared: dict[str, str]) -> None:
    response = client.get("/feeds/meetings.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["access-control-allow-origin"] == "*"
    meetings = {m["slug"]: m for m in response.json()}
    assert meetings and prepared["confidential"] in meetings
    assert prepared["pending"] not in meetings and prepared["retired"] not in meetings
    hidden = meetings[prepared["confidential"]]
    assert hidden["location"] == CONFIDENTIAL_LOCATION
    assert "latitude" not in hidden and "longitude" not in hidden
    assert "4400 Hidden Lane" not in response.text and "Secret Hall" not in response.text


def test_meeting_feed_answers_a_cors_preflight_and_refuses_writes(client: TestClient, sample_dir: Path) -> None:
    response = client.options("/feeds/meetings.json", headers={
        "Origin": "https://meetings.example.org", "Access-Control-Request-Method": "GET"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert "POST" not in response.headers["access-control-allow-methods"]
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        for path in ("/feeds/meetings.json", "/feeds/events.ics", f"{API}/services", f"{API}/"):
            assert client.request(method, path).status_code == 405, (method, path)


def test_feeds_take_the_find_pages_filters(client: TestClient, sample_dir: Path) -> None:
    everything = client.get("/feeds/meetings.json").json()
    filtered = client.get("/feeds/meetings.json", params={"type": "affiliational", "near": "19104",
                                                          "radius": "10"}).json()
    assert 0 < len(filtered) < len(everything)
    frame = pd.read_csv(sample_dir / "resources.csv", dtype=str, keep_default_na=False).set_index("id")
    assert all("affiliational" in frame.loc[m["slug"], "support_types"] for m in filtered)
    named = client.get("/feeds/meetings.json", params={"q": everything[0]["name"]}).json()
    assert everything[0]["slug"] in {m["slug"] for m in named} and len(named) < len(everything)


def test_calendar_feed_is_a_filtered_calendar(client: TestClient, prepared: dict[str, str]) -> None:
    response = client.get("/feeds/events.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    uids = {str(event["uid"]).split("@")[0] for event in events}
    assert prepared["confidential"] in uids and prepared["pending"] not in uids and prepared["retired"] not in uids
    assert b"Hidden Lane" not in response.content
    near = Calendar.from_ical(client.get("/feeds/events.ics?near=19104&radius=2").content).walk("VEVENT")
    assert len(near) < len(events)


@pytest.mark.parametrize("query", ["type=bogus", "radius=abc&near=19104", "radius=500&near=19104", "radius=5",
                                   "near=Nowhere%2C%20ZZ", "colour=blue", "free=maybe", "q=a&q=b"])
def test_a_bad_feed_parameter_is_a_400_with_a_message(client: TestClient, sample_dir: Path, query: str) -> None:
    for path in ("/feeds/meetings.json", "/feeds/events.ics"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert response.json()["error"]


def test_feeds_follow_a_write_at_once(client: TestClient, sample_dir: Path) -> None:
    first = client.get("/feeds/meetings.json").json()

    def rename(frame: pd.DataFrame) -> None:
        frame.loc[frame["id"] == first[0]["slug"], "name"] = "Renamed Tuesday Circle"
    _rewrite(sample_dir, rename)
    again = client.get("/feeds/meetings.json").json()
    assert {m["slug"]: m["name"] for m in again}[first[0]["slug"]] == "Renamed Tuesday Circle"


# Security headers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/map", "/feeds/meetings.json", f"{API}/services", "/_stcore/health"])
def test_every_response_has_security_headers(client: TestClient, sample_dir: Path, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org;" in policy
    assert "connect-src 'self' ws: wss:" in policy and "'unsafe-eval'" not in policy
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_policy_names_no_tile_server_when_tiles_are_off(client: TestClient, sample_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTORY_MAP_TILES", "none")
    policy = client.get("/").headers["content-security-policy"]
    assert "openstreetmap" not in policy and "https:" not in policy


# HSDS API ---------------------------------------------------------------------------------------------------


def test_api_root_and_every_list_endpoint_match_the_spec(client: TestClient, sample_dir: Path) -> None:
    root = client.get(f"{API}/")
    assert root.status_code == 200 and root.json()["version"] == "3.0"
    assert client.get(API).json() == root.json()
    for endpoint in ITEM_SCHEMAS:
        response = client.get(f"{API}/{endpoint}", params={"per_page": 100})
        assert response.status_code == 200, endpoint
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        _valid_page(body, endpoint)
        assert body["total_items"] > 0 and body["size"] == len(body["contents"])


def test_api_ids_are_the_export_ids_and_details_match_the_spec(client: TestClient, sample_dir: Path) -> None:
    tables = export_tables(Store(sample_dir).load().frame)
    active = {row["id"] for row in tables["services"] if row["status"] == "active"}
    listed = _all_ids(client, "services")
    assert listed == active
    for service_id in sorted(listed)[:25]:
        service = client.get(f"{API}/services/{service_id}").json()
        _valid(service, "service.json")
        assert service["id"] == service_id and service["organization"]["id"] == service["organization_id"]
        for item in service["service_at_locations"]:
            assert item["location"]["id"] == item["location_id"]
            assert client.get(f"{API}/service_at_locations/{item['id']}").json()["id"] == service_id
    organization_id = client.get(f"{API}/organizations").json()["contents"][0]["id"]
    organization = client.get(f"{API}/organizations/{organization_id}").json()
    _valid(organization, "organization.json")
    assert organization["services"] and all(s["organization_id"] == organization_id for s in organization["services"])
    for value in _ids_in(service) + _ids_in(organization):
        uuid.UUID(value)


def _ids_in(value: object) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "id" and isinstance(v, str)] + [
            i for v in value.values() for i in _ids_in(v) if not isinstance(v, str)]
    if isinstance(value, list):
        return [i for v in value for i in _ids_in(v)]
    return []


def _all_ids(client: TestClient, endpoint: str, **params: str) -> set[str]:
    found: list[str] = []
    page = 1
    while True:
        body = client.get(f"{API}/{endpoint}", params={"page": page, "per_page": 7, **params}).json()
        found += [item["id"] for item in body["contents"]]
        if body["last_page"]:
            break
        page += 1
    assert len(found) == len(set(found)) == body["total_items"]
    assert page == body["total_pages"]
    return set(found)


def test_api_pagination_follows_the_page_schema(client: TestClient, sample_dir: Path) -> None:
    first = client.get(f"{API}/services", params={"per_page": 10}).json()
    assert (first["page_number"], first["size"], first["first_page"], first["last_page"]) == (1, 10, True, False)
    assert first["total_pages"] == -(-first["total_items"] // 10)
    last = client.get(f"{API}/services", params={"per_page": 10, "page": first["total_pages"]}).json()
    assert last["last_page"] and not last["first_page"] and 0 < last["size"] <= 10
    beyond = client.get(f"{API}/services", params={"per_page": 10, "page": first["total_pages"] + 1}).json()
    assert beyond["contents"] == [] and not beyond["empty"] and beyond["last_page"]
    assert client.get(f"{API}/services").json()["size"] == 50


def test_api_filters(client: TestClient, sample_dir: Path) -> None:
    everything = _all_ids(client, "services")
    found = client.get(f"{API}/services", params={"search": "run club", "per_page": 100}).json()
    assert 0 < found["total_items"] < len(everything)
    assert all("run club" in (s["name"] + " " + s.get("description", "")).lower() for s in found["contents"])
    assert client.get(f"{API}/services", params={"modified_after": "2999-01-01"}).json()["empty"]
    assert _all_ids(client, "services", modified_after="2000-01-01T00:00:00Z") == everything
    term = _uid("term", "support_types", "affiliational")
    with_term = _all_ids(client, "services", taxonomy_term_id=term)
    assert 0 < len(with_term) < len(everything)
    for service_id in sorted(with_term)[:5]:
        service = client.get(f"{API}/services/{service_id}").json()
        assert term in {a["taxonomy_term_id"] for a in service["attributes"]}
    sal = client.get(f"{API}/service_at_locations", params={"taxonomy_term_id": term, "per_page": 100}).json()
    assert {item["service_id"] for item in sal["contents"]} <= with_term
    terms = client.get(f"{API}/taxonomy_terms", params={"search": "affiliational"}).json()
    assert term in {t["id"] for t in terms["contents"]}


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=x", "modified_after=yesterday",
                                   "colour=blue", "search=a&search=b"])
def test_a_bad_api_parameter_is_a_400_with_a_message(client: TestClient, sample_dir: Path, query: str) -> None:
    response = client.get(f"{API}/services?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json" and response.json()["error"]


def test_unknown_ids_are_a_404(client: TestClient, sample_dir: Path) -> None:
    for path in ("services", "organizations", "service_at_locations"):
        response = client.get(f"{API}/{path}/{uuid.uuid4()}")
        assert response.status_code == 404 and response.json()["error"]


def test_api_serves_only_active_public_entries_and_no_confidential_place(client: TestClient,
                                                                        prepared: dict[str, str]) -> None:
    for kind in ("pending", "retired"):
        assert client.get(f"{API}/services/{_uid('service', prepared[kind])}").status_code == 404
    listed = _all_ids(client, "services")
    assert _uid("service", prepared["pending"]) not in listed and _uid("service", prepared["retired"]) not in listed
    response = client.get(f"{API}/services/{_uid('service', prepared['confidential'])}")
    service = response.json()
    _valid(service, "service.json")
    (place,) = service["service_at_locations"]
    assert place["location"]["name"] == CONFIDENTIAL_LOCATION
    assert "latitude" not in place["location"] and "addresses" not in place["location"]
    assert not {a["link_type"] for a in service["attributes"]} & {"latitude", "longitude", "address",
                                                                    "location_name"}
    assert "Hidden Lane" not in response.text and "Secret Hall" not in response.text
    sal = client.get(f"{API}/service_at_locations", params={"per_page": 100, "search": service["name"]}).json()
    assert all("latitude" not in item["location"] for item in sal["contents"]
               if item["service_id"] == service["id"])


def test_feeds_take_the_pathway_filter(client: TestClient, sample_dir: Path) -> None:
    """?path= narrows a feed as it narrows Find: listed pathways, and MOUD welcome as medication-supportive."""
    secular, moud = _weekly_ids(sample_dir)[:2]

    def change(frame: pd.DataFrame) -> None:
        frame["pathways"] = ""
        frame.loc[frame["moud_welcome"] == "yes", "moud_welcome"] = ""
        frame.loc[frame["id"] == secular, "pathways"] = "secular"
        frame.loc[frame["id"] == moud, "moud_welcome"] = "yes"
    _rewrite(sample_dir, change)
    assert {m["slug"] for m in client.get("/feeds/meetings.json", params={"path": "secular"}).json()} == {secular}
    assert {m["slug"] for m in client.get("/feeds/meetings.json",
                                          params={"path": "medication_supportive"}).json()} == {moud}
    assert client.get("/feeds/meetings.json", params={"path": "no_such_pathway"}).status_code == 400
