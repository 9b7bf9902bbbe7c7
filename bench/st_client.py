"""A Streamlit visitor without a browser: Streamlit's own websocket protocol, spoken with its own protobuf classes.

What a browser tab does, reduced to what the server sees (read from streamlit/web/server/starlette and
streamlit/runtime, Streamlit 1.67):

- It opens a websocket at /_stcore/stream with the subprotocol "streamlit" and sends binary BackMsg frames.
- Every run of the script is asked for by a BackMsg `rerun_script` (a ClientState). It carries the URL's query
  string, the page (`page_name` from the URL path on the first visit, `page_script_hash` afterwards) and the
  widget states the visitor has set. The server answers with ForwardMsgs: `new_session` when the run starts,
  `navigation` (the pages of st.navigation and their hashes), one `delta` per element, and `script_finished`.
- A widget is known by the `id` of its element in a delta. A keyed widget's id ends in "-<key>". A text box's
  state is a `string_value`, a checkbox's a `bool_value`, and a button press is a `trigger_value` sent once.
- No cached-message hashes are sent, so the server always sends whole messages, never references.

Helpers and tools set up by benchmarks (server start, process memory) live here too, so both benches share them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

REPO = Path(__file__).resolve().parent.parent
# What the app needs to run, as `streamlit run serve.py` runs it.
APP_PATHS: tuple[str, ...] = ("app.py", "serve.py", "pages", "directory", "static", ".streamlit", "data")
_WIDGET_KINDS = ("text_input", "checkbox", "button", "selectbox", "multiselect", "text_area", "number_input",
                 "radio", "slider", "date_input", "download_button", "toggle", "data_editor", "button_group",
                 "file_uploader", "form_submit_button", "segmented_control", "pills", "color_picker", "time_input")


class VisitError(RuntimeError):
    """A run did not finish: the server closed the connection, or it took longer than the timeout."""


@dataclass
class Widget:
    """One widget as the last run drew it: its element kind, id, label and the element itself."""

    kind: str
    id: str
    label: str
    element: object


@dataclass
class RunResult:
    """What one run drew: widgets, exceptions, error alerts, texts, and how long it took from send to finish."""

    seconds: float
    status: int
    widgets: list[Widget] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    messages: int = 0
    bytes: int = 0

    def widget(self, *, key: str | None = None, label: str | None = None, kind: str | None = None) -> Widget:
        """The first widget with this user key (its id ends in '-key'), label and/or kind; KeyError if none."""
        for found in self.widgets:
            if key is not None and not (found.id == key or found.id.endswith("-" + key)):
                continue
            if label is not None and found.label != label:
                continue
            if kind is not None and found.kind != kind:
                continue
            return found
        raise KeyError(f"no widget key={key!r} label={label!r} kind={kind!r} on the page")

    def has_widget(self, **criteria: str) -> bool:
        """Whether widget(**criteria) would find one."""
        try:
            self.widget(**criteria)
        except KeyError:
            return False
        return True


def _texts_of(element: object, kind: str) -> str:
    # The texts a person reads (markdown, headings, alerts), for checks such as "N results"; not every element.
    return getattr(element, "body", "") if kind in ("markdown", "heading", "alert") else ""


class Visitor:
    """One simulated browser tab: a websocket session that asks for runs and reads what they draw."""

    def __init__(self, base_url: str, *, timeout_s: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url_pathname -> page_script_hash, from the navigation message
        self.page_hash = ""
        self._ws: websockets.ClientConnection | None = None
        # Widget values the visitor has set; sent with every run while the widget is on the page, as the
        # frontend sends the state of every widget it shows.
        self._states: dict[str, WidgetState] = {}

    async def connect(self) -> None:
        """Open the session's websocket."""
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._ws = await asyncio.wait_for(
            websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout_s,
                               ping_interval=None),
            self.timeout_s)

    async def close(self) -> None:
        """Close the websocket, as closing the tab does."""
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None

    def set_text(self, widget: Widget | str, value: str) -> None:
        """Type into a text box (its state is a string_value)."""
        self._set(widget, string_value=value)

    def set_checkbox(self, widget: Widget | str, value: bool) -> None:
        """Tick or clear a checkbox (a bool_value)."""
        self._set(widget, bool_value=value)

    def click(self, widget: Widget | str) -> None:
        """Press a button: a trigger_value, sent with the next run only."""
        self._set(widget, trigger_value=True)

    def _set(self, widget: Widget | str, **value: object) -> None:
        widget_id = widget if isinstance(widget, str) else widget.id
        self._states[widget_id] = WidgetState(id=widget_id, **value)  # type: ignore[arg-type]

    async def open(self, path: str = "", query_string: str = "") -> RunResult:
        """Visit a URL path (e.g. '' for Find, 'map'): by name on the first visit, by page hash once known."""
        path = path.strip("/")
        page_hash = self.pages.get(path, "")
        return await self.run(query_string=query_string, page_hash=page_hash, page_name="" if page_hash else path)

    async def run(self, *, query_string: str = "", page_hash: str | None = None, page_name: str = "") -> RunResult:
        """Ask for a run with the widget states set so far and wait for its script_finished."""
        if self._ws is None:
            await self.connect()
        assert self._ws is not None
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query_string
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        state.page_name = page_name
        state.widget_states.widgets.extend(self._states.values())
        state.context_info.timezone = "America/New_York"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/{page_name}" + (f"?{query_string}" if query_string else "")
        start = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            result = await asyncio.wait_for(self._read_run(start), self.timeout_s)
        except TimeoutError as error:
            raise VisitError(f"no script_finished within {self.timeout_s:g} s") from error
        except websockets.ConnectionClosed as error:
            self._ws = None
            raise VisitError(f"disconnected: {error}") from error
        # Triggers fire once; widgets no longer drawn are forgotten, as the frontend unmounts them.
        shown = {w.id for w in result.widgets}
        self._states = {k: v for k, v in self._states.items()
                        if k in shown and v.WhichOneof("value") != "trigger_value"}
        return result

    async def _read_run(self, start: float) -> RunResult:
        assert self._ws is not None
        widgets: list[Widget] = []
        exceptions: list[str] = []
        alerts: list[str] = []
        texts: list[str] = []
        started = False
        count = size = 0
        while True:
            frame = await self._ws.recv()
            count += 1
            size += len(frame)
            fwd = ForwardMsg()
            fwd.ParseFromString(frame)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                # A new run starts: anything read before it belonged to an earlier run.
                started = True
                widgets, exceptions, alerts, texts = [], [], [], []
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
                self.page_hash = fwd.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                self.pages = {page.url_pathname: page.page_script_hash for page in fwd.navigation.app_pages}
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                element_kind = element.WhichOneof("type")
                inner = getattr(element, element_kind) if element_kind else None
                if element_kind == "exception":
                    exceptions.append(f"{inner.type}: {inner.message}")  # type: ignore[union-attr]
                elif element_kind == "alert" and inner.format == Alert.ERROR:  # type: ignore[union-attr]
                    alerts.append(inner.body)  # type: ignore[union-attr]
                if element_kind in _WIDGET_KINDS and getattr(inner, "id", ""):
                    widgets.append(Widget(element_kind, inner.id, getattr(inner, "label", ""), inner))  # type: ignore
                elif inner is not None and (text := _texts_of(inner, element_kind or "")):
                    texts.append(text)
            elif kind == "script_finished" and started:
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the app asked for another run at once; the visitor waits for that one
                return RunResult(time.perf_counter() - start, fwd.script_finished, widgets, exceptions, alerts,
                                 texts, count, size)


# Servers -----------------------------------------------------------------------------------------------------


@contextmanager
def working_tree_copy(paths: Sequence[str] = APP_PATHS) -> Iterator[Path]:
    """Today's files (the working tree), copied once, so edits made during the run do not change what runs."""
    with tempfile.TemporaryDirectory(prefix="bench-now-") as folder:
        root = Path(folder)
        for name in paths:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
            elif source.exists():
                shutil.copy(source, root / name)
        yield root


def working_tree_label() -> str:
    """Which code "ours" is: the HEAD commit, and whether uncommitted changes were copied with it."""
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", *APP_PATHS], capture_output=True,
                           text=True).stdout.strip()
    return f"{head} + uncommitted changes" if dirty else head


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run serve.py`: its URL and process."""

    url: str
    process: subprocess.Popen
    started_s: float


@contextmanager
def streamlit_server(tree: Path, data_dir: Path, *, start_timeout_s: float = 600,
                     env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """Start the app of `tree` as the README runs it (headless, loopback, a free port, map tiles off)."""
    port = free_port()
    environment = {**os.environ, "DIRECTORY_DATA_DIR": str(data_dir), "DIRECTORY_MAP_TILES": "none",
                   "PYTHONPATH": str(tree), **(env or {})}
    log = tempfile.TemporaryFile()  # noqa: SIM115 - it outlives this block: closed in the finally below
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true",
                                "--server.port", str(port), "--server.address", "127.0.0.1",
                                "--browser.gatherUsageStats", "false"],
                               cwd=tree, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited {process.returncode}: {log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer its health check")
            time.sleep(0.2)
        yield Server(url, process, time.perf_counter() - start)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent's pid is the second field after it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process and all its descendants, in MB: VmRSS, or one of its parts from
    /proc/<pid>/status (RssAnon: the process's own memory; RssFile: mapped files, shared libraries included)."""
    total_kb = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total_kb += int(line.split()[1])
        todo.extend(_children(current))
    return round(total_kb / 1024, 1)
