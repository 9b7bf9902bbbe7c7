"""Weekly hours text, and cleaning and escaping of user text."""

from __future__ import annotations

import pytest

from directory.hours import HoursError, format_hours, parse_hours
from directory.text import clean_text, escape_markdown, plural


@pytest.mark.parametrize(
    ("text", "week"),
    [
        ("Mon-Fri 09:00-17:00", {d: [(540, 1020)] for d in range(5)}),
        ("Sat closed; Sun 10:00-12:00, 13:00-15:00", {5: [], 6: [(600, 720), (780, 900)]}),
        ("Fri 20:00-02:00", {4: [(1200, 120)]}),
        ("Sat-Mon 08:00-24:00", {5: [(480, 1440)], 6: [(480, 1440)], 0: [(480, 1440)]}),
    ],
)
def test_hours_are_parsed_into_minutes_per_weekday(text: str, week: dict) -> None:
    """Day runs, several ranges, closed days and hours past midnight are all read."""
    assert parse_hours(text) == week


def test_hours_round_trip_to_canonical_text() -> None:
    """Formatting joins equal days into runs, and reads back the same."""
    text = "mon 9:00-17:00; tue 9:00-17:00; wed 09:00-17:00; sat closed"
    assert format_hours(parse_hours(text)) == "Mon-Wed 09:00-17:00; Sat closed"
    assert parse_hours(format_hours(parse_hours(text))) == parse_hours(text)


@pytest.mark.parametrize("text", ["Mon 9-5", "Funday 09:00-10:00", "Mon 25:00-26:00", "Mon closed; Mon closed"])
def test_unreadable_hours_are_refused(text: str) -> None:
    """Hours that cannot be read unambiguously raise HoursError."""
    with pytest.raises(HoursError):
        parse_hours(text)


def test_clean_text_strips_controls_and_bidi_overrides() -> None:
    """Control characters and text-direction tricks are removed; single-line fields lose line breaks."""
    assert clean_text("evil\u202egnp.exe\x07") == "evilgnp.exe"
    assert clean_text("a\r\nb") == "a b"
    assert clean_text("a\r\nb", multiline=True) == "a\nb"


@pytest.mark.parametrize(
    "payload",
    ["<img src=x onerror=alert(1)>", "`${alert(1)}`", "</script>", "[click](javascript:alert(1))",
     ":red[alarm] :smile: $x^2$", "# heading", "**bold** _it_"],
)
def test_escaped_markdown_has_no_active_syntax(payload: str) -> None:
    """After escaping, every Markdown-special character is preceded by a backslash."""
    escaped = escape_markdown(payload)
    specials = set("\\`*_{}[]()#+-.!|<>~$:&=\"'^")
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert escaped[i + 1] in specials
            i += 2
            continue
        assert escaped[i] not in specials, f"unescaped {escaped[i]!r} in {escaped!r}"
        i += 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon-Fri 9am-5pm", "Mon-Fri 09:00-17:00"),
        ("Monday through Friday 9:30 a.m. to 5 p.m.; Saturday closed", "Mon-Fri 09:30-17:00; Sat closed"),
        ("Tues 10am-2pm, Thurs 6pm-9pm", "Tue 10:00-14:00; Thu 18:00-21:00"),
        ("Fri-Sat 8pm-1am", "Fri-Sat 20:00-01:00"),
        ("Sun 13:00-17:00", "Sun 13:00-17:00"),
        ("Weekdays 9am-5pm", "Mon-Fri 09:00-17:00"),  # "weekdays" is Monday to Friday, never another set
    ],
)
def test_textual_hours_are_parsed_when_unambiguous(text: str, expected: str) -> None:
    """Common written forms become structured hours."""
    from directory.hours import parse_textual_hours

    assert parse_textual_hours(text) == expected


@pytest.mark.parametrize("text", ["Mon-Fri 9-5", "by appointment", "Mon 9am-5", "", "Mon 13pm-2pm"])
def test_ambiguous_textual_hours_are_left_as_text(text: str) -> None:
    """Anything that could be read two ways returns None, so the text is kept and shown as written."""
    from directory.hours import parse_textual_hours

    assert parse_textual_hours(text) is None


@pytest.mark.parametrize(
    ("count", "singular", "plural_form", "expected"),
    [
        (0, "result", "", "0 results"),
        (1, "result", "", "1 result"),
        (2, "change", "", "2 changes"),
        (1, "entry", "entries", "1 entry"),
        (12000, "entry", "entries", "12,000 entries"),
    ],
)
def test_plural_agrees_with_the_count(count: int, singular: str, plural_form: str, expected: str) -> None:
    """The noun agrees with its number; large counts get thousands separators."""
    assert plural(count, singular, plural_form) == expected
