"""The directory's vocabulary: the one source of truth for every controlled list.

Keys are what the CSV stores; labels and explanations are what people read.
Colours come from the Okabe-Ito palette, which stays distinguishable for the
common forms of colour blindness; a symbol and the label always travel with a
colour so that colour never carries meaning alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    """One entry of a controlled list: a stored key, a label and a plain explanation."""

    key: str
    label: str
    explanation: str = ""


@dataclass(frozen=True)
class SupportType(Term):
    """One of the four kinds of social support that peers provide."""

    colour: str = "#000000"
    symbol: str = ""
    icon: str = ""  # Font Awesome name, for map markers


@dataclass(frozen=True)
class Category(Term):
    """A kind of resource, with the support types it offers by default."""

    default_support_types: tuple[str, ...] = field(default_factory=tuple)


SUPPORT_TYPES: tuple[SupportType, ...] = (
    SupportType(
        "emotional",
        "Emotional",
        "Someone who has been there: mentoring, recovery coaching and peer-led groups.",
        colour="#CC79A7",
        symbol="♥",
        icon="heart",
    ),
    SupportType(
        "informational",
        "Informational",
        "Skills and knowledge: job readiness, wellness seminars, parenting classes.",
        colour="#0072B2",
        symbol="i",
        icon="info",
    ),
    SupportType(
        "instrumental",
        "Instrumental",
        "Practical help: child care, transportation, housing, reaching health and social services.",
        colour="#D55E00",
        symbol="⚒",
        icon="wrench",
    ),
    SupportType(
        "affiliational",
        "Affiliational",
        "Belonging: recovery centers and alcohol- and drug-free social and recreational activities.",
        colour="#009E73",
        symbol="☺",
        icon="users",
    ),
)

CATEGORIES: tuple[Category, ...] = (
    Category(
        "recovery_center",
        "Recovery community center",
        "A peer-run place to drop in, meet people and find support.",
        ("affiliational", "emotional", "informational"),
    ),
    Category(
        "support_group",
        "Peer-led support group or mutual-aid meeting",
        "Groups where people in recovery support one another.",
        ("emotional", "affiliational"),
    ),
    Category(
        "peer_coaching",
        "Peer mentoring / recovery coaching",
        "One-to-one support from a trained peer with lived experience.",
        ("emotional", "instrumental"),
    ),
    Category(
        "sober_social",
        "Sober social and recreational activity",
        "Alcohol- and drug-free events, sports leagues and socials.",
        ("affiliational",),
    ),
    Category(
        "recovery_housing",
        "Recovery housing",
        "Alcohol- and drug-free homes that support recovery.",
        ("instrumental", "affiliational"),
    ),
    Category(
        "transportation",
        "Transportation",
        "Rides and transit help to get to appointments, work and meetings.",
        ("instrumental",),
    ),
    Category(
        "child_care",
        "Child care",
        "Care for children so parents can take part in recovery activities.",
        ("instrumental",),
    ),
    Category(
        "employment",
        "Employment and job readiness",
        "Job search help, résumé workshops and recovery-friendly employers.",
        ("informational", "instrumental"),
    ),
    Category(
        "education",
        "Education and life skills",
        "Wellness seminars, parenting classes and other life-skills learning.",
        ("informational",),
    ),
    Category(
        "navigation",
        "Navigation of health and social services",
        "Help reaching health care, benefits, child welfare and criminal-justice systems.",
        ("instrumental", "informational"),
    ),
    Category(
        "family_support",
        "Family support",
        "Support for families and loved ones of people in recovery.",
        ("emotional", "informational"),
    ),
    Category(
        "clinical_treatment",
        "Clinical treatment (referral only)",
        "Listed so peers can refer people back to treatment; not peer support.",
        ("instrumental",),
    ),
)

RECOVERY_DIMENSIONS: tuple[Term, ...] = (
    Term("health", "Health", "Making informed, healthy choices that support well-being."),
    Term("home", "Home", "A stable and safe place to live."),
    Term("purpose", "Purpose", "Meaningful daily activities: work, school, volunteering, caring."),
    Term("community", "Community", "Relationships and social networks that give support and hope."),
)

STAGES: tuple[Term, ...] = (
    Term("before", "Before treatment"),
    Term("during", "During treatment"),
    Term("after", "After treatment"),
    Term("without", "Without formal treatment"),
)

ATTENDANCE: tuple[Term, ...] = (
    Term("in_person", "In person"),
    Term("online", "Online"),
    Term("hybrid", "Hybrid (in person and online)"),
)

POPULATIONS: tuple[Term, ...] = (
    Term("women", "Women"),
    Term("men", "Men"),
    Term("youth", "Youth"),
    Term("young_adults", "Young adults"),
    Term("older_adults", "Older adults"),
    Term("families", "Families"),
    Term("veterans", "Veterans"),
    Term("lgbtq", "LGBTQ+"),
    Term("justice_involved", "Justice-involved"),
    Term("cultural", "Specific cultural communities"),
)

# Recovery pathways: the ways of recovering a group or service follows or welcomes. The directory lists them
# side by side and ranks none. Where each comes from, and how each maps to Meeting Guide types, HSDS terms and
# the words of 211 and CSV exports, is in docs/pathways.md. medication_supportive says what the `moud_welcome`
# flag says, and is kept consistent with it.
PATHWAYS: tuple[Term, ...] = (
    Term("twelve_step", "Twelve-step", "Groups that work the Twelve Steps, such as AA, NA or CA."),
    Term("smart_cbt", "SMART Recovery and similar",
         "Mutual aid built on cognitive-behavioural tools, such as SMART Recovery."),
    Term("secular", "Secular", "Support without religious or spiritual content."),
    Term("faith_based", "Faith-based", "Support rooted in a religious faith, such as Celebrate Recovery."),
    Term("buddhist", "Buddhist-inspired", "Meditation-based programs such as Refuge Recovery or Recovery Dharma."),
    Term("all_recovery", "All pathways", "Open to people on any pathway, however they recover."),
    Term("medication_supportive", "Medication-supportive",
         "People taking medication for opioid use disorder (MOUD) are welcome."),
    Term("harm_reduction", "Harm-reduction friendly",
         "Welcomes people wherever they are, including people who still use or are cutting down."),
    Term("family_friends", "Family and friends",
         "For people affected by someone else's use, such as Al-Anon or Nar-Anon."),
)
MEDICATION_PATHWAY = "medication_supportive"

COSTS: tuple[Term, ...] = (
    Term("free", "Free"),
    Term("sliding_scale", "Sliding scale"),
    Term("insurance", "Insurance accepted"),
)

ACCESSIBILITY: tuple[Term, ...] = (
    Term("wheelchair", "Wheelchair access"),
    Term("asl", "ASL interpretation"),
    Term("hearing_loop", "Hearing loop"),
)

STATUSES: tuple[Term, ...] = (
    Term("active", "Active", "Listed in the directory."),
    Term("inactive", "Inactive", "Retired; kept for history and can be restored."),
    Term("pending", "Pending review", "Waiting for a peer leader to check it."),
)

GEOCODE_QUALITIES: tuple[Term, ...] = (
    Term("exact", "Exact", "Placed at the street address."),
    Term("address_approx", "Address (approximate)", "Placed near the street address."),
    Term("zip_centroid", "ZIP center", "Placed at the center of its ZIP code."),
    Term("city_centroid", "City center", "Placed at the center of its city."),
    Term("manual", "Placed by hand", "A peer leader placed it on the map."),
    Term("source", "From the source", "Coordinates given by the file it was imported from."),
)

# Why an entry waits in the triage queue; an import records these, and a peer leader clears them.
REVIEW_REASONS: tuple[Term, ...] = (
    Term("no_category", "No category", "Nothing in the entry says which category it belongs to."),
    Term("inferred_category", "Inferred category", "The category was guessed from the entry's words or codes."),
    Term("bad_phone", "Phone number not readable", "A phone number could not be read; it is kept in the notes."),
    Term("unparsed_hours", "Hours kept as text", "The opening hours could not be read exactly; they are shown as "
                                                 "written."),
    Term("bad_location", "Location not readable", "The coordinates could not be used; the entry was placed from "
                                                  "its address, if at all."),
    Term("private_address", "Private address", "The source marks the street address private; it is kept "
                                               "confidential."),
    Term("excluded_by_source", "Hidden by the source", "The source keeps this entry off its public website or "
                                                       "directory."),
    Term("unreadable_value", "Value kept as text", "A value could not be read into its field; it is kept in the "
                                                   "notes."),
)

YES_NO: tuple[Term, ...] = (Term("yes", "Yes"), Term("no", "No"))


def keys(terms: tuple[Term, ...]) -> tuple[str, ...]:
    """The stored keys of a controlled list, in display order."""
    return tuple(term.key for term in terms)


def label_of(terms: tuple[Term, ...], key: str) -> str:
    """The label for a key, or the key itself when it is not in the list."""
    for term in terms:
        if term.key == key:
            return term.label
    return key


CATEGORY_BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}


def default_support_types(category: str) -> tuple[str, ...]:
    """The support types a new entry of this category starts with."""
    found = CATEGORY_BY_KEY.get(category)
    return found.default_support_types if found else ()
