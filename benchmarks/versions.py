"""This version's cold build against an earlier commit's, pair by pair in one run (`run.py --against REV`).

The earlier commit is exported with `git archive` into a temporary folder (the repository is not touched),
installed from there as a wheel like this version (measure.install), and runs with PYTHONPATH in front of this
installation, with the same interpreter and libraries. Both versions
build the earlier commit's study (the same inputs, so the ratio is the code's), and this version also builds its
own study (what a user of each version waits for). Each build is cold (no build/) and in a fresh process, through
the command line; run i of the three shares machine conditions, and the ratio is taken pair by pair.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from copies import REPO, copy_project
from measure import Sample, install, pages_of, reportgen, run_child, summary

SCENARIOS = {
    "earlier": "earlier commit, its own study",
    "this_on_earlier": "this version, the earlier commit's study",
    "this": "this version, its own study",
}


def export(revision: str, target: Path) -> Path:
    """The files of `revision` in `target` (git archive: no checkout, no change to the repository)."""
    archive = subprocess.run(["git", "archive", revision], cwd=REPO, capture_output=True, check=True).stdout
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def commit_of(revision: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def one_run(work: Path, earlier: Path, old_code: dict[str, str], index: int) -> dict[str, Sample]:
    samples = {}
    project = copy_project(work / f"earlier-{index}", earlier)
    samples["earlier"] = run_child(reportgen("build", project), project, old_code)
    project = copy_project(work / f"this-on-earlier-{index}", earlier)
    samples["this_on_earlier"] = run_child(reportgen("build", project), project)
    project = copy_project(work / f"this-{index}", REPO)
    samples["this"] = run_child(reportgen("build", project), project)
    return samples


def versions_benchmark(work: Path, revision: str, runs: int) -> dict[str, Any]:
    earlier = export(revision, work / "earlier-commit")
    old_code = {"PYTHONPATH": install(earlier, work / "earlier-installed")}
    copy_project(work / "warm-up", REPO)
    run_child(reportgen("build", work / "warm-up"), work / "warm-up")  # font cache, .pyc, OS file cache
    per_run = []
    for index in range(runs):
        per_run.append(one_run(work, earlier, old_code, index))
        seconds = ", ".join(f"{name} {sample.seconds:.2f} s" for name, sample in per_run[-1].items())
        print(f"  run {index + 1}/{runs}: {seconds}", file=sys.stderr)
    ratios = [run["this_on_earlier"].seconds / run["earlier"].seconds for run in per_run]
    own = [run["this"].seconds / run["earlier"].seconds for run in per_run]
    return {
        "revision": revision,
        "commit": commit_of(revision),
        "scenarios": {
            name: {
                "title": title,
                "seconds": [run[name].seconds for run in per_run],
                "time": summary([run[name].seconds for run in per_run]),
                "memory": summary([run[name].peak_mib for run in per_run]),
                "pages": pages_of(per_run[0][name]),
            }
            for name, title in SCENARIOS.items()
        },
        "ratio": summary(ratios),
        "ratios": ratios,
        "own_ratio": summary(own),
        "own_ratios": own,
    }
