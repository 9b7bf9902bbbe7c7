"""Which column of a source file goes into which column of ours: guesses by name, and reusable mapping files.

Besides the plain header -> column mapping, some headers play a part of their own, found by name here and read
by the CSV reader: phone label and extension columns (iCarol `Phone2Name` beside `Phone2Number`), the source's
taxonomy codes and terms, and its "keep this off the public website" flags.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from directory.interop.records import UnusableInput
from directory.schema import COLUMNS

# Header spellings per column, English and common Spanish ones (written without accents), compared with case,
# accents, spaces and punctuation removed. Each column's own name counts too. These are tried first, for every
# column, before the ambiguous headers below.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("resourceid",),
    "external_id": ("externalid", "resourceagencynum", "agencyid", "sourceid", "recordid", "resourcenum",
                    "programid", "serviceid", "slug", "uniqueid"),
    "name": ("publicname", "programname", "servicename", "resourcename", "title", "meetingname", "centername",
             "facilityname"),
    "organization": ("organizationname", "organisation", "organisationname", "org", "parentagency", "agency",
                     "provider", "providername", "group", "divisionname", "divisionna",
                     "organizacion", "nombredelaorganizacion", "agencia", "proveedor"),
    "description": ("agencydescription", "servicedescription", "programdescription", "about", "details",
                    "summary"),
    "category": ("categoryname", "servicecategory", "resourcetype",
                 "categoria", "tipodeservicio", "tipoderecurso"),
    "support_types": ("supporttype", "kindsofsupport", "kindofsupport"),
    "dimensions": ("recoverydimensions", "dimension"),
    "stages": ("stage", "treatmentstage"),
    "attendance": ("meetingformat", "format", "attendancemode",
                   "modalidad"),
    # Only our own column name: other "population" headers hold free text, which goes to eligibility.
    "populations": (),
    # Values are read by directory/interop/pathway_words.py; words it does not know go to review as written.
    "pathways": ("pathway", "recoverypathway", "recoverypathways", "approach", "recoveryapproach", "programtype",
                 "programtypes"),
    "eligibility": ("eligibilitytext", "whoiseligible", "eligibilityrequirements", "eligibilitycriteria",
                    "population", "targetpopulation", "populationsserved", "populationserved", "whoserved",
                    "whoisitfor",
                    "elegibilidad", "requisitos", "quienpuedeparticipar", "poblacion", "poblacionatendida"),
    "languages": ("language", "languagesoffered", "languagesspoken",
                  "idiomas", "idioma", "idiomasofrecidos"),
    "cost": ("fees", "fee", "costs", "paymentaccepted", "paymentsaccepted",
             "costo", "costos", "tarifa", "tarifas", "precio"),
    "accessibility": ("ada", "disabilityaccess", "accessibilityfeatures",
                      "accesibilidad"),
    "moud_welcome": ("moud", "matfriendly", "mouwelcome", "medicationwelcome"),
    "peer_run": ("peerled", "peerdelivered",
                 "dirigidoporpares"),
    "tags": ("keywords", "services", "types",
             "palabrasclave", "etiquetas"),
    "location_name": ("locationname", "location", "site", "sitename", "venue", "building",
                      "lugar", "sede", "nombredellugar"),
    "address": ("address1", "streetaddress", "street", "physicaladdress1", "physicaladdress", "addressline1",
                "address_1",
                "direccion", "domicilio", "calle", "direccionfisica"),
    "city": ("town", "physicalcity", "municipality", "locality",
             "ciudad", "municipio", "localidad"),
    "state": ("st", "province", "physicalstateprovince", "stateprovince", "region",
              "estado", "provincia"),
    "zip": ("zipcode", "postalcode", "postcode", "physicalpostalcode", "zip5",
            "codigopostal", "cp", "zonapostal"),
    "latitude": ("lat", "y",
                 "latitud"),
    "longitude": ("lon", "lng", "long", "x",
                  "longitud"),
    "location_confidential": ("physicaladdressisprivate", "addressisprivate", "privateaddress", "addressprivate",
                              "confidential", "confidentialaddress", "confidentiallocation", "addressconfidential",
                              "hideaddress"),
    "phone": ("phonenumber", "phonenumbe", "phonenum", "phoneno", "telephone", "telephonenumber", "tel",
              "mainphone", "mainphonenumber", "phone1number", "phone1", "contactphone", "officephone",
              "businessphone",
              "telefono", "numerodetelefono", "telefonoprincipal", "tel1"),
    "other_phones": ("otherphone", "otherphonenumbers", "additionalphones"),
    "website": ("url", "web", "websiteaddress", "homepage", "webpage", "link",
                "sitioweb", "paginaweb", "enlace"),
    "email": ("emailaddress", "emailaddressmain", "mail", "contactemail",
              "correo", "correoelectronico"),
    "hours": ("hoursofoperation", "openinghours", "hoursopen", "schedule",
              "horario", "horarios", "horasdeatencion", "horariodeatencion"),
    "event_start": ("startdate", "start", "starts", "startdatetime", "eventdate",
                    "fechadeinicio", "inicio"),
    "event_end": ("enddate", "end", "ends", "enddatetime",
                  "fechadefin", "fin"),
    "event_timezone": ("timezone", "tz",
                       "zonahoraria"),
    "recurrence_rule": ("rrule", "recurrence", "repeats"),
    "conference_url": ("meetinglink", "zoomlink", "joinurl", "onlinelink", "videolink",
                       "enlacedelareunion", "enlacevirtual"),
    # Only headers that say "dial in to the meeting": a numbered or labelled phone is never taken for one.
    "conference_phone": ("dialin", "dialinnumber", "callin", "callinnumber", "conferencenumber", "joinbyphone",
                         "zoomphone"),
    "status": ("agencystatus", "programstatus", "servicestatus", "recordstatus", "sitestatus",
               "estatus"),
    "name_es": ("nombreenespanol", "nombreespanol", "spanishname", "nameinspanish", "namespanish"),
    "description_es": ("descripcionenespanol", "descripcionespanol", "spanishdescription",
                       "descriptioninspanish", "descriptionspanish"),
    "last_verified": ("verified", "lastverifieddate", "lastverifiedon", "dateverified", "verifiedon",
                      "lastreviewed", "reviewedon",
                      "verificado", "fechadeverificacion", "ultimaverificacion"),
}
# Spanish headers for a name or description: the entry's own words when the file has no English column for
# them, its Spanish version (name_es, description_es) when it has.
SPANISH_OWN_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("nombre", "nombredelprograma", "nombredelservicio", "nombredelrecurso"),
    "description": ("descripcion", "descripciondelservicio", "descripciondelprograma", "acercade"),
}
# Headers that mean different things in different exports: each takes the first of its columns still free.
# "Agency Name" is the name in a plain list, but the organization when the file also has a program name.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "agencyname": ("name", "organization"),
    "notes": ("description", "hours_text"),
    "comments": ("description", "hours_text"),
    "comment": ("description", "hours_text"),
    "remarks": ("description", "hours_text"),
    "notas": ("description", "hours_text"),
    "comentarios": ("description", "hours_text"),
    "servicesoffered": ("description",),
    "servicesof": ("description",),
    "mailingaddress1": ("address",),
    "mailingcity": ("city",),
    "mailingstateprovince": ("state",),
    "mailingpostalcode": ("zip",),
    "borough": ("city",),
    "contact": ("phone",),
    # A file's update date stands in for its verification date only when there is no verification date.
    "updatedon": ("last_verified",),
    "updated": ("last_verified",),
    "lastupdated": ("last_verified",),
    "dateupdated": ("last_verified",),
    "lastmodified": ("last_verified",),
}
# The second address line goes into the address too, after the first line it belongs with.
ADDRESS_LINE_TWO: dict[str, str] = {
    "physicaladdress1": "physicaladdress2", "address1": "address2", "addressline1": "addressline2",
    "address_1": "address2", "mailingaddress1": "mailingaddress2", "streetaddress": "streetaddress2",
    "street": "street2",
}
# Single-purpose phone columns: the header says what the number is for. They go into other_phones with this
# label (the reader still picks the one number to call from all of them).
PHONE_LABELS: dict[str, str] = {
    **dict.fromkeys(("phonefax", "fax", "faxnumber", "faxphone", "phonenumberfax"), "Fax"),
    **dict.fromkeys(("phonetty", "tty", "ttynumber", "ttytdd", "tdd", "phonetdd", "phonenumbertty"), "TTY"),
    **dict.fromkeys(("phonetollfree", "tollfree", "tollfreenumber", "tollfreephone", "phonenumbertollfree"),
                    "Toll free"),
    **dict.fromkeys(("phonenumberhotline", "phonehotline", "hotline", "hotlinenumber", "hotlinephone",
                     "crisisline", "crisisphone"), "Hotline"),
    **dict.fromkeys(("phonenumberbusinessline", "phonebusinessline", "businessline"), "Business line"),
    **dict.fromkeys(("phonenumberoutofarea", "phoneoutofarea", "outofarea", "outofareaphone"), "Out of area"),
    **dict.fromkeys(("phonenumberafterhours", "phoneafterhours", "afterhours", "afterhoursphone",
                     "afterhoursnumber"), "After hours"),
    **dict.fromkeys(("intakephone", "intakenumber", "phoneintake", "phonenumberintake"), "Intake"),
    **dict.fromkeys(("cellphone", "cell", "mobile", "mobilephone"), "Mobile"),
    **dict.fromkeys(("textline", "textnumber"), "Text"),
}
# Numbered phones with columns of their own for the label and the extension (iCarol: Phone2Number, Phone2Name).
_NUMBERED_PHONE = re.compile(r"^phone(\d{1,2})(?:number|num|no)?$")
_PHONE_LABEL_PARTS = ("name", "description", "label", "type")
_PHONE_EXTENSION_PARTS = ("extension", "ext")
# The source's own classification: AIRS/211 codes, and taxonomy term names (read as words).
CODE_HEADERS = frozenset({"taxonomycodes", "taxonomycode", "airscodes", "airscode", "airstaxonomycodes"})
TERM_HEADERS = frozenset({"taxonomyterms", "taxonomyterm", "taxonomy", "taxonomytermnames", "airsterms",
                          "categories", "servicecategories"})
# The source keeps the record off its public website or directory. The value True means the header says the
# opposite ("available for directory: No" excludes).
EXCLUSION_HEADERS: dict[str, bool] = {
    **dict.fromkeys(("excludefromwebsite", "excludefromdirectory", "excludefrompublic", "hidefromwebsite",
                     "hidefrompublic", "hidefromdirectory", "donotpublish", "donotlist", "notpublic"), False),
    **dict.fromkeys(("availablefordirectory", "availableforwebsite", "showonwebsite", "publishonwebsite"), True),
}
# Our own export carries these: only then is a header "id" our id rather than the source's.
_OWN_EXPORT_MARKERS = frozenset({"externalid", "rowversion", "updatedat"})
_MANY_HEADERS_ALLOWED = frozenset({"other_phones"})
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_header(header: str) -> str:
    """A header without case, accents, spaces or punctuation, for comparing spellings ('Código postal' ->
    'codigopostal')."""
    folded = unicodedata.normalize("NFKD", header.strip().lstrip("\ufeff").casefold())
    return _NOT_WORD.sub("", "".join(c for c in folded if not unicodedata.combining(c)))


_PRIMARY: dict[str, str] = {normalise_header(column): column for column in COLUMNS} | {
    normalise_header(spelling): column for column, spellings in SYNONYMS.items() for spelling in spellings}


@dataclass(frozen=True)
class PhoneParts:
    """The columns that describe one phone number: its label columns, extension column, or a fixed label."""

    number: str
    labels: tuple[str, ...] = ()
    extension: str = ""
    fixed_label: str = ""


class ColumnMapping(dict[str, str]):
    """A mapping file's header -> column choices, with the fixed values it gives every row in `fixed`.

    It is a plain dict of the column choices, so every caller that takes a mapping takes this too.
    """

    def __init__(self, columns: Mapping[str, str] | None = None, fixed: Mapping[str, str] | None = None) -> None:
        super().__init__(columns or {})
        self.fixed: dict[str, str] = dict(fixed or {})


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Source header -> our column for the headers recognised; a column is given to the first header claiming it.

    Phone columns are the exception: the first plain phone header is `phone`, and every further one (numbered,
    fax, TTY, hotline ...) is `other_phones`; the reader then picks the number to call by its label.
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()

    def claim(header: str, column: str) -> None:
        if column == "phone" and "phone" in taken:
            column = "other_phones"
        if header not in mapping and (column not in taken or column in _MANY_HEADERS_ALLOWED):
            mapping[header] = column
            taken.add(column)

    normalised = [normalise_header(header) for header in headers]
    for header, name in zip(headers, normalised, strict=True):
        if name == "id" and not _OWN_EXPORT_MARKERS & set(normalised):
            continue  # a source's own "ID" is its id, not ours: it becomes the external id below
        if column := _PRIMARY.get(name):
            claim(header, column)
        elif name in PHONE_LABELS:
            claim(header, "other_phones")
        elif numbered := _NUMBERED_PHONE.match(name):
            claim(header, "phone" if numbered[1] == "1" else "other_phones")
    for header, name in zip(headers, normalised, strict=True):
        for column, words in SPANISH_OWN_WORDS.items():
            if name in words:
                claim(header, column if column not in taken else f"{column}_es")
    for header, name in zip(headers, normalised, strict=True):
        for column in AMBIGUOUS.get(name, ()) + (("external_id",) if name == "id" else ()):
            if header not in mapping and column not in taken:
                mapping[header] = column
                taken.add(column)
    by_name = dict(zip(normalised, headers, strict=True))
    for header in [h for h, column in mapping.items() if column == "address"]:
        second = by_name.get(ADDRESS_LINE_TWO.get(normalise_header(header), ""))
        if second and second not in mapping:
            mapping[second] = "address"
    return mapping


def phone_parts(headers: Sequence[str]) -> dict[str, PhoneParts]:
    """For each header that can hold a phone number, the columns holding its label and extension."""
    by_name = {normalise_header(header): header for header in headers}
    parts: dict[str, PhoneParts] = {}
    for header in headers:
        name = normalise_header(header)
        if numbered := _NUMBERED_PHONE.match(name):
            stem = f"phone{numbered[1]}"
            labels = tuple(by_name[stem + part] for part in _PHONE_LABEL_PARTS if stem + part in by_name)
            extension = next((by_name[stem + p] for p in _PHONE_EXTENSION_PARTS if stem + p in by_name), "")
            parts[header] = PhoneParts(header, labels, extension)
        elif name in PHONE_LABELS:
            parts[header] = PhoneParts(header, fixed_label=PHONE_LABELS[name])
    return parts


def code_headers(headers: Sequence[str]) -> dict[str, str]:
    """Headers holding the source's own classification: header -> "code" (AIRS codes) or "term" (term names)."""
    found = {}
    for header in headers:
        name = normalise_header(header)
        if name in CODE_HEADERS or name in TERM_HEADERS:
            found[header] = "code" if name in CODE_HEADERS else "term"
    return found


def exclusion_headers(headers: Sequence[str]) -> dict[str, bool]:
    """Headers by which the source keeps a record off its public listing: header -> whether "No" excludes."""
    return {header: EXCLUSION_HEADERS[name] for header in headers
            if (name := normalise_header(header)) in EXCLUSION_HEADERS}


def apply_overrides(guessed: Mapping[str, str], overrides: Mapping[str, str], headers: Sequence[str]) -> dict[str, str]:
    """The guesses with a mapping file's choices on top; an empty target skips that header.

    A guessed phone whose column the mapping file gives to another header stays, as one of the other phones.
    """
    check_targets(overrides)
    chosen = {c for c in overrides.values() if c and c not in _MANY_HEADERS_ALLOWED}
    mapping = {h: "other_phones" if c == "phone" and c in chosen else c for h, c in guessed.items()
               if h not in overrides and (c not in chosen or c == "phone")}
    mapping.update({h: c for h, c in overrides.items() if c and h in headers})
    return mapping


class MappingError(UnusableInput):
    """A column mapping (file) cannot be used: not JSON, the wrong shape, or naming columns we do not have."""


def check_targets(mapping: Mapping[str, str]) -> None:
    """Raise MappingError naming any target that is not one of our columns."""
    wrong = sorted({target for target in mapping.values() if target and target not in COLUMNS})
    if wrong:
        raise MappingError(f"the mapping names unknown columns: {', '.join(wrong)} "
                         "(see `python -m directory columns`)")


def load_mapping_text(text: str) -> ColumnMapping:
    """Read a mapping file's text: {"columns": {"Source header": "our column", "Skipped": ""}}.

    An optional "values": {"state": "NY", "category": "navigation"} gives every row those values in the
    columns the row leaves empty (it never overrides what a row gives).
    """
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise MappingError(f"the mapping file is not valid JSON ({error})") from None
    columns = document.get("columns") if isinstance(document, dict) else None
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingError('the mapping file must look like {"columns": {"Source header": "our column"}}')
    fixed = document.get("values", {})
    if not isinstance(fixed, dict) or not all(isinstance(v, str) for v in fixed.values()):
        raise MappingError('the mapping file\'s "values" must look like {"our column": "the value for every row"}')
    check_targets(columns)
    check_targets({column: column for column in fixed})
    return ColumnMapping({str(k): v for k, v in columns.items()}, {str(k): v for k, v in fixed.items()})


def load_mapping(path: Path) -> ColumnMapping:
    """Read a mapping file from disk."""
    return load_mapping_text(path.read_text(encoding="utf-8-sig"))


def mapping_json(mapping: Mapping[str, str], fixed: Mapping[str, str] | None = None) -> str:
    """A mapping (and any fixed values, by default the mapping's own) as the JSON text of a mapping file."""
    check_targets(mapping)
    fixed = getattr(mapping, "fixed", {}) if fixed is None else fixed
    check_targets({column: column for column in fixed})
    document: dict[str, dict[str, str]] = {"columns": dict(mapping)}
    if fixed:
        document["values"] = dict(fixed)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
