"""The command line in Spanish (--lang es or a Spanish locale), its JSON the same in both languages, and the core
vocabulary (taxonomy, routes, crisis lines) in Spanish as the glossary says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from directory import cli
from directory import taxonomy as tx
from directory.cli import cli_language, main
from directory.crisis import crisis_heading, crisis_lines
from directory.i18n import _, current_language, language
from directory.routes import GROUPS, ROUTES

ROOT = Path(__file__).resolve().parent.parent
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no locale set, so the machine's own locale never decides the language."""
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_table_and_summary_in_spanish(sample_dir: Path, capsys) -> None:
    """--lang es gives Spanish headings, Spanish category labels, a Spanish decimal comma and a Spanish summary."""
    code, out, err = _run(capsys, "--lang", "es", "search", "--data-dir", str(sample_dir), "--near", "19104",
                          "--limit", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["millas", "nombre", "categoría", "dirección", "teléfono"]
    assert "," in lines[1].split()[0], "distances are written with a decimal comma"
    assert "3 resultados cerca de 19104" in err
    assert "results" not in err and "miles" not in out


def test_lang_is_also_accepted_after_the_command(sample_dir: Path, capsys) -> None:
    """`search --lang es` works as well as `--lang es search`."""
    code, _, err = _run(capsys, "search", "--data-dir", str(sample_dir), "--lang", "es", "--text", "zzzzzz")
    assert code == 0 and err.strip() == "0 resultados"


def test_a_spanish_locale_chooses_spanish(sample_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """LANG=es_US.UTF-8 makes the messages Spanish without --lang, errors included."""
    monkeypatch.setenv("LANG", "es_US.UTF-8")
    code, out, err = _run(capsys, "validate", "--data-dir", str(sample_dir))
    assert code == 0 and out == ""
    assert "filas revisadas, 0 con problemas" in err and "rows checked" not in err
    code, _, err = _run(capsys, "search", "--data-dir", str(sample_dir), "--support-type", "spiritual")
    assert code == 2
    assert "error: tipo de apoyo desconocido: 'spiritual'" in err and "unknown" not in err


def test_help_is_in_spanish(capsys) -> None:
    """The commands' own help texts are translated (argparse's fixed words stay its own)."""
    with pytest.raises(SystemExit):
        main(["--lang", "es", "search", "--help"])
    out = capsys.readouterr().out
    assert "palabras para buscar en el nombre" in out and "only free resources" not in out
    with pytest.raises(SystemExit):
        main(["--lang", "es", "--help"])
    assert "Busca en el directorio" in capsys.readouterr().out


def test_json_is_the_same_in_both_languages(sample_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """--format json keeps its keys and values whatever the language: it is data, not prose."""
    search = ("search", "--data-dir", str(sample_dir), "--near", "19104", "--format", "json")
    english = _run(capsys, *search)[1]
    assert _run(capsys, "--lang", "es", *search)[1] == english
    monkeypatch.setenv("LANG", "es_US.UTF-8")
    assert _run(capsys, *search)[1] == english
    assert json.loads(english)[0]["category"] in tx.keys(tx.CATEGORIES)
    gaps = ("gaps", "--data-dir", str(sample_dir), "--any", "--threshold-miles", "2.5")
    assert _run(capsys, *gaps)[1] == _run(capsys, "--lang", "en", *gaps)[1]
    code, _, err = _run(capsys, "--lang", "es", *gaps)
    assert code == 0 and "zonas de código postal" in err and "a 2,5 millas o menos" in err


def test_import_messages_in_spanish(sample_dir: Path, tmp_path: Path, capsys) -> None:
    """A dry-run import reports in Spanish: what would change and the one-line summary."""
    source = tmp_path / "in.csv"
    lines = (sample_dir / "resources.csv").read_text(encoding="utf-8").splitlines()[:4]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, "--lang", "es", "import", str(source), "--data-dir", str(sample_dir), "--dry-run")
    assert code == 0
    assert "prueba sin cambios (--dry-run): no se escribió nada" in err
    assert out.startswith("importación: ") and "sin cambios" in out and "imported" not in out


def test_the_module_entry_point_speaks_spanish(sample_dir: Path) -> None:
    """`python -m directory` as a real process follows LANG, and its JSON does not change."""
    argv = [sys.executable, "-m", "directory", "search", "--near", "Camden, NJ", "--radius-miles", "3"]
    base = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    base["DIRECTORY_DATA_DIR"] = str(sample_dir)
    spanish = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120,
                             env={**base, "LANG": "es_US.UTF-8"})
    assert spanish.returncode == 0, spanish.stderr
    assert spanish.stdout.splitlines()[0].startswith("millas")
    assert "resultados cerca de" in spanish.stderr


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        ([], {}, "en"),
        ([], {"LANG": "es_US.UTF-8"}, "es"),
        ([], {"LC_MESSAGES": "es_MX.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
        ([], {"LC_ALL": "C", "LANG": "es_US.UTF-8"}, "en"),
        ([], {"LC_ALL": "", "LANG": "es"}, "es"),
        ([], {"LANG": "fr_FR.UTF-8"}, "en"),
        (["--lang", "en", "search"], {"LANG": "es_US.UTF-8"}, "en"),
        (["search", "--lang=es"], {}, "es"),
    ],
)
def test_the_language_is_chosen_by_option_then_environment(argv: list[str], environ: dict[str, str],
                                                           expected: str) -> None:
    """--lang wins; else the first of LC_ALL, LC_MESSAGES, LANG that is set; else English."""
    assert cli_language(argv, environ) == expected


def test_a_spanish_run_leaves_the_language_as_it_was(sample_dir: Path, capsys) -> None:
    """main() runs in its language and then restores the caller's, so later code in the process stays English."""
    _run(capsys, "--lang", "es", "validate", "--data-dir", str(sample_dir))
    assert current_language() == "en"


def test_command_help_matches_the_docstrings() -> None:
    """Each command's translated help is the English of its function's docstring."""
    for name, text in cli._COMMAND_HELP.items():
        assert getattr(cli, f"cmd_{name}").__doc__ == text


def test_core_vocabulary_follows_the_glossary() -> None:
    """Support types, dimensions, pathways, routes and crisis lines read as docs/translating.md says."""
    with language("es"):
        assert [t.label for t in tx.SUPPORT_TYPES] == [
            "Emocional", "Informativo", "Práctico (instrumental)", "De pertenencia (afiliación)"]
        assert [t.label for t in tx.RECOVERY_DIMENSIONS] == ["Salud", "Hogar", "Propósito", "Comunidad"]
        assert tx.label_of(tx.PATHWAYS, "twelve_step") == "Doce pasos"
        assert tx.label_of(tx.COSTS, "sliding_scale") == "Tarifa según ingresos"
        assert tx.label_of(tx.ACCESSIBILITY, "asl") == "Interpretación en lenguaje de señas (ASL)"
        assert [_(group) for group in GROUPS] == ["Buscar apoyo", "Líderes de pares", "Organizadores"]
        assert _(next(r.title for r in ROUTES if r.url_path == "curate")) == "Editar el directorio"
        names = [name for name, _how, _link in crisis_lines()]
        assert names == ["988 Línea de Prevención del Suicidio y Crisis", "Línea Nacional de Ayuda de SAMHSA"]
        assert "marque 2" in crisis_lines()[0][1] and "en español" in crisis_lines()[1][1]
        assert crisis_heading() == "¿Está en crisis o necesita ayuda ahora?"
        every = [*tx.SUPPORT_TYPES, *tx.CATEGORIES, *tx.RECOVERY_DIMENSIONS, *tx.STAGES, *tx.ATTENDANCE,
                 *tx.POPULATIONS, *tx.PATHWAYS, *tx.COSTS, *tx.ACCESSIBILITY, *tx.STATUSES,
                 *tx.GEOCODE_QUALITIES, *tx.REVIEW_REASONS, *tx.YES_NO]
        untranslated = [t.english_label for t in every if t.label == t.english_label and t.key != "lgbtq"
                        and t.english_label != "No"]
        assert untranslated == []
        assert all(t.explanation != t.english_explanation for t in every if t.english_explanation)
