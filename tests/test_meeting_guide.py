"""Meeting Guide feeds: meetings become weekly events, attendance is derived, and feeds round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from directory.interop.meeting_guide import looks_like_meeting_guide, meeting_guide_feed, read_meeting_guide
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
    assert (sunrise["organization"], sunrise["location_name"], sunrise["last_verified"]) == (
        "Sunrise Group", "Harbor House", "2026-10-03")
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


def test_a_meeting_without_coordinates_is_placed_offline_and_gets_a_stable_id() -> None:
    """No latitude: the ZIP centre is used and marked; no slug: the same id on every read."""
    young = _rows()["Young People's Night"]
    assert young["geocode_quality"] == "zip_centroid" and young["latitude"]
    assert young["external_id"].startswith("mg-") and young["external_id"] == _rows()["Young People's Night"][
        "external_id"]
    assert young["tags"] == "open meeting;meeting type ZZZ" and young["populations"] == "young_adults"
    assert _rows()["Serenity at Sunrise"]["geocode_quality"] == "exact"


def test_every_good_meeting_validates_and_a_bad_one_carries_its_problems() -> None:
    """The bad day and time are reported, not dropped; the others pass our validation."""
    rows = read_meeting_guide(FEED.read_bytes())
    bad = [row for row in rows if row.problems]
    assert len(rows) == 8 and [row.values["name"] for row in bad] == ["Bad Day Meeting"]
    assert set(bad[0].problems) == {"day", "time"}
    for row in rows:
        if not row.problems:
            result = validate_record({**row.values, "status": row.values.get("status", "active")}, require_id=False)
            assert result.ok, (row.values["name"], result.errors)


def test_script_in_a_name_stays_text_and_a_javascript_link_is_refused_by_validation() -> None:
    """The reader keeps what the feed says; validation refuses the link; the row is not dropped."""
    feed = [{"name": "<script>alert(1)</script>", "day": 1, "time": "19:00", "url": "javascript:alert(1)"}]
    (row,) = read_meeting_guide(json.dumps(feed).encode())
    assert row.values["name"] == "<script>alert(1)</script>"
    assert "website" in validate_record({**row.values, "status": "active"}, require_id=False).errors


@pytest.mark.parametrize(("data", "message"), [
    (b"not json", "not valid JSON"),
    (b'{"name": "one meeting"}', "a JSON list"),
    (b"\xff\xfe[]", "not UTF-8"),
])
def test_unusable_feeds_are_refused(data: bytes, message: str) -> None:
    """Non-JSON, an object instead of a list, and bytes that are not UTF-8."""
    with pytest.raises(UnusableInput, match=message):
        read_meeting_guide(data)
    assert not looks_like_meeting_guide(data)


def test_feed_to_rows_to_feed_keeps_every_meeting_field_we_hold() -> None:
    """The good meetings go back out with the same day, times, types, place and links."""
    rows = [row for row in read_meeting_guide(FEED.read_bytes()) if not row.problems]
    original = {m["name"]: m for m in json.loads(FEED.read_text(encoding="utf-8"))}
    again = {m["name"]: m for m in json.loads(meeting_guide_feed(_as_stored(rows)))}
    assert set(again) == {r.values["name"] for r in rows if r.values.get("status") != "inactive"}
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
    assert looks_like_meeting_guide(meeting_guide_feed(_as_stored(rows)))


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
