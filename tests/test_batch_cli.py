"""`reportgen batch` on the command line: every mistake found before a report is made is one German line and exit
status 2, and nothing is written."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.batch_progress import batch_progress, summary_line
from reportgen.batch_worker import UnitOutcome
from reportgen.cli import main

USAGE_TAIL = "reportgen --help erklärt alles Weitere."


def _batch(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    status = main(["batch", *arguments])
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ((), "Fehler: Es fehlt --per oder --by. Aufruf: reportgen batch (--per SPALTE | --by FRAGE)"),
        (("--per", "id", "--by", "alter"), "Fehler: --by und --per schließen sich aus: nur eines von beiden."),
        (("--per",), "Fehler: --per braucht einen Wert."),
        (("--per", "id", "--farbe"), "Fehler: Unbekannte Angabe: --farbe."),
        (
            ("--per", "id", "--shard", "0/3"),
            "Fehler: --shard 0/3: erwartet i/N mit 1 ≤ i ≤ N, z. B. --shard 2/5 für den zweiten von fünf Teilen.",
        ),
        (("--per", "id", "--shard", "4/3"), "Fehler: --shard 4/3: erwartet i/N mit 1 ≤ i ≤ N"),
        (
            ("--per", "id", "--workers", "zwei"),
            "Fehler: --workers: „zwei“ ist keine Anzahl. Erlaubt sind ganze Zahlen ab 0 (0: im selben Prozess).",
        ),
        (
            ("--per", "id", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"),
            "Fehler: --workers gilt nicht mit einem Dask-Scheduler: dort bestimmt der Cluster die Worker.",
        ),
    ],
)
def test_argument_mistakes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arguments: tuple[str, ...], expected: str
) -> None:
    status, err = _batch(capsys, "--project", str(tmp_path), *arguments)
    assert status == 2
    assert err.startswith(expected)
    assert err.count("Fehler:") == 1
    assert "Traceback" not in err


def test_strict_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--strict", "batch", "--project", str(tmp_path), "--per", "id"]) == 2
    assert capsys.readouterr().err.startswith("Fehler: --strict gilt nicht für batch.")


def test_workers_and_the_scheduler_from_the_environment_clash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:8786")
    status, err = _batch(capsys, "--project", str(tmp_path), "--per", "id", "--workers", "1")
    assert status == 2
    assert err.startswith("Fehler: --workers gilt nicht mit einem Dask-Scheduler")


def _batch_project(tiny_project: Callable[..., Path], toml: str = "") -> Path:
    files = {"content-batch/01-bericht.md": "# Ihr Bericht\n\n{{ n() }} Befragte.\n"}
    if toml:
        files["report.toml"] = '[report]\ntitle = "Kleine Studie"\ndate = 2025-01-31\n' + toml
    return tiny_project(files)


@pytest.mark.parametrize(
    ("toml", "arguments", "expected"),
    [
        pytest.param(
            "",
            ("--per", "gruppe"),
            "Fehler: --per gruppe: Berichte je Befragten gibt es nur für die ID-Spalte „id“ ([survey] id_column). "
            "Schreiben Sie --per id, oder für einen Bericht je Antwort einer Frage --by gruppe.\n",
            id="per-not-the-id",
        ),
        pytest.param(
            "",
            ("--by", "grupe"),
            "Fehler: --by grupe: Unbekannte Frage „grupe“. Meinten Sie „gruppe“?\n",
            id="by-unknown",
        ),
        pytest.param(
            "\n[batch]\nmin_group = 8\n",
            ("--per", "id"),
            "Fehler: report.toml: --per id: 8 Befragte sind zu wenige; jeder Bericht vergleicht mit den übrigen 7, "
            "und eine Vergleichsgruppe braucht mindestens 8 Befragte ([batch] min_group).",
            id="per-too-few",
        ),
        pytest.param(
            "",
            ("--per", "id", "--content", "firmen"),
            "Fehler: --content firmen: der Ordner firmen/ mit den Kapiteln der Batch-Berichte fehlt. Legen Sie ihn an",
            id="content-missing",
        ),
        pytest.param(
            "",
            ("--per", "id", "--content", "../content-batch"),
            "Fehler: --content ../content-batch: der Ordner liegt nicht im Projektordner. Nennen Sie einen Ordner im "
            "Projekt, relativ zu ihm, z. B. --content content-batch.\n",
            id="content-outside",
        ),
        pytest.param(
            '\n[batch]\ncontent = "berichte"\n',
            ("--by", "gruppe"),
            "Fehler: report.toml: [batch] content = „berichte“: der Ordner berichte/ mit den Kapiteln der "
            "Batch-Berichte fehlt.",
            id="content-setting-missing",
        ),
        pytest.param(
            '\n[batch]\noutput = "build/{key}.pdf"\n',
            ("--by", "gruppe"),
            "Fehler: report.toml, Zeile 6: [batch] output: „build/{key}.pdf“ liegt nicht in einem eigenen Ordner "
            "unter build/.",
            id="output-pattern",
        ),
        pytest.param(
            '\n[batch]\noutput = "build/b/{code}.pdf"\n',
            ("--per", "id"),
            "Fehler: report.toml: [batch] output: {code} gibt es nur bei Berichten je Segment (--by), nicht bei --per.",
            id="code-per-respondent",
        ),
        pytest.param(
            "",
            ("--per", "id", "--output", "build/batch/bericht.pdf"),
            "Fehler: --output: „build/batch/bericht.pdf“ hat keinen Platzhalter; alle Berichte bekämen denselben "
            'Namen. Schreiben Sie z. B. --output "build/segmente/{key}.pdf".',
            id="output-option-without-placeholder",
        ),
        pytest.param(
            "",
            ("--by", "gruppe", "--output", "../{key}.pdf"),
            "Fehler: --output: „../{key}.pdf“ liegt nicht in einem eigenen Ordner unter build/.",
            id="output-option-outside-build",
        ),
        pytest.param(
            "",
            ("--by", "gruppe", "--output", "build/{key}/bericht.pdf"),
            "Fehler: --output: Platzhalter stehen nur im Dateinamen, nicht im Ordner („build/{key}“).",
            id="output-option-placeholder-in-folder",
        ),
    ],
)
def test_mistakes_before_any_report_is_made(
    capsys: pytest.CaptureFixture[str],
    tiny_project: Callable[..., Path],
    toml: str,
    arguments: tuple[str, ...],
    expected: str,
) -> None:
    root = _batch_project(tiny_project, toml)
    status, err = _batch(capsys, "--project", str(root), *arguments)
    assert status == 2
    assert err.startswith(expected)
    assert "Traceback" not in err
    assert not (root / "build").exists()  # nothing written


def test_no_segment_big_enough_writes_a_manifest_of_withheld_units(
    capsys: pytest.CaptureFixture[str], tiny_project: Callable[..., Path]
) -> None:
    # gruppe: A 4 (R1, R2, R3, R8), B 4 (R4–R7): both below 5, so no report, and the manifest says why.
    root = _batch_project(tiny_project)
    assert main(["batch", "--project", str(root), "--by", "gruppe"]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"0 Berichte in {root / 'build/batch'}/ (0 fehlgeschlagen, 2 zurückgehalten: Gruppe unter 5 Befragten) – "
        f"{root / 'build/batch/manifest.csv'}\n"
    )
    csv_text = (root / "build/batch/manifest.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[1:] == [
        "A;A;;zurückgehalten;;;weniger als 5 Befragte ([batch] min_group);",
        "B;B;;zurückgehalten;;;weniger als 5 Befragte ([batch] min_group);",
    ]
    assert not list((root / "build/batch").glob("*.pdf"))


def _outcome(key: str) -> UnitOutcome:
    return UnitOutcome(key, "ok", b"%PDF", 3, "", "", (), 1.5, "host:1", 200.0, 1)


def test_progress_bar_shows_done_total_and_rate() -> None:
    stream = io.StringIO()
    with batch_progress(stream, 3) as advance:
        for key in ("R1", "R2", "R3"):
            advance(_outcome(key))
    shown = stream.getvalue().split("\r")[-1]
    assert re.fullmatch(r"Berichte 3/3 \|[█#]+\| \[00:00<00:00, \d+(?:\.\d{3})*,\d Berichte/min\]\n", shown), shown


def test_no_bar_without_a_terminal() -> None:
    with batch_progress(None, 3) as advance:
        advance(_outcome("R1"))  # nothing to show, nothing raised


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((25, 0, 0, 0), "25 Berichte in build/batch/ (0 fehlgeschlagen) – build/batch/manifest.csv"),
        (
            (1, 0, 0, 3),
            "1 Bericht in build/batch/ (0 fehlgeschlagen, 3 zurückgehalten: Gruppe unter 5 Befragten) – m.csv",
        ),
        ((2, 22, 1, 0), "24 Berichte in build/batch/ (22 unverändert, 1 fehlgeschlagen) – m.csv"),
    ],
)
def test_summary_line(counts: tuple[int, int, int, int], expected: str) -> None:
    csv_name = "build/batch/manifest.csv" if expected.endswith("manifest.csv") else "m.csv"
    assert summary_line(*counts, 5, "build/batch", csv_name) == expected


def test_a_batch_of_another_kind_does_not_delete_the_reports_in_its_folder(
    capsys: pytest.CaptureFixture[str], tiny_project: Callable[..., Path]
) -> None:
    root = _batch_project(tiny_project, "\n[batch]\nmin_group = 4\n")
    assert main(["batch", "--project", str(root), "--by", "gruppe", "--workers", "0"]) == 0
    segments = sorted((root / "build/batch").glob("*.pdf"))
    assert [path.name for path in segments] == ["A.pdf", "B.pdf"]
    kept = {path: path.read_bytes() for path in (root / "build/batch").iterdir()}
    capsys.readouterr()
    status, err = _batch(capsys, "--project", str(root), "--per", "id", "--workers", "0")
    assert status == 2
    assert err == (
        "Fehler: build/batch/ enthält die Berichte von „reportgen batch --by gruppe“ (build/batch/manifest.json); "
        "dieser Lauf (--per id) würde sie löschen. Geben Sie diesen Berichten einen eigenen Ordner, z. B. "
        '--output "build/batch-id/{key}.pdf" (oder [batch] output in report.toml), oder ersetzen Sie die alten '
        "Berichte mit --force.\n"
    )
    assert {path: path.read_bytes() for path in (root / "build/batch").iterdir()} == kept
    # In a folder of their own, the reports per respondent stand beside the segments'.
    assert (
        main(["batch", "--project", str(root), "--per", "id", "--workers", "0", "--output", "build/batch-id/{key}.pdf"])
        == 0
    )
    assert len(list((root / "build/batch-id").glob("R*.pdf"))) == 8
    assert {path: path.read_bytes() for path in (root / "build/batch").iterdir()} == kept
    # With --force they replace the segments' reports.
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0", "--force"]) == 0
    assert sorted(path.name for path in (root / "build/batch").glob("*.pdf")) == [f"R{n}.pdf" for n in range(1, 9)]
