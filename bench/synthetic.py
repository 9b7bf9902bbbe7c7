"""Synthetic resources for benchmarks: many valid-looking rows, fast to make, seeded."""

from __future__ import annotations

import numpy as np
import pandas as pd

from directory import taxonomy as tx
from directory.schema import COLUMNS, join_list

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
