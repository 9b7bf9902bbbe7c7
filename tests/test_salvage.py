"""Salvaging source values: what is read exactly, and what is kept as text with a finding."""

from __future__ import annotations

import pytest

from directory.interop.salvage import (
    list_cell,
    salvage,
    split_phones,
    state_code,
    status_from_source,
    us_date,
    yes_no,
    zip_code,
)


@pytest.mark.parametrize(("given", "expected"), [
    ("6/21/10", "2010-06-21"),
    ("6/21/99", "1999-06-21"),
    ("06/21/2010", "2010-06-21"),
    ("6/21/99 0:00", "1999-06-21"),
    ("8/17/11 13:08", "2011-08-17"),
    ("12-31-2019", "2019-12-31"),
    ("2010-06-21 00:00:00", "2010-06-21"),
    ("2010-06-21T13:08:00Z", "2010-06-21"),
    ("13/21/10", None),
    ("2/30/2020", None),
    ("June 2010", None),
    ("", None),
])
def test_us_dates_become_iso_dates_and_impossible_ones_are_refused(given: str, expected: str | None) -> None:
    """M/D/YY and M/D/YYYY, with or without a time, are read exactly; anything else is not guessed."""
    assert us_date(given) == expected


@pytest.mark.parametrize(("given", "state", "expected"), [
    ("19104", "PA", "19104"),
    ("19104-1234", "PA", "19104-1234"),
    ("191041234", "PA", "19104-1234"),
    ("19104 1234", "PA", "19104-1234"),
    ("2134", "MA", "02134"),
    ("2134", "PA", None),
    ("1910", "PA", None),
    ("ABCDE", "PA", None),
])
def test_zip_codes_are_read_with_plus_four_and_a_lost_leading_zero_only_where_it_fits(
        given: str, state: str, expected: str | None) -> None:
    """A 4-digit ZIP regains its zero only when that ZIP exists in the row's own state."""
    assert zip_code(given, state) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("PA", "PA"), ("pa", "PA"), ("Florida", "FL"), ("new  york", "NY"), ("District of Columbia", "DC"),
    ("Narnia", None),
])
def test_state_names_become_codes(given: str, expected: str | None) -> None:
    """Full state names are read as their two-letter codes."""
    assert state_code(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("Yes", "yes"), ("Y", "yes"), ("TRUE", "yes"), ("x", "yes"), ("No", "no"), ("0", "no"),
    ("Unknown", ""), ("n/a", ""), ("maybe", None),
])
def test_yes_no_flags_are_read_in_their_common_spellings(given: str, expected: str | None) -> None:
    """Sources write flags many ways; 'unknown' means not known, and anything else is not guessed."""
    assert yes_no(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("English, Spanish", "English;Spanish"), ("a|b | c", "a;b;c"), ("one\ntwo", "one;two"), (";;x;", "x"),
])
def test_list_cells_take_any_common_separator(given: str, expected: str) -> None:
    """Commas, bars and line breaks between items all become ';'."""
    assert list_cell(given) == expected


@pytest.mark.parametrize(("given", "first", "others", "unreadable"), [
    ("215-555-0100", "(215) 555-0100", [], []),
    ("   211   ", "211", [], []),
    ("988", "988", [], []),
    ("611", "611", [], []),
    ("(212) 613-0300 ext. 0532", "(212) 613-0300 ext. 0532", [], []),
    ("929-252-7310 | 929-252-7308", "(929) 252-7310", ["(929) 252-7308"], []),
    ("215-555-0100 or 215-555-0101", "(215) 555-0100", ["(215) 555-0101"], []),
    ("call the front desk", "", [], ["call the front desk"]),
    ("555-01", "", [], ["555-01"]),
])
def test_phone_cells_give_their_first_number_and_keep_the_rest(
        given: str, first: str, others: list[str], unreadable: list[str]) -> None:
    """N11 numbers and extensions are read; several numbers are split; words are kept as written."""
    assert split_phones(given) == (first, others, unreadable)


@pytest.mark.parametrize(("given", "expected"), [
    ("Active", ("active", "")),
    ("", ("active", "")),
    ("Available", ("active", "")),
    ("Inactive", ("inactive", "")),
    ("defunct", ("inactive", "")),
    ("temporarily closed", ("inactive", "")),
    ("Active, but do not refer", ("pending", "excluded_by_source")),
    ("Under construction", ("pending", "unreadable_value")),
])
def test_a_source_status_becomes_ours_and_unclear_ones_wait_for_review(given: str, expected: tuple) -> None:
    """Inactive, defunct and closed retire an entry; 'do not refer' and unknown words wait for review."""
    assert status_from_source(given) == expected


def _salvaged(**values: str) -> tuple[dict[str, str], dict[str, str]]:
    result, findings = salvage({"name": "Harbor House", **values})
    return result, {f.column: f.reason for f in findings}


def test_hours_that_cannot_be_read_exactly_stay_as_text_and_are_never_guessed() -> None:
    """'9-5' could mean several things: it goes to hours_text with an unparsed_hours finding."""
    values, reasons = _salvaged(hours="9-5")
    assert values["hours"] == "" and values["hours_text"] == "9-5" and reasons == {"hours": "unparsed_hours"}


def test_hours_written_in_words_are_structured() -> None:
    """Unambiguous textual hours become the structured form, with no finding."""
    values, reasons = _salvaged(hours="Monday through Friday 9am-5pm")
    assert values["hours"] == "Mon-Fri 09:00-17:00" and reasons == {}


def test_eligibility_text_mapped_onto_populations_keeps_known_items_and_moves_the_words() -> None:
    """Known populations stay; free text moves to eligibility, readable, with a finding."""
    values, reasons = _salvaged(populations="Veterans; must live in Dade County")
    assert values["populations"] == "veterans"
    assert values["eligibility"] == "must live in Dade County" and reasons == {"populations": "unreadable_value"}


def test_coordinates_from_the_file_are_trusted_with_a_quality_of_their_own() -> None:
    """A file's latitude and longitude near its ZIP come in as 'source'; no quality column is needed."""
    values, reasons = _salvaged(latitude="39.9526", longitude="-75.1652", zip="19107", state="PA")
    assert values["geocode_quality"] == "source" and reasons == {}


@pytest.mark.parametrize(("lat", "lon"), [("40.73", "73.99"), ("abc", "-75.1"), ("95", "-75")])
def test_coordinates_far_from_the_zip_or_unreadable_are_dropped_with_a_finding(lat: str, lon: str) -> None:
    """A positive longitude in New York lands in Asia: it is not used, and the row says why."""
    values, reasons = _salvaged(latitude=lat, longitude=lon, zip="10003", state="NY", city="New York")
    assert values["latitude"] == values["longitude"] == "" and reasons == {"latitude": "bad_location"}


def test_zero_coordinates_mean_no_location_and_raise_nothing() -> None:
    """'0, 0' is how many exports write an unknown location."""
    values, reasons = _salvaged(latitude="0", longitude="0.0")
    assert values["latitude"] == "" and reasons == {}


def test_a_bad_phone_is_kept_in_the_notes_and_a_good_second_number_is_kept_labelled() -> None:
    """Nothing typed in a phone cell is lost."""
    values, reasons = _salvaged(phone="215-555-0100 / ask for Pat")
    assert values["phone"] == "(215) 555-0100" and reasons == {"phone": "bad_phone"}
    values, reasons = _salvaged(phone="215-555-0100 | 215-555-0101")
    assert values["other_phones"] == "Also: (215) 555-0101" and reasons == {}


def test_over_long_text_is_shortened_and_the_whole_text_kept_for_review() -> None:
    """A 300-character name is cut to fit, with the full text in the finding."""
    values, findings = salvage({"name": "N" * 300})
    assert len(values["name"]) == 200 and values["name"].endswith("…")
    assert findings[0].reason == "unreadable_value" and "N" * 300 in findings[0].note


def test_a_source_id_that_cannot_be_ours_becomes_the_external_id() -> None:
    """An id with spaces is kept as the entry's external id instead of rejecting the row."""
    values, _ = salvage({"name": "x", "id": "AGENCY 12/7"})
    assert values["id"] == "" and values["external_id"] == "AGENCY 12/7"


@pytest.mark.parametrize(("column", "value"), [
    ("website", "javascript:alert(1)"), ("email", "not an email"), ("recurrence_rule", "every tuesday"),
    ("event_timezone", "Eastern"), ("cost", "Medicaid"), ("attendance", "sometimes"),
])
def test_any_other_unreadable_value_is_kept_word_for_word_in_the_notes(column: str, value: str) -> None:
    """The field is left empty and the source text is kept, quoted, in the finding's note."""
    values, findings = salvage({"name": "x", column: value})
    assert values[column] == ""
    assert [(f.column, f.reason) for f in findings] == [(column, "unreadable_value")]
    assert f"'{value}'" in findings[0].note
