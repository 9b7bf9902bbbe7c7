"""CSV export that is safe to open in a spreadsheet program."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralise_cell(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula; plain numbers such as -75.2 stay as they are."""
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def export_csv(frame: pd.DataFrame, out: Path) -> int:
    """Write every row and column to a spreadsheet-safe CSV; returns the number of rows written."""
    safe = frame.astype(str).map(neutralise_cell)
    out.parent.mkdir(parents=True, exist_ok=True)
    safe.to_csv(out, index=False, lineterminator="\n", encoding="utf-8")
    return len(safe)
