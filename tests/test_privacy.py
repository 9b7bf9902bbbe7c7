"""Confidential locations: only city, state and ZIP reach a visitor, a public page, a download or a feed."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from icalendar import Calendar
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from directory.auth import Curator
from directory.gazetteer import zip_centroid
from directory.interop.ical import event_calendar
from directory.interop.meeting_guide import meeting_guide_feed
from directory.maps import marker_columns, on_map, results_map
from directory.packet import build_packet, entry_lines, packet_text
from directory.packet_pdf import packet_pdf
from directory.present import (
    LabelledPhone,
    directions_url,
    distance_label,
    distance_text,
    full_address,
    other_phones,
    place_text,
)
from directory.privacy import (
    CONFIDENTIAL_LOCATION,
    confidential_mask,
    is_confidential,
    public_record,
    public_view,
)
from directory.store import Store
from tests.apps import APP
from tests.factories import make_record, shown, valid_frame

STREET = "1234 Secret Lane"
VENUE = "Hidden Harbor Hall"
LATITUDE, LONGITUDE = "39.95123", "-75.18765"
# Anything that places the entry more finely than its ZIP: its street, its venue and its coordinates (to four
# decimals, so a rounded copy is caught too). Directions links are checked on the entry's own card.
FORBIDDEN = ("Secret Lane", VENUE, LATITUDE[:7], LONGITUDE[:8])
DIRECTIONS = "openstreetmap.org/directions"
NOW = "2026-11-26T18:30"  # a Thursday evening
MOMENT = datetime.fromisoformat(NOW).replace(tzinfo=ZoneInfo("America/New_York"))


def confidential_record(**overrides: str) -> dict[str, str]:
    """A daily confidential meeting in ZIP 19104 with a distinctive street, venue, coordinates and phones."""
    return make_record(**{
        "name": "Quiet Harbor Circle", "category": "support_group", "support_types": "emotional",
        "address": STREET, "location_name": VENUE, "city": "Philadelphia", "state": "PA", "zip": "19104",
        "latitude": LATITUDE, "longitude": LONGITUDE, "geocode_quality": "exact", "location_confidential": "yes",
        "phone": "215-555-0100", "other_phones": "Intake: 215-555-0101;Fax: 215-555-0199",
        "event_start": "2026-11-01T19:00", "event_end": "2026-11-01T20:30", "recurrence_rule": "FREQ=DAILY",
        "event_timezone": "America/New_York", **overrides})


def leaks(text: str) -> list[str]:
    """The forbidden strings found in a text."""
    return [word for word in FORBIDDEN if word in text]


def _frame(**overrides: str) -> pd.DataFrame:
    """A stored-like frame: one confidential entry (c-0) and one ordinary weekly meeting (c-1)."""
    return valid_frame(
        confidential_record(recurrence_rule="FREQ=WEEKLY;BYDAY=TH", **overrides),
        make_record(name="Open Door Meeting", category="support_group", support_types="emotional",
                    address="50 Open Way", location_name="Open Door Hall", latitude="39.96001",
                    longitude="-75.19002", event_start="2026-11-05T19:00", recurrence_rule="FREQ=WEEKLY;BYDAY=TH",
                    event_timezone="America/New_York"),
        prefix="c")


# --- the record and the view -------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [
    ("yes", True), ("Yes ", True), ("YES", True), ("no", False), ("", False), (None, False), ("true", False),
])
def test_only_a_yes_makes_a_location_confidential(cell: str | None, expected: bool) -> None:
    """The flag is yes/no; anything else (blank, unknown) is not confidential."""
    assert is_confidential({"location_confidential": cell}) is expected


def _centre(zip_code: str) -> tuple[str, str]:
    found = zip_centroid(zip_code)
    assert found is not None
    # Written as the store writes coordinates (no trailing zeros).
    return (f"{found[0]:.6f}".rstrip("0").rstrip("."), f"{found[1]:.6f}".rstrip("0").rstrip("."))


@pytest.mark.parametrize(("given", "expected"), [
    ({"location_confidential": "yes", "zip": "19104", "city": "Philadelphia", "state": "PA"},
     {"address": "", "location_name": "", "latitude": _centre("19104")[0], "longitude": _centre("19104")[1],
      "geocode_quality": "zip_centroid", "city": "Philadelphia", "zip": "19104"}),
    ({"location_confidential": "yes", "zip": "", "city": "Media", "state": "PA"},
     {"address": "", "location_name": "", "geocode_quality": "city_centroid", "city": "Media"}),
    ({"location_confidential": "yes", "zip": "", "city": "Nowhere At All", "state": "PA"},
     {"address": "", "location_name": "", "latitude": "", "longitude": "", "geocode_quality": ""}),
    ({"location_confidential": "no", "zip": "19104", "city": "Philadelphia", "state": "PA"},
     {"address": STREET, "location_name": VENUE, "latitude": LATITUDE, "longitude": LONGITUDE,
      "geocode_quality": "exact"}),
])
def test_public_record_keeps_only_city_state_and_zip_of_a_confidential_entry(given: dict, expected: dict) -> None:
    """Street and venue are blanked and the point moves to the ZIP's centre (else the city's, else none)."""
    row = {"address": STREET, "location_name": VENUE, "latitude": LATITUDE, "longitude": LONGITUDE,
           "geocode_quality": "exact", **given}
    public = public_record(row)
    assert {key: public[key] for key in expected} == expected
    assert row["address"] == STREET, "the caller's row is left as it was"


def test_public_view_changes_only_confidential_rows_and_leaves_the_input_alone() -> None:
    """Ordinary rows are identical; the stored frame still has the address (the backup keeps it)."""
    frame = _frame()
    public = public_view(frame)
    assert list(confidential_mask(frame)) == [True, False]
    assert public.loc[0, "address"] == "" and public.loc[0, "latitude"] == _centre("19104")[0]
    pd.testing.assert_series_equal(public.loc[1], frame.loc[1])
    assert frame.loc[0, "address"] == STREET
    assert list(confidential_mask(frame.drop(columns="location_confidential"))) == [False, False]


# --- what the pages show -----------------------------------------------------------------------------------


ORDINARY = {"address": "12 Oak St", "city": "Media", "state": "PA", "zip": "19063", "latitude": "39.9",
            "longitude": "-75.3"}
SECRET = {**ORDINARY, "address": STREET, "location_confidential": "yes"}


@pytest.mark.parametrize(("function", "row", "expected"), [
    (full_address, ORDINARY, "12 Oak St, Media, PA 19063"),
    (full_address, SECRET, "Media, PA 19063"),
    (full_address, {**SECRET, "address": ""}, "Media, PA 19063"),
    (place_text, ORDINARY, "12 Oak St, Media, PA 19063"),
    (place_text, SECRET, "Confidential location · Media, PA 19063"),
    (place_text, {"location_confidential": "yes"}, "Confidential location"),
    (directions_url, ORDINARY, "https://www.openstreetmap.org/directions?route=%3B39.9%2C-75.3"),
    (directions_url, SECRET, ""),
    (directions_url, {"address": "1 Main St"}, ""),
])
def test_place_and_directions_of_an_entry(function, row: dict, expected: str) -> None:
    """A confidential entry shows 'Confidential location' with its city line, and no directions link."""
    assert function(row) == expected


@pytest.mark.parametrize(("miles", "zip_area", "expected"), [
    (0.42, False, "0.4 mi"),
    (12.4, False, "12 mi"),
    (None, False, ""),
    (float("nan"), True, ""),
    (0.2, True, "about 1 mi (ZIP area)"),
    (2.6, True, "about 3 mi (ZIP area)"),
    (12.4, True, "about 12 mi (ZIP area)"),
])
def test_distance_label_is_whole_miles_for_a_zip_area(miles: float | None, zip_area: bool, expected: str) -> None:
    """A distance to a ZIP's centre is said in whole miles and named as such."""
    assert distance_label(miles, zip_area=zip_area) == expected


@pytest.mark.parametrize(("row", "expected"), [(ORDINARY, "1.3 mi"), (SECRET, "about 1 mi (ZIP area)")])
def test_distance_text_follows_the_entry(row: dict, expected: str) -> None:
    """The entry decides whether its distance may be precise."""
    assert distance_text(row, 1.26) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("", []),
    ("Intake: (215) 555-0101", [LabelledPhone("Intake", "(215) 555-0101", "tel:+12155550101")]),
    ("Fax: (215) 555-0199", [LabelledPhone("Fax", "(215) 555-0199", "")]),
    ("Hotline: 988;TTY: 711", [LabelledPhone("Hotline", "988", "tel:988"), LabelledPhone("TTY", "711", "tel:711")]),
    ("(215) 555-0102 ext. 4", [LabelledPhone("Phone", "(215) 555-0102 ext. 4", "tel:+12155550102;ext=4")]),
    ("Office: call the front desk", [LabelledPhone("Office", "call the front desk", "")]),
])
def test_other_phones_keep_their_labels_and_a_fax_is_never_a_link(cell: str, expected: list) -> None:
    """Callable numbers get a tel: link; a fax, or text that is not a number, stays plain text."""
    assert other_phones({"other_phones": cell}) == expected


# --- the map, the feeds and the downloads ------------------------------------------------------------------


@pytest.mark.parametrize("view", [public_view, lambda frame: frame], ids=["public view", "stored frame"])
def test_the_map_draws_no_pin_for_a_confidential_entry(view) -> None:
    """Neither the markers nor the map's extent hold the entry, from the public view or the stored frame."""
    frame = view(_frame()).assign(distance_miles=float("nan"))
    assert list(on_map(frame)) == [False, True]
    assert marker_columns(frame)["i"] == ["c-1"]
    html = results_map(frame).get_root().render()
    assert leaks(html) == []
    assert "Quiet Harbor Circle" not in html and '"c-0"' not in html


@pytest.mark.parametrize("view", [public_view, lambda frame: frame], ids=["public view", "stored frame"])
def test_the_meeting_guide_feed_says_the_location_is_confidential(view) -> None:
    """No address or coordinates; location 'Confidential location', a note, and the city, state and ZIP."""
    data = meeting_guide_feed(view(_frame()))
    assert leaks(data.decode("utf-8")) == []
    meetings = {m["name"]: m for m in json.loads(data)}
    secret = meetings["Quiet Harbor Circle"]
    assert not {"address", "formatted_address", "latitude", "longitude"} & set(secret)
    assert (secret["location"], secret["city"], secret["state"], secret["postal_code"]) == (
        CONFIDENTIAL_LOCATION, "Philadelphia", "PA", "19104")
    assert "confidential" in secret["location_notes"].lower()
    ordinary = meetings["Open Door Meeting"]
    assert (ordinary["address"], ordinary["location"], ordinary["latitude"]) == ("50 Open Way", "Open Door Hall",
                                                                                  39.96001)


@pytest.mark.parametrize("view", [public_view, lambda frame: frame], ids=["public view", "stored frame"])
def test_the_calendar_says_the_location_is_confidential(view) -> None:
    """LOCATION is 'Confidential location, City, ST ZIP' and there is no GEO."""
    data = event_calendar(view(_frame()).to_dict("records"), directory_zone="America/New_York")
    assert leaks(data.decode("utf-8")) == []
    events = {str(e.get("summary")): e for e in Calendar.from_ical(data).walk("VEVENT")}
    secret = events["Quiet Harbor Circle"]
    assert str(secret.get("location")) == "Confidential location, Philadelphia, PA 19104"
    assert secret.get("geo") is None
    assert "50 Open Way" in str(events["Open Door Meeting"].get("location"))


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", " ")


@pytest.mark.parametrize("view", [public_view, lambda frame: frame], ids=["public view", "stored frame"])
def test_packets_give_city_and_zip_only_and_list_every_phone(view, monkeypatch: pytest.MonkeyPatch) -> None:
    """The packet's lines, text and PDF say 'Confidential location' and list the intake and fax numbers."""
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    entries = build_packet(view(_frame()), ["c-0", "c-1"])
    text = packet_text(entries, MOMENT, link="https://help.example.org/packet?ids=c-0,c-1")
    pdf = _pdf_text(packet_pdf(entries, MOMENT, link="https://help.example.org/packet?ids=c-0,c-1"))
    for shown_text in (text, pdf, "\n".join(entry_lines(entries[0].row, MOMENT))):
        assert leaks(shown_text) == []
        assert "Confidential location" in shown_text and "Philadelphia, PA 19104" in shown_text
        assert "Intake: (215) 555-0101" in shown_text and "Fax: (215) 555-0199" in shown_text
    assert "50 Open Way" in text and "50 Open Way" in pdf


def test_cli_search_prints_no_street_or_point_of_a_confidential_entry(empty_dir: Path, capsys) -> None:
    """The public search output (table and JSON) names the location confidential and gives no coordinates."""
    from directory.cli import main  # imported here: the CLI pulls in the whole importer
    Store(empty_dir).add(confidential_record(), by=Curator("test", "curator"))
    assert main(["search", "--data-dir", str(empty_dir), "--near", "19104"]) == 0
    table = capsys.readouterr().out
    assert main(["search", "--data-dir", str(empty_dir), "--near", "19104", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert leaks(table) == [] and leaks(out) == []
    assert "Confidential location" in table and "~1 (ZIP)" in table
    [record] = json.loads(out)
    assert (record["lat"], record["lon"], record["location_confidential"]) == (None, None, True)
    assert record["address"] == "Confidential location, Philadelphia, PA 19104"


# --- every public page, through AppTest --------------------------------------------------------------------


@pytest.fixture
def secret_id(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The sample plus one confidential entry; the clock pinned to a Thursday evening."""
    monkeypatch.setenv("DIRECTORY_NOW", NOW)
    return Store(sample_dir).add(confidential_record(), by=Curator("test", "curator"))["id"]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes of every text, calendar and PDF file the pages offer for download."""
    kept: list[bytes] = []
    store = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if mimetype in ("text/plain", "text/calendar", "application/pdf"):
            kept.append(path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode())
        return store(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    register = MediaFileManager.add_deferred

    def made_now(self: MediaFileManager, data_callable: Callable[[], bytes], *args: object, **kwargs: object) -> str:
        # A file made only when its button is pressed: made here too, so its bytes are checked like the rest.
        data = data_callable()
        kept.append(data if isinstance(data, bytes) else str(data).encode())
        return register(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", made_now)
    return kept


def sample_secret_streets(sample_dir: Path) -> set[str]:
    """The sample's confidential street addresses that no ordinary entry shares."""
    frame = Store(sample_dir).read_raw()
    secret = confidential_mask(frame)
    return set(frame.loc[secret, "address"]) - set(frame.loc[~secret, "address"]) - {""}


def page_text(at: AppTest) -> str:
    """Every element the page drew, as text: markdown, captions, buttons, code, html and the map's arguments."""
    return "\n".join(str(node.proto) for area in (at.main, at.sidebar) for node in area)


def _readable(data: bytes) -> str:
    return _pdf_text(data) if data.startswith(b"%PDF") else data.decode("utf-8")


def _assert_private(at: AppTest, sample_dir: Path, files: list[bytes] = ()) -> None:
    assert not at.exception
    texts = [page_text(at), *(_readable(data) for data in files)]
    for text in texts:
        assert leaks(text) == []
        assert [street for street in sample_secret_streets(sample_dir) if street in text] == []


def _app(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_find_near_a_zip_shows_the_zip_area_and_no_street(sample_dir: Path, secret_id: str) -> None:
    """The card says 'Confidential location · City, ST ZIP' and 'about 1 mi (ZIP area)', with no directions."""
    at = _app("pages/find.py", near="19104")
    _assert_private(at, sample_dir)
    card = next(shown(m.value) for m in at.markdown if "Confidential location · Philadelphia, PA 19104" in
                shown(m.value))
    assert "**about 1 mi (ZIP area)** away" in card and DIRECTIONS not in card
    assert sample_secret_streets(sample_dir), "the sample has confidential entries to check too"


def test_the_detail_view_lists_labelled_phones_and_no_street(sample_dir: Path, secret_id: str) -> None:
    """Intake is a tel: link, the fax is plain text, and no venue, street or directions are shown."""
    at = _app("pages/find.py", id=secret_id, near="19104")
    _assert_private(at, sample_dir)
    assert at.header[0].value == "Quiet Harbor Circle"
    lines = "\n".join(shown(m.value) for m in at.markdown)
    assert "Intake: [(215) 555-0101](tel:+12155550101)" in lines
    assert "Fax: (215) 555-0199" in lines and "tel:+12155550199" not in lines
    assert "Confidential location · Philadelphia, PA 19104" in lines and DIRECTIONS not in lines


def test_the_map_leaves_a_confidential_entry_out_and_says_so(sample_dir: Path, secret_id: str) -> None:
    """No marker, popup or extent holds the entry; below the map a caption counts the unmapped ones."""
    at = _app("pages/map.py", near="19104")
    _assert_private(at, sample_dir)
    [component] = at.get("component_instance")
    assert "Quiet Harbor Circle" not in component.proto.json_args
    assert any("have confidential locations" in c.value and "not mapped" in c.value for c in at.caption)


def test_events_cards_and_calendar_downloads_keep_the_location_confidential(
        sample_dir: Path, secret_id: str, downloads: list[bytes]) -> None:
    """The event card and both .ics downloads name the location confidential and nothing finer."""
    at = _app("pages/events.py", near="19104")
    at.radio(key="ev_view").set_value("This week").run()
    calendars = [data for data in downloads if data.startswith(b"BEGIN:VCALENDAR")]
    _assert_private(at, sample_dir, calendars)
    assert any("Quiet Harbor Circle" in m.value for m in at.markdown)
    assert any(b"LOCATION:Confidential location\\, Philadelphia\\, PA 19104" in data for data in calendars)


def _secret_packet(secret_id: str) -> AppTest:
    at = _app("pages/find.py", q="Quiet Harbor")
    at.button(key=f"pack-{secret_id}").click().run()
    at.switch_page("pages/packet.py").run()
    return at


def test_the_packet_page_text_and_pdf_keep_the_location_confidential(
        sample_dir: Path, secret_id: str, downloads: list[bytes]) -> None:
    """Entries, the message text, the text download and the PDF give the city and ZIP only."""
    at = _secret_packet(secret_id)
    _assert_private(at, sample_dir, downloads)
    files = [_readable(data) for data in downloads]
    assert any(text.startswith("Places that could help") and "Confidential location" in text for text in files)
    assert any("Confidential location" in text and "Fax: (215) 555-0199" in text for text in files
               if "Scan to open" in text), "the PDF"


def test_the_packet_print_view_and_shared_link_keep_the_location_confidential(sample_dir: Path,
                                                                               secret_id: str) -> None:
    """The large-type print view and a packet opened from a shared link show no street."""
    at = _secret_packet(secret_id)
    at.toggle(key="pk_print").set_value(True).run()
    _assert_private(at, sample_dir)
    assert "Confidential location" in page_text(at)
    shared = _app("pages/packet.py", ids=f"{secret_id},phl-0005")
    _assert_private(shared, sample_dir)
    assert "Quiet Harbor Circle" in page_text(shared)


def test_the_sample_confidential_entries_show_no_street_in_their_detail(sample_dir: Path) -> None:
    """Each of the sample's confidential residences opens with its city and ZIP only."""
    frame = Store(sample_dir).read_raw()
    ids = list(frame.loc[confidential_mask(frame), "id"])
    assert len(ids) >= 10
    at = AppTest.from_file(APP, default_timeout=60)
    for resource_id in ids:
        at.query_params["id"] = resource_id
        at.run()
        _assert_private(at, sample_dir)
        assert any("Confidential location" in shown(m.value) for m in at.markdown), resource_id
