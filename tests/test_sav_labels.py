"""One codebook for a survey tool's two exports: CSV headed by the question texts, .sav with variables `q1`, `q2`, …
whose variable labels are the question texts. A codebook `column` that is no header names the variable with that
label; a label shared by two variables is an error naming both; an unknown one suggests the closest label.

The .sav files are written here with pyreadstat.write_sav; the expected values are written by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from projects import to_csv
from reportgen.codebook import Codebook, parse_codebook
from reportgen.errors import DataError, ReportError, ReportErrors
from reportgen.survey import load_survey

NAN = math.nan
SIZE = "Wie viele Beschäftigte hat Ihr Unternehmen?"
HAPPY = "Wie zufrieden sind Sie insgesamt?"
CODEBOOK = f"""
[zufriedenheit]
kind = "scale"
text = "Zufriedenheit"
column = "{HAPPY}"
scale = {{ min = 1, max = 5 }}

[mitarbeitende]
kind = "numeric"
text = "Beschäftigte"
column = "{SIZE}"

[branche]
kind = "single"
text = "Branche"
categories = [{{ code = 1, label = "Handwerk" }}, {{ code = 2, label = "Industrie" }}]
"""
CATEGORIES = '{ code = 1, label = "Handwerk" }, { code = 2, label = "Industrie" }'
IDS = ["R1", "R2", "R3"]
HAPPY_CODES = [1.0, 5.0, None]
SIZES = [12.0, 250.0, 3.5]
BRANCHES = [1.0, 2.0, 1.0]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return parse_codebook(CODEBOOK, "data/codebook.toml")


def sav_bytes(tmp_path: Path, frame: pd.DataFrame, labels: dict[str, str]) -> bytes:
    path = tmp_path / f"antworten-{len(list(tmp_path.iterdir()))}.sav"
    pyreadstat.write_sav(frame, str(path), column_labels=labels)  # type: ignore[arg-type]
    return path.read_bytes()


def spss_export(tmp_path: Path, labels: dict[str, str] | None = None) -> bytes:
    frame = pd.DataFrame({"id": IDS, "q1": HAPPY_CODES, "q2": SIZES, "branche": BRANCHES})
    return sav_bytes(tmp_path, frame, labels if labels is not None else {"q1": HAPPY, "q2": SIZE, "id": "ID"})


def problems(error: ReportError) -> list[ReportError]:
    return error.errors if isinstance(error, ReportErrors) else [error]


def test_one_codebook_reads_the_csv_and_the_sav_export_alike(tmp_path: Path, codebook: Codebook) -> None:
    rows = [["id", HAPPY, SIZE, "branche"], ["R1", "1", "12", "1"], ["R2", "5", "250", "2"], ["R3", "", "3,5", "1"]]
    from_csv = load_survey(to_csv(rows, ";").encode(), "data/antworten.csv", codebook, "id").frame
    from_sav = load_survey(spss_export(tmp_path), "data/antworten.sav", codebook, "id").frame
    assert from_sav["zufriedenheit"].tolist()[:2] == [1.0, 5.0] and math.isnan(from_sav["zufriedenheit"].iloc[2])
    assert from_sav["mitarbeitende"].tolist() == [12.0, 250.0, 3.5]
    assert from_sav["branche"].tolist() == [1.0, 2.0, 1.0]
    assert from_sav.index.tolist() == IDS
    pd.testing.assert_frame_equal(from_sav, from_csv)


def test_a_bad_cell_of_a_labelled_variable_names_the_case_and_the_codebook_column(
    tmp_path: Path, codebook: Codebook
) -> None:
    frame = pd.DataFrame({"id": IDS, "q1": [1.0, 7.0, None], "q2": SIZES, "branche": BRANCHES})
    with pytest.raises(DataError) as caught:
        load_survey(sav_bytes(tmp_path, frame, {"q1": HAPPY, "q2": SIZE}), "data/antworten.sav", codebook, "id")
    assert str(caught.value).startswith(f"data/antworten.sav, Zeile 2, Spalte „{HAPPY}“: „7“ liegt außerhalb der Skala")


def test_a_label_of_two_variables_is_an_error_naming_both(tmp_path: Path, codebook: Codebook) -> None:
    with pytest.raises(ReportError) as caught:
        load_survey(spss_export(tmp_path, {"q1": HAPPY, "q2": HAPPY}), "data/antworten.sav", codebook, "id")
    messages = [str(problem) for problem in problems(caught.value)]
    assert (
        f"data/antworten.sav, Zeile 0: Die Spalte „{HAPPY}“ ([zufriedenheit]) aus dem Codebuch ist in der SPSS-Datei "
        "das Label mehrerer Variablen: „q1“ und „q2“. Nennen Sie in [zufriedenheit] (data/codebook.toml) die "
        'Variable, z. B. column = "q1", oder geben Sie den Variablen in SPSS verschiedene Labels.'
    ) in messages
    assert any(f"Die Spalte „{SIZE}“ ([mitarbeitende]) aus dem Codebuch fehlt." in message for message in messages)
    assert not any("keinen Eintrag im Codebuch" in message for message in messages)  # q1 and q2 are told already


def test_an_unknown_column_suggests_the_closest_label(tmp_path: Path, codebook: Codebook) -> None:
    labels = {"q1": HAPPY, "q2": "Wie viele Beschäftigte hat ihr Unternehmen"}
    with pytest.raises(ReportError) as caught:
        load_survey(spss_export(tmp_path, labels), "data/antworten.sav", codebook, "id")
    messages = [str(problem) for problem in problems(caught.value)]
    assert (
        f"data/antworten.sav, Zeile 0: Die Spalte „{SIZE}“ ([mitarbeitende]) aus dem Codebuch fehlt. Meinten Sie "
        "„Wie viele Beschäftigte hat ihr Unternehmen“, das Label der Variablen „q2“? Spaltennamen müssen genau wie "
        "im Codebuch lauten."
    ) in messages
    assert "data/antworten.sav, Zeile 0, Spalte „q2“: Die Spalte hat keinen Eintrag im Codebuch." in " ".join(messages)


def test_a_header_comes_before_a_label(tmp_path: Path) -> None:
    """`branche` is a variable's name and another variable's label: the variable named so is the column."""
    text = f'ignore = ["q9"]\n\n[branche]\nkind = "single"\ntext = "Branche"\ncategories = [{CATEGORIES}]\n'
    frame = pd.DataFrame({"id": IDS, "branche": BRANCHES, "q9": [2.0, 2.0, 2.0]})
    data = sav_bytes(tmp_path, frame, {"q9": "branche"})
    survey = load_survey(data, "data/antworten.sav", parse_codebook(text, "cb.toml"), "id")
    assert survey.frame["branche"].tolist() == [1.0, 2.0, 1.0]


def test_a_variable_named_by_its_name_and_its_label_serves_both(tmp_path: Path) -> None:
    text = (
        '[branche]\nkind = "single"\ntext = "Branche"\ncategories = [{ code = 1, label = "Handwerk" }, '
        '{ code = 2, label = "Industrie" }]\n\n[sektor]\nkind = "single"\ntext = "Sektor"\ncolumn = "Ihre Branche"\n'
        'categories = [{ code = 1, label = "Handwerk" }, { code = 2, label = "Industrie" }]\n'
    )
    frame = pd.DataFrame({"id": IDS, "branche": BRANCHES})
    survey = load_survey(
        sav_bytes(tmp_path, frame, {"branche": "Ihre Branche"}), "data/a.sav", parse_codebook(text, "cb.toml"), "id"
    )
    assert survey.frame["branche"].tolist() == survey.frame["sektor"].tolist() == [1.0, 2.0, 1.0]


def test_the_id_column_may_be_named_by_its_label(tmp_path: Path, codebook: Codebook) -> None:
    frame = pd.DataFrame({"v0": IDS, "q1": HAPPY_CODES, "q2": SIZES, "branche": BRANCHES})
    data = sav_bytes(tmp_path, frame, {"v0": "Befragten-ID", "q1": HAPPY, "q2": SIZE})
    survey = load_survey(data, "data/antworten.sav", codebook, "Befragten-ID")
    assert survey.frame.index.tolist() == IDS
    assert survey.frame.index.name == "Befragten-ID"
