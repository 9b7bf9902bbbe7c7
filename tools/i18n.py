"""Keep the interface's catalogues current with Babel: extract the shown strings, update each language's
catalogue, and compile it. Run `python tools/i18n.py` after changing any shown string, then translate what
`python tools/i18n.py --check` lists (docs/translating.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "directory" / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
HEADER_OPTIONS = ["--project=peer-recovery-directory", "--copyright-holder=The project's contributors",
                  "--no-location", "--sort-output", "--width=120"]


def run(*args: str) -> None:
    """Run one pybabel command from the project's root."""
    CommandLineInterface().run(["pybabel", *args])


def extract() -> None:
    """Write the template of every shown string (babel.cfg says where to look)."""
    run("extract", "-F", str(ROOT / "babel.cfg"), "-o", str(TEMPLATE), "-k", "N_", "--omit-header",
        *HEADER_OPTIONS, str(ROOT))


def update() -> None:
    """Bring every language's catalogue up to the template, keeping its translations."""
    for catalogue in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        run("update", "-i", str(TEMPLATE), "-o", str(catalogue), "-l", catalogue.parent.parent.name,
            "--no-fuzzy-matching", "--ignore-obsolete", "--width=120")


def compile_catalogues() -> None:
    """Compile every catalogue to the .mo file the app reads."""
    run("compile", "-d", str(LOCALE_DIR), "--statistics")


def main(argv: list[str] | None = None) -> int:
    """Extract, update and compile; with --check, only list what is untranslated."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="list untranslated strings and exit 1 if any")
    options = parser.parse_args(argv)
    if options.check:
        sys.path.insert(0, str(ROOT))
        from tests.catalogue_checks import untranslated  # the same rule the tests apply

        missing = untranslated()
        for language, message in missing:
            print(f"{language}: {message!r}")
        return 1 if missing else 0
    extract()
    update()
    compile_catalogues()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
