"""The official Open Referral HSDS 3.0 tabular schema: every table's fields in the spec's order, with keys.

Transcribed from `datapackage.json` of openreferral/specification, branch 3.0 (commit
279fd2eb3552c349bf698c07c00cc25f5fc8249b, CC BY-SA 4.0); tests/test_hsds_export_conformance.py checks it
against the vendored copy field by field. Titles, descriptions and examples are left out.
"""

from __future__ import annotations

from typing import Any, NamedTuple

SPEC_VERSION = "3.0.0"
SPEC_COMMIT = "279fd2eb3552c349bf698c07c00cc25f5fc8249b"
LICENSE = {
    "url": "https://creativecommons.org/licenses/by-sa/4.0/",
    "type": "CC-BY-SA-4.0",
    "name": "Creative Commons Attribution-ShareAlike 4.0",
}


class F(NamedTuple):
    """One field of a table: its name, Table Schema type and format, and constraints. `id` is always unique."""

    name: str
    kind: str = "string"
    format: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()


class Table(NamedTuple):
    """One resource: its name in the spec, its fields in order, and (field, resource) foreign keys to `id`."""

    resource: str
    fields: tuple[F, ...]
    foreign_keys: tuple[tuple[str, str], ...]


# File name without ".csv" -> table, in the spec's order. Every table's primary key is "id", a required UUID.
TABLES: dict[str, Table] = {
    "organizations": Table(
        "organization",
        (
            F("id", format="uuid"),
            F("name", required=True),
            F("alternate_name"),
            F("description", required=True),
            F("email", format="email"),
            F("website", format="uri"),
            F("tax_status"),
            F("tax_id"),
            F("year_incorporated", kind="number"),
            F("legal_status"),
            F("logo"),
            F("uri", format="uri"),
            F("parent_organization_id", format="uuid"),
        ),
        (),
    ),
    "programs": Table(
        "program",
        (
            F("id", format="uuid"),
            F("organization_id", format="uuid", required=True, unique=True),
            F("name", required=True),
            F("alternate_name"),
            F("description", required=True),
        ),
        (("organization_id", "organization"),),
    ),
    "services": Table(
        "service",
        (
            F("id", format="uuid"),
            F("organization_id", format="uuid", required=True),
            F("program_id", format="uuid"),
            F("name", required=True),
            F("alternate_name"),
            F("description"),
            F("url", format="uri"),
            F("email", format="email"),
            F("status", required=True, enum=("active", "inactive", "defunct", "temporarily closed")),
            F("interpretation_services"),
            F("application_process"),
            F("fees_description"),
            F("wait_time"),
            F("fees"),
            F("accreditations"),
            F("eligibility_description"),
            F("minimum_age", kind="number"),
            F("maximum_age", kind="number"),
            F("assured_date", kind="date"),
            F("assurer_email", format="email"),
            F("licenses"),
            F("alert"),
            F("last_modified", kind="datetime"),
        ),
        (("organization_id", "organization"), ("program_id", "program")),
    ),
    "attributes": Table(
        "attribute",
        (
            F("id", format="uuid"),
            F("link_id", format="uuid", required=True),
            F("taxonomy_term_id", format="uuid", required=True),
            F("link_type"),
            F("link_entity", required=True),
            F("value"),
        ),
        (("taxonomy_term_id", "taxonomy_term"),),
    ),
    "service_at_location": Table(
        "service_at_location",
        (
            F("id", format="uuid"),
            F("service_id", format="uuid", required=True),
            F("location_id", format="uuid", required=True),
            F("description"),
        ),
        (("service_id", "service"), ("location_id", "location")),
    ),
    "locations": Table(
        "location",
        (
            F("id", format="uuid"),
            F("location_type", required=True, enum=("physical", "postal", "virtual")),
            F("url", format="uri"),
            F("organization_id", format="uuid"),
            F("name"),
            F("alternate_name"),
            F("description"),
            F("transportation"),
            F("latitude", kind="number"),
            F("longitude", kind="number"),
            F("external_identifier"),
            F("external_identifier_type"),
        ),
        (("organization_id", "organization"),),
    ),
    "phones": Table(
        "phone",
        (
            F("id", format="uuid"),
            F("location_id", format="uuid"),
            F("service_id", format="uuid"),
            F("organization_id", format="uuid"),
            F("contact_id", format="uuid"),
            F("service_at_location_id", format="uuid"),
            F("number", required=True),
            F("extension", kind="number"),
            F("type"),
            F("description"),
        ),
        (
            ("contact_id", "contact"),
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
    ),
    "contacts": Table(
        "contact",
        (
            F("id", format="uuid"),
            F("organization_id", format="uuid"),
            F("service_id", format="uuid"),
            F("service_at_location_id", format="uuid"),
            F("location_id", format="uuid"),
            F("name"),
            F("title"),
            F("department"),
            F("email", format="email"),
        ),
        (
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
    ),
    "addresses": Table(
        "address",
        (
            F("id", format="uuid"),
            F("location_id", format="uuid"),
            F("attention"),
            F("address_1", required=True),
            F("address_2"),
            F("city", required=True),
            F("region"),
            F("state_province", required=True),
            F("postal_code", required=True),
            F("country", required=True),
            F("address_type", required=True, enum=("physical", "postal", "virtual")),
        ),
        (("location_id", "location"),),
    ),
    "schedules": Table(
        "schedule",
        (
            F("id", format="uuid"),
            F("service_id", format="uuid"),
            F("location_id", format="uuid"),
            F("service_at_location_id", format="uuid"),
            F("valid_from", kind="date"),
            F("valid_to", kind="date"),
            F("dtstart", kind="date"),
            F("timezone", kind="number"),
            F("until", kind="date"),
            F("count", kind="number"),
            F("wkst", enum=("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
            F("freq", enum=("WEEKLY", "MONTHLY")),
            F("interval", kind="number"),
            F("byday"),
            F("byweekno"),
            F("bymonthday"),
            F("byyearday"),
            F("description"),
            F("opens_at", kind="time"),
            F("closes_at", kind="time"),
            F("schedule_link", format="uri"),
            F("attending_type"),
            F("notes"),
        ),
        (("location_id", "location"), ("service_id", "service"), ("service_at_location_id", "service_at_location")),
    ),
    "funding": Table(
        "funding",
        (F("id", format="uuid"), F("organization_id", format="uuid"), F("service_id", format="uuid"), F("source")),
        (("organization_id", "organization"), ("service_id", "service")),
    ),
    "service_areas": Table(
        "service_area",
        (
            F("id", format="uuid"),
            F("service_id", format="uuid"),
            F("name"),
            F("description"),
            F("extent"),
            F("extent_type"),
            F("uri"),
        ),
        (("service_id", "service"),),
    ),
    "required_documents": Table(
        "required_document",
        (F("id", format="uuid"), F("service_id", format="uuid"), F("document"), F("uri", format="uri")),
        (("service_id", "service"),),
    ),
    "languages": Table(
        "language",
        (
            F("id", format="uuid"),
            F("service_id", format="uuid"),
            F("location_id", format="uuid"),
            F("phone_id", format="uuid"),
            F("name"),
            F("code"),
            F("note"),
        ),
        (("location_id", "location"), ("phone_id", "phone"), ("service_id", "service")),
    ),
    "accessibility": Table(
        "accessibility",
        (
            F("id", format="uuid"),
            F("location_id", format="uuid"),
            F("description"),
            F("details"),
            F("url", format="uri"),
        ),
        (("location_id", "location"),),
    ),
    "taxonomy_terms": Table(
        "taxonomy_term",
        (
            F("id", format="uuid"),
            F("code", unique=True),
            F("name", required=True),
            F("description", required=True),
            F("parent_id", format="uuid"),
            F("taxonomy"),
            F("language"),
            F("taxonomy_id", format="uuid"),
            F("term_uri", format="uri"),
        ),
        (("taxonomy_id", "taxonomy"),),
    ),
    "metadata": Table(
        "metadata",
        (
            F("id", format="uuid"),
            F("resource_id", format="uuid", required=True),
            F("resource_type", required=True),
            F("last_action_date", kind="date", required=True),
            F("last_action_type", required=True),
            F("field_name", required=True),
            F("previous_value", required=True),
            F("replacement_value", required=True),
            F("updated_by", required=True),
        ),
        (),
    ),
    "meta_table_descriptions": Table(
        "meta_table_description", (F("id", format="uuid"), F("name"), F("language"), F("character_set")), ()
    ),
    "cost_options": Table(
        "cost_option",
        (
            F("id", format="uuid"),
            F("service_id", format="uuid", required=True),
            F("valid_from", kind="date"),
            F("valid_to", kind="date"),
            F("option"),
            F("currency"),
            F("amount", kind="number"),
            F("amount_description"),
        ),
        (("service_id", "service"),),
    ),
    "organization_identifiers": Table(
        "organization_identifier",
        (
            F("id", format="uuid"),
            F("organization_id", format="uuid", required=True),
            F("identifier_scheme"),
            F("identifier_type", required=True),
            F("identifier", required=True),
        ),
        (("organization_id", "organization"),),
    ),
    "taxonomies": Table(
        "taxonomy",
        (
            F("id", format="uuid"),
            F("name", required=True),
            F("description", required=True),
            F("uri", format="uri"),
            F("version"),
        ),
        (),
    ),
}


def columns(table: str) -> list[str]:
    """The field names of one table (by file name without ".csv"), in the spec's order."""
    return [f.name for f in TABLES[table].fields]


def _field(spec: F) -> dict[str, Any]:
    found: dict[str, Any] = {"name": spec.name, "type": spec.kind}
    if spec.format:
        found["format"] = spec.format
    constraints: dict[str, Any] = {
        "required": spec.required or spec.name == "id",
        "unique": spec.unique or spec.name == "id",
    }
    if spec.enum:
        constraints["enum"] = list(spec.enum)
    found["constraints"] = constraints
    return found


def datapackage(title: str) -> dict[str, Any]:
    """The spec's tabular data package descriptor (without its prose) for a package of every HSDS 3.0 table."""
    resources = []
    for stem, table in TABLES.items():
        schema: dict[str, Any] = {"primaryKey": "id", "fields": [_field(f) for f in table.fields]}
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": name, "reference": {"resource": target, "fields": "id"}}
                for name, target in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.resource,
                "path": f"{stem}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": schema,
            }
        )
    return {
        "name": "human_services_data",
        "title": title,
        "profile": "tabular-data-package",
        "version": SPEC_VERSION,
        "license": LICENSE,
        "resources": resources,
    }
