"""A meeting finder on another site reads /feeds/meetings.json cross-origin, in a real browser (CORS)."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
import urllib.request
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


TSML_UI = Path(__file__).parent / "assets" / "tsml-ui" / "app.js"
# The page a site makes to embed TSML UI, as its README says: a div naming the feed, and the script.
TSML_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Meetings</title></head>
<body><div id="tsml-ui" data-src="{feed}" data-timezone="America/New_York"></div>
<script src="tsml-ui.js"></script></body></html>
"""


@pytest.fixture(scope="module")
def feed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port against a temporary copy of the sample directory."""
    yield from _serve("serve.py", _sample_copy(tmp_path_factory))


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The other site's files: the finder page and TSML UI's script."""
    folder: Path = tmp_path_factory.mktemp("other-site")
    (folder / "finder.html").write_text(FINDER, encoding="utf-8")
    shutil.copy(TSML_UI, folder / "tsml-ui.js")
    return folder


@pytest.fixture(scope="module")
def other_site(site_folder: Path) -> Iterator[str]:
    """Another origin: a plain static server on a second local port, serving site_folder."""
    folder = site_folder
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


def test_the_code4recovery_meeting_finder_lists_the_live_feed(browser, feed_app: str, other_site: str,
                                                              site_folder: Path) -> None:
    """TSML UI, the meeting finder sites embed, reads the live feed from another origin and lists its meetings."""
    feed = f"{feed_app}/feeds/meetings.json"
    with urllib.request.urlopen(feed, timeout=30) as answer:
        names = {meeting["name"] for meeting in json.load(answer)}
    assert names
    (site_folder / "meetings.html").write_text(TSML_PAGE.format(feed=feed), encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{other_site}/meetings.html")
        listed = page.get_by_role("cell").filter(has_text=re.compile("|".join(re.escape(n) for n in names)))
        expect(listed.first).to_be_visible(timeout=30_000)
        assert errors == []
    finally:
        page.close()
