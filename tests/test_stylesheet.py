"""The stylesheet check: each syntax error that would drop the house style, in German, at its line."""

from __future__ import annotations

import pytest

from projects import REPO
from reportgen.errors import Location, TemplateError
from reportgen.stylesheet import read_stylesheet

NAME = "templates/style.css"
LOST = "alle Regeln danach gingen verloren."
UNCLOSED_BRACE = f"Die geschweifte Klammer „{{“ wird nicht geschlossen; {LOST}"
CLOSE_BLOCK = "Schließen Sie den Block mit „}“."
DECLARATION = "Die Angabe lässt sich nicht lesen."
DECLARATION_HINT = "Schreiben Sie sie als „eigenschaft: wert;“ – fehlt der Doppelpunkt oder das Semikolon davor?"
STRAY_BRACE = "Die Klammer „}“ schließt keinen Block; die Regel danach ginge verloren."
STRAY_HINT = "Löschen Sie sie oder ergänzen Sie das fehlende „{“."
EMPTY_HINT = "Tragen Sie nach dem Doppelpunkt einen Wert ein oder löschen Sie die Zeile."
QUOTE_HINT = "Setzen Sie das schließende Anführungszeichen."


def problems(text: str) -> list[tuple[int | None, str, str]]:
    errors = read_stylesheet(text, NAME).problems
    assert all(isinstance(error, TemplateError) and error.location is not None for error in errors)
    return [(error.location.line if error.location else None, error.message, error.hint) for error in errors]


def test_the_house_style_has_no_error() -> None:
    assert read_stylesheet((REPO / "templates" / "style.css").read_text(encoding="utf-8"), NAME).problems == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        ":root {\n  --leer: ;\n}\n",  # an empty custom property is valid CSS
        "p { color: red !important; }\n",
        "@media print {\n  h1 { break-after: avoid; }\n}\n",
        "a::after { content: \"}\" '{' url(x.svg); } /* { */\n",
        "p { colour: red; }\n",  # unknown properties are WeasyPrint's to report
    ],
)
def test_valid_css_gives_no_error(text: str) -> None:
    assert problems(text) == []


def test_a_block_never_closed_is_reported_at_its_opening_brace() -> None:
    text = "h1 { color: black; }\n\np {\n  color: red;\n\nh2 { color: blue; }\n"
    assert problems(text) == [(3, UNCLOSED_BRACE, CLOSE_BLOCK)]


def test_nested_blocks_never_closed_are_each_reported() -> None:
    text = "@page {\n  size: A4;\n  @top-left {\n    content: none;\n"
    assert problems(text) == [(1, UNCLOSED_BRACE, CLOSE_BLOCK), (3, UNCLOSED_BRACE, CLOSE_BLOCK)]


def test_a_stray_closing_brace_at_the_top_level() -> None:
    assert problems("h1 { color: black; }\n}\np { color: red; }\n") == [(2, STRAY_BRACE, STRAY_HINT)]


def test_a_missing_colon_inside_a_block() -> None:
    assert problems("h1 { color: black; }\n\nbody { color red; }\n") == [(3, DECLARATION, DECLARATION_HINT)]


def test_a_missing_colon_inside_a_nested_rule() -> None:
    assert problems("@media print {\n  h1 {\n    color red;\n  }\n}\n") == [(3, DECLARATION, DECLARATION_HINT)]


def test_an_empty_value() -> None:
    assert problems("body {\n  margin: 0;\n  color: ;\n}\n") == [
        (3, "Die Eigenschaft „color“ hat keinen Wert.", EMPTY_HINT)
    ]


def test_an_empty_value_in_a_page_margin_box() -> None:
    assert problems("@page {\n  @top-left {\n    content: !important;\n  }\n}\n") == [
        (3, "Die Eigenschaft „content“ hat keinen Wert.", EMPTY_HINT)
    ]


def test_top_level_text_without_a_block() -> None:
    assert problems("h1 { color: black; }\nh2\n") == [
        (
            2,
            "Die Regel lässt sich nicht lesen.",
            "Eine Regel besteht aus Selektor und Block, etwa „h1 { color: black; }“.",
        )
    ]


def test_a_string_left_open_at_the_end_of_its_line() -> None:
    assert problems("h1 {\n  content: 'Kapitel\n}\n") == [
        (2, "Die Zeichenkette endet nicht auf derselben Zeile.", QUOTE_HINT)
    ]


def test_a_comment_never_closed() -> None:
    assert problems("h1 { color: black; }\n/* Seiten\n@page { size: A4; }\n") == [
        (2, f"Der Kommentar „/*“ wird nicht geschlossen; {LOST}", "Schließen Sie ihn mit „*/“.")
    ]


def test_a_function_never_closed_is_the_cause_not_the_brace_it_swallows() -> None:
    assert problems("h1 {\n  color: var(--brand-text;\n}\n") == [
        (1, UNCLOSED_BRACE, CLOSE_BLOCK),
        (2, f"Die Klammer „var(“ wird nicht geschlossen; {LOST}", "Schließen Sie sie mit „)“."),
    ]


def test_an_unreadable_url() -> None:
    assert problems("h1 {\n  background: url(logo datei.svg);\n}\n") == [
        (
            2,
            "Die Adresse in „url(…)“ lässt sich nicht lesen.",
            "Setzen Sie die Adresse in Anführungszeichen und schließen Sie „url(“ mit „)“.",
        )
    ]


def test_several_problems_in_line_order_with_the_full_message() -> None:
    errors = read_stylesheet("h1 { color: ; }\n}\np { color red; }\n", NAME).problems
    assert [error.location for error in errors] == [Location(NAME, line=line) for line in (1, 2, 3)]
    assert str(errors[1]) == f"templates/style.css, Zeile 2: {STRAY_BRACE} {STRAY_HINT}"


def test_the_message_for_a_block_never_closed_reads_as_one_line() -> None:
    [error] = read_stylesheet("h1 { color: black; }\n\n\n\n\n\n\n\n\n\n\np {\n  color: red;\n", NAME).problems
    assert str(error) == (
        "templates/style.css, Zeile 12: Die geschweifte Klammer „{“ wird nicht geschlossen; "
        "alle Regeln danach gingen verloren. Schließen Sie den Block mit „}“."
    )


def test_urls_with_their_lines() -> None:
    text = '@font-face {\n  src: url("fonts/a.ttf");\n}\nbody { background: url(logo.svg) no-repeat; }\n'
    assert read_stylesheet(text, NAME).urls == [(2, "fonts/a.ttf"), (4, "logo.svg")]
