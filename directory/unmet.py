"""The unmet-need log: 'looked for X near ZIP Y and found none', with a date and nothing about the person."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
from filelock import FileLock

from directory import taxonomy as tx
from directory.files import append_durably

UNMET_FILE = "unmet-needs.csv"
FIELDS = ("date", "category", "zip")


class UnmetNeeds:
    """The unmet-need log of one data folder."""

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / UNMET_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)

    def record(self, category: str, zip_code: str, day: date) -> None:
        """Log one unmet need: a category (or 'any'), a 5-digit ZIP and the day (Settings.today()). Nothing else."""
        if category != "any" and category not in tx.keys(tx.CATEGORIES):
            raise ValueError(f"unknown category '{category}'")
        if not (len(zip_code) == 5 and zip_code.isdigit()):
            raise ValueError("a 5-digit ZIP is needed")
        lines = io.StringIO()
        writer = csv.writer(lines, lineterminator="\n")
        with self._lock:
            if not self.path.exists():
                writer.writerow(FIELDS)
            writer.writerow((day.isoformat(), category, zip_code))
            append_durably(self.path, lines.getvalue())

    def table(self) -> pd.DataFrame:
        """Every logged need, as text columns date, category, zip."""
        if not self.path.exists():
            return pd.DataFrame(columns=list(FIELDS))
        return pd.read_csv(self.path, dtype=str, keep_default_na=False)
