"""Store, phone, settings and load-problem messages in Spanish: said in each person's language, English unchanged."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import Accounts, Curator
from directory.cli import main
from directory.config import SettingsError, load_settings
from directory.errors import message_of
from directory.i18n import language
from directory.phones import PhoneError, normalise_phone
from directory.store import ConflictError, NotFoundError, Store, validate_frame
from tests.apps import APP, PASSWORD
from tests.factories import shown

BAD_PHONE = "call-us-maybe"


def _with_bad_phone(folder: Path) -> str:
    """Give the folder's second entry an unreadable phone number; its id."""
    path = folder / "resources.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, "phone"] = BAD_PHONE
    frame.to_csv(path, index=False)
    return frame.loc[1, "id"]


def test_a_phone_error_keeps_its_message_for_any_language() -> None:
    """A phone problem made in English is said again in Spanish, and survives a pickle (a shared snapshot)."""
    with pytest.raises(PhoneError) as raised:
        normalise_phone(BAD_PHONE)
    message = pickle.loads(pickle.dumps(message_of(raised.value)))
    assert str(message) == f"'{BAD_PHONE}' is not a phone number"
    with language("es"):
        assert message.text() == f"«{BAD_PHONE}» no es un número de teléfono"


def test_a_held_load_problem_is_said_in_the_language_it_is_shown_in(sample_dir: Path) -> None:
    """A loaded file's problem is kept in English and shown by problem.text() in the session's language."""
    _with_bad_phone(sample_dir)
    with language("es"):
        problems = validate_frame(pd.read_csv(sample_dir / "resources.csv", dtype=str,
                                              keep_default_na=False)).problems
    problem = next(p for p in problems if p.field == "phone")
    assert problem.message == f"'{BAD_PHONE}' is not a phone number"
    with language("es"):
        assert "no es un número de teléfono" in problem.text()


def test_validate_lists_a_bad_phone_in_spanish_with_lang_es(sample_dir: Path, capsys) -> None:
    """`--lang es validate` says the problem in Spanish; without --lang it is the English it always was."""
    resource_id = _with_bad_phone(sample_dir)
    assert main(["--lang", "es", "validate", "--data-dir", str(sample_dir)]) == 1
    out, _err = capsys.readouterr()
    assert f"id {resource_id}\tphone\t«{BAD_PHONE}» no es un número de teléfono" in out
    assert "not a phone number" not in out
    assert main(["validate", "--data-dir", str(sample_dir)]) == 1
    out, _err = capsys.readouterr()
    assert f"id {resource_id}\tphone\t'{BAD_PHONE}' is not a phone number" in out
    assert "no es" not in out


def test_store_errors_read_in_spanish(sample_dir: Path) -> None:
    """Not-found and conflict errors are said in the language current when they are made, and again in others."""
    store = Store(sample_dir)
    with language("es"), pytest.raises(NotFoundError) as missing:
        store.get("no-such-id")
    assert str(missing.value) == "ningún recurso tiene el id no-such-id"
    row = store.load().frame.iloc[0]
    dana = Curator("dana", "admin")
    store.update(row["id"], {"hours": "Sat 10:00-12:00"}, base_version=row["row_version"], by=dana)
    with pytest.raises(ConflictError) as conflict:
        store.update(row["id"], {"hours": "Sun 10:00-12:00"}, base_version=row["row_version"], by=dana)
    english = str(conflict.value)
    assert english.endswith("Changed since: hours. Nothing was saved.") and "was changed by dana at" in english
    with language("es"):
        spanish = message_of(conflict.value).text()
    assert "dana cambió" in spanish and "No se guardó nada." in spanish
    assert "Nothing was saved" not in spanish


def test_a_settings_error_reads_in_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """The start-up settings error names the variable and what it accepts, in the current language."""
    monkeypatch.setenv("DIRECTORY_STALE_DAYS", "soon")
    with language("es"), pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == ("No se puede usar DIRECTORY_STALE_DAYS='soon'; acepta un número entero de días, "
                                 "de 1 a 3650.")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == ("DIRECTORY_STALE_DAYS='soon' is not usable; it accepts a whole number of days "
                                 "from 1 to 3650.")


def test_curate_shows_a_conflict_in_spanish(sample_dir: Path) -> None:
    """When someone else saved first, a Spanish session on Curate reads the refusal in Spanish."""
    Accounts(sample_dir).add("lee", PASSWORD, "curator", by=None)
    store = Store(sample_dir)
    row = store.load().frame.iloc[1]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "es"
    at.switch_page("pages/curate.py").run()
    at.text_input(key="sign_in_name").set_value("lee")
    at.text_input(key="sign_in_password").set_value(PASSWORD)
    at.button(key="sign_in_submit").click().run()
    at.selectbox(key="c_entry").set_value(row["id"]).run()
    store.update(row["id"], {"hours": "Sat 10:00-12:00"}, base_version=row["row_version"],
                 by=Curator("dana", "admin"))
    at.text_input(key="e_phone").set_value("215-555-0188")
    at.button(key="c_save").click().run()
    assert not at.exception
    said = shown(at.error[0].value)
    assert "dana cambió" in said and "Cambió desde entonces: hours. No se guardó nada." in said
    assert "was changed by" not in said and "Nothing was saved" not in said
    assert store.get(row["id"])["phone"] == row["phone"], "nothing was overwritten"


def test_the_nominatim_rule_reads_in_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """The record-wide rule (Nominatim needs a user agent) is said in the current language, English unchanged."""
    monkeypatch.setenv("DIRECTORY_GEOCODER", "nominatim")
    with language("es"), pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value).startswith("Hay que definir DIRECTORY_GEOCODER_USER_AGENT")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value).endswith("requires a user agent that names your organisation")
