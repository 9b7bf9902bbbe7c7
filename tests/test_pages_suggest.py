"""The public Suggest page through AppTest: queued, never published; honeypot; limits per client and overall."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory import rate_limits
from directory.auth import Curator
from directory.rate_limits import SUGGESTIONS_PER_CLIENT, Limit
from directory.store import Store
from directory.suggestions import Suggestions
from tests.apps import counting
from tests.visitors import connect_from

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


def _send_named(at: AppTest, name: str) -> AppTest:
    at.text_input(key="s_name").set_value(name)
    return _send(at)


def test_reloading_the_page_does_not_reset_the_limit(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three page loads from one address, three suggestions each: only the client's limit is queued, then a kind no."""
    connect_from(monkeypatch, "203.0.113.7")
    for load in range(3):
        at = _suggest()
        for n in range(3):
            _send_named(at, f"Sober Bingo {load}-{n}")
    assert len(Suggestions(sample_dir).all()) == SUGGESTIONS_PER_CLIENT.count
    refusal = at.error[0].value
    assert "as many as we take from one connection" in refusal and "Please try again later" in refusal
    assert "988" in refusal, "the crisis lines come with every refusal"


def test_another_address_has_its_own_limit(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One client at its limit does not stop another."""
    client = connect_from(monkeypatch, "203.0.113.7")
    at = _suggest()
    for n in range(SUGGESTIONS_PER_CLIENT.count):
        _send_named(at, f"Sober Bingo {n}")
    client.remote_ip = "198.51.100.4"
    assert "Thank you" in _send_named(_suggest(), "Recovery Cafe").success[0].value
    assert len(Suggestions(sample_dir).all()) == SUGGESTIONS_PER_CLIENT.count + 1


def test_without_an_address_the_session_is_limited(sample_dir: Path) -> None:
    """Where the address is unknown (localhost), the session is the client."""
    at = _suggest()
    for n in range(SUGGESTIONS_PER_CLIENT.count + 1):
        _send_named(at, f"Sober Bingo {n}")
    assert "try again later" in at.error[0].value
    assert len(Suggestions(sample_dir).all()) == SUGGESTIONS_PER_CLIENT.count


def test_a_form_sent_back_for_correction_is_not_counted(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sending a form without a name, again and again, leaves the visitor's whole allowance."""
    connect_from(monkeypatch, "203.0.113.7")
    at = _suggest()
    for _ in range(SUGGESTIONS_PER_CLIENT.count + 1):
        _send(at)
    assert "needs at least a name" in at.error[0].value
    assert "Thank you" in _send_named(at, "Sober Bingo").success[0].value


def test_every_client_together_is_capped(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the overall rate, suggestions from any address are turned away with a message saying why."""
    monkeypatch.setattr(rate_limits, "SUGGESTIONS_OVERALL", Limit(2, rate_limits.HOUR))
    client = connect_from(monkeypatch, "")
    for n in range(3):
        client.remote_ip = f"203.0.113.{n + 1}"
        at = _send_named(_suggest(), f"Sober Bingo {n}")
    assert at.error[0].value.startswith("Many suggestions have arrived in the last hour. Please try again later.")
    assert len(Suggestions(sample_dir).all()) == 2


def test_the_list_of_entries_to_report_follows_the_directory(sample_dir: Path) -> None:
    """The entry list is made once per version of the file: a peer leader's rename shows at the next run."""
    at = _suggest()
    at.radio(key="s_kind").set_value("change").run()
    labels = at.selectbox(key="s_resource").options
    assert "Cherry Hill Peer Recovery Center (Cherry Hill)" in labels
    store = Store(sample_dir)
    row = store.get("phl-0001")
    store.update("phl-0001", {"name": "Cherry Hill Peer Recovery Centre"}, base_version=row["row_version"],
                 by=Curator("lee", "curator"))
    labels = at.run().selectbox(key="s_resource").options
    assert "Cherry Hill Peer Recovery Centre (Cherry Hill)" in labels
    assert "Cherry Hill Peer Recovery Center (Cherry Hill)" not in labels


def test_a_new_suggestion_never_makes_the_list_of_entries(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list of every entry is made only when someone reports a change."""
    from directory.ui import suggest_form

    made = counting(monkeypatch, suggest_form, "_labels")
    at = _suggest()
    at.text_input(key="s_name").set_value("Sober Bingo Night")
    _send(at)
    assert made == [] and not at.exception
    at.radio(key="s_kind").set_value("change").run()
    assert made == [1]
