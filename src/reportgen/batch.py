"""batch(root, request) -> BatchResult: one PDF per respondent or segment. Plans the units once, keeps the reports
whose inputs did not change, has the rest made by workers (batch_engine), and alone writes build/ (the PDFs as
they arrive, then the manifest and the index page)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import posixpath
import string
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .anonymity import withheld_units
from .arguments import UsageError
from .batch_inputs import inputs_digest
from .batch_manifest import (
    INDEX,
    MANIFEST,
    Manifest,
    ManifestEntry,
    index_html,
    latest_entries,
    manifest_csv,
    manifest_json,
    manifest_name,
    read_manifest,
    reusable,
)
from .batch_plan import (
    BatchMode,
    PlannedUnit,
    Shard,
    UnitPlan,
    by_units,
    per_units,
    plan_units,
    segment_question,
    slug,
)
from .batch_plan import shard_units as slice_plan
from .cache import library_stamp
from .config import Config, load_config
from .config_values import output_pattern_problem
from .data_stage import SurveyData, read_data, store_data
from .errors import ConfigError, Location, OutputError
from .layout import Layout
from .writer import BuildFolder

if TYPE_CHECKING:
    from .batch_worker import UnitJob, UnitOutcome

Progress = Callable[[int], AbstractContextManager[Callable[["UnitOutcome"], None]]]
_LIBRARIES = ("weasyprint", "pikepdf", "matplotlib", "pydyf", "fontTools", "pyphen")


@dataclass(frozen=True)
class BatchRequest:
    """What `reportgen batch` was asked: the mode, and how to run it."""

    mode: BatchMode
    content: str | None = None  # the batch content folder; None: [batch] content
    output: str | None = None  # the reports' file name pattern; None: [batch] output
    workers: int | None = None  # local processes; None: one per core; 0: in this process
    scheduler: str | None = None  # a Dask scheduler's address: the workers are that cluster's
    shard: Shard | None = None
    force: bool = False


@dataclass(frozen=True)
class BatchResult:
    """What the run did: the manifest, where it is, and each distinct warning with the number of reports it came in."""

    manifest: Manifest
    folder: str
    manifest_csv: str
    index: str | None
    written: int
    warnings: tuple[tuple[str, int], ...] = field(default=())

    @property
    def failed(self) -> tuple[ManifestEntry, ...]:
        return tuple(entry for entry in self.manifest.entries if entry.status == "failed")


def batch(root: Path, request: BatchRequest, *, progress: Progress | None = None) -> BatchResult:
    """Plan, make what is missing or changed, write the PDFs, the manifest and the index page.

    A mistake found before any report is made (settings, data, the mode) raises a ReportError; a report that fails
    is listed in the manifest with its message and does not stop the others."""
    config = load_config(root)
    named = _content_option(config, request.content) if request.content is not None else None
    content = named if named is not None else config.batch.content
    output = _output_option(request.output) if request.output is not None else config.batch.output
    config = dataclasses.replace(config, batch=dataclasses.replace(config.batch, content=content, output=output))
    _check_content_folder(config, named is not None)
    # Before the data is read: a file edited from now on makes the workers' digest differ, never a silent mix.
    digest = inputs_digest(config.layout, content)
    data = read_data(config)
    full = make_plan(config, data, request.mode)
    plan = slice_plan(full, request.shard) if request.shard is not None else full
    earlier = list(_previous_manifests(config.layout, full.folder))
    if not request.force:
        _refuse_other_batch(earlier, full.folder, request.mode)
    folder = BuildFolder(config.layout)
    store_data(folder, data.cache)  # the workers read the statistics from the cache instead of the responses
    # Reports of units no longer planned (a segment now withheld, with --force another mode) go before anything
    # else is made.
    folder.prune(full.folder, _file_glob(full.pattern), full.files())
    previous = {} if request.force else latest_entries(earlier)
    outcomes = _Collector(config, plan, folder)
    from .batch_worker import UnitJob  # imports the build: not needed for a mistake found before

    jobs: list[UnitJob] = []
    code = code_version()
    for planned in plan.units:
        unit_inputs = unit_digest(digest, code, planned, request.mode)
        old = previous.get(planned.unit.key)
        if reusable(old, unit_inputs, _file_sha256(config.layout, planned.file)):
            assert old is not None
            outcomes.keep(planned, dataclasses.replace(old, status="unchanged", label=planned.unit.label))
        else:
            outcomes.expect(planned, unit_inputs)
            jobs.append(UnitJob(str(config.root), planned.unit, digest, content=named))
    try:
        with _progress(progress, len(jobs)) as advance:
            _run(jobs, request, outcomes.receiver(advance))
    finally:  # also after Ctrl-C: the manifest lists what exists
        result = _write_manifest(config, plan, request, digest, outcomes)
    if outcomes.write_error is not None:
        raise outcomes.write_error
    return result


def make_plan(config: Config, data: SurveyData, mode: BatchMode) -> UnitPlan:
    """The units of the mode with the anonymity rules applied and their file names."""
    min_group, pattern, total = config.batch.min_group, config.batch.output, data.stats.respondents
    if mode.kind == "per":
        ids = _ids(data) if mode.column == config.survey.id_column else []
        units = per_units(ids, mode.column, config.survey.id_column, min_group, config.layout.responses)
        return plan_units(units, {}, mode, total, pattern)
    units = by_units(segment_question(data.stats.questions, mode.column), config.layout.codebook)
    withheld = withheld_units({unit.key: unit.size for unit in units}, total, min_group)
    return plan_units(units, withheld, mode, total, pattern)


def unit_digest(inputs: str, code: str, planned: PlannedUnit, mode: BatchMode) -> str:
    """Everything a unit's report is made from: the project's inputs, the unit and its file, and the code and
    libraries that make it (an upgrade rebuilds every report)."""
    unit = planned.unit
    described = [inputs, mode.kind, mode.column, unit.key, unit.label, unit.code, unit.row, unit.size, planned.file]
    return hashlib.sha256(json.dumps([*described, code]).encode("utf-8")).hexdigest()


def code_version() -> str:
    """reportgen's version and sources, and the installed libraries that lay out and write the PDF."""
    digest = hashlib.sha256(__version__.encode("utf-8"))
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode("utf-8"))
        digest.update(source.read_bytes())
    for library in _LIBRARIES:
        digest.update(library_stamp(library).encode("utf-8"))
    return digest.hexdigest()


def _ids(data: SurveyData) -> list[str]:
    return [str(identifier) for identifier in data.respondents.frame().index]


def _content_option(config: Config, content: str) -> str:
    """--content FOLDER as a project-relative name; a folder outside the project is refused."""
    name = posixpath.normpath(content.replace(os.sep, "/"))
    root = config.root.resolve()
    if Path(name).is_absolute() or not (root / name).resolve().is_relative_to(root) or name == ".":
        raise UsageError(
            f"--content {content}: der Ordner liegt nicht im Projektordner.",
            hint="Nennen Sie einen Ordner im Projekt, relativ zu ihm, z. B. --content content-batch.",
        )
    return name


def _output_option(pattern: str) -> str:
    """--output PATTERN, checked as [batch] output is."""
    name = pattern.replace(os.sep, "/")
    problem = output_pattern_problem(name, "--output", 'Schreiben Sie z. B. --output "build/segmente/{key}.pdf".')
    if problem is not None:
        message, hint = problem
        raise UsageError(message, hint=hint)
    return name


def _refuse_other_batch(earlier: list[Manifest], folder: str, mode: BatchMode) -> None:
    """A folder whose latest batch was of another mode is not taken over without --force: its reports would go."""
    if not earlier or earlier[-1].mode == mode.option:
        return
    raise UsageError(
        f"{folder}/ enthält die Berichte von „reportgen batch {earlier[-1].mode}“ ({folder}/{MANIFEST}.json); "
        f"dieser Lauf ({mode.option}) würde sie löschen.",
        hint=f'Geben Sie diesen Berichten einen eigenen Ordner, z. B. --output "build/batch-{slug(mode.column)}/{{key}}.pdf" '
        "(oder [batch] output in report.toml), oder ersetzen Sie die alten Berichte mit --force.",
    )


def _check_content_folder(config: Config, named: bool) -> None:
    content = config.batch.content
    if config.layout.path(content).is_dir():
        return
    where = f"--content {content}" if named else f"[batch] content = „{content}“"
    raise ConfigError(
        f"{where}: der Ordner {content}/ mit den Kapiteln der Batch-Berichte fehlt.",
        Location(Layout.config) if not named else None,
        "Legen Sie ihn an (ein Kapitel je Datei wie in content/) oder nennen Sie einen anderen Ordner mit "
        "--content ORDNER oder [batch] content in report.toml.",
    )


def _file_glob(pattern: str) -> str:
    """The file names `pattern` gives, as a glob: its placeholders as `*`."""
    parts: list[str] = []
    for text, field_name, _, _ in string.Formatter().parse(posixpath.basename(pattern)):
        parts.append(_glob_escape(text))
        if field_name is not None:
            parts.append("*")
    return "".join(parts)


def _glob_escape(text: str) -> str:
    return "".join(f"[{character}]" if character in "*?[" else character for character in text)


def _file_sha256(layout: Layout, name: str) -> str | None:
    """The SHA-256 of a report as it is on disk, or None for a missing file (or anything but a plain file)."""
    path = layout.path(name)
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def _previous_manifests(layout: Layout, folder: str) -> Iterator[Manifest]:
    """The manifests of earlier runs, the whole batch's and each shard's, oldest first (so that a later entry wins);
    damaged ones are skipped."""
    directory = layout.path(folder)
    paths = [directory / f"{MANIFEST}.json", *directory.glob(f"{MANIFEST}.shard-*-of-*.json")]
    found = [path for path in paths if not path.is_symlink() and path.is_file()]
    for path in sorted(found, key=lambda path: (path.stat().st_mtime_ns, path.name)):
        try:
            manifest = read_manifest(path.read_bytes())
        except OSError:
            continue
        if manifest is not None:
            yield manifest


class _Collector:
    """The manifest's entries as the run makes them; each PDF is written as soon as it arrives."""

    def __init__(self, config: Config, plan: UnitPlan, folder: BuildFolder) -> None:
        self._plan = plan
        self._folder = folder
        self._layout = config.layout
        self._expected: dict[str, tuple[PlannedUnit, str]] = {}
        self.entries: dict[str, ManifestEntry] = {
            held.key: ManifestEntry(held.key, held.label, "withheld", message=held.reason) for held in plan.withheld
        }
        self.written = 0
        self.warnings: Counter[str] = Counter()
        self.write_error: OutputError | None = None

    def keep(self, planned: PlannedUnit, entry: ManifestEntry) -> None:
        self.entries[planned.unit.key] = entry

    def expect(self, planned: PlannedUnit, unit_inputs: str) -> None:
        self._expected[planned.unit.key] = (planned, unit_inputs)

    def receiver(self, advance: Callable[[UnitOutcome], None]) -> Callable[[UnitOutcome], None]:
        def receive(outcome: UnitOutcome) -> None:
            self._receive(outcome)
            advance(outcome)

        return receive

    def _receive(self, outcome: UnitOutcome) -> None:
        planned, unit_inputs = self._expected[outcome.key]
        if outcome.status == "ok" and outcome.pdf is not None:
            try:
                self._folder.write(planned.file, outcome.pdf)
            except OutputError as error:  # a full disk: the unit fails, and the run ends with the error
                self.write_error = self.write_error or error
                outcome = dataclasses.replace(outcome, status="failed", message=str(error))
        ok = outcome.status == "ok" and outcome.pdf is not None
        if ok:
            self.written += 1
            self.warnings.update(outcome.warnings)
        else:  # a failed report's earlier PDF would pass for current: it goes
            self._folder.prune(posixpath.dirname(planned.file), _glob_escape(posixpath.basename(planned.file)), keep=())
        unit = planned.unit
        self.entries[unit.key] = ManifestEntry(
            unit.key,
            unit.label,
            "ok" if ok else "failed",
            planned.file,
            outcome.pages if ok else 0,
            unit.size if unit.kind == "by" else self._plan.total - 1,
            "" if ok else outcome.message,
            hashlib.sha256(outcome.pdf).hexdigest() if ok and outcome.pdf is not None else "",
            unit_inputs,
            round(outcome.seconds, 3),
            outcome.worker,
            outcome.attempts,
            outcome.warnings if ok else (),
            round(outcome.peak_mib, 1),
        )


@contextlib.contextmanager
def _progress(progress: Progress | None, total: int) -> Iterator[Callable[[UnitOutcome], None]]:
    if progress is None:
        yield lambda outcome: None
        return
    with progress(total) as advance:
        yield advance


def _run(jobs: list[UnitJob], request: BatchRequest, on_outcome: Callable[[UnitOutcome], None]) -> None:
    if not jobs:
        return
    from .batch_engine import run_units

    workers = request.workers if request.workers is not None else default_workers()
    run_units(jobs, workers=min(workers, len(jobs)), scheduler=request.scheduler, on_outcome=on_outcome)


def default_workers() -> int:
    """One worker process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _write_manifest(
    config: Config, plan: UnitPlan, request: BatchRequest, digest: str, outcomes: _Collector
) -> BatchResult:
    """manifest.json and manifest.csv (a shard's own names), and for the whole batch index.html."""
    shard = str(request.shard) if request.shard is not None else ""
    order = [planned.unit.key for planned in plan.units] + [held.key for held in plan.withheld]
    entries = tuple(outcomes.entries[key] for key in sorted(order) if key in outcomes.entries)
    manifest = Manifest(request.mode.option, config.batch.min_group, digest, __version__, shard, entries)
    files = {
        manifest_name(plan.folder, shard, "json"): manifest_json(manifest),
        manifest_name(plan.folder, shard, "csv"): manifest_csv(manifest),
    }
    index = None
    if not shard:
        index = f"{plan.folder}/{INDEX}"
        files[index] = index_html(manifest, config.batch.title or config.report.title, plan.folder)
    BuildFolder(config.layout).publish(files)
    warnings = tuple(sorted(outcomes.warnings.items()))
    csv_name = manifest_name(plan.folder, shard, "csv")
    return BatchResult(manifest, plan.folder, csv_name, index, outcomes.written, warnings)
