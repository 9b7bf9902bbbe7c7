"""The taxonomy: complete, consistent, and the single source of every controlled list."""

from __future__ import annotations

import pytest

from directory import taxonomy as tx

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
ALL_LISTS = (tx.SUPPORT_TYPES, tx.CATEGORIES, tx.RECOVERY_DIMENSIONS, tx.STAGES, tx.ATTENDANCE,
             tx.POPULATIONS, tx.COSTS, tx.ACCESSIBILITY, tx.STATUSES, tx.GEOCODE_QUALITIES)


def test_the_four_kinds_of_support_are_explained_in_plain_words() -> None:
    """Emotional, informational, instrumental and affiliational, each with a one-line explanation."""
    assert tx.keys(tx.SUPPORT_TYPES) == ("emotional", "informational", "instrumental", "affiliational")
    for support in tx.SUPPORT_TYPES:
        assert support.explanation and "\n" not in support.explanation and len(support.explanation) < 120


def test_support_type_colours_are_colour_blind_safe_and_paired_with_symbols() -> None:
    """Colours come from the Okabe-Ito palette, differ from each other, and each has a symbol and icon."""
    colours = [s.colour for s in tx.SUPPORT_TYPES]
    assert set(colours) <= OKABE_ITO and len(set(colours)) == 4
    assert all(s.symbol and s.icon for s in tx.SUPPORT_TYPES)
    assert len({s.symbol for s in tx.SUPPORT_TYPES}) == 4


def test_every_category_defaults_to_known_support_types() -> None:
    """Each of the twelve categories starts with at least one real support type."""
    assert len(tx.CATEGORIES) == 12
    known = set(tx.keys(tx.SUPPORT_TYPES))
    for category in tx.CATEGORIES:
        assert category.default_support_types and set(category.default_support_types) <= known
    assert tx.default_support_types("sober_social") == ("affiliational",)
    assert tx.default_support_types("nope") == ()


def test_clinical_treatment_is_listed_for_referral_only() -> None:
    """Clinical treatment is a category for referral back to treatment, and says so."""
    assert "referral" in tx.CATEGORY_BY_KEY["clinical_treatment"].label.lower()


@pytest.mark.parametrize("terms", ALL_LISTS)
def test_keys_are_unique_lowercase_identifiers(terms: tuple[tx.Term, ...]) -> None:
    """Stored keys are unique, lower-case and free of separators used in the CSV."""
    keys = tx.keys(terms)
    assert len(keys) == len(set(keys))
    assert all(key == key.lower() and key.replace("_", "").isalnum() for key in keys)


def test_dimensions_stages_and_populations_cover_the_mission() -> None:
    """The four dimensions of recovery, the four stages, and the listed populations are all there."""
    assert tx.keys(tx.RECOVERY_DIMENSIONS) == ("health", "home", "purpose", "community")
    assert tx.keys(tx.STAGES) == ("before", "during", "after", "without")
    assert {"women", "men", "youth", "young_adults", "older_adults", "families", "veterans", "lgbtq",
            "justice_involved", "cultural"} == set(tx.keys(tx.POPULATIONS))
    assert tx.label_of(tx.POPULATIONS, "lgbtq") == "LGBTQ+"
    assert tx.label_of(tx.POPULATIONS, "unknown") == "unknown"


def test_labels_and_explanations_use_american_spelling() -> None:
    """The app is American: 'ZIP center' and 'recovery centers', never 'centre', in anything people read."""
    words = [f"{term.label} {term.explanation}" for terms in (*ALL_LISTS, tx.REVIEW_REASONS) for term in terms]
    assert not [w for w in words if "centre" in w.lower()]
    assert tx.label_of(tx.GEOCODE_QUALITIES, "zip_centroid") == "ZIP center"
