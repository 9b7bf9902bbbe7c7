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


def restore_cell(value: str) -> str:
    """Undo neutralise_cell, so a CSV this app exported imports back exactly as it was stored."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START) and not _NUMBER.match(value[1:]):
        return value[1:]
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every cell neutralised; the stored data is never altered."""
    return frame.astype(str).map(neutralise_cell)


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as spreadsheet-safe UTF-8 CSV bytes, for a download."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def export_csv(frame: pd.DataFrame, out: Path) -> int:
    """Write every row and column to a spreadsheet-safe CSV; returns the number of rows written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(safe_csv_bytes(frame))
    return len(frame)
