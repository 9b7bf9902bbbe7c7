"""Guess a missing category from an entry's own words and its source's taxonomy codes, with evidence and a
confidence, for a peer leader to review.

- Words count only as whole words or phrases, never inside another word ("ca" is not in "care").
- Phrases that look like a cue but are not ("meeting room", "League of Women Voters", "adult day care") are
  blanked out before anything else is read.
- A cue in the name weighs more than the same cue in the description, and cues that could mean anything
  ("meeting", "mentoring", "softball") count only when the entry also speaks of recovery.
- A source's own AIRS/211 taxonomy codes are strong evidence when they map to a category.
- An inference at or above `CONFIDENT` may be published without review; anything less waits for a peer leader,
  and when nothing fits well enough there is no guess at all.

`bench/infer_bench.py` measures precision and recall on `tests/fixtures/infer_eval.csv`.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# At or above this confidence an import may publish the category without a peer leader's review.
CONFIDENT = 0.8
# Below this there is no guess at all: the entry waits for a peer leader with its category empty.
_MINIMUM = 0.5


@dataclass(frozen=True)
class Inference:
    """A guessed category, how sure the guess is (0 to 1), and why, in words a peer leader can check."""

    category: str
    confidence: float
    evidence: str


# --- Words -------------------------------------------------------------------------------------------------

# How much one cue says on its own: "recovery coaching" (strong), "support group" (medium), "school" (weak).
STRONG, MEDIUM, WEAK = 1.0, 0.5, 0.25

# Where a word was found, and how much that place says about the entry as a whole.
_FIELD_WEIGHTS: dict[str, float] = {"name": 1.0, "terms": 0.9, "tags": 0.8, "description": 0.5,
                                    "organization": 0.4, "location_name": 0.3}
_FIELD_LABELS = {**{name: name.replace("_", " ") for name in _FIELD_WEIGHTS}, "terms": "the source's terms"}
# A cue marked as needing context ("softball", "mentoring") keeps this share of its strength when nothing in
# the entry speaks of recovery or substance use.
_WITHOUT_CONTEXT = 0.3


@dataclass(frozen=True)
class _Cues:
    category: str
    strength: float
    phrases: tuple[str, ...]
    needs_context: bool = False
    case_sensitive: bool = False  # for abbreviations: "AA" and "NA", never "aa" or "na"


_ACTIVITIES = (r"part(y|ies)|dances?|picnics?|cookouts?|bbq|barbecues?|potlucks?|game nights?|bingo|karaoke|"
               r"open mic|concerts?|festivals?|movie nights?|softball|volleyball|basketball|kickball|bowling|"
               r"hikes?|hikers?|hiking|walks?|runs?|5k|yoga|leagues?|tournaments?|camping|fishing|trips?|gym|"
               r"fitness|climbing|cycling|bike rides?|sports|recreation|retreats?|tailgates?|brunch|dinners?|"
               r"banquets?|coffee house")

# Phrases are small regular expressions in which a space or a hyphen stands for any run of spaces, hyphens or
# slashes (or none, for a hyphen), so "al-anon" also finds "Al Anon" and "Alanon", and "12-step" "12 step".
_CUES: tuple[_Cues, ...] = (
    _Cues("support_group", STRONG, (
        r"alcoholics anonymous", r"narcotics anonymous", r"cocaine anonymous", r"crystal meth anonymous",
        r"marijuana anonymous", r"heroin anonymous", r"pills anonymous", r"dual recovery anonymous",
        r"gamblers anonymous",
        r"smart recovery", r"celebrate recovery", r"refuge recovery", r"recovery dharma", r"life-?ring",
        r"women for sobriety", r"secular organizations? for sobriety", r"all recovery (meetings?|groups?)",
        r"(12|twelve)-step (meetings?|groups?|fellowships?|programs?|study|studies)",
        r"(mutual aid|mutual-help|self-help|peer support|peer-led|recovery support|recovery) (groups?|meetings?)",
        r"(addiction|sobriety|substance use|substance abuse|alcohol|drug) support groups?",
        r"big book (study|studies|meetings?)", r"step (study|studies|meetings?)", r"speaker meetings?",
        r"support groups? for (people|persons|those|individuals|men|women|adults|youth|teens) in recovery",
    )),
    _Cues("support_group", STRONG, (r"(AA|NA|CA|CMA|MA|HA) (meetings?|groups?)",), case_sensitive=True),
    _Cues("support_group", MEDIUM, (r"AA", r"NA", r"CMA"), case_sensitive=True),
    _Cues("support_group", MEDIUM, (
        r"(overeaters|debtors|sex addicts|sex and love addicts|co-?dependents|emotions|workaholics|clutterers|"
        r"nicotine|food addicts|underearners|adult children) anonymous",)),
    _Cues("support_group", MEDIUM, (
        r"support groups?", r"(12|twelve)-steps?", r"open (discussion )?meetings?", r"closed meetings?",
        r"discussion meetings?", r"sharing circles?", r"recovery circles?", r"peer support groups?",
    )),
    _Cues("support_group", MEDIUM, (r"meetings?", r"fellowship", r"groups? meets?"), needs_context=True),
    _Cues("family_support", STRONG, (
        r"al-anon", r"ala-?teen", r"nar-anon", r"families anonymous", r"adult children of alcoholics",
        r"family recovery", r"community reinforcement and family training",
        r"(families|family members|loved ones|parents|spouses|partners) (of|affected by) "
        r"(people|persons|someone|a person|those|individuals|adults|teens|youth|children|sons|daughters|kids)? ?"
        r"(in recovery|with (an )?(addiction|substance use|alcohol|drug)|who (use|drink))",
        r"(families|family members|loved ones|parents) (affected|impacted) by (addiction|substance use|"
        r"alcoholism|a loved one's|overdose)",
        r"(coping|struggling|dealing|living) with a loved one's (addiction|substance use|drinking|drug use|"
        r"alcoholism|mental illness)",
        r"(families|parents|family members|those) who have lost a loved one",
        r"famil(y|ies) (\w+ ){0,2}?groups?", r"(parents|caregivers|spouses) (support )?groups?",
        r"family peer (specialists?|support|mentors?|advocates?|navigators?|coach(es|ing)?)",
        r"parents (supporting|helping) parents",
        r"support groups? for (parents|families|family members|loved ones|relatives|spouses)",
        r"lost (a loved one|someone|a child|a son|a daughter) to (overdose|substance use|addiction|drugs)",
        r"(family|families|relatives|loved ones|friends|caregivers) (\w+ ){0,4}?of (people|persons|someone|"
        r"a person|those|individuals|adults|children|a loved one|loved ones) (living with|with|who (use|drink|"
        r"have)|affected by|struggling with)",
    )),
    _Cues("family_support", MEDIUM, (r"CRAFT",), case_sensitive=True),
    _Cues("family_support", MEDIUM, (
        r"family support( groups?)?", r"loved ones?", r"families of", r"family members", r"family programs?",
        r"for families",
    ), needs_context=True),
    _Cues("peer_coaching", STRONG, (
        r"recovery coach(es|ing)?", r"peer (recovery )?coach(es|ing)?", r"peer mentor(s|ing)?",
        r"recovery mentor(s|ing)?", r"(certified )?(peer|recovery) (support )?specialists?",
        r"certified recovery specialists?", r"peer recovery support( services?)?", r"peer (recovery )?advocates?",
        r"(one|1)-(on|to)-(one|1) peer support",
    )),
    _Cues("peer_coaching", MEDIUM, (r"peer support(?! groups?)( services?)?", r"peer counseling")),
    _Cues("peer_coaching", MEDIUM, (
        r"mentor(s|ing)?", r"coach(es|ing)?", r"(one|1)-(on|to)-(one|1) support", r"walks? alongside",
    ), needs_context=True),
    _Cues("recovery_center", STRONG, (
        r"recovery community (centers?|centres?|organi[sz]ations?)", r"recovery (cafe|café|clubhouse|hub)s?",
        r"peer-run (centers?|centres?|drop-in|respite)", r"peer recovery (centers?|centres?)",
        r"recovery (resource|support|community) (centers?|centres?)", r"recovery drop-in( centers?)?",
        r"drop-in (space|center|centre)s? (run|led) by (people|peers)",
    )),
    # Many treatment providers call themselves "... Recovery Center", so alone it says little.
    _Cues("recovery_center", WEAK, (r"recovery (centers?|centres?)", r"recovery community")),
    _Cues("recovery_center", MEDIUM, (r"drop-in (centers?|centres?|spaces?)", r"clubhouse", r"drop-in"),
          needs_context=True),
    _Cues("sober_social", STRONG, (
        r"(sober|alcohol-free|drug-free|substance-free|booze-free|clean and sober) (\w+ ){0,3}?"
        r"(social|socials|fun|events?|activit(y|ies)|outings?|" + _ACTIVITIES + ")",
        # "Recovery activities" may be anything a recovery center does; "recovery softball" is a sober activity.
        r"recovery (\w+ ){0,3}?(" + _ACTIVITIES + ")",
        r"sober (curious|community|club)", r"recovery (rally|walk|month celebration)",
    )),
    _Cues("sober_social", MEDIUM, (
        r"softball", r"volleyball", r"kickball", r"bowling", r"hikes?", r"hikers?", r"hiking", r"game nights?",
        r"karaoke", r"dances?", r"picnics?", r"cookouts?", r"leagues?", r"tournaments?", r"yoga", r"open mic",
        r"movie nights?", r"social (events?|activities|club|hour)", r"recreation(al)? (activities|programs?)",
    ), needs_context=True),
    _Cues("recovery_housing", STRONG, (
        r"sober (living|houses?|homes?|residences?|housing|apartments?)",
        r"recovery (residences?|houses?|homes?|housing)", r"half-?way (houses?|homes?)", r"halfway",
        r"three-quarter (houses?|homes?)", r"oxford (houses?|homes?)", r"recovery residence",
    )),
    _Cues("recovery_housing", MEDIUM, (r"NARR",), case_sensitive=True),
    _Cues("recovery_housing", MEDIUM, (
        r"transitional (housing|living|residences?|homes?)", r"supportive (housing|living)",
        r"residential (program|home)s?",
    ), needs_context=True),
    _Cues("clinical_treatment", STRONG, (
        r"detox(ification)?", r"withdrawal management", r"methadone", r"buprenorphine", r"suboxone", r"vivitrol",
        r"sublocade", r"naltrexone", r"medications?-assisted (treatment|therapy|recovery)",
        r"medications? for (opioid|alcohol) use disorders?", r"opioid treatment programs?",
        r"intensive out-?patient", r"partial hospitali[sz]ation",
        r"(residential|inpatient|outpatient|out-patient) (substance|drug|alcohol|addiction|chemical|"
        r"dual diagnosis|psychiatric|mental health|behavioral health)?( use| abuse| dependency)? ?"
        r"(treatment|rehab|rehabilitation|program|clinic|care|unit|facility)",
        r"(drug|alcohol|addiction|substance (use|abuse|misuse)( disorders?)?|chemical dependency|"
        r"dual diagnosis|co-occurring( disorders?)?|opioid use disorders?|alcohol use disorders?) "
        r"(treatment|counseling|counselling|rehab|rehabilitation|therapy|clinic|program|services)",
        r"addiction (medicine|psychiatry|treatment)", r"(drug|alcohol) rehab", r"substance abuse services",
        r"psychiatric (hospital|care|services|evaluation|treatment)", r"psychotherapy",
        r"mental health (treatment|clinic|center|centre|services|counseling|evaluation)",
        r"crisis (stabili[sz]ation|residential|unit)", r"psychiatric crisis", r"(28|30)-day (program|treatment|stay)",
        r"residential (\w+ ){0,3}?(rehab|treatment)", r"medication treatment",
        r"(addiction |outpatient )?treatment (centers?|centres?|clinics?|facilit(y|ies))",
    )),
    _Cues("clinical_treatment", MEDIUM, (r"MAT", r"MOUD", r"OTP", r"IOP", r"PHP"), case_sensitive=True),
    _Cues("clinical_treatment", MEDIUM, (
        r"psychiatric", r"psychiatry", r"behavioral health", r"therapists?", r"psychologists?",
        r"clinical (services?|care|treatment)",
        r"(individual|couples?|family|marriage|marital|group|mental health|grief|trauma|psychological) "
        r"(counseling|counselling|therapy)",
    )),
    _Cues("clinical_treatment", MEDIUM, (r"rehab", r"rehabilitation (center|centre)s?", r"treatment",
                                         r"counseling", r"inpatient", r"outpatient"), needs_context=True),
    _Cues("transportation", STRONG, (
        r"transportation (services?|assistance|programs?|help|vouchers?)", r"(free |low-cost )?rides? (to|for)",
        r"bus (pass|passes|tokens?|tickets?|fare|fares)", r"transit (pass|passes|fares?|vouchers?|tokens?)",
        r"gas (cards?|vouchers?)", r"paratransit", r"(non-emergency )?medical transportation", r"van services?",
        r"shuttle services?", r"ride-?share", r"free rides?", r"rides program",
        r"rides? (to|for) (\w+ ){0,3}?(treatment|appointments?|meetings?|work|jobs?|court|the doctor|recovery|"
        r"detox|groups?|church|school|clinics?)",
    )),
    _Cues("transportation", MEDIUM, (r"transportation", r"rides", r"shuttles?", r"carpools?", r"NEMT")),
    _Cues("child_care", STRONG, (
        r"child-?care", r"day-?care", r"baby-?sitting", r"(early )?head start", r"pre-?schools?", r"pre-?k",
        r"pre-?kindergarten", r"nursery schools?", r"after-?school (care|programs?)", r"before and after school",
        r"children's care", r"child development (centers?|centres?)", r"early learning (centers?|programs?)",
        r"early childhood (education|programs?|centers?)", r"drop-in child-?care", r"child watch",
    )),
    _Cues("employment", STRONG, (
        r"jobs? (training|readiness|search|seekers?|placement|fairs?|clubs?|skills|coach(es|ing)?|bank|"
        r"boards?|listings|developers?|development|center|centre|assistance|help|programs?)",
        r"employment (services|programs?|training|assistance|readiness|support|specialists?|counseling|"
        r"center|centre|opportunit(y|ies)|help)",
        r"career (centers?|centres?|counseling|services|development|coaching|fairs?|readiness|pathways|"
        r"training|focus)",
        r"workforce (development|center|centre|solutions|board|programs?)",
        r"vocational (rehabilitation|training|services|programs?|schools?|assessment)",
        r"second chance (employers?|hiring|jobs?|employment)", r"recovery-friendly (employers?|workplaces?)",
        r"american job centers?", r"one-stop career", r"supported employment", r"résumé", r"resume (writing|help)",
        r"interview skills", r"work (readiness|experience|adjustment)",
    )),
    _Cues("employment", MEDIUM, (r"jobs?", r"employment", r"careers?", r"workforce", r"apprenticeships?",
                                 r"hiring", r"resumes?", r"staffing")),
    _Cues("education", STRONG, (
        r"GED", r"HiSET", r"TASC", r"ESL", r"ESOL",
    ), case_sensitive=True),
    _Cues("education", STRONG, (
        r"high school (equivalency|diploma)s?", r"adult (basic )?education", r"adult literacy",
        r"literacy (programs?|classes|council|tutoring|services)",
        r"english (as a second language|classes|language classes|conversation)",
        r"parenting (classes|class|skills|education|programs?|courses?|workshops?)", r"life skills",
        r"financial literacy", r"money management (classes|workshops?)", r"wellness (seminars?|workshops?|classes)",
        r"(computer|digital) (classes|training|literacy|skills)", r"tutoring", r"homework help",
        r"citizenship (classes|education|preparation)", r"nutrition (classes|education)", r"cooking classes",
        r"wellness recovery action plan", r"recovery education",
    )),
    _Cues("education", MEDIUM, (r"class", r"classes", r"courses?", r"workshops?", r"seminars?", r"literacy",
                                r"degree programs?", r"(associate|bachelor)'?s? degrees?",
                                r"education(al)? programs?", r"WRAP")),
    _Cues("education", WEAK, (r"education", r"training", r"school", r"college", r"scholarships?")),
    _Cues("navigation", STRONG, (
        r"case management", r"care coordination", r"benefits? (access|enrollment|screening|assistance|help|"
        r"counseling|navigation|applications?|advocacy)",
        r"(health insurance|insurance|medicaid|medicare|marketplace|snap|food stamps?|wic) (enrollment|"
        r"applications?|assistance|help|counseling|navigation|screening|sign-?up)",
        r"SNAP", r"food stamps?", r"cash assistance", r"public assistance", r"re-?entry",
        r"legal (aid|services?|assistance|clinic|advice|representation|help)", r"pro bono",
        r"expungement", r"record sealing", r"public defenders?", r"information and referral", r"2-1-1",
        r"food (pantry|pantries|banks?|distribution|assistance|shelf|shelves|programs?|boxes)",
        r"soup kitchens?", r"emergency food", r"free (meals?|lunch(es)?|groceries|dinners?|breakfasts?)",
        r"hot meals?", r"meals on wheels", r"groceries",
        r"(homeless|emergency|overnight|family|youth|domestic violence|women's|men's|winter) shelters?",
        r"housing (assistance|search|counseling|help|authority|vouchers?|navigation|programs?|services|"
        r"referrals?|placement)", r"rent(al)? assistance", r"eviction (prevention|defense|diversion)",
        r"utility (assistance|bills?|payments?)", r"energy assistance", r"LIHEAP", r"diaper banks?",
        r"clothing (banks?|closets?|assistance|programs?|distribution)", r"clothes closets?", r"free clothing",
        r"tax (preparation|prep|assistance)", r"child welfare", r"social security", r"disaster assistance",
        r"emergency (assistance|financial assistance|relief)", r"heating (assistance|bills?)",
        r"unemployment (insurance|benefits|compensation)", r"(crime )?victim (services|assistance|compensation)",
        r"immigration (legal )?services", r"health care navigation", r"patient navigation",
        r"connects? (people|residents|individuals|clients|families|the homeless|them)",
        r"homeless (outreach|services|drop-in)", r"criminal defense", r"free food",
        r"(runaway|homeless)( and homeless)? (youth|families|veterans|people|individuals|adults|men|women)",
    )),
    _Cues("navigation", STRONG, (r"WIC", r"TANF", r"SSI", r"SSDI", r"EBT", r"LIHEAP", r"VITA"),
          case_sensitive=True),
    _Cues("navigation", MEDIUM, (
        r"navigators?", r"navigation", r"benefits", r"medicaid", r"shelters?", r"homeless(ness)?", r"diapers?",
        r"baby formula", r"clothing", r"meals?", r"legal", r"lawyers?", r"attorneys?",
        r"housing", r"rent", r"eviction", r"food", r"lunch(es)?", r"pantry", r"pantries", r"court",
        r"social services", r"food cupboards?",
    )),
    _Cues("navigation", WEAK, (r"referrals?",)),
)

# Services the directory does not list (primary health care, schools, public safety, worship, animals) are
# scored too, under this name: they never become a category, but they make a guess from a passing word less sure,
# and when they win there is no guess at all.
_ELSEWHERE = "elsewhere"
_ELSEWHERE_CUES = _Cues(_ELSEWHERE, MEDIUM, (
    r"primary (health )?care", r"(general|family|internal) medicine", r"pediatrics?", r"dermatology", r"podiatry",
    r"ob-?gyn", r"obstetrics", r"gynecology", r"urology", r"radiology", r"x-rays?", r"dental( care)?",
    r"dentistry", r"immunizations?", r"physicals", r"prenatal", r"screenings?", r"(STI|STD) testing",
    r"hospitals?", r"hospice", r"home health", r"veterinary", r"spay", r"neuter", r"pet adoption",
    r"animal (control|shelters?|adoption|welfare)", r"museums?", r"planetarium", r"aquarium", r"police",
    r"law enforcement", r"fire (department|station|services)", r"worship", r"synagogue", r"congregation",
    r"parish", r"(public|elementary|middle|high|charter|private|independent) schools?", r"plastic surgery",
    r"blood (drive|donation|tests?)", r"foster care", r"adoption", r"voter registration", r"candidate forums?",
    r"zoning", r"permits", r"trash", r"street maintenance", r"consulates?", r"driver'?s licenses?",
))

@dataclass(frozen=True)
class _NotCue:
    phrase: str
    rules_out: tuple[str, ...] = ()  # categories this phrase, when in the name, rules out for the entry
    blank: bool = True  # blanked out before any cue is read, so that none of its words count


# Phrases that are not what their words suggest ("meeting room" is not a meeting; a soup kitchen is not a sober
# social activity, whatever else its description says).
_NOT_CUES: tuple[_NotCue, ...] = (
    _NotCue(r"meeting (rooms?|spaces?|halls?|facilit(y|ies)|venues?|place)", ("support_group",)),
    _NotCue(r"(town|board|council|city council|public|commission|committee|annual|staff|school board|parent|pta|"
            r"tenants?|neighborhood|membership|general|zoning|planning|business|open meetings) meetings?",
            ("support_group",)),
    _NotCue(r"open meetings? (act|law)", ("support_group",)),
    _NotCue(r"fellowship (halls?|rooms?)", ("support_group",)),
    _NotCue(r"(AA|AS|BA|BS|MA) degrees?|associate of arts"),
    _NotCue(r"rooms? (rentals?|for rent|to rent|reservations?)", ("support_group",)),
    _NotCue(r"rent (a|our|the) (room|space|hall)", ("support_group",)),
    _NotCue(r"league of \w+( \w+)?", ("sober_social",)),
    _NotCue(r"(citizens'?|civic|urban|junior|municipal|little|anti-defamation|taxpayers'?|voters'?) leagues?",
            ("sober_social",)),
    _NotCue(r"soup kitchens?|food (pantry|pantries|banks?)|meals on wheels|(homeless|emergency) shelters?",
            ("sober_social", "support_group", "recovery_center"), blank=False),
    _NotCue(r"adult day (care|programs?|services|health|centers?)", ("child_care",)),
    # AIRS target-population terms name who is served, not what is offered ("Preschool Age Children").
    _NotCue(r"(preschool|school|primary school|elementary school|middle school|high school) age (children|youth)"),
    _NotCue(r"(preschool|elementary school|middle school|high school) students"),
    _NotCue(r"(animal|pet|dog|cat|tornado|storm|bus) shelters?"),
    _NotCue(r"(disaster|economic|data|injury|stroke|surgical|post-?operative|hurricane|flood|storm|financial|"
            r"business|cost|debt|asset) recovery"),
    _NotCue(r"(prescription|generic) drugs?"), _NotCue(r"drug-stores?"),
    _NotCue(r"drug-free (workplace|school|zone)s?"),
    _NotCue(r"employment discrimination"), _NotCue(r"equal employment"), _NotCue(r"employee assistance programs?"),
    _NotCue(r"(physical|occupational|speech|cardiac|pulmonary|stroke|injury) (rehab|rehabilitation|therapy)"),
    _NotCue(r"(wildlife|animal) rehab(ilitation)?"),
    _NotCue(r"(life|sports|executive|business|football|soccer|basketball|little league) coach(es|ing)?"),
    _NotCue(r"(tennis|basketball|food) courts?"),
)

# Anything in the entry that says it is about recovery from addiction (or mental health recovery), so that
# cues needing context may count in full.
_CONTEXT = (r"sober|sobriety|addiction|addictions|addicted|substance (use|abuse|misuse)|alcohol(ism|ics?)?|"
            r"drugs?|opioids?|opiates?|heroin|fentanyl|overdose|(12|twelve)-step|recovery|recovering|"
            r"narcotics|clean and sober|alcohol-free|drug-free|substance-free")


_TAG = re.compile(r"<[^>]*>")
_EMPTY = re.compile(r"^\s*(n/?a|none|null|-+)?\s*$", re.IGNORECASE)


# --- Finding phrases ---------------------------------------------------------------------------------------

_SEPARATORS = {" ": r"[\s/\-]+", " ?": r"[\s/\-]*", "-": r"[\s/\-]?"}
_WORD_CHAR = r"[\w'’]"
_WORD = re.compile(f"(?<!{_WORD_CHAR}){_WORD_CHAR}+")
# Phrases are filed under the first letters of their first word (at most this many), and only tried at words
# that begin that way, so that hundreds of phrases cost little more than a few.
_PREFIX = 3
_ANYTHING = "\0"  # in a computed beginning: any word character may follow


def _phrase_pattern(phrase: str) -> str:
    # A space stands for any run of spaces, hyphens or slashes (" ?" for none or some); a hyphen for one or none.
    # Groups do not capture: only the phrase as a whole is reported.
    with_separators = re.sub(r" \?| |-", lambda m: _SEPARATORS[m.group(0)], phrase)
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", with_separators)


def _beginnings(phrase: str) -> frozenset[str]:
    """How the first word of a match of `phrase` can begin: up to _PREFIX lowercase characters each, and ""
    when it may begin with anything."""
    beginnings, _ = _beginnings_of_alternatives(phrase, 0)
    return frozenset(re.split(f"[ {_ANYTHING}]", beginning)[0][:_PREFIX] for beginning in beginnings)


def _beginnings_of_alternatives(phrase: str, at: int) -> tuple[set[str], int]:
    # "a|b|..." up to an unmatched ")" or the end: the beginnings a match can have, and where reading stopped.
    beginnings: set[str] = set()
    while True:
        found, at = _beginnings_of_sequence(phrase, at)
        beginnings |= found
        if at < len(phrase) and phrase[at] == "|":
            at += 1
            continue
        return beginnings, at


def _beginnings_of_sequence(phrase: str, at: int) -> tuple[set[str], int]:
    beginnings = {""}
    while at < len(phrase) and phrase[at] not in "|)":
        if all(map(_complete, beginnings)):  # the rest cannot change them: skip to the end of this sequence
            return beginnings, _end_of_sequence(phrase, at)
        if phrase.startswith(("(?!", "(?="), at):  # a lookahead matches no characters
            item, at = {""}, _end_of_sequence(phrase, at + 3) + 1
        elif phrase[at] == "(":
            item, at = _beginnings_of_alternatives(phrase, at + (3 if phrase.startswith("(?:", at) else 1))
            at += 1
        elif phrase[at] == "\\":
            item, at = {_ANYTHING if phrase[at + 1] == "w" else phrase[at + 1].lower()}, at + 2
        else:  # a space must separate words; a hyphen may or may not
            item, at = ({" ", ""} if phrase[at] == "-" else {phrase[at].lower()}), at + 1
        if at < len(phrase) and phrase[at] in "?*+{":
            repeats = phrase[at] in "*+" or (phrase[at] == "{" and not phrase.startswith("{0,1}", at))
            optional = phrase[at] in "?*" or phrase.startswith("{0,", at)
            at = phrase.index("}", at) + 1 if phrase[at] == "{" else at + 1
            at += 1 if at < len(phrase) and phrase[at] == "?" else 0  # lazy
            item = {text + _ANYTHING for text in item} if repeats else item
            item = item | {""} if optional else item
        beginnings = {start if _complete(start) else start + text for start in beginnings for text in item}
    return beginnings, at


def _complete(beginning: str) -> bool:
    return len(beginning) >= _PREFIX or " " in beginning or _ANYTHING in beginning


def _end_of_sequence(phrase: str, at: int) -> int:
    # Where the sequence that `at` is in ends: the next "|" or ")" outside any group, or the end of the phrase.
    depth = 0
    while at < len(phrase):
        char = phrase[at]
        if char == "\\":
            at += 1
        elif char == "(":
            depth += 1
        elif char == ")" or (char == "|" and depth == 0):
            if depth == 0:
                return at
            depth -= 1
        at += 1
    return at


# For the words that begin one way: one expression telling whether any phrase matches (when there are many),
# and each phrase with what it stands for.
_Candidates = tuple[re.Pattern[str] | None, tuple[tuple[object, re.Pattern[str]], ...]]


class _PhraseFinder:
    """Finds the phrases of a list at the starts of words, each phrase tried only where its first word can begin.

    The regular expressions are compiled on first use, so that importing the module stays quick.
    """

    def __init__(self, phrases: Sequence[tuple[object, str, bool]]) -> None:
        # phrases: (what the phrase stands for, phrase, case-sensitive?)
        self._phrases = phrases
        self._filed: dict[str, list[tuple[object, str, re.Pattern[str]]]] = {}
        self._for_word: dict[str, _Candidates] = {}

    def find(self, text: str) -> list[tuple[object, int, int, str]]:
        """(what the phrase stands for, start, end, matched text) for every phrase found at a word start."""
        if not self._filed:
            self._file()
        found = []
        for word in _WORD.finditer(text):
            beginning = word.group(0)[:_PREFIX].lower()
            any_of, candidates = self._for_word.get(beginning) or self._candidates(beginning)
            at = word.start()
            if any_of is not None and any_of.match(text, at) is None:
                continue
            for key, pattern in candidates:
                match = pattern.match(text, at)
                if match is not None:
                    found.append((key, match.start(), match.end(), match.group(0)))
        return found

    def _file(self) -> None:
        filed: dict[str, list[tuple[object, str, re.Pattern[str]]]] = {}
        for key, phrase, case_sensitive in self._phrases:
            pattern = f"(?:{_phrase_pattern(phrase)})(?!{_WORD_CHAR})"
            compiled = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
            in_any_of = f"(?-i:{pattern})" if case_sensitive else pattern
            for beginning in _beginnings(phrase):
                filed.setdefault(beginning, []).append((key, in_any_of, compiled))
        self._filed = filed  # all at once: sessions are threads, and another may be reading

    def _candidates(self, beginning: str) -> _Candidates:
        # Phrases filed under "" may begin anywhere; the others under the word's first one, two or three letters.
        # Where there are many, one expression of them all first tells whether any matches at all.
        filed = [item for size in range(len(beginning) + 1) for item in self._filed.get(beginning[:size], ())]
        any_of = re.compile("|".join(pattern for _, pattern, _ in filed), re.IGNORECASE) if len(filed) > 4 else None
        result = any_of, tuple((key, compiled) for key, _, compiled in filed)
        if len(self._for_word) < 100_000:  # the cache stays bounded, whatever the input
            self._for_word[beginning] = result
        return result


_FINDER = _PhraseFinder([*((cue, cue.phrase, False) for cue in _NOT_CUES),
                         *((cue, phrase, cue.case_sensitive) for cue in (*_CUES, _ELSEWHERE_CUES)
                           for phrase in cue.phrases)])
_CONTEXT_PATTERN = re.compile(f"(?<!{_WORD_CHAR})(?:{_phrase_pattern(_CONTEXT)})(?!{_WORD_CHAR})", re.IGNORECASE)


# --- Codes -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _CodeMeaning:
    category: str  # "" when the code is known to say nothing about our categories
    confidence: float
    label: str


# AIRS/211 LA taxonomy codes, matched by prefix (the longest prefix wins), with what they mean. Only families
# whose meaning is clear are mapped; everything else (health care, target populations "Y...", public safety,
# volunteering, arts) says nothing. General social services that peers broker (food, housing help, material
# goods, utilities, benefits, legal aid, information and referral) are navigation.
_AIRS: dict[str, _CodeMeaning] = {
    "RX": _CodeMeaning("clinical_treatment", 0.75, "Substance use disorder services"),
    "RX-0400": _CodeMeaning("clinical_treatment", 0.9, "Assessment for substance use disorders"),
    "RX-1700": _CodeMeaning("clinical_treatment", 0.95, "Detoxification"),
    "RX-8450": _CodeMeaning("clinical_treatment", 0.95, "Substance use disorder treatment programs"),
    "RX-8450.3300": _CodeMeaning("recovery_housing", 0.95, "Recovery homes/halfway houses"),
    "RX-8500.8000": _CodeMeaning("recovery_housing", 0.85, "Sober living homes"),
    "RX-8250": _CodeMeaning("", 0, "Substance use disorder education/prevention"),
    "RX-8470": _CodeMeaning("", 0, "Supportive substance use disorder services"),
    "PN": _CodeMeaning("support_group", 0.7, "Mutual support"),
    "PN-8100": _CodeMeaning("support_group", 0.75, "Support groups"),
    "PN-8100.0500": _CodeMeaning("support_group", 0.95, "Addiction/substance use disorder support groups"),
    "PN-8100.5000": _CodeMeaning("support_group", 0.85, "Mental health related support groups"),
    "RF-6500": _CodeMeaning("peer_coaching", 0.7, "Peer counseling"),
    "RM": _CodeMeaning("clinical_treatment", 0.8, "Mental health facilities"),
    "RP-1400": _CodeMeaning("clinical_treatment", 0.7, "Mental health counseling"),
    "RP-5000": _CodeMeaning("clinical_treatment", 0.8, "Mental health evaluation"),
    "RP-6400": _CodeMeaning("clinical_treatment", 0.8, "Mental health treatment"),
    "BD": _CodeMeaning("navigation", 0.85, "Food"),
    "BH": _CodeMeaning("navigation", 0.85, "Housing/shelter"),
    "BH-8400.6000": _CodeMeaning("", 0, "Group residences/supported living"),
    "BM": _CodeMeaning("navigation", 0.8, "Material goods"),
    "BV": _CodeMeaning("navigation", 0.85, "Utilities"),
    "NL": _CodeMeaning("navigation", 0.85, "Public assistance programs"),
    "NL-3000.1500": _CodeMeaning("child_care", 0.8, "Child care expense assistance"),
    "NS": _CodeMeaning("navigation", 0.8, "Social insurance programs"),
    "NT": _CodeMeaning("navigation", 0.85, "Temporary financial assistance"),
    "FT": _CodeMeaning("navigation", 0.85, "Legal services"),
    "FP": _CodeMeaning("navigation", 0.8, "Legal assistance"),
    "FN-1900": _CodeMeaning("navigation", 0.8, "Crime victim assistance"),
    "TJ-3000": _CodeMeaning("navigation", 0.85, "Information and referral"),
    "PH-1000": _CodeMeaning("navigation", 0.85, "Case/care management"),
    "LH-0350": _CodeMeaning("navigation", 0.8, "Aging and disability resource centers"),
    "LH-3500": _CodeMeaning("navigation", 0.85, "Health insurance information/counseling"),
    "LH-5100": _CodeMeaning("navigation", 0.8, "Medical expense assistance"),
    "BT": _CodeMeaning("transportation", 0.7, "Transportation"),
    "BT-4500": _CodeMeaning("transportation", 0.9, "Local transportation"),
    "BT-4800": _CodeMeaning("transportation", 0.8, "Long distance transportation"),
    "BT-8300": _CodeMeaning("transportation", 0.9, "Transportation expense assistance"),
    "BT-8500": _CodeMeaning("transportation", 0.85, "Transportation passes"),
    "BT-8750": _CodeMeaning("", 0, "Travelers assistance/consulates"),
    "LD-1500": _CodeMeaning("transportation", 0.9, "Medical transportation"),
    "PH-1250": _CodeMeaning("child_care", 0.9, "Child care providers"),
    "PH-2400.1500": _CodeMeaning("child_care", 0.85, "Child care provider referrals"),
    "HD-1800": _CodeMeaning("child_care", 0.85, "Early childhood education"),
    "ND": _CodeMeaning("employment", 0.9, "Employment"),
    "HH": _CodeMeaning("education", 0.6, "Educational programs"),
    "HH-0500": _CodeMeaning("education", 0.9, "Adult education"),
    "HL": _CodeMeaning("education", 0.75, "Educational support services"),
    "HL-7600": _CodeMeaning("", 0, "School meal services"),
    "PH-6100": _CodeMeaning("education", 0.75, "Parenting education"),
    "PH-6100.6800": _CodeMeaning("education", 0.85, "Parenting skills classes"),
    "PH-6200": _CodeMeaning("education", 0.8, "Family life/life skills education"),
}
_AIRS_CODE = re.compile(r"^[A-Z]{1,2}(-\d{4}(\.\d{4}(-\d{3}(\.\d{2})?)?)?)?$")
# Target populations (Y...) and volunteer opportunities (PX) describe who or how, not what is offered.
_NOT_A_SERVICE = ("Y", "PX")
_CODE_SEPARATORS = re.compile(r"[;*|\n]")
# How much a service code that maps to nothing dilutes the codes that do (a mapped code weighs its confidence).
_UNMAPPED_WEIGHT = 0.5


# --- Public API --------------------------------------------------------------------------------------------

def infer_category(values: Mapping[str, str], codes: Sequence[str] = ()) -> Inference | None:
    """The category an entry's codes and words point to, with confidence and evidence; None if nothing fits.

    `codes` are the source's own classification: AIRS/211 codes ("BD-1800.2000") or taxonomy term names
    ("Support Groups"). The entry's own `category` is not read: this is only for entries without one.
    """
    airs, terms = _split_codes(codes)
    by_codes = _from_codes(airs)
    by_words = _from_words(values, terms)
    found = _combine(by_codes, by_words)
    if found is None or found.category == _ELSEWHERE or found.confidence < _MINIMUM:
        return None
    return found


# --- Words, in detail --------------------------------------------------------------------------------------

def _from_words(values: Mapping[str, str], terms: Sequence[str]) -> Inference | None:
    fields, ruled_out = _read_fields(values, terms)
    scores = _scores(fields, ruled_out)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1].total, reverse=True)
    category, top = ranked[0]
    runner_up = ranked[1][1].total if len(ranked) > 1 else 0.0
    # One strong cue in the name gives 0.92, in the description 0.71, one medium cue in the name 0.71; a close
    # runner-up takes up to half of that away.
    confidence = (1 - math.exp(-2.5 * top.total)) * (1 - 0.5 * (runner_up / top.total) ** 2)
    evidence = "words: " + "; ".join(f"'{words}' in {_FIELD_LABELS[name]}" for _, words, name in top.found[:3])
    if len(ranked) > 1:
        other, other_score = ranked[1]
        _, words, name = other_score.found[0]
        evidence += f" (also {_category_words(other)}: '{words}' in {_FIELD_LABELS[name]})"
    return Inference(category, round(confidence, 3), evidence)


def _category_words(category: str) -> str:
    return "a service not listed here" if category == _ELSEWHERE else category


@dataclass
class _Field:
    name: str
    text: str  # with the phrases that are not cues blanked out
    cues: list[tuple[_Cues, int, int, str]]  # (cue, start, end, matched words)


def _read_fields(values: Mapping[str, str], terms: Sequence[str]) -> tuple[list[_Field], set[str]]:
    """The cues found in each field of the entry, and the categories that phrases in its name rule out."""
    texts = {name: _clean(values.get(name)) for name in _FIELD_WEIGHTS if name != "terms"}
    texts["terms"] = "; ".join(terms)
    fields: list[_Field] = []
    ruled_out: set[str] = set()
    for name, text in texts.items():
        if not text:
            continue
        found = _FINDER.find(text)
        blanked = [(start, end) for key, start, end, _ in found if isinstance(key, _NotCue) and key.blank]
        for key, *_ in found:
            if isinstance(key, _NotCue) and name == "name":
                ruled_out.update(key.rules_out)
        for start, end in blanked:
            text = text[:start] + " " * (end - start) + text[end:]
        cues = [(key, start, end, words) for key, start, end, words in found if isinstance(key, _Cues)
                and not any(begin < end and start < stop for begin, stop in blanked)]
        fields.append(_Field(name, text, cues))
    return fields, ruled_out


@dataclass
class _Score:
    total: float
    found: list[tuple[float, str, str]]  # (contribution, matched words, field), strongest first


def _scores(fields: Sequence[_Field], ruled_out: set[str]) -> dict[str, _Score]:
    in_context: bool | None = None  # looked up only when a cue needs it
    best: dict[tuple[str, str], tuple[float, str]] = {}  # (category, matched words) -> (contribution, field)
    for field in fields:
        # Words count once: the strongest, then the longest, cue claims them, so "rides to treatment" is
        # transportation and not also treatment, and "softball" in "sober Sunday softball" is not counted twice.
        # A cue overlapping only cues of its own category widens their claim without counting again.
        found = sorted((cue for cue in field.cues if cue[0].category not in ruled_out),
                       key=lambda cue: (cue[0].strength, cue[2] - cue[1]), reverse=True)
        claimed: list[tuple[int, int, str]] = []
        for cue, begin, end, words in found:
            overlapping = {category for start, stop, category in claimed if start < end and begin < stop}
            if overlapping and overlapping != {cue.category}:
                continue
            claimed.append((begin, end, cue.category))
            if overlapping:
                continue
            strength = cue.strength
            if cue.needs_context:
                if in_context is None:
                    in_context = any(_CONTEXT_PATTERN.search(other.text) for other in fields)
                strength *= 1 if in_context else _WITHOUT_CONTEXT
            key = (cue.category, " ".join(words.split()).casefold())
            contribution = strength * _FIELD_WEIGHTS[field.name]
            if contribution > best.get(key, (0.0, ""))[0]:
                best[key] = (contribution, field.name)
    scores: dict[str, _Score] = {}
    for (category, words), (contribution, name) in best.items():
        scores.setdefault(category, _Score(0.0, [])).found.append((contribution, words, name))
    for score in scores.values():
        score.found.sort(reverse=True)
        # Diminishing returns: the strongest cue counts in full, each further one half as much as the last, so
        # that a long description listing many weak words does not add up to certainty.
        score.total = sum(c * 0.5**i for i, (c, _, _) in enumerate(score.found))
    return scores


def _clean(value: object) -> str:
    # Real exports carry HTML markup and entities in descriptions, and "NA"/"N/A" for an empty cell; neither
    # may read as a cue ("NA" would be Narcotics Anonymous).
    if not isinstance(value, str) or _EMPTY.match(value):
        return ""
    text = html.unescape(_TAG.sub(" ", value)) if "<" in value or "&" in value else value
    return text.replace("’", "'").replace("\u00a0", " ")


# --- Codes, in detail --------------------------------------------------------------------------------------

def _split_codes(codes: Sequence[str]) -> tuple[list[str], list[str]]:
    # A source may give one code per item or several in one cell ("RX-0400; RX-8450.8000 * BH").
    airs: list[str] = []
    terms: list[str] = []
    for given in codes:
        for piece in _CODE_SEPARATORS.split(str(given)):
            piece = piece.strip()
            if not piece:
                continue
            (airs if _AIRS_CODE.match(piece) else terms).append(piece)
    return airs, terms


def _meaning(code: str) -> _CodeMeaning | None:
    prefix = code
    while prefix:
        if prefix in _AIRS:
            return _AIRS[prefix]
        cut = max(prefix.rfind("."), prefix.rfind("-"))
        prefix = prefix[:cut] if cut > 0 else ""
    return None


def _from_codes(codes: Sequence[str]) -> Inference | None:
    services = [c for c in dict.fromkeys(codes) if not c.startswith(_NOT_A_SERVICE)]
    votes: dict[str, list[tuple[float, str, str]]] = {}
    unmapped = 0
    for code in services:
        meaning = _meaning(code)
        if meaning is not None and meaning.category:
            votes.setdefault(meaning.category, []).append((meaning.confidence, code, meaning.label))
        else:
            unmapped += 1
    if not votes:
        return None
    weights = {category: sum(found[0] for found in codes_found) for category, codes_found in votes.items()}
    ranked = sorted(votes, key=weights.__getitem__, reverse=True)
    category = ranked[0]
    found = sorted(votes[category], reverse=True)
    # A code is strong evidence when it describes what the entry mostly does: its share of all the entry's
    # service codes (codes pointing elsewhere, or to nothing we list, dilute it) tempers the confidence.
    share = weights[category] / (sum(weights.values()) + _UNMAPPED_WEIGHT * unmapped)
    confidence = found[0][0] * (0.6 + 0.4 * share)
    shown = "; ".join(f"{code} ({label})" for _, code, label in found[:3])
    evidence = f"211 code{'s' if len(found) > 1 else ''} {shown}"
    if len(ranked) > 1:
        evidence += f" (also {_category_words(ranked[1])}: {votes[ranked[1]][0][1]})"
    return Inference(category, round(confidence, 3), evidence)


def _combine(by_codes: Inference | None, by_words: Inference | None) -> Inference | None:
    if by_codes is None or by_words is None:
        return by_codes or by_words
    stronger, weaker = sorted((by_codes, by_words), key=lambda found: found.confidence, reverse=True)
    if by_codes.category == by_words.category:
        # Agreement adds a little: the weaker signal closes half its share of the remaining doubt.
        confidence = stronger.confidence + (1 - stronger.confidence) * weaker.confidence * 0.5
        return Inference(by_codes.category, round(confidence, 3), f"{by_codes.evidence}; {by_words.evidence}")
    # Codes and words disagree: keep the stronger, less sure, and say what the other one said.
    confidence = stronger.confidence * (1 - 0.5 * weaker.confidence / stronger.confidence)
    return Inference(stronger.category, round(confidence, 3),
                     f"{stronger.evidence}; but {_category_words(weaker.category)} by {weaker.evidence}")
