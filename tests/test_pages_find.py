"""The Find page, run through Streamlit's AppTest against a temporary copy of the sample."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from directory.auth import Curator
from directory.store import Store
from directory.text import escape_markdown
from directory.ui.filters import RESULTS_PER_PAGE
from tests.factories import make_record, shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
_DISTANCE = re.compile(r"^\*\*(\d+(?:\.\d)?) mi\*\* away", re.MULTILINE)


def _app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _card_names(at: AppTest) -> list[str]:
    return [m.value.split("  \n")[0].strip("*") for m in at.markdown if m.value.startswith("**") and "  \n" in m.value
            and not m.value.startswith("**Organization")]


def _distances(at: AppTest) -> list[float]:
    return [float(x) for m in at.markdown for x in _DISTANCE.findall(m.value)]


def _text(at: AppTest) -> str:
    parts = [e.value for group in (at.markdown, at.caption, at.info, at.warning, at.error, at.header)
             for e in group]
    return "\n".join(str(p) for p in parts)


def test_find_page_lists_sample_results_with_the_crisis_banner(sample_dir: Path) -> None:
    """With no filters the page lists results, labels the sample, and shows the crisis lines."""
    at = _app()
    assert not at.exception
    assert "988" in at.info[0].value and "1-800-662-4357" in at.info[0].value
    assert "Sample data" in _text(at)
    assert len(_card_names(at)) == RESULTS_PER_PAGE
    assert sum(1 for b in at.button if b.key and b.key.startswith("open-")) == RESULTS_PER_PAGE


def test_text_and_filters_change_the_results(sample_dir: Path) -> None:
    """Typing a word or choosing a support type narrows the list."""
    at = _app()
    everything = at.caption[[c.value.endswith("results.") for c in at.caption].index(True)].value
    at.text_input(key="f_text").set_value("volleyball").run()
    narrowed = next(c.value for c in at.caption if c.value.endswith("results."))
    assert 0 < int(narrowed.split()[0]) < int(everything.split()[0])
    assert len(_card_names(at)) == int(narrowed.split()[0])

    at.text_input(key="f_text").set_value("").run()
    at.multiselect(key="f_cats").set_value(["child_care"]).run()
    assert _card_names(at)
    assert all("Child care" in m.value for m in at.markdown if m.value.startswith("**") and "  \n" in m.value
               and not m.value.startswith("**Organization"))
    assert at.query_params["cat"] == "child_care"


def test_a_zip_sorts_results_by_distance(sample_dir: Path) -> None:
    """A ZIP in the near box lists results nearest first, within the chosen radius."""
    at = _app()
    at.text_input(key="f_near").set_value("19104").run()
    distances = _distances(at)
    assert distances and distances == sorted(distances)
    assert max(distances) <= 10
    assert any("nearest first" in c.value and "19104" in c.value for c in at.caption)
    assert at.query_params["near"] == "19104"


def test_an_unknown_place_gets_a_clear_message(sample_dir: Path) -> None:
    """A place the gazetteer does not know is explained, never a traceback."""
    at = _app(near="xxxxx")
    assert not at.exception
    assert "We couldn't find 'xxxxx' — try a 5-digit ZIP or City, ST" in [shown(w.value) for w in at.warning]


def test_id_in_the_url_opens_the_detail_view(sample_dir: Path) -> None:
    """?id=... shows that resource's detail, and Back returns to the list."""
    row = Store(sample_dir).load().frame.iloc[3]
    at = _app(id=row["id"])
    assert not at.exception
    assert at.header[0].value == row["name"]
    assert any("verified" in c.value for c in at.caption)
    at.button(key="back").click().run()
    assert "id" not in at.query_params
    assert len(_card_names(at)) == RESULTS_PER_PAGE


def test_details_button_opens_the_detail_and_sets_the_url(sample_dir: Path) -> None:
    """Pressing Details on a card opens the detail view at a shareable URL."""
    at = _app(q="volleyball")
    first = next(b for b in at.button if b.key and b.key.startswith("open-"))
    first.click().run()
    resource_id = first.key.removeprefix("open-")
    assert at.query_params["id"] == resource_id
    assert at.query_params["q"] == "volleyball"
    assert at.header[0].value == Store(sample_dir).get(resource_id)["name"]


def test_unknown_id_says_it_is_no_longer_listed(sample_dir: Path) -> None:
    """A stale shared link explains itself."""
    at = _app(id="no-such-entry")
    assert "no longer listed" in at.warning[0].value


def test_filters_are_read_from_the_url(sample_dir: Path) -> None:
    """A bookmarked search restores its filters; unknown values are ignored."""
    at = _app(type=["instrumental", "bogus"], free="1", near="Camden, NJ", radius="5")
    assert at.multiselect(key="f_types").value == ["instrumental"]
    assert at.checkbox(key="f_free").value is True
    assert at.selectbox(key="f_radius").value == 5
    assert all(d <= 5 for d in _distances(at))


def test_empty_results_suggest_what_to_try_and_show_crisis_lines(sample_dir: Path) -> None:
    """No matches: the page says what to change and repeats the crisis lines."""
    at = _app(q="zzzz nothing matches", near="19104", cat="child_care")
    advice = next(i.value for i in at.info if "Nothing matches" in i.value)
    assert "spelling" in advice and "widen the distance" in advice and "Category" in advice
    assert any("988" in m.value for m in at.markdown)


def test_script_in_a_name_is_shown_as_text(sample_dir: Path) -> None:
    """User text with HTML or Markdown is escaped, never rendered as markup."""
    payload = "<img src=x onerror=alert(1)> `${alert(1)}` </script> [x](javascript:alert(1))"
    Store(sample_dir).add(make_record(name=payload, description="**bold?** <b>no</b>"), by=Curator("test", "curator"))
    at = _app(q="onerror")
    card = next(m.value for m in at.markdown if "onerror" in m.value)
    assert "\\<img" in card and not re.search(r"(?<!\\)[<>`]", card)
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in card
    assert all(not m.allow_html or "onerror" not in m.value for m in at.markdown)


def test_a_write_by_another_process_shows_on_the_next_run(sample_dir: Path) -> None:
    """The cached directory is refreshed as soon as the file changes."""
    at = _app(q="pickleball")
    assert not _card_names(at)
    Store(sample_dir).add(make_record(name="Sunday Sober Pickleball"), by=Curator("test", "curator"))
    at.run()
    assert _card_names(at) == ["Sunday Sober Pickleball"]


def test_an_unreadable_file_shows_an_error_not_a_traceback(sample_dir: Path) -> None:
    """A malformed CSV is reported on the page and nothing crashes."""
    (sample_dir / "resources.csv").write_bytes(b"id,name\n\xff\xfe\n")
    at = _app()
    assert not at.exception
    assert "could not be read" in at.error[0].value


def test_about_section_explains_the_four_kinds_of_support(sample_dir: Path) -> None:
    """The About text names the four kinds of support and says peers do not diagnose."""
    text = _text(_app())
    for word in ("Emotional", "Informational", "Instrumental", "Affiliational", "do not diagnose"):
        assert word in text


def test_page_text_uses_person_first_language(sample_dir: Path) -> None:
    """The page never labels people by their substance use."""
    assert not re.search(r"\b(addicts?|abusers?|junkies)\b", _text(_app()).lower())


def test_open_now_filter_and_detail_status(sample_dir: Path, monkeypatch) -> None:
    """'Open now' keeps entries open at the pinned time, and the detail says when it closes."""
    monkeypatch.setenv("DIRECTORY_NOW", "2026-11-24T10:00")  # a Tuesday morning
    at = _app(open="1")
    assert at.checkbox(key="f_open").value is True
    names = _card_names(at)
    assert names
    frame = Store(sample_dir).load().frame
    assert {shown(n) for n in names} <= set(frame[frame["hours"] != ""]["name"])
    first = next(b for b in at.button if b.key and b.key.startswith("open-"))
    first.click().run()
    assert any("Open now · closes" in m.value for m in at.markdown)



def test_a_bookmark_with_repeated_types_keeps_every_type_and_its_url(sample_dir: Path) -> None:
    """?type=a&type=b restores every value, filters by them, and the URL keeps them as repeated parameters."""
    at = _app(type=["instrumental", "affiliational"], cat="child_care", att=["in_person", "online"])
    assert not at.exception
    assert at.multiselect(key="f_types").value == ["instrumental", "affiliational"]
    assert at.multiselect(key="f_cats").value == ["child_care"]
    assert at.multiselect(key="f_att").value == ["in_person", "online"]
    assert at.query_params["type"] == ["instrumental", "affiliational"]
    assert at.query_params["cat"] == "child_care"
    assert at.query_params["att"] == ["in_person", "online"]
    frame = Store(sample_dir).load().frame
    wanted = frame[(frame["category"] == "child_care")
                   & frame["support_types"].str.contains("instrumental|affiliational")]
    names = {shown(n) for n in _card_names(at)}
    assert names and names <= set(wanted["name"])


def test_old_bookmark_spellings_still_work(sample_dir: Path) -> None:
    """Flags written as 1, yes or true and a radius written as a bare number are all understood."""
    at = _app(q="  coaching  ", moud="yes", peer="true", free="1", radius="25", near="19104")
    assert not at.exception
    assert at.text_input(key="f_text").value == "  coaching  "
    assert at.checkbox(key="f_moud").value is True
    assert at.checkbox(key="f_peer").value is True
    assert at.checkbox(key="f_free").value is True
    assert at.selectbox(key="f_radius").value == 25
    # The URL is rewritten in its one canonical form: flags as 1, words trimmed.
    assert (at.query_params["moud"], at.query_params["peer"], at.query_params["free"]) == ("1", "1", "1")
    assert (at.query_params["q"], at.query_params["radius"], at.query_params["near"]) == ("coaching", "25", "19104")


def test_bad_bookmark_values_fall_back_to_defaults(sample_dir: Path) -> None:
    """An unknown radius, a non-flag value and unknown terms are ignored and dropped from the URL."""
    at = _app(radius="7", free="maybe", cat="bogus", q="x" * 300)
    assert not at.exception
    assert at.selectbox(key="f_radius").value == 10
    assert at.checkbox(key="f_free").value is False
    assert at.multiselect(key="f_cats").value == []
    assert at.text_input(key="f_text").value == "x" * 200
    assert set(at.query_params) == {"q"}


def test_clear_filters_empties_the_url_but_keeps_an_open_detail(sample_dir: Path) -> None:
    """Defaults are never written to the URL; Clear filters removes every filter and leaves ?id= alone."""
    assert dict(_app().query_params) == {}
    row = Store(sample_dir).load().frame.iloc[3]
    at = _app(q="sober", free="1", type="emotional", id=row["id"])
    next(b for b in at.button if b.proto.label == "Clear filters").click().run()
    assert not at.exception
    assert at.text_input(key="f_text").value == ""
    assert at.checkbox(key="f_free").value is False
    assert dict(at.query_params) == {"id": row["id"]}
    assert at.header[0].value == row["name"]


def test_filters_survive_a_page_that_does_not_draw_them(sample_dir: Path) -> None:
    """Filters set on Find are kept while visiting a page without them, and are back in the URL on return."""
    at = _app(q="sober", type="affiliational", free="1")
    at.switch_page("pages/suggest.py").run()
    assert not at.exception
    at.switch_page("pages/find.py").run()
    assert at.text_input(key="f_text").value == "sober"
    assert at.multiselect(key="f_types").value == ["affiliational"]
    assert at.checkbox(key="f_free").value is True
    assert dict(at.query_params) == {"q": "sober", "type": "affiliational", "free": "1"}


def _card_lines(at: AppTest, name: str) -> str:
    """The contact lines of the card for `name`: the markdown after its heading and its badges."""
    heading = next(i for i, m in enumerate(at.markdown) if m.value.startswith(f"**{escape_markdown(name)}**"))
    return at.markdown[heading + 2].value


def test_an_online_meeting_card_has_no_distance_or_directions_but_a_join_link(sample_dir: Path) -> None:
    """Near its ZIP, an online entry's card names it Online, gives a Join link, and neither miles nor directions."""
    frame = Store(sample_dir).load().frame
    row = frame[(frame["attendance"] == "online") & (frame["status"] == "active")].iloc[0]
    at = _app(q=row["name"], near=row["zip"])
    assert any(c.value.startswith("1 result within ") for c in at.caption), "one match reads '1 result'"
    lines = _card_lines(at, row["name"])
    assert f"[Join online]({row['conference_url']})" in lines
    assert "openstreetmap.org/directions" not in lines and " away" not in lines
    assert not _distances(at)
    assert any(m.value.endswith(" · Online") for m in at.markdown
               if m.value.startswith(f"**{escape_markdown(row['name'])}**"))


def test_call_and_directions_are_each_one_whole_link_on_a_card(sample_dir: Path) -> None:
    """On a phone the whole 'Call …' text is the tel: link, and Directions is a link on its own line."""
    frame = Store(sample_dir).load().frame
    row = frame[(frame["attendance"] == "in_person") & (frame["status"] == "active") & (frame["address"] != "")
                & (frame["phone"] != "") & (frame["location_confidential"] != "yes")].iloc[0]
    at = _app(q=row["name"])
    lines = _card_lines(at, row["name"]).split("  \n")
    assert any(re.fullmatch(r"\[Call [^\]]+\]\(tel:\+1\d{10}[^)]*\)", line) for line in lines), lines
    assert any(re.fullmatch(r"\[Directions\]\(https://www\.openstreetmap\.org/directions\?[^)]+\)", line)
               for line in lines), lines


def test_the_count_covers_every_match_while_only_the_shown_cards_are_drawn(sample_dir: Path) -> None:
    """Only the cards shown are taken from the directory, yet the count and Show more cover every match."""
    from directory import loading
    from directory.search import Query, search

    everything = search(loading.current(Store(sample_dir)).index, Query())
    assert len(everything) > 50, "the sample has more than two pages of entries"
    at = _app()
    assert any(c.value == f"{len(everything)} results." for c in at.caption)
    details = [b for b in at.button if b.label == "Details"]
    assert [b.key for b in details] == [f"open-{i}" for i in everything["id"][:RESULTS_PER_PAGE]]
    next(b for b in at.button if b.label == "Show more").click().run()
    two_pages = everything["id"][:2 * RESULTS_PER_PAGE]
    assert [b.key for b in at.button if b.label == "Details"] == [f"open-{i}" for i in two_pages]
    assert any(c.value == f"{len(everything)} results." for c in at.caption)
