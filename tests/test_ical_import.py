"""iCalendar import: Google Calendar and Outlook exports in as events, and the directory's own export back."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.cli import main
from directory.interop.formats import decide_format, read_source, read_upload
from directory.interop.ical import event_calendar
from directory.interop.ical_import import read_ical
from directory.interop.limits import ImportLimitExceeded
from directory.interop.records import UnusableInput
from directory.store import Store
from tests.apps import signed_in_app

FIXTURES = Path(__file__).parent / "fixtures" / "ical"


def _rows(name: str) -> dict[str, object]:
    return {row.values["name"]: row for row in read_source(FIXTURES / name)}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_a_google_calendar_export_becomes_events_with_their_rules_and_exceptions() -> None:
    """Times keep their zone; a rule's skipped and moved sittings are listed and reported, never dropped."""
    rows = _rows("google_calendar.ics")
    assert set(rows) == {"All Recovery Meeting", "Sober Holiday Potluck", "Online Family Support Group",
                         "Recovery Walk (cancelled)"}, "a moved sitting is part of its event, not an event"
    weekly = rows["All Recovery Meeting"]
    assert {k: weekly.values[k] for k in ("event_start", "event_end", "event_timezone", "recurrence_rule",
                                          "location_name", "address", "city", "state", "zip", "external_id")} == {
        "event_start": "2026-01-06T19:00", "event_end": "2026-01-06T20:30", "event_timezone": "America/New_York",
        "recurrence_rule": "FREQ=WEEKLY;BYDAY=TU", "location_name": "Riverside Recovery Community Center",
        "address": "120 Water St", "city": "Media", "state": "PA", "zip": "19063",
        "external_id": "4q8v0k3n1m2p5r7s9t0u1v2w3x@google.com"}
    description = weekly.values["description"]
    assert description.startswith("All Recovery meeting: every path to recovery is welcome.\nBring a friend.")
    assert "Not meeting on: Tue 24 Nov 2026 7 pm, Tue 29 Dec 2026 7 pm" in description
    assert "the sitting of Tue 8 Dec 2026 7 pm moves to Tue 8 Dec 2026 6 pm" in description
    assert "EXDATE" in weekly.problems["recurrence_rule"] and "RECURRENCE-ID" in weekly.problems["recurrence_rule"]
    potluck = rows["Sober Holiday Potluck"].values  # all day: from its midnight to the next
    assert (potluck["event_start"], potluck["event_end"], potluck["event_timezone"]) == (
        "2026-12-12T00:00", "2026-12-13T00:00", "America/New_York")
    online = rows["Online Family Support Group"].values  # given in UTC: read in the calendar's zone
    assert (online["event_start"], online["event_end"], online["event_timezone"]) == (
        "2026-12-14T19:00", "2026-12-14T20:00", "America/New_York")
    assert online["conference_url"] == "https://meet.google.com/abc-defg-hij"
    assert "-::~" not in online["description"] and "address" not in online
    assert rows["Recovery Walk (cancelled)"].values["status"] == "inactive"


def test_an_outlook_export_s_windows_zones_become_iana_zones() -> None:
    """'Eastern Standard Time' is America/New_York; a UTC UNTIL becomes local time; Teams is the online link."""
    rows = _rows("outlook.ics")
    circle = rows["Family Recovery Support Circle"]
    assert circle.values["event_timezone"] == "America/New_York"
    assert circle.values["recurrence_rule"] == "FREQ=WEEKLY;UNTIL=20270624T190000;INTERVAL=1;BYDAY=TH;WKST=SU"
    assert "Not meeting on: Thu 26 Nov 2026 7 pm" in circle.values["description"]
    assert "Thu 24 Dec 2026 7 pm moves to Wed 23 Dec 2026 7 pm" in circle.values["description"]
    assert circle.values["external_id"].startswith("040000008200E00074C5B7101A82E008")
    smart = rows["SMART Recovery Online"].values
    assert (smart["event_timezone"], smart["event_start"], smart["recurrence_rule"]) == (
        "America/Chicago", "2026-09-09T18:30", "FREQ=MONTHLY;BYDAY=2WE")
    assert smart["conference_url"].startswith("https://teams.microsoft.com/l/meetup-join/")
    assert "location_name" not in smart, "'Microsoft Teams Meeting' is no place"
    assert rows["Board meeting"].flags == ("excluded_by_source",), "a private event is kept off the public list"


def test_importing_a_google_calendar_keeps_every_exception_for_review(empty_dir: Path, capsys) -> None:
    """`python -m directory import events.ics`: found by its content; the rule's exceptions wait for review."""
    assert decide_format("auto", (FIXTURES / "google_calendar.ics").read_bytes()[:4096], is_package=False) == "ics"
    code, summary = _run(capsys, "import", str(FIXTURES / "google_calendar.ics"), "--data-dir", str(empty_dir))
    assert code == 0 and summary.startswith("imported: 4 added, 0 updated, 0 unchanged, 0 rejected; ")
    stored = Store(empty_dir).read_raw().set_index("name")
    weekly = stored.loc["All Recovery Meeting"]
    assert weekly["status"] == "pending" and "EXDATE" in weekly["review_notes"]
    assert "Not meeting on: Tue 24 Nov 2026 7 pm" in weekly["description"]
    assert weekly["recurrence_rule"] == "FREQ=WEEKLY;BYDAY=TU"
    assert stored.loc["Recovery Walk (cancelled)", "status"] == "inactive"
    again = _run(capsys, "import", str(FIXTURES / "google_calendar.ics"), "--data-dir", str(empty_dir))
    assert again[1].startswith("imported: 0 added, 0 updated, 4 unchanged, 0 rejected; ")


def test_the_directory_s_own_export_imports_back_without_a_change(sample_dir: Path, tmp_path: Path, capsys) -> None:
    """Export the sample's events, import the calendar into the same directory: every event is matched by its
    UID (the entry's id) and nothing changes; into an empty directory, the events come back."""
    out = tmp_path / "events.ics"
    assert _run(capsys, "export", "--format", "ics", "--out", str(out), "--data-dir", str(sample_dir))[0] == 0
    original = Store(sample_dir).read_raw()
    events = original[(original["status"] == "active") & (original["event_start"] != "")]
    code, summary = _run(capsys, "import", str(out), "--data-dir", str(sample_dir))
    assert (code, summary.split(";")[0]) == (0, f"imported: 0 added, 0 updated, {len(events)} unchanged, 0 rejected")
    fresh = tmp_path / "fresh"
    code, summary = _run(capsys, "import", str(out), "--data-dir", str(fresh))
    assert code == 0 and summary.startswith(f"imported: {len(events)} added, 0 updated, 0 unchanged, 0 rejected")
    back = Store(fresh).read_raw().set_index("id")
    for _, event in events.iterrows():
        twin = back.loc[event["id"]]
        for column in ("name", "category", "description", "event_start", "recurrence_rule", "location_name",
                       "address", "city", "zip", "conference_url"):
            assert twin[column] == event[column], (event["id"], column)
        # URL holds one link: the online meeting's when there is one, else the website.
        assert twin["website"] == ("" if event["conference_url"] else event["website"])


def test_a_rule_with_an_end_and_a_confidential_place_come_back_as_they_were() -> None:
    """UNTIL goes out in UTC and comes back as the local time; 'Confidential location' stays confidential."""
    row = {"id": "ev-1", "name": "Circle", "event_start": "2026-01-01T19:00", "event_end": "2026-01-01T20:30",
           "event_timezone": "America/Chicago", "recurrence_rule": "FREQ=WEEKLY;UNTIL=20260701T190000;BYDAY=TH",
           "location_confidential": "yes", "address": "9 Hidden Ln", "city": "Media", "state": "PA", "zip": "19063"}
    back = read_ical(event_calendar([row], directory_zone="America/New_York"))[0].values
    assert back["id"] == "ev-1" and back["recurrence_rule"] == "FREQ=WEEKLY;UNTIL=20260701T190000;BYDAY=TH"
    assert (back["event_timezone"], back["event_end"]) == ("America/Chicago", "2026-01-01T20:30")
    assert back["location_confidential"] == "yes" and "address" not in back and back["zip"] == "19063"


def test_an_unknown_zone_and_a_lone_changed_sitting_are_reported() -> None:
    """A TZID with no known name keeps the time as written, and says so; a RECURRENCE-ID alone is reported."""
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\nBEGIN:VEVENT\r\nUID:a@example.org\r\n"
            b"SUMMARY:Moon Time Meeting\r\nDTSTART;TZID=Moon Standard Time:20260105T190000\r\n"
            b"DTSTAMP:20260101T000000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b@example.org\r\nSUMMARY:Moved Once\r\n"
            b"RECURRENCE-ID:20260107T190000\r\nDTSTART:20260108T190000\r\nDTSTAMP:20260101T000000Z\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    moon, moved = read_upload(data, "events.ics")
    assert moon.values["event_start"] == "2026-01-05T19:00" and "event_timezone" not in moon.values
    assert "Moon Standard Time" in moon.problems["event_timezone"]
    assert "RECURRENCE-ID" not in moved.problems.get("event_start", "") and moved.problems["recurrence_rule"]


def test_a_calendar_over_the_limits_or_not_a_calendar_is_refused() -> None:
    """More events than an upload may hold stops before parsing; a file that is not iCalendar says so."""
    event = b"BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:x\r\nDTSTART:20260101T190000\r\nEND:VEVENT\r\n"
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + event * 3 + b"END:VCALENDAR\r\n"
    with pytest.raises(ImportLimitExceeded, match="3 events, more than the 2"):
        read_ical(data, max_events=2)
    with pytest.raises(UnusableInput, match="BEGIN:VCALENDAR"):
        read_ical(b"name,city\r\nx,y\r\n")


def test_the_import_page_reads_an_uploaded_calendar(sample_dir: Path) -> None:
    """An .ics upload on the Import page is recognised and previewed: the Outlook calendar's three events."""
    at = signed_in_app(sample_dir).switch_page("pages/transfer.py").run()
    at.file_uploader(key="x_upload").upload("calendar.ics", (FIXTURES / "outlook.ics").read_bytes(), "text/calendar")
    at.run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["To add"], metrics["Rejected"]) == ("3", "0")
    assert set(at.dataframe[0].value["name"]) == {"Family Recovery Support Circle", "SMART Recovery Online",
                                                  "Board meeting"}


REAL = Path(__file__).parent / "fixtures" / "real" / "ical"


@pytest.mark.parametrize(
    ("name", "title", "start", "zone", "rule", "problems"),
    [
        # Exchange (CDO) writes "BYDAY=MO, TU, …" with spaces and a zone name of its own making.
        ("exchange_cdo_daily_standup.ics", "Sprint 25 Daily Standup", "2015-07-03T10:00", "",
         "FREQ=DAILY;UNTIL=20150722T080000;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;WKST=SU", {"event_timezone"}),
        # Exchange 2010 names the zone the Windows way.
        ("exchange_2010_eastern.ics", "Anonymous Test Event for TZID", "2024-10-28T17:00", "America/New_York", "",
         set()),
        ("google_calendar_daily_sync.ics", "Daily Sync", "2016-10-28T14:00", "Europe/Zurich",
         "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", set()),
    ],
)
def test_real_calendar_exports_are_read_without_loss(name: str, title: str, start: str, zone: str, rule: str,
                                                     problems: set[str]) -> None:
    """Real Exchange and Google Calendar files: each event is read, its zone mapped or its problem named, never
    guessed; a rule written with spaces is read, not a crash."""
    (row,) = read_ical((REAL / name).read_bytes())
    values = row.values
    assert (values["name"], values["event_start"]) == (title, start)
    assert (values.get("event_timezone") or "", values.get("recurrence_rule") or "") == (zone, rule)
    assert set(row.problems) == problems
    if problems:
        assert "GMT +0100 (Standard) / GMT +0200 (Daylight)" in row.problems["event_timezone"]
