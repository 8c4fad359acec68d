"""batch_inputs, batch_worker, batch_engine: the study's batch reports made in this process and in a local process
pool are the same bytes; a worker killed mid-run costs its reports one more attempt, not the run."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import signal
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import page
import psutil
import pypdf
import pytest

from projects import copy_study
from reportgen import batch_engine
from reportgen import build as building
from reportgen.batch_engine import run_units
from reportgen.batch_inputs import inputs_digest
from reportgen.batch_worker import CHANGED, UnitJob, UnitOutcome, render_unit
from reportgen.config import load_config
from reportgen.focus import Unit
from test_pdf_segments import page_texts

BATCH = "content-batch"
# A short report per respondent (quicker than the study's): the unit's label in the text and two charts that mark
# the respondent's answer.
BATCH_FILES = {
    f"{BATCH}/01-vergleich.md": (
        "# Ihr Unternehmen im Vergleich\n\n"
        "Bericht für {{ unit_label() }}. {{ n() }} Unternehmen haben teilgenommen.\n\n"
        "{{ bar_chart('strategie') }}\n\n"
        "{{ bar_chart('umsetzung') }}\n"
    ),
}


def batch_study(target: Path) -> Path:
    """A copy of the study with a short batch content of its own."""
    root = copy_study(target)
    shutil.rmtree(root / BATCH, ignore_errors=True)
    for name, text in BATCH_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def respondents(root: Path) -> list[dict[str, str]]:
    """The study's responses, read with csv."""
    with (root / "data/responses.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def jobs_for(root: Path, count: int) -> list[UnitJob]:
    """One job per respondent for the first `count` respondents of the study."""
    config = load_config(root)
    digest = inputs_digest(config.layout, config.batch.content)
    ids = [row["id"] for row in respondents(root)[:count]]
    return [UnitJob(str(root), Unit(key, key, "per", "id", row=row), digest) for row, key in enumerate(ids)]


def text_of(data: bytes) -> str:
    """The PDF's text with the spaces of justified lines and the line ends as single spaces."""
    return " ".join(" ".join(page_texts(data)).split())


def title_lines(data: bytes) -> list[str]:
    return page_texts(data)[0].splitlines()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_study(tmp_path_factory.mktemp("batch") / "studie")


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return batch_study(tmp_path_factory.mktemp("batch") / "kurz")


@pytest.fixture(scope="module")
def in_process(root: Path) -> list[UnitOutcome]:
    """Two respondents' reports, made in this process."""
    return run_units(jobs_for(root, 2), workers=0, scheduler=None, on_outcome=lambda outcome: None)


# The inputs' digest


def test_the_digest_names_the_batch_inputs_and_nothing_else(tmp_path: Path) -> None:
    root = batch_study(tmp_path / "studie")
    config = load_config(root)

    def digest() -> str:
        return inputs_digest(config.layout, BATCH)

    first = digest()
    assert digest() == first and len(first) == 64
    (root / "content/01-einleitung.md").write_text("Nur im Studienbericht.\n", encoding="utf-8")
    assert digest() == first  # the study's own chapters are not read by a batch report
    changed = {first}
    for name in (f"{BATCH}/01-vergleich.md", "data/responses.csv", "data/codebook.toml", "templates/style.css"):
        with (root / name).open("a", encoding="utf-8") as file:
            file.write("\n")
        changed.add(digest())
    (root / BATCH / "02-neu.md").write_text("# Neu\n", encoding="utf-8")
    changed.add(digest())
    (root / "content/literatur.toml").unlink()
    changed.add(digest())
    assert len(changed) == 7  # each edit, file added or removed gave a new digest


def test_a_job_planned_with_other_files_fails_in_german(tmp_path: Path) -> None:
    root = batch_study(tmp_path / "studie")
    job = jobs_for(root, 1)[0]
    (root / BATCH / "01-vergleich.md").write_text("# Geändert\n", encoding="utf-8")
    outcome = render_unit(job)
    assert (outcome.key, outcome.status, outcome.pdf, outcome.message) == ("R01", "failed", None, CHANGED)
    assert outcome.attempts == 1
    assert outcome.worker.endswith(f":{os.getpid()}")


def test_a_worker_keeps_the_charts_used_last_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(building, "UNIT_CHARTS_KEPT", 10)
    known: dict[str, bytes] = {}
    building._remember(known, {"a.svg": b"1234", "b.svg": b"1234"})
    assert list(known) == ["a.svg", "b.svg"]
    building._remember(known, {"a.svg": b"1234", "c.svg": b"1234"})  # 12 bytes: b, used longest ago, goes
    assert known == {"a.svg": b"1234", "c.svg": b"1234"}


@pytest.mark.slow
def test_a_mistake_in_the_batch_content_fails_the_unit_at_its_line(tmp_path: Path) -> None:
    root = batch_study(tmp_path / "studie")
    (root / BATCH / "01-vergleich.md").write_text("# Vergleich\n\n{{ gibts_nicht() }}\n", encoding="utf-8")
    outcome = render_unit(jobs_for(root, 1)[0])
    assert outcome.status == "failed" and outcome.pdf is None
    assert outcome.message.startswith(f"{BATCH}/01-vergleich.md, Zeile 3: ")


@pytest.mark.slow
def test_the_batch_title_replaces_the_reports_title(tmp_path: Path) -> None:
    root = batch_study(tmp_path / "studie")
    with (root / "report.toml").open("a", encoding="utf-8") as file:
        file.write('\n[batch]\ntitle = "Ihr Unternehmen im Vergleich"\n')
    outcome = render_unit(jobs_for(root, 1)[0])
    assert outcome.status == "ok" and outcome.pdf is not None, outcome.message
    assert "Bericht für R01." in text_of(outcome.pdf)
    assert title_lines(outcome.pdf)[1:3] == ["Ihr Unternehmen im Vergleich", "R01"]
    metadata = pypdf.PdfReader(io.BytesIO(outcome.pdf)).metadata
    assert metadata is not None and metadata.title == "Ihr Unternehmen im Vergleich"


# Reports in this process and in a pool


@pytest.mark.slow
def test_reports_made_in_this_process(root: Path, in_process: list[UnitOutcome]) -> None:
    rows = respondents(root)
    assert [outcome.key for outcome in in_process] == [row["id"] for row in rows[:2]] == ["R01", "R02"]
    answers = [int(row["strategie"]) for row in rows if row["strategie"]]  # 0..5, no missing codes
    mean = f"{statistics.mean(answers):.2f}".replace(".", ",")
    for outcome, row in zip(in_process, rows, strict=False):
        assert outcome.status == "ok", outcome.message
        assert outcome.pdf is not None and outcome.pages >= 5
        assert outcome.sha256 == hashlib.sha256(outcome.pdf).hexdigest()
        assert outcome.attempts == 1 and outcome.peak_mib > 50
        text = text_of(outcome.pdf)
        # the unit under the title
        assert title_lines(outcome.pdf)[1:4] == ["Ressourceneffiziente", "Produktion", outcome.key]
        assert f"unter der Kennung {outcome.key}." in text
        assert f"Insgesamt haben {len(rows)} Unterneh" in text  # the word may be hyphenated at the line end
        assert f"Ihr Unternehmen: {row['strategie']} – Gesamt: Mittelwert {mean}." in text
    assert len({outcome.sha256 for outcome in in_process}) == 2
    assert not (root / "build").exists()  # nothing written: no report, no chart or segment cache


@pytest.mark.slow
def test_a_report_passes_the_pdf_ua_check(in_process: list[UnitOutcome], tmp_path: Path) -> None:
    data = in_process[0].pdf
    assert data is not None
    path = tmp_path / "R01.pdf"
    path.write_bytes(data)
    report = page.validate_pdf(str(path), profile="ua1")
    assert report.is_compliant, sorted({failure.rule_id for failure in report.failures})


@pytest.mark.slow
def test_a_pool_makes_the_same_bytes_as_this_process(root: Path, in_process: list[UnitOutcome]) -> None:
    heard: list[str] = []
    pooled = run_units(jobs_for(root, 2), workers=2, scheduler=None, on_outcome=lambda o: heard.append(o.key))
    assert sorted(heard) == ["R01", "R02"]
    assert [outcome.key for outcome in pooled] == ["R01", "R02"]  # in the jobs' order
    assert [outcome.pdf for outcome in pooled] == [outcome.pdf for outcome in in_process]
    workers = {outcome.worker for outcome in pooled}
    assert len(workers) == 2 and not any(worker.endswith(f":{os.getpid()}") for worker in workers)


@pytest.mark.slow
def test_a_worker_killed_mid_run_costs_its_reports_one_more_attempt(short: Path) -> None:
    jobs = jobs_for(short, 4)
    heard: list[UnitOutcome] = []

    def kill_the_first_reporter(outcome: UnitOutcome) -> None:
        heard.append(outcome)
        if len(heard) == 1:  # it has taken the next report by now: the coordinator hands one on before it calls back
            os.kill(pid(outcome), signal.SIGKILL)

    outcomes = run_units(jobs, workers=2, scheduler=None, on_outcome=kill_the_first_reporter)
    assert [outcome.status for outcome in outcomes] == ["ok"] * 4, [outcome.message for outcome in outcomes]
    attempts = [outcome.attempts for outcome in outcomes]
    assert 2 in attempts and set(attempts) <= {1, 2}
    assert pid(heard[0]) not in {pid(outcome) for outcome in heard[1:]}  # the killed worker made no more reports


def pid(outcome: UnitOutcome) -> int:
    return int(outcome.worker.rsplit(":", 1)[1])


@pytest.mark.slow
def test_a_report_whose_worker_dies_three_times_fails(short: Path) -> None:
    jobs = jobs_for(short, 2)
    with killing_every_worker():
        outcomes = run_units(jobs, workers=1, scheduler=None, on_outcome=lambda outcome: None)
    assert [(outcome.key, outcome.status, outcome.attempts) for outcome in outcomes] == [
        ("R01", "failed", 3),
        ("R02", "failed", 3),
    ]
    assert outcomes[0].message == (
        "Der Worker-Prozess wurde 3-mal während dieses Berichts beendet; der Bericht wurde nicht erstellt. Meist "
        "fehlt Arbeitsspeicher: versuchen Sie es mit weniger Workern (--workers)."
    )
    assert batch_engine.MAX_ATTEMPTS == 3


@contextmanager
def killing_every_worker() -> Iterator[None]:
    """While the block runs, every pool worker this process spawns is killed as soon as it is seen."""
    since = time.time() - 1
    stop = threading.Event()

    def kill() -> None:
        while not stop.wait(0.02):
            for child in _pool_workers(since):
                with suppress(psutil.NoSuchProcess):
                    child.send_signal(signal.SIGKILL)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _pool_workers(since: float) -> Iterator[psutil.Process]:
    for child in psutil.Process().children():
        try:
            if child.create_time() >= since and "spawn_main" in " ".join(child.cmdline()):
                yield child
        except psutil.NoSuchProcess:
            continue
