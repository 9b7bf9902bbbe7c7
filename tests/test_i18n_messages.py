"""Validation and load problems in Spanish, and a loaded version shown to sessions in two languages."""

from __future__ import annotations

import pandas as pd
import pytest

from directory import loading
from directory.i18n import language
from directory.schema import validate_record
from directory.store import Store


@pytest.mark.parametrize(("raw", "field", "spanish"), [
    ({"name": ""}, "name", "es obligatorio"),
    ({"latitude": "abc", "longitude": "1"}, "latitude", "'abc' no es un número"),
    ({"state": "ZZ"}, "state", "código de estado de dos letras"),
    ({"event_end": "2026-01-01T10:00"}, "event_start", "un evento con hora de fin necesita una hora de inicio"),
])
def test_validation_messages_in_spanish(raw: dict, field: str, spanish: str) -> None:
    with language("es"):
        errors = validate_record(raw, require_id=False).errors
    assert spanish in errors[field]
    with language("en"):
        assert "es obligatorio" not in errors[field].english


def test_english_unchanged() -> None:
    errors = validate_record({"name": "", "latitude": "95", "longitude": "1"}, require_id=False).errors
    assert errors["name"] == "is required"
    assert errors["latitude"] == "must be between -90 and 90"


def test_loaded_problem_is_said_in_each_sessions_language(sample_dir) -> None:
    store = Store(sample_dir)
    frame = store.read_raw()
    bad = frame.iloc[[0]].assign(id="bad-1", latitude="95")
    pd.concat([frame, bad]).to_csv(store.path, index=False)
    loading.forget(store)
    with language("es"):  # a Spanish session loads the version first
        problem = next(p for p in loading.current(store).loaded.problems if p.resource_id == "bad-1")
        assert problem.text() == "debe estar entre -90 y 90"
    assert problem.message == "must be between -90 and 90"  # held in English
    assert problem.text() == "must be between -90 and 90"  # and said in English to an English session
    loading.forget(store)  # a new process reads the same version from the cache folder
    cached = loading.current(store)
    assert cached.how == "cached"
    again = next(p for p in cached.loaded.problems if p.resource_id == "bad-1")
    assert again.text() == "must be between -90 and 90"
    with language("es"):
        assert again.text() == "debe estar entre -90 y 90"
