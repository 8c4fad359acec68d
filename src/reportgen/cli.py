"""Command line: `reportgen new`, `build`, `check` and `codebook`, thin over the library, in German like its messages."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import shlex
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__
from .arguments import COMMAND, GermanParser, UsageError
from .errors import ConfigError, DataError, ReportError, ReportErrors
from .files import absolute
from .layout import Layout
from .timing import StageHook

if TYPE_CHECKING:
    from .build import BuildResult

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
_FOLDER = "ORDNER"  # the metavar of folders in the help

# What `reportgen build` shows on a terminal while a stage runs, in the order build() runs them.
STAGE_LABELS = {
    "config": "report.toml lesen",
    "data": "Daten und Codebuch prüfen",
    "content": "Kapitel rendern",
    "page": "Seite zusammensetzen",
    "charts": "Diagramme in Auftrag geben",
    "layout": "Seiten setzen",
    "pdf": "PDF erzeugen",
    "charts-wait": "auf die Diagramme warten",
    "write": "Dateien schreiben",
}

# Library notices an editor can't act on (exact messages): fontTools' remark on the fonts' creation dates, and
# WeasyPrint's notice, once per font, that it embeds fonts without libharfbuzz-subset.
FONT_DATE_NOTICE = "'%s' timestamp seems very low; regarding as unix timestamp"
SUBSET_NOTICE = "Using fontTools instead of HarfBuzz-Subset for font"
SUBSET_IMPORT_NOTICE = "HarfBuzz-Subset will be required"
SUBSET_HINT = (
    "Hinweis: Die Schriften wurden ohne libharfbuzz-subset0 eingebettet. Das PDF ist dasselbe; "
    "mit Debians Paket libharfbuzz-subset0 geht es schneller."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; user mistakes become one message per problem and exit status 2."""
    debug = False
    try:
        arguments = _parser().parse_args(argv)
        debug = arguments.debug
        command: Callable[[argparse.Namespace], int] = arguments.command
        return command(arguments)
    except ReportError as error:
        if debug:
            traceback.print_exc()
        problems = error.errors if isinstance(error, ReportErrors) else [error]
        for problem in problems:
            print(f"Fehler: {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("Abgebrochen; die bisherige PDF-Datei ist unverändert.", file=sys.stderr)
        return EXIT_INTERRUPTED


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


def build_as_command(root: Path, on_stage: StageHook | None = None, *, strict: bool = False) -> BuildResult:
    """`build()` as `reportgen build` runs it: charts drawn in one worker process, no cyclic GC passes.

    The worker dies with this process, however it ends, and never writes to the terminal (see `workers`)."""
    from .build import build
    from .workers import chart_worker

    collecting = gc.isenabled()
    # WeasyPrint builds millions of short-lived objects with few cycles: the cyclic collector's full
    # passes over them cost about a tenth of the build and free next to nothing.
    gc.disable()
    try:
        # One worker draws the charts on the second core while this process lays out the pages.
        with chart_worker() as executor:
            return build(root, executor=executor, on_stage=on_stage, strict=strict)
    finally:
        if collecting:
            gc.enable()


def _new(arguments: argparse.Namespace) -> int:
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


def _build(arguments: argparse.Namespace) -> int:
    root = _project_root(arguments.project)
    terminal = sys.stderr.isatty()
    with _library_notices() as notices, _progress(sys.stderr if terminal else None) as on_stage:
        result = build_as_command(root, on_stage, strict=arguments.strict)
    _print_warnings(result.warnings)
    if terminal and notices.slow_subsetting:
        print(SUBSET_HINT, file=sys.stderr)
    print(f"{_shown(result.pdf, root)} geschrieben: {result.pages} Seiten.")
    return 0


def _check(arguments: argparse.Namespace) -> int:
    from .build import check

    project = check(_project_root(arguments.project), strict=arguments.strict)
    _print_warnings(project.warnings)
    print(f"Keine Fehler gefunden ({len(project.content.chapters)} Kapitel, {project.stats.respondents} Befragte).")
    return 0


def _codebook(arguments: argparse.Namespace) -> int:
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


class _Progress:
    """On a terminal, one line per build stage: its name while it runs, then how long it took."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._running: str | None = None

    def start(self, name: str) -> None:
        self._running = name
        self._stream.write(f"{STAGE_LABELS.get(name, name)} …")
        self._stream.flush()

    def __call__(self, name: str, seconds: float) -> None:
        from .fmt import number

        if self._running != name:  # a stage this table does not know, or in another order
            self.close()
            self.start(name)
        self._stream.write(f" {number(seconds, 1)} s\n")
        self._running = None
        stages = list(STAGE_LABELS)
        if name in stages[:-1]:
            self.start(stages[stages.index(name) + 1])

    def close(self) -> None:
        """End a line left open by a stage that did not finish (an error, Ctrl-C)."""
        if self._running is not None:
            self._stream.write("\n")
            self._running = None
        self._stream.flush()


@contextmanager
def _progress(stream: TextIO | None) -> Iterator[StageHook | None]:
    """The stage hook that shows progress on `stream`; none without a stream."""
    if stream is None:
        yield None
        return
    progress = _Progress(stream)
    progress.start(next(iter(STAGE_LABELS)))
    try:
        yield progress
    finally:
        progress.close()


class _LibraryNotices(logging.Filter):
    """Drops the library notices an editor can't act on, remembering whether fonts were subset the slow way."""

    def __init__(self) -> None:
        super().__init__()
        self.slow_subsetting = False

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith(SUBSET_NOTICE):
            self.slow_subsetting = True
            return False
        return message != FONT_DATE_NOTICE


@contextmanager
def _library_notices() -> Iterator[_LibraryNotices]:
    """While the block runs, those notices are dropped: logger filters act before any handler, so WeasyPrint's
    notice does not become a build warning either. Only here, in the command line: library callers see all."""
    notices = _LibraryNotices()
    loggers = [logging.getLogger(name) for name in ("fontTools.ttLib.tables._h_e_a_d", "weasyprint")]
    for logger in loggers:
        logger.addFilter(notices)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=SUBSET_IMPORT_NOTICE, category=DeprecationWarning)
            yield notices
    finally:
        for logger in loggers:
            logger.removeFilter(notices)


def _parser() -> GermanParser:
    parser = GermanParser(
        prog="reportgen",
        description="Macht aus Umfragedaten, Codebuch und Kapiteln in Markdown einen gesetzten PDF-Bericht.",
        epilog=(
            f"Ohne --project arbeitet reportgen im nächsten Ordner mit {Layout.config}: im aktuellen Ordner "
            "oder darüber. Jeder Befehl hat eine eigene Hilfe, z. B. reportgen build --help."
        ),
    )
    commands = parser.add_subparsers(title="Befehle", metavar=COMMAND, required=True, parser_class=GermanParser)
    new = commands.add_parser(
        "new",
        help=f"legt im {_FOLDER} ein kleines Projekt an, das sofort baut",
        description=(
            f"Legt im {_FOLDER} ein kleines Projekt an, das sofort baut: {Layout.config}, Codebuch und Antworten "
            f"in data/, ein Kapitel in {Layout.content}/, die Vorlagen in {Layout.templates}/."
        ),
    )
    new.add_argument_group("Argumente").add_argument(
        "folder", metavar=_FOLDER, help="ein neuer oder leerer Ordner; er wird angelegt, wenn es ihn nicht gibt"
    )
    _add_options(new, after_command=True, project_options=False)
    new.set_defaults(command=_new)
    for name, run, summary in (
        ("build", _build, f"baut {Layout.pdf} und {Layout.html}"),
        (
            "check",
            _check,
            "prüft Einstellungen, Daten, Codebuch und Kapitel, ohne Seiten zu setzen "
            f"(schreibt nur den Statistik-Cache in {Layout.cache}/)",
        ),
    ):
        command = commands.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".")
        _add_options(command, after_command=True)
        command.set_defaults(command=run)
    codebook = commands.add_parser(
        "codebook",
        help="schreibt aus einer Datendatei (.sav, .xlsx, .csv) einen Entwurf des Codebuchs",
        description=(
            "Schreibt aus einer Datendatei (.sav, .xlsx, .csv) einen Entwurf des Codebuchs: je Spalte eine Frage, "
            "die Art aus Werten und Labels geraten, zum Prüfen und Ergänzen. Im Projekt wird er zur Codebuch-Datei aus "
            f"{Layout.config} ([survey] codebook), ohne Projekt zu {Layout.draft_codebook} im aktuellen Ordner; eine "
            "vorhandene Datei ersetzt er nur mit --force."
        ),
    )
    codebook_arguments = codebook.add_argument_group("Argumente")
    codebook_arguments.add_argument("data_file", metavar="DATEI", help="die Antworten als .sav, .xlsx oder .csv")
    _add_options(codebook, after_command=True, strict_option=False).add_argument(
        "--force", action="store_true", help="eine vorhandene Codebuch-Datei ersetzen (ihr Inhalt geht verloren)"
    )
    codebook.set_defaults(command=_codebook)
    _add_options(parser, after_command=False)
    parser.commands = tuple(commands.choices)
    return parser


def _add_options(
    parser: argparse.ArgumentParser, *, after_command: bool, project_options: bool = True, strict_option: bool = True
) -> Any:
    """The options a command takes before or after its name. After it, an option not given is left unset, so that
    it does not overwrite the value given before the name. Returns their group, for a command's own options."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if after_command else value

    options = parser.add_argument_group("Optionen")
    options.add_argument("-h", "--help", action="help", help="diese Hilfe zeigen und beenden")
    if not after_command:
        options.add_argument(
            "--version", action="version", version=f"reportgen {__version__}", help="die Version zeigen und beenden"
        )
    if project_options:
        options.add_argument(
            "--project",
            metavar=_FOLDER,
            default=default(None),
            help=f"der Projektordner mit {Layout.config} (ohne Angabe: der aktuelle Ordner oder der nächste darüber)",
        )
    options.add_argument(
        "--debug", action="store_true", default=default(False), help="zu jedem Fehler den Traceback zeigen"
    )
    if project_options and strict_option:
        options.add_argument(
            "--strict",
            action="store_true",
            default=default(False),
            help="jede Warnung als Fehler behandeln (Exit-Status 2, nichts wird geschrieben)",
        )
    return options


if __name__ == "__main__":
    sys.exit(main())
