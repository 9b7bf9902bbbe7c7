"""Packets: ids in a share link, retired entries named, the plain text, and the PDF with its QR code."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from directory.crisis import CRISIS_LINES
from directory.packet import (
    MAX_ENTRIES,
    NO_LONGER_LISTED,
    base_url_of,
    build_packet,
    entry_details,
    entry_lines,
    packet_text,
    parse_ids,
    share_link,
)
from directory.packet_pdf import packet_pdf, pdf_safe
from tests.factories import valid_frame

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def _frame():
    return valid_frame(
        {"name": "Harbor House", "category": "recovery_housing", "support_types": "instrumental;affiliational",
         "moud_welcome": "yes", "address": "12 Oak St", "hours": "Mon-Fri 09:00-17:00", "last_verified": "2026-10-01"},
        {"name": "Thursday Sober Volleyball", "event_start": "2026-01-08T19:00", "event_end": "2026-01-08T21:00",
         "recurrence_rule": "FREQ=WEEKLY;BYDAY=TH", "event_timezone": "America/New_York"},
        {"name": "Retired Ride Program", "status": "inactive", "category": "transportation",
         "support_types": "instrumental"},
        {"name": "Café Sobriété – 日本語", "phone": "215-555-0142"},
        prefix="p",
    )


def test_parse_ids_keeps_well_formed_ids_once_in_order_up_to_the_cap() -> None:
    """Junk and repeats are dropped; the order is the peer leader's order."""
    assert parse_ids("p-2, p-0,p-2,,<script>,../x,p-1") == ["p-2", "p-0", "p-1"]
    assert len(parse_ids(",".join(f"id-{n}" for n in range(50)))) == MAX_ENTRIES


def test_share_link_carries_only_ids() -> None:
    """The link is the packet page's path with the ids, on the public base when known."""
    assert share_link(["p-0", "p-1"]) == "/packet?ids=p-0,p-1"
    assert share_link(["p-0"], "https://help.example.org/") == "https://help.example.org/packet?ids=p-0"
    assert base_url_of("http://127.0.0.1:8501/packet?x=1") == "http://127.0.0.1:8501"
    assert base_url_of("javascript:alert(1)") == ""


def test_retired_and_unknown_ids_are_no_longer_listed_not_dropped() -> None:
    """Each id keeps its place; a retired or unknown one has no row."""
    entries = build_packet(_frame(), ["p-2", "p-0", "gone-9"])
    assert [(e.resource_id, e.listed) for e in entries] == [("p-2", False), ("p-0", True), ("gone-9", False)]
    text = packet_text(entries, NOW)
    assert text.count(f"({NO_LONGER_LISTED})") == 2 and "Harbor House" in text


def test_entry_lines_say_what_it_offers_where_when_and_when_checked() -> None:
    """Support types in plain words, address, phone, hours or the next sitting, and the verified date."""
    house, volleyball = (e.row for e in build_packet(_frame(), ["p-0", "p-1"]))
    lines = entry_lines(house, NOW)
    assert lines[0] == "Recovery housing (instrumental, affiliational support)"
    assert "12 Oak St, Philadelphia, PA 19104" in lines and "Phone: (215) 555-0100" in lines
    assert "Hours: Mon–Fri 9 am – 5 pm (Eastern time)" in lines
    assert "Last checked by a peer leader: 2026-10-01" in lines
    assert "Next: Thursday 26 November, 7 pm Eastern" in entry_lines(volleyball, NOW)


def test_entry_details_give_each_callable_number_its_tel_link() -> None:
    """The main number, an extension and a labelled extra number link to tel:; a fax stays text only."""
    row = {"name": "Hope Line", "phone": "(215) 555-0100 ext. 12",
           "other_phones": "Intake: (215) 555-0101;Fax: (215) 555-0102"}
    details = entry_details(row, NOW)
    phones = [(line.text, line.link) for line in details if line.number]
    assert phones == [("Phone: (215) 555-0100 ext. 12", "tel:+12155550100;ext=12"),
                      ("Intake: (215) 555-0101", "tel:+12155550101"), ("Fax: (215) 555-0102", "")]
    assert [line.text for line in details] == entry_lines(row, NOW)


def test_plain_text_fits_a_message_and_ends_with_the_crisis_lines() -> None:
    """Three places, a note and a link stay short enough for a text message or e-mail."""
    entries = build_packet(_frame(), ["p-0", "p-1", "p-3"])
    text = packet_text(entries, NOW, note="Ask for Dana", link="https://help.example.org/packet?ids=p-0,p-1,p-3")
    assert len(text) < 700
    assert "Note: Ask for Dana" in text and "Café Sobriété – 日本語" in text
    assert text.rstrip().endswith(CRISIS_LINES[-1][1])


def test_the_pdf_holds_every_name_the_note_and_the_crisis_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsed back with pypdf: each entry's name, the note, the link and both crisis lines are in the text."""
    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-23T10:00")
    entries = build_packet(_frame(), ["p-0", "p-1", "p-3", "p-2"])
    link = "https://help.example.org/packet?ids=p-0,p-1,p-3,p-2"
    data = packet_pdf(entries, NOW, note="Ask for Dana", link=link)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    for name in ("Harbor House", "Thursday Sober Volleyball", "Café Sobriété - ???", NO_LONGER_LISTED,
                 "Ask for Dana", "988 Suicide & Crisis Lifeline", "1-800-662-4357"):
        assert name in text, name
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].data)).convert("L"))
    assert [result.text for result in decoded] == [link]


def test_pdf_safe_keeps_latin_1_and_never_fails() -> None:
    """Accents stay, typographic marks become plain ones, other scripts become '?'."""
    assert pdf_safe("Café “Hope” – 日本") == 'Café "Hope" - ??'
    assert pdf_safe("Zoë Łódź") == "Zoë ?ódz"  # ó is Latin-1; ź loses its accent; Ł has no plain form
