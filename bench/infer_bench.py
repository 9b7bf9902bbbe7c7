"""Category inference measured on the labelled evaluation set: ours against the keyword table it replaced.

The evaluation set is tests/fixtures/infer_eval.csv (name, description, the source's codes, the category a
careful person would give, "" when none fits). Precision is the share of guesses that are right; recall is the
share of labelled rows guessed right. "Published without review" is what an import may publish without a peer
leader: for us the guesses at or above CONFIDENT, for the baseline every guess, since it had no confidence.
Prints one JSON line per metric. Run: python bench/infer_bench.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory.interop.infer import CONFIDENT, infer_category

EVAL_SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "infer_eval.csv"
BASELINE_NAME = "keyword table before issue 11 (git show 5332e43:directory/interop/infer.py), first match wins"

# The keyword table the new inference replaced, copied as it was, to measure against in the same run.
baseline: dict[str, tuple[str, ...]] = {
    "clinical_treatment": ("detox", "detoxification", "outpatient", "inpatient", "methadone", "mat clinic",
                           "opioid treatment program", "rehab", "residential treatment", "buprenorphine clinic"),
    "recovery_housing": ("recovery house", "recovery housing", "recovery residence", "sober living",
                         "sober house", "halfway house", "oxford house", "transitional housing"),
    "child_care": ("child care", "childcare", "daycare", "day care", "babysitting", "nursery"),
    "transportation": ("transportation", "ride", "rides", "transit", "bus pass", "bus passes", "van service"),
    "employment": ("job", "jobs", "employment", "resume", "résumé", "career", "workforce", "hiring"),
    "education": ("parenting class", "parenting classes", "ged", "wellness seminar", "life skills",
                  "financial literacy", "workshop", "classes", "course"),
    "navigation": ("navigation", "navigator", "benefits", "case management", "reentry", "re-entry",
                   "insurance enrollment", "child welfare", "court"),
    "peer_coaching": ("recovery coach", "recovery coaching", "peer coach", "peer mentor", "peer mentoring",
                      "mentoring", "peer specialist", "certified recovery specialist"),
    "family_support": ("family support", "family members", "al-anon", "alateen", "nar-anon", "loved ones"),
    "recovery_center": ("recovery community center", "recovery center", "recovery centre", "drop-in center",
                        "recovery community organization"),
    "sober_social": ("sober social", "alcohol-free", "drug-free", "sober dance", "volleyball", "softball",
                     "bowling", "hike", "hiking", "game night", "sober fun", "sober event", "league"),
    "support_group": ("aa", "na", "ca", "alcoholics anonymous", "narcotics anonymous", "smart recovery",
                      "celebrate recovery", "refuge recovery", "recovery dharma", "meeting", "meetings",
                      "support group", "mutual aid", "12-step", "twelve step"),
}
_BASELINE_PATTERNS = {
    key: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(word) for word in words) + r")(?![\w-])", re.IGNORECASE)
    for key, words in baseline.items()
}

# (category or "", confidence); the baseline publishes every guess, so its confidence is 1.
Guess = tuple[str, float]


def baseline_guess(values: Mapping[str, str], codes: str) -> Guess:
    """The old rule: the first category in table order with any keyword in the entry's words; codes unused."""
    text = " ".join(values.values())
    return next(((key, 1.0) for key, pattern in _BASELINE_PATTERNS.items() if pattern.search(text)), ("", 0.0))


def our_guess(values: Mapping[str, str], codes: str) -> Guess:
    """Today's inference, with the source's codes."""
    found = infer_category(values, (codes,) if codes else ())
    return (found.category, found.confidence) if found else ("", 0.0)


def load_eval_set() -> list[dict[str, str]]:
    """The labelled rows of the evaluation set."""
    with EVAL_SET.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def measure(rows: list[dict[str, str]], guess: Callable[[Mapping[str, str], str], Guess],
            threshold: float = 0.0) -> dict[str, float]:
    """Precision and recall of the guesses at or above `threshold`, and how many traps were published wrongly."""
    made = right = traps_wrong = 0
    for row in rows:
        category, confidence = guess({"name": row["name"], "description": row["description"]}, row["codes"])
        if not category or confidence < threshold:
            continue
        made += 1
        right += category == row["expected_category"]
        traps_wrong += category != row["expected_category"] and row["note"].startswith("trap")
    labelled = sum(bool(row["expected_category"]) for row in rows)
    return {"precision": round(right / made, 3) if made else 0.0, "recall": round(right / labelled, 3),
            "guesses": made, "traps_wrong": traps_wrong}


def time_per_rows(rows: list[dict[str, str]], guess: Callable[[Mapping[str, str], str], Guess], count: int) -> float:
    """Milliseconds to guess `count` rows, cycling through the evaluation set."""
    items = [({"name": row["name"], "description": row["description"]}, row["codes"]) for row in rows]
    started = time.perf_counter()
    for number in range(count):
        values, codes = items[number % len(items)]
        guess(values, codes)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    rows = load_eval_set()
    common = {"rows": len(rows), "labelled": sum(bool(row["expected_category"]) for row in rows),
              "baseline": BASELINE_NAME}
    for metric, threshold in (("infer_all_guesses", 0.0), ("infer_published_without_review", CONFIDENT)):
        ours = measure(rows, our_guess, threshold)
        before = measure(rows, baseline_guess)
        print(json.dumps({"metric": metric, **common, "threshold": threshold,
                          **{f"ours_{key}": value for key, value in ours.items()},
                          **{f"baseline_{key}": value for key, value in before.items()},
                          **({"target_precision": 0.9} if threshold else {})}))
    guessed = [(row["expected_category"], our_guess({"name": row["name"], "description": row["description"]},
                                                     row["codes"])[0]) for row in rows]
    by_category = {}
    for category in sorted({expected for expected, _ in guessed} - {""}):
        right = sum(expected == found == category for expected, found in guessed)
        made = sum(found == category for _, found in guessed)
        labelled = sum(expected == category for expected, _ in guessed)
        by_category[category] = {"labelled": labelled, "recall": round(right / labelled, 3),
                                 "precision": round(right / made, 3) if made else None}
    print(json.dumps({"metric": "infer_by_category", **common, "ours": by_category}))
    ours_ms = time_per_rows(rows, our_guess, args.rows)
    baseline_ms = time_per_rows(rows, baseline_guess, args.rows)
    print(json.dumps({"metric": f"infer_{args.rows // 1000}k_rows", "n": args.rows, "ours_ms": round(ours_ms, 1),
                      "baseline": BASELINE_NAME, "baseline_ms": round(baseline_ms, 1),
                      "ratio": round(baseline_ms / ours_ms, 3)}))


if __name__ == "__main__":
    main()
