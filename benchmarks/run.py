"""Benchmark of `reportgen build` and `reportgen check` (issue 4); not part of the test suite.

Run from the project root with the project's Python:

    python benchmarks/run.py [--runs N] [--quick]

Every scenario works on a fresh copy of report.toml, data/, content/ and templates/ in a temporary folder, so the
repository is never touched; only build/benchmark.json, build/benchmark.md and build/benchmark-profile.txt are
written. Each command runs in a fresh process; wall time is measured around the child process and peak memory is
the child's own ru_maxrss from os.wait4 (the largest single process of its tree, e.g. a chart worker, if larger).

Scenarios, repeated --runs times in interleaved order (run i of every scenario shares machine conditions):
  (a) cold build (no build/), (b) rebuild after a one-sentence edit in content/, (c) rebuild after one changed
  response in data/, (d) `reportgen check` on a fresh project and (d′) again on the same project, (e) the naive
  peer (peer.py: the same study in one straightforward script with jinja2, markdown-it-py, pandas, matplotlib SVG
  and WeasyPrint, a tagged PDF, no caches) in a fresh process on its own fresh copy; (a) and (e) swap order every
  run. Every scenario's ratio to (e) is taken pair by pair (a_i / e_i) and summarised by the median; the page counts
  of (a) and (e) stand next to each other. One untimed build and check first warm the OS file cache and
  matplotlib's font cache.
Then a stage breakdown from build()'s stage hook (a fresh process per repetition, cold), the imports on the
`check` path, a profile of one build, and scaling with the size of the study (×1, ×2, ×4) and the number of
respondents (25, 1,000, 100,000), a wide survey (100,000 × 60 columns of every kind) against a naive pandas
peer (`--wide-only` runs just that), and a weighted breakdown over 100,000 respondents against a naive pandas peer
(`--breakdown-only`), and the watch loop (`--watch-only`): a real `reportgen watch` on a copy of the study,
driven by --watch-edits one-sentence saves, with save → preview and save → PDF latencies and the process's memory
after every 10 edits (see watch.py; the full run leaves it out with a note while reportgen has no `watch`).
`--against REV` runs only cold builds of this version against commit REV's, pair by pair (see versions.py).
`--batch-only` measures `reportgen batch --per id` (reports per minute with 1 and 2 local workers and a local Dask
cluster, against a fresh process per report) for the study's 25 respondents and synthetic projects of
`--batch-counts` respondents (see batch.py); its table is printed and written with the other results.

Modules: measure (child processes, time, memory, medians), copies (project copies and edits), scenarios ((a)–(e),
stages, imports and profile), peer (the naive peer script), watch, scaling, wide, breakdown, versions, workers (the
in-process side, run as `run.py --worker KIND PROJECT`), report (machine, targets, JSON and Markdown).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def benchmark(runs: int, quick: bool, watch_edits: int, watch_program: Sequence[str] | None) -> dict[str, Any]:
    """Every measurement, in a temporary folder; the results as one JSON-ready dict."""
    # Imported here, not at the top: a worker process must not import reportgen before it times the import.
    import breakdown
    import measure
    import report
    import scaling
    import scenarios
    import watch
    import wide

    results: dict[str, Any] = {"runs": runs, "quick": quick, "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        work = Path(folder)
        progress("warm-up …")
        warm = scenarios.warm_up(work)
        results["startup_seconds"] = measure.startup_seconds(warm, max(runs, 3))
        progress("scenarios (a)–(e) …")
        results["scenarios"] = scenarios.run_scenarios(work, runs)
        progress("stage breakdown and imports …")
        results["stages"] = scenarios.stage_breakdown(work, warm, runs)
        results["check_imports"] = scenarios.check_imports(work)
        if not quick:
            progress("profile and scaling …")
            results["profile"] = scenarios.profile(work, warm)
            results["scaling_runs"] = scaling.SCALING_RUNS
            results["study_size"] = scaling.study_size(work)
            results["respondents"] = scaling.respondents(work)
            results["wide"] = wide.wide_survey(work)
            progress("weighted breakdown …")
            results["breakdown"] = breakdown.breakdown_benchmark()
            progress("watch loop …")
            try:
                results["watch"] = watch.watch_benchmark(work, watch_edits, watch_program)
            except RuntimeError as failure:  # missing command or a failed edit: keep the other results
                progress(f"watch loop not measured: {failure}")
                results["watch"] = {"not_measured": str(failure)}
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["targets"] = report.targets(results)
    return results


def watch_only(runs: int, edits: int, program: Sequence[str] | None) -> dict[str, Any]:
    """Only the watch loop: save → preview and save → PDF latencies and the watch process's memory."""
    import report
    import watch

    results: dict[str, Any] = {"runs": runs, "quick": False, "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        progress(f"watch loop, {edits} edits …")
        try:
            results["watch"] = watch.watch_benchmark(Path(folder), edits, program)
        except RuntimeError as failure:  # the command is missing, or an edit failed: one message, no traceback
            sys.exit(f"run.py --watch-only: {failure}")
    results["machine"]["load_average_at_end"] = os.getloadavg()
    return results


def scenarios_only(runs: int) -> dict[str, Any]:
    """Only scenarios (a)–(e): reportgen's builds and checks against the naive peer, pair by pair."""
    import report
    import scenarios

    results: dict[str, Any] = {"runs": runs, "quick": False, "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        work = Path(folder)
        progress("warm-up …")
        scenarios.warm_up(work)
        progress("scenarios (a)–(e) …")
        results["scenarios"] = scenarios.run_scenarios(work, runs)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["targets"] = report.targets(results)
    return results


def wide_only(runs: int) -> dict[str, Any]:
    """Only the wide survey against its naive peer (issue 10's data target)."""
    import report
    import wide

    results: dict[str, Any] = {"runs": runs, "quick": False, "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        progress("wide survey …")
        results["wide"] = wide.wide_survey(Path(folder), runs)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    return results


def breakdown_only(runs: int) -> dict[str, Any]:
    """Only the weighted breakdown against its naive peer (issue 11's target)."""
    import breakdown
    import report

    results: dict[str, Any] = {"runs": runs, "quick": False, "machine": report.machine()}
    progress("weighted breakdown …")
    results["breakdown"] = breakdown.breakdown_benchmark(runs)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    return results


def against_only(revision: str, runs: int) -> dict[str, Any]:
    """Only the cold build of this version against an earlier commit's, pair by pair (issue 12's speed limit)."""
    import report
    import versions

    results: dict[str, Any] = {"runs": runs, "quick": False, "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        progress(f"cold builds against {revision} …")
        results["versions"] = versions.versions_benchmark(Path(folder), revision, runs)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    return results


def batch_only(counts: Sequence[int], engines: Sequence[str]) -> dict[str, Any]:
    """Only reportgen batch against a fresh process per report (issue 14's throughput target)."""
    import batch
    import report

    results: dict[str, Any] = {"runs": 1, "quick": False, "machine": report.machine()}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        results["batch"] = batch.batch_benchmark(Path(folder), counts, progress, engines)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    progress(batch.batch_table(results["batch"]))
    return results


def progress(message: str) -> None:
    print(message, file=sys.stderr)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs per scenario (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 run, no profile, no scaling")
    parser.add_argument("--wide-only", action="store_true", help="only the wide survey against its naive peer")
    parser.add_argument(
        "--breakdown-only", action="store_true", help="only the weighted breakdown against its naive peer"
    )
    parser.add_argument(
        "--against", metavar="REV", help="only the cold build against an earlier commit's, pair by pair"
    )
    parser.add_argument("--scenarios-only", action="store_true", help="only scenarios (a)-(e) against the peer")
    parser.add_argument("--watch-only", action="store_true", help="only the watch loop's latencies and memory")
    parser.add_argument(
        "--batch-only", action="store_true", help="only reportgen batch against a fresh process per report"
    )
    parser.add_argument(
        "--batch-counts",
        default="25,200",
        metavar="N,N",
        help="respondents of the batch projects: 25 is the study, others synthetic (default 25,200; add 1000)",
    )
    parser.add_argument(
        "--batch-engines",
        default="1,2,dask",
        metavar="E,E",
        help="besides the naive loop: local pools of that many workers and `dask`, a local cluster (default 1,2,dask)",
    )
    parser.add_argument(
        "--watch-edits",
        type=int,
        default=100,
        metavar="N",
        help="one-sentence saves to the watch process (default 100)",
    )
    parser.add_argument(
        "--watch-command",
        metavar="PROGRAM",
        help="run PROGRAM (split like a shell) instead of `reportgen`, with `watch --project DIR --port 0`: a stand-in "
        "that keeps the watch command's contract",
    )
    parser.add_argument("--note", default="", help="free text for the report, e.g. what code was measured")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PROJECT"), help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    if arguments.worker:
        from workers import run_worker  # a worker imports only what it measures

        run_worker(arguments.worker[0], Path(arguments.worker[1]))
        return 0
    import report
    from measure import install

    from reportgen.layout import Layout

    if not (Path.cwd() / Layout.config).is_file():
        parser().error(f"run from the project root (the folder with {Layout.config})")
    runs = 1 if arguments.quick else max(arguments.runs, 1)
    with tempfile.TemporaryDirectory(prefix="reportgen-installed-") as folder:
        # every child process (builds, checks, workers, watch, batch) runs this working tree as a user has it
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [install(Path.cwd(), Path(folder)), os.environ.get("PYTHONPATH")])
        )
        results = run_mode(arguments, runs)
    results["note"] = arguments.note
    print(report.write_results(results))
    return 0


def run_mode(arguments: argparse.Namespace, runs: int) -> dict[str, Any]:
    """The measurements the arguments ask for."""
    watch_program = shlex.split(arguments.watch_command) if arguments.watch_command else None
    watch_edits = max(arguments.watch_edits, 1)
    if arguments.against:
        results = against_only(arguments.against, runs)
    elif arguments.breakdown_only:
        results = breakdown_only(runs)
    elif arguments.scenarios_only:
        results = scenarios_only(runs)
    elif arguments.watch_only:
        results = watch_only(runs, watch_edits, watch_program)
    elif arguments.wide_only:
        results = wide_only(runs)
    elif arguments.batch_only:
        counts = [int(count) for count in arguments.batch_counts.split(",")]
        results = batch_only(counts, arguments.batch_engines.split(","))
    else:
        results = benchmark(runs, arguments.quick, watch_edits, watch_program)
    return results


if __name__ == "__main__":
    sys.exit(main())
