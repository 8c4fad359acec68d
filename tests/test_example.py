"""The example project examples/betriebsbefragung: its numbers, recomputed here by hand from the raw export.

Every expected value is arithmetic in this file on data/export.csv as the survey tool wrote it (cp1252, `;`,
decimal commas, answer labels in the cells), formatted the German way by hand; nothing is taken from a build.
The example is copied to tmp_path first, so no test writes into examples/.
"""

from __future__ import annotations

import csv
import re
import shutil
import statistics
import subprocess
import sys
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pypdf
import pyreadstat
import pytest

from reportgen.build import check, prepare
from reportgen.cli import main
from reportgen.helpers import helper_names, registered
from reportgen.provenance import unmarked

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "betriebsbefragung"
NBSP = "\u00a0"
AGREE = ("Stimme eher zu", "Stimme voll zu")
SCALE = ("Stimme gar nicht zu", "Stimme eher nicht zu", "Teils/teils", *AGREE)

# Column headers of the export (the question texts), as the codebook names them.
BRANCHE = "In welcher Branche ist Ihr Unternehmen hauptsächlich tätig?"
BESCHAEFTIGTE = "Wie viele Beschäftigte hat Ihr Unternehmen?"
GESCHAEFTSMODELL = "Digitalisierung ist für unser Geschäftsmodell entscheidend."
UEBERFORDERUNG = "Die Digitalisierung überfordert unser Unternehmen."
STRATEGIE = "Hat Ihr Unternehmen eine schriftliche Digitalisierungsstrategie?"
TECHNOLOGIE = "Eingesetzte Technologien: "
HEMMNIS = "Größte Hemmnisse der Digitalisierung ({}. Nennung)"
INVESTITION = "Wie viel hat Ihr Unternehmen 2025 je Beschäftigten in Digitalisierung investiert (in €)?"
UNTERSTUETZUNG = "Was würde Ihrem Unternehmen bei der Digitalisierung am meisten helfen?"


# ---------------------------------------------------------------------------------------------------------------
# Hand arithmetic on the raw export


def export_rows() -> list[dict[str, str]]:
    with (EXAMPLE / "data" / "export.csv").open(encoding="cp1252", newline="") as file:
        return [{key: value.strip() for key, value in row.items()} for row in csv.DictReader(file, delimiter=";")]


def answers(column: str) -> list[str]:
    return [row[column] for row in export_rows() if row[column]]


def number(cell: str) -> Decimal:
    """A German export's number: `1.234,5` -> 1234.5."""
    return Decimal(cell.replace(".", "").replace(",", "."))


def german(value: Decimal | float | int, decimals: int = 0) -> str:
    """`1234.567` -> `1.234,57`, rounded half up as a reader expects."""
    rounded = Decimal(repr(value) if isinstance(value, float) else value).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    return f"{rounded:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(part: int, whole: int, decimals: int = 0) -> str:
    return f"{german(Decimal(part) * 100 / Decimal(whole), decimals)}{NBSP}%"


def quartile(values: list[Decimal], which: int) -> Decimal:
    """Linear interpolation between order statistics (Hyndman–Fan type 7), written out."""
    ordered = sorted(values)
    position = Decimal(len(ordered) - 1) * which / 4
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def expected_numbers() -> dict[str, str]:
    """What the report must say, each computed here from the export; keyed by what it is."""
    rows = export_rows()
    expected: dict[str, str] = {"respondents": f"Geantwortet haben {len(rows)} Unternehmen."}

    branche = answers(BRANCHE)
    industrie = branche.count("Industrie")
    expected["single share"] = f"({percent(industrie, len(branche))} der {len(branche)} Unternehmen mit Angabe)"
    expected["single share, one decimal"] = f"({percent(branche.count('Handwerk'), len(branche), 1)})"

    size = [number(cell) for cell in answers(BESCHAEFTIGTE)]
    expected["median"] = f"höchstens {german(statistics.median(size))}{NBSP}Beschäftigte"
    expected["bin count"] = f'<th scope="row">10–49</th><td>{sum(10 <= s < 50 for s in size)}</td>'
    expected["largest bin"] = f'<th scope="row">250 und mehr</th><td>{sum(s >= 250 for s in size)}</td>'

    model = answers(GESCHAEFTSMODELL)
    agree = sum(cell in AGREE for cell in model)
    expected["scale share"] = f"{percent(agree, len(model))} der Unternehmen ({agree} von {len(model)})"
    scores = [Decimal(SCALE.index(cell) + 1) for cell in model]
    expected["scale mean"] = f"Der Mittelwert liegt bei {german(mean(scores), 2)}"
    expected["scale sd"] = f"SD = {german(statistics.stdev(scores), 2)}"
    reversed_scores = [6 - Decimal(SCALE.index(cell) + 1) for cell in answers(UEBERFORDERUNG)]
    expected["reverse-keyed mean"] = f"umgepolten Antworten liegt bei {german(mean(reversed_scores), 2)}"

    strategy = [cell for cell in answers(STRATEGIE) if cell != "weiß nicht"]
    expected["yes share without „weiß nicht“"] = f"{percent(strategy.count('Ja'), len(strategy))} der {len(strategy)}"
    dont_know = answers(STRATEGIE).count("weiß nicht")
    expected["weiß nicht"] = f"antworteten {dont_know} Unternehmen"
    expected["missing incl. weiß nicht"] = f"die damit {len(rows) - len(strategy)} Unternehmen auslässt"

    technology = [column for column in rows[0] if column.startswith(TECHNOLOGIE)]
    base = [row for row in rows if any(row[column] == "Ja" for column in technology)]
    ai = sum(row[TECHNOLOGIE + "Künstliche Intelligenz"] == "Ja" for row in base)
    mentions = sum(row[column] == "Ja" for row in base for column in technology)
    expected["multiple base"] = f"{len(base)} Unternehmen haben mindestens eine Technologie"
    expected["multiple mentions"] = f"zusammen {mentions} Nennungen"
    expected["multiple share"] = f"Künstliche Intelligenz ein ({percent(ai, len(base))})"

    obstacles = [[row[HEMMNIS.format(i)] for i in (1, 2, 3) if row[HEMMNIS.format(i)]] for row in rows]
    named = [chosen for chosen in obstacles if chosen]
    skilled = sum("Fachkräftemangel" in chosen for chosen in named)
    expected["codes set"] = f"{len(named)} Unternehmen haben mindestens eines genannt"
    expected["codes set share"] = f"nennen {percent(skilled, len(named))} der Unternehmen mit Angabe"

    euros = [number(cell) for cell in answers(INVESTITION)]
    expected["numeric mean"] = f"je Beschäftigten {german(mean(euros), 2)}{NBSP}€ in die"
    expected["numeric quartiles"] = (
        f"zwischen {german(quartile(euros, 1), 2)}{NBSP}€ und {german(quartile(euros, 3), 2)}{NBSP}€"
    )
    expected["numeric missing"] = f"{len(rows) - len(euros)} Unternehmen haben keine Angabe"

    wishes = [cell.casefold() for cell in answers(UNTERSTUETZUNG)]
    funding = sum("förder" in cell or "zuschuss" in cell or "zuschüsse" in cell for cell in wishes)
    expected["text coding"] = f'<th scope="row">Förderung</th><td>{funding}</td>'
    expected["text answers"] = f"haben {len(wishes)} Unternehmen beantwortet"
    return expected


# ---------------------------------------------------------------------------------------------------------------
# The example, copied


def copy_example(destination: Path, responses: str | None = None) -> Path:
    """The example in `destination`, without its build/ folder; `responses` switches [survey] responses."""
    shutil.copytree(EXAMPLE, destination, ignore=shutil.ignore_patterns("build", "__pycache__"))
    if responses is not None:
        config = destination / "report.toml"
        text = config.read_text(encoding="utf-8")
        switched = re.sub(r'(?m)^responses = ".*"$', f'responses = "{responses}"', text)
        assert switched != text
        config.write_text(switched, encoding="utf-8")
    return destination


@pytest.fixture(scope="module")
def example_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return one_line(prepare(copy_example(tmp_path_factory.mktemp("example") / "betriebsbefragung")).html)


def one_line(html: str) -> str:
    """Line breaks and runs of spaces as one space (a no-break space stays: it is part of a number)."""
    return re.sub(r"[ \t\r\n]+", " ", unmarked(html))  # the visible text; test_provenance checks the spans


EXPECTED = expected_numbers()


def test_the_raw_export_is_what_the_example_promises() -> None:
    raw = (EXAMPLE / "data" / "export.csv").read_bytes()
    header = raw.split(b"\r\n", 1)[0].decode("cp1252")
    assert header.split(";")[:4] == ["lfdn", "Startzeit", "Endzeit", "Browser"]
    assert "€" in header and "ä" in header
    rows = export_rows()
    assert 180 <= len(rows) <= 220
    assert any("," in cell for cell in answers(INVESTITION))  # decimal commas
    assert any(not row[BESCHAEFTIGTE] for row in rows)  # blanks


def test_example_calls_every_helper_and_has_every_kind() -> None:
    calls = " ".join(re.findall(r"\{\{(.*?)\}\}", "".join(p.read_text("utf-8") for p in EXAMPLE.glob("content/*.md"))))
    batch = {info.name for info in registered("batch")}  # only in batch reports: the example is a study
    assert [name for name in helper_names() if name not in batch and not re.search(rf"\b{name}\(", calls)] == []
    codebook = tomllib.loads((EXAMPLE / "data" / "codebook.toml").read_text("utf-8"))
    kinds = {(entry["kind"], entry.get("format")) for entry in codebook.values() if isinstance(entry, dict)}
    assert kinds == {(kind, None) for kind in ("scale", "single", "yesno", "numeric", "multiple", "text")} | {
        ("multiple", "codes")
    }
    assert any(entry.get("reverse") for entry in codebook.values() if isinstance(entry, dict))


def test_the_spss_file_holds_the_same_answers() -> None:
    frame, meta = pyreadstat.read_sav(str(EXAMPLE / "data" / "export.sav"), user_missing=True)
    rows = export_rows()
    assert len(frame) == len(rows)
    assert meta.missing_ranges == {"q4": [{"lo": 9.0, "hi": 9.0}]}  # „weiß nicht“ is user-missing
    for name, header in meta.column_names_to_labels.items():
        if name in {"startzeit", "endzeit"} or header is None:
            continue
        labels = meta.variable_value_labels.get(name, {})
        for case, row in zip(frame[name], rows, strict=True):
            if isinstance(case, float) and case != case:  # system-missing
                shown = ""
            elif labels:
                shown = labels[case]
            elif isinstance(case, float):
                shown = str(int(case)) if case.is_integer() else repr(case).replace(".", ",")
            else:
                shown = case
            assert shown == row[header], (name, row["lfdn"])


@pytest.mark.parametrize("what", list(EXPECTED))
def test_example_numbers(example_html: str, what: str) -> None:
    assert EXPECTED[what] in example_html


def test_example_says_its_data_are_invented(example_html: str) -> None:
    assert "alle Antworten sind erfunden" in example_html


def test_example_has_no_warnings_in_strict_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_example(tmp_path / "betriebsbefragung")
    assert check(root).warnings == ()
    assert main(["--project", str(root), "--strict", "check"]) == 0
    out, err = capsys.readouterr()
    assert "Keine Fehler gefunden" in out
    assert "Warnung" not in out + err


def test_example_from_spss_gives_the_same_numbers(tmp_path: Path) -> None:
    html = one_line(prepare(copy_example(tmp_path / "betriebsbefragung", responses="data/export.sav")).html)
    assert [what for what, text in EXPECTED.items() if text not in html] == []


def pdf_text(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).replace(NBSP, " ")


@pytest.mark.slow
def test_example_builds_with_the_command_line(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "betriebsbefragung")
    command = [str(Path(sys.executable).with_name("reportgen")), "build"]
    finished = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600, check=False)
    assert finished.returncode == 0, finished.stderr
    pdf = root / "build" / "report.pdf"
    assert len(pypdf.PdfReader(pdf).pages) >= 8
    text = one_line(pdf_text(pdf))
    rows = export_rows()
    euros = [number(cell) for cell in answers(INVESTITION)]
    model = answers(GESCHAEFTSMODELL)
    for expected in (
        f"Geantwortet haben {len(rows)} Unternehmen",
        f"{german(mean(euros), 2)} €",
        f"{percent(sum(cell in AGREE for cell in model), len(model))} der Unternehmen".replace(NBSP, " "),
        "Betriebsbefragung Digitalisierung 2026",
    ):
        assert expected in text
