"""tomlfile: TOML syntax errors in German at the right line, and finding the line of a table or key."""

from __future__ import annotations

import pytest

from reportgen.errors import ConfigError, ContentError, DataError, Location, ReportError
from reportgen.tomlfile import find_line, line_of, parse_toml, top_level_line


def syntax_error(text: str, kind: type[ReportError] = ConfigError) -> ReportError:
    with pytest.raises(kind) as caught:
        parse_toml(text, "report.toml", kind)
    return caught.value


def test_valid_toml_is_parsed() -> None:
    assert parse_toml('[report]\ntitle = "Studie"\n', "report.toml", ConfigError) == {"report": {"title": "Studie"}}


def test_missing_equals_sign() -> None:
    # "b 2": the "2" in column 3 is where an "=" was expected.
    error = syntax_error("a = 1\nb 2\n")
    assert error.location == Location("report.toml", line=2)
    assert str(error) == (
        "report.toml, Zeile 2: TOML-Syntaxfehler: nach dem Schlüssel fehlt das Gleichheitszeichen (Zeichen 3). "
        'Schreiben Sie schluessel = "Wert".'
    )


def test_unclosed_string_inside_the_file() -> None:
    # 'b = "abc' is 8 characters, so the line ends in column 9.
    error = syntax_error('a = 1\nb = "abc\nc = 2\n')
    assert str(error) == (
        "report.toml, Zeile 2: TOML-Syntaxfehler: ein Anführungszeichen wird nicht geschlossen (Zeichen 9). "
        'Schließen Sie den Text mit „"“ ab.'
    )


def test_unclosed_string_at_the_end_of_the_file_points_at_the_last_line() -> None:
    error = syntax_error('a = 1\nb = "abc')
    assert str(error) == (
        "report.toml, Zeile 2: TOML-Syntaxfehler: ein Anführungszeichen wird nicht geschlossen. "
        'Schließen Sie den Text mit „"“ ab.'
    )


def test_unclosed_array_at_the_end_points_at_the_last_non_empty_line() -> None:
    error = syntax_error("x = 1\na = [1,\n  2\n\n\n")
    assert str(error) == (
        "report.toml, Zeile 3: TOML-Syntaxfehler: eine Liste wird nicht mit „]“ geschlossen. "
        "Prüfen Sie Kommas und Klammern der Liste."
    )


def test_duplicate_key() -> None:
    error = syntax_error("a = 1\nb = 2\na = 3\n")
    assert str(error) == (
        "report.toml, Zeile 3: TOML-Syntaxfehler: der Schlüssel kommt doppelt vor (Zeichen 6). "
        "Löschen Sie eine der beiden Zeilen."
    )


def test_duplicate_table() -> None:
    # tomllib stops at the closing "]" of the second "[report]", column 8.
    error = syntax_error("[report]\na = 1\n\n[report]\nb = 2\n")
    assert str(error) == (
        "report.toml, Zeile 4: TOML-Syntaxfehler: der Abschnitt kommt doppelt vor (Zeichen 8). "
        "Führen Sie die beiden Abschnitte zusammen."
    )


def test_impossible_date() -> None:
    # 30 February: "d = " is 4 characters, the date starts in column 5.
    error = syntax_error("a = 1\nd = 2025-02-30\n")
    assert str(error) == (
        "report.toml, Zeile 2: TOML-Syntaxfehler: ungültiges Datum (Zeichen 5). "
        "Schreiben Sie Daten als JJJJ-MM-TT, z. B. 2025-03-31."
    )


def test_text_without_quotes() -> None:
    error = syntax_error("[report]\ntitle = Kleine Studie\n")
    assert str(error) == (
        "report.toml, Zeile 2: TOML-Syntaxfehler: ungültiger Wert (Zeichen 9). "
        'Texte stehen in Anführungszeichen ("…"), Daten als JJJJ-MM-TT.'
    )


def test_unclosed_table_header() -> None:
    error = syntax_error("[report\ntitle = 1\n")
    assert str(error) == (
        "report.toml, Zeile 1: TOML-Syntaxfehler: „]“ fehlt am Ende der Abschnittsüberschrift (Zeichen 8). "
        "Schreiben Sie [name]."
    )


def test_german_date_is_reported_in_german() -> None:
    # An editor writes the date the German way; the message must not be tomllib's English.
    error = syntax_error("[report]\ndate = 31.01.2025\n")
    assert error.location == Location("report.toml", line=2)
    assert "Expected newline" not in error.message
    assert error.message == "TOML-Syntaxfehler: nach dem Wert steht noch etwas in derselben Zeile (Zeichen 13)."
    assert "JJJJ-MM-TT" in error.hint


@pytest.mark.parametrize("kind", [ConfigError, DataError, ContentError])
def test_the_kind_passed_is_the_kind_raised(kind: type[ReportError]) -> None:
    error = syntax_error("a = \n", kind)
    assert type(error) is kind


TEXT = """\
titel = "oben"
gruppe.name = "x"

[reporting]
title = "falsch"

[report]
title = "Studie"
"subtitle" = "Untertitel"
  # ein Kommentar mit title = 3
author = "A"

[brand] # Farben
primary = "#000"
"""


def test_line_of_a_table() -> None:
    assert line_of(TEXT, "report") == 7
    assert line_of(TEXT, "reporting") == 4
    assert line_of(TEXT, "brand") == 13  # a comment after the header is allowed


def test_line_of_a_key_in_a_table() -> None:
    assert line_of(TEXT, "report", "title") == 8
    assert line_of(TEXT, "report", "subtitle") == 9  # quoted key
    assert line_of(TEXT, "report", "author") == 11
    assert line_of(TEXT, "brand", "primary") == 14


def test_line_of_a_missing_key_falls_back_to_its_table() -> None:
    assert line_of(TEXT, "report", "place") == 7
    assert line_of(TEXT, "report", "primary") == 7  # [brand]'s key is not in [report]


def test_line_of_a_top_level_key() -> None:
    assert line_of(TEXT, "titel") == 1


def test_line_of_something_absent() -> None:
    assert line_of(TEXT, "fehlt") is None
    assert line_of(TEXT, "fehlt", "title") is None


def test_find_line_counts_occurrences_inside_the_table() -> None:
    assert find_line(TEXT, "report", r"=") == 8
    assert find_line(TEXT, "report", r"=", occurrence=2) == 9
    assert find_line(TEXT, "report", r"=", occurrence=3) == 10  # the comment line has a "="
    assert find_line(TEXT, "report", r"=", occurrence=4) == 11
    assert find_line(TEXT, "report", r"=", occurrence=5) is None  # stops at [brand]


def test_find_line_in_an_absent_table() -> None:
    assert find_line(TEXT, "fehlt", r"=") is None


def test_top_level_line() -> None:
    assert top_level_line(TEXT, "titel") == 1
    assert top_level_line(TEXT, "gruppe") == 2  # dotted key
    assert top_level_line(TEXT, "title") is None  # only inside tables
