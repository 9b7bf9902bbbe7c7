"""The command line: validate, search, export, snapshots and restore, with their exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from directory.auth import Curator
from directory.cli import main
from directory.store import Store
from tests.factories import make_record

ROOT = Path(__file__).resolve().parent.parent


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_passes_on_the_sample(sample_dir: Path, capsys) -> None:
    """The shipped sample is valid: exit 0 and nothing listed."""
    code, out, err = _run(capsys, "validate", "--data-dir", str(sample_dir))
    assert code == 0
    assert out == ""
    assert "with problems" in err


def test_validate_lists_each_bad_row_and_exits_1(sample_dir: Path, capsys) -> None:
    """Bad rows are listed with row number, id, field and reason."""
    path = sample_dir / "resources.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[2, "website"] = "javascript:alert(1)"
    frame.loc[5, "name"] = ""
    frame.to_csv(path, index=False)
    code, out, _ = _run(capsys, "validate", str(path))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].split("\t") == ["row 4", f"id {frame.loc[2, 'id']}", "website",
                                    "only http:// and https:// links are allowed"]
    assert lines[1].startswith("row 7\t") and "\tname\tis required" in lines[1]


def test_validate_of_a_missing_or_broken_file_exits_2(tmp_path: Path, capsys) -> None:
    """Unusable input gets a clear message and exit code 2."""
    code, _, err = _run(capsys, "validate", str(tmp_path / "nope.csv"))
    assert code == 2 and "no file" in err
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"id,name\n1,\xff\xfe bad bytes\n")
    code, _, err = _run(capsys, "validate", str(broken))
    assert code == 2 and "UTF-8" in err


def test_search_json_near_a_zip_is_sorted_within_the_radius(sample_dir: Path, capsys) -> None:
    """JSON results carry the documented keys and come nearest first, inside the radius."""
    code, out, err = _run(capsys, "search", "--data-dir", str(sample_dir), "--near", "19104",
                          "--radius-miles", "5", "--format", "json")
    assert code == 0
    results = json.loads(out)
    assert results, "the sample has resources near 19104"
    keys = {"id", "name", "category", "support_types", "lat", "lon", "distance_miles", "address", "phone",
            "website", "last_verified"}
    assert keys <= set(results[0])
    distances = [r["distance_miles"] for r in results]
    assert distances == sorted(distances) and distances[-1] <= 5
    assert all(isinstance(r["support_types"], list) for r in results)
    assert "near 19104" in err


def test_search_filters_by_support_type_category_and_text(sample_dir: Path, capsys) -> None:
    """Repeatable --support-type and --category, --text and --limit all apply."""
    code, out, _ = _run(capsys, "search", "--data-dir", str(sample_dir), "--support-type", "affiliational",
                        "--category", "sober_social", "--format", "json", "--limit", "3")
    assert code == 0
    results = json.loads(out)
    assert len(results) == 3
    assert all(r["category"] == "sober_social" and "affiliational" in r["support_types"] for r in results)
    assert all(r["distance_miles"] is None for r in results)


def test_search_lists_inactive_only_when_asked(sample_dir: Path, capsys) -> None:
    """Retired entries appear only with --include-inactive."""
    _, out, _ = _run(capsys, "search", "--data-dir", str(sample_dir), "--format", "json")
    _, out_all, _ = _run(capsys, "search", "--data-dir", str(sample_dir), "--format", "json",
                         "--include-inactive")
    assert {r["status"] for r in json.loads(out)} == {"active"}
    assert "inactive" in {r["status"] for r in json.loads(out_all)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--near", "xxxxx"), "We couldn't find 'xxxxx' — try a 5-digit ZIP or City, ST"),
        (("--support-type", "spiritual"), "unknown support type 'spiritual'"),
        (("--near", "19104", "--radius-miles", "0"), "must be more than 0"),
    ],
)
def test_search_with_unusable_input_exits_2(sample_dir: Path, capsys, args: tuple[str, ...], message: str) -> None:
    """An unknown place or value is a clear message and exit code 2."""
    code, out, err = _run(capsys, "search", "--data-dir", str(sample_dir), *args)
    assert code == 2
    assert message in err
    assert out == ""


def test_search_table_output_has_a_header(sample_dir: Path, capsys) -> None:
    """The default output is a readable table."""
    code, out, _ = _run(capsys, "search", "--data-dir", str(sample_dir), "--near", "Media, PA", "--limit", "2")
    assert code == 0
    assert out.splitlines()[0].split() == ["miles", "name", "category", "address", "phone"]
    assert len(out.splitlines()) == 3


def test_export_writes_every_row_with_formulas_neutralised(empty_dir: Path, tmp_path: Path, capsys) -> None:
    """Export keeps every row and column; a formula-looking cell is prefixed, numbers stay numbers."""
    store = Store(empty_dir)
    store.add(make_record(name="=HYPERLINK(\"http://evil\")"), by=Curator("dana", "curator"))
    store.add(make_record(name="Plain"), by=Curator("dana", "curator"))
    out_path = tmp_path / "out" / "export.csv"
    code, _, err = _run(capsys, "export", "--data-dir", str(empty_dir), "--format", "csv", "--out", str(out_path))
    assert code == 0 and "exported 2 rows" in err
    exported = pd.read_csv(out_path, dtype=str, keep_default_na=False)
    assert list(exported["name"]) == ["'=HYPERLINK(\"http://evil\")", "Plain"]
    assert list(exported["longitude"]) == ["-75.1968", "-75.1968"]
    assert store.read_raw()["name"].iloc[0].startswith("="), "the stored data is never altered"


def test_snapshots_and_restore(empty_dir: Path, capsys) -> None:
    """Snapshots are listed and one can be restored by name."""
    store = Store(empty_dir)
    row = store.add(make_record(), by=Curator("dana", "curator"))
    store.update(row["id"], {"name": "Renamed"}, base_version=1, by=Curator("dana", "curator"))
    code, out, _ = _run(capsys, "snapshots", "--data-dir", str(empty_dir))
    assert code == 0
    first = out.split()[0]
    code, _, _ = _run(capsys, "restore", first, "--by", "admin", "--data-dir", str(empty_dir))
    assert code == 0
    assert store.get(row["id"])["name"] == "Tuesday Sober Bowling"
    assert _run(capsys, "restore", "nope.csv", "--by", "admin", "--data-dir", str(empty_dir))[0] == 2


def test_module_entry_point_runs(sample_dir: Path) -> None:
    """`python -m directory` works as a real process and honours DIRECTORY_DATA_DIR."""
    done = subprocess.run([sys.executable, "-m", "directory", "search", "--near", "Camden, NJ", "--radius-miles",
                           "3", "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DIRECTORY_DATA_DIR": str(sample_dir)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)


def test_gaps_ranks_zip_areas_by_distance(sample_dir: Path, capsys) -> None:
    """`gaps` lists every ZIP in the region with its nearest resource, largest gap first, as JSON or CSV."""
    code, out, err = _run(capsys, "gaps", "--data-dir", str(sample_dir), "--category", "child_care",
                          "--threshold-miles", "10")
    assert code == 0
    rows = json.loads(out)
    assert set(rows[0]) == {"zip", "lat", "lon", "nearest_miles", "nearest_id", "within_threshold"}
    miles = [r["nearest_miles"] for r in rows]
    assert miles == sorted(miles, reverse=True) and miles[0] > 10
    assert "within 10 miles of child_care" in err
    code, out, _ = _run(capsys, "gaps", "--data-dir", str(sample_dir), "--any", "--threshold-miles", "5",
                        "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "zip,lat,lon,nearest_miles,nearest_id,within_threshold"
    assert _run(capsys, "gaps", "--data-dir", str(sample_dir), "--category", "bars", "--threshold-miles", "5")[0] == 2


@pytest.mark.parametrize(
    ("region", "counties"),
    [
        (None, {"Camden County", "Bucks County", "Chester County", "Delaware County", "Montgomery County",
                "Philadelphia County"}),
        ("Bucks County, PA; Chester County, PA", {"Bucks County", "Chester County"}),
    ],
)
def test_gaps_measures_the_served_or_configured_counties(sample_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch,
                                                         region: str | None, counties: set[str]) -> None:
    """`gaps` lists the ZIPs of the counties holding entries, or of DIRECTORY_REGION's counties, and no others."""
    from directory.gaps import region_zips

    if region:
        monkeypatch.setenv("DIRECTORY_REGION", region)
    code, out, err = _run(capsys, "gaps", "--data-dir", str(sample_dir), "--any", "--threshold-miles", "10")
    assert code == 0
    zips = {row["zip"] for row in json.loads(out)}
    everywhere = region_zips(pd.DataFrame(), tuple((county, "PA" if county != "Camden County" else "NJ")
                                                   for county in counties))
    assert zips == set(everywhere["zip"]) and f"{len(zips)} ZIP areas" in err
