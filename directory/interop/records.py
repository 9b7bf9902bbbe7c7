"""What every import format reads into: rows in the directory's own column names, before validation.

Readers (CSV, HSDS, Meeting Guide) turn a source into `SourceRow`s; `directory.interop.importer`
validates them, fills what can be inferred or geocoded, matches them to existing entries and writes them.
A reader raises `UnusableInput` when the source cannot be read at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from directory.errors import DirectoryError


class UnusableInput(DirectoryError, ValueError):
    """The input cannot be used at all (unreadable or unrecognised); nothing is imported."""


@dataclass
class SourceRow:
    """One record of a source.

    `line` is where it is in the source (a 1-based data row or item number) for the rejects report.
    `values` holds only the columns the source provides, in our column names, as raw strings
    (lists joined by ";"), so an update never blanks a column the source does not carry.
    `raw` is the record as the source gave it, written to the rejects CSV unchanged.
    `problems` are what the reader saw (column -> message); the importer salvages the row and lists them.
    `inferred` names the columns a reader filled by inference, shown for review.
    `codes` are the source's own classification codes or terms (AIRS/211 taxonomy codes, HSDS taxonomy
    terms), for the importer's category inference.
    `flags` are review-reason keys (taxonomy.REVIEW_REASONS) the source itself asks for, such as
    "private_address" or "excluded_by_source".
    `repairs` say, in words, what the reader repaired (mojibake, undecodable bytes), for the import report.
    """

    line: int
    values: dict[str, str]
    raw: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    inferred: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    repairs: tuple[str, ...] = ()


def row_dicts(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    """Each row as a dict of column to value, like to_dict("records") but a column at a time.

    DataFrame.to_dict boxes every cell of an Arrow-backed text column one by one; tolist() converts a column in
    one pass, which makes an export of 10,000 entries several times faster.
    """
    columns = list(frame.columns)
    for values in zip(*(frame[column].tolist() for column in columns), strict=True):
        yield dict(zip(columns, values, strict=True))
