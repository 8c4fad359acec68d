"""`reportgen batch --per id`: reports per minute against a naive loop of one fresh reportgen process per report.

Projects: the study (25 respondents) and synthetic ones built from the study's codebook with a fixed seed
(copies.respondents_project: random valid codes, some blanks), each with the study's batch content folder. Every
measurement is a fresh `reportgen batch --per id --force` process (the wall time around it; its PDFs are all made
anew), after one untimed `reportgen check` that fills the statistics cache and the OS file cache:
  - local pool with 1 and with 2 worker processes;
  - a local Dask cluster (distributed.LocalCluster: a scheduler and 2 worker processes of one thread on 127.0.0.1,
    started and warmed before the clock starts, a new one per measurement) through `--scheduler`;
  - the naive loop: a fresh `reportgen batch --per id --workers 0 --shard i/N` process per report, N the number of
    reports, so each process makes exactly one (imports, config, data, the report, its PDF: everything a per-report
    `reportgen build` would do). All reports for the study, a seeded sample of NAIVE_SAMPLE for larger projects
    (one report's time does not depend on the others: the rate is 60 s over the median).
Per report: the median of the workers' own seconds (UnitOutcome.seconds, from manifest.json), to show that it stays
flat as the count grows; peak MiB per worker: the largest ru_maxrss a worker process reported.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from copies import REPO, copy_project, respondents_project
from measure import reportgen, run_child

COUNTS = (25, 200)  # run.py --batch-counts 25,200,1000 adds the long one
NAIVE_SAMPLE = 20
SEED = 14
CONTENT = "content-batch"
MANIFEST = "build/batch/manifest.json"


ENGINES = ("1", "2", "dask")  # local pools of 1 and 2 workers, a local Dask cluster; the naive loop always runs


def batch_benchmark(
    work: Path, counts: Sequence[int] = COUNTS, progress: Any = print, engines: Sequence[str] = ENGINES
) -> dict[str, Any]:
    """Every configuration for every count: rows of a table, one per (count, engine)."""
    rows: list[dict[str, Any]] = []
    for count in counts:
        project = _project(work / f"batch-{count}", count)
        run_child(reportgen("check", project), project)  # statistics cache and file cache: not timed
        progress(f"batch, {count} respondents: naive loop …")
        naive = _naive(project, count)
        naive["vs_naive"] = 1.0
        rows.append(naive)
        for engine in engines:
            progress(f"batch, {count} respondents: {engine} …")
            row = _dask(project, count) if engine == "dask" else _local(project, count, int(engine))
            row["vs_naive"] = row["reports_per_minute"] / naive["reports_per_minute"]
            rows.append(row)
    return {"rows": rows, "load_average_at_end": os.getloadavg(), "seed": SEED}


def _project(target: Path, count: int) -> Path:
    """The study itself for 25, else the study's codebook with `count` generated respondents; with content-batch/."""
    project = copy_project(target) if count == 25 else respondents_project(target, count, SEED)
    shutil.copytree(REPO / CONTENT, project / CONTENT)
    return project


def _command(project: Path, *options: str) -> list[str]:
    return [*reportgen("batch", project), "--per", "id", "--force", *options]


def _local(project: Path, count: int, workers: int) -> dict[str, Any]:
    sample = run_child(_command(project, "--workers", str(workers)), project)
    return _row(project, count, f"{workers} local worker{'s' if workers > 1 else ''}", sample.seconds, sample.peak_mib)


def _dask(project: Path, count: int) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: None)  # every worker up
        sample = run_child(_command(project, "--scheduler", cluster.scheduler_address), project)
    return _row(project, count, "local Dask cluster (2 workers)", sample.seconds, sample.peak_mib)


def _naive(project: Path, count: int) -> dict[str, Any]:
    """One fresh process per report: all of them up to NAIVE_SAMPLE reports, else a seeded sample."""
    shards = range(1, count + 1)
    chosen = sorted(random.Random(SEED).sample(shards, NAIVE_SAMPLE)) if count > NAIVE_SAMPLE else list(shards)
    seconds, peaks = [], []
    for index in chosen:
        sample = run_child(_command(project, "--workers", "0", "--shard", f"{index}/{count}"), project)
        seconds.append(sample.seconds)
        peaks.append(sample.peak_mib)
    per_report = statistics.median(seconds)
    return {
        "respondents": count,
        "engine": f"naive: a fresh process per report ({len(chosen)} timed)",
        "reports": len(chosen),
        "wall_seconds": sum(seconds),
        "reports_per_minute": 60 / per_report,
        "seconds_per_report": per_report,
        "seconds_per_report_range": [min(seconds), max(seconds)],
        "peak_mib_per_worker": max(peaks),
    }


def _row(project: Path, count: int, engine: str, wall: float, process_peak: float) -> dict[str, Any]:
    manifest = json.loads((project / MANIFEST).read_text(encoding="utf-8"))
    entries = [entry for entry in manifest["entries"] if entry["status"] == "ok"]
    failed = [entry for entry in manifest["entries"] if entry["status"] == "failed"]
    if failed or len(entries) != count:
        raise RuntimeError(f"{engine}: {len(entries)} of {count} reports, failed: {failed[:1]}")
    peaks: dict[str, float] = defaultdict(float)
    for entry in entries:
        peaks[entry["worker"]] = max(peaks[entry["worker"]], entry["peak_mib"])
    seconds = [entry["seconds"] for entry in entries]
    return {
        "respondents": count,
        "engine": engine,
        "reports": len(entries),
        "wall_seconds": wall,
        "reports_per_minute": 60 * len(entries) / wall,
        "seconds_per_report": statistics.median(seconds),
        "seconds_per_report_range": [min(seconds), max(seconds)],
        "first_quarter_seconds": statistics.median(seconds[: max(1, len(seconds) // 4)]),
        "last_quarter_seconds": statistics.median(seconds[-max(1, len(seconds) // 4) :]),
        "peak_mib_per_worker": max(peaks.values()),
        "coordinator_peak_mib": process_peak,
        "workers": len(peaks),
    }


def batch_table(batch: dict[str, Any]) -> str:
    """The README's table: throughput, per-report seconds and memory per configuration."""
    lines = [
        "| respondents | how | reports/min | ÷ naive | median s/report (range) | peak MiB/worker |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for row in batch["rows"]:
        low, high = row["seconds_per_report_range"]
        lines.append(
            f"| {row['respondents']:,} | {row['engine']} | {row['reports_per_minute']:.1f} | {row['vs_naive']:.2f} × "
            f"| {row['seconds_per_report']:.2f} ({low:.2f}–{high:.2f}) | {row['peak_mib_per_worker']:.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit("run with: python benchmarks/run.py --batch-only")
