"""Phone numbers: normalising, links, short service numbers, dial strings and labelled extra numbers."""

from __future__ import annotations

import pytest

from directory.phones import (
    PhoneError,
    is_callable_label,
    normalise_labelled,
    normalise_phone,
    phone_link,
    split_labelled,
)


@pytest.mark.parametrize(("given", "stored", "link"), [
    ("215-555-0142", "(215) 555-0142", "tel:+12155550142"),
    ("+1 215 555 0142", "(215) 555-0142", "tel:+12155550142"),
    ("211", "211", "tel:211"),
    ("   988 ", "988", "tel:988"),
    ("7-1-1", "711", "tel:711"),
    ("(212) 613-0300 ext. 0532", "(212) 613-0300 ext. 0532", "tel:+12126130300;ext=0532"),
    ("215-555-0142 x12", "(215) 555-0142 ext. 12", "tel:+12155550142;ext=12"),
    ("+13017158592,,503536771#", "(301) 715-8592,,503536771#", "tel:+13017158592,,503536771%23"),
    ("+44 1234 234567", "+44 1234 234567", "tel:+441234234567"),
])
def test_numbers_are_stored_in_one_form_and_link_as_they_dial(given: str, stored: str, link: str) -> None:
    """N11 numbers, extensions and meeting dial strings survive; the link dials the same number."""
    assert normalise_phone(given) == stored
    assert phone_link(stored) == link


@pytest.mark.parametrize("given", ["555-01", "call us", "(202) 565-500", "1234"])
def test_incomplete_numbers_are_refused_with_a_message(given: str) -> None:
    """Nothing short of a complete number is stored as a phone."""
    with pytest.raises(PhoneError, match="phone number"):
        normalise_phone(given)


@pytest.mark.parametrize(("label", "callable_"), [
    ("Fax", False), ("FAX number", False), ("Facsimile", False), ("Intake", True), ("TTY", True),
    ("Hotline", True), ("Fairfax office", True),
])
def test_a_fax_is_never_a_number_to_call(label: str, callable_: bool) -> None:
    """Only a label naming a fax makes a number uncallable."""
    assert is_callable_label(label) is callable_


def test_labelled_numbers_keep_their_labels_and_an_unlabelled_one_is_a_phone() -> None:
    """'Label: number' items are split, normalised and joined back in order."""
    assert split_labelled("Intake: 215-555-0100;Fax: 215 555 0101;215-555-0102") == [
        ("Intake", "215-555-0100"), ("Fax", "215 555 0101"), ("Phone", "215-555-0102")]
    assert normalise_labelled("TTY: 711; Fax: 215 555 0101") == "TTY: 711;Fax: (215) 555-0101"
