"""Command line: `reportgen build` and `reportgen check`, thin over the library."""

from __future__ import annotations

import argparse
import gc
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import ConfigError, ReportError, ReportErrors
from .files import absolute
from .timing import StageHook

if TYPE_CHECKING:
    from .build import BuildResult

EXIT_USER_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; user mistakes become one message per problem and exit status 2."""
    arguments = _parser().parse_args(argv)
    command: Callable[[Path, bool], int] = arguments.command
    try:
        return command(absolute(Path(arguments.project), ConfigError), arguments.strict)
    except ReportError as error:
        if arguments.debug:
            traceback.print_exc()
        problems = error.errors if isinstance(error, ReportErrors) else [error]
        for problem in problems:
            print(f"Fehler: {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("Abgebrochen; die bisherige PDF-Datei ist unverändert.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportgen", description="Survey studies from data/ and content/ to a branded PDF."
    )
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    parser.add_argument("--project", default=".", help="project folder with report.toml (default: current folder)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for every error")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error (exit status 2)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    commands.add_parser("build", help="build build/report.pdf and build/report.html").set_defaults(command=_build)
    commands.add_parser(
        "check",
        help="check data, codebook, content and config without rendering (writes only the statistics cache in build/.cache/)",
    ).set_defaults(command=_check)
    return parser


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


def _build(root: Path, strict: bool) -> int:
    result = build_as_command(root, strict=strict)
    _print_warnings(result.warnings)
    pdf, here = result.pdf.resolve(), Path.cwd().resolve()
    shown = pdf.relative_to(here) if pdf.is_relative_to(here) else pdf
    print(f"{shown} geschrieben: {result.pages} Seiten.")
    return 0


def _check(root: Path, strict: bool) -> int:
    from .build import check

    project = check(root, strict=strict)
    _print_warnings(project.warnings)
    print(f"Keine Fehler gefunden ({len(project.content.chapters)} Kapitel, {project.stats.respondents} Befragte).")
    return 0


def _print_warnings(warnings: Sequence[ReportError]) -> None:
    for warning in warnings:
        print(f"Warnung: {warning}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
