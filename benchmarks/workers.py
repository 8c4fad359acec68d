"""The in-process side of the benchmark: each worker runs in a fresh process (run.py --worker) and prints JSON.

Workers use only reportgen's public API, `build()` and `prepare()` with their stage hook.
"""

from __future__ import annotations

import importlib
import io
import json
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportgen.build import BuildResult

MIB = 1024 * 1024
# Heavy dependencies imported before the build, one by one in this order (shared dependencies count for
# the first), so the stages show the work and not the imports.
IMPORTS = (
    ("import pandas", "pandas"),
    ("import weasyprint", "weasyprint"),
    ("import reportgen.build", "reportgen.build"),
)
# (label, file suffix, function name) of functions whose cumulative time the profile reports.
HOTSPOTS = (
    ("imports during the build", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("hyphenation dictionary load (pyphen)", "pyphen/__init__.py", "__init__"),
    ("CSS cascade (computed styles)", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("line breaking (Pango)", "weasyprint/text/line_break.py", "split_first_line"),
    ("SVG drawing into the PDF", "weasyprint/svg/__init__.py", "draw"),
    ("PDF generation (pydyf)", "weasyprint/pdf/__init__.py", "generate_pdf"),
    ("font subsetting", "weasyprint/pdf/fonts.py", "subset"),
)
PROFILE_LISTING = "profile.txt"


class StageRecorder:
    """A stage hook that keeps the seconds of each stage by name, in the order the stages ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


def time_imports() -> dict[str, float]:
    timings: dict[str, float] = {}
    for label, module in IMPORTS:
        with timed(timings, label):
            importlib.import_module(module)
    return timings


def build_like_cli(root: Path, record: StageRecorder | None = None) -> BuildResult:
    """build() the way the command line calls it."""
    from reportgen.commands import build_as_command

    return build_as_command(root, record)


def stage_worker(root: Path) -> dict[str, Any]:
    """A cold build (empty build/) stage by stage, then an unchanged rebuild in the same process."""
    imports = time_imports()
    cold, rebuild = StageRecorder(), StageRecorder()
    start = time.perf_counter()
    result = build_like_cli(root, cold)
    cold_seconds = time.perf_counter() - start
    peak = peak_mib()
    start = time.perf_counter()
    again = build_like_cli(root, rebuild)
    return {
        "imports": imports,
        "stages": cold.seconds,
        "build_seconds": cold_seconds,
        "rebuild_stages": rebuild.seconds,
        "rebuild_seconds": time.perf_counter() - start,
        "pages": result.pages,
        "charts": result.charts_drawn,
        "charts_drawn_on_rebuild": again.charts_drawn,
        "peak_mib": peak,
    }


def profile_worker(root: Path) -> dict[str, Any]:
    """cProfile of one cold build as the command line runs it: named hotspots, full listing to a file."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    build_like_cli(root)
    profiler.disable()
    listing = io.StringIO()
    stats = pstats.Stats(profiler, stream=listing)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    (root / PROFILE_LISTING).write_text(listing.getvalue(), encoding="utf-8")
    return {"hotspots": hotspots(stats), "total": stats.total_tt}


def hotspots(stats: Any) -> dict[str, float]:
    found: dict[str, float] = {}
    for label, suffix, function in HOTSPOTS:
        times = [
            cumulative
            for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
            if name == function and file.endswith(suffix)
        ]
        found[label] = max(times, default=0.0)
    return found


def check_worker(root: Path) -> dict[str, Any]:
    """What `reportgen check` does (prepare), stage by stage, pandas imported beforehand."""
    imports: dict[str, float] = {}
    with timed(imports, "import pandas"):
        importlib.import_module("pandas")
    from reportgen.build import prepare

    record = StageRecorder()
    start = time.perf_counter()
    prepare(root, on_stage=record)
    return {
        "imports": imports,
        "stages": record.seconds,
        "prepare_seconds": time.perf_counter() - start,
        "peak_mib": peak_mib(),
    }


def peer_data_worker(root: Path) -> dict[str, Any]:
    """The naive peer of the data stage: pandas reads the project's responses as text, counts every column's values
    and converts every column to numbers (decimal comma), as a script without a codebook would."""
    pandas = importlib.import_module("pandas")
    from reportgen.config import load_config

    layout = load_config(root).layout
    start = time.perf_counter()
    frame = pandas.read_csv(layout.path(layout.responses), sep=";", dtype=str, keep_default_na=False)
    for name in frame.columns:
        frame[name].value_counts()
        pandas.to_numeric(frame[name].str.replace(",", ".", regex=False), errors="coerce").describe()
    return {"seconds": time.perf_counter() - start, "peak_mib": peak_mib()}


WORKERS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "stages": stage_worker,
    "profile": profile_worker,
    "check": check_worker,
    "peer-data": peer_data_worker,
}


def run_worker(kind: str, project: Path) -> None:
    """The worker's result as one line of JSON on stdout."""
    print(json.dumps(WORKERS[kind](project.resolve())))
