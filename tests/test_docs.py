"""The README stays true: settings, columns, commands and the CI command are all documented."""

from __future__ import annotations

import re
from pathlib import Path

from directory.cli import build_parser, columns_markdown
from directory.config import settings_markdown

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _between(marker: str) -> str:
    match = re.search(rf"<!-- {marker}:start -->\n(.*?)<!-- {marker}:end -->", README, re.S)
    assert match, f"README lacks the {marker} markers"
    return match.group(1).strip()


def test_the_settings_table_matches_the_settings_object() -> None:
    """The README's settings table is exactly what `python -m directory settings` prints."""
    assert _between("settings") == settings_markdown()


def test_the_column_table_matches_the_schema() -> None:
    """The README's column table is exactly what `python -m directory columns` prints."""
    assert _between("columns") == columns_markdown()


def test_every_cli_command_is_documented() -> None:
    """Each subcommand has a row in the README's command table."""
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`python -m directory {name}" in README


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the README's test command word for word."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    test_command = next(b for b in blocks if "pytest" in b)
    assert test_command.strip() in ci.splitlines()
