"""references: the entries of content/literatur.toml, and one exact message per mistake."""

from __future__ import annotations

import pytest

from projects import TINY_REFERENCES
from reportgen.errors import ContentError, ReportError, ReportErrors
from reportgen.references import Reference, parse_references

NAME = "content/literatur.toml"
FIELDS_HINT = "Erlaubt sind: author, year, title, publisher, place, url, note."
EXAMPLE_HINT = 'Beispiel: author = "VDI ZRE" und year = 2021.'

FULL = """\
# Literatur

[vdi-zre-2021]
author = "  VDI ZRE "
year = 2021
title = "Ressourceneffizienz"
publisher = "VDI"
place = "Berlin"
url = "https://example.org/studie"
note = "Kurzanalyse"

[wilts-2023]
author = "Wilts"
year = "2023a"
"""


def error_of(text: str) -> ReportError:
    with pytest.raises(ReportError) as caught:
        parse_references(text, NAME)
    return caught.value


def test_all_fields_and_lines() -> None:
    references = parse_references(FULL, NAME)
    assert list(references) == ["vdi-zre-2021", "wilts-2023"]
    assert references["vdi-zre-2021"] == Reference(
        key="vdi-zre-2021",
        author="VDI ZRE",
        year="2021",
        title="Ressourceneffizienz",
        publisher="VDI",
        place="Berlin",
        url="https://example.org/studie",
        note="Kurzanalyse",
        line=3,
    )
    assert references["wilts-2023"] == Reference(key="wilts-2023", author="Wilts", year="2023a", line=12)


def test_tiny_project_references() -> None:
    references = parse_references(TINY_REFERENCES, NAME)
    assert [(ref.key, ref.author, ref.year, ref.line) for ref in references.values()] == [
        ("mueller-2020", "Müller", "2020", 1),
        ("schmidt-2021", "Schmidt", "2021", 5),
    ]


def test_sort_key_is_author_year_title_ignoring_case() -> None:
    references = [
        Reference("c", "schmidt", "2021"),
        Reference("b", "Müller", "2020", title="Zweiter Band"),
        Reference("a", "MÜLLER", "2020", title="erster Band"),
        Reference("d", "Müller", "2019"),
    ]
    assert references[1].sort_key == ("müller", "2020", "zweiter band")
    assert [ref.key for ref in sorted(references, key=lambda ref: ref.sort_key)] == ["d", "a", "b", "c"]


def test_unknown_field_is_reported_at_its_line() -> None:
    error = error_of('[a]\nauthor = "A"\nyear = 2020\ntitel = "T"\n')
    assert type(error) is ContentError
    assert str(error) == f"{NAME}, Zeile 4: [a] unbekanntes Feld „titel“. {FIELDS_HINT}"


def test_first_unknown_field_in_alphabetical_order() -> None:
    error = error_of('[a]\nauthor = "A"\nyear = 2020\nzeit = 1\njahr = 2020\n')
    assert str(error) == f"{NAME}, Zeile 5: [a] unbekanntes Feld „jahr“. {FIELDS_HINT}"


def test_missing_year() -> None:
    error = error_of('[a]\nauthor = "A"\n')
    assert type(error) is ContentError
    assert str(error) == f"{NAME}, Zeile 1: [a] braucht author und year. {EXAMPLE_HINT}"


def test_blank_author() -> None:
    error = error_of('\n[a]\nauthor = "  "\nyear = 2020\n')
    assert str(error) == f"{NAME}, Zeile 2: [a] braucht author und year. {EXAMPLE_HINT}"


def test_entry_that_is_not_a_table() -> None:
    error = error_of('a = "Müller 2020"\n')
    assert type(error) is ContentError
    assert str(error) == f"{NAME}, Zeile 1: [a] muss ein Abschnitt mit author und year sein."


def test_all_problems_reported_at_once() -> None:
    text = 'lose = 1\n\n[gut]\nauthor = "G"\nyear = 2020\n\n[ohne-jahr]\nauthor = "O"\n\n[x]\nauthor = "X"\nyear = 1\nseite = 3\n'
    error = error_of(text)
    assert isinstance(error, ReportErrors)
    assert [type(single) for single in error.errors] == [ContentError, ContentError, ContentError]
    assert str(error) == "\n".join(
        [
            f"{NAME}, Zeile 1: [lose] muss ein Abschnitt mit author und year sein.",
            f"{NAME}, Zeile 7: [ohne-jahr] braucht author und year. {EXAMPLE_HINT}",
            f"{NAME}, Zeile 13: [x] unbekanntes Feld „seite“. {FIELDS_HINT}",
        ]
    )


def test_syntax_error_is_a_content_error() -> None:
    error = error_of('[a]\nauthor = "A\n')
    assert type(error) is ContentError
    assert error.location is not None
    assert (error.location.file, error.location.line) == (NAME, 2)


def test_an_author_list_is_refused_at_its_line() -> None:
    text = '[mueller-2020]\nauthor = ["Müller", "Schmidt"]\nyear = 2020\n'
    with pytest.raises(ContentError) as caught:
        parse_references(text, "content/literatur.toml")
    assert str(caught.value) == (
        "content/literatur.toml, Zeile 2: [mueller-2020] author muss ein Text sein, keine Liste oder Tabelle. "
        'Schreiben Sie mehrere Namen in einen Text, z. B. author = "Müller und Schmidt".'
    )
