"""references: the entries of content/literatur.toml, and one exact message per mistake."""

from __future__ import annotations

from datetime import date

import pytest

from projects import TINY_REFERENCES
from reportgen.errors import ContentError, ReportError, ReportErrors
from reportgen.references import Reference, parse_references

NAME = "content/literatur.toml"
FIELDS_HINT = "Erlaubt sind: author, year, title, publisher, place, url, accessed, type."
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
accessed = 2025-03-04
type = "book"

[wilts-2023]
author = "Wilts"
year = "2023"
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
        accessed=date(2025, 3, 4),
        type="book",
        line=3,
    )
    assert references["wilts-2023"] == Reference(key="wilts-2023", author="Wilts", year="2023", line=13)
    assert references["wilts-2023"].type == "report"  # the default: most sources of a study are reports


def test_accessed_may_be_written_as_text() -> None:
    text = '[a]\nauthor = "A"\nyear = 2020\nurl = "https://a.example/"\naccessed = "2024-12-01"\n'
    assert parse_references(text, NAME)["a"].accessed == date(2024, 12, 1)


def test_tiny_project_references() -> None:
    references = parse_references(TINY_REFERENCES, NAME)
    assert [(ref.key, ref.author, ref.year, ref.line) for ref in references.values()] == [
        ("mueller-2020", "Müller", "2020", 1),
        ("schmidt-2021", "Schmidt", "2021", 5),
    ]


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


@pytest.mark.parametrize(
    ("entry", "line", "message", "hint"),
    [
        pytest.param(
            'year = "2023a"',
            3,
            "[a] year muss eine Jahreszahl sein, z. B. year = 2023, nicht „2023a“.",
            "Gleiche Autoren im selben Jahr unterscheidet reportgen selbst als 2023a, 2023b.",
            id="year-with-letter",
        ),
        pytest.param(
            'year = 2020\ntype = "buch"',
            4,
            "[a] type „buch“ ist unbekannt.",
            "Erlaubt sind: report, book, article, webpage.",
            id="type",
        ),
        pytest.param(
            'year = 2020\nurl = "www.example.org"',
            4,
            "[a] url muss eine Webadresse sein, die mit https:// oder http:// beginnt.",
            'Beispiel: url = "https://www.example.org/studie.pdf" (ohne Leerzeichen).',
            id="url-without-scheme",
        ),
        pytest.param(
            'year = 2020\nurl = "javascript:alert(1)"',
            4,
            "[a] url muss eine Webadresse sein, die mit https:// oder http:// beginnt.",
            'Beispiel: url = "https://www.example.org/studie.pdf" (ohne Leerzeichen).',
            id="url-other-scheme",
        ),
        pytest.param(
            'year = 2020\nurl = "https://a.example/"\naccessed = "gestern"',
            5,
            "[a] accessed muss ein Datum sein, z. B. accessed = 2025-03-31.",
            "Schreiben Sie das Datum als JJJJ-MM-TT.",
            id="accessed-not-a-date",
        ),
        pytest.param(
            "year = 2020\naccessed = 2025-01-02",
            4,
            "[a] accessed ist das Abrufdatum einer Webadresse, es fehlt url.",
            "Ergänzen Sie die Webadresse (url) oder entfernen Sie accessed.",
            id="accessed-without-url",
        ),
        pytest.param(
            'year = 2020\ntitle = ["T"]',
            4,
            "[a] title muss ein Text sein, keine Liste oder Tabelle.",
            'Schreiben Sie mehrere Namen in einen Text, z. B. author = "Müller und Schmidt".',
            id="title-list",
        ),
    ],
)
def test_field_mistakes_are_reported_at_their_line(entry: str, line: int, message: str, hint: str) -> None:
    error = error_of(f'[a]\nauthor = "A"\n{entry}\n')
    assert type(error) is ContentError
    assert error.location is not None
    assert (error.location.line, error.message, error.hint) == (line, message, hint)


@pytest.mark.parametrize("key", ["abb-karte", "tab-1", "kap-einleitung"])
def test_a_key_reserved_for_cross_references_is_refused_at_its_line(key: str) -> None:
    error = error_of(f'[gut]\nauthor = "G"\nyear = 2020\n\n[{key}]\nauthor = "A"\nyear = 2020\n')
    assert str(error) == (
        f"{NAME}, Zeile 5: [{key}] Schlüssel, die mit abb-, tab- oder kap- beginnen, sind Querverweisen auf "
        "Abbildungen, Tabellen und Kapitel vorbehalten. "
        "Wählen Sie einen anderen Schlüssel, z. B. den Namen und das Jahr der Quelle."
    )
