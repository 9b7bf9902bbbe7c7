"""Likely duplicates: similar names nearby, or the same phone or website."""

from __future__ import annotations

from directory.duplicates import likely_duplicates
from tests.factories import make_record, valid_frame


def _frame():
    return valid_frame(
        {"name": "Kensington Recovery Community Center", "phone": "215-555-0101", "website": "https://example.org/krc",
         "latitude": "39.9920", "longitude": "-75.1300"},
        {"name": "Sober Softball League", "phone": "", "website": "", "latitude": "40.1", "longitude": "-75.3"},
        {"name": "Kensington Recovery Community Centre", "phone": "", "website": "",
         "latitude": "40.3", "longitude": "-75.6"},
        prefix="d")


def test_same_phone_or_website_is_flagged() -> None:
    """A shared phone number or website (ignoring scheme, www and trailing slash) is a likely duplicate."""
    by_phone = likely_duplicates(_frame(), make_record(name="Other", phone="(215) 555-0101", website=""))
    assert list(by_phone["id"]) == ["d-0"] and by_phone["reason"].iloc[0] == "same phone number"
    by_site = likely_duplicates(_frame(), make_record(name="Other", phone="", website="http://www.example.org/krc/"))
    assert list(by_site["reason"]) == ["same website"]


def test_similar_names_count_only_when_close() -> None:
    """A near-identical name within a mile is flagged; the same name far away is not."""
    record = make_record(name="Kensington Recovery Community Ctr", phone="", website="", latitude="39.9925",
                         longitude="-75.1302")
    found = likely_duplicates(_frame(), record)
    assert list(found["id"]) == ["d-0"]
    assert "similar name" in found["reason"].iloc[0]


def test_an_entry_is_not_its_own_duplicate() -> None:
    """When editing, the entry itself is excluded; unrelated entries are never flagged."""
    frame = _frame()
    me = frame.iloc[0].to_dict()
    assert likely_duplicates(frame, me, exclude_id="d-0").empty
    assert likely_duplicates(frame, make_record(name="Thursday Night Chess", phone="", website="")).empty
