"""Recovery pathways in and out: Meeting Guide types, HSDS attributes, and the words of 211 and CSV sources."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from directory import taxonomy as tx
from directory.interop import meeting_guide_types as types
from directory.interop.column_mapping import guess_mapping
from directory.interop.csv_import import open_csv
from directory.interop.hsds import export_hsds, export_tables, read_hsds, validate_hsds
from directory.interop.importer import plan_import
from directory.interop.meeting_guide import meeting_guide_feed, read_meeting_guide
from directory.interop.pathway_words import WORDS, pathway_key, read_pathways
from directory.interop.salvage import salvage
from directory.schema import COLUMNS
from tests.factories import valid_frame

HERE = Path(__file__).parent
REAL_FEEDS = HERE / "fixtures" / "real" / "meeting_guide"
FEEDS = [*sorted(REAL_FEEDS.glob("*.json")), HERE / "fixtures" / "meeting_guide" / "feed.json"]
SPEC_EXAMPLE = HERE / "fixtures" / "real" / "hsds30_spec_examples"
EMPTY = pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
PATHWAY_CODES = frozenset(types.TYPE_PATHWAYS)


def _types(meeting: dict) -> set[str]:
    given = meeting.get("types") or []
    return {str(t).strip() for t in (given.split(",") if isinstance(given, str) else given)}


def _imported(feed: bytes) -> pd.DataFrame:
    """A feed through the whole import (salvage and validation included), as the store would hold it."""
    plan = plan_import(EMPTY, read_meeting_guide(feed))
    return pd.DataFrame([{**change.values, "id": f"r-{n}"} for n, change in enumerate(plan.added)],
                        columns=list(COLUMNS)).fillna("")


def _read_one(**meeting: object) -> dict[str, str]:
    (row,) = read_meeting_guide(json.dumps([{"name": "M", "day": 1, "time": "19:00", **meeting}]).encode())
    return row.values


@pytest.mark.parametrize(("codes", "pathways", "tags"), [
    (["O", "A"], "secular", "open meeting"),
    (["C", "AL-AN"], "family_friends", "closed meeting;concurrent with al-anon"),
    (["AL", "A"], "family_friends;secular", "concurrent with alateen"),
    (["O", "D", "B"], None, "open meeting;discussion;big book"),
])
def test_meeting_guide_types_that_imply_a_pathway_fill_pathways(codes: list[str], pathways: str | None,
                                                                tags: str) -> None:
    """A is the secular pathway (not a tag too); AL-AN and AL mean family and friends and keep their tags."""
    values = _read_one(types=codes)
    assert (values.get("pathways"), values.get("tags")) == (pathways, tags)


def test_the_spec_type_list_has_no_other_pathway_type() -> None:
    """Only the spec's own codes map: A, AL-AN and AL; no medication or twelve-step type exists to map."""
    assert set(types.TYPE_PATHWAYS) == {"A", "AL-AN", "AL"}
    assert set(types.TYPE_PATHWAYS.values()) <= {term.key for term in tx.PATHWAYS}
    assert types.PATHWAY_TYPES == {"secular": "A"}


@pytest.mark.parametrize("feed", FEEDS, ids=lambda p: p.name)
def test_a_feeds_pathway_types_survive_import_then_export_unchanged(feed: Path) -> None:
    """Every meeting that goes back out carries exactly the A, AL-AN and AL types it came in with."""
    source = {m.get("slug"): m for m in json.loads(feed.read_bytes()) if isinstance(m, dict)}
    stored = _imported(feed.read_bytes())
    exported = json.loads(meeting_guide_feed(stored))
    assert exported
    for meeting in exported:
        if meeting["slug"] in source:
            assert _types(meeting) & PATHWAY_CODES == _types(source[meeting["slug"]]) & PATHWAY_CODES, meeting["slug"]
    # Every meeting, those an import would hold for review too, when stored as read.
    rows = [row for row in read_meeting_guide(feed.read_bytes()) if row.values.get("event_start")]
    as_read = pd.DataFrame([{**dict.fromkeys(COLUMNS, ""), "status": "active", "id": f"m-{row.line}", **row.values}
                            for row in rows], columns=list(COLUMNS))
    by_slug = {m["slug"]: m for m in json.loads(meeting_guide_feed(as_read))}
    items = json.loads(feed.read_bytes())
    for row in rows:
        slug = row.values["external_id"]
        assert _types(by_slug[slug]) & PATHWAY_CODES == _types(items[row.line - 1]) & PATHWAY_CODES, slug
    # ... and the exported feed reads back to the same pathways.
    again = _imported(meeting_guide_feed(stored)).set_index("external_id")["pathways"].to_dict()
    before = stored.assign(key=stored["external_id"].where(stored["external_id"] != "", stored["id"]))
    shown = before[before["key"].isin(again)]
    assert {k: again[k] for k in shown["key"]} == dict(zip(shown["key"], shown["pathways"], strict=True))


@pytest.mark.parametrize(("name", "code", "pathway", "count"), [
    ("aasepia_secular.json", "A", "secular", 5),
    ("oc_aa_secular.json", "A", "secular", 3),
    ("edmonton_al_anon.json", "AL-AN", "family_friends", 4),
])
def test_real_secular_and_al_anon_meetings_get_their_pathway_and_no_other(name: str, code: str, pathway: str,
                                                                          count: int) -> None:
    """SEPIA's and Orange County's secular meetings, Edmonton's meetings held with Al-Anon: one pathway each."""
    rows = read_meeting_guide((REAL_FEEDS / name).read_bytes())
    assert len(rows) == count
    assert [row.values.get("pathways") for row in rows] == [pathway] * count
    stored = _imported((REAL_FEEDS / name).read_bytes())
    assert (stored["pathways"] == pathway).sum() == len(stored) > 0
    assert all(code in m["types"] for m in json.loads(meeting_guide_feed(stored)))


def test_a_meeting_guide_feed_never_makes_an_entry_twelve_step_by_itself() -> None:
    """The format carries AA and Al-Anon feeds alike and has no twelve-step type, so nothing is assumed."""
    for feed in FEEDS:
        for row in read_meeting_guide(feed.read_bytes()):
            assert "twelve_step" not in row.values.get("pathways", ""), (feed.name, row.line)


def test_pathways_without_a_type_code_travel_in_the_directory_object_and_read_back() -> None:
    """Secular goes out as A; twelve-step and family and friends have no code of their own, and still come back."""
    frame = valid_frame({"name": "Tuesday Circle", "pathways": "twelve_step;secular;family_friends",
                         "event_start": "2026-01-06T19:00", "event_end": "2026-01-06T20:00",
                         "event_timezone": "America/New_York", "recurrence_rule": "FREQ=WEEKLY;BYDAY=TU",
                         "category": "support_group", "support_types": "emotional;affiliational",
                         "tags": "secular"})  # an older import's tag for A: still A, said once
    (meeting,) = json.loads(meeting_guide_feed(frame))
    assert meeting["types"].count("A") == 1 and not PATHWAY_CODES - {"A"} & set(meeting["types"])
    assert meeting["directory"]["pathways"] == "twelve_step;secular;family_friends"
    (row,) = read_meeting_guide(meeting_guide_feed(frame))
    assert row.values["pathways"] == "twelve_step;secular;family_friends"


def test_hsds_export_carries_pathways_as_attributes_and_reads_back_without_loss(tmp_path: Path) -> None:
    """One attribute per pathway under our taxonomy's 'pathways:<key>' term; the package stays valid."""
    frame = valid_frame({"name": "Dharma Night", "pathways": "buddhist;all_recovery"},
                        {"name": "Family Room", "pathways": "family_friends", "moud_welcome": "yes"},
                        {"name": "No Pathway Said"})
    tables = export_tables(frame)
    codes = {t["id"]: t["code"] for t in tables["taxonomy_terms"]}
    assert {f"pathways:{term.key}" for term in tx.PATHWAYS} <= set(codes.values())
    linked = sorted(codes[a["taxonomy_term_id"]] for a in tables["attributes"] if a["link_type"] == "pathways")
    assert linked == ["pathways:all_recovery", "pathways:buddhist", "pathways:family_friends"]
    written = export_hsds(frame, tmp_path / "package")
    assert validate_hsds(written) == []
    back = {row.values["name"]: row.values.get("pathways", "") for row in read_hsds(written)}
    assert back == {"Dharma Night": "buddhist;all_recovery", "Family Room": "family_friends", "No Pathway Said": ""}


def test_an_hsds_term_named_as_a_pathway_maps_and_stays_a_tag(tmp_path: Path) -> None:
    """Another taxonomy's term called 'SMART Recovery' (the spec's example package, term renamed) is smart_cbt."""
    package = shutil.copytree(SPEC_EXAMPLE, tmp_path / "package")
    service_id = next(csv.DictReader((package / "services.csv").open(encoding="utf-8")))["id"]
    _rewrite(package / "taxonomy_terms.csv", name="SMART Recovery")
    _rewrite(package / "attributes.csv", link_id=service_id, link_entity="service")
    (row,) = read_hsds(package)
    assert row.values["pathways"] == "smart_cbt" and "SMART Recovery" in row.values["tags"]


def _rewrite(path: Path, **changes: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, **changes} for r in rows)


@pytest.mark.parametrize("header", ["Pathway", "Pathways", "Recovery pathway", "Recovery Pathways", "Approach",
                                    "Program type", "program_types"])
def test_pathway_headers_map_to_the_pathways_column(header: str) -> None:
    """The usual spellings of a pathway column are found by name."""
    assert guess_mapping(["Name", header])[header] == "pathways"


@pytest.mark.parametrize(("word", "key"), [
    ("12 Step", "twelve_step"), ("twelve-step", "twelve_step"), ("AA", "twelve_step"), ("A.A.", "twelve_step"),
    ("NA", "twelve_step"), ("SMART Recovery", "smart_cbt"), ("Secular", "secular"), ("faith-based", "faith_based"),
    ("Celebrate Recovery", "faith_based"), ("Refuge Recovery", "buddhist"), ("Recovery Dharma", "buddhist"),
    ("Al-Anon", "family_friends"), ("Nar-Anon", "family_friends"), ("Harm reduction", "harm_reduction"),
    ("MOUD", "medication_supportive"), ("MAT friendly", "medication_supportive"),
    ("All pathways", "all_recovery"), ("SMART Recovery and similar", "smart_cbt"), ("smart_cbt", "smart_cbt"),
    ("spiritual", None), ("MAT", None), ("recovery", None), ("family", None), ("CA", None),
])
def test_only_unambiguous_words_name_a_pathway(word: str, key: str | None) -> None:
    """The listed words (and our own keys and labels) name a pathway; a word that could mean more does not."""
    assert pathway_key(word) == key


def test_every_word_names_a_pathway_of_the_taxonomy() -> None:
    """The one word list points only at pathways the taxonomy defines."""
    assert set(WORDS.values()) == {term.key for term in tx.PATHWAYS}
    assert read_pathways("12-step; SMART Recovery, Wellbriety | AA") == (["twelve_step", "smart_cbt"],
                                                                          ["Wellbriety"])


def test_a_pathway_word_the_directory_cannot_read_is_kept_as_text_for_review() -> None:
    """'Wellbriety' is not guessed: the known words are read, the rest waits in the review notes as written."""
    values, findings = salvage({"name": "X", "pathways": "Secular, Wellbriety; harm reduction"})
    assert values["pathways"] == "secular;harm_reduction"
    (finding,) = findings
    assert (finding.reason, finding.column) == ("unreadable_value", "pathways") and "'Wellbriety'" in finding.note


def test_a_csv_with_a_program_type_column_imports_pathways_and_sends_the_rest_to_review(tmp_path: Path) -> None:
    """A spreadsheet's 'Program Type' column: known words become pathways, an unknown one goes to review."""
    sheet = tmp_path / "groups.csv"
    sheet.write_text("Name,City,State,ZIP,Program Type\n"
                     "Harbor SMART Group,Philadelphia,PA,19104,SMART Recovery\n"
                     "Tuesday Al-Anon,Philadelphia,PA,19104,Al-Anon; 12 step\n"
                     "Sunrise Circle,Philadelphia,PA,19104,Wellbriety\n", encoding="utf-8")
    plan = plan_import(EMPTY, open_csv(sheet).rows())
    found = {c.name: c.values for c in plan.added}
    assert found["Harbor SMART Group"]["pathways"] == "smart_cbt"
    assert found["Tuesday Al-Anon"]["pathways"] == "family_friends;twelve_step"
    assert found["Sunrise Circle"]["pathways"] == ""
    assert "unreadable_value" in found["Sunrise Circle"]["review_reasons"]
    assert "Wellbriety" in found["Sunrise Circle"]["review_notes"]


def test_the_pathways_document_lists_every_pathway_and_every_word() -> None:
    """docs/pathways.md explains each pathway as the taxonomy does and shows the word list as the code has it."""
    text = (HERE.parent / "docs" / "pathways.md").read_text(encoding="utf-8")
    for term in tx.PATHWAYS:
        assert f"| `{term.key}` | {term.label} | {term.explanation} |" in text
        words = ", ".join(f'"{w}"' for w, k in WORDS.items() if k == term.key)
        assert f"| `{term.key}` | {words} |" in text
    for code, meaning in (("A", "Secular"), ("AL-AN", "Concurrent with Al-Anon"), ("AL", "Concurrent with Alateen")):
        assert f"| `{code}` | {meaning} |" in text and code in types.TYPE_PATHWAYS
