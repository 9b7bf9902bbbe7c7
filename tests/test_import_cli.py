"""`python -m directory import` and `export`: round trips for every format, exit codes, nothing lost."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar

from directory.cli import main
from directory.privacy import listable, public_view
from directory.store import Store

MANAGED = ["row_version", "created_at", "created_by", "updated_at", "updated_by"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _held(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=MANAGED).sort_values("id").reset_index(drop=True)


@pytest.mark.parametrize(("fmt", "name"), [("csv", "export.csv"), ("hsds", "package.zip"), ("hsds", "package")])
def test_export_then_import_into_an_empty_folder_gives_back_every_field(
        sample_dir: Path, tmp_path: Path, capsys, fmt: str, name: str) -> None:
    """The whole sample comes back field for field: the CSV backup exactly, the public HSDS package as the public view.

    The HSDS package is public, so a confidential entry goes out (and comes back) without its street, venue or
    precise coordinates.
    """
    out = tmp_path / name
    assert _run(capsys, "export", "--format", fmt, "--out", str(out), "--data-dir", str(sample_dir))[0] == 0
    fresh = tmp_path / "fresh"
    code, summary, _ = _run(capsys, "import", str(out), "--data-dir", str(fresh), "--by", "dana")
    original = Store(sample_dir).read_raw()
    if fmt == "hsds":  # a public package: nothing waiting for review, confidential places at ZIP level
        original = public_view(listable(original)).reset_index(drop=True)
    public = int((original["status"] == "active").sum())
    pending = int((original["status"] == "pending").sum())
    assert (code, summary.strip()) == (0, f"imported: {len(original)} added, 0 updated, 0 unchanged, 0 rejected; "
                                          f"{public} public, {pending} pending review, "
                                          f"{len(original) - public - pending} retired")
    pd.testing.assert_frame_equal(_held(Store(fresh).read_raw()), _held(original))
    again = _run(capsys, "import", str(out), "--data-dir", str(fresh))
    assert again[:2] == (0, f"imported: 0 added, 0 updated, {len(original)} unchanged, 0 rejected; "
                            f"{public} public, {pending} pending review, {len(original) - public - pending} retired\n")


def test_meeting_guide_feed_round_trips_the_weekly_meetings(sample_dir: Path, tmp_path: Path, capsys) -> None:
    """Every active weekly meeting is in the feed, and importing the feed elsewhere gives the same meetings."""
    feed = tmp_path / "meetings.json"
    code = _run(capsys, "export", "--format", "meeting-guide", "--out", str(feed), "--data-dir", str(sample_dir))[0]
    assert code == 0
    meetings = json.loads(feed.read_text(encoding="utf-8"))
    original = Store(sample_dir).read_raw()
    # Retired meetings go out too, with the TC (temporarily closed) type, and come back retired.
    weekly = original[original["status"].isin(("active", "inactive"))
                      & original["recurrence_rule"].str.contains("FREQ=WEEKLY")]
    assert len(meetings) == len(weekly) > 0
    fresh = tmp_path / "fresh"
    code, summary, _ = _run(capsys, "import", str(feed), "--data-dir", str(fresh))
    assert code == 0 and summary.startswith(f"imported: {len(weekly)} added, 0 updated, 0 unchanged, 0 rejected; ")
    back = Store(fresh).read_raw().set_index("external_id")
    for _, meeting in weekly.iterrows():
        twin = back.loc[meeting["external_id"] or meeting["id"]]
        for column in ("name", "recurrence_rule", "event_timezone", "address", "zip", "conference_url"):
            assert twin[column] == meeting[column], column
        assert twin["event_start"][11:] == meeting["event_start"][11:]


def test_ics_export_holds_one_event_per_active_event(sample_dir: Path, tmp_path: Path, capsys) -> None:
    """The calendar has a VEVENT for every active entry with an event start, with its rule."""
    out = tmp_path / "events.ics"
    assert _run(capsys, "export", "--format", "ics", "--out", str(out), "--data-dir", str(sample_dir))[0] == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    frame = Store(sample_dir).read_raw()
    expected = frame[(frame["status"] == "active") & (frame["event_start"] != "")]
    assert len(events) == len(expected) > 0
    assert any(event.get("rrule") for event in events)


def test_a_hostile_file_is_salvaged_and_only_a_nameless_row_is_rejected(
        empty_dir: Path, tmp_path: Path, capsys) -> None:
    """A malicious file: good rows come in, bad values wait for review as text, nothing crashes, exit 1."""
    source = tmp_path / "mixed.csv"
    rows = [
        ["Name", "Category", "Phone", "Website", "Latitude", "Longitude", "Description"],
        ["Harbor House", "recovery_housing", "215-555-0101", "https://example.org/harbor", "", "", "Beds for 6"],
        ["=HYPERLINK(\"http://x\",\"click\")", "sober_social", "", "", "", "", "formula name"],
        ["<script>alert(1)</script> Night", "sober_social", "", "", "", "", "kept as text"],
        ["Bad Link", "sober_social", "", "javascript:alert(1)", "", "", ""],
        ["Far Away", "sober_social", "", "", "123", "-75", ""],
        ["", "sober_social", "", "", "", "", "no name"],
        ["Huge", "sober_social", "", "", "", "", "x" * 1_000_000],
    ]
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    rejects = tmp_path / "rejects.csv"
    code, summary, err = _run(capsys, "import", str(source), "--rejects", str(rejects), "--by", "dana",
                              "--data-dir", str(empty_dir))
    assert (code, summary) == (1, "imported: 6 added, 0 updated, 0 unchanged, 1 rejected; "
                                  "3 public, 3 pending review, 0 retired\n")
    report = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [r["source_row"] for r in report] == ["6"] and "name" in report[0]["reasons"]
    stored = Store(empty_dir).read_raw().set_index("name")
    assert stored.loc["<script>alert(1)</script> Night", "status"] == "active"
    assert stored.loc["Bad Link", "website"] == "" and "'javascript:alert(1)'" in stored.loc["Bad Link", "review_notes"]
    assert stored.loc["Far Away", "review_reasons"] == "bad_location" and stored.loc["Far Away", "latitude"] == ""
    assert stored.loc["Huge", "status"] == "pending" and len(stored.loc["Huge", "description"]) == 10_000
    assert "needs review (value kept as text): 2" in err
    assert str(rejects) in err


def test_all_or_nothing_and_dry_run_leave_the_store_unchanged(sample_dir: Path, tmp_path: Path, capsys) -> None:
    """With a rejected row, --all-or-nothing writes nothing; --dry-run never writes."""
    source = tmp_path / "two.csv"
    source.write_text("name,category,zip\nNew Circle,support_group,19104\n,sober_social,19104\n", encoding="utf-8")
    before = (sample_dir / "resources.csv").read_bytes()
    code, summary, err = _run(capsys, "import", str(source), "--all-or-nothing", "--rejects",
                              str(tmp_path / "r.csv"), "--data-dir", str(sample_dir))
    assert (code, summary) == (1, "imported: 0 added, 0 updated, 0 unchanged, 1 rejected; "
                                  "0 public, 0 pending review, 0 retired\n")
    assert "nothing was written" in err
    code, summary, err = _run(capsys, "import", str(source), "--dry-run", "--rejects", str(tmp_path / "r.csv"),
                              "--data-dir", str(sample_dir))
    assert (code, summary) == (1, "imported: 1 added, 0 updated, 0 unchanged, 1 rejected; "
                                  "1 public, 0 pending review, 0 retired\n")
    assert "would add: New Circle" in err
    assert (sample_dir / "resources.csv").read_bytes() == before


@pytest.mark.parametrize("content", [b"\x00\x01\x02\xff" * 200, b"", b"PK\x03\x04 not really a zip"])
def test_unusable_input_exits_2_with_a_message_and_the_store_unchanged(
        sample_dir: Path, tmp_path: Path, capsys, content: bytes) -> None:
    """Binary junk, an empty file and a broken zip are refused with exit code 2."""
    source = tmp_path / "junk.csv"
    source.write_bytes(content)
    before = (sample_dir / "resources.csv").read_bytes()
    code, out, err = _run(capsys, "import", str(source), "--data-dir", str(sample_dir))
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and "nothing was imported" in err
    assert (sample_dir / "resources.csv").read_bytes() == before


def test_a_mapping_file_overrides_the_guesses(empty_dir: Path, tmp_path: Path, capsys) -> None:
    """A column the guesses would miss is imported through the mapping file; a bad mapping exits 2."""
    source = tmp_path / "odd.csv"
    source.write_text("Program Title,Kind,Where\nSunday Sober Hike,sober_social,19063\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"Program Title": "name", "Kind": "category", "Where": "zip"}}))
    code, summary, _ = _run(capsys, "import", str(source), "--mapping", str(mapping), "--data-dir", str(empty_dir))
    assert (code, summary) == (0, "imported: 1 added, 0 updated, 0 unchanged, 0 rejected; "
                                  "1 public, 0 pending review, 0 retired\n")
    row = Store(empty_dir).read_raw().iloc[0]
    assert (row["name"], row["zip"], row["geocode_quality"]) == ("Sunday Sober Hike", "19063", "zip_centroid")
    mapping.write_text(json.dumps({"columns": {"Program Title": "no_such_column"}}))
    assert _run(capsys, "import", str(source), "--mapping", str(mapping), "--data-dir", str(empty_dir))[0] == 2


def test_inferred_classification_is_marked_in_the_cli_report(empty_dir: Path, tmp_path: Path, capsys) -> None:
    """A row without a category gets one from its words, and the CLI says so."""
    source = tmp_path / "plain.csv"
    source.write_text("Agency Name,Description,Zip\nMain Line Sober Living,A recovery house for men,19003\n",
                      encoding="utf-8")
    code, summary, err = _run(capsys, "import", str(source), "--data-dir", str(empty_dir))
    assert code == 0 and "1 added" in summary
    assert "row 1: inferred category" in err
    assert Store(empty_dir).read_raw().iloc[0]["category"] == "recovery_housing"


def _deep_json() -> bytes:
    return b"[" * 10_000 + b"]" * 10_000


def _utf16_tabbed() -> bytes:
    text = "Name\tCategory\tZip\r\nCaf\u00e9 Sobrio\tsober_social\t19104\r\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


@pytest.mark.parametrize(("name", "content", "code"), [
    ("deep.json", _deep_json(), 2),
    ("not-a-feed.json", b'{"meetings": 3}', 2),
    ("unicode-text.txt", _utf16_tabbed(), 0),
])
def test_hostile_or_unusual_files_end_in_a_message_and_a_documented_exit_code(
        sample_dir: Path, tmp_path: Path, capsys, name: str, content: bytes, code: int) -> None:
    """Deep nesting and a non-feed end with exit 2 and the store untouched; Excel's UTF-16 text is read."""
    source = tmp_path / name
    source.write_bytes(content)
    before = (sample_dir / "resources.csv").read_bytes()
    got, _out, err = _run(capsys, "import", str(source), "--data-dir", str(sample_dir))
    assert got == code, err
    if code == 2:
        assert err.startswith(f"error: {source}: ") and "Traceback" not in err
        assert (sample_dir / "resources.csv").read_bytes() == before
    else:
        assert "Café Sobrio" in set(Store(sample_dir).read_raw()["name"])


def test_a_zip_bomb_with_one_huge_cell_is_refused_with_exit_2(
        sample_dir: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """An HSDS zip whose services.csv holds a cell over the limit ends in a message, not a traceback."""
    import zipfile

    from directory.interop import hsds

    monkeypatch.setattr(hsds, "MAX_CELL", 1_000)  # the real limit is 128 KB; the shape of the attack is the same
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", "id,name,description\n1,Huge,\"" + "A" * 50_000 + "\"\n")
    before = (sample_dir / "resources.csv").read_bytes()
    code, out, err = _run(capsys, "import", str(bomb), "--data-dir", str(sample_dir))
    assert (code, out) == (2, "") and "services.csv" in err and "Traceback" not in err
    assert (sample_dir / "resources.csv").read_bytes() == before


@pytest.mark.parametrize(("fmt", "name"), [("csv", "export.csv"), ("hsds", "package.zip"),
                                           ("meeting-guide", "meetings.json"), ("ics", "events.ics")])
def test_every_export_reimports_into_its_own_store_with_nothing_changed(
        sample_dir: Path, tmp_path: Path, capsys, fmt: str, name: str) -> None:
    """Export the sample in each format, import it back into the same folder: 0 added, 0 updated, same bytes."""
    out = tmp_path / name
    assert _run(capsys, "export", "--format", fmt, "--out", str(out), "--data-dir", str(sample_dir))[0] == 0
    before = (sample_dir / "resources.csv").read_bytes()
    code, summary, _ = _run(capsys, "import", str(out), "--data-dir", str(sample_dir), "--by", "dana")
    assert code == 0 and " 0 added, 0 updated, " in summary and " 0 rejected" in summary, summary
    assert (sample_dir / "resources.csv").read_bytes() == before
