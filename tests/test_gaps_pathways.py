"""Gaps by recovery pathway: the kind, the counting (with search's meaning), the sample's gaps, the page, the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from directory import taxonomy as tx
from directory.auth import Curator
from directory.cli import main
from directory.config import DEFAULT_DATA_DIR
from directory.gaps import (
    GAP_COLUMNS,
    KIND_CHOICES,
    Kind,
    gap_report,
    gap_table,
    kind_text,
    pathway_masks,
    region_zips,
    resources_of,
)
from directory.search import Query, build_index, pathways_of, search
from directory.store import Store
from tests.apps import APP, counting
from tests.factories import valid_frame

SAMPLE = pd.read_csv(DEFAULT_DATA_DIR / "resources.csv", dtype=str, keep_default_na=False)
PATHWAY_KEYS = tx.keys(tx.PATHWAYS)


@pytest.mark.parametrize("term", tx.PATHWAYS, ids=lambda term: term.key)
def test_every_pathway_is_a_kind_the_page_offers(term: tx.Term) -> None:
    """'path:<key>' is in KIND_CHOICES as 'Pathway: <label>' and parses to that pathway alone."""
    choice = f"path:{term.key}"
    assert KIND_CHOICES[choice] == f"Pathway: {term.label}"
    assert Kind.parse(choice) == Kind(pathway=term.key)


@pytest.mark.parametrize(
    ("choice", "kind"),
    [("any", Kind()), ("type:affiliational", Kind(support_type="affiliational")),
     ("cat:support_group", Kind(category="support_group")), ("path:secular", Kind(pathway="secular")),
     ("path:family_friends", Kind(pathway="family_friends"))],
)
def test_parse_reads_each_prefix_as_its_own_kind(choice: str, kind: Kind) -> None:
    """A pathway key never leaks into the support type or category, nor they into the pathway."""
    assert Kind.parse(choice) == kind


@pytest.mark.parametrize(
    ("choice", "text"),
    [("path:secular", "secular support"), ("path:smart_cbt", "SMART Recovery or similar support"),
     ("path:buddhist", "Buddhist-inspired support"), ("path:family_friends", "support for family and friends"),
     ("path:all_recovery", "support open to all pathways"),
     ("path:medication_supportive", "support where people taking MOUD are welcome"),
     ("cat:child_care", "child care"), ("type:emotional", "emotional"), ("any", "any support")],
)
def test_a_kind_reads_well_inside_a_sentence(choice: str, text: str) -> None:
    """The page writes 'more than 10 miles from secular support'; the other kinds read as they did."""
    assert kind_text(choice) == text


def test_every_pathway_has_a_phrase_that_says_support_once() -> None:
    """No pathway falls back to the generic phrase, and none reads 'supportive support'."""
    for key in PATHWAY_KEYS:
        phrase = Kind(pathway=key).label()
        assert not phrase.startswith("support on the"), phrase
        assert phrase.count("support") == 1, phrase


MOUD_ONLY = {"category": "support_group", "moud_welcome": "yes"}
LISTED = {"category": "support_group", "pathways": "secular;medication_supportive"}


@pytest.mark.parametrize(
    ("record", "pathway", "counted"),
    [
        ({"pathways": "secular"}, "secular", True),
        ({"pathways": "twelve_step;family_friends"}, "family_friends", True),
        ({"pathways": "twelve_step"}, "secular", False),
        ({"pathways": ""}, "all_recovery", False),
        (MOUD_ONLY, "medication_supportive", True),  # the flag alone is the pathway, as in search
        (LISTED, "medication_supportive", True),
        ({"category": "support_group", "moud_welcome": "no"}, "medication_supportive", False),
        ({"category": "support_group", "moud_welcome": ""}, "medication_supportive", False),
        ({**MOUD_ONLY, "pathways": "secular"}, "secular", True),
        ({"pathways": "secular", "status": "inactive"}, "secular", False),
        ({"pathways": "secular", "status": "pending"}, "secular", False),
        ({"pathways": "secular", "latitude": "", "longitude": "", "attendance": "online",
          "conference_url": "https://meet.example.org/x"}, "secular", False),
    ],
)
def test_resources_of_a_pathway(record: dict[str, str], pathway: str, counted: bool) -> None:
    """Active, placed entries that list the pathway count; 'MOUD welcome: yes' counts as medication-supportive."""
    frame = valid_frame(record)
    assert len(resources_of(frame, Kind(pathway=pathway))) == int(counted)


@pytest.mark.parametrize("pathway", PATHWAY_KEYS)
def test_counting_a_pathway_matches_the_search_filter_on_the_sample(pathway: str) -> None:
    """Gaps counts exactly the entries a pathway search finds (active), less those with no place on the map."""
    found = search(build_index(SAMPLE), Query(pathways=(pathway,)))
    placed = found[(found["latitude"] != "") & (found["longitude"] != "")]
    counted = resources_of(SAMPLE, Kind(pathway=pathway))
    assert len(counted) > 0
    assert sorted(counted["id"]) == sorted(placed["id"])
    assert all(pathway in pathways_of(row) for row in counted.to_dict("records"))


def test_pathway_masks_hold_each_rows_pathways_and_an_empty_frame_has_none() -> None:
    """Bit i of a row's mask is the i-th pathway of pathways_of(row)."""
    masks = pathway_masks(SAMPLE)
    for row, mask in zip(SAMPLE.to_dict("records"), masks, strict=True):
        assert [key for i, key in enumerate(PATHWAY_KEYS) if mask >> i & 1] == pathways_of(row)
    assert masks.dtype == np.int64 and len(pathway_masks(SAMPLE.iloc[0:0])) == 0


def test_the_gaps_caches_see_the_pathway_columns() -> None:
    """The Gaps page keys its caches on GAP_COLUMNS, so an edit to pathways or MOUD welcome must change them."""
    assert {"pathways", "moud_welcome"} <= set(GAP_COLUMNS)


def _county_zips(county: str) -> set[str]:
    return set(region_zips(SAMPLE, ((county, "PA"),))["zip"])


@pytest.mark.parametrize("pathway", PATHWAY_KEYS)
def test_the_sample_has_every_pathway(pathway: str) -> None:
    """Each pathway has an active entry with a place, so each can be mapped."""
    assert len(resources_of(SAMPLE, Kind(pathway=pathway))) >= 2


@pytest.mark.parametrize("county", ["Bucks County", "Chester County"])
@pytest.mark.parametrize("pathway", ["secular", "buddhist"])
def test_the_sample_has_no_secular_or_buddhist_support_in_bucks_or_chester(county: str, pathway: str) -> None:
    """The deliberate gap: twelve-step support in the county, secular and Buddhist-inspired support none."""
    zips = _county_zips(county)
    assert not resources_of(SAMPLE, Kind(pathway=pathway))["zip"].isin(zips).any()
    assert resources_of(SAMPLE, Kind(pathway="twelve_step"))["zip"].isin(zips).any()


def test_the_gaps_page_finds_the_sample_s_secular_gap() -> None:
    """Measured at 10 miles, secular support leaves far more ZIP areas in a gap than twelve-step support."""
    secular = gap_report(SAMPLE, Kind(pathway="secular"), 10)
    twelve_step = gap_report(SAMPLE, Kind(pathway="twelve_step"), 10)
    assert secular.gap_share > twelve_step.gap_share + 0.2
    beyond = secular.table[secular.table["nearest_miles"] > 10]
    assert {"Bucks County", "Chester County"} <= set(beyond["county"])


def test_harm_reduction_support_in_the_sample_is_only_in_philadelphia_and_camden() -> None:
    """The second deliberate gap: harm-reduction friendly support only in the city and across the river."""
    found = resources_of(SAMPLE, Kind(pathway="harm_reduction"))
    region = region_zips(SAMPLE)
    counties = set(region.loc[region["zip"].isin(found["zip"]), "county"])
    assert counties == {"Philadelphia County", "Camden County"}


def test_the_sample_never_lists_medication_supportive_where_moud_is_not_welcome() -> None:
    """The pathway and the flag agree: never medication-supportive beside 'MOUD welcome: no'."""
    listed = SAMPLE["pathways"].str.split(";").apply(lambda keys: tx.MEDICATION_PATHWAY in keys)
    assert listed.any() and not (listed & (SAMPLE["moud_welcome"] == "no")).any()
    assert (~listed & (SAMPLE["moud_welcome"] == "yes")).any(), "some carry it through the flag alone"


def _gaps() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/gaps.py")
    return at.run()


def test_the_gaps_page_measures_a_pathway(sample_dir: Path) -> None:
    """Choosing 'Pathway: Secular' measures secular support: the caption, the map legend and the table say so."""
    at = _gaps()
    kinds = at.selectbox(key="g_kind")
    assert "Pathway: Secular" in kinds.options
    kinds.set_value("path:secular").run()
    assert not at.exception
    secular = resources_of(Store(sample_dir).read_raw(), Kind(pathway="secular"))
    assert any("ZIP areas are more than 10 miles from secular support." in c.value for c in at.caption)
    script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
    assert "Miles to the nearest: secular support" in script
    table = at.dataframe[0].value
    named = table["Nearest (name)"]
    assert set(named) <= set(secular["name"]) and table["Within 10 miles"].sum() > 0
    assert table["Miles to nearest"].iloc[0] > 10
    assert not at.warning


def test_a_pathway_edit_measures_the_page_anew(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing a pathway on an entry is an edit the Gaps page reads: it measures again and counts the entry."""
    from directory.ui import gaps_view

    measured = counting(monkeypatch, gaps_view, "gap_report")
    store = Store(sample_dir)
    frame = store.read_raw()
    bucks = frame[(frame["status"] == "active") & frame["zip"].isin(_county_zips("Bucks County"))
                  & (frame["moud_welcome"] != "no")].iloc[0]
    at = _gaps()
    at.selectbox(key="g_kind").set_value("path:buddhist").run()
    before = at.dataframe[0].value
    assert len(measured) == 2 and bucks["name"] not in set(before["Nearest (name)"])
    store.update(bucks["id"], {"pathways": "buddhist"}, base_version=bucks["row_version"],
                 by=Curator("lee", "curator"))
    at.run()
    assert len(measured) == 3 and not at.exception
    assert bucks["name"] in set(at.dataframe[0].value["Nearest (name)"])


def test_the_page_says_when_no_entry_follows_the_pathway(sample_dir: Path) -> None:
    """With no active Buddhist-inspired support, the warning names it and every area is a gap."""
    store = Store(sample_dir)
    frame = store.read_raw()
    frame["pathways"] = frame["pathways"].str.replace("buddhist", "", regex=False).str.strip(";")
    frame.to_csv(store.path, index=False)
    at = _gaps()
    at.selectbox(key="g_kind").set_value("path:buddhist").run()
    assert not at.exception
    assert at.warning[0].value == ("There is no active Buddhist-inspired support in the directory, so every area "
                                   "is a gap.")
    assert set(at.dataframe[0].value["Nearest (name)"]) == {"none"}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_gaps_command_takes_a_pathway(sample_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`gaps --pathway secular` measures to secular support only; a label works as well as a key."""
    code, out, err = _run(capsys, "gaps", "--data-dir", str(sample_dir), "--pathway", "secular",
                          "--threshold-miles", "10")
    assert code == 0
    rows = json.loads(out)
    secular = resources_of(Store(sample_dir).read_raw(), Kind(pathway="secular"))
    assert {row["nearest_id"] for row in rows} <= set(secular["id"])
    expected = gap_table(Store(sample_dir).read_raw(), Kind(pathway="secular"), 10)
    assert [row["zip"] for row in rows] == list(expected["zip"])
    assert max(row["nearest_miles"] for row in rows) > 10
    assert "within 10 miles of secular support" in err
    code, labelled, _ = _run(capsys, "gaps", "--data-dir", str(sample_dir), "--pathway", "Secular",
                             "--threshold-miles", "10")
    assert code == 0 and json.loads(labelled) == rows


def test_the_gaps_command_counts_moud_welcome_as_medication_supportive(
        sample_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An entry with 'MOUD welcome: yes' and no pathway listed is the nearest medication-supportive support."""
    store = Store(sample_dir)
    frame = store.read_raw()
    frame["pathways"] = frame["pathways"].str.replace(tx.MEDICATION_PATHWAY, "", regex=False).str.strip(";")
    frame.to_csv(store.path, index=False)
    code, out, _ = _run(capsys, "gaps", "--data-dir", str(sample_dir), "--pathway", "medication_supportive",
                        "--threshold-miles", "10", "--format", "csv")
    assert code == 0
    nearest = set(pd.read_csv(io.StringIO(out), dtype=str)["nearest_id"])
    moud = set(frame.loc[frame["moud_welcome"] == "yes", "id"])
    assert nearest and nearest <= moud


def test_the_gaps_command_names_the_pathways_when_one_is_unknown(
        sample_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown pathway is unusable input (exit 2), and the message lists the keys."""
    code, out, err = _run(capsys, "gaps", "--data-dir", str(sample_dir), "--pathway", "stoic",
                          "--threshold-miles", "10")
    assert code == 2 and out == ""
    assert "unknown pathway 'stoic'" in err and ", ".join(PATHWAY_KEYS) in err


def test_the_gaps_command_takes_one_kind_only(sample_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pathway and --any together are refused by the parser (exit 2)."""
    with pytest.raises(SystemExit) as stop:
        main(["gaps", "--data-dir", str(sample_dir), "--pathway", "secular", "--any", "--threshold-miles", "10"])
    assert stop.value.code == 2 and "not allowed with" in capsys.readouterr().err
