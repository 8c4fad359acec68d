"""Every survey number knows what it is: the spans of the helpers' numbers, the chart labels' boxes in the SVGs, and
the boxes of both on laid-out pages. Expected counts and bases come from the responses, read here with pandas."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from projects import copy_study
from reportgen.build import prepare, render
from reportgen.chart_drawing import draw
from reportgen.charts import ChartSpec, ChartStyle
from reportgen.number_boxes import NumberBox, Span, chart_labels, marked_elements, number_boxes, page_text
from reportgen.pdf import write_pdf
from reportgen.provenance import mark, unmarked

REPO = Path(__file__).resolve().parent.parent
SPAN = re.compile(r'<span data-provenance="([^"]*)">([^<]*)</span>')
GERMAN_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?")


def spans(html: str) -> list[tuple[str, str]]:
    """(description, text) of every provenance span, the description unescaped."""
    return [(html_module.unescape(what), text) for what, text in SPAN.findall(html)]


def study_responses() -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "responses.csv")


# The span


def test_the_span_escapes_its_description_and_keeps_its_text() -> None:
    span = mark("4,12", 'Mittel "<b>" & Co')
    assert span == '<span data-provenance="Mittel &#34;&lt;b&gt;&#34; &amp; Co">4,12</span>'
    assert unmarked(span) == "4,12"
    assert unmarked(f"a {span} b {span}") == "a 4,12 b 4,12"


# A small project of our own


@pytest.fixture
def tiny_html(tiny_project: Callable[..., Path]) -> str:
    chapter = (
        "# Ergebnisse\n\n"
        "{{ n() }} Befragte; {{ share('item', 4, 5) }} stimmen zu, {{ count('item', 4, 5) }} Antworten, "
        "Mittelwert {{ mean('item') }}, in Gruppe B {{ share('item', 4, 5, where={'gruppe': 2}) }}; "
        "{{ share_ci('item', 4, 5) }}.\n\n"
        "{{ frequency_table('item') }}\n"
    )
    return prepare(tiny_project({"content/01-kapitel.md": chapter})).html


def test_a_share_names_the_count_and_base_the_data_give(tiny_html: str) -> None:
    # projects.TINY_RESPONSES: item 1, 2, 3, 3, 4, 4, 5 and -9 (missing); gruppe 2 for R4–R7
    frame = pd.DataFrame({"item": [1, 2, 3, 3, 4, 4, 5, -9], "gruppe": [1, 1, 1, 2, 2, 2, 2, 1]}).replace(
        -9, float("nan")
    )
    agree, valid = int(frame["item"].isin([4, 5]).sum()), int(frame["item"].notna().sum())
    found = dict((text, what) for what, text in spans(tiny_html))
    assert found["43"] == f"Anteil: {agree} von {valid} gültigen Antworten (Codes 4–5), Frage item"
    group = frame[frame["gruppe"] == 2]
    in_group, group_valid = int(group["item"].isin([4, 5]).sum()), int(group["item"].notna().sum())
    assert f"Anteil: {in_group} von {group_valid} gültigen Antworten (Codes 4–5; Teilgruppe Gruppe: B)" in str(
        [what for what, _ in spans(tiny_html)]
    )
    mean = frame["item"].mean()
    assert f"{mean:.2f}".replace(".", ",") in found
    assert found[f"{mean:.2f}".replace(".", ",")] == "Mittelwert der 7 gültigen Antworten, Frage item, Skala 1–5"


def test_every_number_in_a_helper_sentence_has_a_span(tiny_html: str) -> None:
    sentence = tiny_html[tiny_html.index("Befragte;") - 200 : tiny_html.index("<table")]
    paragraph = sentence[sentence.index("<p>") : sentence.index("</p>")]
    without_spans = SPAN.sub("", paragraph)
    # Only the confidence level (a setting, not a result) stays outside a span.
    assert re.findall(r"\d+", without_spans) == ["95"]


def test_a_spans_text_is_the_visible_number(tiny_html: str) -> None:
    found = spans(tiny_html)
    assert found
    for what, text in found:
        assert GERMAN_NUMBER.fullmatch(text), (what, text)
        assert what
    visible = unmarked(tiny_html)
    assert "data-provenance" not in visible
    assert re.sub(r"<[^>]+>", "", visible) == re.sub(r"<[^>]+>", "", tiny_html)


def test_frequency_table_cells_say_which_answers_of_which_base(tiny_html: str) -> None:
    table = tiny_html[tiny_html.index("<table") :]
    descriptions = [what for what, _ in spans(table)]
    assert "Gültige Prozente: 2 von 7 gültigen Antworten (Code 4), Frage item" in descriptions
    assert "Kumulierte Prozente: 6 von 7 gültigen Antworten (Codes 1–4), Frage item" in descriptions
    assert "Prozent: 2 von 8 Befragten (Code 4), Frage item" in descriptions


# The study


@pytest.fixture(scope="module")
def study_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_study(tmp_path_factory.mktemp("provenance") / "study")


def test_study_share_names_the_count_and_base_pandas_gives(study_project: Path) -> None:
    html = prepare(study_project).html
    frame = study_responses()
    agree = int(frame["strategie"].isin([4, 5]).sum())
    valid = int(frame["strategie"].notna().sum())
    expected = f"Anteil: {agree} von {valid} gültigen Antworten (Codes 4–5), Frage strategie"
    shown = f"{round(100 * agree / valid)}"
    assert (expected, shown) in spans(html)


def test_study_every_prose_number_is_marked(study_project: Path) -> None:
    html = prepare(study_project).html
    # The results chapter's sentences built by helpers: every number in them is a span's.
    for sentence in ("als strategisches Ziel.", "(Mean = "):
        start = html.index(sentence)
        paragraph = html[html.rindex("<p>", 0, start) : html.index("</p>", start)]
        # Cross-references („Abbildung 9“) are figure numbers, not survey results.
        rest = re.sub(r"<a [^>]*>.*?</a>", "", SPAN.sub("", paragraph))
        assert not re.findall(r"\d", rest), paragraph


@pytest.mark.slow
def test_study_boxes_on_the_pages_and_an_unchanged_pdf(study_project: Path) -> None:
    project = prepare(study_project)
    rendering = render(project)
    charts = {name: chart_labels(svg) for name, svg in rendering.charts.result().items()}
    document = rendering.laid_out.document
    pages = number_boxes([page_text(page) for page in document.pages], marked_elements(project.html), charts)
    # Every number of the HTML is found once on the pages laid out without the spans (none breaks over lines).
    found = sorted((box.provenance, box.text) for page in pages for box in page if "%" not in box.text)
    assert found == sorted((what, text) for what, text in spans(project.html) if "%" not in text)
    for page, boxes in zip(rendering.laid_out.document.pages, pages, strict=True):
        for box in boxes:
            assert box.provenance and box.x >= 0 and box.x + box.width <= page.width
            assert box.y >= 0 and box.y + box.height <= page.height
    images = _chart_images(rendering.laid_out.document)
    labelled = [box for page in pages for box in page if "%" in box.text]
    assert labelled, "chart labels carry their shares"
    for box in labelled:
        assert any(_inside(box, image) for image in images[box_page(pages, box)]), box
    assert all(labels is not None and labels.labels for labels in charts.values())
    # The PDF is laid out from the HTML without the spans: its text is the golden one.
    from reportgen.pdf import lay_out
    from test_study_text import GOLDEN, extracted_text

    layout = prepare(study_project).config.layout
    laid_out = lay_out(unmarked(rendering.laid_out.html), layout, rendering.assets)
    pdf, _ = write_pdf(laid_out, ())
    target = study_project.parent / "unmarked.pdf"
    target.write_bytes(pdf.data)
    assert extracted_text(target) == GOLDEN.read_text(encoding="utf-8")


def box_page(pages: list[list[object]], wanted: object) -> int:
    return next(index for index, boxes in enumerate(pages) if any(box is wanted for box in boxes))


def _chart_images(document: object) -> list[list[tuple[float, float, float, float]]]:
    from weasyprint.formatting_structure.boxes import ReplacedBox

    result = []
    for page in document.pages:  # type: ignore[attr-defined]
        result.append(
            [
                (box.content_box_x(), box.content_box_y(), box.width, box.height)
                for box in page._page_box.descendants()
                if isinstance(box, ReplacedBox) and box.element is not None and box.element.tag == "img"
            ]
        )
    return result


def _inside(box: object, image: tuple[float, float, float, float]) -> bool:
    x, y, width, height = image
    b = box
    return (
        x - 0.5 <= b.x  # type: ignore[attr-defined]
        and b.x + b.width <= x + width + 0.5  # type: ignore[attr-defined]
        and y - 0.5 <= b.y  # type: ignore[attr-defined]
        and b.y + b.height <= y + height + 0.5  # type: ignore[attr-defined]
    )


# Charts


STYLE = ChartStyle(
    font_file=str(REPO / "templates" / "fonts" / "Lato-Regular.ttf"),
    font_digest="",
    primary="#0b5d5b",
    text="#1f2a30",
    muted="#6b7b83",
    palette=("#0b5d5b", "#f28c28", "#5fa8a0"),
)


@pytest.mark.parametrize("kind", ["bar", "pie"])
def test_chart_labels_lie_in_the_svg_and_say_what_they_are(kind: str) -> None:
    spec = ChartSpec(kind, "item", ("A", "B", "C"), (5, 3, 2), 10, "Item")
    svg = draw(spec, STYLE)
    assert draw(spec, STYLE) == svg  # the same bytes for the same spec and style
    labels = chart_labels(svg)
    assert labels is not None
    shares = [label for label in labels.labels if label.text == "50,0\u00a0%"]
    assert shares and all("5 von 10" in label.provenance and "„A“" in label.provenance for label in shares)
    for label in labels.labels:
        assert label.x >= 0 and label.x + label.width <= labels.width
        assert label.y >= 0 and label.y + label.height <= labels.height


def _document(body: str, style: str = "") -> object:
    import weasyprint

    sheet = f"<style>@page {{ size: 60mm 40mm; margin: 5mm }} p {{ font: 10pt sans-serif; margin: 0 }} {style}</style>"
    return weasyprint.HTML(string=f'<html lang="de"><head>{sheet}</head><body>{body}</body></html>').render()


# Where the numbers stand on pages laid out without their spans


def _found(body: str, style: str = "") -> list[list[NumberBox]]:
    """The number boxes of `body` (with spans) on the pages of `body` laid out without them."""
    document = _document(unmarked(body), style)
    return number_boxes([page_text(page) for page in document.pages], marked_elements(body))


def _shown_in(body: str, style: str, found: list[list[NumberBox]]) -> list[list[tuple[str, str]]]:
    """Per page, what PDFium reads inside each found box of the PDF of `body` without its spans (its text, white
    space around it dropped), with the box's description: where a box is on its number, the number alone."""
    import pypdfium2  # type: ignore[import-untyped]  # no type hints

    document = _document(unmarked(body), style)
    pdf = pypdfium2.PdfDocument(document.write_pdf())  # type: ignore[attr-defined]
    shown = []
    for index, boxes in enumerate(found):
        page = pdf[index]
        text, height = page.get_textpage(), page.get_height()
        point = 0.75  # PDF points per CSS px; PDF pages count y upwards
        shown.append(
            [
                (
                    text.get_text_bounded(
                        box.x * point,
                        height - (box.y + box.height) * point,
                        (box.x + box.width) * point,
                        height - box.y * point,
                    ).strip(" \u00a0"),
                    box.provenance,
                )
                for box in boxes
            ]
        )
    pdf.close()
    return shown


PROSE = (
    "<p>Die Ressourcen&shy;effizienz der Unternehmen steigt: {a} von {b} Betrieben, also {c}&nbsp;%, "
    "bei Donaudampfschifffahrtsgesellschaftskapitänen und <b>anderen {d}</b> Betrieben.<br>Neu: {e}.</p>"
)


def _prose() -> str:
    return PROSE.format(
        a=mark("21", "Anzahl: 21"),
        b=mark("25", "Basis: 25"),
        c=mark("84", "Anteil: 21 von 25"),
        d=mark("4,12", "Mittelwert"),
        e=mark("1.234", "Summe"),
    )


@pytest.mark.parametrize(
    "style",
    [
        "",
        "p { text-align: justify; hyphens: auto }",
        "p { text-transform: uppercase; letter-spacing: 0.05em }",
        "p { width: 30mm; text-align: justify; hyphens: auto }",
    ],
)
def test_numbers_are_found_where_the_pdf_shows_them(style: str) -> None:
    body = f"{_prose()}<p>Zweiter Absatz mit {mark('7', 'Anzahl: 7')} Befragten.</p>"
    found = _found(body, style)
    shown = [item for page in _shown_in(body, style, found) for item in page]
    assert shown == [
        ("21", "Anzahl: 21"),
        ("25", "Basis: 25"),
        ("84", "Anteil: 21 von 25"),
        ("4,12", "Mittelwert"),
        ("1.234", "Summe"),
        ("7", "Anzahl: 7"),
    ]


def test_numbers_in_table_cells_go_to_their_own_cell_in_order() -> None:
    row = "<tr><td>{}</td><td>{}</td></tr>"
    first = row.format(mark("25", "Basis: strategie"), mark("25", "Basis: umsetzung"))
    body = f"<table>{first}{row.format(mark('25', 'Basis: zukunft'), '25')}</table>"
    found = _found(body)
    assert [[box.provenance for box in page] for page in found] == [
        ["Basis: strategie", "Basis: umsetzung", "Basis: zukunft"]
    ]
    assert found[0][0].x < found[0][1].x and found[0][0].y < found[0][2].y
    assert [shown for shown, _what in _shown_in(body, "", found)[0]] == ["25", "25", "25"]


def test_an_element_the_pages_do_not_show_leaves_its_look_alikes_without_boxes() -> None:
    """Which „25“ cell is which can't be told when one of them is not on the pages: none gets a box."""
    body = f'<p style="display: none">{mark("25", "A")}</p><p>{mark("25", "B")}</p><p>{mark("7", "C")}</p>'
    assert [[(box.text, box.provenance) for box in page] for page in _found(body)] == [[("7", "C")]]


def test_a_number_on_the_second_page_is_found_there() -> None:
    body = f'<p>Eins {mark("1", "A")}</p><p style="break-before: page">Zwei {mark("2", "B")}</p>'
    assert [[box.provenance for box in page] for page in _found(body)] == [["A"], ["B"]]


def test_marked_elements_key_an_element_by_its_own_text_with_the_numbers_as_text() -> None:
    html = f"<div><p>Es sind {mark('21', 'Anzahl')} von <b>{mark('25', 'Basis')}</b> &amp; mehr.</p></div>"
    assert marked_elements(html) == {
        ("p", "Es sind 21 von  & mehr."): [(Span(8, 10, "Anzahl"),)],
        ("b", "25"): [(Span(0, 2, "Basis"),)],
    }
