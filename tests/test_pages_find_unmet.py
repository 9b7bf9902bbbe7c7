"""Reporting an unmet need on Find: one client counts once per category, ZIP and week, whatever it clicks."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory import rate_limits
from directory.rate_limits import Limit
from directory.unmet import UnmetNeeds
from tests.apps import APP
from tests.visitors import connect_from

NO_RESULTS = {"q": "nothing like this", "near": "18944", "cat": "child_care"}


def _empty_search(**params: str) -> AppTest:
    """A new session (a page load) with a search near a ZIP that finds nothing."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({**NO_RESULTS, **params})
    return at.run()


def _report(at: AppTest) -> AppTest:
    return at.button(key="log_unmet").click().run()


def _total(folder: Path) -> int:
    return int(UnmetNeeds(folder).table()["count"].sum())


def test_ten_clicks_and_a_reload_from_one_client_count_once(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten clicks, then a reload and another click, from one address make one count; a second address adds one."""
    client = connect_from(monkeypatch, "203.0.113.7")
    at = _empty_search()
    for _ in range(10):
        _report(at)
    assert not at.exception
    assert "Already counted" in at.info[-1].value
    reloaded = _report(_empty_search())
    assert "Already counted" in reloaded.info[-1].value
    assert _total(sample_dir) == 1
    client.remote_ip = "198.51.100.4"
    assert "Nothing about the person" in _report(_empty_search()).success[0].value
    assert UnmetNeeds(sample_dir).table()[["category", "zip", "count"]].values.tolist() == [["child_care", "18944", 2]]


def test_without_an_address_each_session_counts_once(sample_dir: Path) -> None:
    """Where the address is unknown (localhost), the session is the client: its repeated clicks count once."""
    at = _empty_search()
    for _ in range(3):
        _report(at)
    assert _total(sample_dir) == 1


def test_another_category_or_zip_counts_until_the_client_limit(sample_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Different needs from one client count, up to its limit; then a kind message says why it was not counted."""
    monkeypatch.setattr(rate_limits, "UNMET_PER_CLIENT", Limit(2, rate_limits.HOUR))
    connect_from(monkeypatch, "203.0.113.7")
    for near in ("18944", "19104", "19020"):
        at = _report(_empty_search(near=near))
    assert "as many as we count from one connection" in at.warning[-1].value
    assert "try again later" in at.warning[-1].value
    assert sorted(UnmetNeeds(sample_dir).table()["zip"]) == ["18944", "19104"]


def test_every_client_together_is_capped(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many clients at once cannot flood the gap map: past the overall rate, nothing more is counted."""
    monkeypatch.setattr(rate_limits, "UNMET_OVERALL", Limit(2, rate_limits.HOUR))
    client = connect_from(monkeypatch, "")
    for n in range(3):
        client.remote_ip = f"203.0.113.{n + 1}"
        at = _report(_empty_search())
    assert "Many unmet needs have been reported in the last hour" in at.warning[-1].value
    assert _total(sample_dir) == 2
