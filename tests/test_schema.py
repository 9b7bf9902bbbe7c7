"""The resource schema: per-field validation and normalisation."""

from __future__ import annotations

import pytest

from directory import taxonomy as tx
from directory.schema import COLUMNS, FIELD_BY_NAME, FieldError, validate_field, validate_record
from tests.factories import make_record


def _stored(**fields: str) -> dict[str, str]:
    return {**make_record(), "id": "x-1", "status": "active", "row_version": "1", **fields}


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("phone", "215-555-0142", "(215) 555-0142"),
        ("phone", "+1 (610) 555 0100", "(610) 555-0100"),
        ("phone", "1-800-662-4357", "(800) 662-4357"),
        ("website", "example.org/meet", "https://example.org/meet"),
        ("website", "HTTP://Example.org", "HTTP://Example.org"),
        ("email", "Info@Example.org", "info@example.org"),
        ("zip", "02134", "02134"),
        ("zip", "191041234", "19104-1234"),
        ("zip", "t6e 4e8", "T6E 4E8"),  # Canada
        ("zip", "SW1A 1AA", "SW1A 1AA"),  # the UK
        ("state", "pa", "PA"),
        ("category", "Recovery housing", "recovery_housing"),
        ("support_types", "Emotional; affiliational;emotional", "emotional;affiliational"),
        ("populations", "LGBTQ+;young adults", "lgbtq;young_adults"),
        ("moud_welcome", "TRUE", "yes"),
        ("peer_run", "n", "no"),
        ("latitude", "39.952583000", "39.952583"),
        ("hours", "mon-fri 9:00-17:00;sat closed", "Mon-Fri 09:00-17:00; Sat closed"),
        ("recurrence_rule", "RRULE:freq=monthly;byday=1sa", "FREQ=MONTHLY;BYDAY=1SA"),
        ("event_start", "2026-03-05T19:00:00", "2026-03-05T19:00"),
        ("created_at", "2026-03-05T19:00:00+01:00", "2026-03-05T18:00:00Z"),
        ("name", "  Sober\x00 Softball\u202e League \n", "Sober Softball League"),
        ("description", "Line one\r\nLine two\rLine three", "Line one\nLine two\nLine three"),
        ("tags", "volleyball; sober fun;volleyball", "volleyball;sober fun"),
    ],
)
def test_values_are_normalised(field: str, raw: str, expected: str) -> None:
    """Accepted input is stored in one canonical form."""
    assert validate_field(field, raw) == expected


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("website", "javascript:alert(1)", "only http:// and https://"),
        ("website", "data:text/html,hi", "only http:// and https://"),
        ("website", "https://localhost", "not a web address"),
        ("conference_url", "ftp://example.org/x", "only http:// and https://"),
        ("phone", "555", "not a complete phone number"),
        ("phone", "call us", "not a phone number"),
        ("email", "not-an-email", "email"),
        ("zip", "1910", "5-digit ZIP"),
        ("zip", "abc", "5-digit ZIP"),
        ("zip", "call us", "5-digit ZIP"),
        ("state", "XX", "two-letter state"),
        ("latitude", "91", "between -90 and 90"),
        ("longitude", "-181", "between -180 and 180"),
        ("latitude", "north", "not a number"),
        ("category", "bar crawl", "unknown category"),
        ("support_types", "emotional;spiritual", "unknown support type 'spiritual'"),
        ("last_verified", "03/05/2025", "ISO date"),
        ("event_start", "2026-03-05T19:00-05:00", "without an offset"),
        ("event_timezone", "Mars/Olympus", "unknown time zone"),
        ("recurrence_rule", "BYDAY=TH", "needs FREQ"),
        ("recurrence_rule", "FREQ=SOMETIMES", "not a valid recurrence rule"),
        ("hours", "weekdays 9-5", "should look like"),
        ("hours", "Mon 09:00-09:00", "same time"),
        ("row_version", "0", "1 or more"),
        ("id", "has space", "letters, digits"),
        ("name", "x" * 201, "too long"),
        ("name", "   ", "required"),
    ],
)
def test_bad_values_get_a_clear_message(field: str, raw: str, message: str) -> None:
    """Each refused value says why, in words a peer leader can act on."""
    with pytest.raises(FieldError, match=message):
        validate_field(field, raw)


def test_record_reports_every_bad_field_at_once() -> None:
    """All problems of a record are reported together, keyed by field."""
    result = validate_record(_stored(name="", category="", support_types="", website="javascript:x"))
    assert set(result.errors) == {"name", "category", "support_types", "website"}
    assert not result.ok


def test_record_cross_checks_coordinates_and_events() -> None:
    """Half a coordinate pair, a missing quality, an end before its start and an orphan rule are refused."""
    result = validate_record(
        _stored(longitude="", event_start="2026-03-05T19:00", event_end="2026-03-05T18:00")
    )
    assert result.errors == {"longitude": "give both latitude and longitude, or neither",
                             "event_end": "must be after the event start"}
    assert "geocode_quality" in validate_record(_stored(geocode_quality="")).errors
    assert "event_start" in validate_record(_stored(recurrence_rule="FREQ=WEEKLY;BYDAY=TH")).errors


@pytest.mark.parametrize(
    ("last_verified", "updated_at", "refused"),
    [
        ("2026-11-23", "2026-11-24T00:05:00Z", False),  # 19:05 Eastern on the 23rd is already the 24th in UTC
        ("2026-11-25", "2026-11-24T00:05:00Z", False),  # a zone ahead of UTC, within the day's grace
        ("2026-11-26", "2026-11-24T00:05:00Z", True),
        ("2999-01-01", "2026-11-24T00:05:00Z", True),
        ("2030-01-01", "2029-12-31T12:00:00Z", False),  # judged by the save's clock, not the machine's date
        ("2999-01-01", "", False),  # nothing to judge against
    ],
)
def test_verified_date_cannot_follow_the_save(last_verified: str, updated_at: str, refused: bool) -> None:
    """A verification date later than the day after the row was saved is refused."""
    errors = validate_record(_stored(last_verified=last_verified, updated_at=updated_at)).errors
    assert (errors.get("last_verified") == "cannot be in the future") is refused


def test_script_tags_in_names_are_kept_as_text() -> None:
    """Markup in text is data, not an error: it is stored as typed and escaped when shown."""
    payload = "<img src=x onerror=alert(1)> `${alert(1)}` </script>"
    assert validate_record(_stored(name=payload)).values["name"] == payload


def test_every_column_has_a_field_and_choice_fields_use_the_taxonomy() -> None:
    """The column list and the field specs agree; choice fields draw their keys from taxonomy."""
    assert list(COLUMNS) == list(FIELD_BY_NAME)
    assert FIELD_BY_NAME["support_types"].terms == tx.SUPPORT_TYPES
    assert FIELD_BY_NAME["category"].terms == tx.CATEGORIES
    assert all(FIELD_BY_NAME[f].terms for f in ("geocode_quality", "status", "attendance"))
