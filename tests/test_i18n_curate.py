"""The peer-leader pages in Spanish: sign-in, Curate with its entry form, Review, Bulk edit, Entries to check
and Accounts, and the Spanish name an entry can carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from directory.auth import Accounts, AuthError, Curator
from directory.i18n import language
from directory.store import Store
from directory.suggestions import Suggestions
from directory.ui.history import local_time
from tests.apps import APP, PASSWORD
from tests.factories import shown


def _in_spanish(page: str = "pages/curate.py") -> AppTest:
    """A session opened with ?lang=es on one page (not signed in yet)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "es"
    return at.switch_page(page).run()


def _signed_in_spanish(data_dir: Path, name: str = "lee", role: str = "curator") -> AppTest:
    """A Spanish session signed in on the Curate page, creating the account if needed."""
    accounts = Accounts(data_dir)
    if name not in dict(accounts.names()):
        accounts.add(name, PASSWORD, role, by=None)
    at = _in_spanish()
    at.text_input(key="sign_in_name").set_value(name)
    at.text_input(key="sign_in_password").set_value(PASSWORD)
    return at.button(key="sign_in_submit").click().run()


def _text(at: AppTest) -> str:
    """Every word the page shows as text, headings, captions, messages and widget labels."""
    groups = (at.title, at.markdown, at.caption, at.info, at.error, at.success, at.warning, at.text)
    texts = [shown(str(e.value)) for group in groups for e in group]
    labels = (at.button, at.text_input, at.text_area, at.selectbox, at.multiselect, at.number_input, at.checkbox,
              at.expander)
    texts += [str(getattr(e, "label", "")) for group in labels for e in group]
    return "\n".join(texts)


def test_the_sign_in_form_and_its_refusal_are_in_spanish(sample_dir: Path) -> None:
    """The sign-in form and a wrong password's message speak Spanish (the message is made in a callback)."""
    Accounts(sample_dir).add("lee", PASSWORD, "curator", by=None)
    at = _in_spanish()
    assert not at.exception
    assert at.title[0].value == "Editar el directorio"
    assert [t.label for t in at.text_input] == ["Nombre", "Contraseña"]
    assert at.button(key="sign_in_submit").label == "Iniciar sesión"
    at.text_input(key="sign_in_name").set_value("lee")
    at.text_input(key="sign_in_password").set_value("wrong password")
    at.button(key="sign_in_submit").click().run()
    assert at.error[0].value == "Ese nombre y esa contraseña no coinciden."


def test_the_curate_form_is_in_spanish_with_the_spanish_fields(sample_dir: Path) -> None:
    """Signed in, the form's sections, labels, help and buttons are Spanish; name_es and description_es are offered."""
    at = _signed_in_spanish(sample_dir)
    assert not at.exception
    text = _text(at)
    for spanish in ("Sesión iniciada como lee (editor).", "Cerrar sesión", "Información general", "Ficha",
                    "Guardar", "Vista previa", "Nombre en español", "Descripción en español"):
        assert spanish in text, spanish
    for english in ("Signed in as", "Sign out", "About", "Save", "Preview", "Name in Spanish", "Who it serves"):
        assert english not in text.split("\n"), english
    assert at.text_input(key="e_name_es").label == "Nombre en español"
    assert at.text_area(key="e_description_es").label == "Descripción en español"
    # The category's choices are the taxonomy's Spanish labels; the stored value stays the key.
    assert at.selectbox(key="e_category").label == "Categoría *"
    assert "Sober social and recreational activity" not in at.selectbox(key="e_category").options


def test_saving_an_entry_in_spanish_stores_its_spanish_name(sample_dir: Path) -> None:
    """A new entry saved with a Spanish name and description keeps both; the confirmation is in Spanish."""
    at = _signed_in_spanish(sample_dir)
    at.text_input(key="e_name").set_value("Friday Sober Karaoke")
    at.text_input(key="e_name_es").set_value("Karaoke sin alcohol de los viernes")
    at.text_area(key="e_description_es").set_value("Canciones y compañía, sin alcohol ni drogas.")
    at.selectbox(key="e_category").set_value("sober_social")
    at.text_input(key="e_zip").set_value("19104")
    at.button(key="c_save").click().run()
    assert not at.exception
    assert any("Se guardó «Friday Sober Karaoke»." in shown(s.value) for s in at.success)
    saved = next(row for row in Store(sample_dir).read_raw().to_dict("records")
                 if row["name"] == "Friday Sober Karaoke")
    assert saved["name_es"] == "Karaoke sin alcohol de los viernes"
    assert saved["description_es"] == "Canciones y compañía, sin alcohol ni drogas."
    # Its history reads in Spanish too, with the Spanish way of writing the day.
    text = _text(at)
    assert "Historial (1 cambio)" in text
    assert "agregada por lee el" in text
    assert "History" not in text


def test_a_missing_field_is_named_in_spanish(sample_dir: Path) -> None:
    """Saving without a category says so in Spanish, with the count agreeing."""
    at = _signed_in_spanish(sample_dir)
    at.text_input(key="e_name").set_value("Solo un nombre")
    at.button(key="c_save").click().run()
    text = _text(at)
    assert "que revisar antes de guardar" in text
    assert "need attention" not in text and "needs attention" not in text


def test_the_review_page_is_in_spanish(sample_dir: Path) -> None:
    """Review: heading, count, card and buttons in Spanish."""
    queued = Suggestions(sample_dir).submit("new", fields={"name": "Sober Bingo Night", "category": "sober_social"})
    at = _signed_in_spanish(sample_dir).switch_page("pages/review.py").run()
    assert not at.exception
    text = _text(at)
    for spanish in ("Revisar sugerencias", "1 sugerencia en espera", "Recurso nuevo:", "Sugerido el", "Aprobar",
                    "Rechazar", "Editar primero", "Categoría:"):
        assert spanish in text, spanish
    for english in ("Review suggestions", "waiting", "New resource", "Suggested", "Approve", "Reject"):
        assert english not in text, english
    at.button(key=f"r_approve_{queued.id}").click().run()
    assert "Se agregó «Sober Bingo Night» al directorio." in shown(at.success[0].value)


def test_the_bulk_edit_page_is_in_spanish(sample_dir: Path) -> None:
    """Bulk edit: heading, search, caption and buttons in Spanish; the table keeps the file's column names."""
    at = _signed_in_spanish(sample_dir).switch_page("pages/bulk.py").run()
    assert not at.exception
    text = _text(at)
    for spanish in ("Edición en bloque", "Mostrar las fichas cuyo nombre", "No se guarda nada", "Guardar"):
        assert spanish in text, spanish
    assert "Bulk edit" not in text and "Nothing is saved" not in text
    assert {"name", "category", "status"} <= set(at.data_editor[0].value.columns)


def test_the_entries_to_check_page_is_in_spanish(sample_dir: Path) -> None:
    """Entries to check: heading, count, selection and button in Spanish."""
    at = _signed_in_spanish(sample_dir).switch_page("pages/stale.py").run()
    assert not at.exception
    text = _text(at)
    for spanish in ("Fichas por verificar", "fichas por verificar; primero las nunca verificadas",
                    "Sin verificar en los últimos (días)", "Seleccionar las", "como verificadas hoy"):
        assert spanish in text, spanish
    assert "Entries to check" not in text and "Select all" not in text and "Mark " not in text


def test_the_accounts_page_is_in_spanish(sample_dir: Path) -> None:
    """Accounts: heading, roles, form and a refusal in Spanish; the stored role stays a key."""
    at = _signed_in_spanish(sample_dir, "dana", "admin").switch_page("pages/accounts.py").run()
    assert not at.exception
    text = _text(at)
    for spanish in ("Cuentas de líderes de pares", "Agregar cuenta", "Contraseña (al menos 10 caracteres)",
                    "Función"):
        assert spanish in text, spanish
    assert "Peer-leader accounts" not in text and "Add account" not in text
    assert any("dana (administrador)" in t.value for t in at.text)
    at.text_input(key="a_name").set_value("sam")
    at.text_input(key="a_password").set_value("short")
    at.button(key="a_add").click().run()
    assert "Una contraseña necesita al menos 10 caracteres." in shown(at.error[0].value)
    at.text_input(key="a_name").set_value("sam")
    at.text_input(key="a_password").set_value(PASSWORD)
    at.button(key="a_add").click().run()
    assert "Se agregó a sam." in shown(at.success[0].value)
    assert ("sam", "curator") in Accounts(sample_dir).names()


def test_sign_in_refusals_and_history_times_are_in_spanish(empty_dir: Path) -> None:
    """The domain's messages and the history's timestamps follow the chosen language."""
    accounts = Accounts(empty_dir)
    accounts.add("dana", PASSWORD, "admin", by=None)
    with language("es"):
        with pytest.raises(AuthError, match="no coinciden"):
            accounts.sign_in("dana", "wrong password")
        with pytest.raises(PermissionError, match="solo un administrador"):
            accounts.add("sam", PASSWORD, by=Curator("lee", "curator"))
        stamp = local_time("2026-11-24T00:05:00Z")
    assert stamp == "lun 23 nov 2026, 7:05\u00a0p.\u00a0m."
