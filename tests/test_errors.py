"""errors: where a problem is, how it reads, and how several travel together."""

from __future__ import annotations

import pickle

import pytest

from reportgen.errors import (
    ConfigError,
    ContentError,
    DataError,
    Location,
    OutputError,
    RenderError,
    ReportError,
    ReportErrors,
    TemplateError,
    did_you_mean,
    file_missing,
    file_unreadable,
    not_utf8,
    raise_all,
)

KINDS = (ConfigError, DataError, ContentError, TemplateError, RenderError, OutputError)


def test_location_of_a_whole_file() -> None:
    assert str(Location("report.toml")) == "report.toml"


def test_location_with_a_line() -> None:
    assert str(Location("content/01-kapitel.md", line=7)) == "content/01-kapitel.md, Zeile 7"


def test_location_with_row_and_column() -> None:
    assert str(Location("data/responses.csv", row=4, column="item")) == "data/responses.csv, Zeile 4, Spalte „item“"


def test_location_with_a_column_only() -> None:
    assert str(Location("data/responses.csv", column="gruppe")) == "data/responses.csv, Spalte „gruppe“"


def test_error_without_location_or_hint_is_its_message() -> None:
    assert str(ReportError("Etwas fehlt.")) == "Etwas fehlt."


def test_error_with_location_and_hint() -> None:
    error = ConfigError("Falscher Wert.", Location("report.toml", line=3), "Schreiben Sie eine Zahl.")
    assert str(error) == "report.toml, Zeile 3: Falscher Wert. Schreiben Sie eine Zahl."
    assert error.message == "Falscher Wert."
    assert error.hint == "Schreiben Sie eine Zahl."


def test_error_with_hint_but_no_location() -> None:
    assert str(ReportError("Falsch.", hint="So nicht.")) == "Falsch. So nicht."


def test_at_places_the_error_and_keeps_kind_and_hint() -> None:
    error = ContentError("Zitat fehlt.", hint="Ergänzen Sie es.")
    placed = error.at(Location("content/02-stand.md", line=5))
    assert type(placed) is ContentError
    assert str(placed) == "content/02-stand.md, Zeile 5: Zitat fehlt. Ergänzen Sie es."
    assert error.location is None  # the original is unchanged


def test_raise_all_with_no_errors_returns() -> None:
    raise_all([])


def test_raise_all_with_one_error_raises_it_as_itself() -> None:
    error = ConfigError("Eins.", Location("report.toml", line=1))
    with pytest.raises(ConfigError) as caught:
        raise_all([error])
    assert caught.value is error


def test_raise_all_with_several_errors_raises_them_together_flattened() -> None:
    first = ConfigError("Eins.", Location("report.toml", line=1))
    second = DataError("Zwei.", Location("data/responses.csv", row=2, column="item"))
    third = ContentError("Drei.")
    with pytest.raises(ReportErrors) as caught:
        raise_all([first, ReportErrors([second, third])])
    assert caught.value.errors == [first, second, third]
    assert str(caught.value) == (
        "report.toml, Zeile 1: Eins.\ndata/responses.csv, Zeile 2, Spalte „item“: Zwei.\nDrei."
    )


def test_raise_all_with_one_group_of_one_raises_the_single_error() -> None:
    only = DataError("Allein.")
    with pytest.raises(DataError) as caught:
        raise_all([ReportErrors([only])])
    assert caught.value is only


def test_did_you_mean_ignores_case() -> None:
    assert did_you_mean("TITLE", ["title", "subtitle"]) == "Meinten Sie „title“?"


def test_did_you_mean_finds_a_near_miss() -> None:
    # "titel" vs "title": ratio 2·4/10 = 0.8; vs "subtitle": 2·4/13 ≈ 0.62; the closer one wins.
    assert did_you_mean("titel", ["subtitle", "title"]) == "Meinten Sie „title“?"


def test_did_you_mean_keeps_the_spelling_of_the_option() -> None:
    assert did_you_mean("mueller-2020", ["Mueller-2020"]) == "Meinten Sie „Mueller-2020“?"


def test_did_you_mean_with_nothing_close() -> None:
    assert did_you_mean("farbe", ["title", "subtitle"]) == ""
    assert did_you_mean("farbe", []) == ""


@pytest.mark.parametrize("kind", KINDS)
def test_kinds_are_report_errors(kind: type[ReportError]) -> None:
    assert issubclass(kind, ReportError)
    assert issubclass(ReportErrors, ReportError)


@pytest.mark.parametrize("kind", KINDS)
def test_kinds_survive_pickling(kind: type[ReportError]) -> None:
    error = kind("Kaputt.", Location("data/responses.csv", row=3, column="item"), "Reparieren Sie es.")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is kind
    assert (copy.message, copy.location, copy.hint) == ("Kaputt.", error.location, "Reparieren Sie es.")
    assert str(copy) == str(error)


def test_report_errors_survive_pickling() -> None:
    errors = ReportErrors([ConfigError("Eins.", Location("report.toml", line=1)), DataError("Zwei.")])
    copy = pickle.loads(pickle.dumps(errors))
    assert type(copy) is ReportErrors
    assert [type(error) for error in copy.errors] == [ConfigError, DataError]
    assert str(copy) == "report.toml, Zeile 1: Eins.\nZwei."


def test_file_missing_message() -> None:
    error = file_missing(DataError, Location("data/responses.csv"), "Legen Sie die Datei an.")
    assert type(error) is DataError
    assert str(error) == "data/responses.csv: Datei nicht gefunden. Legen Sie die Datei an."


def test_file_unreadable_names_the_reason() -> None:
    error = file_unreadable(ContentError, Location("content/a.md"), PermissionError(13, "Permission denied"), "Tipp.")
    assert type(error) is ContentError
    assert str(error) == "content/a.md: Die Datei lässt sich nicht lesen (Permission denied). Tipp."


def test_file_unreadable_without_strerror_names_the_exception() -> None:
    error = file_unreadable(ConfigError, Location("report.toml"), IsADirectoryError(), "Tipp.")
    assert str(error) == "report.toml: Die Datei lässt sich nicht lesen (IsADirectoryError). Tipp."


def test_not_utf8_message() -> None:
    error = not_utf8(DataError, Location("data/codebook.toml", line=3))
    assert type(error) is DataError
    assert str(error) == (
        "data/codebook.toml, Zeile 3: Die Datei ist kein UTF-8-Text. Speichern Sie sie im Editor mit der Kodierung UTF-8."
    )
