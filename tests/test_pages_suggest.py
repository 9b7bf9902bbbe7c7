"""The public Suggest page through AppTest: queued, never published; honeypot and rate limit."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from directory.store import Store
from directory.suggestions import Suggestions

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _suggest() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/suggest.py")
    return at.run()


def _send(at: AppTest) -> AppTest:
    return at.button(key="s_send").click().run()


def test_a_new_resource_goes_to_the_queue_not_the_directory(sample_dir: Path) -> None:
    """A visitor's suggestion is thanked and queued; the directory is unchanged."""
    before = Store(sample_dir).path.read_bytes()
    at = _suggest()
    assert not at.exception
    at.text_input(key="s_name").set_value("<b>Sober</b> Bingo Night")
    at.text_input(key="s_city").set_value("Media")
    _send(at)
    assert "Thank you" in at.success[0].value
    queued = Suggestions(sample_dir).open()
    assert [s.fields["name"] for s in queued] == ["<b>Sober</b> Bingo Night"]
    assert Store(sample_dir).path.read_bytes() == before


def test_a_change_report_names_an_entry(sample_dir: Path) -> None:
    """Reporting a change needs an entry and a message."""
    entry = Store(sample_dir).load().frame.iloc[0]["id"]
    at = _suggest()
    at.radio(key="s_kind").set_value("change").run()
    _send(at)
    assert "Say which entry" in at.error[0].value
    at.selectbox(key="s_resource").set_value(entry)
    at.text_area(key="s_message").set_value("It has closed.")
    _send(at)
    assert [(s.resource_id, s.message) for s in Suggestions(sample_dir).open()] == [(entry, "It has closed.")]


def test_the_honeypot_keeps_nothing(sample_dir: Path) -> None:
    """A filled hidden field is thanked like anyone else, and nothing is queued."""
    at = _suggest()
    at.text_input(key="s_name").set_value("Cheap pills")
    at.text_input(key="s_homepage").set_value("http://spam.example")
    _send(at)
    assert "Thank you" in at.success[0].value
    assert Suggestions(sample_dir).all() == []


def test_a_session_is_rate_limited(sample_dir: Path) -> None:
    """After three suggestions in ten minutes a session is asked to wait."""
    at = _suggest()
    for n in range(4):
        at.text_input(key="s_name").set_value(f"Sober Bingo {n}")
        _send(at)
    assert "try again later" in at.error[0].value
    assert len(Suggestions(sample_dir).all()) == 3
