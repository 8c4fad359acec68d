"""The scenarios (a)–(e) in fresh processes, (e) the naive peer (peer.py), stages, imports and profile."""

from __future__ import annotations

import re
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from copies import clone_built, copy_project, edit_response, edit_sentence
from measure import (
    Sample,
    import_times,
    median_by_name,
    pages_of,
    python,
    reportgen,
    run_child,
    summary,
    worker_result,
)
from workers import PROFILE_LISTING

# The naive peer (peer.py): the same study in one straightforward script, in a fresh process on a fresh copy.
PEER_SCRIPT = Path(__file__).resolve().parent / "peer.py"
PEER_PAGES = re.compile(r"^(\d+) pages$", re.M)
MATPLOTLIB_MODULES = ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_svg")
MATPLOTLIB_CODE = f"""
import importlib, time
start = time.perf_counter()
for module in {MATPLOTLIB_MODULES!r}:
    importlib.import_module(module)
print(time.perf_counter() - start)
"""
SCENARIOS = {
    "cold": "(a) cold build, empty build/",
    "text_edit": "(b) rebuild after a one-sentence edit in content/",
    "data_edit": "(c) rebuild after one changed response in data/",
    "check": "(d) reportgen check, fresh project (no build/)",
    "check_again": "(d′) reportgen check again on the same project",
    "peer": "(e) naive peer: one script, jinja2 + markdown-it-py + pandas + matplotlib SVG + WeasyPrint, no caches",
}


def peer_sample(project: Path) -> Sample:
    return run_child([sys.executable, str(PEER_SCRIPT), str(project)], project)


def peer_pages(sample: Sample) -> int | None:
    """The page count peer.py printed."""
    match = PEER_PAGES.search(sample.stdout)
    return int(match.group(1)) if match else None


def build_sample(project: Path) -> Sample:
    return run_child(reportgen("build", project), project)


def check_sample(project: Path) -> Sample:
    return run_child(reportgen("check", project), project)


def warm_up(work: Path) -> Path:
    """One untimed build and check: matplotlib's font cache, .pyc files and the OS file cache are warm."""
    project = copy_project(work / "warm-up")
    build_sample(project)
    check_sample(project)
    return project


def one_run(work: Path, index: int) -> dict[str, Sample]:
    """Run i of every scenario; the cold build and the peer (each on its own fresh copy) swap order every run."""
    cold, peer = copy_project(work / f"cold-{index}"), copy_project(work / f"peer-{index}")
    samples: dict[str, Sample] = {}
    for name in ("cold", "peer") if index % 2 == 0 else ("peer", "cold"):
        samples[name] = build_sample(cold) if name == "cold" else peer_sample(peer)
    text = clone_built(cold, work / f"text-{index}")
    edit_sentence(text)
    samples["text_edit"] = build_sample(text)
    data = clone_built(cold, work / f"data-{index}")
    edit_response(data)
    samples["data_edit"] = build_sample(data)
    checked = copy_project(work / f"check-{index}")
    samples["check"] = check_sample(checked)
    samples["check_again"] = check_sample(checked)
    for folder in (cold, peer, text, data, checked):
        shutil.rmtree(folder)
    return samples


def run_scenarios(work: Path, runs: int) -> dict[str, Any]:
    """Every scenario `runs` times, interleaved; ratios to the peer pair by pair (run i with run i)."""
    per_run = []
    for index in range(runs):
        per_run.append(one_run(work, index))
        cold, peer = per_run[-1]["cold"], per_run[-1]["peer"]
        print(f"  run {index + 1}/{runs}: cold {cold.seconds:.2f} s, peer {peer.seconds:.2f} s", file=sys.stderr)
    entries = {
        name: scenario_entry(title, [run[name] for run in per_run], per_run) for name, title in SCENARIOS.items()
    }
    for name in ("cold", "text_edit", "data_edit"):
        entries[name]["pages"] = pages_of(per_run[0][name])
    entries["peer"]["pages"] = peer_pages(per_run[0]["peer"])
    return entries


def scenario_entry(title: str, samples: list[Sample], per_run: list[dict[str, Sample]]) -> dict[str, Any]:
    seconds = [sample.seconds for sample in samples]
    memory = [sample.peak_mib for sample in samples]
    ratios = [sample.seconds / run["peer"].seconds for sample, run in zip(samples, per_run, strict=True)]
    return {
        "title": title,
        "seconds": seconds,
        "peak_mib": memory,
        "ratio_to_peer": ratios,
        "time": summary(seconds),
        "memory": summary(memory),
        "ratio": summary(ratios),
    }


def stage_breakdown(work: Path, source: Path, runs: int) -> dict[str, Any]:
    """build() stage by stage, cold, each repetition in a fresh process on a fresh copy."""
    results = []
    for index in range(runs):
        project = copy_project(work / f"stages-{index}", source)
        results.append(worker_result("stages", project))
        shutil.rmtree(project)
    matplotlib = [float(run_child(python(MATPLOTLIB_CODE), source).stdout) for _ in range(runs)]
    first = results[0]
    return {
        "imports": median_by_name([result["imports"] for result in results]),
        "stages": median_by_name([result["stages"] for result in results]),
        "rebuild_stages": median_by_name([result["rebuild_stages"] for result in results]),
        "build_seconds": statistics.median(result["build_seconds"] for result in results),
        "rebuild_seconds": statistics.median(result["rebuild_seconds"] for result in results),
        "matplotlib_import_seconds": statistics.median(matplotlib),
        "process_seconds": statistics.median(result["process_seconds"] for result in results),
        "peak_mib": statistics.median(result["peak_mib"] for result in results),
        "pages": first["pages"],
        "charts": first["charts"],
        "charts_drawn_on_rebuild": first["charts_drawn_on_rebuild"],
    }


def check_imports(work: Path) -> dict[str, dict[str, float]]:
    """Import time of `check` on a fresh project and again on the same project."""
    project = copy_project(work / "check-imports")
    fresh = import_times(project)
    again = import_times(project)
    shutil.rmtree(project)
    return {"fresh": fresh, "again": again}


def profile(work: Path, source: Path) -> dict[str, Any]:
    """cProfile of one cold build in a fresh process; the full listing is returned as text."""
    project = copy_project(work / "profile", source)
    result = worker_result("profile", project)
    listing = (project / PROFILE_LISTING).read_text(encoding="utf-8")
    shutil.rmtree(project)
    return {"hotspots": result["hotspots"], "total": result["total"], "listing": listing}
