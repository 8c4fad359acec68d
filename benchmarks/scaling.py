"""Scaling: the size of the study (×1, ×2, ×4) and the number of respondents (25 to 100,000)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from copies import copy_project, layout_of, respondents_project, scaled_study
from measure import MIB, Sample, pages_of, summary, worker_result
from scenarios import build_sample, check_sample

from reportgen.layout import Layout

STUDY_FACTORS = (1, 2, 4)
RESPONDENT_COUNTS = (25, 1_000, 100_000)
FULL_BUILD_ROWS = (1_000, 100_000)
SCALING_RUNS = 3


def study_size(work: Path) -> list[dict[str, Any]]:
    """Cold build and a check after it, for the study with its results chapter repeated."""
    results = []
    for factor in STUDY_FACTORS:
        builds, checks, shape = [], [], {}
        for index in range(SCALING_RUNS):
            project = scaled_study(work / f"size-{factor}-{index}", factor)
            builds.append(build_sample(project))
            checks.append(check_sample(project))
            shape = study_shape(project)
            shutil.rmtree(project)
        results.append(
            {
                "factor": factor,
                **shape,
                "pages": pages_of(builds[0]),
                "build": summary([sample.seconds for sample in builds]),
                "build_peak_mib": summary([sample.peak_mib for sample in builds]),
                "check": summary([sample.seconds for sample in checks]),
            }
        )
        print(f"  study ×{factor}: {results[-1]['build']['median']:.2f} s", file=sys.stderr)
    return results


def study_shape(project: Path) -> dict[str, int]:
    """Chapters, figures and distinct charts of a built project."""
    layout = layout_of(project)
    html = layout.path(Layout.html).read_text(encoding="utf-8")
    return {
        "chapters": len(list(layout.path(Layout.content).glob("*.md"))),
        "figures": html.count("<figure"),
        "charts": len(list(layout.path(Layout.charts).glob("*.svg"))),
    }


def respondents(work: Path) -> list[dict[str, Any]]:
    """What `check` does (prepare: config, data, content) with generated responses; full builds for some."""
    results = []
    for rows in RESPONDENT_COUNTS:
        project = respondents_project(work / f"rows-{rows}", rows)
        layout = layout_of(project)
        checks = [worker_result("check", project) for _ in range(SCALING_RUNS)]
        entry: dict[str, Any] = {
            "rows": rows,
            "csv_mib": layout.path(layout.responses).stat().st_size / MIB,
            "data": summary([check["stages"]["data"] for check in checks]),
            "prepare": summary([check["prepare_seconds"] for check in checks]),
            "worker_peak_mib": summary([check["peak_mib"] for check in checks]),
        }
        if rows in FULL_BUILD_ROWS:
            builds = [build_fresh(project, work / f"rows-{rows}-build-{index}") for index in range(SCALING_RUNS)]
            entry["build"] = summary([sample.seconds for sample in builds])
            entry["build_peak_mib"] = summary([sample.peak_mib for sample in builds])
        shutil.rmtree(project)
        results.append(entry)
        print(f"  {rows} respondents: data stage {entry['data']['median']:.3f} s", file=sys.stderr)
    return results


def build_fresh(source: Path, target: Path) -> Sample:
    project = copy_project(target, source)
    sample = build_sample(project)
    shutil.rmtree(project)
    return sample
