"""The unmet-need log: 'looked for X near ZIP Y and found none', with a date and nothing about the person."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
from filelock import FileLock

from directory import taxonomy as tx

UNMET_FILE = "unmet-needs.csv"
FIELDS = ("date", "category", "zip")


class UnmetNeeds:
    """The unmet-need log of one data folder."""

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / UNMET_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)

    def record(self, category: str, zip_code: str, day: date | None = None) -> None:
        """Log one unmet need: a category (or 'any'), a 5-digit ZIP and a date. Nothing else is kept."""
        if category != "any" and category not in tx.keys(tx.CATEGORIES):
            raise ValueError(f"unknown category '{category}'")
        if not (len(zip_code) == 5 and zip_code.isdigit()):
            raise ValueError("a 5-digit ZIP is needed")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            new = not self.path.exists()
            with self.path.open("a", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                if new:
                    writer.writerow(FIELDS)
                writer.writerow(((day or date.today()).isoformat(), category, zip_code))

    def table(self) -> pd.DataFrame:
        """Every logged need, as text columns date, category, zip."""
        if not self.path.exists():
            return pd.DataFrame(columns=list(FIELDS))
        return pd.read_csv(self.path, dtype=str, keep_default_na=False)
