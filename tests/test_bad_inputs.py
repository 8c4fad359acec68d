"""A corpus of bad inputs: each ends in one clear message and exit status 2; the last good PDF stays.

The study is built once for this module. Every case copies that project with its build/ folder,
replaces or edits some files, runs `reportgen check` and/or `reportgen build` through cli.main and
expects: exit status 2, no traceback, every stderr line a "Fehler:" (or "Warnung:") line, the
expected pieces (file, "Zeile N", "Spalte „x“", what is wrong, how to fix it), and build/report.pdf
and build/report.html byte for byte as before.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from projects import REPO, Edit, apply_files, copy_study
from reportgen.cli import main

# Every test here reads or compares against a whole built PDF.
pytestmark = pytest.mark.slow

CONTENT = "content/99-fehler.md"
RESPONSES = "data/responses.csv"
CODEBOOK = "data/codebook.toml"
CONFIG = "report.toml"


def line_in(relative: str, needle: str) -> int:
    """The line of the study file that first contains `needle` (so the corpus survives edits elsewhere)."""
    lines = (REPO / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def line_in_table(relative: str, table: str, needle: str) -> int:
    """The line containing `needle` inside `[table]` of a study TOML file."""
    lines = (REPO / relative).read_text(encoding="utf-8").splitlines()
    start = lines.index(f"[{table}]")
    return next(number for number, line in enumerate(lines[start:], start + 1) if needle in line)


# Edits


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"the study no longer contains {old!r}"
        return text.replace(old, new, 1)

    return edit


def append(addition: str) -> Callable[[str], str]:
    return lambda text: text + addition


def chapter(*lines: str) -> str:
    """A new content file; its first body line is line 3."""
    return "# Fehlerkapitel\n\n" + "\n".join(lines) + "\n"


def table_edit(change: Callable[[list[list[str]]], None], delimiter: str = ",") -> Callable[[str], str]:
    """Edit the responses as rows of cells (row 1 is the header, as in a spreadsheet)."""

    def edit(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text, newline="")))
        change(rows)
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
        return buffer.getvalue()

    return edit


def cells(changes: dict[tuple[int, str], str]) -> Callable[[str], str]:
    def change(rows: list[list[str]]) -> None:
        for (row, column), value in changes.items():
            rows[row - 1][rows[0].index(column)] = value

    return table_edit(change)


def copy_cell(source_row: int, target_row: int, column: str) -> Callable[[str], str]:
    def change(rows: list[list[str]]) -> None:
        index = rows[0].index(column)
        rows[target_row - 1][index] = rows[source_row - 1][index]

    return table_edit(change)


def drop_column(name: str) -> Callable[[str], str]:
    def change(rows: list[list[str]]) -> None:
        index = rows[0].index(name)
        for row in rows:
            del row[index]

    return table_edit(change)


def add_column(name: str, copy_of: str | None = None) -> Callable[[str], str]:
    def change(rows: list[list[str]]) -> None:
        source = rows[0].index(copy_of) if copy_of else None
        rows[0].append(name)
        for row in rows[1:]:
            row.append(row[source] if source is not None else "")

    return table_edit(change)


def rename_column(old: str, new: str) -> Callable[[str], str]:
    return table_edit(lambda rows: rows[0].__setitem__(rows[0].index(old), new))


def extra_field(row: int) -> Callable[[str], str]:
    return table_edit(lambda rows: rows[row - 1].append("x"))


def as_german_excel(change: dict[tuple[int, str], str]) -> Callable[[str], bytes]:
    """The responses as German Excel saves them: ';', CRLF, Windows-1252, with some cells changed."""

    def edit(text: str) -> bytes:
        rows = list(csv.reader(io.StringIO(cells(change)(text), newline="")))
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
        return buffer.getvalue().encode("cp1252")

    return edit


def xlsx_with(change: dict[tuple[int, str], object]) -> Callable[[str], bytes]:
    """The study responses as an .xlsx workbook (numbers as numbers), with some cells changed."""

    def edit(_: str) -> bytes:
        rows = list(csv.reader(io.StringIO((REPO / RESPONSES).read_text(encoding="utf-8"), newline="")))
        typed: list[list[object]] = [
            rows[0],
            *([int(cell) if cell.isdigit() else (cell or None) for cell in row] for row in rows[1:]),
        ]
        for (row, column), value in change.items():
            typed[row - 1][rows[0].index(column)] = value
        workbook = openpyxl.Workbook()
        for row in typed:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return edit


def unclosed_quote(row: int) -> Callable[[str], str]:
    """The second field of `row` opens a quote that is never closed (Excel would have doubled it)."""

    def edit(text: str) -> str:
        lines = text.splitlines(keepends=True)
        lines[row - 1] = lines[row - 1].replace(",", ',"', 1)
        return "".join(lines)

    return edit


def header_only(text: str) -> str:
    return text.splitlines()[0] + "\n"


def to_cp1252(text: str) -> bytes:
    return text.encode("cp1252")


def first_non_ascii_line(relative: str) -> int:
    lines = (REPO / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if not line.isascii())


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


# The corpus


@dataclass(frozen=True)
class Bad:
    """One bad input: which files change, what stderr must say, which commands must refuse it."""

    id: str
    files: dict[str, Edit]
    expected: tuple[str, ...]
    commands: tuple[str, ...] = ("check",)
    xfail: str = ""


SCALE_HINT = "Erlaubt sind ganze Zahlen von 0 bis 5 oder eine leere Zelle."
BOTH = ("check", "build")

CASES = [
    # data/responses.csv: cells
    Bad(
        "data-out-of-scale",
        {RESPONSES: cells({(4, "strategie"): "7"})},
        (f"Fehler: {RESPONSES}, Zeile 4, Spalte „strategie“: „7“ liegt außerhalb der Skala 0–5. {SCALE_HINT}",),
        BOTH,
    ),
    Bad(
        "data-not-a-number",
        {RESPONSES: cells({(6, "zukunft"): "sehr hoch"})},
        (f"Fehler: {RESPONSES}, Zeile 6, Spalte „zukunft“: „sehr hoch“ ist keine Zahl. {SCALE_HINT}",),
    ),
    Bad(
        "data-fraction",
        {RESPONSES: cells({(3, "umsetzung"): "2,5"})},
        (f"Fehler: {RESPONSES}, Zeile 3, Spalte „umsetzung“: „2,5“ ist keine ganze Zahl.",),
    ),
    Bad(
        "data-unknown-code",
        {RESPONSES: cells({(10, "geschlecht"): "3"})},
        (
            f"Fehler: {RESPONSES}, Zeile 10, Spalte „geschlecht“: „3“ ist kein Code dieser Frage. "
            "Erlaubt sind 1 = männlich; 2 = weiblich oder eine leere Zelle.",
        ),
        BOTH,
    ),
    Bad(
        "data-label-not-in-codebook",
        {RESPONSES: cells({(12, "position"): "Geschäftsführung"})},
        (
            f"Fehler: {RESPONSES}, Zeile 12, Spalte „position“: „Geschäftsführung“ ist weder Code noch Label",
            "Erlaubt sind 1 = Fachkraft; 2 = Manager/in; 3 = Mitarbeiter/in; 4 = Sonstiges",
        ),
    ),
    Bad(
        "data-cp1252-semicolon-crlf-misspelt-label",
        {RESPONSES: as_german_excel({(3, "geschlecht"): "männl.", (5, "umsetzung"): "4,0"})},
        (
            f"Fehler: {RESPONSES}, Zeile 3, Spalte „geschlecht“: „männl.“ ist weder Code noch Label dieser Frage. "
            "Meinten Sie „männlich“?",
        ),
    ),
    Bad(
        "data-xlsx-bad-cell",
        {
            CONFIG: replace(f'responses = "{RESPONSES}"', 'responses = "data/responses.xlsx"'),
            "data/responses.xlsx": xlsx_with({(11, "alter"): 9}),
        },
        ("Fehler: data/responses.xlsx, Zeile 11, Spalte „alter“: „9“ ist kein Code dieser Frage.",),
        BOTH,
    ),
    # data/responses.csv: columns and ids
    Bad(
        "data-missing-column",
        {RESPONSES: drop_column("zukunft")},
        (
            f"Fehler: {RESPONSES}, Zeile 1: Die Spalte „zukunft“ aus dem Codebuch fehlt. Fügen Sie sie hinzu oder "
            f"entfernen Sie [zukunft] ({CODEBOOK}, Zeile {line_in(CODEBOOK, '[zukunft]')}).",
        ),
        BOTH,
    ),
    Bad(
        "data-duplicate-column",
        {RESPONSES: add_column("alter", copy_of="alter")},
        (
            f"Fehler: {RESPONSES}, Zeile 1, Spalte „alter“: Die Spalte steht doppelt in der Kopfzeile "
            "(Spalten N und O). Benennen oder löschen Sie eine der beiden Spalten.",
        ),
    ),
    Bad(
        "data-column-not-in-codebook",
        {RESPONSES: add_column("bemerkung")},
        (
            f"Fehler: {RESPONSES}, Zeile 1, Spalte „bemerkung“: Die Spalte hat keinen Eintrag im Codebuch. "
            f"Beschreiben Sie sie in {CODEBOOK}, tragen Sie sie in ignore = [...] ein oder löschen Sie sie.",
        ),
    ),
    Bad(
        "data-column-name-case",
        {RESPONSES: rename_column("strategie", "Strategie")},
        (
            f"Fehler: {RESPONSES}, Zeile 1: Die Spalte „strategie“ aus dem Codebuch fehlt. Meinten Sie „Strategie“?",
            f"Fehler: {RESPONSES}, Zeile 1, Spalte „Strategie“: Die Spalte hat keinen Eintrag im Codebuch.",
        ),
    ),
    Bad(
        "data-codebook-variable-without-column",
        {CODEBOOK: append('\n[neu]\nkind = "text"\ntext = "Neue Frage"\n')},
        (f"Fehler: {RESPONSES}, Zeile 1: Die Spalte „neu“ aus dem Codebuch fehlt.", f"[neu] ({CODEBOOK}, Zeile"),
    ),
    Bad(
        "data-duplicate-id",
        {RESPONSES: copy_cell(2, 5, "id")},
        (f"Fehler: {RESPONSES}, Zeile 5, Spalte „id“: Die ID „", "“ steht schon in Zeile 2.", "eigene ID"),
        BOTH,
    ),
    Bad(
        "data-missing-id",
        {RESPONSES: cells({(7, "id"): ""})},
        (f"Fehler: {RESPONSES}, Zeile 7, Spalte „id“: Die Befragten-ID fehlt. Tragen Sie eine eindeutige ID ein.",),
    ),
    Bad(
        "data-id-column-missing",
        {RESPONSES: rename_column("id", "Nr")},
        (
            f"Fehler: {RESPONSES}, Zeile 1: Die Spalte „id“ mit den Befragten-IDs fehlt. Benennen Sie die Spalte so "
            "oder ändern Sie [survey] id_column in report.toml.",
        ),
    ),
    # data/responses.csv: the file as a whole
    Bad(
        "data-empty-file",
        {RESPONSES: ""},
        (f"Fehler: {RESPONSES}: Die Datei ist leer. Exportieren Sie die Antworten erneut",),
        BOTH,
    ),
    Bad(
        "data-header-only",
        {RESPONSES: header_only},
        (f"Fehler: {RESPONSES}: Die Datei enthält nur die Kopfzeile, keine Antworten.",),
    ),
    Bad(
        "data-not-text",
        {RESPONSES: PNG},
        (
            f"Fehler: {RESPONSES}: Die Datei ist keine Textdatei (CSV).",
            "als „CSV (Trennzeichen-getrennt)“ oder als XLSX",
        ),
    ),
    Bad(
        "data-xlsx-saved-as-csv",
        {RESPONSES: xlsx_bytes()},
        (f"Fehler: {RESPONSES}: Die Datei ist eine Excel-Arbeitsmappe (XLSX), heißt aber „responses.csv“.",),
    ),
    Bad(
        "data-extra-field",
        {RESPONSES: extra_field(9)},
        (f"Fehler: {RESPONSES}, Zeile 9: Die Zeile hat 15 Felder, die Kopfzeile 14.", "Anführungszeichen"),
    ),
    Bad(
        "data-unclosed-quote",
        {RESPONSES: unclosed_quote(8)},
        (
            f"Fehler: {RESPONSES}, Zeile 8: Ein Anführungszeichen wird bis zum Dateiende nicht geschlossen.",
            'ein " im Text wird verdoppelt',
        ),
    ),
    Bad(
        "data-file-missing",
        {CONFIG: replace(f'responses = "{RESPONSES}"', 'responses = "data/antworten.csv"')},
        ("Fehler: data/antworten.csv: Datei nicht gefunden. Prüfen Sie [survey] responses in report.toml.",),
    ),
    # data/codebook.toml
    Bad(
        "codebook-kind-typo",
        {CODEBOOK: replace('[strategie]\nkind = "scale"', '[strategie]\nkind = "skala"')},
        (
            f"Fehler: {CODEBOOK}, Zeile {line_in_table(CODEBOOK, 'strategie', 'kind =')}: [strategie] kind „skala“ "
            'ist unbekannt. Meinten Sie „scale“? Erlaubt sind: "scale", "single", "yesno", "numeric", "multiple", '
            '"text".',
        ),
        BOTH,
    ),
    Bad(
        "codebook-scale-reversed",
        {CODEBOOK: replace("scale = { min = 0, max = 5 }", "scale = { min = 5, max = 0 }")},
        (
            f"Fehler: {CODEBOOK}, Zeile {line_in_table(CODEBOOK, 'strategie', 'scale =')}: [strategie] scale: "
            "min (5) muss kleiner als max (0) sein.",
        ),
    ),
    Bad(
        "codebook-unknown-key",
        {CODEBOOK: replace('label = "Stand der Umsetzung"', 'lable = "Stand der Umsetzung"')},
        (
            f"Fehler: {CODEBOOK}, Zeile {line_in(CODEBOOK, 'Stand der Umsetzung')}: [umsetzung] unbekannter "
            "Schlüssel „lable“. Meinten Sie „label“?",
        ),
    ),
    Bad(
        "codebook-duplicate-code",
        {CODEBOOK: replace('{ code = 2, label = "weiblich" }', '{ code = 1, label = "weiblich" }')},
        (
            f"Fehler: {CODEBOOK}, Zeile {line_in(CODEBOOK, 'weiblich')}: [geschlecht] code „1“ kommt mehrfach vor. "
            "Jede Kategorie braucht einen eigenen Code.",
        ),
    ),
    Bad(
        "codebook-categories-missing",
        {CODEBOOK: replace('categories = [\n  { code = 1, label = "> 250" },\n]\n', "")},
        (f"Fehler: {CODEBOOK}, Zeile ", "[beschaeftigte] categories fehlt oder ist leer. Beispiel: categories = ["),
    ),
    Bad(
        "codebook-toml-syntax",
        {CODEBOOK: replace("[alter]", "[alter")},
        (
            f"Fehler: {CODEBOOK}, Zeile {line_in(CODEBOOK, '[alter]')}: TOML-Syntaxfehler: „]“ fehlt am Ende der "
            "Abschnittsüberschrift",
        ),
    ),
    Bad("codebook-empty", {CODEBOOK: "# noch leer\n"}, (f"Fehler: {CODEBOOK}: Das Codebuch enthält keine Frage.",)),
    Bad(
        "codebook-not-utf8",
        {CODEBOOK: to_cp1252},
        (f"Fehler: {CODEBOOK}, Zeile {first_non_ascii_line(CODEBOOK)}: Die Datei ist kein UTF-8-Text.",),
    ),
    # report.toml
    Bad(
        "config-unknown-key",
        {CONFIG: replace('place = "Leipzig"', 'ort = "Leipzig"')},
        (
            f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, 'place =')}: [report] unbekannter Schlüssel „ort“. "
            "Meinten Sie „place“? Erlaubt sind: title, subtitle,",
        ),
        BOTH,
    ),
    Bad(
        "config-wrong-type",
        {CONFIG: replace("date = 2025-03-31", 'date = "31.03.2025"')},
        (
            f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, 'date =')}: [report] date: erwartet Datum (JJJJ-MM-TT), "
            'gefunden Text "31.03.2025". Schreiben Sie das Datum ohne Anführungszeichen, z. B. date = 2025-03-31.',
        ),
    ),
    Bad(
        "config-toml-syntax",
        {CONFIG: replace('place = "Leipzig"', 'place = "Leipzig')},
        (
            f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, 'place =')}: TOML-Syntaxfehler: ein Anführungszeichen wird "
            "nicht geschlossen",
        ),
        BOTH,
    ),
    Bad(
        "config-missing-title",
        {CONFIG: replace('title = "Ressourceneffiziente Produktion"\n', "")},
        (
            f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, '[report]')}: [report] title fehlt. Ergänzen Sie im "
            'Abschnitt [report] die Zeile title = "…".',
        ),
    ),
    Bad(
        "config-unknown-section",
        {CONFIG: replace("[brand]", "[marke]")},
        (f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, '[brand]')}: unbekannter Abschnitt [marke].",),
    ),
    Bad(
        "config-bad-colour",
        {CONFIG: replace('accent = "#f28c28"', 'accent = "orange"')},
        (f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, 'accent =')}: [brand] accent: „orange“ ist keine Farbe.",),
    ),
    Bad(
        "config-responses-outside-project",
        {CONFIG: replace(f'responses = "{RESPONSES}"', 'responses = "/etc/passwd"')},
        (
            f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, 'responses =')}: [survey] responses: „/etc/passwd“ liegt "
            "außerhalb des Projektordners.",
        ),
    ),
    Bad(
        "config-file-missing",
        {CONFIG: None},
        (f"Fehler: {CONFIG}: Kein Projekt: {CONFIG} fehlt in ", "geben Sie ihn mit --project ORDNER an."),
    ),
    # content/*.md and content/literatur.toml
    Bad(
        "content-unknown-question",
        {CONTENT: chapter("Ein Absatz.", "", '{{ share("nope", 4) }} stimmen zu.')},
        (f"Fehler: {CONTENT}, Zeile 5: Unbekannte Frage „nope“.", "Bekannte Fragen (Codebuch): strategie"),
        BOTH,
    ),
    Bad(
        "content-jinja-syntax",
        {CONTENT: chapter("Ein Absatz.", "", '{{ share("strategie", 4 }} stimmen zu.')},
        (f"Fehler: {CONTENT}, Zeile 5: Vorlagen-Syntaxfehler: Es fehlt die schließende Klammer „)“ vor „}}“.",),
        BOTH,
    ),
    Bad(
        "content-undefined-name",
        {CONTENT: chapter("{{ foo }}")},
        (f"Fehler: {CONTENT}, Zeile 3: Unbekannter Name „foo“.", "Verfügbar sind: n, missing, count, mentions, share"),
    ),
    Bad(
        "content-unclosed-block",
        {CONTENT: chapter("{% if true %}", "Text")},
        (f"Fehler: {CONTENT}, Zeile 3: Vorlagen-Syntaxfehler: „{{% if %}}“ wird nicht geschlossen.", "{% endif %}"),
    ),
    Bad(
        "content-helper-without-code",
        {CONTENT: chapter('{{ share("strategie") }}')},
        (f'Fehler: {CONTENT}, Zeile 3: share() braucht mindestens einen Code, z. B. share("strategie", 4, 5).',),
    ),
    Bad(
        "content-unknown-code",
        {CONTENT: chapter('{{ share("strategie", 9) }}')},
        (f"Fehler: {CONTENT}, Zeile 3: share(): „9“ ist kein Code der Frage „strategie“. Erlaubt sind: 0, 1",),
    ),
    Bad(
        "content-mean-of-categorical",
        {CONTENT: chapter('{{ mean("position") }}')},
        (f"Fehler: {CONTENT}, Zeile 3: mean(): „position“ ist weder eine Skala noch eine Zahlenfrage.",),
    ),
    Bad(
        "content-citation-key-missing",
        {CONTENT: chapter("Wie [@gibtsnicht-2020] zeigt.")},
        (
            f"Fehler: {CONTENT}, Zeile 3: Zitat @gibtsnicht-2020 hat keinen Eintrag im Literaturverzeichnis.",
            "Ergänzen Sie [gibtsnicht-2020] in content/literatur.toml",
        ),
        BOTH,
    ),
    Bad(
        "content-image-absolute-path",
        {CONTENT: chapter("![x](/etc/passwd)")},
        (f"Fehler: {CONTENT}, Zeile 3:", "/etc/passwd", "nicht erlaubt", "relativ"),
        BOTH,
    ),
    Bad(
        "content-image-external",
        {CONTENT: chapter("![x](http://example.com/a.png)")},
        (f"Fehler: {CONTENT}, Zeile 3:", "http://example.com/a.png", "nicht erlaubt"),
        BOTH,
    ),
    Bad(
        "content-image-missing",
        {CONTENT: chapter("![x](bilder/fehlt.png)")},
        (f"Fehler: {CONTENT}, Zeile 3:", "bilder/fehlt.png", "nicht gefunden"),
    ),
    Bad(
        "content-sandbox-escape",
        {CONTENT: chapter("{{ n.__globals__ }}")},
        (f"Fehler: {CONTENT}, Zeile 3: Nicht erlaubter Zugriff in der Vorlage", "__globals__"),
    ),
    Bad(
        "content-include-outside",
        {CONTENT: chapter("{% include '../../../etc/passwd' %}")},
        (f"Fehler: {CONTENT}, Zeile 3: Vorlage „../../../etc/passwd“ nicht gefunden.",),
    ),
    Bad(
        "content-not-utf8",
        {CONTENT: chapter("Grüße aus Leipzig").encode("cp1252")},
        (f"Fehler: {CONTENT}", "Die Datei ist kein UTF-8-Text."),
    ),
    Bad(
        "references-toml-syntax",
        {"content/literatur.toml": replace("[acod-2023]", "[acod-2023")},
        (
            f"Fehler: content/literatur.toml, Zeile {line_in('content/literatur.toml', '[acod-2023]')}: "
            "TOML-Syntaxfehler",
        ),
    ),
    Bad(
        "references-author-missing",
        {"content/literatur.toml": replace('author = "ACOD"\n', "")},
        (
            f"Fehler: content/literatur.toml, Zeile {line_in('content/literatur.toml', '[acod-2023]')}: "
            "[acod-2023] braucht author und year.",
        ),
    ),
    # templates/
    Bad(
        "template-page-syntax",
        {"templates/report.html.j2": lambda text: "{% if %}\n" + text},
        ("Fehler: templates/report.html.j2, Zeile 1: Vorlagen-Syntaxfehler",),
        ("build",),
    ),
    Bad(
        "template-page-syntax-before-rendering",
        {"templates/report.html.j2": lambda text: "{% if %}\n" + text},
        ("Fehler: templates/report.html.j2, Zeile 1: Vorlagen-Syntaxfehler",),
        ("check",),
    ),
    Bad(
        "template-page-undefined",
        {"templates/report.html.j2": replace("</body>", "{{ nope.x }}</body>")},
        ("Fehler: templates/report.html.j2, Zeile ", "nope", "Verfügbar sind: report, brand"),
        ("build",),
    ),
    Bad(
        "template-partial-syntax",
        {"templates/partials/figure.html.j2": lambda text: "{% if %}\n" + text},
        ("Fehler: templates/partials/figure.html.j2, Zeile 1: Vorlagen-Syntaxfehler",),
        BOTH,
    ),
    # issue 8: hostile and broken inputs
    Bad(
        "xlsx-formula-without-result",
        {
            CONFIG: replace(f'responses = "{RESPONSES}"', 'responses = "data/responses.xlsx"'),
            "data/responses.xlsx": xlsx_with({(4, "strategie"): "=2+2", (5, "strategie"): "=1+3"}),
        },
        (
            "Fehler: data/responses.xlsx, Zeile 4: 2 Formelzellen haben kein gespeichertes Ergebnis und würden als "
            "leer gelesen: B4, B5.",
            "Öffnen Sie die Arbeitsmappe in Excel oder LibreOffice und speichern Sie sie",
        ),
        BOTH,
    ),
    Bad(
        "content-string-bomb",
        {CONTENT: chapter('{{ "a" * 10**9 }}')},
        (f"Fehler: {CONTENT}, Zeile 3: Der Ausdruck ergäbe einen Wert mit 1.000.000.000 Zeichen",),
        BOTH,
    ),
    Bad(
        "content-range-bomb",
        {CONTENT: chapter("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}")},
        (f"Fehler: {CONTENT}, Zeile 3: range() mit 100.000 Werten überschreitet die Grenze von 10.000 Werten.",),
        BOTH,
    ),
    Bad(
        "content-includes-itself",
        {CONTENT: chapter("{% include '99-fehler.md' %}")},
        (f"Fehler: {CONTENT}, Zeile 3: Die Datei bindet sich selbst ein (99-fehler.md → 99-fehler.md).",),
        BOTH,
    ),
    Bad(
        "content-decimals-40",
        {CONTENT: chapter("{{ share('strategie', 4, 5, decimals=40) }}")},
        (f"Fehler: {CONTENT}, Zeile 3: share(): decimals=40 ist nicht erlaubt.",),
        BOTH,
    ),
    Bad(
        "content-image-nul",
        {CONTENT: chapter("![Bild](%00.png)")},
        (f"Fehler: {CONTENT}, Zeile 3: Bild „%00.png“ hat keinen gültigen Dateinamen.",),
        BOTH,
    ),
    Bad(
        "content-image-name-too-long",
        {CONTENT: chapter(f"![Bild]({'x' * 300}.png)")},
        (f"Fehler: {CONTENT}, Zeile 3: Bild „{'x' * 80}“ hat keinen gültigen Dateinamen.",),
        BOTH,
    ),
    Bad(
        "content-unquoted-image-outside",
        {CONTENT: chapter("<img src=/etc/passwd alt=x>")},
        (f"Fehler: {CONTENT}, Zeile 3: Bild mit absolutem Pfad „/etc/passwd“ ist nicht erlaubt.",),
        BOTH,
    ),
    Bad(
        "codebook-id-is-a-path",
        {CODEBOOK: append('\n["x/../../../../name"]\nkind = "text"\ntext = "Pfad"\n')},
        (f"Fehler: {CODEBOOK}, Zeile ", "[x/../../../../name] ungültiger Fragename"),
        BOTH,
    ),
    Bad(
        "references-author-list",
        {"content/literatur.toml": append('\n[liste-2024]\nauthor = ["A", "B"]\nyear = 2024\n')},
        ("[liste-2024] author muss ein Text sein, keine Liste oder Tabelle.",),
        BOTH,
    ),
    Bad(
        "template-page-undefined-found-by-check",
        {"templates/report.html.j2": replace("</body>", "{{ nope.x }}</body>")},
        ("Fehler: templates/report.html.j2, Zeile ", "nope", "Verfügbar sind: report, brand"),
        ("check",),
    ),
    Bad(
        "template-font-missing-found-by-check",
        {"templates/fonts/Lato-Regular.ttf": None},
        ("Fehler: templates/fonts/Lato-Regular.ttf: Schriftdatei nicht gefunden.",),
        ("check",),
    ),
    Bad(
        "template-font-missing",
        {"templates/fonts/Lato-Regular.ttf": None},
        ("Fehler: templates/fonts/Lato-Regular.ttf: Schriftdatei nicht gefunden.",),
        ("build",),
    ),
    Bad(
        "template-bold-font-missing",
        {"templates/fonts/Lato-Bold.ttf": None},
        (
            f"Fehler: templates/style.css, Zeile {line_in('templates/style.css', 'Lato-Bold.ttf')}: "
            "templates/fonts/Lato-Bold.ttf: Datei nicht gefunden. Legen Sie die Datei wieder an",
        ),
        BOTH,
    ),
    Bad(
        "template-css-block-not-closed",
        {"templates/style.css": replace("  --header-clearance: 8mm;\n}\n", "  --header-clearance: 8mm;\n\n")},
        (
            f"Fehler: templates/style.css, Zeile {line_in('templates/style.css', ':root {')}: Die geschweifte "
            "Klammer „{“ wird nicht geschlossen; alle Regeln danach gingen verloren. Schließen Sie den Block mit „}“.",
        ),
        BOTH,
    ),
]


def _params() -> list:
    params = []
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        params.extend(pytest.param(case, command, id=f"{case.id}-{command}", marks=marks) for command in case.commands)
    return params


# Running the cases


@dataclass(frozen=True)
class GoodBuild:
    root: Path
    pdf: bytes
    html: bytes


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> GoodBuild:
    root = copy_study(tmp_path_factory.mktemp("bad-inputs") / "good")
    assert main(["--project", str(root), "build"]) == 0
    return GoodBuild(root, (root / "build/report.pdf").read_bytes(), (root / "build/report.html").read_bytes())


def project_with(good: GoodBuild, target: Path, files: dict[str, Edit]) -> Path:
    """A copy of the built project (with build/) where `files` are replaced, edited or deleted."""
    return apply_files(Path(shutil.copytree(good.root, target)), files)


def run(root: Path, *arguments: str) -> int:
    return main(["--project", str(root), *arguments])


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)
    assert sum("build" in case.commands for case in CASES) >= 8


@pytest.mark.parametrize(("case", "command"), _params())
def test_bad_input(case: Bad, command: str, good_build: GoodBuild, tmp_path: Path, capsys) -> None:
    root = project_with(good_build, tmp_path / "project", case.files)
    status = run(root, command)
    stderr = capsys.readouterr().err
    assert status == 2, stderr
    assert "Traceback" not in stderr
    for line in stderr.splitlines():
        assert line.startswith(("Fehler: ", "Warnung: ")), line
    for piece in case.expected:
        assert piece in stderr
    assert (root / "build/report.pdf").read_bytes() == good_build.pdf
    assert (root / "build/report.html").read_bytes() == good_build.html


def test_check_lists_all_problems_at_once(good_build: GoodBuild, tmp_path: Path, capsys) -> None:
    edit = cells({(3, "strategie"): "9", (17, "geschlecht"): "x"})
    root = project_with(good_build, tmp_path / "project", {RESPONSES: lambda text: drop_column("zukunft")(edit(text))})
    assert run(root, "check") == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Fehler: ")]
    assert errors == [
        f"Fehler: {RESPONSES}, Zeile 1: Die Spalte „zukunft“ aus dem Codebuch fehlt. Fügen Sie sie hinzu oder "
        f"entfernen Sie [zukunft] ({CODEBOOK}, Zeile {line_in(CODEBOOK, '[zukunft]')}).",
        f"Fehler: {RESPONSES}, Zeile 3, Spalte „strategie“: „9“ liegt außerhalb der Skala 0–5. {SCALE_HINT}",
        f"Fehler: {RESPONSES}, Zeile 17, Spalte „geschlecht“: „x“ ist weder Code noch Label dieser Frage. "
        "Erlaubt sind 1 = männlich; 2 = weiblich oder eine leere Zelle.",
    ]


def test_check_lists_problems_of_several_config_keys(good_build: GoodBuild, tmp_path: Path, capsys) -> None:
    edit = replace("date = 2025-03-31", 'date = "heute"')
    root = project_with(good_build, tmp_path / "project", {CONFIG: lambda text: edit(text) + "\nfarbe = 1\n"})
    assert run(root, "check") == 2
    stderr = capsys.readouterr().err
    assert f"Fehler: {CONFIG}, Zeile {line_in(CONFIG, 'date =')}: [report] date: erwartet Datum" in stderr
    assert "[brand] unbekannter Schlüssel „farbe“." in stderr


def test_debug_shows_the_traceback(good_build: GoodBuild, tmp_path: Path, capsys) -> None:
    root = project_with(good_build, tmp_path / "project", {RESPONSES: cells({(4, "strategie"): "7"})})
    assert main(["--project", str(root), "--debug", "check"]) == 2
    stderr = capsys.readouterr().err
    assert "Traceback (most recent call last)" in stderr
    assert f"Fehler: {RESPONSES}, Zeile 4, Spalte „strategie“: „7“ liegt außerhalb der Skala 0–5." in stderr


def test_the_good_study_passes_check(good_build: GoodBuild, capsys) -> None:
    assert run(good_build.root, "check") == 0
    assert "Fehler" not in capsys.readouterr().err
