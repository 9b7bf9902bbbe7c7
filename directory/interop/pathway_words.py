"""The one list of words a source may use for a recovery pathway, and how an imported cell is read with it.

Only words that name one pathway without doubt are here; anything else in a pathways cell is kept as the
source wrote it for a peer leader to read (salvage puts it in the review notes), never guessed.
docs/pathways.md shows this list as a table.
"""

from __future__ import annotations

import re

from directory import taxonomy as tx

# Source words (compared as `normalise_words` gives them) -> pathway key. The taxonomy's own keys and labels
# are added below, so our own exports and hand-made sheets using our labels read back too.
WORDS: dict[str, str] = {
    **dict.fromkeys(("12 step", "12 steps", "twelve step", "twelve steps", "12 step program", "12 step programs",
                     "12 step group", "12 step groups", "aa", "alcoholics anonymous", "na", "narcotics anonymous",
                     "cocaine anonymous"), "twelve_step"),
    **dict.fromkeys(("smart recovery", "smart"), "smart_cbt"),
    **dict.fromkeys(("secular", "non religious", "nonreligious"), "secular"),
    **dict.fromkeys(("faith based", "celebrate recovery"), "faith_based"),
    **dict.fromkeys(("refuge recovery", "recovery dharma", "buddhist", "buddhist inspired"), "buddhist"),
    **dict.fromkeys(("al anon", "alanon", "nar anon", "naranon", "alateen", "family and friends",
                     "families and friends"), "family_friends"),
    **dict.fromkeys(("harm reduction", "harm reduction friendly"), "harm_reduction"),
    **dict.fromkeys(("moud", "moud friendly", "moud welcome", "mat friendly", "medication friendly",
                     "medication supportive"), "medication_supportive"),
    **dict.fromkeys(("all recovery", "all pathways", "any pathway", "all pathways welcome", "pathway neutral"),
                    "all_recovery"),
}
# Punctuation inside a word ("A.A.", "Al-Anon", "twelve_step") is not part of what it says.
_JOINERS = re.compile(r"[-_/]+")
_DROPPED = re.compile(r"[.'’()]+")
_ITEM_SEPARATORS = re.compile(r"\s*(?:;|,|\||\n)\s*")


def normalise_words(text: str) -> str:
    """Lower case, '.' dropped, hyphens, underscores and slashes read as spaces, spaces collapsed."""
    return " ".join(_JOINERS.sub(" ", _DROPPED.sub("", text.casefold())).split())


_KNOWN: dict[str, str] = {normalise_words(word): key for word, key in WORDS.items()} | {
    normalise_words(spelling): term.key for term in tx.PATHWAYS for spelling in (term.key, term.english_label)}


def pathway_key(word: str) -> str | None:
    """The pathway one source word or phrase names without doubt, else None."""
    return _KNOWN.get(normalise_words(word))


def read_pathways(raw: str) -> tuple[list[str], list[str]]:
    """A pathways cell ("12-step; SMART Recovery, other") read as keys, and the items no word names, as written."""
    keys: list[str] = []
    unread: list[str] = []
    for item in (part.strip() for part in _ITEM_SEPARATORS.split(raw)):
        if not item:
            continue
        key = pathway_key(item)
        if key is None:
            unread.append(item)
        elif key not in keys:
            keys.append(key)
    return keys, unread
