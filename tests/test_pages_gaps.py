"""The Gaps page through AppTest: headline figures, the hexagon map, the ranked ZIP table and downloads."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from directory.store import Store
from tests.apps import APP


def _gaps(**state: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/gaps.py")
    return at.run()


def test_gaps_page_shows_figures_map_table_and_downloads(sample_dir: Path) -> None:
    """Four headline shares, a self-hosted hexagon map, a ZIP table ranked by gap, and both downloads."""
    at = _gaps()
    assert not at.exception
    assert len(at.metric) == 4 and all(m.value.endswith("%") for m in at.metric)
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert args["returned_objects"] == [] and all(u.startswith("/app/static/") for u in args["js_links"])
    assert "d3" not in " ".join(args["js_links"])
    table = at.dataframe[0].value
    assert list(table["nearest_miles"]) == sorted(table["nearest_miles"], reverse=True)
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels == ["Download the table (CSV)", "Download the map (HTML)"]


def test_a_kind_with_no_resources_is_all_gap(sample_dir: Path) -> None:
    """When nothing of the chosen kind is active, the page says every area is a gap."""
    store = Store(sample_dir)
    frame = store.read_raw()
    frame = frame[frame["category"] != "child_care"]
    frame.to_csv(store.path, index=False)
    at = _gaps()
    at.selectbox(key="g_kind").set_value("cat:child_care").run()
    assert "every area is a gap" in at.warning[0].value
    assert any("100% of the region's hexagons" in c.value for c in at.caption)
