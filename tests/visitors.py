"""AppTest sessions that reach the app from a given IP address, as a browser behind a real connection does.

AppTest has no WebSocket, so st.context.ip_address is None there; this sets the address its sessions report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pytest
from streamlit.runtime import context


@dataclass
class FakeClient:
    """The connection details Streamlit reads for st.context: no headers or cookies, one remote address."""

    remote_ip: str | None = None
    headers: Iterable[tuple[str, str]] = ()
    cookies: Mapping[str, str] = field(default_factory=dict)


def connect_from(monkeypatch: pytest.MonkeyPatch, address: str | None) -> FakeClient:
    """Make every AppTest session report `address` as st.context.ip_address; change `.remote_ip` to move."""
    client = FakeClient(address)
    monkeypatch.setattr(context, "_get_client_context", lambda: client)
    return client
