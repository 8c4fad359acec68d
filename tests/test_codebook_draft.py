"""`reportgen codebook DATEI` (issue 10): a draft codebook from a .sav, .xlsx or .csv export, kinds guessed from the
values and labels, ids made safe; it parses, and never replaces an existing file without --force."""

from __future__ import annotations

import csv
import io
import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from projects import REPO, TINY_RESPONSES, to_xlsx
from reportgen import cli
from reportgen.codebook import QUESTION_ID, parse_codebook
from reportgen.codebook_draft import draft_codebook
from reportgen.layout import Layout
from reportgen.stats import compute
from reportgen.survey import load_survey
from reportgen.tables import read_table

STUDY_RESPONSES = REPO / "data" / "responses.csv"


def draft_of(data: bytes, name: str) -> dict[str, Any]:
    """The draft for a file's bytes, parsed as TOML."""
    return tomllib.loads(draft_codebook(read_table(data, name), name).text)


def german_export(rows: list[list[str]]) -> bytes:
    """Rows as German Excel saves „CSV (Trennzeichen-getrennt)“: semicolons, CRLF, Windows-1252."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("cp1252")


EXPORT = [
    [
        "Teilnahme-ID",
        "Startzeit",
        "Wie viele Beschäftigte hat Ihr Unternehmen?",
        "Ressourceneffizienz ist ein strategisches Ziel.",
        "Maßnahmen: Energie",
        "Maßnahmen: Wasser",
        "Maßnahmen: Material",
        "Branche",
        "Haben Sie einen Energiemanager?",
        "Was möchten Sie uns noch sagen?",
        "Browser",
    ],
    ["T01", "01.03.2025 14:30", "12", "Stimme eher zu", "Ja", "", "Ja", "Handwerk", "Ja", "Mehr Förderung", ""],
    ["T02", "01.03.2025 14:35", "1.250", "Stimme voll zu", "", "", "Ja", "Industrie", "Nein", "", ""],
    ["T03", "02.03.2025 09:10", "3", "teils/teils", "Ja", "Ja", "", "Handwerk", "", "", ""],
    ["T04", "02.03.2025 10:00", "180", "Stimme gar nicht zu", "", "", "", "Industrie", "Nein", "Weiter so!", ""],
    ["T05", "03.03.2025 11:00", "45", "Stimme eher nicht zu", "Ja", "", "", "Dienstleistung", "Ja", "", ""],
    ["T06", "03.03.2025 11:20", "7", "weiß nicht", "", "Ja", "", "Handwerk", "Ja", "", ""],
]


# What is guessed


def test_a_german_export_gets_every_kind() -> None:
    draft = draft_of(german_export(EXPORT), "export.csv")
    assert draft["ignore"] == ["Startzeit", "Browser"]  # dates, and an empty column
    assert list(draft) == [
        "ignore",
        "wie_viele_beschaeftigte_hat_ihr",
        "ressourceneffizienz_ist_ein",
        "massnahmen",
        "Branche",
        "haben_sie_einen_energiemanager",
        "was_moechten_sie_uns_noch_sagen",
    ]
    assert draft["wie_viele_beschaeftigte_hat_ihr"] == {
        "kind": "numeric",
        "column": "Wie viele Beschäftigte hat Ihr Unternehmen?",
        "text": "Wie viele Beschäftigte hat Ihr Unternehmen?",
    }
    assert draft["ressourceneffizienz_ist_ein"] == {
        "kind": "scale",
        "column": "Ressourceneffizienz ist ein strategisches Ziel.",
        "text": "Ressourceneffizienz ist ein strategisches Ziel.",
        "scale": {"min": 1, "max": 5},
        "labels": {
            "1": "Stimme gar nicht zu",
            "2": "Stimme eher nicht zu",
            "3": "teils/teils",
            "4": "Stimme eher zu",
            "5": "Stimme voll zu",
        },
        "missing": ["weiß nicht"],
    }
    assert draft["massnahmen"] == {
        "kind": "multiple",
        "text": "Maßnahmen",
        "options": [
            {"column": "Maßnahmen: Energie", "label": "Energie"},
            {"column": "Maßnahmen: Wasser", "label": "Wasser"},
            {"column": "Maßnahmen: Material", "label": "Material"},
        ],
        "selected": ["Ja"],
    }
    assert draft["Branche"] == {
        "kind": "single",
        "text": "Branche",
        "categories": [
            {"code": 1, "label": "Dienstleistung"},
            {"code": 2, "label": "Handwerk"},
            {"code": 3, "label": "Industrie"},
        ],
    }
    assert draft["haben_sie_einen_energiemanager"]["kind"] == "yesno"
    assert draft["was_moechten_sie_uns_noch_sagen"]["kind"] == "text"


def test_option_labels_keep_their_own_brackets_and_lose_the_stems() -> None:
    rows = [
        ["id", "Technik: Cloud", "Technik: Internet der Dinge (IoT)", "Ziele [Kosten]", "Ziele [Klima]"],
        ["1", "Ja", "", "Ja", ""],
        ["2", "", "Ja", "Ja", "Ja"],
        ["3", "Ja", "Ja", "", ""],
    ]
    draft = draft_of(german_export(rows), "export.csv")
    labels = [[option["label"] for option in entry["options"]] for entry in draft.values() if isinstance(entry, dict)]
    assert labels == [["Cloud", "Internet der Dinge (IoT)"], ["Kosten", "Klima"]]


def test_the_draft_says_it_is_a_draft_and_names_the_id_column() -> None:
    draft = draft_codebook(read_table(german_export(EXPORT), "export.csv"), "export.csv")
    assert draft.text.startswith(
        "# ENTWURF eines Codebuchs, erzeugt mit „reportgen codebook“ aus export.csv (6 Zeilen)."
    )
    assert '[survey] id_column = "Teilnahme-ID"' in draft.text
    assert (draft.id_column, draft.questions, draft.ignored) == ("Teilnahme-ID", 6, ("Startzeit", "Browser"))
    assert "# Zustimmungsskala aus den Labels in den Zellen: Reihenfolge und Zahl der Stufen prüfen" in draft.text


def test_numbers_codes_and_negative_missing_codes() -> None:
    rows = [["id", "note", "jahre", "anteil", "code"]]
    for number in range(12):
        rows.append(
            [f"R{number}", str(number % 5 + 1), str(1990 + number * 3), f"{number / 7:.2f}", str(number % 2 + 1)]
        )
    rows[1][1] = "-9"
    draft = draft_of(german_export(rows), "export.csv")
    assert draft["note"] == {"kind": "scale", "text": "note", "scale": {"min": 1, "max": 5}, "missing": [-9]}
    assert draft["jahre"]["kind"] == "numeric"  # whole numbers over more than 11 points
    assert draft["anteil"]["kind"] == "numeric"  # decimal commas
    assert draft["code"] == {
        "kind": "single",  # two codes: a single choice, not a scale
        "text": "code",
        "categories": [{"code": 1, "label": "1"}, {"code": 2, "label": "2"}],
    }


def test_spss_labels_missing_codes_and_sets(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "lfdn": [1.0, 2.0, 3.0, 4.0],
            "q1": [1.0, 3.0, 5.0, 9.0],
            "q2": [1.0, 2.0, -9.0, 3.0],
            "q3": [0.0, 1.0, 1.0, 0.0],
            "q4": [1.0, 2.0, 8.0, 1.0],
            "q5_1": [1.0, 0.0, 1.0, 0.0],
            "q5_2": [0.0, 0.0, 1.0, 1.0],
            "q6": [0.0, 4.0, 10.0, 7.0],
        }
    )
    path = tmp_path / "export.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={
            "q1": "Wie zufrieden sind Sie?",
            "q2": "Branche",
            "q3": "Energiemanager vorhanden?",
            "q4": "Planen Sie Investitionen?",
            "q5_1": "Maßnahmen: Energie",
            "q5_2": "Maßnahmen: Wasser",
            "q6": "Weiterempfehlung",
        },
        variable_value_labels={
            "q1": {1: "gar nicht", 5: "sehr", 9: "weiß nicht"},
            "q2": {1: "Handwerk", 2: "Industrie", 3: "Dienstleistung", -9: "keine Angabe"},
            "q3": {0: "nein", 1: "ja"},
            "q4": {1: "Ja", 2: "Nein", 8: "weiß nicht"},
            "q5_1": {0: "nicht genannt", 1: "genannt"},
            "q5_2": {0: "nicht genannt", 1: "genannt"},
            "q6": {0: "unwahrscheinlich", 10: "äußerst wahrscheinlich"},
        },
        missing_ranges={"q1": [9], "q2": [-9], "q4": [8]},
        variable_measure={"q1": "ordinal", "q2": "nominal"},
    )
    draft = draft_of(path.read_bytes(), "export.sav")
    assert "lfdn" not in draft  # unique numbers in a column named like ids
    assert draft["q1"] == {
        "kind": "scale",
        "text": "Wie zufrieden sind Sie?",
        "scale": {"min": 1, "max": 5},
        "labels": {"1": "gar nicht", "5": "sehr"},
        "missing": [9],
    }
    assert draft["q2"]["categories"] == [
        {"code": 1, "label": "Handwerk"},
        {"code": 2, "label": "Industrie"},
        {"code": 3, "label": "Dienstleistung"},
        {"code": -9, "label": "keine Angabe", "missing": True},
    ]
    assert draft["q3"] == {"kind": "yesno", "text": "Energiemanager vorhanden?"}  # the default categories
    assert draft["q4"]["categories"] == [
        {"code": 1, "label": "Ja"},
        {"code": 2, "label": "Nein"},
        {"code": 8, "label": "weiß nicht", "missing": True},
    ]
    assert draft["massnahmen"]["options"] == [
        {"column": "q5_1", "label": "Energie"},
        {"column": "q5_2", "label": "Wasser"},
    ]
    assert "selected" not in draft["massnahmen"]  # 1 is the default
    assert draft["q6"]["kind"] == "scale"  # labels only at the ends of 0–10
    assert draft["q6"]["scale"] == {"min": 0, "max": 10}


# It parses, and the data pass it


def test_the_draft_of_the_study_parses_and_the_study_passes_it() -> None:
    """The study's responses have today's kinds only: the draft parses, and every cell passes its checks."""
    raw = STUDY_RESPONSES.read_bytes()
    draft = draft_codebook(read_table(raw, "data/responses.csv"), "data/responses.csv")
    codebook = parse_codebook(draft.text, "data/codebook.toml")
    assert {question.kind for question in codebook.questions} <= {"scale", "single", "categorical", "text", "yesno"}
    assert len(codebook.questions) == 13
    survey = load_survey(raw, "data/responses.csv", codebook, "id")
    assert survey.respondents == 25


def test_a_tiny_export_of_todays_kinds_parses() -> None:
    rows = [["id", "zufriedenheit", "gruppe", "anmerkung"]]
    answers = ["gut", "schlecht", "Mehr davon!", "", "Weiter so, danke", "nichts", "", "kein Kommentar"]
    for number in range(8):
        rows.append([f"R{number}", str(number % 5 + 1), ["Nord", "Süd"][number % 2], answers[number]])
    text = draft_codebook(read_table(german_export(rows), "export.csv"), "export.csv").text
    codebook = parse_codebook(text, "data/codebook.toml")
    assert [(question.id, question.kind) for question in codebook.questions] == [
        ("zufriedenheit", "scale"),
        ("gruppe", codebook["gruppe"].kind),
        ("anmerkung", "text"),
    ]
    assert codebook["gruppe"].kind in ("single", "categorical")
    assert load_survey(german_export(rows), "export.csv", codebook, "id").respondents == 8


def test_the_draft_of_a_german_export_reads_its_export() -> None:
    """The analyst's path: export → draft → statistics, with no edit (the numbers are the export's, by hand)."""
    raw = german_export(EXPORT)
    draft = draft_codebook(read_table(raw, "export.csv"), "export.csv", "Teilnahme-ID")
    stats = compute(load_survey(raw, "export.csv", parse_codebook(draft.text, "data/codebook.toml"), "Teilnahme-ID"))
    employees = stats.questions["wie_viele_beschaeftigte_hat_ihr"].descriptives
    assert (employees.valid, employees.mean) == (6, (12 + 1250 + 3 + 180 + 45 + 7) / 6)  # „1.250“ in a ;-file
    agreement = stats.questions["ressourceneffizienz_ist_ein"].descriptives
    assert (agreement.valid, agreement.missing, agreement.mean) == (5, 1, (4 + 5 + 3 + 1 + 2) / 5)
    measures = stats.questions["massnahmen"].multiple
    assert measures is not None
    assert (measures.base, measures.missing, measures.mentions) == (5, 1, 7)  # T04 marked nothing
    assert [(row.label, row.count) for row in measures.rows] == [("Energie", 3), ("Wasser", 2), ("Material", 2)]


# Ids


@pytest.mark.parametrize(
    ("headers", "ids"),
    [
        (["Größe (m²)", "größe_m2"], ["groesse_m2", "groesse_m2_2"]),
        (["Frage 1", "frage_1", "FRAGE-1"], ["frage_1", "frage_1_2", "FRAGE-1"]),
        (["ignore", "???", "—"], ["ignore_2", "frage", "frage_2"]),
        (["Q1", "q1"], ["Q1", "q1_2"]),  # ids that differ only in case would share a chart file
        (
            ["Wie zufrieden sind Sie mit der Beratung durch unsere Mitarbeiterinnen und Mitarbeiter?"],
            ["wie_zufrieden_sind_sie_mit_der"],
        ),
    ],
)
def test_ids_are_safe_and_unique(headers: list[str], ids: list[str]) -> None:
    rows = [["id", *headers], *([f"R{row}", *(["freier Text Nummer " + str(row)] * len(headers))] for row in range(3))]
    draft = draft_of(german_export(rows), "export.csv")
    questions = [key for key in draft if key != "ignore"]
    assert questions == ids
    for question, header in zip(questions, headers, strict=True):
        assert QUESTION_ID.fullmatch(question)
        assert draft[question].get("column", question) == header
    assert len({question.casefold() for question in questions}) == len(questions)


def test_texts_are_escaped_for_toml() -> None:
    headers = ['Sagt "ja"', "Pfad C:\\temp", "Zeile\u0007Glocke\u007f", "Tab\tund\nZeile"]
    table = pd.DataFrame({"id": ["R1", "R2"], **{header: ["a b c d", "e f g h"] for header in headers}})
    draft = tomllib.loads(draft_codebook(table, "export.csv").text)
    assert [draft[key]["column"] for key in draft] == headers
    assert [draft[key]["text"] for key in draft] == headers


def test_values_shown_in_comments_cannot_break_the_toml() -> None:
    """Comments show values and labels; a line break in one would end the comment and start a TOML line."""
    table = pd.DataFrame({"id": ["R1", "R2", "R3"], "q": ["1", "2", "3"]})
    table.attrs["value_labels"] = {"q": {"1": "eins\n[kaputt]", "2": "zwei", "3": "drei"}}
    table.attrs["user_missing"] = {"q": ["3"]}
    draft = draft_codebook(table, "Datei\nmit = Umbruch.sav")
    parsed = tomllib.loads(draft.text)
    assert list(parsed) == ["q"]
    assert parsed["q"]["categories"][0] == {"code": 1, "label": "eins\n[kaputt]"}


# The command: where it writes, never over an existing file without --force, nothing written on errors


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder that is no project, with an export in it."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "export.csv").write_bytes(german_export(EXPORT))
    monkeypatch.chdir(folder)
    return folder


def test_without_a_project_the_draft_is_codebook_toml_here(outside: Path, capsys) -> None:
    assert cli.main(["codebook", "export.csv"]) == 0
    output = capsys.readouterr()
    assert output.out.splitlines()[0] == (
        "Entwurf des Codebuchs in codebook.toml geschrieben (6 Fragen): prüfen und ergänzen Sie ihn."
    )
    assert (outside / "codebook.toml").read_text(encoding="utf-8").startswith("# ENTWURF")
    mode = stat.S_IMODE((outside / "codebook.toml").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_an_existing_file_is_replaced_only_with_force(outside: Path, capsys) -> None:
    target = outside / "codebook.toml"
    target.write_text("# meine Arbeit\n", encoding="utf-8")
    assert cli.main(["codebook", "export.csv"]) == 2
    assert capsys.readouterr().err == (
        "Fehler: codebook.toml: Die Datei gibt es schon; der Entwurf wurde nicht geschrieben. Mit --force wird sie "
        "durch den Entwurf ersetzt (ihr Inhalt geht verloren); sichern Sie sie vorher, wenn Sie sie noch brauchen.\n"
    )
    assert target.read_text(encoding="utf-8") == "# meine Arbeit\n"
    assert cli.main(["codebook", "export.csv", "--force"]) == 0
    assert target.read_text(encoding="utf-8").startswith("# ENTWURF")
    assert sorted(path.name for path in outside.iterdir()) == ["codebook.toml", "export.csv"]  # no temporary left


def test_a_link_is_an_existing_file(outside: Path) -> None:
    (outside / "codebook.toml").symlink_to(outside / "nirgends.toml")
    assert cli.main(["codebook", "export.csv"]) == 2
    assert not (outside / "nirgends.toml").exists()


def test_in_a_project_the_draft_replaces_its_codebook_with_force(
    tiny_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    root = tiny_project({"data/export.csv": german_export(EXPORT)})
    before = (root / "data" / "codebook.toml").read_text(encoding="utf-8")
    monkeypatch.chdir(root / "content")  # found from a subfolder, as build finds it
    assert cli.main(["codebook", "../data/export.csv"]) == 2
    assert (root / "data" / "codebook.toml").read_text(encoding="utf-8") == before
    capsys.readouterr()
    assert cli.main(["codebook", "../data/export.csv", "--force"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Entwurf des Codebuchs in ../data/codebook.toml geschrieben (6 Fragen): prüfen und ergänzen Sie ihn.",
        'Hinweis: Tragen Sie in report.toml unter [survey] responses = "data/export.csv" ein.',
        'Hinweis: Die Befragten-IDs stehen in „Teilnahme-ID“: [survey] id_column = "Teilnahme-ID" in report.toml.',
    ]
    assert "[massnahmen]" in (root / "data" / "codebook.toml").read_text(encoding="utf-8")


def test_the_projects_responses_are_read_with_its_sheet(
    tiny_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    def with_info_sheet(data: list[list[str]]) -> bytes:
        workbook = openpyxl.Workbook()
        info = workbook.active
        assert info is not None
        info.title = "Info"
        info.append(["Export", "Kundenbefragung"])
        info.append(["Stand", "März"])
        sheet = workbook.create_sheet("Daten")
        for row in data:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    settings = '[report]\ntitle = "T"\n\n[survey]\nresponses = "data/export.xlsx"\nsheet = "Daten"\n'
    root = tiny_project({"report.toml": settings, "data/export.xlsx": with_info_sheet(EXPORT)})
    monkeypatch.chdir(root)
    assert cli.main(["codebook", "data/export.xlsx", "--force"]) == 0
    assert "[massnahmen]" in (root / "data" / "codebook.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "data", "message"),
    [
        (
            "data/export.xlsx",
            to_xlsx([["id", "q"], ["R1", 1]]),
            "data/export.xlsx: Die Arbeitsmappe hat kein Tabellenblatt „Daten“ ([survey] sheet in report.toml). "
            "Ihre Tabellenblätter: „Sheet“.",
        ),
        (
            "data/export.sav",
            b"$FL2" + bytes(400),
            "data/export.sav: Die SPSS-Datei lässt sich nicht lesen (",
        ),
        (
            "data/export.sav",
            TINY_RESPONSES.encode(),
            "data/export.sav: Die Datei ist keine SPSS-Datei (.sav), sondern eine Textdatei.",
        ),
    ],
    ids=["sheet-that-does-not-exist", "damaged-sav", "not-a-sav"],
)
def test_bad_inputs_are_one_german_line_and_nothing_is_written(
    tiny_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys, file: str, data: bytes, message: str
) -> None:
    settings = f'[report]\ntitle = "T"\n\n[survey]\nresponses = "{file}"\nsheet = "Daten"\n'
    if file.endswith(".sav"):
        settings = settings.replace('sheet = "Daten"\n', "")
    root = tiny_project({"report.toml": settings, file: data, "data/codebook.toml": None})
    monkeypatch.chdir(root)
    before = sorted(path.relative_to(root) for path in root.rglob("*"))
    assert cli.main(["codebook", file]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"Fehler: {message}")
    assert error.count("\n") == 1
    assert sorted(path.relative_to(root) for path in root.rglob("*")) == before
    assert not (root / Layout.build).exists()
