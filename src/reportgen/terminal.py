"""What `reportgen build` shows on a terminal: a line per stage, and none of the library notices an editor can't use."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from .timing import Stage, StageHook

# What `reportgen build` shows on a terminal while a stage runs.
STAGE_LABELS: dict[str, str] = {
    Stage.CONFIG: "report.toml lesen",
    Stage.DATA: "Daten und Codebuch prüfen",
    Stage.CONTENT: "Kapitel rendern",
    Stage.PAGE: "Seite zusammensetzen",
    Stage.CHARTS: "Diagramme in Auftrag geben",
    Stage.LAYOUT: "Seiten setzen",
    Stage.PDF: "PDF erzeugen",
    Stage.CHARTS_WAIT: "auf die Diagramme warten",
    Stage.WRITE: "Dateien schreiben",
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
def progress(stream: TextIO | None) -> Iterator[StageHook | None]:
    """The stage hook that shows progress on `stream`; none without a stream."""
    if stream is None:
        yield None
        return
    shown = _Progress(stream)
    shown.start(next(iter(STAGE_LABELS)))
    try:
        yield shown
    finally:
        shown.close()


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
def library_notices() -> Iterator[_LibraryNotices]:
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
