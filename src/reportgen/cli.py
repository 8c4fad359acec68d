"""Command line: German arguments for `new`, `build`, `check`, `codebook`, `watch` and `batch`; user mistakes as one
line, exit 2."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .arguments import COMMAND, GermanParser
from .commands import EXIT_INTERRUPTED, run_batch, run_build, run_check, run_codebook, run_new, run_watch
from .errors import ReportError, ReportErrors
from .layout import Layout

EXIT_USER_ERROR = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a program ended by it
_FOLDER = "ORDNER"  # the metavar of folders in the help


def main(argv: Sequence[str] | None = None, *, exiting: bool = False) -> int:
    """Run a command; user mistakes become one message per problem and exit status 2. With `exiting` (`run`: the
    process ends when the command returns), a command may leave undone what only a process that goes on needs."""
    debug = False
    try:
        arguments = _parser().parse_args(argv)
        arguments.exiting = exiting
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
    new.set_defaults(command=run_new)
    for name, run, summary in (
        ("build", run_build, f"baut {Layout.pdf} und {Layout.html}"),
        (
            "check",
            run_check,
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
    codebook.set_defaults(command=run_codebook)
    watch = commands.add_parser(
        "watch",
        help="zeigt die Seiten im Browser und baut nach jedem Speichern neu",
        description=(
            f"Zeigt die Seiten des Berichts im Browser (http://127.0.0.1:PORT/) und baut nach jedem Speichern in "
            f"{Layout.content}/, data/, {Layout.templates}/ oder {Layout.config} neu: erst die Vorschau der "
            f"geänderten Seiten, dann {Layout.pdf} wie reportgen build. Ein Fehler erscheint in der Vorschau, die "
            "letzte fehlerfreie Fassung bleibt stehen. Beenden mit Strg+C."
        ),
    )
    _add_options(watch, after_command=True, strict_option=False).add_argument(
        "--port",
        metavar="N",
        default="8000",
        help="der Port der Vorschau auf 127.0.0.1 (Standard: 8000; 0: ein freier Port)",
    )
    watch.set_defaults(command=run_watch)
    _add_batch(commands)
    _add_options(parser, after_command=False)
    parser.commands = tuple(commands.choices)
    return parser


def _add_batch(commands: Any) -> None:
    batch = commands.add_parser(
        "batch",
        help="baut einen PDF-Bericht je Befragten (--per) oder je Segment einer Frage (--by)",
        description=(
            "Baut einen PDF-Bericht je Befragten (--per id) oder je Antwort einer Frage (--by FRAGE) aus den Kapiteln "
            "in content-batch/ ([batch] content), nach build/batch/ ([batch] output), mit manifest.csv, "
            "manifest.json und index.html. Segmente unter [batch] min_group Befragten bekommen keinen Bericht. "
            "Ein erneuter Aufruf baut nur, was fehlgeschlagen ist oder sich geändert hat. Exit-Status 1, wenn ein "
            "Bericht fehlgeschlagen ist."
        ),
    )
    arguments = batch.add_argument_group("Argumente (eines von beiden)")
    which = arguments.add_mutually_exclusive_group(required=True)
    which.add_argument("--per", metavar="SPALTE", help="ein Bericht je Befragten; SPALTE ist die ID-Spalte, z. B. id")
    which.add_argument(
        "--by", metavar="FRAGE", help="ein Bericht je Antwort der Frage (Segment), z. B. --by unternehmensalter"
    )
    options = _add_options(batch, after_command=True, strict_option=False)
    options.add_argument(
        "--content",
        metavar=_FOLDER,
        help="der Ordner mit den Kapiteln der Batch-Berichte (Standard: [batch] content, sonst content-batch)",
    )
    options.add_argument(
        "--output",
        metavar="MUSTER",
        help="die Dateinamen der Berichte, z. B. build/segmente/{key}.pdf (Standard: [batch] output, sonst "
        "build/batch/{key}.pdf)",
    )
    options.add_argument(
        "--workers",
        metavar="N",
        help="so viele Prozesse auf diesem Rechner (Standard: einer je Prozessorkern; 0: im selben Prozess)",
    )
    options.add_argument(
        "--scheduler",
        metavar="ADRESSE",
        help="die Berichte auf dem Dask-Cluster dieses Schedulers bauen, z. B. tcp://rechner:8786 (Standard: "
        "DASK_SCHEDULER_ADDRESS, sonst dieser Rechner); braucht pip install 'reportgen[dask]'",
    )
    options.add_argument(
        "--shard",
        metavar="i/N",
        help="nur den i-ten von N Teilen bauen, z. B. in einem Job-Array (Kubernetes: $((JOB_COMPLETION_INDEX+1))/N)",
    )
    options.add_argument("--force", action="store_true", help="alle Berichte neu bauen, auch die unveränderten")
    batch.set_defaults(command=run_batch)


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


def run() -> None:
    """The `reportgen` program: `main()`, then an exit that skips the interpreter's teardown.

    By then every file is written and closed and every worker process has ended; what is left is freeing the
    objects of the laid-out pages one by one (about 0.4 s after a build). The exit also keeps the status 130 of
    Ctrl-C: CPython ends a process with SIGINT at exit when a KeyboardInterrupt passed through code it ran from C,
    even one `main()` caught."""
    try:
        status = main(exiting=True)
    except BrokenPipeError:  # the reader of the output went away (`reportgen build | head -0`): nothing to say
        status = EXIT_BROKEN_PIPE
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away, a closed stream
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
