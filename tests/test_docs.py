"""The README stays true: settings, columns, commands and the CI command are all documented."""

from __future__ import annotations

import re
from pathlib import Path

from directory import auth, rate_limits
from directory.cli import build_parser, columns_markdown
from directory.config import settings_markdown
from directory.interop.limits import limits_markdown

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


def test_the_import_limits_table_matches_the_limits() -> None:
    """The README's import limits are exactly the constants the readers stop at."""
    assert _between("limits") == limits_markdown()


def test_the_security_section_quotes_the_sign_in_and_write_limits() -> None:
    """Each sign-in and anonymous-write figure the README states is the constant the code uses."""
    section = re.search(r"## Security\n(.*?)\n## ", README, re.S).group(1)
    text = " ".join(section.split())
    phrases = [
        f"{auth.ACCOUNT_FREE_FAILURES} wrong passwords are free",
        f"starting at {auth.ACCOUNT_FIRST_DELAY:g} s and doubling, to at most {auth.ACCOUNT_MAX_DELAY:g} s",
        f"{auth.CLIENT_FREE_FAILURES} free, then {auth.CLIENT_FIRST_DELAY:g} s doubling to at most "
        f"{auth.CLIENT_MAX_DELAY / 60:g} minutes",
        f"forgotten {auth.FAILURE_MEMORY / 3600:g} hours after",
        f"at most {auth.MAX_FAILURE_RECORDS:,} of them",
        f"at most {auth.MAX_CLIENT_RECORDS:,}",
        f"at most {auth.SESSION_LIFETIME / 3600:g} hours and {auth.MAX_SESSIONS_PER_ACCOUNT} sessions",
        f"suggestions: {rate_limits.SUGGESTIONS_PER_CLIENT.count} an hour per client, "
        f"{rate_limits.SUGGESTIONS_OVERALL.count} an hour in all",
        f"at most {rate_limits.UNMET_PER_CLIENT.count} different needs an hour per client, "
        f"{rate_limits.UNMET_OVERALL.count} an hour in all",
    ]
    assert [phrase for phrase in phrases if phrase not in text] == []
    assert rate_limits.SUGGESTIONS_PER_CLIENT.seconds == rate_limits.UNMET_PER_CLIENT.seconds == 3600
