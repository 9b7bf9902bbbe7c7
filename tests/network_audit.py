"""Run `streamlit run ...` with every name lookup and socket connection written to a log (a test helper).

Usage: python tests/network_audit.py LOG streamlit-arguments...  Each line of LOG is "event host".
"""

from __future__ import annotations

import sys


def _main() -> None:
    log_path, arguments = sys.argv[1], sys.argv[2:]
    log = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the process's life

    def audit(event: str, args: tuple) -> None:
        if event == "socket.getaddrinfo":
            log.write(f"getaddrinfo {args[0]}\n")
        elif event == "socket.connect":
            address = args[1]
            log.write(f"connect {address[0] if isinstance(address, tuple) else address}\n")

    sys.addaudithook(audit)
    from streamlit.web.cli import main

    sys.argv = ["streamlit", "run", *arguments]
    main()


if __name__ == "__main__":
    _main()
