"""The recovery-pathway filter and badges through AppTest, on a small directory written by each test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory import taxonomy as tx
from directory.auth import Curator
from directory.store import Store
from tests.apps import APP
from tests.factories import make_record, shown

NOW = "2026-11-26T18:30"  # a Thursday evening, so the weekly events below have sittings this week
# Each entry's name says what it is; "Open Door" lists no pathway and must never be hidden by "any pathway".
ENTRIES: dict[str, dict[str, str]] = {
    "Secular Sunday Circle": {"pathways": "secular"},
    "Steps on Main": {"pathways": "twelve_step"},
    "Faith and Fellowship": {"pathways": "faith_based;twelve_step"},
    "Medication Friendly Drop-in": {"moud_welcome": "yes"},
    "Open Door Social": {},
}
EVENTS: dict[str, dict[str, str]] = {
    "Secular Thursday Meeting": {"pathways": "secular", "event_start": "2026-11-05T19:00",
                                 "event_end": "2026-11-05T20:00", "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH"},
    "Steps Friday Meeting": {"pathways": "twelve_step", "event_start": "2026-11-06T19:00",
                             "event_end": "2026-11-06T20:00", "recurrence_rule": "FREQ=WEEKLY;BYDAY=FR"},
}
_EVENT_HEAD = "** · "  # an event card opens with its bold times and zone, then the name


@pytest.fixture
def pathway_dir(empty_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A data folder holding only ENTRIES and EVENTS; returns each name's id."""
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    records = [make_record(name=name, tags="peer circle", **fields) for name, fields in {**ENTRIES, **EVENTS}.items()]
    added = Store(empty_dir).add_many(records, by=Curator("test", "curator"))
    return {row["name"]: row["id"] for row in added}


def _app(page: str = "pages/find.py", **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _card_names(at: AppTest) -> set[str]:
    """The names on Find's result cards (each card opens with its bold name, then its kind)."""
    return {shown(m.value.split("  \n")[0].strip("*")) for m in at.markdown
            if m.value.startswith("**") and "  \n" in m.value and not m.value.startswith("**Organization")}


def _event_names(at: AppTest) -> set[str]:
    return {shown(m.value.split(_EVENT_HEAD, 1)[1]) for m in at.markdown
            if m.value.startswith("**") and _EVENT_HEAD in m.value.split("\n", 1)[0]}


def _map_script(at: AppTest) -> str:
    components = at.get("component_instance")
    assert len(components) == 1
    return json.loads(components[0].proto.json_args)["script"]


def _pills(at: AppTest):
    pills = at.pills(key="f_paths")
    assert pills.options == [term.label for term in tx.PATHWAYS], "every pathway, in the taxonomy's order"
    return pills


def test_no_pathway_picked_shows_every_entry(pathway_dir: dict[str, str]) -> None:
    """'Any pathway' is the default and hides nothing, not even an entry that lists no pathway."""
    at = _app()
    assert not at.exception
    assert _pills(at).value == []
    assert _card_names(at) == set(pathway_dir)
    assert "path" not in at.query_params


def test_picking_a_pathway_pill_narrows_the_results_and_the_url(pathway_dir: dict[str, str]) -> None:
    """One pill keeps the entries on that pathway; a second widens to either; clearing shows every entry again."""
    at = _app()
    _pills(at).select("secular").run()
    assert not at.exception
    assert _card_names(at) == {"Secular Sunday Circle", "Secular Thursday Meeting"}
    assert at.query_params["path"] == "secular"
    assert any(c.value == "2 results." for c in at.caption)

    _pills(at).select("twelve_step").run()
    assert _card_names(at) == {"Secular Sunday Circle", "Secular Thursday Meeting", "Steps on Main",
                               "Faith and Fellowship", "Steps Friday Meeting"}
    assert at.query_params["path"] == ["secular", "twelve_step"]

    _pills(at).set_value([]).run()
    assert _card_names(at) == set(pathway_dir)
    assert "path" not in at.query_params


def test_a_pathway_in_the_url_is_picked_on_arrival(pathway_dir: dict[str, str]) -> None:
    """?path=secular opens Find with the Secular pill picked and the list already narrowed."""
    at = _app(path="secular")
    assert not at.exception
    assert _pills(at).value == ["secular"]
    assert _card_names(at) == {"Secular Sunday Circle", "Secular Thursday Meeting"}


def test_an_unknown_pathway_in_the_url_is_ignored(pathway_dir: dict[str, str]) -> None:
    """A mistyped or retired pathway key in a bookmark picks nothing and hides nothing."""
    at = _app(path=["no_such_pathway", "faith_based"])
    assert _pills(at).value == ["faith_based"]
    assert _card_names(at) == {"Faith and Fellowship"}


def test_moud_welcome_yes_is_found_by_the_medication_supportive_pathway(pathway_dir: dict[str, str]) -> None:
    """An entry saying 'Medication for OUD welcome: yes' is found under Medication-supportive without listing it."""
    at = _app()
    _pills(at).select(tx.MEDICATION_PATHWAY).run()
    assert _card_names(at) == {"Medication Friendly Drop-in"}
    card = next(m.value for m in at.markdown if "pathway-badge" in m.value)
    assert "Medication-supportive" in card


def test_the_card_shows_its_pathway_badges(pathway_dir: dict[str, str]) -> None:
    """A card carries one badge per pathway, labelled in plain words; an entry with no pathway carries none."""
    at = _app(q="faith")
    badges = [m for m in at.markdown if "pathway-badge" in m.value]
    assert len(badges) == 1
    assert badges[0].allow_html
    assert 'aria-label="Recovery pathways"' in badges[0].value
    assert ">Twelve-step</span>" in badges[0].value and ">Faith-based</span>" in badges[0].value
    assert badges[0].value.index("Twelve-step") < badges[0].value.index("Faith-based"), "the taxonomy's order"

    at = _app(q="open door")
    assert _card_names(at) == {"Open Door Social"}
    assert not [m for m in at.markdown if "pathway-badge" in m.value]


def test_the_detail_view_shows_the_pathway_badge(pathway_dir: dict[str, str]) -> None:
    """The detail view at ?id=... shows the same badges as the card."""
    at = _app(id=pathway_dir["Secular Sunday Circle"])
    assert not at.exception
    assert at.header[0].value == "Secular Sunday Circle"
    badges = [m.value for m in at.markdown if "pathway-badge" in m.value]
    assert len(badges) == 1 and ">Secular</span>" in badges[0]


def test_the_pathway_filter_narrows_the_map(pathway_dir: dict[str, str]) -> None:
    """A pathway picked on Find still applies on Map, which draws only the matching entries."""
    at = _app()
    _pills(at).select("secular").run()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert _pills(at).value == ["secular"]
    assert any(c.value.startswith("2 results on the map") for c in at.caption)
    script = _map_script(at)
    assert "Secular Sunday Circle" in script and "Steps on Main" not in script
    assert "Open Door Social" not in script

    _pills(at).set_value([]).run()
    assert any(c.value.startswith(f"{len(pathway_dir)} results on the map") for c in at.caption)
    assert "Open Door Social" in _map_script(at)


def test_the_pathway_filter_narrows_events(pathway_dir: dict[str, str]) -> None:
    """A pathway picked on Find still applies on Events, which lists only that pathway's sittings."""
    at = _app()
    _pills(at).select("twelve_step").run()
    at.switch_page("pages/events.py").run()
    at.radio(key="ev_view").set_value("This week").run()
    assert not at.exception
    assert _pills(at).value == ["twelve_step"]
    assert _event_names(at) == {"Steps Friday Meeting"}

    _pills(at).set_value([]).run()
    assert _event_names(at) == set(EVENTS)
    at.switch_page("pages/find.py").run()
    assert _pills(at).value == []
    assert _card_names(at) == set(pathway_dir)


def test_about_says_there_are_many_pathways_and_none_is_ranked(pathway_dir: dict[str, str]) -> None:
    """The About section says, in two sentences, that there are many pathways and the directory ranks none."""
    at = _app()
    about = next(e for e in at.expander if e.label == "About peer recovery support")
    text = "\n".join(m.value for m in about.markdown)
    paragraph = next(m.value for m in about.markdown if "pathway" in m.value.lower())
    assert paragraph.count(". ") + paragraph.endswith(".") == 2, paragraph
    assert "many pathways" in text.lower() or "many ways" in text.lower()
    assert "rank" in paragraph.lower()
    # Person-first and no advice: nobody is labelled by their use, and no pathway is put forward over another.
    assert not re.search(r"\b(addicts?|abusers?|you should|best|better)\b", paragraph.lower()), paragraph
