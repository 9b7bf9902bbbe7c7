"""The Gaps page through AppTest: headline figures, the hexagon map, the ZIP table, downloads and charts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from directory.auth import Curator
from directory.gaps import region_zips, served_counties
from directory.store import Store
from directory.ui.charts import heat_colors
from tests.apps import APP, counting
from tests.factories import make_record

TABLE_COLUMNS = ["ZIP", "Place", "County", "Miles to nearest", "Nearest (name)", "Within 10 miles"]


@pytest.fixture
def csv_downloads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every CSV file the page offers for download."""
    kept: list[str] = []
    store = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if mimetype == "text/csv":
            kept.append(path_or_data.decode() if isinstance(path_or_data, bytes) else str(path_or_data))
        return store(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return kept


def _gaps() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/gaps.py")
    return at.run()


def test_gaps_page_shows_figures_map_table_and_downloads(sample_dir: Path, csv_downloads: list[str]) -> None:
    """Four headline shares, a self-hosted hexagon map, a ZIP table ranked by gap, and both downloads."""
    at = _gaps()
    assert not at.exception
    assert len(at.metric) == 4 and all(m.value.endswith("%") for m in at.metric)
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert args["returned_objects"] == [] and all(u.startswith("/app/static/") for u in args["js_links"])
    assert "d3" not in " ".join(args["js_links"])
    table = at.dataframe[0].value
    assert list(table.columns) == TABLE_COLUMNS
    assert list(table["Miles to nearest"]) == sorted(table["Miles to nearest"], reverse=True)
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Download the table (CSV)", "Download the map (HTML)"]
    assert len(csv_downloads) == 1


def test_the_table_shows_places_and_names_and_the_csv_keeps_coordinates_and_ids(
        sample_dir: Path, csv_downloads: list[str]) -> None:
    """No latitude, longitude or id on screen; the CSV download holds them, row for row with the table."""
    at = _gaps()
    frame = Store(sample_dir).read_raw()
    shown = at.dataframe[0].value
    for dataframe in at.dataframe:
        assert not {"lat", "lon", "latitude", "longitude", "id", "nearest_id"} & set(dataframe.value.columns)
    assert not shown["Nearest (name)"].str.match(r"^[a-z]+-\d+$").any()
    assert set(shown["Nearest (name)"]) <= set(frame["name"])
    download = pd.read_csv(io.StringIO(csv_downloads[-1]), dtype={"zip": str})
    assert {"zip", "lat", "lon", "nearest_miles", "nearest_id", "nearest_name"} <= set(download.columns)
    assert list(download["zip"]) == list(shown["ZIP"])
    assert set(download["nearest_id"]) <= set(frame["id"])


def test_every_zip_shown_is_in_a_served_county(sample_dir: Path) -> None:
    """The table lists every ZIP area of the counties holding an active entry, and nothing beyond them."""
    at = _gaps()
    frame = Store(sample_dir).read_raw()
    counties = served_counties(frame)
    shown = at.dataframe[0].value
    assert set(shown["County"]) == {county for county, _ in counties}
    assert set(shown["ZIP"]) == set(region_zips(frame)["zip"])
    assert any("The region: " in c.value and "Camden County, NJ" in c.value for c in at.caption)


def test_a_configured_county_region_is_used(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DIRECTORY_REGION given as counties sets the table's ZIPs, and the page says where the region came from."""
    monkeypatch.setenv("DIRECTORY_REGION", "Bucks County, PA")
    at = _gaps()
    assert not at.exception
    assert set(at.dataframe[0].value["County"]) == {"Bucks County"}
    assert any("DIRECTORY_REGION sets it" in c.value for c in at.caption)


def test_changing_the_distance_recounts_the_same_zip_areas(sample_dir: Path) -> None:
    """A new distance renames the count column and changes the shares; the headline and caption count ZIP areas."""
    at = _gaps()
    before = [m.value for m in at.metric]
    at.slider(key="g_threshold").set_value(2).run()
    assert not at.exception
    assert "Within 2 miles" in at.dataframe[0].value.columns
    assert [m.value for m in at.metric] != before
    assert all("ZIP areas within 2 miles" in m.proto.help for m in at.metric)
    assert any("of the region's" in c.value and "ZIP areas are more than 2 miles" in c.value for c in at.caption)


def test_a_kind_with_no_resources_is_all_gap(sample_dir: Path) -> None:
    """When nothing of the chosen kind is active, the page says every area is a gap."""
    store = Store(sample_dir)
    frame = store.read_raw()
    frame = frame[frame["category"] != "child_care"]
    frame.to_csv(store.path, index=False)
    at = _gaps()
    at.selectbox(key="g_kind").set_value("cat:child_care").run()
    assert "every area is a gap" in at.warning[0].value
    assert any("100% of the region's" in c.value for c in at.caption)
    assert set(at.dataframe[0].value["Nearest (name)"]) == {"none"}


def test_the_charts_keep_their_labels_and_readable_numbers(sample_dir: Path) -> None:
    """Axis labels are not cut at Vega's 180 px, and the heat map's numbers are colored for their cell."""
    at = _gaps()
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) == 4
    heat = specs[0]
    assert heat["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] >= 300
    assert heat["layer"][1]["encoding"]["color"]["field"] == "ink"
    assert all(spec["encoding"]["y"]["axis"]["labelLimit"] >= 300 for spec in specs[1:3])


@pytest.mark.parametrize("counts", [[0, 1, 2, 3], [1, 5, 10, 20, 40, 80], [7]])
def test_heat_map_numbers_contrast_with_their_cells(counts: list[int]) -> None:
    """Each number is black or white, whichever contrasts more with its cell: never below WCAG's 4.5:1."""
    fills, inks = heat_colors(pd.Series(counts))

    def luminance(color: str) -> float:
        channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for fill, ink in zip(fills, inks, strict=True):
        light = luminance(fill)
        contrast = (1.05 / (light + 0.05)) if ink == "white" else ((light + 0.05) / 0.05)
        assert contrast >= 4.5, (fill, ink)
    assert inks[0] == "white" or len(counts) == 1  # the smallest count is the darkest cell


def test_an_empty_directory_has_no_region_to_measure(empty_dir: Path) -> None:
    """With no placed entry there are no counties, so the page says so instead of drawing an empty map."""
    at = _gaps()
    assert not at.exception
    assert any("The region has no ZIP areas" in i.value for i in at.info) and not at.metric


def test_the_csv_download_neutralises_formulas_in_names(sample_dir: Path, csv_downloads: list[str]) -> None:
    """A resource named like a spreadsheet formula reaches the Gaps CSV with a leading ', never as a formula."""
    path = sample_dir / "resources.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["name"] = '=HYPERLINK("http://evil.example/x","open") ' + frame["name"]
    frame.to_csv(path, index=False)
    assert not _gaps().exception
    download = pd.read_csv(io.StringIO(csv_downloads[-1]), dtype=str, keep_default_na=False)
    named = download["nearest_name"][download["nearest_name"] != ""]
    assert len(named) and named.str.startswith("'=HYPERLINK").all()


def _map_script(at: AppTest) -> str:
    return json.loads(at.get("component_instance")[0].proto.json_args)["script"]


def test_a_rerun_or_a_choice_already_seen_measures_draws_and_counts_nothing_again(
        sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Measuring, the map and the charts are kept per directory version and choice; a write makes them anew."""
    from directory.ui import charts, gaps_view

    measured = counting(monkeypatch, gaps_view, "gap_report")
    drawn = counting(monkeypatch, gaps_view, "gap_map")
    charted = counting(monkeypatch, charts, "support_by_category")
    at = _gaps()
    first = _map_script(at)
    at.run()
    assert (len(measured), len(drawn), len(charted)) == (1, 1, 1) and _map_script(at) == first
    at.slider(key="g_threshold").set_value(20).run()
    at.selectbox(key="g_kind").set_value("cat:child_care").run()
    assert (len(measured), len(drawn)) == (3, 3)
    at.selectbox(key="g_kind").set_value("any").run()
    at.slider(key="g_threshold").set_value(10).run()
    assert (len(measured), len(drawn), len(charted)) == (3, 3, 1), "(any, 20) and (any, 10) were seen"
    assert _map_script(at) == first and not at.exception
    Store(sample_dir).add(make_record(name="Brand New Bowling Night"), by=Curator("test", "curator"))
    at.run()
    assert (len(measured), len(drawn), len(charted)) == (4, 4, 2)


def test_an_unmet_need_reported_after_the_map_was_drawn_shows_at_the_next_run(sample_dir: Path) -> None:
    """The unmet-need layer is part of what the kept map is made from."""
    from datetime import date

    from directory.unmet import UnmetNeeds

    at = _gaps()
    assert "19104: 1 unmet need reported" not in _map_script(at)
    UnmetNeeds(sample_dir).record("any", "19104", date(2026, 11, 30))
    at.run()
    assert "19104: 1 unmet need reported" in _map_script(at)


def test_an_edit_the_page_does_not_read_keeps_its_figures_and_one_it_reads_makes_them_anew(
        sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new description or phone leaves the measuring, map and charts as they were; a moved entry does not."""
    from directory.ui import charts, gaps_view

    measured = counting(monkeypatch, gaps_view, "gap_report")
    charted = counting(monkeypatch, charts, "support_by_category")
    at = _gaps()
    store, lee = Store(sample_dir), Curator("lee", "curator")
    row = store.get("phl-0001")
    store.update("phl-0001", {"description": "Coffee and conversation.", "phone": "(856) 555-0199"},
                 base_version=row["row_version"], by=lee)
    at.run()
    assert (len(measured), len(charted)) == (1, 1) and not at.exception
    row = store.get("phl-0001")
    store.update("phl-0001", {"status": "inactive"}, base_version=row["row_version"], by=lee)
    at.run()
    assert (len(measured), len(charted)) == (2, 2) and not at.exception
