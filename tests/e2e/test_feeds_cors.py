"""A meeting finder on another site reads /feeds/meetings.json cross-origin, in a real browser (CORS)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _free_port, _sample_copy, _serve

FINDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Meeting finder</title></head>
<body><p id="count">loading</p><p id="api">loading</p>
<script>
const app = new URLSearchParams(location.search).get("app");
fetch(app + "/feeds/meetings.json?type=affiliational")
  .then(r => r.json())
  .then(meetings => { document.getElementById("count").textContent = meetings.length + " meetings"; })
  .catch(e => { document.getElementById("count").textContent = "failed: " + e; });
// The API sends no CORS header, so the browser must refuse to hand its answer to another site's script.
fetch(app + "/api/hsds/services")
  .then(r => r.json())
  .then(() => { document.getElementById("api").textContent = "read"; })
  .catch(() => { document.getElementById("api").textContent = "refused"; });
</script></body></html>
"""


@pytest.fixture(scope="module")
def feed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port against a temporary copy of the sample directory."""
    yield from _serve("serve.py", _sample_copy(tmp_path_factory))


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another origin: a plain static server on a second local port, holding the finder page."""
    folder: Path = tmp_path_factory.mktemp("other-site")
    (folder / "finder.html").write_text(FINDER, encoding="utf-8")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_origin_reads_the_meeting_feed(browser, feed_app: str, other_site: str) -> None:
    assert feed_app.rsplit(":", 1)[1] != other_site.rsplit(":", 1)[1]
    page = browser.new_page()
    try:
        page.goto(f"{other_site}/finder.html?app={feed_app}")
        expect(page.locator("#count")).not_to_have_text("loading")
        count = page.locator("#count").inner_text()
        assert count.endswith(" meetings"), count
        assert int(count.split()[0]) > 0
        expect(page.locator("#api")).to_have_text("refused")
    finally:
        page.close()
