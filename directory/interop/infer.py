"""Guess a missing category and kinds of support from an entry's own words, for a peer leader to review."""

from __future__ import annotations

import re
from collections.abc import Mapping

from directory import taxonomy as tx
from directory.schema import FieldError, validate_field

# Keywords per category key, most specific categories first: the first category with a match wins, so
# "sober living for families" is housing, not family support. Matched as whole words, case-insensitively.
KEYWORDS: dict[str, tuple[str, ...]] = {
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
_WORDS_FROM = ("name", "organization", "description", "tags", "location_name")
_PATTERNS = {
    key: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(word) for word in words) + r")(?![\w-])", re.IGNORECASE)
    for key, words in KEYWORDS.items()
}


def infer_category(values: Mapping[str, str]) -> str:
    """The category whose keywords appear in the entry's words, or "" when none do."""
    text = " ".join(str(values.get(column) or "") for column in _WORDS_FROM)
    for key, pattern in _PATTERNS.items():
        if pattern.search(text):
            return key
    return ""


def infer_classification(values: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Fill a missing category and kinds of support; returns the values and the columns filled in.

    Given values are never overwritten; when nothing matches, the columns stay empty for validation to report.
    """
    filled = dict(values)
    inferred: list[str] = []
    if not filled.get("category"):
        category = infer_category(filled)
        if category:
            filled["category"] = category
            inferred.append("category")
    if filled.get("category") and not filled.get("support_types"):
        defaults = tx.default_support_types(_category_key(filled["category"]))
        if defaults:
            filled["support_types"] = ";".join(defaults)
            inferred.append("support_types")
    return filled, tuple(inferred)


def _category_key(given: str) -> str:
    # A source may name the category by its label; validation accepts both, so look up either.
    try:
        return validate_field("category", given)
    except FieldError:
        return ""
