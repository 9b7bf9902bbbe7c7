"""Synthetic resources for benchmarks: many valid-looking rows, fast to make, seeded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from directory import taxonomy as tx
from directory.schema import COLUMNS, join_list, validate_field

_WORDS = ("sober", "recovery", "volleyball", "coaching", "housing", "rides", "parenting", "wellness",
          "jobs", "family", "circle", "center", "league", "night", "group", "peer", "support", "drop-in")


def synthetic_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """n resources spread over the Philadelphia region, with every column as strings."""
    rng = np.random.default_rng(seed)
    categories = rng.choice(tx.keys(tx.CATEGORIES), n)
    support_keys = tx.keys(tx.SUPPORT_TYPES)
    words = rng.choice(_WORDS, (n, 3))
    frame = pd.DataFrame({column: [""] * n for column in COLUMNS})
    frame["id"] = [f"syn-{i:07d}" for i in range(n)]
    frame["name"] = [" ".join(w).title() for w in words]
    frame["description"] = [f"A {a} {b} for people in recovery." for a, b in rng.choice(_WORDS, (n, 2))]
    frame["category"] = categories
    frame["support_types"] = [
        join_list(sorted(set(tx.default_support_types(c)) | {support_keys[k]}, key=support_keys.index))
        for c, k in zip(categories, rng.integers(0, 4, n), strict=True)
    ]
    frame["latitude"] = (39.6 + rng.random(n) * 0.8).round(6).astype(str)
    frame["longitude"] = (-75.9 + rng.random(n) * 1.1).round(6).astype(str)
    frame["geocode_quality"] = "zip_centroid"
    frame["cost"] = rng.choice(["free", "sliding_scale", "insurance", "free;insurance"], n)
    frame["status"] = rng.choice(["active"] * 9 + ["inactive"], n)
    frame["row_version"] = "1"
    return frame


SAMPLE_CSV = Path(__file__).resolve().parent.parent / "data" / "resources.csv"


def scaled_sample(n: int, seed: int = 1) -> pd.DataFrame:
    """The sample directory repeated to n entries: every column as real entries fill it (hours, events, phones,
    confidential places), each copy with its own id and its place moved by a few miles."""
    sample = pd.read_csv(SAMPLE_CSV, dtype=str, keep_default_na=False)
    frame = pd.concat([sample] * -(-n // len(sample)), ignore_index=True).iloc[:n].copy()
    rng = np.random.default_rng(seed)
    frame["id"] = [f"s-{i:07d}" for i in range(n)]
    frame["external_id"] = ""
    for column in ("latitude", "longitude"):
        moved = pd.to_numeric(frame[column].replace("", np.nan)) + rng.normal(0, 0.05, n)
        # Written as the store writes coordinates (no trailing zeros), so the file reads back unchanged.
        frame[column] = [validate_field(column, f"{value:.5f}") if value == value else "" for value in moved]
    return frame


def write_scaled_sample(folder: Path, n: int) -> Path:
    """A data folder holding scaled_sample(n) as its resources file, made once and reused by later runs."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "resources.csv"
    if not path.exists():
        scaled_sample(n).to_csv(path, index=False, lineterminator="\n")
    return path
