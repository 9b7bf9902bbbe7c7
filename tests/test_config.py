"""Settings are read once into one typed object; a bad value stops the app and the CLI, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from directory.cli import main
from directory.config import DEFAULT_DATA_DIR, SettingsError, load_settings
from tests.apps import APP

ROOT = Path(APP).parent


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DIRECTORY_TIMEZONE", "Mars/Olympus", "an IANA time zone name"),
        ("DIRECTORY_GEOCODER", "google", "'offline' or 'nominatim'"),
        ("DIRECTORY_MAP_TILES", "google", "'osm' or 'none'"),
        ("DIRECTORY_NOW", "next tuesday", "an ISO date and time"),
        ("DIRECTORY_REGION", "philadelphia", "four numbers"),
        ("DIRECTORY_REGION", "40.1,-75.3,39.8,-75.0", "four numbers"),
        ("DIRECTORY_REGION", "Nowhere County, PA", "counties as 'County, ST'"),
        ("DIRECTORY_REGION", "Philadelphia County, NJ", "counties as 'County, ST'"),
        ("DIRECTORY_REGION", "Philadelphia County PA; Bucks County, PA", "counties as 'County, ST'"),
        ("DIRECTORY_STALE_DAYS", "six months", "a whole number of days"),
        ("DIRECTORY_STALE_DAYS", "0", "a whole number of days from 1"),
        ("DIRECTORY_SNAPSHOTS_KEPT", "-1", "a whole number from 0"),
        ("DIRECTORY_PUBLIC_URL", "help.example.org", "an http(s) address"),
        ("DIRECTORY_PUBLIC_URL", "javascript:alert(1)", "an http(s) address"),
        ("DIRECTORY_SAMPLE_DATA", "maybe", "'auto', 'yes' or 'no'"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable_and_what_it_accepts(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    """Every unusable value fails at once, with the variable, the value and what would do."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert f"{variable}={value!r}" in str(raised.value) and message in str(raised.value)


@pytest.mark.parametrize("agent", ["", "   "])
def test_nominatim_needs_a_user_agent(monkeypatch: pytest.MonkeyPatch, agent: str) -> None:
    """Nominatim's policy needs an identifying user agent, so the setting pair is checked together."""
    monkeypatch.setenv("DIRECTORY_GEOCODER", "nominatim")
    monkeypatch.setenv("DIRECTORY_GEOCODER_USER_AGENT", agent)
    with pytest.raises(SettingsError, match="DIRECTORY_GEOCODER_USER_AGENT must be set"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("DIRECTORY_GEOCODER", " Offline ", "geocoder", "offline"),
        ("DIRECTORY_MAP_TILES", "NONE", "map_tiles", "none"),
        ("DIRECTORY_REGION", "39.8, -75.3, 40.1, -75.0", "region", (39.8, -75.3, 40.1, -75.0)),
        ("DIRECTORY_REGION", "Philadelphia County, PA; Bucks County, PA", "region",
         (("Philadelphia County", "PA"), ("Bucks County", "PA"))),
        ("DIRECTORY_REGION", " camden county , nj ;; montgomery, pa; ", "region",
         (("Camden County", "NJ"), ("Montgomery County", "PA"))),
        ("DIRECTORY_REGION", "Camden County, GA; Camden County, GA", "region", (("Camden County", "GA"),)),
        ("DIRECTORY_STALE_DAYS", "90", "stale_days", 90),
        ("DIRECTORY_PUBLIC_URL", "https://help.example.org/", "public_url", "https://help.example.org"),
        ("DIRECTORY_TIMEZONE", "America/Chicago", "timezone", "America/Chicago"),
        ("DIRECTORY_STALE_DAYS", "", "stale_days", 180),
    ],
)
def test_good_values_are_read_and_normalised(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: object
) -> None:
    """Case and spaces do not matter; an empty variable means the default."""
    monkeypatch.setenv(variable, value)
    assert getattr(load_settings(), field) == expected


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing set, the app runs on the shipped sample, offline, in New York time."""
    for name in ("DIRECTORY_DATA_DIR", "DIRECTORY_NOW", "DIRECTORY_GEOCODER", "DIRECTORY_MAP_TILES"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.data_dir == DEFAULT_DATA_DIR and settings.geocoder == "offline"
    assert settings.current_time().tzinfo == ZoneInfo("America/New_York")


def test_an_override_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CLI's --data-dir beats DIRECTORY_DATA_DIR; an empty override leaves the environment's value."""
    monkeypatch.setenv("DIRECTORY_DATA_DIR", str(tmp_path / "env"))
    assert load_settings(data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"
    assert load_settings(data_dir=None).data_dir == tmp_path / "env"


def test_a_fixed_now_gives_today_in_the_directory_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Late evening in New York is still today there, whatever UTC says."""
    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-26T23:30")
    settings = load_settings()
    assert settings.today() == date(2026, 11, 26)
    assert settings.current_time() == datetime(2026, 11, 26, 23, 30, tzinfo=ZoneInfo("America/New_York"))


def test_the_cli_stops_at_start_on_a_bad_setting(monkeypatch: pytest.MonkeyPatch, sample_dir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 with the variable named, before any command runs."""
    monkeypatch.setenv("DIRECTORY_STALE_DAYS", "soon")
    assert main(["search", "--text", "coaching"]) == 2
    assert "DIRECTORY_STALE_DAYS='soon' is not usable" in capsys.readouterr().err


def test_the_app_stops_at_start_on_a_bad_setting(monkeypatch: pytest.MonkeyPatch, sample_dir: Path) -> None:
    """The page names the variable, still shows the crisis lines, and runs no page."""
    monkeypatch.setenv("DIRECTORY_MAP_TILES", "google")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.error and "DIRECTORY_MAP_TILES='google' is not usable" in at.code[0].value
    assert "988" in at.info[0].value
    assert not at.title


def test_the_server_stops_at_start_on_a_bad_setting(sample_dir: Path) -> None:
    """`streamlit run serve.py` exits 2 before serving anyone, with one line naming the variable."""
    env = {**os.environ, "DIRECTORY_TIMEZONE": "Mars/Olympus", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", "0",
                           "--server.headless", "true"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "DIRECTORY_TIMEZONE='Mars/Olympus' is not usable" in done.stderr and "Traceback" not in done.stderr
