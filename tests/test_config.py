"""report.toml: what a valid one gives, and one message with the right line for each mistake."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from reportgen.config import load_config, schema_docs, schema_table_markdown
from reportgen.errors import ConfigError, ReportError, ReportErrors
from reportgen.layout import Layout

GOOD = """\
# Titelseite

[report]
title = "Studie"
subtitle = "Untertitel"
date = 2025-03-31

[survey]
responses = "data/antworten.csv"
codebook = "data/codebook.toml"
id_column = "lfdn"

[brand]
primary = "#0b5d5b"
palette = ["#000", "#ffffff"]
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "report.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return tmp_path


def config_error(tmp_path: Path, text: str | bytes) -> ReportError:
    with pytest.raises(ReportError) as caught:
        load_config(write(tmp_path, text))
    return caught.value


def problems(error: ReportError) -> list[ReportError]:
    return error.errors if isinstance(error, ReportErrors) else [error]


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def test_valid_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.report.title == "Studie"
    assert config.report.date == datetime.date(2025, 3, 31)
    assert config.survey.id_column == "lfdn"
    assert config.layout.path(config.layout.responses) == tmp_path.resolve() / "data" / "antworten.csv"
    assert config.layout.path(config.layout.codebook) == tmp_path.resolve() / "data" / "codebook.toml"
    assert config.brand.palette == ("#000", "#ffffff")
    assert config.brand.accent == "#f28c28"  # default


def test_minimal_config_uses_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[report]\ntitle = "Nur ein Titel"\n'))
    assert config.survey.responses == "data/responses.csv"
    assert (config.survey.responses, config.survey.codebook) == (Layout.responses, Layout.codebook)
    assert config.report.date is None
    assert config.survey.sheet is None  # the first worksheet with a header row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            replace('subtitle = "Untertitel"', 'untertitel = "Untertitel"'),
            "report.toml, Zeile 5: [report] unbekannter Schlüssel „untertitel“. Meinten Sie „subtitle“? "
            "Erlaubt sind: title, subtitle,",
            id="unknown-key",
        ),
        pytest.param(
            replace("date = 2025-03-31", 'date = "31.03.2025"'),
            'report.toml, Zeile 6: [report] date: erwartet Datum (JJJJ-MM-TT), gefunden Text "31.03.2025". '
            "Schreiben Sie das Datum ohne Anführungszeichen, z. B. date = 2025-03-31.",
            id="date-as-text",
        ),
        pytest.param(
            replace("date = 2025-03-31", "date = 2025-03-31T10:00:00"),
            "report.toml, Zeile 6: [report] date: erwartet Datum (JJJJ-MM-TT), gefunden Datum mit Uhrzeit",
            id="date-with-time",
        ),
        pytest.param(
            replace('title = "Studie"', "title = 2025"),
            "report.toml, Zeile 4: [report] title: erwartet Text, gefunden ganze Zahl 2025. Setzen Sie den Wert in "
            'Anführungszeichen, z. B. title = "…".',
            id="title-number",
        ),
        pytest.param(
            replace('title = "Studie"', 'title = ""'),
            "report.toml, Zeile 4: [report] title ist leer.",
            id="title-empty",
        ),
        pytest.param(
            replace('title = "Studie"\n', ""),
            'report.toml, Zeile 3: [report] title fehlt. Ergänzen Sie im Abschnitt [report] die Zeile title = "…".',
            id="title-missing",
        ),
        pytest.param(
            replace("[report]\n", ""),
            "report.toml, Zeile 3: „title“ steht außerhalb eines Abschnitts. Schreiben Sie die Zeile unter [report].",
            id="no-report-header",
        ),
        pytest.param(
            replace("date = 2025-03-31\n", 'date = 2025-03-31\nhyphenation = ["Leipzig", "Roh--stoff"]\n'),
            "report.toml, Zeile 7: [report] hyphenation: „Roh--stoff“ ist kein Trenneintrag.",
            id="hyphenation-entry",
        ),
        pytest.param(
            replace("[brand]", "[marke]"),
            "report.toml, Zeile 13: unbekannter Abschnitt [marke]. Erlaubt sind: [report], [survey], [brand], [analysis], [limits], [batch].",
            id="unknown-section",
        ),
        pytest.param(
            replace("[brand]", "[brnad]"),
            "report.toml, Zeile 13: unbekannter Abschnitt [brnad]. Meinten Sie „brand“?",
            id="section-typo",
        ),
        pytest.param(
            replace('primary = "#0b5d5b"', 'primary = "grün"'),
            "report.toml, Zeile 14: [brand] primary: „grün“ ist keine Farbe. Schreiben Sie Farben als Hex-Wert",
            id="colour-name",
        ),
        pytest.param(
            replace('palette = ["#000", "#ffffff"]', 'palette = ["#000", 3]'),
            "report.toml, Zeile 15: [brand] palette: „3“ ist keine Farbe. Schreiben Sie Farben als Hex-Wert",
            id="palette-number",
        ),
        pytest.param(
            replace('palette = ["#000", "#ffffff"]', "palette = []"),
            "report.toml, Zeile 15: [brand] palette ist leer.",
            id="palette-empty",
        ),
        pytest.param(
            replace('responses = "data/antworten.csv"', 'responses = "data/\\u0000.csv"'),
            "report.toml, Zeile 9: [survey] responses: „data/\x00.csv“ liegt außerhalb des Projektordners.",
            id="responses-nul",
        ),
        pytest.param(
            replace('palette = ["#000", "#ffffff"]', 'palette = "#000"'),
            'report.toml, Zeile 15: [brand] palette: erwartet Liste, gefunden Text "#000". Schreiben Sie eine Liste',
            id="palette-text",
        ),
        pytest.param(
            replace('responses = "data/antworten.csv"', 'responses = "/etc/passwd"'),
            "report.toml, Zeile 9: [survey] responses: „/etc/passwd“ liegt außerhalb des Projektordners.",
            id="responses-absolute",
        ),
        pytest.param(
            replace('codebook = "data/codebook.toml"', 'codebook = "../codebook.toml"'),
            "report.toml, Zeile 10: [survey] codebook: „../codebook.toml“ liegt außerhalb des Projektordners.",
            id="codebook-outside",
        ),
        pytest.param(
            replace('id_column = "lfdn"', 'id_column = " "'),
            'report.toml, Zeile 11: [survey] id_column ist leer. Tragen Sie einen Wert ein, z. B. id_column = "id".',
            id="id-column-empty",
        ),
        pytest.param(
            'survey = "data/antworten.csv"\n' + GOOD.replace("[survey]", "[umfrage]"),
            "report.toml, Zeile 1: [survey] muss ein Abschnitt sein, kein einzelner Wert.",
            id="section-as-value",
        ),
        pytest.param(
            replace('title = "Studie"', 'title = "Studie'),
            "report.toml, Zeile 4: TOML-Syntaxfehler: ein Anführungszeichen wird nicht geschlossen (Zeichen 16).",
            id="syntax-quote",
        ),
        pytest.param(
            replace('title = "Studie"', "title = Studie"),
            "report.toml, Zeile 4: TOML-Syntaxfehler: ungültiger Wert (Zeichen 9). Texte stehen in Anführungszeichen",
            id="syntax-unquoted",
        ),
        pytest.param(
            replace('title = "Studie"', 'title "Studie"'),
            "report.toml, Zeile 4: TOML-Syntaxfehler: nach dem Schlüssel fehlt das Gleichheitszeichen",
            id="syntax-equals",
        ),
        pytest.param(
            replace('subtitle = "Untertitel"', 'title = "Untertitel"'),
            "report.toml, Zeile 5: TOML-Syntaxfehler: der Schlüssel kommt doppelt vor",
            id="syntax-duplicate-key",
        ),
        pytest.param(
            GOOD + "x = [1,\n",
            "report.toml, Zeile 16: TOML-Syntaxfehler: ungültiger Wert.",
            id="syntax-end-of-file",
        ),
        pytest.param(
            replace('subtitle = "Untertitel"', 'subtitle = "Grüße"').encode("cp1252"),
            "report.toml, Zeile 5: Die Datei ist kein UTF-8-Text.",
            id="cp1252",
        ),
    ],
)
def test_config_mistakes(tmp_path: Path, text: str | bytes, expected: str) -> None:
    error = config_error(tmp_path, text)
    assert expected in str(error)
    assert str(error).startswith("report.toml")
    assert all(isinstance(problem, ConfigError) for problem in problems(error))


def test_all_config_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = replace('title = "Studie"', "title = 1").replace("[brand]", "[brand]\nfarbe = 1")
    error = config_error(tmp_path, text)
    assert isinstance(error, ReportErrors)
    assert [str(problem).split(":")[0] for problem in error.errors] == ["report.toml, Zeile 4", "report.toml, Zeile 14"]


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^report.toml: Kein Projekt: report.toml fehlt in .*--project ORDNER an\.$"):
        load_config(tmp_path)


def test_config_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "report.toml").mkdir()
    with pytest.raises(ConfigError, match=r"^report.toml: Das ist keine gewöhnliche Datei, sondern ein Ordner\."):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            replace('primary = "#0b5d5b"', 'primary = "#0b5d5"'),
            "report.toml, Zeile 14: [brand] primary: „#0b5d5“ ist keine Farbe. "
            "Schreiben Sie Farben als Hex-Wert mit #, z. B. „#0b5d5b“.",
            id="colour",
        ),
        pytest.param(
            replace('palette = ["#000", "#ffffff"]', 'palette = ["#000", "weiß"]'),
            "report.toml, Zeile 15: [brand] palette: „weiß“ ist keine Farbe. "
            "Schreiben Sie Farben als Hex-Wert mit #, z. B. „#0b5d5b“.",
            id="colours-item",
        ),
        pytest.param(
            replace('palette = ["#000", "#ffffff"]', "palette = []"),
            'report.toml, Zeile 15: [brand] palette ist leer. Geben Sie mindestens eine Farbe an, z. B. palette = ["#0b5d5b"].',
            id="colours-empty",
        ),
        pytest.param(
            replace('codebook = "data/codebook.toml"', 'codebook = "data/../../codebook.toml"'),
            "report.toml, Zeile 10: [survey] codebook: „data/../../codebook.toml“ liegt außerhalb des Projektordners. "
            'Legen Sie die Datei ins Projekt und geben Sie den Pfad relativ an, z. B. "data/responses.csv".',
            id="inside-project",
        ),
        pytest.param(
            replace('title = "Studie"', 'title = "  "'),
            'report.toml, Zeile 4: [report] title ist leer. Tragen Sie einen Wert ein, z. B. title = "…".',
            id="non-empty-required",
        ),
        pytest.param(
            replace('responses = "data/antworten.csv"', 'responses = ""'),
            "report.toml, Zeile 9: [survey] responses ist leer. "
            'Tragen Sie einen Wert ein, z. B. responses = "data/responses.csv".',
            id="non-empty-with-default",
        ),
        pytest.param(
            replace('id_column = "lfdn"', 'id_column = "lfdn"\nsheet = " "'),
            "report.toml, Zeile 12: [survey] sheet ist leer. Tragen Sie den Namen des Tabellenblatts ein, z. B. "
            'sheet = "Daten", oder löschen Sie die Zeile: dann gilt das erste Tabellenblatt mit einer Kopfzeile.',
            id="sheet-empty",
        ),
        pytest.param(
            replace('id_column = "lfdn"', 'id_column = "lfdn"\nsheet = 2'),
            "report.toml, Zeile 12: [survey] sheet: erwartet Text, gefunden ganze Zahl 2. "
            'Setzen Sie den Wert in Anführungszeichen, z. B. sheet = "…".',
            id="sheet-type",
        ),
        pytest.param(
            replace('id_column = "lfdn"', "id_column = true"),
            "report.toml, Zeile 11: [survey] id_column: erwartet Text, gefunden Wahrheitswert true. "
            'Setzen Sie den Wert in Anführungszeichen, z. B. id_column = "…".',
            id="type-before-validators",
        ),
    ],
)
def test_validator_messages(tmp_path: Path, text: str, expected: str) -> None:
    error = config_error(tmp_path, text)
    assert isinstance(error, ConfigError)
    assert str(error) == expected


_OUTPUT_HINT = 'Schreiben Sie z. B. output = "build/batch/{key}.pdf".'


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("build/{key}.pdf", "„build/{key}.pdf“ liegt nicht in einem eigenen Ordner unter build/. " + _OUTPUT_HINT),
        (
            "berichte/{key}.pdf",
            "„berichte/{key}.pdf“ liegt nicht in einem eigenen Ordner unter build/. " + _OUTPUT_HINT,
        ),
        (
            "build/../x/{key}.pdf",
            "„build/../x/{key}.pdf“ liegt nicht in einem eigenen Ordner unter build/. " + _OUTPUT_HINT,
        ),
        (
            "build/.cache/{key}.pdf",
            "„build/.cache/{key}.pdf“ liegt nicht in einem eigenen Ordner unter build/. " + _OUTPUT_HINT,
        ),
        ("build/batch/{key}.html", "„build/batch/{key}.html“ endet nicht auf .pdf. " + _OUTPUT_HINT),
        (
            "build/batch/alle.pdf",
            "„build/batch/alle.pdf“ hat keinen Platzhalter; alle Berichte bekämen denselben Namen. " + _OUTPUT_HINT,
        ),
        (
            "build/{key}/bericht.pdf",
            "Platzhalter stehen nur im Dateinamen, nicht im Ordner („build/{key}“). " + _OUTPUT_HINT,
        ),
        (
            "build/batch/{key.pdf",
            "„build/batch/{key.pdf“ hat eine ungültige Angabe in geschweiften Klammern. " + _OUTPUT_HINT,
        ),
        (
            "build/batch/{key:>9}.pdf",
            "„build/batch/{key:>9}.pdf“ hat eine ungültige Angabe in geschweiften Klammern. " + _OUTPUT_HINT,
        ),
        (
            "build/batch/{region}.pdf",
            "unbekannter Platzhalter „{region}“. Erlaubt sind {key} (die Kennung oder der Name des Segments als "
            "Dateiname), {code} (der Code des Segments, nur mit --by), {label} (der Name, wie der Bericht ihn zeigt).",
        ),
    ],
)
def test_batch_output_pattern(tmp_path: Path, output: str, expected: str) -> None:
    error = config_error(tmp_path, GOOD + f'\n[batch]\noutput = "{output}"\n')
    assert isinstance(error, ConfigError)
    assert str(error) == f"report.toml, Zeile 18: [batch] output: {expected}"


@pytest.mark.parametrize("output", ["build/batch/{key}.pdf", "build/firmen/{code}-{label}.PDF", "build/a/b/{key}.pdf"])
def test_batch_output_pattern_accepted(tmp_path: Path, output: str) -> None:
    config = load_config(write(tmp_path, GOOD + f'\n[batch]\noutput = "{output}"\nmin_group = 3\n'))
    assert (config.batch.output, config.batch.min_group, config.batch.content) == (output, 3, "content-batch")


def test_a_min_group_below_two_is_refused(tmp_path: Path) -> None:
    error = config_error(tmp_path, GOOD + "\n[batch]\nmin_group = 1\n")
    assert "[batch] min_group: erwartet eine ganze Zahl ab 2, gefunden 1." in str(error)


def test_all_problems_are_config_errors(tmp_path: Path) -> None:
    text = replace('title = "Studie"', 'title = ""').replace('primary = "#0b5d5b"', 'primary = "rot"')
    error = config_error(tmp_path, text)
    assert isinstance(error, ReportErrors)
    assert [type(problem) for problem in error.errors] == [ConfigError, ConfigError]


def test_every_key_is_documented() -> None:
    docs = schema_docs()
    assert [(section, key) for section, key, _, _ in docs][:2] == [("report", "title"), ("report", "subtitle")]
    assert all(doc.strip() and "\n" not in doc for _, _, _, doc in docs), docs


def test_schema_docs_show_defaults_as_toml() -> None:
    defaults = {(section, key): default for section, key, default, _ in schema_docs()}
    assert defaults["report", "title"] is None  # required
    assert defaults["report", "date"] == ""  # unset
    assert defaults["survey", "responses"] == '"data/responses.csv"'
    assert defaults["brand", "palette"].startswith('["#0b5d5b", "#f28c28", ')


def test_readme_lists_every_key() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = schema_table_markdown()
    assert f"<!-- config -->\n{table}\n<!-- /config -->" in readme, (
        "README.md's report.toml table differs from the schema; replace it with the output of "
        "python -c 'from reportgen.config import schema_table_markdown; print(schema_table_markdown())'"
    )
    assert "| `[report] title` | (required) |" in table


def test_documented_defaults_are_valid(tmp_path: Path) -> None:
    lines = [f"{key} = {default}" for section, key, default, _ in schema_docs() if section == "brand" and default]
    config = load_config(write(tmp_path, '[report]\ntitle = "T"\n[brand]\n' + "\n".join(lines) + "\n"))
    assert config.brand == load_config(write(tmp_path, '[report]\ntitle = "T"\n')).brand
