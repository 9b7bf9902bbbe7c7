"""Unmet needs, demand layers and freshness for the gap dashboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from directory.gaps import freshness, read_demand, weighted_gap
from directory.unmet import UnmetNeeds
from tests.apps import APP
from tests.factories import valid_frame


def test_demand_weights_the_gap() -> None:
    """People in ZIPs beyond the threshold are summed; ZIPs keep leading zeros; bad files are refused."""
    demand = read_demand("ZIP,Population\n08002,\"1,000\"\n19104,3000\n8003,500\n")
    assert demand.set_index("zip")["count"].to_dict() == {"08002": 1000, "08003": 500, "19104": 3000}
    table = pd.DataFrame({"zip": ["08002", "19104", "08003"], "nearest_miles": [12.0, 1.0, 30.0]})
    assert weighted_gap(table, demand, 10) == (1500, pytest.approx(1500 / 4500))
    with pytest.raises(ValueError, match="ZIP column"):
        read_demand("place,people\nsomewhere,10\n")


def test_freshness_is_the_share_not_verified_recently() -> None:
    """Per ZIP, the share of listed entries verified before the window (or never)."""
    frame = valid_frame({"zip": "19104", "last_verified": "2026-10-01"}, {"zip": "19104", "last_verified": ""},
                        {"zip": "19020", "last_verified": "2024-01-01"}, {"zip": "19020", "status": "inactive"})
    fresh = freshness(frame, 180, date(2026, 11, 1)).set_index("zip")
    assert fresh.loc["19104", "stale_share"] == 0.5 and fresh.loc["19020", "stale_share"] == 1.0
    assert fresh.loc["19020", "entries"] == 1


def test_find_empty_state_logs_an_unmet_need_shown_on_gaps(sample_dir: Path) -> None:
    """One click from an empty search near a ZIP counts the need; the Gaps page says who reports them, and how."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"q": "nothing like this", "near": "18944", "cat": "child_care"})
    at.run()
    at.button(key="log_unmet").click().run()
    assert "Nothing about the person" in at.success[0].value
    assert UnmetNeeds(sample_dir).table()[["category", "zip", "count"]].values.tolist() == [["child_care", "18944", 1]]
    at.switch_page("pages/gaps.py").run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "Unmet needs" in c.value)
    assert caption.startswith("Unmet needs reported on Find (by visitors and peer leaders), counted per category, "
                              "ZIP and week: 1.")
    assert "peer leaders:" not in caption and "logged by peer leaders" not in caption
    assert at.dataframe[1].value.values.tolist() == [["Child care", "18944", 1]]  # the category as people read it
