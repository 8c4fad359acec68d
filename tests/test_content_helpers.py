"""Content helpers and end-to-end edits: what editors write in content/ and data/ reaches the report."""

from __future__ import annotations

import math
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest

from projects import TINY_REFERENCES, Edit, copy_study, make_tiny
from reportgen.build import BuildResult, build, prepare
from reportgen.content import RenderedContent
from reportgen.errors import ReportError

NBSP = "\u00a0"


def tiny_project(root: Path, chapters: dict[str, str], references: str = TINY_REFERENCES) -> Path:
    """The tiny project with these chapters (instead of its own) and references."""
    files: dict[str, Edit] = {"content/01-kapitel.md": None, "content/literatur.toml": references}
    files.update({f"content/{name}": text for name, text in chapters.items()})
    return make_tiny(root, files)


def render(root: Path) -> RenderedContent:
    return prepare(root).content


def render_text(tmp_path: Path, text: str, references: str = TINY_REFERENCES) -> str:
    rendered = render(tiny_project(tmp_path, {"01-test.md": text}, references))
    return "".join(chapter.html for chapter in rendered.chapters)


def plain(html: str) -> str:
    """The text of HTML as a reader sees it: tags and soft hyphens removed, runs of ASCII whitespace as one space;
    no-break spaces stay."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", "", html))).replace("\u00ad", "")


def render_error(tmp_path: Path, text: str, references: str = TINY_REFERENCES) -> ReportError:
    with pytest.raises(ReportError) as caught:
        render_text(tmp_path, text, references)
    return caught.value


# Helpers through render_content


def test_share_and_count_in_prose(tmp_path: Path) -> None:
    html = render_text(
        tmp_path,
        "{{ n() }} Befragte, {{ n('item') }} gültig, {{ missing('item') }} fehlend.\n\n"
        "Zustimmung: {{ share('item', 4, 5) }} ({{ count('item', 4, 5) }}).\n\n"
        "Gruppe B: {{ share('gruppe', 'B') }}.\n",
    )
    text = plain(html)
    assert "8 Befragte, 7 gültig, 1 fehlend." in text
    # (2 + 1) / 7 = 42,86 % → 43 %
    assert f"Zustimmung: 43{NBSP}% (3)." in text
    # B = R4..R7 = 4 of 8
    assert f"Gruppe B: 50{NBSP}%." in text


def test_share_with_exclude(tmp_path: Path) -> None:
    html = render_text(tmp_path, "Ohne Mitte: {{ share('item', 4, 5, exclude=[3]) }}.\n")
    # (2 + 1) / (7 - 2) = 3 / 5 = 60 %
    assert f"Ohne Mitte: 60{NBSP}%." in plain(html)


def test_mean_and_sd_in_prose(tmp_path: Path) -> None:
    html = render_text(tmp_path, "M = {{ mean('item') }}, SD = {{ sd('item') }}.\n")
    values = [1, 2, 3, 3, 4, 4, 5]  # the valid answers; -9 is missing
    assert sum(values) / 7 == pytest.approx(22 / 7)  # 3,142… → 3,14
    # sum of squares 1 + 4 + 9 + 9 + 16 + 16 + 25 = 80; 80 - 22² / 7 = 76 / 7; over n - 1 = 6
    assert statistics.stdev(values) == pytest.approx(math.sqrt(76 / 7 / 6))  # 1,345… → 1,35
    assert "M = 3,14, SD = 1,35." in plain(html)


def test_unknown_question_names_file_line_and_known_ids(tmp_path: Path) -> None:
    error = render_error(tmp_path, "# Titel\n\nZeile drei.\n{{ share('nope', 4) }}\n")
    assert error.location is not None
    assert error.location.file == "content/01-test.md"
    assert error.location.line == 4
    assert "„nope“" in error.message
    assert "item" in error.hint
    assert "gruppe" in error.hint
    assert str(error).startswith("content/01-test.md, Zeile 4: ")


def test_share_without_code_is_an_error(tmp_path: Path) -> None:
    error = render_error(tmp_path, "Eins.\n\n{{ share('item') }}\n")
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/01-test.md", 3)
    assert "share() braucht mindestens einen Code" in error.message


def test_share_with_unknown_code_is_an_error(tmp_path: Path) -> None:
    error = render_error(tmp_path, "{{ share('item', 7) }}\n")
    assert error.location is not None
    assert error.location.line == 1
    assert "„7“" in error.message
    assert "1, 2, 3, 4, 5" in error.hint


def test_share_counting_an_excluded_code_is_an_error(tmp_path: Path) -> None:
    error = render_error(tmp_path, "{{ share('item', 3, 4, exclude=[3]) }}\n")
    assert "zugleich gezählt und ausgeschlossen" in error.message


def test_citations_render_author_year(tmp_path: Path) -> None:
    rendered = render(
        tiny_project(
            tmp_path,
            {
                "01-test.md": (
                    "Eine Gruppe [@mueller-2020]. Laut @schmidt-2021 gilt das.\n\n"
                    "Beide [@mueller-2020; @schmidt-2021]. Mail an info@example.com.\n"
                )
            },
        )
    )
    text = plain("".join(chapter.html for chapter in rendered.chapters))
    assert "Eine Gruppe (Müller, 2020)." in text
    assert "Laut Schmidt (2021) gilt das." in text
    assert "Beide (Müller, 2020; Schmidt, 2021)." in text
    assert "info@example.com" in text  # an e-mail address is no citation
    assert rendered.cited == ("mueller-2020", "schmidt-2021")
    html = rendered.chapters[0].html
    assert '<a class="citation" href="#ref-mueller-2020">Müller, 2020</a>' in html


@pytest.mark.parametrize(
    "citation",
    [
        pytest.param("[@fehlt-2020]", id="group"),
        pytest.param("laut @fehlt-2020 so", id="narrative"),
        pytest.param("[@mueller-2020; @fehlt-2020]", id="group-of-two"),
    ],
)
def test_missing_citation_key_names_file_and_line(tmp_path: Path, citation: str) -> None:
    error = render_error(tmp_path, f"# Titel\n\nText {citation}.\n")
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/01-test.md", 3)
    assert "@fehlt-2020" in error.message
    assert "content/literatur.toml" in error.hint


def test_every_citation_form_in_a_chapter(tmp_path: Path) -> None:
    rendered = render(
        tiny_project(
            tmp_path,
            {
                "01-test.md": (
                    "Laut @mueller-2020 [S. 12--14] gilt das [vgl. @schmidt-2021, S. 3; siehe auch @mueller-2020].\n"
                    "Er schreibt [-@mueller-2020, S. 5]. Siehe [@schmidt-2021].\n\n{{ bibliography() }}\n"
                )
            },
        )
    )
    text = plain(rendered.chapters[0].html)
    assert (
        "Laut Müller (2020, S. 12–14) gilt das (vgl. Schmidt, 2021, S. 3; siehe auch Müller, 2020). "
        "Er schreibt (2020, S. 5). Siehe (Schmidt, 2021)."
    ) in text
    assert text.rstrip().endswith("Müller. (2020). Schmidt. (2021).")


BMUV_TWICE = """\
[bmuv-2023-plan]
author = "BMUV"
year = 2023
title = "Aktionsplan"

[bmuv-2023-bericht]
author = "BMUV"
year = 2023
title = "Bericht"
"""


def test_same_author_and_year_are_told_apart_across_chapters(tmp_path: Path) -> None:
    # The first chapter cites only one of the two: its letter is known once the second chapter is read.
    rendered = render(
        tiny_project(
            tmp_path,
            {
                "01-a.md": "Erst [@bmuv-2023-bericht].\n",
                "02-b.md": "Dann [@bmuv-2023-plan] und @bmuv-2023-bericht.\n\n{{ bibliography() }}\n",
            },
            BMUV_TWICE,
        )
    )
    first, second = (plain(chapter.html) for chapter in rendered.chapters)
    assert "Erst (BMUV, 2023a)." in first
    assert "Dann (BMUV, 2023b) und BMUV (2023a)." in second
    assert second.rstrip().endswith("BMUV. (2023a). Bericht. BMUV. (2023b). Aktionsplan.")
    assert re.findall(r'id="ref-([\w-]+)"', rendered.chapters[1].html) == ["bmuv-2023-bericht", "bmuv-2023-plan"]


def test_cross_references_are_no_citations(tmp_path: Path) -> None:
    text = "{{ bar_chart('item', label='karte') }}\n\nWie @abb-karte zeigt [@mueller-2020].\n"
    rendered = render(tiny_project(tmp_path, {"01-test.md": text}))
    assert f"Wie Abbildung{NBSP}1 zeigt (Müller, 2020)." in plain(rendered.chapters[0].html)
    assert rendered.cited == ("mueller-2020",)


def test_a_cross_reference_among_citations_is_reported_at_its_line(tmp_path: Path) -> None:
    error = render_error(tmp_path, "# Titel\n\nText [@tab-1; @mueller-2020].\n")
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/01-test.md", 3)
    assert error.message == "Querverweis @tab-1 steht in einer Klammer mit Zitaten."
    assert error.hint == "Schreiben Sie Querverweise und Zitate in getrennte Klammern: [@tab-1] und [@quelle]."


def test_a_citation_in_a_heading_reaches_the_table_of_contents_without_its_link(tmp_path: Path) -> None:
    rendered = render(tiny_project(tmp_path, {"01-test.md": "# Stand nach @mueller-2020\n\nText.\n"}))
    assert rendered.headings[0].html == "Stand nach Müller (2020)"
    assert '<a class="citation" href="#ref-mueller-2020">Müller</a> (2020)</h1>' in rendered.chapters[0].html


def test_figure_and_table_numbers_run_across_files(tmp_path: Path) -> None:
    rendered = render(
        tiny_project(
            tmp_path,
            {
                "01-a.md": "# A\n\n{{ bar_chart('item') }}\n\n{{ frequency_table('item') }}\n",
                "02-b.md": "# B\n\n{{ pie_chart('gruppe') }}\n\n{{ frequency_table('gruppe') }}\n",
            },
        )
    )
    second = plain(rendered.chapters[1].html)
    assert "Abbildung 2 – Gruppe (N = 8)" in second.replace(NBSP, " ")
    assert "Tabelle 2 – Gruppe" in second
    assert [(c.kind, c.question_id) for c in rendered.charts] == [("bar", "item"), ("pie", "gruppe")]


# End to end: one edited copy of the study, built once for the tests below.

OLD_SENTENCE = "Der Verband der Automobilindustrie (VDA) strebt CO₂-neutrale Mobilität bis 2050 an."
NEW_SENTENCE = "Dieser Satz wurde eigens für den Test eingefügt und steht so in keiner anderen Datei."
OLD_R25 = "R25,5,5,5,2,5,5,5,2,,1,4,1,4"
NEW_R25 = "R25,5,5,5,2,5,5,1,2,,1,4,1,4"  # zukunft 5 → 1

# zukunft of R01..R25 as in data/responses.csv, and after the change of R25.
ZUKUNFT = [3, 5, 4, 2, 1, 5, 5, 5, 4, 5, 5, 5, 4, 5, 5, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5]
ZUKUNFT_CHANGED = [*ZUKUNFT[:24], 1]


def german(value: float, decimals: int = 2) -> str:
    quantum = Decimal(1).scaleb(-decimals)
    return str(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)).replace(".", ",")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The study with one sentence of 01-einleitung.md and one response of R25 changed."""
    root = copy_study(tmp_path_factory.mktemp("edited") / "project")
    chapter = root / "content" / "01-einleitung.md"
    text = chapter.read_text(encoding="utf-8")
    assert text.count(OLD_SENTENCE) == 1
    chapter.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    responses = root / "data" / "responses.csv"
    data = responses.read_text(encoding="utf-8")
    assert data.count(OLD_R25) == 1
    responses.write_text(data.replace(OLD_R25, NEW_R25), encoding="utf-8")
    return build(root)


@pytest.fixture(scope="module")
def edited_pdf_text(edited: BuildResult) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(edited.pdf).pages)
    text = text.replace(NBSP, " ").replace("\u2010", "-")
    text = re.sub(r"-\n(?=[a-zäöüß])", "", text)  # automatic hyphenation at line ends
    return re.sub(r"\s+", " ", text)


class _Tables(HTMLParser):
    """Cell texts of every <table id=…> as lists of rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def test_the_changed_list_is_the_data() -> None:
    # The list above is the study's data: it reproduces the published table of Frage 7 and Tabelle 1.
    assert {value: ZUKUNFT.count(value) for value in range(6)} == {0: 0, 1: 1, 2: 1, 3: 2, 4: 3, 5: 18}
    assert sum(ZUKUNFT) == 111  # Mean 4.440 × 25
    assert statistics.stdev(ZUKUNFT) == pytest.approx(1.083, abs=5e-4)
    assert sum(ZUKUNFT_CHANGED) == 111 - 4


@pytest.mark.slow
def test_content_edit_reaches_the_pdf(edited_pdf_text: str) -> None:
    assert NEW_SENTENCE in edited_pdf_text
    assert "VDA" not in edited_pdf_text


@pytest.mark.slow
def test_changed_response_changes_tabelle_1(edited: BuildResult) -> None:
    tables = html_tables(edited.html.read_text(encoding="utf-8"))
    rows = [row for row in tables["tabelle-1"] if row and row[0].startswith("Zukunftserwartungen")]
    assert len(rows) == 1
    mean = (111 - 4) / 25  # 4,28
    sd = statistics.stdev(ZUKUNFT_CHANGED)
    # by hand: sum of squares 9+25+16+4+1+25+25+25+16+25+25+25+16+25+25+9 + 8×25 + 1 = 497;
    # 497 - 107² / 25 = 39.04; over n - 1 = 24 → 1.2754 → 1,28
    assert sd == pytest.approx(math.sqrt(39.04 / 24))
    assert german(mean) == "4,28"
    assert rows[0][1:] == ["25", "0", german(mean), german(sd), "1", "5"]
    # The other items are untouched: Tagesgeschäft as published (3.720, 1.370).
    tagesgeschaeft = [row for row in tables["tabelle-1"] if row and row[0].startswith("Tagesgeschäft")]
    assert tagesgeschaeft[0][1:] == ["25", "0", "3,72", "1,37", "0", "5"]


@pytest.mark.slow
def test_changed_response_changes_the_frequency_table(edited: BuildResult) -> None:
    tables = html_tables(edited.html.read_text(encoding="utf-8"))
    # Tabelle 8 = Frage 7. Value 1 now 1 + 1 = 2 answers (8,0 %), value 5 now 18 - 1 = 17 (68,0 %).
    rows = {row[0]: row[1:] for row in tables["tabelle-8"][1:]}
    assert rows["1"][:3] == ["2", "8,0", "8,0"]
    assert rows["5"][:3] == ["17", "68,0", "68,0"]


@pytest.mark.slow
def test_changed_response_changes_the_prose(edited: BuildResult) -> None:
    text = plain(edited.html.read_text(encoding="utf-8"))
    # 4 + 5 was 3 + 18 = 21 of 25 (84 %), now 3 + 17 = 20 of 25
    assert f"{20 * 100 // 25}{NBSP}% sehen Ressourceneffizienz als entscheidenden Wettbewerbsvorteil" in text
    assert f"{21 * 100 // 25}{NBSP}% sehen Ressourceneffizienz als entscheidenden" not in text
    # 1 + 2 was 1 + 1 = 2 of 25 (8 %), now 2 + 1 = 3 of 25
    assert f"{3 * 100 // 25}{NBSP}% sind skeptisch" in text
    assert f"Besonders klar ist der Blick nach vorn: {20 * 100 // 25}{NBSP}% der Unternehmen" in text
    assert f"(Mean = {german((111 - 4) / 25)})" in text
    # Frage 1 is another item and keeps 21 / 25.
    assert f"{21 * 100 // 25}{NBSP}% der Unternehmen sehen Ressourceneffizienz als strategisches Ziel." in text


@pytest.mark.slow
def test_changed_response_reaches_the_pdf(edited_pdf_text: str) -> None:
    assert f"(Mean = {german((111 - 4) / 25)})" in edited_pdf_text
    assert f"{20 * 100 // 25} % sehen Ressourceneffizienz als entscheidenden Wettbewerbsvorteil" in edited_pdf_text
    assert "(Mean = 4,44)" not in edited_pdf_text


def test_pie_chart_without_valid_answers_is_an_error(tmp_path: Path) -> None:
    root = tiny_project(tmp_path, {"01-test.md": "# Titel\n\n{{ pie_chart('gruppe') }}\n"})
    responses = root / "data" / "responses.csv"
    lines = responses.read_text("utf-8").splitlines()
    column = lines[0].split(",").index("gruppe")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[column] = ""
    responses.write_text("\n".join([lines[0], *(",".join(row) for row in rows)]) + "\n", "utf-8")
    with pytest.raises(ReportError) as caught:
        render(root)
    error = caught.value
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/01-test.md", 3)
    assert "keine gültigen Antworten" in error.message


def test_citations_in_snippets_count_and_in_comments_do_not(tmp_path: Path) -> None:
    root = tiny_project(
        tmp_path,
        {
            "01-test.md": "# Titel\n\n{## [@schmidt-2021] ##}\n{% include '_baustein.md' %}\n\n{{ bibliography() }}\n",
            "_baustein.md": "Aus dem Baustein [@mueller-2020].\n",
        },
    )
    rendered = render(root)
    assert rendered.cited == ("mueller-2020",)
    text = plain(rendered.chapters[0].html)
    assert "Aus dem Baustein (Müller, 2020)." in text
    assert "Schmidt" not in text  # the comment's key is neither linked nor listed


@pytest.mark.parametrize(
    ("files", "where"),
    [
        ({"_baustein.md": "Zeile eins.\n\nSiehe [@fehlt-2020].\n"}, ("content/_baustein.md", 3)),
        (
            {"_baustein.md": "Oben.\n{% include '_innen.md' %}\n", "_innen.md": "\n\nSiehe @fehlt-2020 dazu.\n"},
            ("content/_innen.md", 3),
        ),
        ({"_baustein.md": "{% set k = 'fehlt-2020' %}Siehe [@{{ k }}].\n"}, ("content/01-test.md", 4)),
    ],
    ids=["snippet", "snippet-in-snippet", "key-made-by-template-code"],
)
def test_unknown_citation_in_a_snippet_is_reported_where_it_is_written(
    tmp_path: Path, files: dict[str, str], where: tuple[str, int]
) -> None:
    root = tiny_project(tmp_path, {"01-test.md": "# Titel\n\nText.\n{% include '_baustein.md' %}\n", **files})
    with pytest.raises(ReportError) as caught:
        render(root)
    assert caught.value.location is not None
    assert (caught.value.location.file, caught.value.location.line) == where
    assert "@fehlt-2020" in caught.value.message
