"""How a batch shows its progress: a bar on a terminal (done / total, rate, time left), else nothing until the one
summary line at the end."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from .fmt import number

if TYPE_CHECKING:
    from .batch_worker import UnitOutcome

OnOutcome = Callable[["UnitOutcome"], None]
_BAR = "{desc} {n_fmt}/{total_fmt} |{bar}| [{elapsed}<{remaining}, {per_minute} Berichte/min]"


@contextlib.contextmanager
def batch_progress(stream: TextIO | None, total: int) -> Iterator[OnOutcome]:
    """A callback to call once per finished report: on `stream` (a terminal) a bar, without one nothing."""
    if stream is None or total == 0:
        yield lambda outcome: None
        return
    from tqdm import tqdm

    class _Bar(tqdm):  # type: ignore[misc]
        monitor_interval = 0  # no monitor thread: the bar is updated after every report anyway

        @property
        def format_dict(self) -> dict[str, Any]:
            values: dict[str, Any] = super().format_dict
            elapsed = values.get("elapsed") or 0.0
            rate = values.get("rate") or (values["n"] / elapsed if elapsed else 0.0)
            values["per_minute"] = number(rate * 60, 1) if rate else "–"
            return values

    # The size once, with a fallback: on a terminal that reports none (0 × 0, as some pseudo-terminals do),
    # tqdm would print an empty bar.
    width, height = shutil.get_terminal_size()
    bar = _Bar(total=total, file=stream, desc="Berichte", bar_format=_BAR, ncols=width, nrows=height, leave=True)
    try:
        yield lambda outcome: bar.update(1)
    finally:
        bar.close()


def summary_line(
    written: int, unchanged: int, failed: int, withheld: int, min_group: int, folder: str, csv: str
) -> str:
    """The one line a batch ends with: `25 Berichte in build/batch/ (…) – build/batch/manifest.csv`."""
    parts = [f"{unchanged} unverändert"] if unchanged else []
    parts.append(f"{failed} fehlgeschlagen")
    if withheld:
        parts.append(f"{withheld} zurückgehalten: Gruppe unter {min_group} Befragten")
    reports = written + unchanged
    noun = "Bericht" if reports == 1 else "Berichte"
    return f"{reports} {noun} in {folder}/ ({', '.join(parts)}) – {csv}"
