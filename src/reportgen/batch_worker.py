"""One batch report in a worker process (a local pool's, a Dask worker's, or the coordinator itself): the job in,
the PDF's bytes or the reason it failed out. Nothing is written; the coordinator writes build/."""

from __future__ import annotations

import atexit
import dataclasses
import gc
import hashlib
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .batch_inputs import inputs_digest
from .build import build_unit
from .config import Config, load_config
from .errors import ReportError
from .focus import Focus, Unit
from .prepare_cache import PrepareCache

OutcomeStatus = Literal["ok", "failed"]

CHANGED = (
    "Die Projektdateien haben sich während des Laufs geändert; dieser Bericht wurde nicht erstellt. Starten Sie "
    "reportgen batch erneut, wenn alle Änderungen gespeichert sind (auf einem Dask-Cluster muss jeder Worker den "
    "Projektordner unter demselben Pfad mit denselben Dateien sehen)."
)


@dataclass(frozen=True)
class UnitJob:
    """One report to make: the project folder (the same path on every worker), its unit, the digest of the inputs
    the coordinator planned with (batch_inputs), and which attempt this is."""

    root: str
    unit: Unit
    inputs_digest: str
    attempt: int = 1
    content: str | None = None  # the batch content folder (--content); None: [batch] content


@dataclass(frozen=True)
class UnitOutcome:
    """What became of one job: the PDF (status "ok") or the German message why not ("failed")."""

    key: str
    status: OutcomeStatus
    pdf: bytes | None
    pages: int
    sha256: str
    message: str
    warnings: tuple[str, ...]
    seconds: float
    worker: str  # host:pid
    peak_mib: float  # the worker process's peak resident memory so far
    attempts: int


@dataclass(frozen=True)
class _Project:
    """What a worker process keeps for one project between its reports: the config and the PrepareCache (data,
    templates, stylesheet and fonts, charts drawn), for the inputs with this digest."""

    config: Config
    digest: str
    cache: PrepareCache


# The worker process's memo (it lives as long as the process, which makes reports of one run; by project folder
# and batch content folder), and one report at a time even where a Dask worker runs several tasks in threads.
_projects: dict[tuple[str, str | None], _Project] = {}
_one_at_a_time = threading.Lock()
# Emptied before the interpreter tears its modules down: WeasyPrint's FontConfiguration, kept in the memo, cannot
# be deleted afterwards (it prints an ignored TypeError).
atexit.register(_projects.clear)


def render_unit(job: UnitJob) -> UnitOutcome:
    """Make the job's report. A user mistake (ReportError) fails the unit with its German message, as does an
    unexpected exception (with its type), so that one report never stops the others."""
    started = time.perf_counter()
    with _one_at_a_time:
        try:
            outcome = _render(job, started)
        except ReportError as error:
            outcome = _failed(job, str(error), started)
        except Exception as error:  # a bug; the message names it so that it can be reported
            outcome = _failed(job, f"Unerwarteter Fehler ({type(error).__name__}): {error}", started)
        gc.collect()  # the laid-out pages hold reference cycles: without this a worker grows by MiBs per report
    return outcome


def _render(job: UnitJob, started: float) -> UnitOutcome:
    project = _project(job)
    if project is None:
        return _failed(job, CHANGED, started)
    focus = Focus(job.unit, project.config.batch.min_group)
    unit = build_unit(project.config, focus, project.cache)
    return UnitOutcome(
        job.unit.key,
        "ok",
        unit.data,
        unit.pages,
        hashlib.sha256(unit.data).hexdigest(),
        "",
        tuple(str(warning) for warning in unit.warnings),
        time.perf_counter() - started,
        worker_name(),
        peak_mib(),
        job.attempt,
    )


def _project(job: UnitJob) -> _Project | None:
    """The kept project if its inputs are still those of the job's digest, else read anew; None when the files
    on disk are not those the coordinator planned with."""
    key = (job.root, job.content)
    kept = _projects.get(key)
    if kept is not None and _digest(kept.config) == job.inputs_digest == kept.digest:
        return kept
    _projects.pop(key, None)
    config = load_config(Path(job.root))
    if job.content is not None:
        config = dataclasses.replace(config, batch=dataclasses.replace(config.batch, content=job.content))
    digest = _digest(config)
    if digest != job.inputs_digest:
        return None
    project = _projects[key] = _Project(config, digest, PrepareCache())
    return project


def _digest(config: Config) -> str:
    return inputs_digest(config.layout, config.batch.content)


def _failed(job: UnitJob, message: str, started: float) -> UnitOutcome:
    seconds = time.perf_counter() - started
    return UnitOutcome(
        job.unit.key, "failed", None, 0, "", message, (), seconds, worker_name(), peak_mib(), job.attempt
    )


def worker_name() -> str:
    """This process as host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def peak_mib() -> float:
    """This process's peak resident memory in MiB (ru_maxrss counts KiB on Linux, bytes on macOS)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
