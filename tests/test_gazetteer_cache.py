"""The gazetteer's cache in the user's cache folder: read back exactly as built, and rebuilt when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory import gazetteer


@pytest.fixture
def fresh_gazetteer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and the process's gazetteer forgotten before and after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gazetteer._gazetteer.cache_clear()
    yield tmp_path
    gazetteer._gazetteer.cache_clear()


PLACES = ["19104", "Media, PA", "Philadelphia, PA", "08034", "King of Prussia, PA", "Coeur d'Alene, ID"]


def _answers() -> list[object]:
    return [gazetteer.resolve_place(text) for text in PLACES] + [
        gazetteer.zip_centroid("19104"), gazetteer.city_centroid("Camden", "NJ"), gazetteer.zip_centroid("00000")]


def test_the_cached_gazetteer_answers_as_the_one_built_from_the_wheel(fresh_gazetteer: Path) -> None:
    """The first use builds and saves it; a new process reading the file gives the same places."""
    built = _answers()
    saved = list(fresh_gazetteer.glob("recovery-directory/gazetteer-*.json"))
    assert len(saved) == 1
    gazetteer._gazetteer.cache_clear()
    assert _answers() == built


def test_a_damaged_cache_file_is_built_again(fresh_gazetteer: Path) -> None:
    """A cut-off or garbled file is never trusted: the gazetteer is built from the wheel and saved again."""
    built = _answers()
    saved = next(fresh_gazetteer.glob("recovery-directory/gazetteer-*.json"))
    saved.write_text(saved.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    gazetteer._gazetteer.cache_clear()
    assert _answers() == built
    assert saved.stat().st_size > 1_000_000
