"""Real-browser fixtures: the app on a free port with a temporary data folder, driven by Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from directory.config import DEFAULT_DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("DIRECTORY_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# Flags that keep Chromium from calling home on a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# CI machines are slow and shared: assertions wait for what they need, for up to half a minute, not 5 s.
expect.set_options(timeout=30_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        try:  # waits for the process to exit, at most a moment, between polls of the health endpoint
            process.wait(timeout=0.2)
            raise RuntimeError(f"the app exited with code {process.returncode}")
        except subprocess.TimeoutExpired:
            continue
    raise TimeoutError(f"the app did not answer at {url} within {timeout} s")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium; missing is a skip on a developer machine and a failure in CI."""
    if not CHROMIUM.exists():
        reason = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _serve(script: str, data: Path, **settings: str) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DIRECTORY_DATA_DIR": str(data), **settings}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("e2e-data")
    for name in ("resources.csv", ".sample"):
        shutil.copy(DEFAULT_DATA_DIR / name, data / name)
    return data


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app running on a free port against a temporary copy of the sample directory."""
    yield from _serve("serve.py", _sample_copy(tmp_path_factory))


@pytest.fixture(scope="module")
def thursday_evening_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with its clock pinned to Thursday 26 November 2026, 6:30 pm."""
    yield from _serve("serve.py", _sample_copy(tmp_path_factory), DIRECTORY_NOW="2026-11-26T18:30")


@pytest.fixture(scope="module")
def picker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small app holding only the reusable location picker."""
    yield from _serve("tests/e2e/apps/pick_location_app.py", _sample_copy(tmp_path_factory))


class Requests:
    """Every host the page asked for, and which requests were blocked."""

    def __init__(self) -> None:
        self.hosts: set[str] = set()
        self.blocked: list[str] = []


@pytest.fixture
def requests_seen() -> Requests:
    return Requests()


def _guard(requests_seen: Requests):
    def handle(route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        requests_seen.hosts.add(host)
        if host in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            requests_seen.blocked.append(url)
            route.abort()
    return handle


def _tab(browser, requests_seen: Requests, request: pytest.FixtureRequest, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(60_000)
    context.route("**/*", _guard(requests_seen))
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    wait_for_app(tab)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def page(browser, requests_seen: Requests, request: pytest.FixtureRequest):
    """A desktop page with every non-localhost request blocked and recorded; a screenshot is kept."""
    yield from _tab(browser, requests_seen, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser, requests_seen: Requests, request: pytest.FixtureRequest):
    """A 390×844 phone-sized page with the same network guard."""
    yield from _tab(browser, requests_seen, request, viewport={"width": 390, "height": 844}, is_mobile=True,
                    has_touch=True, device_scale_factor=2)


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the script has finished running and the app is connected: no fixed sleeps."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    # Widgets are drawn by lazily loaded chunks; give those a moment to arrive. Under load Chromium can go on
    # reporting a busy network for a page with component iframes long after every request has finished, so
    # this wait is bounded and never fails the test: each assertion still waits for what it needs.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=min(timeout, 10_000))


def sign_in(page, url: str, name: str, password: str) -> None:
    """Open Curate and sign in as `name`, as a person would: type the name and password, press Sign in."""
    page.goto(url + "/curate")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    main.get_by_label("Name", exact=True).fill(name)
    main.get_by_label("Password", exact=True).fill(password)
    main.get_by_role("button", name="Sign in").click()
    expect(main.get_by_role("button", name="Sign out")).to_be_visible()
    wait_for_app(page)


def _unexpected_console_error(message) -> bool:
    # Expected failures: resources the network guard blocked (tiles; checked through requests_seen instead), and
    # Streamlit's own probes of /<page>/_stcore/..., which 404 before it tries the root path.
    if message.type != "error":
        return False
    if message.text.startswith("Failed to load resource"):
        url = urlsplit(message.location.get("url", ""))
        return (url.hostname or "") in LOCAL_HOSTS and "/_stcore/" not in url.path
    return True


def record_errors(tab) -> list[str]:
    """Collect the tab's uncaught script errors and console errors from now on, from its iframes too."""
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    tab.on("console", lambda message: errors.append(f"console: {message.text} ({message.location.get('url')})")
           if _unexpected_console_error(message) else None)
    return errors


@pytest.fixture(scope="module", params=["osm", "none"])
def map_tiles(request: pytest.FixtureRequest) -> str:
    """Each tile mode a directory can choose (DIRECTORY_MAP_TILES): OpenStreetMap, and none (fully offline)."""
    return request.param


@pytest.fixture(scope="module")
def tiles_url(map_tiles: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the sample directory with DIRECTORY_MAP_TILES set to map_tiles."""
    yield from _serve("serve.py", _sample_copy(tmp_path_factory), DIRECTORY_MAP_TILES=map_tiles)


@pytest.fixture
def fail_on_script_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test on an uncaught error or unexpected console error in the page or phone_page it uses."""
    tabs = [request.getfixturevalue(name) for name in ("page", "phone_page") if name in request.fixturenames]
    errors = [record_errors(tab) for tab in tabs]
    yield
    assert not [error for found in errors for error in found], errors
