"""Unmet needs reported from an empty search: counts per category, ZIP and week, and nothing about anyone.

unmet-needs.csv holds one row per (week, category, ZIP) with a count, so repeated reports add to a number
instead of leaving a trail of clicks. The week is written as its Monday. Visitors and peer leaders report
them alike; rate_limits.UnmetLimiter decides, in memory, whether a report counts.

Earlier versions wrote one row per click (date, category, zip). Such a file is read as counts, and the first
write folds it into counts in place, after copying the original beside it (unmet-needs.by-click.csv) so no
row is ever lost.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import pandas as pd
from filelock import FileLock

from directory import taxonomy as tx
from directory.files import copy_atomically, write_atomically

UNMET_FILE = "unmet-needs.csv"
BY_CLICK_COPY = "unmet-needs.by-click{}.csv"
FIELDS = ("week", "category", "zip", "count")
BY_CLICK_FIELDS = ("date", "category", "zip")

Key = tuple[str, str, str]
"""(week, category, ZIP)"""


def week_of(day: date) -> str:
    """The week a day falls in, as its Monday's ISO date ('2026-11-02')."""
    return (day - timedelta(days=day.weekday())).isoformat()


class UnmetNeeds:
    """The unmet-need counts of one data folder; safe for many threads and processes at once."""

    def __init__(self, data_dir: Path | str):
        self.path = Path(data_dir) / UNMET_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)

    @staticmethod
    def check(category: str, zip_code: str) -> None:
        """Refuse (ValueError) anything but a known category (or 'any') and a 5-digit ZIP."""
        if category != "any" and category not in tx.keys(tx.CATEGORIES):
            raise ValueError(f"unknown category '{category}'")
        if not (len(zip_code) == 5 and zip_code.isdigit()):
            raise ValueError("a 5-digit ZIP is needed")

    def record(self, category: str, zip_code: str, day: date) -> None:
        """Add one to the count of the category (or 'any'), the 5-digit ZIP and the week of `day`. Nothing else."""
        self.check(category, zip_code)
        key = (week_of(day), category, zip_code)
        with self._lock:
            counts, by_click = self._read()
            if by_click:
                self._keep_by_click_copy()
            counts[key] = counts.get(key, 0) + 1
            write_atomically(self.path, lambda out: _write_counts(out, counts))

    def table(self) -> pd.DataFrame:
        """Every count: text columns week, category, zip and an integer column count, most recent week first."""
        counts, _ = self._read()
        frame = pd.DataFrame([(*key, n) for key, n in counts.items()], columns=list(FIELDS))
        frame["count"] = frame["count"].astype(int)
        return frame.sort_values(["week", "category", "zip"], ascending=[False, True, True],
                                 ignore_index=True)

    def _read(self) -> tuple[dict[Key, int], bool]:
        # The counts, and whether the file was written one row per click (then each row counts one).
        # Readers take no lock: the file is replaced whole, so they see the old version or the new one.
        if not self.path.exists():
            return {}, False
        with self.path.open(encoding="utf-8", newline="") as source:
            rows = list(csv.reader(source))
        if not rows:
            return {}, False
        header, body = [h.strip() for h in rows[0]], rows[1:]
        by_click = header[:3] == list(BY_CLICK_FIELDS) and "count" not in header
        counts: dict[Key, int] = {}
        for row in body:
            if not any(cell.strip() for cell in row):
                continue
            values = dict(zip(header, (cell.strip() for cell in row), strict=False))
            if by_click:
                key, n = (_week_text(values.get("date", "")), values.get("category", ""), values.get("zip", "")), 1
            else:
                key, n = (values.get("week", ""), values.get("category", ""), values.get("zip", "")), \
                    _whole(values.get("count", ""))
            counts[key] = counts.get(key, 0) + n
        return counts, by_click

    def _keep_by_click_copy(self) -> None:
        # The original one-row-per-click file is copied, never overwritten, before the counts replace it. If the
        # process stops in between, the next write copies it again under the next free name and folds it then.
        number = 0
        while (copy := self.path.with_name(BY_CLICK_COPY.format(f"-{number}" if number else ""))).exists():
            number += 1
        copy_atomically(self.path, copy)


def _week_text(day: str) -> str:
    # A one-row-per-click date becomes its week; text that is not a date is kept as it is, never dropped.
    try:
        return week_of(date.fromisoformat(day))
    except ValueError:
        return day


def _whole(text: str) -> int:
    # A count edited by hand into something that is not a number still stands for the one report its row shows.
    try:
        return max(int(float(text)), 0)
    except (ValueError, OverflowError):
        return 1


def _write_counts(out: IO[str], counts: dict[Key, int]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for key in sorted(counts):
        writer.writerow((*key, counts[key]))
