"""Start-up is private: the server makes no name lookup or connection to anything but this machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_starting_the_server_asks_no_third_party_host(sample_dir: Path, tmp_path: Path) -> None:
    """Every lookup and connection the server makes while starting and answering its first request is local.

    Started as the README starts it (no --server.address), since a given address also hides the lookup.
    """
    log, port = tmp_path / "network.log", _free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "network_audit.py"), str(log), "serve.py", "--server.port", str(port),
         "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.3)
        else:
            raise TimeoutError("the server did not answer")
        time.sleep(1)  # the start-up URL printing, where the external-IP lookup used to happen, is done by now
    finally:
        process.terminate()
        process.wait(timeout=20)
    seen = log.read_text(encoding="utf-8").split("\n") if log.exists() else []
    hosts = {line.split(" ", 1)[1] for line in seen if line}
    assert hosts <= LOOPBACK, f"start-up reached out to {sorted(hosts - LOOPBACK)}"
