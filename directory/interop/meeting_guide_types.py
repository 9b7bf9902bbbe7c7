"""Meeting Guide type codes and what they mean in the directory: tags, populations, languages, access."""

from __future__ import annotations

# Codes that become one of our controlled values; the rest become tags in words (TYPE_TAGS).
TYPE_POPULATIONS: dict[str, str] = {"W": "women", "M": "men", "Y": "young_adults", "SEN": "older_adults",
                                    "LGBTQ": "lgbtq"}
# Every language code of the spec (code4recovery/spec README, "Meeting Types"), in English words.
TYPE_LANGUAGES: dict[str, str] = {
    "EN": "English", "S": "Spanish", "FR": "French", "RUS": "Russian", "POL": "Polish", "POR": "Portuguese",
    "ITA": "Italian", "KOR": "Korean", "AF": "Afrikaans", "AM": "Amharic", "AR": "Arabic", "BG": "Bulgarian",
    "DA": "Danish", "DE": "German", "EL": "Greek", "FA": "Persian", "FI": "Finnish", "HE": "Hebrew",
    "HI": "Hindi", "HR": "Croatian", "HU": "Hungarian", "IS": "Icelandic", "JA": "Japanese", "KA": "Georgian",
    "LT": "Lithuanian", "ML": "Malayalam", "MT": "Maltese", "NE": "Nepali", "NL": "Dutch", "NO": "Norwegian",
    "PUN": "Punjabi", "SK": "Slovak", "SL": "Slovenian", "SV": "Swedish", "TH": "Thai", "TL": "Tagalog",
    "TUR": "Turkish", "UK": "Ukrainian"}
TYPE_ACCESSIBILITY: dict[str, str] = {"X": "wheelchair", "ASL": "asl"}
# Types that imply a recovery pathway. The spec (code4recovery/spec data/types.json) has three, and none for
# medication: "A" Secular, and "AL-AN" / "AL", a meeting held at the same time as an Al-Anon or Alateen one,
# which is support for family and friends. No type says twelve-step: the format does not name a fellowship
# (Al-Anon feeds use it too), so a feed alone never makes an entry twelve-step. docs/pathways.md has the table.
TYPE_PATHWAYS: dict[str, str] = {"A": "secular", "AL-AN": "family_friends", "AL": "family_friends"}
# Export: only a code that means the pathway itself. "AL-AN" and "AL" say more (a concurrent meeting), so they
# travel as their tags, and family and friends alone goes out only in the feed's `directory` object.
PATHWAY_TYPES: dict[str, str] = {"secular": "A"}
# Codes carried by the pathway alone, so not kept as tags too.
PATHWAY_ONLY = frozenset(PATHWAY_TYPES.values())
# Attendance is derived from these, never stored as tags.
ONLINE, TEMPORARILY_CLOSED = "ONL", "TC"

TYPE_TAGS: dict[str, str] = {
    "O": "open meeting",
    "C": "closed meeting",
    "D": "discussion",
    "SP": "speaker",
    "B": "big book",
    "ST": "step study",
    "TR": "tradition study",
    "BE": "newcomer",
    "BA": "babysitting available",
    "CF": "child-friendly",
    "MED": "meditation",
    "11": "11th step meditation",
    "12x12": "12 steps and 12 traditions",
    "LIT": "literature",
    "DR": "daily reflections",
    "GR": "grapevine",
    "LS": "living sober",
    "H": "birthday",
    "A": "secular",  # read as the secular pathway; kept here so a tag from an older import still goes out as A
    "G": "gay",
    "L": "lesbian",
    "T": "transgender",
    "NB": "non-binary",
    "POC": "people of color",
    "NDG": "indigenous",
    "P": "professionals",
    "XT": "cross talk permitted",
    "SM": "smoking permitted",
    "NS": "non-smoking",
    "AL-AN": "concurrent with al-anon",
    "AL": "concurrent with alateen",
    "FF": "fragrance free",
    "OUT": "outdoor meeting",
}
# A code we have no words for keeps its code behind this prefix, so it goes back out unchanged.
OTHER_TYPE_PREFIX = "meeting type "
TAG_TYPES: dict[str, str] = {words: code for code, words in TYPE_TAGS.items()}


def tag_for(code: str) -> str:
    """The tag that carries a type code with no controlled meaning."""
    return TYPE_TAGS.get(code, OTHER_TYPE_PREFIX + code)


def code_for(tag: str) -> str | None:
    """The type code a tag stands for, or None for an ordinary tag."""
    if tag in TAG_TYPES:
        return TAG_TYPES[tag]
    return tag[len(OTHER_TYPE_PREFIX):] if tag.startswith(OTHER_TYPE_PREFIX) else None
