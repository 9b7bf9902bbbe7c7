"""Meeting Guide feeds: meetings become weekly events, attendance is derived, and feeds round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from directory.interop.formats import decide_format
from directory.interop.importer import plan_import
from directory.interop.meeting_guide import meeting_guide_feed, read_meeting_guide
from directory.interop.records import UnusableInput
from directory.schema import COLUMNS, validate_record

FEED = Path(__file__).parent / "fixtures" / "meeting_guide" / "feed.json"


def _rows() -> dict[str, dict[str, str]]:
    return {row.values.get("name", f"line {row.line}"): row.values for row in read_meeting_guide(FEED.read_bytes())}


def _as_stored(rows: list) -> pd.DataFrame:
    records = [{**{c: "" for c in COLUMNS}, "id": f"m-{r.line}", "status": "active", **r.values} for r in rows]
    return pd.DataFrame(records, columns=list(COLUMNS))


def test_meetings_become_weekly_events_with_their_types_in_our_words() -> None:
    """Day, time, zone and types land in our columns; the first sitting is in a fixed anchor week."""
    sunrise = _rows()["Serenity at Sunrise"]
    assert (sunrise["event_start"], sunrise["event_end"]) == ("2024-01-08T07:00", "2024-01-08T08:00")
    assert sunrise["recurrence_rule"] == "FREQ=WEEKLY;BYDAY=MO"
    assert (sunrise["category"], sunrise["attendance"], sunrise["external_id"]) == (
        "support_group", "in_person", "serenity-at-sunrise")
    assert sunrise["tags"] == "open meeting;discussion;newcomer" and sunrise["accessibility"] == "wheelchair"
    assert (sunrise["organization"], sunrise["location_name"]) == ("Sunrise Group", "Harbor House")
    assert "last_verified" not in sunrise  # `updated` is the feed's edit time, not a peer leader's check
    mujeres = _rows()["Mujeres en Recuperación"]
    assert mujeres["recurrence_rule"] == "FREQ=WEEKLY;BYDAY=TU,TH"
    assert (mujeres["populations"], mujeres["languages"]) == ("women", "Spanish")
    assert (mujeres["address"], mujeres["city"], mujeres["state"], mujeres["zip"]) == (
        "4400 N 5th St", "Philadelphia", "PA", "19140")


@pytest.mark.parametrize(("name", "attendance", "status"), [
    ("Serenity at Sunrise", "in_person", "active"),
    ("Zoom Lunch Bunch", "online", "active"),
    ("Main Line Hybrid Step Study", "hybrid", "active"),
    ("Church Basement Group (temporarily online)", "online", "active"),
    ("Closed For Renovation", "in_person", "inactive"),
])
def test_attendance_follows_the_conference_link_and_the_tc_type(name: str, attendance: str, status: str) -> None:
    """A link with TC is online; a link with an address is hybrid; TC with no link is not meeting."""
    row = _rows()[name]
    assert (row["attendance"], row["status"]) == (attendance, status)


def _imported() -> dict[str, dict[str, str]]:
    plan = plan_import(pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS}), read_meeting_guide(FEED.read_bytes()))
    return {change.name: change.values for change in plan.added}


def test_a_meeting_without_coordinates_is_placed_offline_and_gets_a_stable_id() -> None:
    """No latitude: the importer uses the ZIP centre and marks it; no slug: the same id on every read."""
    young = _rows()["Young People's Night"]
    assert "latitude" not in young  # the reader only reads; placing is the importer's job
    assert young["external_id"].startswith("mg-") and young["external_id"] == _rows()["Young People's Night"][
        "external_id"]
    assert young["tags"] == "open meeting;meeting type ZZZ" and young["populations"] == "young_adults"
    imported = _imported()
    assert imported["Young People's Night"]["geocode_quality"] == "zip_centroid"
    assert imported["Young People's Night"]["latitude"]
    assert imported["Serenity at Sunrise"]["geocode_quality"] == "source"


def test_every_good_meeting_validates_and_a_bad_one_carries_its_problems() -> None:
    """The bad day and time are reported, not dropped; the others pass our validation."""
    rows = read_meeting_guide(FEED.read_bytes())
    bad = [row for row in rows if row.problems]
    assert len(rows) == 8 and [row.values["name"] for row in bad] == ["Bad Day Meeting"]
    assert set(bad[0].problems) == {"day", "time"}
    for row in rows:
        if not row.problems:
            values = {k: v for k, v in row.values.items() if k not in ("latitude", "longitude")}
            result = validate_record({**values, "status": values.get("status", "active")}, require_id=False)
            assert result.ok, (row.values["name"], result.errors)


def test_script_in_a_name_stays_text_and_a_javascript_link_is_refused_by_validation() -> None:
    """The reader keeps what the feed says; validation refuses the link; the row is not dropped."""
    feed = [{"name": "<script>alert(1)</script>", "day": 1, "time": "19:00", "url": "javascript:alert(1)"}]
    (row,) = read_meeting_guide(json.dumps(feed).encode())
    assert row.values["name"] == "<script>alert(1)</script>"
    assert "website" in validate_record({**row.values, "status": "active"}, require_id=False).errors


@pytest.mark.parametrize(("data", "message"), [
    (b"not json", "not valid JSON"),
    (b'{"feed": "not a meeting"}', "a JSON list"),
    (b"[]", "the feed lists no meetings"),
    (b"\xff\xfe[]", "not UTF-8"),
])
def test_unusable_feeds_are_refused(data: bytes, message: str) -> None:
    """Non-JSON, an object instead of a list, and bytes that are not UTF-8."""
    with pytest.raises(UnusableInput, match=message):
        read_meeting_guide(data)


def test_feed_to_rows_to_feed_keeps_every_meeting_field_we_hold() -> None:
    """The good meetings go back out with the same day, times, types, place and links."""
    rows = [row for row in read_meeting_guide(FEED.read_bytes()) if not row.problems]
    original = {m["name"]: m for m in json.loads(FEED.read_text(encoding="utf-8"))}
    again = {m["name"]: m for m in json.loads(meeting_guide_feed(_as_stored(rows)))}
    assert set(again) == {r.values["name"] for r in rows}  # a temporarily closed meeting stays, with TC
    for name, meeting in again.items():
        source = original[name]
        assert meeting["day"] == source["day"] and meeting["time"] == source["time"]
        assert meeting.get("end_time") == source.get("end_time")
        assert sorted(meeting["types"]) == sorted(source["types"]), name
        for key in ("conference_url", "location", "group", "notes", "url"):
            assert meeting.get(key) == source.get(key), (name, key)
        if "formatted_address" not in source:  # a formatted address goes back out split into its parts
            assert (meeting.get("address"), meeting.get("postal_code")) == (source.get("address"),
                                                                            source.get("postal_code"))
    assert decide_format("auto", meeting_guide_feed(_as_stored(rows)), is_package=False) == "meeting-guide"


def test_rows_to_feed_to_rows_gives_the_same_values() -> None:
    """Our rows as a feed and back: identical for every column a feed carries."""
    rows = [row for row in read_meeting_guide(FEED.read_bytes()) if not row.problems
            and row.values.get("status") != "inactive"]
    back = read_meeting_guide(meeting_guide_feed(_as_stored(rows)))
    place = ("latitude", "longitude", "geocode_quality")
    for before, after in zip(rows, back, strict=True):
        assert {k: v for k, v in after.values.items() if k not in place} == {
            k: v for k, v in before.values.items() if k not in place}
        # A feed carries coordinates as numbers and no word on how they were found.
        if "latitude" in before.values:
            assert float(after.values["latitude"]) == pytest.approx(float(before.values["latitude"]))
        else:
            assert "latitude" not in after.values


REAL = Path(__file__).parent / "fixtures" / "real" / "meeting_guide"


def _real(name: str) -> tuple[list[dict], list]:
    data = (REAL / name).read_bytes()
    return json.loads(data), read_meeting_guide(data)


@pytest.mark.parametrize(("name", "count", "with_problems"), [
    ("aasepia.json", 60, 0), ("oc_aa.json", 60, 1), ("edmonton.json", 60, 0), ("alpena_tsml_ui_sample.json", 46, 0),
])
def test_every_meeting_of_a_real_feed_comes_out(name: str, count: int, with_problems: int) -> None:
    """Real feeds: every meeting is a row, and only a meeting with no day and no time carries problems."""
    feed, rows = _real(name)
    assert len(rows) == len(feed) == count
    assert sum(bool(row.problems) for row in rows) == with_problems
    assert all(row.values["name"] for row in rows)


def test_a_meeting_with_null_day_and_types_keeps_its_problems_but_is_not_lost() -> None:
    """oc-aa.org: no `day` and `time`, or no `types`, still give a row with everything else."""
    feed, rows = _real("oc_aa.json")
    women = rows[29]
    assert "day" not in feed[29] and women.values["name"] == "Women'"
    assert women.problems == {"day": "the meeting has no day", "time": "the meeting has no time"}
    assert women.values["address"] == "16865 E Pacific Coast Hwy" and "event_start" not in women.values
    untyped = rows[20]
    assert "types" not in feed[20] and untyped.values["recurrence_rule"] == "FREQ=WEEKLY;BYDAY=SU"
    assert "tags" not in untyped.values and not untyped.problems


def test_a_tsml_attendance_option_is_honoured() -> None:
    """attendance_option "inactive" retires the meeting; "online" and "in_person" are taken as stated."""
    feed, rows = _real("oc_aa.json")
    stated = {row.line: (feed[row.line - 1]["attendance_option"], row.values["attendance"], row.values["status"])
              for row in rows}
    assert {key for key, (option, _, status) in stated.items() if option == "inactive"} == {16, 43}
    assert all(status == "inactive" for option, _, status in stated.values() if option == "inactive")
    assert all(attendance == option for option, attendance, _ in stated.values() if option != "inactive")


def test_edmonton_day_arrays_12_hour_times_and_us_dates_are_read() -> None:
    """`day: [6]`, `time: "11:00 AM"` and `updated: "8/25/2022 11:17:07 AM"` become our values."""
    _, rows = _real("edmonton.json")
    shifters = rows[0].values
    assert (shifters["event_start"], shifters["recurrence_rule"]) == ("2024-01-13T11:00", "FREQ=WEEKLY;BYDAY=SA")
    assert rows[1].values["event_start"] == "2024-01-09T19:30"  # "7:30 PM"
    assert "last_verified" not in shifters  # `updated: "8/25/2022 11:17:07 AM"` is not a peer leader's check
    assert shifters["address"] == "8318 104 St, Edmonton, Alberta, T6E 4E8, Canada"


def test_comma_separated_types_and_string_coordinates_are_read() -> None:
    """Alpena's "C,M" types string and SEPIA's string latitude come through."""
    _, rows = _real("alpena_tsml_ui_sample.json")
    men = next(row.values for row in rows if row.values["name"] == "Men's Group")
    assert (men["tags"], men["populations"]) == ("closed meeting", "men")
    _, sepia = _real("aasepia.json")
    assert (sepia[0].values["latitude"], sepia[0].values["longitude"]) == ("39.8712402", "-75.3543743")


def test_an_online_meeting_placed_only_by_its_city_has_no_street_address() -> None:
    """'Philadelphia, PA, USA' is a city, not a street: the meeting is online, not hybrid."""
    feed, rows = _real("aasepia.json")
    city_only = [row for row, meeting in zip(rows, feed, strict=True)
                 if meeting["formatted_address"] == "Philadelphia, PA, USA"]
    assert city_only and all(row.values["attendance"] == "online" and "address" not in row.values
                             and row.values["city"] == "Philadelphia" for row in city_only)


@pytest.mark.parametrize(("meeting", "expected"), [
    ({"day": "Monday", "time": "7:30 p.m."}, {"event_start": "2024-01-08T19:30"}),
    ({"day": "6", "time": "12:00 PM"}, {"event_start": "2024-01-13T12:00"}),
    ({"day": 1.0, "time": "19:00:00"}, {"event_start": "2024-01-08T19:00"}),
    ({"day": [], "time": "19:00"}, {"problems": {"day"}}),
    ({"day": 7, "time": "19:00"}, {"problems": {"day"}}),
    ({"day": 1, "time": "7"}, {"problems": {"time"}}),
    ({"day": 1, "time": "25:00"}, {"problems": {"time"}}),
    ({"day": 1, "time": "19:00", "address": "100 Main St, Tupelo, MS"},
     {"address": "100 Main St", "city": "Tupelo", "state": "MS"}),
    ({"day": 1, "time": "19:00", "updated": "2020-10-27T16:17:24"}, {"last_verified": None}),
    ({"day": 1, "time": "19:00", "types": None, "day_note": None}, {"tags": None}),
    ({"day": None, "time": None, "types": "O, D"}, {"problems": {"day", "time"}, "tags": "open meeting;discussion"}),
])
def test_odd_meeting_fields_are_read_or_reported(meeting: dict, expected: dict) -> None:
    """Day names and numbers as text, 12-hour times, a whole address in `address`; a bare hour is not guessed."""
    (row,) = read_meeting_guide(json.dumps([{"name": "Odd", **meeting}]).encode())
    problems = expected.pop("problems", set())
    assert set(row.problems) == problems
    assert {key: row.values.get(key) for key in expected} == expected


def test_a_feed_nested_10000_deep_is_refused_with_a_clear_message() -> None:
    """A RecursionError in the JSON parser becomes UnusableInput."""
    data = b"[" * 10_000 + b"]" * 10_000
    with pytest.raises(UnusableInput, match="nested too deeply"):
        read_meeting_guide(data)
    deep_in_a_meeting = b'[{"name": "A", "day": 1, "time": "19:00", "notes": ' + b"[" * 10_000 + b"]" * 10_000 + b"}]"
    with pytest.raises(UnusableInput, match="nested too deeply"):
        read_meeting_guide(deep_in_a_meeting)


@pytest.mark.parametrize("data", [b"42", b'"meetings"', b"null", b"[1, 2, 3]", b'[["a"], "b"]', b"true"])
def test_garbage_that_is_not_a_list_of_meetings_is_refused(data: bytes) -> None:
    """Scalars, and lists with no meeting object at all."""
    with pytest.raises(UnusableInput, match="a JSON list of meetings"):
        read_meeting_guide(data)


def test_items_that_are_not_meetings_come_out_with_a_problem_beside_the_good_ones() -> None:
    """A number or a string among meetings is not dropped silently; the meetings read as usual."""
    rows = read_meeting_guide(b'[{"name": "Real", "day": 1, "time": "19:00"}, 5, "text", null]')
    assert [row.line for row in rows] == [1, 2, 3, 4]
    assert rows[0].values["name"] == "Real" and not rows[0].problems
    assert [row.problems["row"] for row in rows[1:]] == [
        "item 2 of the feed is not a meeting (a JSON object) but int",
        "item 3 of the feed is not a meeting (a JSON object) but str",
        "item 4 of the feed is not a meeting (a JSON object) but NoneType"]
    assert rows[2].raw == {"item": "text"} and rows[1].values == {}
