"""User text never renders as Markdown, HTML or maths: the one escaping helper, and each page that shows user text.

Streamlit's Markdown (1.67) treats text in two passes. The parser reads Markdown, HTML and `$` maths, which
backslash escapes switch off. Then plugins rewrite the parsed text itself, where an escape no longer counts:
GFM autolinks (http://, www., name@host), `:material/…:` icons, the `:streamlit:` logo and `:emoji:` codes.
The checks below mirror both passes; the browser test (tests/e2e/test_no_markup.py) renders them for real.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import directory.ui.map_view as map_view
from directory.auth import Curator
from directory.store import Store
from directory.suggestions import Suggestions
from directory.text import escape_markdown, markdown_link
from tests.apps import APP, signed_in_app
from tests.factories import make_record

HOST = "evil.example"
NAME = f"![b](http://{HOST}/x.png) $x^2$ <img src=http://{HOST}/i.png> :red[x] :material/home: N"
DESCRIPTION = (f"[l](http://{HOST}/l) <http://{HOST}/a> www.{HOST} a@{HOST}\n$$y^2$$ \\(z\\) \\[w\\] :streamlit:\n"
               "    indented # not a heading")
ORGANIZATION = f"**bold** _it_ ~~gone~~ `code` <b>html</b> :blue-background[x] http://{HOST}/o"
VERIFIER = f":material/check: ![v](http://{HOST}/v.png)"

# CommonMark's backslash escapes, which the parser turns back into the plain characters.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:&=\"'^")
# What Streamlit 1.67's StreamlitMarkdown does to parsed text, copied from its bundle (static/js/StreamlitMarkdown.*).
_AFTER_PARSE = {
    "GFM web autolink": re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE),
    "GFM e-mail autolink": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
    "material icon": re.compile(r":material_(\w+):"),
    "Streamlit logo": re.compile(r":streamlit:"),
    "emoji": re.compile(r":\+1:|:-1:|:[\w-]+:"),
}
# Run on the source before parsing: it turns ':material/' into ':material_', and it decides to load remark-emoji.
_SOURCE_MATERIAL = ":material/"
_EMOJI_NEEDED = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:")


def _unescaped_specials(source: str) -> list[str]:
    found, i = [], 0
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] in _SPECIAL:
            found.append(source[i])
        i += 1
    return found


def _parsed_text(source: str) -> str:
    """The text the after-parse plugins see: escapes decoded, hard breaks as line breaks."""
    return _ESCAPE.sub(r"\1", source).replace("  \n", "\n")


def _shown(source: str) -> str:
    """What a person reads: the parsed text without the invisible word joiners, no-break spaces as spaces."""
    return _parsed_text(source).replace("\u2060", "").replace("\u00a0", " ")


def _as_written(text: str) -> str:
    """The text as a person should read it: spaces that start a line are kept (as no-break spaces)."""
    return re.sub(r"(?m)^[ \t]+", lambda spaces: " " * len(spaces.group()), text)


def _active(source: str) -> list[str]:
    """Every way the source could still turn into markup: unescaped syntax, or a pattern the plugins rewrite."""
    problems = [f"unescaped {c!r}" for c in _unescaped_specials(source)]
    text = _parsed_text(source)
    problems += [name for name, pattern in _AFTER_PARSE.items() if pattern.search(text)]
    if _SOURCE_MATERIAL in source or _EMOJI_NEEDED.search(source):
        problems.append("icon or emoji in the source")
    return problems


PAYLOADS = [
    pytest.param(f"![b](http://{HOST}/x.png) N", id="markdown image"),
    pytest.param(f"[click](http://{HOST}/l)", id="markdown link"),
    pytest.param(f"[ref][1]\n\n[1]: http://{HOST}/r", id="reference link"),
    pytest.param(f"<http://{HOST}/a>", id="autolink"),
    pytest.param(f"see http://{HOST}/bare or HTTPS://{HOST}/loud", id="bare web address"),
    pytest.param(f"www.{HOST} and _www.{HOST}", id="www address"),
    pytest.param(f"write to peers@{HOST}", id="e-mail address"),
    pytest.param(f"<img src=http://{HOST}/i.png onerror=alert(1)>", id="raw html image"),
    pytest.param("<script>alert(1)</script> &lt;b&gt; &#60;", id="raw html and entities"),
    pytest.param("$x^2$", id="katex inline"),
    pytest.param("$$\\int_0^1 x\\,dx$$", id="katex block"),
    pytest.param("\\(x\\) and \\[y\\]", id="latex delimiters"),
    pytest.param(":red[x] :blue-background[y] :small[z]", id="colour directive"),
    pytest.param(":material/home: :material/call:", id="material icon"),
    pytest.param(":streamlit: :smile: :+1: :100:", id="logo and emoji"),
    pytest.param("# heading\n1. list\n- item\n> quote\n---", id="block syntax"),
    pytest.param("    four spaces make code\n\tand a tab", id="indented code"),
    pytest.param("```\nfenced\n```", id="fenced code"),
    pytest.param("| a | b |\n|---|---|\n| 1 | 2 |", id="table"),
    pytest.param("**bold** _it_ ~~strike~~ `code` [^1]", id="inline emphasis"),
    pytest.param("title\n===", id="setext heading"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_helper_leaves_no_markup_and_shows_the_text_as_written(payload: str) -> None:
    """Escaped, a payload has no active syntax for the parser or the plugins, and reads exactly as typed."""
    escaped = escape_markdown(payload)
    assert _active(escaped) == [], escaped
    assert _shown(escaped) == _as_written(payload)


@given(st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=126, exclude_characters="\x0b\x0c\r")))
def test_any_ascii_text_escapes_to_inert_text(text: str) -> None:
    """Whatever the text, escaping leaves nothing the parser or the plugins act on, and hides nothing."""
    escaped = escape_markdown(text)
    assert _active(escaped) == []
    assert _shown(escaped) == _as_written(text)


@pytest.mark.parametrize("url", [
    f"http://a.example/x) ![i](http://{HOST}/i.png",
    "https://a.example/path with spaces/(parens)",
    "https://a.example/trailing\\",
    f"https://a.example/<img src=http://{HOST}/i.png>",
])
def test_an_app_written_link_keeps_its_address_inside_the_link(url: str) -> None:
    """The address of a link the app writes is percent-encoded, so user text in it cannot close it early."""
    link = markdown_link("Website", url)
    text, address = re.fullmatch(r"\[(.*)\]\((.*)\)", link).groups()
    assert text == "Website"
    assert not set(address) & set(" ()<>\\")


def _add(data: Path, **fields: str) -> dict[str, str]:
    return Store(data).add(make_record(**fields), by=Curator("test", "curator"))


def _sources(at: AppTest) -> list[str]:
    """The Markdown source of every element that renders Markdown, labels of buttons included."""
    groups = (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.warning, at.error,
              at.success, at.toast, at.expander, at.tabs)
    values = [str(getattr(e, "value", None) or getattr(e, "label", "")) for group in groups for e in group]
    return values + [b.label for b in at.button] + [m.label for m in at.metric]


def _assert_inert(at: AppTest, *allowed: str) -> None:
    """No element's source can make the payload host a link or an image, but for links the app wrote on purpose."""
    assert not at.exception
    for source in _sources(at):
        for address in allowed:
            source = source.replace(f"]({address})", "]")
        # Escaped, the host never follows a scheme, "www." or "@" directly (a word joiner sits between); raw
        # Markdown, HTML or an autolink would show it right there.
        text = _parsed_text(source)
        assert not re.search(rf"(https?://|www\.|@){re.escape(HOST)}", text, re.IGNORECASE), source
    assert not at.table, "st.table renders Markdown in its cells: user text goes to st.dataframe"


def test_find_detail_escapes_the_heading_text_and_captions(sample_dir: Path) -> None:
    """Find's detail view: the name heading, the description, the facts and the verifier caption are escaped."""
    row = _add(sample_dir, name=NAME, description=DESCRIPTION, organization=ORGANIZATION, verified_by=VERIFIER,
               last_verified="2025-01-02", email=f"peers@{HOST}")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["id"] = row["id"]
    at.run()
    assert [h.value for h in at.header] == [escape_markdown(NAME)]
    markdown = [m.value for m in at.markdown]
    assert escape_markdown(row["description"]) in markdown
    facts = next(m for m in markdown if m.startswith("**Organization:**"))
    assert facts.startswith(f"**Organization:** {escape_markdown(ORGANIZATION)}  \n")
    assert f"**E-mail:** [{escape_markdown(f'peers@{HOST}')}](mailto:peers@{HOST})" in facts, "a link the app writes"
    assert any(c.value.endswith(f" by {escape_markdown(VERIFIER)}") for c in at.caption)
    _assert_inert(at, f"mailto:peers@{HOST}")


def test_find_card_and_unknown_place_warning_are_escaped(sample_dir: Path) -> None:
    """A result card's name, and a place typed into Near echoed in a warning, are escaped."""
    _add(sample_dir, name=NAME)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["q"] = "material home"
    at.run()
    assert any(m.value.startswith(f"**{escape_markdown(NAME)}**  \n") for m in at.markdown)
    _assert_inert(at)
    typed = f"![p](http://{HOST}/p.png) $x$"
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["near"] = typed
    at.run()
    assert any(escape_markdown(typed) in w.value for w in at.warning)
    _assert_inert(at)


def test_map_detail_after_a_marker_click_is_escaped(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The detail drawn under the map after a marker click has the same escaped heading."""
    row = _add(sample_dir, name=NAME, description=DESCRIPTION)
    clicked = {"last_object_clicked": {"lat": float(row["latitude"]), "lng": float(row["longitude"])},
               "last_object_clicked_tooltip": row["name"]}
    # AppTest runs no frontend: the map component answers as the browser does after a click on this marker.
    monkeypatch.setattr(map_view, "st_folium", lambda *args, **kwargs: clicked)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/map.py")
    at.query_params["q"] = "material home"
    at.run()
    assert [h.value for h in at.header] == [escape_markdown(NAME)]
    assert escape_markdown(row["description"]) in [m.value for m in at.markdown]
    _assert_inert(at)


def test_a_shared_packet_escapes_names_and_lines(sample_dir: Path) -> None:
    """A packet opened from a link shows the entry's name and its online link as escaped text."""
    row = _add(sample_dir, name=NAME, conference_url=f"https://{HOST}/join")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["ids"] = row["id"]
    at.switch_page("pages/packet.py").run()
    entry = next(m.value for m in at.markdown if m.value.startswith("**1. "))
    assert entry.startswith(f"**1. {escape_markdown(NAME)}**  \n")
    link = f"[{escape_markdown(f'https://{HOST}/join')}](https://{HOST}/join)"
    assert escape_markdown("Join online: ") + link in entry, (
        "the address stays a link, written by the app")
    _assert_inert(at, f"https://{HOST}/join")


@pytest.fixture
def signed_in(sample_dir: Path) -> AppTest:
    return signed_in_app(sample_dir)


def test_review_cards_escape_suggested_text(signed_in: AppTest, sample_dir: Path) -> None:
    """The review queue shows a suggested name escaped, and the other fields and messages as plain text."""
    target = _add(sample_dir, name=NAME)
    queue = Suggestions(sample_dir)
    new = queue.submit("new", fields={"name": NAME, "description": DESCRIPTION.replace("\n", " ")})
    queue.submit("change", resource_id=target["id"], message=f"Closed. ![m](http://{HOST}/m.png) $x$")
    at = signed_in.switch_page("pages/review.py").run()
    markdown = [m.value for m in at.markdown]
    assert f"**New resource:** {escape_markdown(NAME)}" in markdown
    assert f"**Change to:** {escape_markdown(NAME)}" in markdown
    texts = [t.value for t in at.text]
    assert any(f"http://{HOST}/m.png" in t for t in texts), "a message is plain text (st.text), never Markdown"
    _assert_inert(at)
    at.button(key=f"r_approve_{new.id}").click().run()  # no category: refused, with a message
    assert at.error
    _assert_inert(at)


def test_curate_escapes_messages_history_and_merge_buttons(signed_in: AppTest, sample_dir: Path) -> None:
    """Curate: the save message and a merge button's label are escaped; the history's values are a dataframe."""
    row = _add(sample_dir, name="Plain Name", phone="215-555-0177")
    at = signed_in.run()  # the entry list is read on every run: now it holds the new entry
    at.selectbox(key="c_entry").set_value(row["id"]).run()
    at.text_input(key="e_name").set_value(NAME)
    at.button(key="c_save").click().run()
    assert escape_markdown(f"Saved '{NAME}'.") in [s.value for s in at.success]
    history = [frame.value for frame in at.dataframe]
    assert any((frame["after"] == NAME).any() for frame in history if "after" in frame), "shown as written"
    _assert_inert(at)

    at.selectbox(key="c_entry").set_value("").run()
    at.text_input(key="e_name").set_value("Another Place")
    at.selectbox(key="e_category").set_value("sober_social").run()
    at.text_input(key="e_phone").set_value("215-555-0177")
    at.button(key="c_save").click().run()
    merge = at.button(key=f"c_merge_{row['id']}")
    assert merge.label.startswith(escape_markdown(f"Merge into: {NAME} ("))
    _assert_inert(at)
