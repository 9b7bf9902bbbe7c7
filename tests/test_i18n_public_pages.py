"""Every public page in Spanish (AppTest): a Spanish-speaking person meets no English word, apart from entry
content that exists only in English, and switching language keeps the filters and the packet."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from directory.routes import visible_routes
from directory.schema import COLUMNS
from tests.apps import APP

# English words that never occur in Spanish text: any of them on a Spanish page is an untranslated string.
ENGLISH_WORDS = frozenset((
    "the", "and", "with", "your", "you", "for", "of", "to", "is", "are", "this", "that", "open", "near", "search",
    "filter", "filters", "miles", "more", "show", "find", "support", "page", "events", "share", "print", "call",
    "about", "from", "entry", "entries", "within", "who", "what", "when", "where", "any", "none", "week",
    "weekend", "today", "tomorrow", "add", "remove", "download", "suggest", "change", "send", "name", "phone",
    "address", "hours", "free", "closed", "opens", "closes", "only", "help", "here", "there",
))
# Entry content may be English (marked "Solo en inglés"); so may a few names no one translates.
KEPT_AS_WRITTEN = ("SAMHSA", "AYUDA", "OpenStreetMap", "Leaflet", "MOUD", "ASL", "LGBTQ+", "SMART Recovery",
                   "Celebrate Recovery", "Refuge Recovery", "Recovery Dharma", "AA", "NA", "CA", "Al-Anon",
                   "Nar-Anon", "HSDS", "CSV", "PDF", "QR", "ZIP", "iCal", "Meeting Guide")
_CONTENT_COLUMNS = [c for c in COLUMNS if c not in ("id", "status", "category", "support_types", "dimensions",
                                                     "stages", "attendance", "populations", "pathways", "cost",
                                                     "accessibility", "moud_welcome", "peer_run",
                                                     "geocode_quality", "location_confidential",
                                                     "review_reasons")]
_SKIPPED_KEYS = {"css", "html", "body_html", "args_json", "json_args", "component_name", "url", "src", "id",
                 "form_id", "formId", "key", "elementType", "typeName", "serialized_args", "jsonArgs",
                 "specialArgs", "bytes", "data", "arrowData", "spec", "icon"}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        # JSON settings (a table's column configuration) and enum names (NONE, DEFAULT) are not shown text
        return [] if value[:1] in "{[" or value.isupper() else [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in _SKIPPED_KEYS for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def shown_text(at: AppTest) -> list[str]:
    """Every string a page's elements show (labels, help, captions, markdown, options), components left out."""
    found: list[str] = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        # Components (the map) and code blocks (a command to type) are not prose.
        if proto is None or type(node).__name__ in ("UnknownElement", "Html", "Code"):
            continue
        try:
            found += _strings(MessageToDict(proto))
        except (TypeError, AttributeError):
            continue
    return found


def english_words(texts: list[str], content: set[str]) -> list[tuple[str, str]]:
    """(word, text) for each English word left once entry content and kept names are taken out."""
    hits = []
    for text in texts:
        rest = text
        for piece in sorted(content, key=len, reverse=True):
            if piece in rest:
                rest = rest.replace(piece, " ")
        for kept in KEPT_AS_WRITTEN:
            rest = rest.replace(kept, " ")
        rest = re.sub(r"https?://\S+|tel:\S+|mailto:\S+|\([^)]*/[^)]*\)", " ", rest)  # link targets
        rest = re.sub(r"<[^>]*>", " ", rest)  # tags and their attributes (class="support-badge")
        hits += [(word, text[:120]) for word in re.findall(r"[A-Za-z]+", rest) if word.lower() in ENGLISH_WORDS]
    return hits


@pytest.fixture
def content(sample_dir: Path) -> set[str]:
    """Every entry's own words in the sample (English content is allowed when marked)."""
    frame = pd.read_csv(sample_dir / "resources.csv", dtype=str, keep_default_na=False)
    values = {value for column in _CONTENT_COLUMNS for value in frame[column] if len(value) > 2}
    return values | {part.strip() for value in frame["tags"] for part in value.split(";") if part.strip()}


def spanish_session(path: str = "", **params: str) -> AppTest:
    """A new session opened on a ?lang=es link."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "es"
    for key, value in params.items():
        at.query_params[key] = value
    return at


PUBLIC_SCRIPTS = [route.script for route in visible_routes(None) if route.access == "public"]


@pytest.mark.parametrize("script", PUBLIC_SCRIPTS)
def test_every_public_page_speaks_spanish(sample_dir: Path, content: set[str], script: str) -> None:
    """Find, Map, Events, Suggest, Packet and Gaps in Spanish: no English word outside entry content."""
    at = spanish_session()
    at.run()
    at.switch_page(script).run()
    assert not at.exception, [e.value for e in at.exception]
    texts = shown_text(at)
    assert any("¿Está en crisis" in text for text in texts)
    assert not english_words(texts, content), english_words(texts, content)[:15]


def test_a_detail_view_in_spanish(sample_dir: Path, content: set[str]) -> None:
    """A shared detail link (?id=...&lang=es) opens in Spanish, crisis lines included."""
    frame = pd.read_csv(sample_dir / "resources.csv", dtype=str, keep_default_na=False)
    chosen = frame[(frame["name_es"] != "") & (frame["phone"] != "")].iloc[0]
    at = spanish_session(id=chosen["id"])
    at.run()
    assert not at.exception
    texts = shown_text(at)
    assert any(chosen["name_es"] in text for text in texts)
    assert any("Línea Nacional de Ayuda de SAMHSA" in text for text in texts)
    assert not english_words(texts, content), english_words(texts, content)[:15]


def test_switching_language_keeps_the_filters_and_the_packet(sample_dir: Path) -> None:
    """English -> Español -> English: the search, a pathway and the packet stay as they were."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="f_text").set_value("volleyball").run()
    adds = [b for b in at.button if b.key and b.key.startswith("pack-")]
    adds[0].click().run()
    packet = list(at.session_state["packet_ids"])
    assert packet
    at.segmented_control(key="lang").set_value("es").run()
    assert at.query_params["lang"] == ["es"] or at.query_params["lang"] == "es"
    assert at.session_state["f_text"] == "volleyball"
    assert list(at.session_state["packet_ids"]) == packet
    assert any("¿Está en crisis" in text for text in shown_text(at))
    at.segmented_control(key="lang").set_value("en").run()
    assert at.session_state["f_text"] == "volleyball"
    assert "lang" not in at.query_params
    assert any("In crisis or need help now?" in text for text in shown_text(at))


@pytest.mark.parametrize(("header", "expected"), [("es-MX,es;q=0.9", "es"), ("en-US,en;q=0.9", "en")])
def test_a_first_visit_follows_the_browsers_language(sample_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                      header: str, expected: str) -> None:
    """With no ?lang, the first run picks the browser's preferred language."""
    import streamlit as st

    monkeypatch.setattr(type(st.context), "headers", property(lambda self: {"Accept-Language": header}))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.session_state["lang"] == expected
