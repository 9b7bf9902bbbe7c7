"""The directory's vocabulary: the one source of truth for every controlled list.

Keys are what the CSV stores; labels and explanations are what people read.
Colours come from the Okabe-Ito palette, which stays distinguishable for the
common forms of colour blindness; a symbol and the label always travel with a
colour so that colour never carries meaning alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.i18n import N_, _


@dataclass(frozen=True)
class Term:
    """One entry of a controlled list: a stored key, a label and a plain explanation.

    Labels and explanations are written in English, the catalogues' message ids; `label` and `explanation`
    give them in the current language, and `english_label` stays English for files other systems read."""

    key: str
    english_label: str
    english_explanation: str = ""

    @property
    def label(self) -> str:
        """The label in the current language."""
        return _(self.english_label)

    @property
    def explanation(self) -> str:
        """The plain explanation in the current language ('' when there is none)."""
        return _(self.english_explanation)


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
        N_("Emotional"),
        N_("Someone who has been there: mentoring, recovery coaching and peer-led groups."),
        colour="#CC79A7",
        symbol="♥",
        icon="heart",
    ),
    SupportType(
        "informational",
        N_("Informational"),
        N_("Skills and knowledge: job readiness, wellness seminars, parenting classes."),
        colour="#0072B2",
        symbol="i",
        icon="info",
    ),
    SupportType(
        "instrumental",
        N_("Instrumental"),
        N_("Practical help: child care, transportation, housing, reaching health and social services."),
        colour="#D55E00",
        symbol="⚒",
        icon="wrench",
    ),
    SupportType(
        "affiliational",
        N_("Affiliational"),
        N_("Belonging: recovery centers and alcohol- and drug-free social and recreational activities."),
        colour="#009E73",
        symbol="☺",
        icon="users",
    ),
)

CATEGORIES: tuple[Category, ...] = (
    Category(
        "recovery_center",
        N_("Recovery community center"),
        N_("A peer-run place to drop in, meet people and find support."),
        ("affiliational", "emotional", "informational"),
    ),
    Category(
        "support_group",
        N_("Peer-led support group or mutual-aid meeting"),
        N_("Groups where people in recovery support one another."),
        ("emotional", "affiliational"),
    ),
    Category(
        "peer_coaching",
        N_("Peer mentoring / recovery coaching"),
        N_("One-to-one support from a trained peer with lived experience."),
        ("emotional", "instrumental"),
    ),
    Category(
        "sober_social",
        N_("Sober social and recreational activity"),
        N_("Alcohol- and drug-free events, sports leagues and socials."),
        ("affiliational",),
    ),
    Category(
        "recovery_housing",
        N_("Recovery housing"),
        N_("Alcohol- and drug-free homes that support recovery."),
        ("instrumental", "affiliational"),
    ),
    Category(
        "transportation",
        N_("Transportation"),
        N_("Rides and transit help to get to appointments, work and meetings."),
        ("instrumental",),
    ),
    Category(
        "child_care",
        N_("Child care"),
        N_("Care for children so parents can take part in recovery activities."),
        ("instrumental",),
    ),
    Category(
        "employment",
        N_("Employment and job readiness"),
        N_("Job search help, résumé workshops and recovery-friendly employers."),
        ("informational", "instrumental"),
    ),
    Category(
        "education",
        N_("Education and life skills"),
        N_("Wellness seminars, parenting classes and other life-skills learning."),
        ("informational",),
    ),
    Category(
        "navigation",
        N_("Navigation of health and social services"),
        N_("Help reaching health care, benefits, child welfare and criminal-justice systems."),
        ("instrumental", "informational"),
    ),
    Category(
        "family_support",
        N_("Family support"),
        N_("Support for families and loved ones of people in recovery."),
        ("emotional", "informational"),
    ),
    Category(
        "clinical_treatment",
        N_("Clinical treatment (referral only)"),
        N_("Listed so peers can refer people back to treatment; not peer support."),
        ("instrumental",),
    ),
)

RECOVERY_DIMENSIONS: tuple[Term, ...] = (
    Term("health", N_("Health"), N_("Making informed, healthy choices that support well-being.")),
    Term("home", N_("Home"), N_("A stable and safe place to live.")),
    Term("purpose", N_("Purpose"), N_("Meaningful daily activities: work, school, volunteering, caring.")),
    Term("community", N_("Community"), N_("Relationships and social networks that give support and hope.")),
)

STAGES: tuple[Term, ...] = (
    Term("before", N_("Before treatment")),
    Term("during", N_("During treatment")),
    Term("after", N_("After treatment")),
    Term("without", N_("Without formal treatment")),
)

ATTENDANCE: tuple[Term, ...] = (
    Term("in_person", N_("In person")),
    Term("online", N_("Online")),
    Term("hybrid", N_("Hybrid (in person and online)")),
)

POPULATIONS: tuple[Term, ...] = (
    Term("women", N_("Women")),
    Term("men", N_("Men")),
    Term("youth", N_("Youth")),
    Term("young_adults", N_("Young adults")),
    Term("older_adults", N_("Older adults")),
    Term("families", N_("Families")),
    Term("veterans", N_("Veterans")),
    Term("lgbtq", N_("LGBTQ+")),
    Term("justice_involved", N_("Justice-involved")),
    Term("cultural", N_("Specific cultural communities")),
)

# Recovery pathways: the ways of recovering a group or service follows or welcomes. The directory lists them
# side by side and ranks none. Where each comes from, and how each maps to Meeting Guide types, HSDS terms and
# the words of 211 and CSV exports, is in docs/pathways.md. medication_supportive says what the `moud_welcome`
# flag says, and is kept consistent with it.
PATHWAYS: tuple[Term, ...] = (
    Term("twelve_step", N_("Twelve-step"), N_("Groups that work the Twelve Steps, such as AA, NA or CA.")),
    Term("smart_cbt", N_("SMART Recovery and similar"),
         N_("Mutual aid built on cognitive-behavioural tools, such as SMART Recovery.")),
    Term("secular", N_("Secular"), N_("Support without religious or spiritual content.")),
    Term("faith_based", N_("Faith-based"), N_("Support rooted in a religious faith, such as Celebrate Recovery.")),
    Term("buddhist", N_("Buddhist-inspired"),
         N_("Meditation-based programs such as Refuge Recovery or Recovery Dharma.")),
    Term("all_recovery", N_("All pathways"), N_("Open to people on any pathway, however they recover.")),
    Term("medication_supportive", N_("Medication-supportive"),
         N_("People taking medication for opioid use disorder (MOUD) are welcome.")),
    Term("harm_reduction", N_("Harm-reduction friendly"),
         N_("Welcomes people wherever they are, including people who still use or are cutting down.")),
    Term("family_friends", N_("Family and friends"),
         N_("For people affected by someone else's use, such as Al-Anon or Nar-Anon.")),
)
MEDICATION_PATHWAY = "medication_supportive"

COSTS: tuple[Term, ...] = (
    Term("free", N_("Free")),
    Term("sliding_scale", N_("Sliding scale")),
    Term("insurance", N_("Insurance accepted")),
)

ACCESSIBILITY: tuple[Term, ...] = (
    Term("wheelchair", N_("Wheelchair access")),
    Term("asl", N_("ASL interpretation")),
    Term("hearing_loop", N_("Hearing loop")),
)

STATUSES: tuple[Term, ...] = (
    Term("active", N_("Active"), N_("Listed in the directory.")),
    Term("inactive", N_("Inactive"), N_("Retired; kept for history and can be restored.")),
    Term("pending", N_("Pending review"), N_("Waiting for a peer leader to check it.")),
)

GEOCODE_QUALITIES: tuple[Term, ...] = (
    Term("exact", N_("Exact"), N_("Placed at the street address.")),
    Term("address_approx", N_("Address (approximate)"), N_("Placed near the street address.")),
    Term("zip_centroid", N_("ZIP center"), N_("Placed at the center of its ZIP code.")),
    Term("city_centroid", N_("City center"), N_("Placed at the center of its city.")),
    Term("manual", N_("Placed by hand"), N_("A peer leader placed it on the map.")),
    Term("source", N_("From the source"), N_("Coordinates given by the file it was imported from.")),
)

# Why an entry waits in the triage queue; an import records these, and a peer leader clears them.
REVIEW_REASONS: tuple[Term, ...] = (
    Term("no_category", N_("No category"), N_("Nothing in the entry says which category it belongs to.")),
    Term("inferred_category", N_("Inferred category"),
         N_("The category was guessed from the entry's words or codes.")),
    Term("bad_phone", N_("Phone number not readable"),
         N_("A phone number could not be read; it is kept in the notes.")),
    Term("unparsed_hours", N_("Hours kept as text"),
         N_("The opening hours could not be read exactly; they are shown as written.")),
    Term("bad_location", N_("Location not readable"),
         N_("The coordinates could not be used; the entry was placed from its address, if at all.")),
    Term("private_address", N_("Private address"),
         N_("The source marks the street address private; it is kept confidential.")),
    Term("excluded_by_source", N_("Hidden by the source"),
         N_("The source keeps this entry off its public website or directory.")),
    Term("unreadable_value", N_("Value kept as text"),
         N_("A value could not be read into its field; it is kept in the notes.")),
)

YES_NO: tuple[Term, ...] = (Term("yes", N_("Yes")), Term("no", N_("No")))


def keys(terms: tuple[Term, ...]) -> tuple[str, ...]:
    """The stored keys of a controlled list, in display order."""
    return tuple(term.key for term in terms)


def label_of(terms: tuple[Term, ...], key: str) -> str:
    """The label for a key, or the key itself when it is not in the list."""
    for term in terms:
        if term.key == key:
            return term.label
    return key


def english_label_of(terms: tuple[Term, ...], key: str) -> str:
    """The English label for a key, for files other systems read (the key itself when unknown)."""
    return next((term.english_label for term in terms if term.key == key), key)


CATEGORY_BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}


def default_support_types(category: str) -> tuple[str, ...]:
    """The support types a new entry of this category starts with."""
    found = CATEGORY_BY_KEY.get(category)
    return found.default_support_types if found else ()
