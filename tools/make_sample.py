"""Generate the shipped sample directory, data/resources.csv: fictional entries in the Philadelphia region.

Run `python tools/make_sample.py [OUT]`. The output is deterministic (a fixed seed and a fixed "today" of
2026-11-01), so the shipped file can be checked against a fresh run.

The coverage is deliberately uneven so that the gap tools find real gaps:
- most entries are in Philadelphia and Camden County;
- there is no child care at all in Bucks or Chester County;
- northern Bucks County (north of latitude 40.3) has no affiliational support: no recovery centre,
  no sober social activity, no mutual-aid group;
- some entries are stale (verified 13 to 30 months ago), a few are inactive or pending review;
- every recovery pathway appears, unevenly: twelve-step support everywhere, but no secular or Buddhist-inspired
  support in Bucks or Chester County, and harm-reduction friendly support only in Philadelphia and Camden
  County. Medication-supportive is listed only where MOUD is welcome or on a medication clinic, never where
  "Medication for OUD welcome" says no.

Pathways come from a generator of their own (PATHWAY_SEED), drawn after every other column: giving the sample
pathways left every other cell of every row as it was.

Every phone number is in the fictional 555-01xx range and every website is on example.org.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import zipcodes  # noqa: E402

from directory import taxonomy as tx  # noqa: E402
from directory.schema import COLUMNS, join_list, validate_record  # noqa: E402

TODAY = date(2026, 11, 1)
OUT = ROOT / "data" / "resources.csv"
PATHWAY_SEED = 18  # issue 18; apart from the main seed so the other columns keep their draws
NO_SECULAR_OR_BUDDHIST = ("Bucks", "Chester")  # the pathway gaps the Gaps page should find
HARM_REDUCTION_COUNTIES = ("Philadelphia", "Camden")

COUNTIES: dict[str, tuple[str, str, int]] = {
    # county: (gazetteer county, state, weight)
    "Philadelphia": ("Philadelphia County", "PA", 44),
    "Camden": ("Camden County", "NJ", 18),
    "Delaware": ("Delaware County", "PA", 12),
    "Montgomery": ("Montgomery County", "PA", 12),
    "Bucks": ("Bucks County", "PA", 8),
    "Chester": ("Chester County", "PA", 6),
}
AREA_CODES = {"Philadelphia": ("215", "267"), "Bucks": ("215", "267"), "Montgomery": ("610", "484", "215"),
              "Delaware": ("610", "484"), "Chester": ("610", "484"), "Camden": ("856",)}
NEIGHBOURHOODS = {"Kensington": "19134", "Fishtown": "19125", "Germantown": "19144", "Point Breeze": "19146",
                  "Frankford": "19124", "Olney": "19120", "Manayunk": "19127", "Port Richmond": "19134",
                  "Mantua": "19104", "Strawberry Mansion": "19121", "Tacony": "19135", "Grays Ferry": "19146",
                  "Mayfair": "19136", "Nicetown": "19140", "Center City": "19107", "South Philly": "19148",
                  "West Philly": "19139", "Northern Liberties": "19123", "Hunting Park": "19140"}
STREETS = ("Walnut St", "Market St", "Chestnut St", "Spring Garden St", "Girard Ave", "Lancaster Ave",
           "Broad St", "Main St", "Haddon Ave", "Baltimore Pike", "Ridge Ave", "Frankford Ave", "Germantown Ave",
           "State St", "Church Rd", "Mill St", "High St", "Maple Ave", "Washington Ave", "Oak Ln")
PEOPLE = ("Dana", "Marcus", "Luz", "Terrell", "Keisha", "Tom", "Aisha", "Rob", "Maria", "Jamal")
GROUP_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

NAMES: dict[str, tuple[str, ...]] = {
    "recovery_center": ("{place} Recovery Community Center", "{place} Recovery Hub", "The Open Door at {place}",
                        "{place} Peer Recovery Center"),
    "support_group": ("{place} Morning Mutual-Aid Meeting", "Women in Recovery Circle, {place}",
                      "{place} Young Adults in Recovery Group", "SMART-Style Peer Group, {place}",
                      "Moms & Babies Recovery Circle", "{place} Veterans Peer Support Group",
                      "LGBTQ+ Recovery Meetup, {place}", "{place} Evening Recovery Circle"),
    "peer_coaching": ("{place} Recovery Coaching", "Walk With Me Peer Mentoring, {place}",
                      "{place} Certified Recovery Specialists", "Second Wind Peer Mentors, {place}"),
    "sober_social": ("Thursday Night Sober Volleyball, {place}", "{place} Sober Softball League",
                     "Sober Saturday Socials, {place}", "{place} Recovery Run Club", "Sober Game Night, {place}",
                     "St. Luke's \"Second Sunday\" Social", "{place} Open Mic in Recovery",
                     "Recovery Hikers of {place}"),
    "recovery_housing": ("{place} Recovery Residence", "New Leaf Recovery House, {place}",
                         "{place} Sober Living for Women", "Harbor Recovery Home, {place}"),
    "transportation": ("Recovery Rides, {place}", "{place} Rides to Recovery", "Ride Together Van Service, {place}"),
    "child_care": ("Little Steps Child Care for Parents in Recovery, {place}", "{place} Family Drop-In Child Care",
                   "Safe Harbor Kids Room, {place}"),
    "employment": ("Second Chance Job Readiness Workshop, {place}", "{place} Recovery-Friendly Jobs Program",
                   "Fresh Start Career Coaching, {place}"),
    "education": ("Parenting in Recovery Class, {place}", "{place} Wellness Seminar Series",
                  "Life Skills for Recovery, {place}", "{place} Budgeting and Cooking Workshop"),
    "navigation": ("{place} Recovery Navigation Services", "Pathways Benefits Navigation, {place}",
                   "{place} Reentry Navigation for Returning Citizens", "Family Court Navigators, {place}"),
    "family_support": ("{place} Family Recovery Circle", "Loved Ones in Recovery, {place}",
                       "{place} Parents Supporting Parents"),
    "clinical_treatment": ("{place} Outpatient Treatment Center", "{place} Medication Treatment Clinic",
                           "Bridge Clinic, {place}"),
}
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "recovery_center": ("A welcoming drop-in space run by people in recovery.",
                        "Coffee, peer conversation, computer access and a calendar of recovery activities.",
                        "Anyone seeking or in recovery is welcome, with or without treatment."),
    "support_group": ("A peer-led group where people in recovery share experience and encouragement.",
                      "Newcomers are welcome; you can listen without speaking.",
                      "All pathways to recovery are respected."),
    "peer_coaching": ("One-to-one support from a trained peer with lived experience of recovery.",
                      "Coaches help set recovery goals and connect to community resources.",
                      "Meet in person, by phone or online."),
    "sober_social": ("An alcohol- and drug-free activity for people in recovery and their friends.",
                     "No experience needed; come to have fun and meet people.",
                     "Snacks and soft drinks provided."),
    "recovery_housing": ("An alcohol- and drug-free home where residents support one another's recovery.",
                         "House meetings every week and a peer house manager.",
                         "Call to ask about openings."),
    "transportation": ("Free rides to recovery meetings, appointments and job interviews.",
                       "Book at least a day ahead by phone.",
                       "Drivers are volunteers, many in recovery themselves."),
    "child_care": ("Free child care while parents attend recovery groups, appointments or classes.",
                   "Staffed by trained caregivers in a safe, playful room.",
                   "Ages 6 months to 12 years."),
    "employment": ("Help with résumés, interviews and finding recovery-friendly employers.",
                   "Peers who have returned to work share what helped them.",
                   "Weekly job club and one-to-one appointments."),
    "education": ("Classes that build skills for daily life in recovery.",
                  "Sessions on parenting, wellness, nutrition and managing money.",
                  "Led by peers and community volunteers."),
    "navigation": ("Peers help people reach health care, benefits, ID documents and housing programs.",
                   "Support with child welfare and criminal-justice systems, alongside you at appointments.",
                   "No referral needed."),
    "family_support": ("Support for families and loved ones of people in recovery.",
                       "Learn about recovery and meet other families who understand.",
                       "Groups and one-to-one conversations with family peer specialists."),
    "clinical_treatment": ("Listed for referral back to treatment; this is a clinical service, not peer support.",
                           "Call to ask about intake and insurance.",
                           "Peers can help you make the first call."),
}
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "recovery_center": ("community", "health"), "support_group": ("community", "health"),
    "peer_coaching": ("health", "purpose"), "sober_social": ("community",), "recovery_housing": ("home",),
    "transportation": ("purpose", "health"), "child_care": ("home", "purpose"), "employment": ("purpose",),
    "education": ("purpose", "health"), "navigation": ("health", "home"), "family_support": ("community", "home"),
    "clinical_treatment": ("health",),
}
TAGS: dict[str, tuple[str, ...]] = {
    "recovery_center": ("drop-in", "coffee", "computer lab"), "support_group": ("meeting", "mutual aid"),
    "peer_coaching": ("recovery coach", "mentor"), "sober_social": ("sober fun", "sports", "games", "music"),
    "recovery_housing": ("sober living", "recovery residence"), "transportation": ("rides", "van"),
    "child_care": ("kids", "babysitting"), "employment": ("jobs", "resume"),
    "education": ("parenting", "wellness", "classes"), "navigation": ("benefits", "reentry", "case help"),
    "family_support": ("families", "loved ones"), "clinical_treatment": ("treatment", "referral"),
}
# Entries that offer Spanish carry their name and description in Spanish too (issue 17): one wording per
# category, chosen by the row's languages, so no random draw changes.
SPANISH_NAMES: dict[str, str] = {
    "recovery_center": "Centro comunitario de recuperación de {place}",
    "support_group": "Grupo de apoyo entre pares de {place}",
    "peer_coaching": "Acompañamiento en la recuperación de {place}",
    "sober_social": "Actividades sin alcohol ni drogas de {place}",
    "recovery_housing": "Vivienda de recuperación de {place}",
    "transportation": "Transporte para la recuperación de {place}",
    "child_care": "Cuidado infantil para familias en recuperación de {place}",
    "employment": "Preparación para el empleo de {place}",
    "education": "Talleres para la vida diaria de {place}",
    "navigation": "Orientación en servicios de salud y sociales de {place}",
    "family_support": "Círculo de apoyo para familias de {place}",
    "clinical_treatment": "Centro de tratamiento de {place}",
}
SPANISH_DESCRIPTIONS: dict[str, str] = {
    "recovery_center": "Un espacio acogedor, dirigido por personas en recuperación. Puede venir sin cita.",
    "support_group": "Un grupo dirigido por pares donde las personas en recuperación comparten su experiencia. "
                     "Si es su primera vez, es bienvenido o bienvenida; puede solo escuchar.",
    "peer_coaching": "Apoyo individual de un compañero o compañera con experiencia vivida en la recuperación.",
    "sober_social": "Una actividad sin alcohol ni drogas para personas en recuperación y sus amistades.",
    "recovery_housing": "Un hogar sin alcohol ni drogas donde los residentes se apoyan en su recuperación.",
    "transportation": "Transporte gratuito a reuniones de recuperación, citas y entrevistas de trabajo.",
    "child_care": "Cuidado infantil gratuito mientras madres y padres asisten a grupos, citas o clases.",
    "employment": "Ayuda con el currículum, las entrevistas y la búsqueda de empleadores que apoyan la "
                  "recuperación.",
    "education": "Clases para la vida diaria en recuperación: crianza, bienestar, nutrición y finanzas.",
    "navigation": "Pares que le ayudan a llegar a servicios de salud, beneficios, documentos y vivienda.",
    "family_support": "Apoyo para familias y seres queridos de personas en recuperación.",
    "clinical_treatment": "Se incluye para referir a tratamiento; es un servicio clínico, no apoyo entre pares.",
}
HOURS = ("Mon-Fri 09:00-17:00", "Mon-Fri 10:00-18:00; Sat 10:00-14:00", "Mon-Thu 09:00-20:00; Fri 09:00-17:00",
         "Tue-Sat 11:00-19:00", "Mon-Sun 08:00-22:00")


def _zips() -> dict[str, list[dict]]:
    found = {}
    for county, (name, state, _) in COUNTIES.items():
        found[county] = sorted(
            (z for z in zipcodes.filter_by(county=name, state=state)
             if z["zip_code_type"] == "STANDARD" and z["active"] and float(z["lat"]) != 0),
            key=lambda z: z["zip_code"],
        )
    return found


def _allowed(category: str, county: str, zip_entry: dict) -> bool:
    if category == "child_care" and county in ("Bucks", "Chester"):
        return False
    affiliational = "affiliational" in tx.default_support_types(category)
    return not (affiliational and county == "Bucks" and float(zip_entry["lat"]) > 40.3)


def _timestamp(day: date, rng: random.Random) -> str:
    return datetime(day.year, day.month, day.day, rng.randint(8, 19), rng.choice((0, 15, 30, 45))).isoformat() + "Z"


def _event_fields(category: str, rng: random.Random) -> dict[str, str]:
    if category not in ("sober_social", "support_group") or rng.random() < 0.2:
        return {}
    start_hour = rng.choice((10, 12, 18, 19, 19, 20))
    first = date(2026, 1, 5) + timedelta(days=rng.randint(0, 60))
    start = datetime(first.year, first.month, first.day, start_hour, rng.choice((0, 30)))
    fields = {"event_timezone": "America/New_York"}
    if rng.random() < 0.15:  # a one-off event later in the season
        start = datetime(2026, 12, 1, start_hour, 0) + timedelta(days=rng.randint(0, 70))
    else:
        day = GROUP_DAYS[start.weekday()]
        fields["recurrence_rule"] = (f"FREQ=MONTHLY;BYDAY=1{day}" if rng.random() < 0.2
                                     else f"FREQ=WEEKLY;BYDAY={day}")
    end = start + timedelta(minutes=rng.choice((60, 90, 120)))
    if category == "sober_social" and start_hour == 20 and rng.random() < 0.5:
        end = start + timedelta(hours=5)  # a late social that runs past midnight
    fields["event_start"] = start.isoformat(timespec="minutes")
    fields["event_end"] = end.isoformat(timespec="minutes")
    return fields


def _row(n: int, category: str, county: str, zip_entry: dict, rng: random.Random) -> dict[str, str]:
    state = COUNTIES[county][1]
    city = zip_entry["city"].title()
    place = city
    if county == "Philadelphia":
        place = rng.choice(sorted(NEIGHBOURHOODS))
        zip_entry = zipcodes.matching(NEIGHBOURHOODS[place])[0]
    name = rng.choice(NAMES[category]).format(place=place)
    defaults = list(tx.default_support_types(category))
    if rng.random() < 0.2:
        extra = rng.choice(tx.keys(tx.SUPPORT_TYPES))
        northern_bucks = county == "Bucks" and float(zip_entry["lat"]) > 40.3
        if extra not in defaults and not (northern_bucks and extra == "affiliational"):
            defaults.append(extra)
    attendance = rng.choices(("in_person", "online", "hybrid"), (80, 8, 12))[0]
    online = attendance == "online"
    lat, lon = float(zip_entry["lat"]), float(zip_entry["long"])
    has_street = not online and rng.random() < 0.85
    if has_street:
        lat, lon = lat + rng.uniform(-0.008, 0.008), lon + rng.uniform(-0.008, 0.008)
    clinical = category == "clinical_treatment"
    verified_days = rng.randint(400, 900) if rng.random() < 0.14 else rng.randint(3, 330)
    verified = TODAY - timedelta(days=verified_days)
    created = verified - timedelta(days=rng.randint(0, 400))
    updated = min(TODAY, verified + timedelta(days=rng.randint(0, 2)))
    populations = rng.sample(tx.keys(tx.POPULATIONS), rng.choice((0, 0, 1, 1, 2)))
    if "Women" in name:
        populations = ["women"]
    elif "Veterans" in name:
        populations = ["veterans"]
    elif "LGBTQ+" in name:
        populations = ["lgbtq"]
    elif "Young Adults" in name:
        populations = ["young_adults"]
    elif "Moms" in name:
        populations = ["women", "families"]
    slug = f"{category.replace('_', '-')}-{n:04d}"
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        id=f"phl-{n:04d}",
        external_id=f"211-{state}-{rng.randint(1000, 99999):06d}" if rng.random() < 0.08 else "",
        name=name,
        organization=rng.choice(("", f"{place} Recovery Alliance", "Delaware Valley Peer Network",
                                 f"{city} Community Partners", "Recovery Together Collective")),
        description=" ".join(rng.sample(DESCRIPTIONS[category], 2)),
        category=category,
        support_types=join_list(defaults),
        dimensions=join_list(DIMENSIONS[category]),
        stages=join_list(("before", "during", "after") if clinical else
                         rng.sample(("before", "during", "after", "without"), rng.randint(2, 4))),
        attendance=attendance,
        populations=join_list(populations),
        languages=rng.choices(("English", "English;Spanish", "Spanish", "English;Vietnamese", "English;ASL"),
                              (70, 20, 4, 3, 3))[0],
        cost="insurance;sliding_scale" if clinical else rng.choices(("free", "sliding_scale", "free;insurance"),
                                                                    (80, 12, 8))[0],
        accessibility="wheelchair" if rng.random() < 0.6 else "",
        moud_welcome=rng.choice(("yes", "yes", "no", "")) if category in ("recovery_housing", "support_group",
                                                                          "recovery_center") else "",
        peer_run="no" if clinical else rng.choice(("yes", "yes", "yes", "")),
        tags=join_list(rng.sample(TAGS[category], min(2, len(TAGS[category])))),
        location_name=f"{place} Community Hall" if rng.random() < 0.15 else "",
        address=f"{rng.randint(10, 4999)} {rng.choice(STREETS)}" if has_street else "",
        city=city,
        state=state,
        zip=zip_entry["zip_code"],
        latitude=f"{lat:.5f}",
        longitude=f"{lon:.5f}",
        geocode_quality="address_approx" if has_street else "zip_centroid",
        phone=(f"({rng.choice(AREA_CODES[county])}) 555-01{rng.randint(0, 99):02d}"
               if rng.random() < 0.9 else ""),
        website=f"https://example.org/{slug}" if rng.random() < 0.75 else "",
        email=f"info+{slug}@example.org" if rng.random() < 0.3 else "",
        hours="" if category in ("sober_social", "support_group") else rng.choice((*HOURS, "")),
        conference_url=f"https://meet.example.org/{slug}" if attendance != "in_person" else "",
        status="active",
        last_verified=verified.isoformat() if rng.random() < 0.97 else "",
        verified_by=rng.choice(PEOPLE),
        created_at=_timestamp(created, rng),
        created_by=rng.choice(PEOPLE),
        updated_at=_timestamp(updated, rng),
        updated_by=rng.choice(PEOPLE),
        row_version=str(rng.randint(1, 4)),
    )
    if not row["last_verified"]:
        row["verified_by"] = ""
    if row["created_at"] > row["updated_at"]:
        row["updated_at"] = row["created_at"]
    row.update(_event_fields(category, rng))
    if "Spanish" in row["languages"]:
        row["name_es"] = SPANISH_NAMES[category].format(place=place)
        row["description_es"] = SPANISH_DESCRIPTIONS[category]
    # Recovery residences often keep their street private; decided by number so the random draws stay as they were.
    if category == "recovery_housing" and row["address"] and n % 2:
        row["location_confidential"] = "yes"
    if category in ("recovery_center", "navigation") and row["phone"] and n % 3 == 0:
        row["other_phones"] = f"Intake: {row['phone'][:-2]}{(int(row['phone'][-2:]) + 1) % 100:02d}"
    return row


def _pathways(row: dict[str, str], county: str, rng: random.Random) -> str:
    """The row's pathways, from its category and name, drawn from the pathway generator only."""
    category, name = row["category"], row["name"]
    keys: set[str] = set()
    if category == "support_group":
        if "SMART" in name:
            keys |= {"smart_cbt", "secular"}
        else:
            keys.add(rng.choices(("twelve_step", "secular", "faith_based", "buddhist", "all_recovery"),
                                 (55, 15, 10, 10, 10))[0])
    elif category == "recovery_center":
        keys.add("all_recovery")
        keys |= {key for key, chance in (("twelve_step", 0.4), ("smart_cbt", 0.2), ("buddhist", 0.2),
                                         ("harm_reduction", 0.3)) if rng.random() < chance}
    elif category == "peer_coaching":
        keys.add("all_recovery" if rng.random() < 0.6 else rng.choice(("twelve_step", "secular", "faith_based")))
    elif category == "sober_social":
        if "St. Luke's" in name:
            keys.add("faith_based")
        elif rng.random() < 0.5:
            keys.add("all_recovery")
    elif category == "recovery_housing":
        keys.add(rng.choices(("twelve_step", "faith_based", "all_recovery"), (50, 20, 30))[0])
    elif category == "family_support":
        keys.add("family_friends")
        if rng.random() < 0.3:  # groups in the manner of Al-Anon or Nar-Anon
            keys.add("twelve_step")
    elif category == "clinical_treatment" and ("Medication" in name or "Bridge" in name):
        keys.add(tx.MEDICATION_PATHWAY)
    elif category == "navigation" and rng.random() < 0.4:
        keys.add("harm_reduction")
    if row["moud_welcome"] == "yes" and rng.random() < 0.5:  # the other half carries it through the flag alone
        keys.add(tx.MEDICATION_PATHWAY)
    if county in NO_SECULAR_OR_BUDDHIST:
        keys -= {"secular", "buddhist"}
        if category == "support_group" and not keys:
            keys.add("twelve_step")
    if county not in HARM_REDUCTION_COUNTIES:
        keys.discard("harm_reduction")
    if row["moud_welcome"] == "no":  # the schema refuses the two together
        keys.discard(tx.MEDICATION_PATHWAY)
    return join_list([term.key for term in tx.PATHWAYS if term.key in keys])


def build_rows(total: int = 300) -> list[dict[str, str]]:
    """Every sample row, valid and in id order."""
    rng = random.Random(2026)
    zips = _zips()
    counties = list(COUNTIES)
    weights = [COUNTIES[c][2] for c in counties]
    categories = [c.key for c in tx.CATEGORIES]
    plan = [categories[i % len(categories)] for i in range(10 * len(categories))]
    plan += rng.choices(categories, k=total - len(plan))
    rows = []
    county_of: list[str] = []
    for n, category in enumerate(plan, start=1):
        while True:
            county = rng.choices(counties, weights)[0]
            zip_entry = rng.choice(zips[county])
            if _allowed(category, county, zip_entry):
                break
        rows.append(_row(n, category, county, zip_entry, rng))
        county_of.append(county)
    for row in rng.sample(rows, 8):
        row["status"] = "inactive"
    for row in rng.sample([r for r in rows if r["status"] == "active"], 4):
        row["status"] = "pending"
    pathway_rng = random.Random(PATHWAY_SEED)
    for row, county in zip(rows, county_of, strict=True):
        row["pathways"] = _pathways(row, county, pathway_rng)
    for row in rows:
        result = validate_record(row)
        assert result.ok, (row["id"], result.errors)
        row.update(result.values)
    return rows


def write_csv(path: Path = OUT) -> int:
    """Write the sample to path; returns the number of rows."""
    rows = build_rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print(f"wrote {write_csv(target)} rows to {target}")
