"""The commands `new`, `build`, `check`, `codebook`, `watch` and `batch`, thin over the library, and the project folder
they use."""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import importlib
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .arguments import UsageError
from .errors import ConfigError, DataError, ReportError
from .files import absolute
from .layout import Layout
from .terminal import SUBSET_HINT, library_notices, progress
from .timing import StageHook

if TYPE_CHECKING:
    from .build import BuildResult

EXIT_SOME_FAILED = 1  # reportgen batch: a report failed, the others were made
EXIT_INTERRUPTED = 130


def find_project(start: Path) -> Path:
    """The first folder from `start` upwards that holds report.toml, as git finds its repository."""
    found = nearest_project(start)
    if found is not None:
        return found
    raise ConfigError(
        f"Kein Projekt: weder {start} noch ein Ordner darüber enthält {Layout.config}.",
        hint="Legen Sie mit „reportgen new ORDNER“ ein Projekt an oder nennen Sie den Projektordner mit --project ORDNER.",
    )


def nearest_project(start: Path) -> Path | None:
    """The first folder from `start` upwards that holds report.toml, or None."""
    return next((folder for folder in (start, *start.parents) if (folder / Layout.config).is_file()), None)


def build_as_command(
    root: Path, on_stage: StageHook | None = None, *, strict: bool = False, exiting: bool = False
) -> BuildResult:
    """`build()` as `reportgen build` runs it: the project read and the charts drawn in one worker process, no
    cyclic GC passes. With `exiting` (the process ends right after), the collector stays off afterwards too: its
    first pass would walk every object the build left (0.1 s after the study) to free what the exit frees anyway.

    The worker dies with this process, however it ends, and never writes to the terminal (see `workers`)."""
    from .build import build
    from .workers import chart_worker

    collecting = gc.isenabled()
    # WeasyPrint builds millions of short-lived objects with few cycles: the cyclic collector's full
    # passes over them cost about a tenth of the build and free next to nothing.
    gc.disable()
    try:
        # One worker reads the project, then draws the charts and makes report.html, on the second core while this
        # process imports WeasyPrint and lays out the pages.
        with chart_worker() as executor, _noticing_ctrl_c() as pressed:
            ending = _ending_if(pressed, on_stage)
            return build(root, executor=executor, on_stage=ending, strict=strict, meanwhile=_import_pdf_libraries)
    finally:
        if collecting and not exiting:
            gc.enable()


def _import_pdf_libraries() -> None:
    """pikepdf, then WeasyPrint (build's `meanwhile`, while the worker reads the project)."""
    from .build import import_layout

    with _deferring_ctrl_c():
        # pikepdf's extension aborts the process if a KeyboardInterrupt comes while it is initialised
        importlib.import_module("pikepdf")
    import_layout()


@contextlib.contextmanager
def _on_ctrl_c(handler: Callable[[int, object], None]) -> Iterator[None]:
    """`handler` for Ctrl-C while the block runs (only the main thread may set one; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _noticing_ctrl_c() -> Iterator[list[int]]:
    """Ctrl-C raises KeyboardInterrupt as always, and is remembered in the yielded list: an exception raised where
    Python or a library ignores exceptions (an import's module-lock callback, WeasyPrint drawing an SVG image) is
    lost, and the build must still end."""
    pressed: list[int] = []

    def note_and_raise(signum: int, frame: object) -> None:
        pressed.append(signum)
        raise KeyboardInterrupt

    with _on_ctrl_c(note_and_raise):
        yield pressed


@contextlib.contextmanager
def _deferring_ctrl_c() -> Iterator[None]:
    """Ctrl-C only noted while the block runs, and raised as KeyboardInterrupt when it ends. (Blocking SIGINT in
    this thread is not enough: another thread then receives it, and Python still runs the handler here.)"""
    pressed: list[int] = []
    with _on_ctrl_c(lambda signum, frame: pressed.append(signum)):
        yield
    if pressed:
        raise KeyboardInterrupt


def _ending_if(pressed: list[int], on_stage: StageHook | None) -> StageHook:
    """`on_stage`, and after every stage the end of the build if Ctrl-C was pressed (before anything is written)."""

    def hook(name: str, seconds: float) -> None:
        if on_stage is not None:
            on_stage(name, seconds)
        if pressed:
            raise KeyboardInterrupt

    return hook


def run_new(arguments: argparse.Namespace) -> int:
    from .starter import NewProjectError, create_project

    if arguments.project is not None:
        raise UsageError(
            "--project gilt nicht für new.", hint="Nennen Sie den neuen Ordner direkt: reportgen new ORDNER."
        )
    folder = Path(arguments.folder)
    absolute(folder, NewProjectError)  # a working folder deleted under the shell is one message of its own
    create_project(folder)
    here = folder.resolve() == Path.cwd().resolve()
    step = "reportgen build" if here else f"cd {shlex.quote(str(folder))} && reportgen build"
    print(f"Projekt in {folder} angelegt. Weiter mit: {step}")
    return 0


def run_build(arguments: argparse.Namespace) -> int:
    root = _project_root(arguments.project)
    terminal = sys.stderr.isatty()
    with library_notices() as notices, progress(sys.stderr if terminal else None) as on_stage:
        result = build_as_command(root, on_stage, strict=arguments.strict, exiting=arguments.exiting)
    _print_warnings(result.warnings)
    if terminal and notices.slow_subsetting:
        print(SUBSET_HINT, file=sys.stderr)
    print(f"{_shown(result.pdf, root)} geschrieben: {result.pages} Seiten.")
    return 0


def run_check(arguments: argparse.Namespace) -> int:
    from .build import check

    project = check(_project_root(arguments.project), strict=arguments.strict)
    _print_warnings(project.warnings)
    print(f"Keine Fehler gefunden ({len(project.content.chapters)} Kapitel, {project.stats.respondents} Befragte).")
    return 0


def run_codebook(arguments: argparse.Namespace) -> int:
    from .codebook_draft import write_codebook_draft

    here = absolute(Path(), ConfigError)
    root = _project_root(arguments.project) if arguments.project is not None else nearest_project(here)
    written = write_codebook_draft(
        absolute(Path(arguments.data_file), DataError), arguments.data_file, root, force=arguments.force
    )
    shown = _shown(written.path, root or here)
    print(f"Entwurf des Codebuchs in {shown} geschrieben ({written.questions} Fragen): prüfen und ergänzen Sie ihn.")
    for note in written.notes:
        print(f"Hinweis: {note}")
    return 0


def run_watch(arguments: argparse.Namespace) -> int:
    from .watch import serve

    port = _port(arguments.port)
    root = _project_root(arguments.project)

    def complain(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with library_notices(), _noticing_ctrl_c() as pressed:
        try:
            with _deferring_ctrl_c():
                importlib.import_module("pikepdf")  # see build_as_command
            serve(
                root,
                port,
                on_stage=_ending_if(pressed, None),
                say=_say,
                complain=complain,
                interrupted=lambda: bool(pressed),
            )
        except KeyboardInterrupt:
            pdf = root / Layout.pdf
            kept = f"; {_shown(pdf, root)} ist die letzte fehlerfreie Fassung" if pdf.is_file() else ""
            print(f"Vorschau beendet{kept}.")
    return 0


def run_batch(arguments: argparse.Namespace) -> int:
    from .batch import BatchRequest, batch
    from .batch_plan import BatchMode, parse_shard
    from .batch_progress import batch_progress, summary_line

    if getattr(arguments, "strict", False):
        raise UsageError(
            "--strict gilt nicht für batch.",
            hint="Die Warnungen der Berichte nennt reportgen batch am Ende, jede einmal, und manifest.json je Bericht.",
        )
    mode = BatchMode("per", arguments.per) if arguments.per is not None else BatchMode("by", arguments.by)
    scheduler = arguments.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if scheduler is not None and arguments.workers is not None:
        raise UsageError(
            "--workers gilt nicht mit einem Dask-Scheduler: dort bestimmt der Cluster die Worker.",
            hint="Lassen Sie --workers weg (oder DASK_SCHEDULER_ADDRESS leer, um auf diesem Rechner zu bauen).",
        )
    request = BatchRequest(
        mode,
        content=arguments.content,
        output=arguments.output,
        workers=_workers(arguments.workers) if arguments.workers is not None else None,
        scheduler=scheduler,
        shard=parse_shard(arguments.shard) if arguments.shard is not None else None,
        force=arguments.force,
    )
    root = _project_root(arguments.project)
    terminal = sys.stderr.isatty()
    try:
        with library_notices():
            result = batch(root, request, progress=functools.partial(batch_progress, sys.stderr if terminal else None))
    except KeyboardInterrupt:
        print("Abgebrochen; die fertigen Berichte stehen im Manifest, ein erneuter Aufruf setzt fort.", file=sys.stderr)
        return EXIT_INTERRUPTED
    for warning, reports in result.warnings:
        print(f"Warnung (in {reports} {'Bericht' if reports == 1 else 'Berichten'}): {warning}", file=sys.stderr)
    for entry in result.failed:
        print(f"Fehler: {entry.label}: {entry.message}", file=sys.stderr)
    manifest = result.manifest
    csv_name = _shown(root / result.manifest_csv, root)
    folder = _shown(root / result.folder, root)
    counts = (manifest.count("ok"), manifest.count("unchanged"), len(result.failed), manifest.count("withheld"))
    print(summary_line(*counts, manifest.min_group, folder, csv_name))
    return EXIT_SOME_FAILED if result.failed else 0


def _workers(text: str) -> int:
    """--workers: a number of processes, 0 for none (the reports are made in this process)."""
    if not text.isdigit():
        raise UsageError(
            f"--workers: „{text}“ ist keine Anzahl.", hint="Erlaubt sind ganze Zahlen ab 0 (0: im selben Prozess)."
        )
    return int(text)


def _port(text: str) -> int:
    """--port: a TCP port number, 0 for any free one."""
    if not text.isdigit() or int(text) > 65535:
        raise UsageError(
            f"--port: „{text}“ ist keine Portnummer.", hint="Erlaubt sind 0 bis 65535 (0: ein freier Port)."
        )
    return int(text)


def _say(line: str) -> None:
    print(line, flush=True)


def _project_root(project: str | None) -> Path:
    """The folder --project names, or the nearest one with report.toml from the working folder upwards."""
    if project is not None:
        return absolute(Path(project), ConfigError)
    return find_project(absolute(Path(), ConfigError))


def _shown(path: Path, root: Path) -> str:
    """An output path as the user sees it from the working folder: relative when that is in or above the project."""
    here, path, root = Path.cwd().resolve(), path.resolve(), root.resolve()
    if path.is_relative_to(here) or here.is_relative_to(root):
        return os.path.relpath(path, here)
    return str(path)


def _print_warnings(warnings: Sequence[ReportError]) -> None:
    for warning in warnings:
        print(f"Warnung: {warning}", file=sys.stderr)
