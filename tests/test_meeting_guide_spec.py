"""Meeting Guide feeds per the code4recovery spec: places, zones, attendance and notes in; a lossless feed out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from directory.config import DEFAULT_DATA_DIR
from directory.gazetteer import resolve_place, time_zone
from directory.interop.importer import plan_import
from directory.interop.meeting_guide import meeting_guide_feed, read_meeting_guide
from directory.interop.records import UnusableInput
from directory.schema import COLUMNS, validate_record
from directory.search import Query, build_index, search
from directory.store import Store

REAL = Path(__file__).parent / "fixtures" / "real" / "meeting_guide"
EMPTY = pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})


def _read(*meetings: dict) -> list:
    return read_meeting_guide(json.dumps([{"name": "M", "day": 1, "time": "19:00", **m} for m in meetings]).encode())


def _added(feed: bytes) -> pd.DataFrame:
    plan = plan_import(EMPTY, read_meeting_guide(feed))
    assert not plan.rejected, plan.rejected
    return pd.DataFrame([change.values for change in plan.added], columns=list(COLUMNS))


def _real(name: str) -> tuple[list[dict], list]:
    data = (REAL / name).read_bytes()
    return json.loads(data), read_meeting_guide(data)


# A regional feed's shapes of a whole address in one field (no real Mississippi feed was found to excerpt).
TUPELO = [
    {"name": "Tupelo Noon", "day": 1, "time": "12:00", "address": "100 Main St, Tupelo, MS"},
    {"name": "Gloster Step", "day": 2, "time": "19:00", "address": "1211 S Gloster St, Tupelo, MS 38801, USA"},
    {"name": "Eason Big Book", "day": 3, "time": "19:00", "address": "500 W Eason Blvd Tupelo MS 38804"},
    {"name": "Crosstown", "day": 4, "time": "18:00", "formatted_address": "431 W Main St, Tupelo, MS 38804, USA"},
    {"name": "Suite Group", "day": 5, "time": "18:00", "address": "123 Oak Ave, Suite 4, Tupelo MS 38801"},
]


def test_a_real_feed_of_formatted_addresses_is_split_placed_and_zoned() -> None:
    """A real TSML feed (Georgia) gives only `formatted_address`: each meeting gets street, city, state, ZIP, a pin
    and the Eastern zone, and a search near its town finds every one."""
    added = _added((REAL / "atlanta.json").read_bytes())
    assert list(added["address"]) == ["5881 Old Bascomb Rd"] * 4 + ["10102 Old Atlanta Hwy"] * 2
    assert list(added["city"]) == ["Acworth"] * 4 + ["Covington"] * 2
    assert set(added["state"]) == {"GA"} and list(added["zip"]) == ["30102"] * 4 + ["30014"] * 2
    assert all(added["latitude"]) and set(added["event_timezone"]) == {"America/New_York"}
    for town, count in (("Acworth, GA", 4), ("Covington, GA", 2)):
        place = resolve_place(town)
        assert len(search(build_index(added), Query(near=(place.lat, place.lon), radius_miles=10))) == count


def test_a_real_texas_feed_without_a_zone_gets_central_time() -> None:
    """A real feed from the Texas panhandle names no time zone: its meetings are in Central time, not Eastern."""
    data = (REAL / "nwta.json").read_bytes()
    added = _added(data)
    assert len(added) == len(json.loads(data))
    assert set(added["event_timezone"]) == {"America/Chicago"}
    assert set(added["state"]) == {"TX"}


def test_one_line_addresses_are_split_placed_and_found_near_their_town() -> None:
    """Every shape gives street, city and state; all five meetings are within 10 miles of Tupelo, MS."""
    added = _added(json.dumps(TUPELO).encode())
    assert list(added["city"]) == ["Tupelo"] * 5 and list(added["state"]) == ["MS"] * 5
    assert list(added["address"]) == ["100 Main St", "1211 S Gloster St", "500 W Eason Blvd", "431 W Main St",
                                      "123 Oak Ave, Suite 4"]
    assert list(added["zip"]) == ["", "38801", "38804", "38804", "38801"]
    assert all(added["latitude"]) and all(added["event_timezone"] == "America/Chicago")
    place = resolve_place("Tupelo, MS")
    found = search(build_index(added), Query(near=(place.lat, place.lon), radius_miles=10))
    assert len(found) == 5


@pytest.mark.parametrize(("meeting", "zone"), [
    ({"address": "100 Main St", "city": "Tupelo", "state": "MS"}, "America/Chicago"),  # city and state
    ({"address": "200 Poplar Ave", "postal_code": "38103"}, "America/Chicago"),  # Memphis, by ZIP
    ({"latitude": 35.1495, "longitude": -90.049}, "America/Chicago"),  # Memphis, by coordinates only
    ({"latitude": 39.95, "longitude": -75.16}, "America/New_York"),
    ({"postal_code": "38103", "timezone": "America/Denver"}, "America/Denver"),  # the feed's own zone wins
    ({"city": "Edmonton", "postal_code": "T6E 4E8"}, None),  # outside the US: not guessed
])
def test_a_meeting_without_a_zone_gets_the_zone_of_its_place(meeting: dict, zone: str | None) -> None:
    """No feed zone: from the ZIP, city or coordinates, offline; never a fixed America/New_York."""
    (row,) = _read(meeting)
    assert row.values.get("event_timezone") == zone


def test_the_gazetteer_names_the_zone_of_a_zip_a_city_or_a_point() -> None:
    """The offline lookup behind the reader; "" when the place is not in the US."""
    assert time_zone(zip_code="38801") == time_zone(city="Memphis", state="TN") == "America/Chicago"
    assert time_zone(lat=40.7, lon=-74.0) == "America/New_York"
    assert time_zone(lat=53.5, lon=-113.5) == time_zone() == ""


@pytest.mark.parametrize(("meeting", "attendance", "status"), [
    ({"types": ["ONL"], "city": "Tupelo", "state": "MS"}, "online", "active"),  # ONL, no link, a city only
    ({"types": ["O", "ONL"]}, "online", "active"),
    ({"conference_url": "https://zoom.us/j/1", "formatted_address": "Tupelo, MS, USA"}, "online", "active"),
    ({"conference_url": "https://zoom.us/j/1", "address": "100 Main St", "city": "Tupelo", "state": "MS",
      "approximate": "yes"}, "online", "active"),
    ({"conference_url": "https://zoom.us/j/1", "address": "100 Main St, Tupelo, MS"}, "hybrid", "active"),
    ({"conference_phone": "6625550100", "address": "100 Main St, Tupelo, MS", "types": ["TC"]}, "online", "active"),
    ({"address": "100 Main St, Tupelo, MS", "types": ["TC"]}, "in_person", "inactive"),
    ({"address": "100 Main St, Tupelo, MS"}, "in_person", "active"),
])
def test_attendance_is_derived_as_the_meeting_finders_do(meeting: dict, attendance: str, status: str) -> None:
    """A link or ONL is online; a real street not TC is in person; both is hybrid; TC with no link is closed."""
    (row,) = _read(meeting)
    assert (row.values["attendance"], row.values["status"]) == (attendance, status)


def test_an_online_meeting_is_not_placed_at_a_city_centre_as_in_person() -> None:
    """ONL with a city: online, so a search for in-person meetings near the city does not list it."""
    added = _added(json.dumps([{"name": "Online Tupelo", "day": 1, "time": "19:00", "types": ["ONL"],
                                "city": "Tupelo", "state": "MS"}]).encode())
    place = resolve_place("Tupelo, MS")
    near = Query(near=(place.lat, place.lon), radius_miles=10, attendance=("in_person",))
    assert added.loc[0, "attendance"] == "online" and search(build_index(added), near).empty


def test_real_approximate_and_hybrid_meetings_follow_the_feed() -> None:
    """oc-aa.org: `approximate: "yes"` with Zoom is online; a street with Zoom and ONL is hybrid."""
    feed, rows = _real("oc_aa.json")
    stated = [(m.get("approximate"), bool(m.get("conference_url") or m.get("conference_phone")), r.values)
              for m, r in zip(feed, rows, strict=True) if "attendance_option" in m]
    assert all(values["attendance"] == "online" for approximate, linked, values in stated
               if approximate == "yes" and linked)
    assert rows[4].values["attendance"] == "hybrid"


def test_notes_fields_with_no_column_are_kept_in_the_description_and_go_back_out() -> None:
    """oc-aa.org: conference_url_notes, location_notes and regions are labelled paragraphs, then fields again."""
    feed, rows = _real("oc_aa.json")
    kept = [(m, r) for m, r in zip(feed, rows, strict=True) if m.get("conference_url_notes")
            and m.get("location_notes") and m.get("location_notes") != m.get("notes")]
    assert kept
    for meeting, row in kept:
        description = row.values["description"]
        assert f"Online meeting notes: {meeting['conference_url_notes']}" in description
        assert f"Location notes: {meeting['location_notes'].strip()}" in description
        assert f"Regions: {' > '.join(meeting['regions'])}" in description
    stored = pd.DataFrame([{**dict.fromkeys(COLUMNS, ""), "id": f"m-{r.line}", "status": "active", **r.values}
                           for _, r in kept], columns=list(COLUMNS))
    for (meeting, _), out in zip(kept, json.loads(meeting_guide_feed(stored)), strict=True):
        assert out["conference_url_notes"] == meeting["conference_url_notes"]
        assert out["location_notes"] == meeting["location_notes"].strip()
        assert out["regions"] == meeting["regions"] and out.get("notes") == meeting.get("notes")
    _, sepia = _real("aasepia.json")
    assert sepia[0].values["description"] == "Opposite Woodlyn Shopping Center\n\nRegions: Delaware County > Woodlyn"


def test_district_and_region_are_kept_too() -> None:
    """`district`, and `region` with `sub_region` when there is no `regions` list."""
    (row,) = _read({"notes": "Bring a book.", "region": "Lee County", "sub_region": "Tupelo", "district": "12"})
    assert row.values["description"] == "Bring a book.\n\nRegions: Lee County > Tupelo\n\nDistrict: 12"


def test_a_canadian_postal_code_is_accepted_as_given() -> None:
    """Edmonton's 'T6E 4E8' validates and imports; a US ZIP is still checked."""
    assert validate_record({"zip": "T6E 4E8"}, require_id=False).errors.get("zip") is None
    assert "zip" in validate_record({"zip": "1910"}, require_id=False).errors
    added = _added(json.dumps([{"name": "Shifters", "day": 6, "time": "11:00", "address": "8318 104 St",
                                "city": "Edmonton", "postal_code": "T6E 4E8", "country": "CA"}]).encode())
    assert added.loc[0, "zip"] == "T6E 4E8"


def test_a_single_meeting_object_is_a_feed_of_one_and_an_empty_feed_says_so() -> None:
    """A lone object is read as one meeting; `[]` gets its own message."""
    (row,) = read_meeting_guide(b'{"name": "Alone", "day": 2, "time": "19:00"}')
    assert row.values["name"] == "Alone" and row.values["recurrence_rule"] == "FREQ=WEEKLY;BYDAY=TU"
    with pytest.raises(UnusableInput, match="the feed lists no meetings"):
        read_meeting_guide(b" [ ] ")


def _sample(tmp_path: Path) -> Store:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DEFAULT_DATA_DIR / "resources.csv", folder / "resources.csv")
    return Store(folder)


def test_a_reimport_of_our_own_export_changes_nothing(tmp_path: Path) -> None:
    """The sample directory's feed, read back into the same store: 0 added, 0 updated, every meeting unchanged."""
    frame = _sample(tmp_path).read_raw()
    feed = meeting_guide_feed(frame)
    plan = plan_import(frame, read_meeting_guide(feed))
    weekly = frame[frame["recurrence_rule"].str.contains("FREQ=WEEKLY") & frame["status"].isin(("active",
                                                                                                  "inactive"))]
    assert (len(plan.added), len(plan.updated), len(plan.rejected)) == (0, 0, 0)
    assert len(plan.unchanged) == len(weekly) == len(json.loads(feed)) > 0
    by_id = frame.set_index("id")
    for change in plan.unchanged:
        for column in ("category", "support_types", "event_start", "populations", "languages", "tags",
                       "last_verified", "status", "attendance", "description"):
            assert change.values[column] == by_id.loc[change.resource_id, column], (change.resource_id, column)


def test_the_export_is_spec_shaped_and_keeps_temporarily_closed_meetings(tmp_path: Path) -> None:
    """A retired meeting goes out with TC; populations and languages go out as the spec's type codes."""
    frame = _sample(tmp_path).read_raw()
    meetings = {m["slug"]: m for m in json.loads(meeting_guide_feed(frame))}
    retired = frame[(frame["status"] == "inactive") & frame["recurrence_rule"].str.contains("FREQ=WEEKLY")]
    assert len(retired) > 0
    for slug in retired["external_id"].where(retired["external_id"] != "", retired["id"]):
        assert "TC" in meetings[slug]["types"] and meetings[slug]["attendance_option"] == "inactive"
    for meeting in meetings.values():
        assert isinstance(meeting["day"], int) and len(meeting["time"]) == 5
        assert "last_verified" not in meeting and "updated" in meeting
    women = [m for m in meetings.values() if "women" in m["directory"].get("populations", "")]
    assert women and all("W" in m["types"] for m in women)
    spanish = [m for m in meetings.values() if "Spanish" in m["directory"].get("languages", "")]
    assert spanish and all("S" in m["types"] for m in spanish)


def test_every_language_code_of_the_spec_is_a_language_both_ways() -> None:
    """'TL' is Tagalog and 'DE' German (not unknown tags), and they go back out as the same codes."""
    (row,) = _read({"types": ["O", "TL", "DE"]})
    assert (row.values["languages"], row.values["tags"]) == ("Tagalog;German", "open meeting")
    stored = pd.DataFrame([{**dict.fromkeys(COLUMNS, ""), "id": "m-1", "status": "active", **row.values}],
                          columns=list(COLUMNS))
    (meeting,) = json.loads(meeting_guide_feed(stored))
    assert sorted(meeting["types"]) == ["DE", "O", "TL"]
