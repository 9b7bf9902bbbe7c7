"""Shared AppTest helpers: the app, and a session signed in as a peer leader."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import Accounts

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PASSWORD = "correct horse battery"


def signed_in_app(data_dir: Path, name: str = "lee", role: str = "curator") -> AppTest:
    """An AppTest session that has signed in on the Curate page, creating the account if needed."""
    accounts = Accounts(data_dir)
    if name not in dict(accounts.names()):
        accounts.add(name, PASSWORD, role, by=None)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/curate.py").run()
    at.text_input(key="sign_in_name").set_value(name)
    at.text_input(key="sign_in_password").set_value(PASSWORD)
    return at.button(key="sign_in_submit").click().run()


def counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """Count the calls of module.name from now on (each call appends 1); the real function still runs."""
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls
