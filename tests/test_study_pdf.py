"""The built study PDF: structure, captions, table of contents, footer, metadata and the corrected numbers.

Expected texts come from the study (study-text.md, study-data.md) and the codebook labels; every percentage
is written as hand arithmetic over N = 25.
"""

from __future__ import annotations

import re

import pypdf
import pytest

from reportgen.build import BuildResult

# Every test here reads or compares against a whole built PDF.
pytestmark = pytest.mark.slow

FOOTER = "Entreprenerdy GmbH · www.entreprenerdy.com"

# (number, heading text) of every h1 and h2, in document order: what the table of contents lists.
TOC = [
    ("", "Abbildungsverzeichnis"),
    ("", "Tabellenverzeichnis"),
    ("1", "Einleitung"),
    ("2", "Stand der ressourceneffizienten Produktion"),
    ("2.1", "Strategien und Umsetzungsbeispiele bei OEMs"),
    ("2.2", "Ressourceneffizienz bei Zulieferern und in Netzwerken"),
    ("2.3", "Beispiel Remanufacturing"),
    ("2.4", "Herausforderungen"),
    ("3", "Ergebnisse der Unternehmensbefragung"),
    ("3.1", "Überblick"),
    ("3.2", "Auswertung der Einzelfragen"),
    ("3.3", "Die sieben Aussagen im Vergleich"),
    ("4", "Fazit und Ausblick"),
    ("", "Literaturverzeichnis"),
    ("", "Anhang – Demographische Übersicht der Befragung"),
]
CHAPTERS = [f"{number} {text}".strip() for number, text in TOC if "." not in number]
QUESTION_HEADINGS = [
    "Frage 1 – Strategische Bedeutung der Ressourceneffizienz",
    "Frage 2 – Stand der Umsetzung",
    "Frage 3 – Tagesgeschäft",
    "Frage 4 – Marktposition",
    "Frage 5 – REP aus Eigenmotivation",
    "Frage 6 – REP durch Wettbewerbsdruck",
    "Frage 7 – Zukunftserwartungen",
]

FIGURES = [
    # Abbildungen 1–7: bar charts in 3.2 (captions of 5–7 as in the study text)
    "Abbildung 1 – Strategische Bedeutung der Ressourceneffizienz (N = 25)",
    "Abbildung 2 – Stand der Umsetzung (N = 25)",
    "Abbildung 3 – Tagesgeschäft (N = 25)",
    "Abbildung 4 – Marktposition (N = 25)",
    "Abbildung 5 – Einschätzung des eigenmotivierten Engagements für ressourceneffiziente Produktion (N = 25)",
    "Abbildung 6 – Einschätzung des wettbewerbsgetriebenen Engagements für ressourceneffiziente Produktion (N = 25)",
    "Abbildung 7 – Einschätzung zur zukünftigen Bedeutung ressourceneffizienter Produktion (N = 25)",
    # Abbildung 8: the Likert chart of the seven items in 3.3
    "Abbildung 8 – Die sieben Aussagen im Vergleich",
    # Abbildungen 9–13: pie charts in the appendix
    "Abbildung 9 – Position im Unternehmen (N = 25)",
    "Abbildung 10 – Position im Unternehmen (Sonstiges) (N = 3)",  # 25 − 22 missing = 3 answers
    "Abbildung 11 – Unternehmensalter (N = 25)",
    "Abbildung 12 – Geschlecht (N = 25)",
    "Abbildung 13 – Alter (N = 25)",
]
TABLES = [
    "Tabelle 1 – Deskriptive Kennwerte der Befragung",
    "Tabelle 2 – Strategische Bedeutung der Ressourceneffizienz",
    "Tabelle 3 – Stand der Umsetzung",
    "Tabelle 4 – Tagesgeschäft",
    "Tabelle 5 – Marktposition",
    "Tabelle 6 – REP aus Eigenmotivation",
    "Tabelle 7 – REP durch Wettbewerbsdruck",
    "Tabelle 8 – Zukunftserwartungen",
    "Tabelle 9 – Mittelwerte der sieben Aussagen nach Unternehmensalter",  # 3.3
    "Tabelle 10 – Position im Unternehmen",
    "Tabelle 11 – Position im Unternehmen (Sonstiges)",
    "Tabelle 12 – Beschäftigte",
    "Tabelle 13 – Unternehmensalter",
    "Tabelle 14 – Geschlecht",
    "Tabelle 15 – Alter",
]

# Sentences with a share, as (numerator, denominator, sentence with {} for the percentage).
# Numerators are the counts of the published frequency tables (study-data.md), N = 25.
PROSE = [
    # 3.1 Überblick
    (11, 11, "Unternehmensgröße: {} der Unternehmen mit Angabe (11 von 25) haben mehr als 250 Beschäftigte"),
    (17, 25, "überwiegend etablierte Unternehmen ({} bestehen seit mehr als 20 Jahren)"),
    (24, 25, "überwiegend männlich ({})"),
    (10 + 10, 25, "überwiegend zwischen 45 und 64 Jahre alt ({})"),
    (18, 25, "meist als Manager/in tätig ({})"),
    # 3.2 Frage 1: 4:8, 5:13; 1:1, 2:1
    (8 + 13, 25, "{} der Unternehmen sehen Ressourceneffizienz als strategisches Ziel."),
    (1 + 1, 25, "{} geben an, dass andere Ziele Vorrang haben."),
    # Frage 2: 5:4; 4:9; 1:2, 2:3
    (4, 25, "{} der Unternehmen produzieren nach eigenen Angaben bereits ressourceneffizient"),
    (9, 25, "{} haben Pilotprojekte oder einzelne Maßnahmen umgesetzt"),
    (2 + 3, 25, "{} stehen noch am Anfang und planen erste Schritte."),
    # Frage 3: 4:10, 5:8; 1:1, 2:3
    (10 + 8, 25, "{} sehen das Tagesgeschäft durch ressourceneffiziente Produktion beeinflusst"),
    (1 + 3, 25, "{} sehen keine unmittelbare Beeinflussung"),
    # Frage 4: 4:12, 5:6; 1:2, 2:3
    (12 + 6, 25, "{} sehen die Marktposition ihres Unternehmens beeinflusst"),
    (2 + 3, 25, "{} sehen hier geringen oder keinen Einfluss ressourceneffizienter Produktion"),
    # Frage 5: 4:10, 5:12; 1:1, 2:1
    (10 + 12, 25, "{} betreiben ressourceneffiziente Produktion aus eigenem Antrieb"),
    (1 + 1, 25, "{} sehen andere, externe Gründe für ressourceneffiziente Produktion"),
    # Frage 6: 4:6, 5:4; 1:4, 2:4
    (6 + 4, 25, "{} betreiben ressourceneffiziente Produktion aufgrund von Wettbewerbsdruck"),
    (4 + 4, 25, "{} sehen andere Gründe für ressourceneffiziente Produktion"),
    # Frage 7: 4:3, 5:18; 1:1, 2:1
    (3 + 18, 25, "{} sehen Ressourceneffizienz als entscheidenden Wettbewerbsvorteil der Zukunft"),
    (1 + 1, 25, "{} sind skeptisch, ob sich Investitionen in Ressourceneffizienz langfristig auszahlen."),
    # 4 Fazit und Ausblick
    (21, 25, "bestätigen dieses Bild: {} der befragten Unternehmen betrachten Ressourceneffizienz als strategisches Ziel."),
    (4, 25, "Allerdings gaben nur {} an, bereits umfassend ressourceneffizient zu produzieren"),
    (9, 25, "während {} von Pilotprojekten oder Einzelmaßnahmen berichten"),
    (5, 25, "und {} sich noch in der Planungsphase befinden."),
    (18, 25, "konkrete Auswirkungen auf das Tagesgeschäft ({})"),
    (18, 25, "und auf die eigene Marktposition ({})"),
    (22, 25, "Auffällig ist die hohe intrinsische Motivation: {} der Unternehmen geben an"),
    (10, 25, "Zugleich spielt Wettbewerbsdruck eine zentrale Rolle – {} sehen diesen als wesentlichen Treiber."),
    (21, 25, "Besonders klar ist der Blick nach vorn: {} der Unternehmen betrachten Ressourceneffizienz"),
]  # fmt: skip

# Other numbers in the prose of 3.1.
PROSE_NUMBERS = [
    "standardisierte Online-Befragung unter 25 Unternehmen",
    "Teilnehmerzahl: 25 Unternehmen",
    "(Mean = 4,44)",  # 111 / 25 (Tabelle 1: 4.440)
    "(Mean = 2,92)",  # 73 / 25 (Tabelle 1: 2.920)
    "(SD = 1,73)",  # Tabelle 1: 1.730
    "Likert-Skala von 0 bis 5 mit 6 Stufen",  # codes 0..5
    "in 14 von 25 Fällen nicht gemacht",  # Beschäftigte: Missing 14
]

# Rows of Tabelle 1 as they must read in the PDF: Valid, Missing, Mean and SD rounded to two decimals
# from the published three (4.120 → 4,12; 1.417 → 1,42; 1.457 → 1,46 …), Min and Max without decimals.
TABELLE_1_ROWS = [
    "Ziel meines Unternehmens 25 0 4,12 1,33 0 5",
    "produziert bereits ressourceneffizient 25 0 2,92 1,73 0 5",
    "das Tagesgeschäft meines Unternehmens 25 0 3,72 1,37 0 5",
    "die Marktposition meines Unternehmens 25 0 3,56 1,42 0 5",
    "geschieht aus eigener Motivation 25 0 4,12 1,30 0 5",
    "Markt- und Wettbewerbsdruck 25 0 2,96 1,46 0 5",
    "entscheidenden Wettbewerbsvorteil in der Zukunft 25 0 4,44 1,08 1 5",
    "Was ist Ihre Position im Unternehmen? 25 0",
    "Wie viele Beschäftigte hat Ihr Unternehmen? 11 14",
    "Wie alt ist Ihr Unternehmen? 25 0",
    "Was ist Ihr Geschlecht? 25 0",
    "Wie alt sind Sie? 25 0",
]

# Printed percentages that the frequency tables contradict (study-data.md, "Widersprüche").
CONTRADICTED = ["87", "18", "41", "23", "78", "75", "53", "91", "17", "21", "42", "9"]
# The one legitimate occurrence: a figure from the literature in 2.3, not from the survey.
LITERATURE_78 = "Laut VDI ZRE (2021) können dadurch bis zu 78 % der Ressourcen"


def normalise(text: str) -> str:
    """Text as a reader sees it: one space for any run of spaces, no-break spaces or line breaks."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u00ad", "")
    text = text.replace("\u2010", "-")  # the font's hyphen glyph is extracted as U+2010
    text = re.sub(r"-\n(?=[a-zäöüß])", "", text)  # automatic hyphenation at a line end
    return re.sub(r"\s+", " ", text).strip()


def percent(numerator: int, denominator: int) -> str:
    assert numerator * 100 % denominator == 0, "every share over N = 25 is a whole percent"
    return f"{numerator * 100 // denominator} %"


@pytest.fixture(scope="module")
def reader(study_build: BuildResult) -> pypdf.PdfReader:
    return pypdf.PdfReader(study_build.pdf)


@pytest.fixture(scope="module")
def raw_pages(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def pages(raw_pages: list[str]) -> list[str]:
    return [normalise(text) for text in raw_pages]


@pytest.fixture(scope="module")
def toc_index(pages: list[str]) -> int:
    found = [index for index, text in enumerate(pages) if text.startswith("Inhalt ")]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def body(pages: list[str], toc_index: int) -> str:
    """Everything after the table of contents."""
    return " ".join(pages[toc_index + 1 :])


@pytest.fixture(scope="module")
def full_text(pages: list[str]) -> str:
    return " ".join(pages)


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark."""
    items: list[tuple[int, str, int]] = []

    def walk(entries: list, depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                items.append((depth, entry.title, reader.get_destination_page_number(entry) + 1))

    walk(reader.outline, 0)
    return items


# Pages, metadata, outline


def test_page_count(study_build: BuildResult, reader: pypdf.PdfReader) -> None:
    assert 15 <= len(reader.pages) <= 25
    assert study_build.pages == len(reader.pages)


def test_metadata_and_language(reader: pypdf.PdfReader) -> None:
    assert reader.metadata is not None
    assert reader.metadata.title == "Ressourceneffiziente Produktion"
    assert reader.metadata.author == "Entreprenerdy GmbH"  # no author in report.toml: the publisher
    assert reader.trailer["/Root"]["/Lang"] == "de"


def test_outline_holds_the_chapters(reader: pypdf.PdfReader) -> None:
    outline = _outline(reader)
    assert [title for depth, title, _ in outline if depth == 0] == CHAPTERS
    titles = [title for _, title, _ in outline]
    for number, text in TOC:
        assert f"{number} {text}".strip() in titles
    for heading in QUESTION_HEADINGS:
        assert heading in titles


def test_title_page(pages: list[str]) -> None:
    assert "Ressourceneffiziente Produktion" in pages[0]
    assert "MoLeWa – Mobilität – Leipzig im Wandel" in pages[0]
    assert "Entreprenerdy GmbH, Leipzig" in pages[0]
    assert "März 2025" in pages[0]  # date = 2025-03-31


def test_footer_on_every_page_but_the_title_page(pages: list[str]) -> None:
    total = len(pages)
    assert "Seite" not in pages[0]
    assert FOOTER not in pages[0]
    for number, text in enumerate(pages[1:], 2):
        assert FOOTER in text, f"page {number}"
        assert re.findall(r"Seite \d+ von \d+", text) == [f"Seite {number} von {total}"], f"page {number}"


# Headings and the table of contents


@pytest.mark.parametrize("heading", [f"{n} {t}".strip() for n, t in TOC] + QUESTION_HEADINGS)
def test_heading_present(body: str, heading: str) -> None:
    assert heading in body


def test_toc_lists_the_headings(raw_pages: list[str], toc_index: int) -> None:
    entries = re.findall(r"^(.+?) ?\.{4,} ?(\d+)$", raw_pages[toc_index], flags=re.M)
    assert [normalise(title) for title, _ in entries] == [f"{n} {t}".strip() for n, t in TOC]


def test_toc_page_numbers_are_where_the_headings_are(
    raw_pages: list[str], pages: list[str], toc_index: int, reader: pypdf.PdfReader
) -> None:
    entries = re.findall(r"^(.+?) ?\.{4,} ?(\d+)$", raw_pages[toc_index], flags=re.M)
    assert len(entries) == len(TOC)
    bookmarks = {title: page for _, title, page in _outline(reader)}
    for title, printed in entries:
        heading = normalise(title)
        found = [index + 1 for index in range(toc_index + 1, len(pages)) if heading in pages[index]]
        assert found, heading
        assert int(printed) == found[0], heading
        assert bookmarks[heading] == int(printed), heading


# Captions


def test_figure_captions_in_order(body: str) -> None:
    positions = [body.find(caption) for caption in FIGURES]
    missing = [caption for caption, position in zip(FIGURES, positions, strict=True) if position < 0]
    assert not missing
    assert positions == sorted(positions)
    assert len(re.findall(r"Abbildung \d+ – ", body)) == len(FIGURES)


def test_table_captions_in_order(body: str) -> None:
    positions = [body.find(caption) for caption in TABLES]
    missing = [caption for caption, position in zip(TABLES, positions, strict=True) if position < 0]
    assert not missing
    assert positions == sorted(positions)
    assert len(re.findall(r"Tabelle \d+ – ", body)) == len(TABLES)


# The lists entries read „caption ..... page Abbildung n“ (the number is placed apart, so it comes last).
LIST_ENTRY = re.compile(r"\s*(.+?) ?\.{3,} ?(\d+) ?(Abbildung|Tabelle) (\d+)")


@pytest.mark.parametrize(("title", "captions"), [("Abbildungsverzeichnis", FIGURES), ("Tabellenverzeichnis", TABLES)])
def test_lists_name_the_pages_the_captions_are_on(pages: list[str], title: str, captions: list[str]) -> None:
    listing = next(text for text in pages if text.startswith(title))
    entries = LIST_ENTRY.findall(listing.replace(title, ""))
    assert [f"{kind} {number}" for _, _, kind, number in entries] == [caption.split(" – ")[0] for caption in captions]
    for caption, page, kind, number in entries:
        assert f"{kind} {number} – {caption}" in pages[int(page) - 1], (kind, number, page)


def test_the_cross_reference_names_the_figure_and_its_page(pages: list[str], toc_index: int) -> None:
    figure = next(index for index in range(toc_index + 1, len(pages)) if FIGURES[8] in pages[index])
    assert f"ist im Anhang beigefügt (ab Abbildung 9, S. {figure + 1})." in " ".join(pages)


def test_seven_bar_one_likert_and_five_pie_charts(study_build: BuildResult) -> None:
    html = study_build.html.read_text(encoding="utf-8")
    pattern = r'<figure\b[^>]*\bclass="[^"]*\bchart-(bar|likert|pie)\b[^"]*"[^>]*\bid="abbildung-(\d+)"'
    figures = re.findall(pattern, html)
    assert [(kind, int(number)) for kind, number in figures] == [
        *(("bar", n) for n in range(1, 8)),
        ("likert", 8),
        *(("pie", n) for n in range(9, 14)),
    ]


# The numbers


@pytest.mark.parametrize("row", TABELLE_1_ROWS)
def test_tabelle_1_as_published(body: str, row: str) -> None:
    assert row in body


@pytest.mark.parametrize(("numerator", "denominator", "sentence"), PROSE, ids=[p[2][:40] for p in PROSE])
def test_prose_shows_corrected_share(body: str, numerator: int, denominator: int, sentence: str) -> None:
    assert sentence.format(percent(numerator, denominator)) in body


@pytest.mark.parametrize("phrase", PROSE_NUMBERS)
def test_prose_numbers(body: str, phrase: str) -> None:
    assert phrase in body


def test_strategic_goal_is_84_not_87(body: str) -> None:
    assert "84 % der Unternehmen sehen Ressourceneffizienz als strategisches Ziel" in body  # 21 / 25
    assert "87 %" not in body  # 21 / 24, the printed figure


def test_frage_2_shares(body: str) -> None:
    assert f"{4 * 100 // 25} % der Unternehmen produzieren nach eigenen Angaben" in body  # 16 %, not 18 %
    assert f"{9 * 100 // 25} % haben Pilotprojekte" in body  # 36 %, not 41 %
    assert f"{5 * 100 // 25} % stehen noch am Anfang" in body  # 20 %, not 23 %


def test_no_contradicted_percentage_anywhere(full_text: str) -> None:
    assert full_text.count(LITERATURE_78) == 1
    text = full_text.replace(LITERATURE_78, "")
    pattern = r"(?<![\d,.])(" + "|".join(CONTRADICTED) + r")(?:,\d+)? ?%"
    assert re.findall(pattern, text) == []


@pytest.mark.parametrize("marker", ["⟦", "⟧", "[[", "]]", "{{", "}}", "{%", "%}", "{#", "unsicher", "[@", "@"])
def test_no_placeholder_or_markup_left(full_text: str, marker: str) -> None:
    assert marker not in full_text


def test_no_hidden_ocr_notes_in_html(study_build: BuildResult) -> None:
    html = study_build.html.read_text(encoding="utf-8")
    for marker in ("<!--", "unsicher", "⟦", "[["):
        assert marker not in html


def test_pdf_is_identified_as_pdf_ua_with_tagged_structure(reader: pypdf.PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    # PDF/UA-1 and PDF/A-2a identification, as attributes or elements of the XMP
    assert re.search(r'pdfuaid:part(="1"|>1</pdfuaid:part>)', xmp)
    assert re.search(r'pdfaid:part(="2"|>2</pdfaid:part>)', xmp)
    assert re.search(r'pdfaid:conformance(="A"|>A</pdfaid:conformance>)', xmp)
    assert "Ressourceneffiziente Produktion" in xmp
