"""The Accounts page: only admins see it, and admins add and remove accounts from the UI."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import Accounts, Curator
from tests.apps import PASSWORD, signed_in_app


def _signed_in_as(sample_dir: Path, name: str) -> AppTest:
    accounts = Accounts(sample_dir)
    if not accounts.any():
        accounts.add("dana", PASSWORD, "admin", by=None)
        accounts.add("lee", PASSWORD, "curator", by=None)
    return signed_in_app(sample_dir, name).switch_page("pages/accounts.py").run()


def test_an_admin_adds_and_removes_accounts(sample_dir: Path) -> None:
    """An admin adds a curator with a good password, is refused a short one, and removes an account."""
    at = _signed_in_as(sample_dir, "dana")
    assert not at.exception
    at.text_input(key="a_name").set_value("sam")
    at.text_input(key="a_password").set_value("short")
    at.button(key="a_add").click().run()
    assert "at least 10" in at.error[0].value
    at.text_input(key="a_name").set_value("sam")
    at.text_input(key="a_password").set_value(PASSWORD)
    at.button(key="a_add").click().run()
    assert ("sam", "curator") in Accounts(sample_dir).names()
    at.button(key="a_remove_lee").click().run()
    assert [n for n, _ in Accounts(sample_dir).names()] == ["dana", "sam"]


def test_a_curator_cannot_manage_accounts(sample_dir: Path) -> None:
    """The page is not registered for a curator, and the domain refuses a curator's account changes."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        _signed_in_as(sample_dir, "lee")
    with pytest.raises(PermissionError):
        Accounts(sample_dir).add("sam", PASSWORD, by=Curator("lee", "curator"))


@pytest.mark.parametrize("change", ["removed", "made a curator"])
def test_an_admin_removed_or_demoted_meanwhile_cannot_remove_accounts(sample_dir: Path, change: str) -> None:
    """An admin's open Accounts page stops working at its next click once that admin is removed or made a curator.

    Before, the page's button still removed the account: it trusted the Curator held since sign-in.
    """
    at = _signed_in_as(sample_dir, "dana")
    accounts = Accounts(sample_dir)
    accounts.add("sam", PASSWORD, "admin", by=None)
    if change == "removed":
        accounts.remove("dana", by=None)
    else:
        accounts.path.write_text(accounts.path.read_text(encoding="utf-8").replace(
            '"role": "admin"', '"role": "curator"', 1), encoding="utf-8")
        assert ("dana", "curator") in accounts.names()
    at.button(key="a_remove_lee").click().run()
    assert not at.exception
    assert "lee" in dict(Accounts(sample_dir).names())
    assert not [b for b in at.button if (b.key or "").startswith("a_remove_")], "the page is gone too"
