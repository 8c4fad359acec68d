"""SPSS .sav responses (issue 10): read from memory with pyreadstat as a CSV export would read, within the limits;
value labels, variable labels and user-missing codes for the codebook draft; a damaged file or one that is no .sav
file is one DataError naming the file.

The files are written here with pyreadstat.write_sav; the expected strings are written by hand."""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import TINY_RESPONSES, to_xlsx
from reportgen import cli, sav
from reportgen.errors import DataError, ReportError, ReportErrors
from reportgen.layout import Layout
from reportgen.limits import DEFAULTS, Limits
from reportgen.tables import read_table

NAME = "data/responses.sav"
RESAVE = "Öffnen Sie sie in SPSS (oder PSPP) und speichern Sie sie erneut als .sav-Datei."


def sav_bytes(frame: pd.DataFrame, tmp_path: Path, **options: object) -> bytes:
    """`frame` written by pyreadstat (it writes to a path only), as bytes."""
    path = tmp_path / f"written-{len(list(tmp_path.iterdir()))}.sav"
    pyreadstat.write_sav(frame, str(path), **options)  # type: ignore[arg-type]
    return path.read_bytes()


def survey_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["R1", "R2", "R3", "R4"],
            "zufrieden": [1.0, 5.0, 9.0, None],
            "branche": [1.0, 2.0, -9.0, 3.0],
            "umsatz": [1250.5, 106.1, None, 3.0],
            "start": [
                datetime.datetime(2025, 3, 1, 14, 30),
                datetime.datetime(2025, 3, 2),
                None,
                datetime.datetime(2025, 3, 3, 9, 5, 7),
            ],
            "tag": [datetime.date(2025, 3, 1)] * 4,
            "bemerkung": ["Mehr Förderung – bitte „bald“", "", "  gut  ", "ok"],
        }
    )


SURVEY_OPTIONS: dict[str, object] = {
    "column_labels": {"zufrieden": "Wie zufrieden sind Sie insgesamt?", "branche": "Branche"},
    "variable_value_labels": {
        "zufrieden": {1: "gar nicht zufrieden", 5: "sehr zufrieden", 9: "weiß nicht"},
        "branche": {1: "Handwerk", 2: "Industrie", 3: "Dienstleistung", -9: "keine Angabe"},
    },
    "missing_ranges": {"zufrieden": [9], "branche": [{"lo": -99, "hi": -1}]},
    "variable_measure": {"zufrieden": "ordinal", "branche": "nominal"},
}


@pytest.fixture
def survey_sav(tmp_path: Path) -> bytes:
    return sav_bytes(survey_frame(), tmp_path, **SURVEY_OPTIONS)


def error_of(data: bytes, name: str = NAME, limits: Limits = DEFAULTS) -> ReportError:
    """The error reading `data` raises: one DataError in the file, or several, each in the file."""
    with pytest.raises(ReportError) as caught:
        read_table(data, name, limits)
    problems = caught.value.errors if isinstance(caught.value, ReportErrors) else [caught.value]
    for problem in problems:
        assert isinstance(problem, DataError), repr(problem)
        assert problem.location is not None and problem.location.file == name
    return caught.value


# Values as a CSV export holds them


def test_values_read_as_codes_and_text(survey_sav: bytes) -> None:
    table = read_table(survey_sav, NAME)
    assert table.columns.tolist() == ["id", "zufrieden", "branche", "umsatz", "start", "tag", "bemerkung"]
    assert table.to_numpy().tolist() == [
        ["R1", "1", "1", "1250.5", "2025-03-01 14:30", "2025-03-01", "Mehr Förderung – bitte „bald“"],
        ["R2", "5", "2", "106.1", "2025-03-02", "2025-03-01", ""],
        ["R3", "9", "-9", "", "", "2025-03-01", "gut"],
        ["R4", "", "3", "3", "2025-03-03 09:05:07", "2025-03-01", "ok"],
    ]


def test_rows_are_numbered_as_spss_numbers_the_cases(survey_sav: bytes) -> None:
    table = read_table(survey_sav, NAME)
    assert table.index.tolist() == [1, 2, 3, 4]
    assert table.attrs["header_row"] == 0


def test_labels_and_missing_codes_are_told_in_attrs(survey_sav: bytes) -> None:
    attrs = read_table(survey_sav, NAME).attrs
    assert attrs["value_labels"] == {
        "zufrieden": {"1": "gar nicht zufrieden", "5": "sehr zufrieden", "9": "weiß nicht"},
        "branche": {"1": "Handwerk", "2": "Industrie", "3": "Dienstleistung", "-9": "keine Angabe"},
    }
    assert attrs["variable_labels"] == {"zufrieden": "Wie zufrieden sind Sie insgesamt?", "branche": "Branche"}
    # a single code as declared; a range as the codes in it that the data or the value labels hold
    assert attrs["user_missing"] == {"zufrieden": ["9"], "branche": ["-9"]}
    assert attrs["measure"] == {"zufrieden": "ordinal", "branche": "nominal"}


def test_a_sav_reads_like_the_same_answers_as_csv(tmp_path: Path) -> None:
    """The tiny project's responses as SPSS writes them read to the same strings as its CSV file."""
    csv_table = read_table(TINY_RESPONSES.encode(), "data/responses.csv")
    frame = pd.DataFrame(
        {
            "id": csv_table["id"].tolist(),
            "item": [float(value) for value in csv_table["item"]],
            "gruppe": [float(value) for value in csv_table["gruppe"]],
        }
    )
    table = read_table(sav_bytes(frame, tmp_path), NAME)
    assert table.to_numpy().tolist() == csv_table.to_numpy().tolist()
    assert table.columns.tolist() == csv_table.columns.tolist()


def test_a_compressed_zsav_reads_the_same(tmp_path: Path, survey_sav: bytes) -> None:
    compressed = sav_bytes(survey_frame(), tmp_path, compress=True, **SURVEY_OPTIONS)
    assert compressed.startswith(b"$FL3")
    expected = read_table(survey_sav, NAME)
    table = read_table(compressed, "data/responses.zsav")
    pd.testing.assert_frame_equal(table, expected)
    assert table.attrs["user_missing"] == expected.attrs["user_missing"]


def test_a_sav_file_is_read_from_memory(survey_sav: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_table gets bytes: no temporary copy is written anywhere."""
    import tempfile

    def no_temporary_files(*args: object, **kwargs: object) -> object:
        raise AssertionError("no temporary file for a .sav")

    for name in ("mkstemp", "NamedTemporaryFile", "TemporaryDirectory", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, no_temporary_files)
    monkeypatch.chdir(tmp_path)
    assert read_table(survey_sav, "fehlt/antworten.sav").loc[1, "id"] == "R1"


# Not a .sav, or a damaged one: one DataError naming the file


def test_a_csv_file_under_a_sav_name_says_so() -> None:
    assert str(error_of(TINY_RESPONSES.encode("cp1252"))) == (
        "data/responses.sav: Die Datei ist keine SPSS-Datei (.sav), sondern eine Textdatei. Ist sie eine CSV-Datei, "
        "benennen Sie sie in .csv um und passen Sie [survey] responses in report.toml an; sonst speichern Sie die "
        "Daten in SPSS als .sav-Datei."
    )


def test_a_workbook_under_a_sav_name_says_so() -> None:
    message = str(error_of(to_xlsx([["id"], ["R1"]])))
    assert message.startswith(
        "data/responses.sav: Die Datei ist eine Excel-Arbeitsmappe (XLSX), heißt aber „responses.sav“."
    )


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00", bytes(range(256))])
def test_other_binary_files_are_no_sav(data: bytes) -> None:
    assert str(error_of(data)) == (
        "data/responses.sav: Die Datei ist keine SPSS-Datei (.sav). Speichern Sie die Daten in SPSS mit "
        "„Speichern unter“ als SPSS-Statistics-Datei (.sav)."
    )


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "truncated-in-the-data": lambda data: data[:-40],
    "truncated-in-the-dictionary": lambda data: data[:300],
    "only-the-magic": lambda data: data[:4],
    "dictionary-overwritten": lambda data: data[:200] + bytes(200) + data[400:],
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_sav_is_one_data_error(survey_sav: bytes, damage: Callable[[bytes], bytes]) -> None:
    message = str(error_of(damage(survey_sav)))
    assert message.startswith("data/responses.sav: Die SPSS-Datei lässt sich nicht lesen (")
    assert message.endswith("Öffnen Sie sie in SPSS (oder PSPP) und speichern Sie sie erneut als .sav-Datei.")


def test_a_file_that_crashes_the_reader_is_one_data_error(survey_sav: bytes) -> None:
    """One changed byte in a variable record makes ReadStat (pyreadstat 1.3.7) crash its process: the reading
    process dies, reportgen reports the file."""
    damaged = survey_sav[:180] + b"\xff" + survey_sav[181:]
    message = str(error_of(damaged))
    assert message.startswith("data/responses.sav: Die SPSS-Datei lässt sich nicht lesen (")
    assert message.endswith(RESAVE)


def test_a_reader_that_hangs_is_stopped(survey_sav: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sav, "READ_SECONDS", 1)
    monkeypatch.setattr(sav, "reader_command", lambda: [sys.executable, "-c", "import time; time.sleep(30)"])
    started = time.monotonic()
    assert str(error_of(survey_sav)) == (
        f"data/responses.sav: Die SPSS-Datei lässt sich nicht lesen (nach 1 Sekunden abgebrochen). {RESAVE}"
    )
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("import sys; sys.stdout.write('hallo')", "unverständliche Antwort des Leseprogramms"),
        ("import sys; sys.exit(3)", "das Leseprogramm endete mit Status 3"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "das Leseprogramm ist abgestürzt, SIGKILL"),
    ],
    ids=["garbage", "status", "killed"],
)
def test_whatever_the_reader_does_is_one_data_error(
    survey_sav: bytes, monkeypatch: pytest.MonkeyPatch, script: str, reason: str
) -> None:
    monkeypatch.setattr(sav, "reader_command", lambda: [sys.executable, "-c", script])
    assert (
        str(error_of(survey_sav)) == f"data/responses.sav: Die SPSS-Datei lässt sich nicht lesen ({reason}). {RESAVE}"
    )


# Each example starts a reading process (about a second); with 60 examples this test found the crash above.
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(0, 10_000), junk=st.binary(min_size=1, max_size=64))
def test_random_damage_is_a_table_or_a_data_error(survey_sav: bytes, position: int, junk: bytes) -> None:
    at = position % len(survey_sav)
    data = survey_sav[:at] + junk + survey_sav[at + len(junk) :]
    try:
        table = read_table(data, NAME)
    except ReportError as error:
        problems = error.errors if isinstance(error, ReportErrors) else [error]
        assert all(isinstance(problem, DataError) and str(problem).startswith(NAME) for problem in problems)
    else:
        assert all(isinstance(cell, str) for cell in table.to_numpy().flat)


# Bounds: the dictionary is checked before a value is read


def test_too_many_rows(tmp_path: Path) -> None:
    data = sav_bytes(pd.DataFrame({"id": [f"R{n}" for n in range(20)], "q": [1.0] * 20}), tmp_path)
    assert str(error_of(data, limits=Limits(rows=10))).startswith(
        "data/responses.sav, Zeile 11: Die Tabelle hat mehr als 10 Zeilen."
    )
    assert len(read_table(data, NAME, Limits(rows=20))) == 20


def test_too_many_columns_and_cells(tmp_path: Path) -> None:
    data = sav_bytes(pd.DataFrame({f"q{n}": [1.0, 2.0] for n in range(12)}), tmp_path)
    assert str(error_of(data, limits=Limits(columns=10))).startswith(
        "data/responses.sav: Die Tabelle hat mehr als 10 Spalten."
    )
    assert str(error_of(data, limits=Limits(cells=20))).startswith(
        "data/responses.sav: Die Tabelle hat mehr als 20 Zellen."
    )


def test_file_size_and_unpacked_size(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": [f"R{n}" for n in range(2_000)], "text": ["x" * 500] * 2_000})
    data = sav_bytes(frame, tmp_path, compress=True)
    assert len(data) < 100_000  # zlib packs the repeated texts
    assert str(error_of(data, limits=Limits(xlsx_unpacked_mb=0.5))).startswith(
        "data/responses.sav: Die SPSS-Datei ist entpackt zu groß (1,1 MB, höchstens 0,5 MB)."
    )
    assert str(error_of(data, limits=Limits(data_mb=0.01))).startswith("data/responses.sav: Die Datei ist zu groß")
    assert len(read_table(data, NAME)) == 2_000


# Through the command line: one German line, exit 2, nothing written


@pytest.fixture
def sav_project(tiny_project: Callable[..., Path], tmp_path: Path) -> Callable[[bytes], Path]:
    """The tiny project with its responses as data/responses.sav."""

    def factory(data: bytes) -> Path:
        settings = (
            '[report]\ntitle = "Kleine Studie"\ndate = 2025-01-31\n\n[survey]\nresponses = "data/responses.sav"\n'
        )
        return tiny_project({"report.toml": settings, "data/responses.csv": None, "data/responses.sav": data})

    return factory


def tiny_sav(tmp_path: Path) -> bytes:
    table = read_table(TINY_RESPONSES.encode(), "data/responses.csv")
    frame = pd.DataFrame(
        {"id": table["id"].tolist(), "item": table["item"].astype(float), "gruppe": table["gruppe"].astype(float)}
    )
    return sav_bytes(
        frame,
        tmp_path,
        variable_value_labels={"gruppe": {1: "A", 2: "B"}},
        missing_ranges={"item": [-9]},
    )


def test_a_project_checks_with_sav_responses(sav_project: Callable[[bytes], Path], tmp_path: Path, capsys) -> None:
    root = sav_project(tiny_sav(tmp_path))
    assert cli.main(["check", "--project", str(root)]) == 0
    assert "8 Befragte" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:-40], "Die SPSS-Datei lässt sich nicht lesen ("),
        (lambda data: TINY_RESPONSES.encode(), "Die Datei ist keine SPSS-Datei (.sav), sondern eine Textdatei."),
    ],
    ids=["damaged", "csv-renamed"],
)
def test_a_bad_sav_in_a_project_is_one_line_and_nothing_is_written(
    sav_project: Callable[[bytes], Path], tmp_path: Path, capsys, damage: Callable[[bytes], bytes], message: str
) -> None:
    root = sav_project(damage(tiny_sav(tmp_path)))
    assert cli.main(["check", "--project", str(root)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"Fehler: data/responses.sav: {message}")
    assert error.count("\n") == 1
    assert not (root / Layout.build).exists()
