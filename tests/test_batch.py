"""`reportgen batch` end to end on the study: each respondent's report holds that row's answers, segments below
min_group get none, a rerun keeps every report, one failing branch fails one report, and the reported segments
give no small group back. Expected values come from data/responses.csv, read with the csv module."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import pty
import re
import statistics
import struct
import subprocess
import sys
import termios
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest

from projects import STUDY_RESPONSES, copy_study, full_disk_when_writing
from reportgen.cli import main

pytestmark = pytest.mark.slow

SCALES = ("strategie", "umsetzung", "tagesgeschaeft", "marktposition", "eigenmotivation", "wettbewerbsdruck", "zukunft")
MIN_GROUP = 5
VERSUS_PER = re.compile(r"Ihr Unternehmen: (\S+) – Gesamt: Mittelwert (\d+,\d\d)")
VERSUS_BY = re.compile(r": Mittelwert (\d+,\d\d) \(n = (\d+)\) – Gesamt: Mittelwert (\d+,\d\d) \(n = (\d+)\)")


def _rows() -> list[dict[str, str]]:
    with STUDY_RESPONSES.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _mean(values: list[int]) -> str:
    return f"{statistics.mean(values):.2f}".replace(".", ",")


def _text(pdf: Path) -> str:
    """The PDF's text with its white space as single spaces."""
    return " ".join("".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).split())


def _manifest(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "build/batch/manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def per_id(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The study's 25 reports per respondent, made once by two local workers."""
    root = copy_study(tmp_path_factory.mktemp("batch") / "study")
    return root, main(["batch", "--project", str(root), "--per", "id", "--workers", "2"])


def test_per_id_writes_each_respondents_own_answers(per_id: tuple[Path, int]) -> None:
    root, status = per_id
    assert status == 0
    rows = _rows()
    assert len(rows) == 25
    files = sorted(path.name for path in (root / "build/batch").glob("*.pdf"))
    assert files == sorted(f"{row['id']}.pdf" for row in rows)
    means = {q: _mean([int(row[q]) for row in rows if row[q] != ""]) for q in SCALES}
    others_free_text = {row["id"]: row["position_sonstiges"] for row in rows if row["position_sonstiges"]}
    ids = {row["id"] for row in rows}
    for row in rows:
        text = _text(root / "build/batch" / f"{row['id']}.pdf")
        assert VERSUS_PER.findall(text) == [(row[q] or "keine Angabe", means[q]) for q in SCALES], row["id"]
        assert f"Kennung {row['id']}" in text
        # no other respondent's id or free-text answer
        assert set(re.findall(r"\bR\d\d\b", text)) == {row["id"]}
        for other, answer in others_free_text.items():
            if other != row["id"]:
                assert answer not in text, (row["id"], other)
    manifest = _manifest(root)
    assert [(e["key"], e["status"], e["base"]) for e in manifest["entries"]] == [
        (identifier, "ok", 24) for identifier in sorted(ids)
    ]
    for entry in manifest["entries"]:
        assert entry["sha256"] == hashlib.sha256((root / entry["file"]).read_bytes()).hexdigest()
    index = (root / "build/batch/index.html").read_text(encoding="utf-8")
    assert all(f'href="{identifier}.pdf"' in index for identifier in ids)


def test_rerun_keeps_every_report_untouched(per_id: tuple[Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    root, status = per_id
    assert status == 0
    before = {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in (root / "build/batch").glob("*.pdf")}
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0"]) == 0
    assert "25 Berichte in" in capsys.readouterr().out
    after = {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in (root / "build/batch").glob("*.pdf")}
    assert after == before
    assert {entry["status"] for entry in _manifest(root)["entries"]} == {"unchanged"}
    csv_rows = (root / "build/batch/manifest.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_rows) == 26 and all(";unverändert;" in line for line in csv_rows[1:])


def _segments(root: Path, question: str) -> int:
    return main(["batch", "--project", str(root), "--by", question, "--content", "content-segment", "--workers", "1"])


def test_by_company_age_writes_only_the_segment_above_min_group(tmp_path: Path) -> None:
    rows = _rows()
    sizes = {code: sum(row["unternehmensalter"] == code for row in rows) for code in "1234"}
    assert sizes == {"1": 1, "2": 3, "3": 4, "4": 17}
    # By hand: 1, 3 and 4 are below 5 and withheld; what they leave, 1 + 3 + 4 = 8, is not below 5, so code 4
    # („> 20 Jahre“, 17) is reported and nothing else.
    root = copy_study(tmp_path / "study")
    assert _segments(root, "unternehmensalter") == 0
    assert [path.name for path in (root / "build/batch").glob("*.pdf")] == ["ueber-20-Jahre.pdf"]
    entries = {e["key"]: e for e in _manifest(root)["entries"]}
    assert (entries["ueber-20-Jahre"]["status"], entries["ueber-20-Jahre"]["base"]) == ("ok", 17)
    withheld = [key for key, e in entries.items() if e["status"] == "withheld"]
    assert sorted(withheld) == ["1-5-Jahre", "11-20-Jahre", "unter-1-Jahr"]
    assert all(entries[key]["base"] is None and entries[key]["file"] == "" for key in withheld)
    text = _text(root / "build/batch/ueber-20-Jahre.pdf")
    in_segment = [row for row in rows if row["unternehmensalter"] == "4"]
    expected = [
        (_mean([int(r[q]) for r in in_segment if r[q]]), "17", _mean([int(r[q]) for r in rows]), "25") for q in SCALES
    ]
    assert VERSUS_BY.findall(text) == expected


def recover(
    total: dict[str, tuple[float, int]], segments: list[dict[str, tuple[float, int]]]
) -> dict[str, tuple[float, int]]:
    """The attack: per question, the total's sum and count minus every reported segment's gives the respondents in
    no reported segment; returned where they are more than none but fewer than MIN_GROUP (mean, count)."""
    leaks = {}
    for question, (mean, count) in total.items():
        rest_count = count - sum(segment[question][1] for segment in segments if question in segment)
        rest_sum = mean * count - sum(
            segment[question][0] * segment[question][1] for segment in segments if question in segment
        )
        if 0 < rest_count < MIN_GROUP:
            leaks[question] = (rest_sum / rest_count, rest_count)
    return leaks


def _reported(text: str) -> tuple[dict[str, tuple[float, int]], dict[str, tuple[float, int]]]:
    """What a segment report says per question: the segment's and the total's (mean, n)."""
    found = VERSUS_BY.findall(text)
    assert len(found) == len(SCALES)

    def number(value: str) -> float:
        return float(value.replace(",", "."))

    segment = {q: (number(m), int(n)) for q, (m, n, _, _) in zip(SCALES, found, strict=True)}
    total = {q: (number(m), int(n)) for q, (_, _, m, n) in zip(SCALES, found, strict=True)}
    return segment, total


def test_the_attack_finds_an_individual_without_the_rules() -> None:
    # Negative control, by hand from the CSV: were the 24 companies with geschlecht 1 reported, the total minus
    # them would be the one other company, and its answers would come back exactly.
    rows = _rows()
    lone = [row for row in rows if row["geschlecht"] == "2"]
    assert len(lone) == 1
    big = [row for row in rows if row["geschlecht"] == "1"]
    total = {q: (statistics.mean(int(r[q]) for r in rows), len(rows)) for q in SCALES}
    segment = {q: (statistics.mean(int(r[q]) for r in big), len(big)) for q in SCALES}
    leaks = recover(total, [segment])
    assert {q: (round(mean, 6), count) for q, (mean, count) in leaks.items()} == {
        q: (float(lone[0][q]), 1) for q in SCALES
    }


@pytest.mark.parametrize("question", ["unternehmensalter", "geschlecht", "position"])
def test_the_attack_finds_no_small_group_in_the_reports(tmp_path: Path, question: str) -> None:
    root = copy_study(tmp_path / "study")
    assert _segments(root, question) == 0
    reports = sorted((root / "build/batch").glob("*.pdf"))
    codes = [row[question] for row in _rows()]
    reportable = [code for code in set(codes) if codes.count(code) >= MIN_GROUP]
    assert len(reports) <= len(reportable)
    if not reports:  # geschlecht: 24 and 1, so nothing at all
        assert question == "geschlecht"
        return
    reported = [_reported(_text(pdf)) for pdf in reports]
    total = reported[0][1]
    assert recover(total, [segment for segment, _ in reported]) == {}
    # and on the unit level: the respondents in no reported segment
    bases = [e["base"] for e in _manifest(root)["entries"] if e["status"] == "ok"]
    rest = len(codes) - sum(bases)
    assert rest == 0 or rest >= MIN_GROUP


BRANCH = (
    "# Ihr Bericht\n\nIhre Kennung: {{ unit_label() }}.\n\n"
    '{% if own_code("item") == 1 %}\n{{ kaputt() }}\n{% endif %}\n\n{{ bar_chart("item") }}\n'
)


def test_a_content_error_in_one_branch_fails_only_that_report(
    tiny_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # The tiny project: 8 respondents; only R1 answered item with 1.
    root = tiny_project({"content-batch/01-bericht.md": BRANCH})
    (root / "build/batch").mkdir(parents=True)
    (root / "build/batch/R1.pdf").write_bytes(b"%PDF stale report from an earlier run")
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "2"]) == 1
    err = capsys.readouterr().err
    assert "Fehler: R1: content-batch/01-bericht.md, Zeile 6" in err
    entries = {e["key"]: e for e in _manifest(root)["entries"]}
    assert entries["R1"]["status"] == "failed"
    assert entries["R1"]["message"].startswith("content-batch/01-bericht.md, Zeile 6")
    assert {key: e["status"] for key, e in entries.items() if key != "R1"} == {f"R{n}": "ok" for n in range(2, 9)}
    assert not (root / "build/batch/R1.pdf").exists()  # the stale report went
    assert len(list((root / "build/batch").glob("*.pdf"))) == 7
    # A rerun makes the failed one again (it fails again) and keeps the others.
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0"]) == 1
    statuses = {e["key"]: e["status"] for e in _manifest(root)["entries"]}
    assert statuses == {"R1": "failed", **{f"R{n}": "unchanged" for n in range(2, 9)}}


def test_a_segment_withheld_now_loses_its_report(tiny_project: Callable[..., Path]) -> None:
    # gruppe: A = R1, R2, R3, R8 and B = R4–R7, four each. With min_group 4 both are reported; with 5 neither.
    chapter = {"content-batch/01-bericht.md": "# {{ unit_label() }}\n\n{{ n(where=segment()) }} Befragte.\n"}
    root = tiny_project(chapter)
    config = root / "report.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[batch]\nmin_group = 4\n", encoding="utf-8")
    assert main(["batch", "--project", str(root), "--by", "gruppe", "--workers", "0"]) == 0
    assert sorted(path.name for path in (root / "build/batch").glob("*.pdf")) == ["A.pdf", "B.pdf"]
    assert "4 Befragte." in _text(root / "build/batch/A.pdf")
    config.write_text(config.read_text(encoding="utf-8").replace("min_group = 4", "min_group = 5"), encoding="utf-8")
    assert main(["batch", "--project", str(root), "--by", "gruppe", "--workers", "0"]) == 0
    assert list((root / "build/batch").glob("*.pdf")) == []
    assert [e["status"] for e in _manifest(root)["entries"]] == ["withheld", "withheld"]


def test_shards_together_make_the_batch(tiny_project: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = tiny_project({"content-batch/01-bericht.md": "# {{ unit_label() }}\n\n{{ n() }} Befragte.\n"})
    for index in (1, 2, 3):
        assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0", "--shard", f"{index}/3"]) == 0
    keys = [
        [e["key"] for e in json.loads((root / f"build/batch/manifest.shard-{index}-of-3.json").read_text())["entries"]]
        for index in (1, 2, 3)
    ]
    # sorted ids R1 … R8 at positions 0–7; position p in shard p mod 3 + 1
    assert keys == [["R1", "R4", "R7"], ["R2", "R5", "R8"], ["R3", "R6"]]
    assert not (root / "build/batch/index.html").exists()
    capsys.readouterr()
    # one run without --shard finds them all and writes the batch's manifest and index
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0"]) == 0
    assert {e["status"] for e in _manifest(root)["entries"]} == {"unchanged"}
    assert "8 Berichte in" in capsys.readouterr().out
    assert (root / "build/batch/index.html").is_file()


def test_a_changed_report_file_is_made_again(tiny_project: Callable[..., Path]) -> None:
    root = tiny_project({"content-batch/01-bericht.md": "# {{ unit_label() }}\n\n{{ n() }} Befragte.\n"})
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0"]) == 0
    (root / "build/batch/R3.pdf").write_bytes(b"changed by hand")
    os.remove(root / "build/batch/R5.pdf")
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0"]) == 0
    statuses = {e["key"]: e["status"] for e in _manifest(root)["entries"]}
    assert {key for key, status in statuses.items() if status == "ok"} == {"R3", "R5"}
    assert (root / "build/batch/R3.pdf").read_bytes().startswith(b"%PDF")
    # a damaged manifest is ignored: every report is made again
    manifest = root / "build/batch/manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0"]) == 0
    assert {e["status"] for e in _manifest(root)["entries"]} == {"ok"}


def test_the_scheduler_address_from_the_environment_is_used(
    tiny_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tiny_project({"content-batch/01-bericht.md": "# {{ unit_label() }}\n"})
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")  # nothing listens on the discard port
    assert main(["batch", "--project", str(root), "--per", "id"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Der Dask-Scheduler tcp://127.0.0.1:9 ist nicht erreichbar")
    assert not list((root / "build").glob("batch/*.pdf"))


def test_a_full_disk_ends_the_run_with_the_reports_written_so_far(
    tiny_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tiny_project({"content-batch/01-bericht.md": "# {{ unit_label() }}\n"})
    full_disk_when_writing(".R3.pdf.", monkeypatch)
    assert main(["batch", "--project", str(root), "--per", "id", "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "Fehler: build/batch/R3.pdf: Die Datei lässt sich nicht schreiben (kein Speicherplatz mehr frei)."
    )
    statuses = {e["key"]: e["status"] for e in _manifest(root)["entries"]}
    assert statuses["R3"] == "failed" and list(statuses.values()).count("ok") == 7
    assert not (root / "build/batch/R3.pdf").exists()
    assert not list((root / "build/batch").glob(".*.tmp"))


def test_a_terminal_gets_a_progress_bar(tiny_project: Callable[..., Path]) -> None:
    root = tiny_project({"content-batch/01-bericht.md": "# {{ unit_label() }}\n"})
    main_side, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    command = [sys.executable, "-c", "import sys; from reportgen.cli import main; sys.exit(main())"]
    process = subprocess.Popen(
        [*command, "batch", "--project", str(root), "--per", "id", "--workers", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main_side, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    out, _ = process.communicate(timeout=300)
    os.close(main_side)
    assert process.returncode == 0
    screen = shown.decode("utf-8").replace("\r\n", "\n")
    states = [line for line in screen.split("\r") if line.startswith("Berichte ")]
    assert states[0].startswith("Berichte 0/8 |")
    assert re.fullmatch(r"Berichte 8/8 \|█+\| \[\d\d:\d\d<00:00, \d+,\d Berichte/min\]\n", states[-1]), states[-1]
    assert (
        out.decode("utf-8")
        == "8 Berichte in "
        + str(root / "build/batch")
        + "/ (0 fehlgeschlagen) – "
        + str(root / "build/batch/manifest.csv")
        + "\n"
    )
