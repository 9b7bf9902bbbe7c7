"""The HSDS 3.0 tables the directory writes, declared once: field names and types, keys, and datapackage.json.

Field names and types follow the Open Referral HSDS 3.0 tabular schema; the declaration is ours.
"""

from __future__ import annotations

from typing import Any

# table -> ((field, type, required), ...); "id" is every table's primary key.
TABLES: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "organizations": (("id", "string", True), ("name", "string", True), ("alternate_name", "string", False),
                      ("description", "string", True), ("email", "string", False), ("website", "string", False)),
    "services": (("id", "string", True), ("organization_id", "string", True), ("name", "string", True),
                 ("alternate_name", "string", False), ("description", "string", False), ("url", "string", False),
                 ("email", "string", False), ("status", "string", True), ("fees_description", "string", False),
                 ("eligibility_description", "string", False), ("assured_date", "date", False),
                 ("assurer_email", "string", False), ("last_modified", "datetime", False)),
    "locations": (("id", "string", True), ("location_type", "string", True), ("url", "string", False),
                  ("organization_id", "string", False), ("name", "string", False),
                  ("description", "string", False), ("latitude", "number", False),
                  ("longitude", "number", False)),
    "addresses": (("id", "string", True), ("location_id", "string", False), ("attention", "string", False),
                  ("address_1", "string", True), ("address_2", "string", False), ("city", "string", True),
                  ("region", "string", False), ("state_province", "string", True),
                  ("postal_code", "string", True), ("country", "string", True), ("address_type", "string", True)),
    "phones": (("id", "string", True), ("location_id", "string", False), ("service_id", "string", False),
               ("number", "string", True), ("extension", "string", False), ("type", "string", False),
               ("description", "string", False)),
    "schedules": (("id", "string", True), ("service_id", "string", False), ("location_id", "string", False),
                  ("service_at_location_id", "string", False), ("dtstart", "date", False),
                  ("timezone", "number", False), ("until", "date", False), ("freq", "string", False),
                  ("interval", "integer", False), ("byday", "string", False), ("opens_at", "time", False),
                  ("closes_at", "time", False), ("description", "string", False),
                  ("attending_type", "string", False), ("notes", "string", False)),
    "service_at_location": (("id", "string", True), ("service_id", "string", True),
                            ("location_id", "string", True), ("description", "string", False)),
    "taxonomies": (("id", "string", True), ("name", "string", True), ("description", "string", True),
                   ("uri", "string", False), ("version", "string", False)),
    "taxonomy_terms": (("id", "string", True), ("code", "string", False), ("name", "string", True),
                       ("description", "string", True), ("parent_id", "string", False),
                       ("taxonomy", "string", False), ("taxonomy_id", "string", False)),
    "attributes": (("id", "string", True), ("link_id", "string", True), ("taxonomy_term_id", "string", True),
                   ("link_type", "string", False), ("link_entity", "string", True), ("value", "string", False),
                   ("label", "string", False)),
    "languages": (("id", "string", True), ("service_id", "string", False), ("location_id", "string", False),
                  ("name", "string", False), ("code", "string", False), ("note", "string", False)),
    "accessibility": (("id", "string", True), ("location_id", "string", False), ("description", "string", False),
                      ("details", "string", False), ("url", "string", False)),
    "cost_options": (("id", "string", True), ("service_id", "string", True), ("option", "string", False),
                     ("amount", "number", False), ("currency", "string", False),
                     ("amount_description", "string", False)),
}
# (table, field) -> the table whose id it names.
FOREIGN_KEYS: dict[tuple[str, str], str] = {
    ("services", "organization_id"): "organizations",
    ("service_at_location", "service_id"): "services",
    ("service_at_location", "location_id"): "locations",
    ("addresses", "location_id"): "locations",
    ("phones", "service_id"): "services",
    ("schedules", "service_id"): "services",
    ("taxonomy_terms", "taxonomy_id"): "taxonomies",
    ("attributes", "taxonomy_term_id"): "taxonomy_terms",
    ("languages", "service_id"): "services",
    ("accessibility", "location_id"): "locations",
    ("cost_options", "service_id"): "services",
}
_ENUMS: dict[tuple[str, str], list[str]] = {
    ("services", "status"): ["active", "inactive", "defunct", "temporarily closed"],
    ("locations", "location_type"): ["physical", "postal", "virtual"],
    ("addresses", "address_type"): ["physical", "postal", "virtual"],
    ("schedules", "freq"): ["WEEKLY", "MONTHLY"],
}


def columns(table: str) -> list[str]:
    """The field names of one table, in order."""
    return [name for name, _, _ in TABLES[table]]


def datapackage(title: str) -> dict[str, Any]:
    """A tabular data package descriptor for every table, with types, required fields and keys."""
    resources = []
    for table, fields in TABLES.items():
        schema_fields = []
        for name, kind, required in fields:
            field: dict[str, Any] = {"name": name, "type": kind}
            constraints: dict[str, Any] = {"required": True} if required else {}
            if (table, name) in _ENUMS:
                constraints["enum"] = _ENUMS[(table, name)]
            if constraints:
                field["constraints"] = constraints
            schema_fields.append(field)
        schema: dict[str, Any] = {"fields": schema_fields, "primaryKey": ["id"]}
        keys = [{"fields": [f], "reference": {"resource": target, "fields": ["id"]}}
                for (t, f), target in FOREIGN_KEYS.items() if t == table]
        if keys:
            schema["foreignKeys"] = keys
        resources.append({"name": table, "path": f"{table}.csv", "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema})
    return {"name": "hsds", "title": title, "profile": "tabular-data-package",
            "version": "3.0", "resources": resources}
