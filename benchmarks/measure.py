"""Measuring fresh processes: wall time around the child, its peak RSS from os.wait4, medians, import times."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
SCRIPT = Path(__file__).resolve().parent / "run.py"
# The public command line, `reportgen.cli.main(argv)`, in a fresh interpreter.
CLI_CODE = "from reportgen.cli import run; run()"  # what the `reportgen` program runs (pyproject.toml)
PAGES = re.compile(r"(\d+) Seiten")  # the command line's "build/report.pdf geschrieben: 21 Seiten."


def install(source: Path, target: Path) -> str:
    """The checkout `source` installed in `target` as the README's first command installs it: a wheel, whose modules
    pip compiles to bytecode. (An editable install has none where PYTHONDONTWRITEBYTECODE is set, as on this kind of
    machine: every run would compile about 100 modules again, 0.1 s.) Returns the folder to put on PYTHONPATH."""
    wheels, site = target / "wheel", target / "site"
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True, capture_output=True)
    [wheel] = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True, capture_output=True)
    return str(site)


@dataclass(frozen=True)
class Sample:
    """One fresh-process measurement."""

    seconds: float
    peak_mib: float
    stdout: str


def run_child(arguments: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Sample:
    """Run a command in a fresh process (with `env` added to this one's environment); wall time around it and
    the child's peak RSS.

    os.wait4 reports the child's own ru_maxrss, or that of its largest waited-for descendant (a chart worker)
    if that was larger.
    """
    environment = {**os.environ, **env} if env else None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(arguments), cwd=cwd, stdout=out, stderr=err, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed ({process.returncode}):\n{stderr}")
    return Sample(seconds, usage.ru_maxrss * 1024 / MIB, stdout)


def reportgen(command: str, project: Path, *options: str) -> list[str]:
    """The command line of `reportgen --project PROJECT COMMAND` in a fresh interpreter."""
    return [sys.executable, *options, "-c", CLI_CODE, "--project", str(project), command]


def python(code: str, *arguments: str) -> list[str]:
    """A fresh interpreter running a piece of code."""
    return [sys.executable, "-c", code, *arguments]


def worker_result(kind: str, project: Path) -> dict[str, Any]:
    """Run a worker of this script (run.py --worker) in a fresh process; it prints JSON as its last line."""
    sample = run_child([sys.executable, str(SCRIPT), "--worker", kind, str(project)], project)
    result: dict[str, Any] = json.loads(sample.stdout.strip().splitlines()[-1])
    result["process_seconds"] = sample.seconds
    result["process_peak_mib"] = sample.peak_mib
    return result


def pages_of(sample: Sample) -> int | None:
    """The page count a `reportgen build` printed."""
    match = PAGES.search(sample.stdout)
    return int(match.group(1)) if match else None


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, minimum and maximum of some measurements."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def median_by_name(timings: Sequence[dict[str, float]]) -> dict[str, float]:
    """Per name, the median over runs; names in the order of the first run."""
    names = dict.fromkeys(name for entry in timings for name in entry)
    return {name: statistics.median(entry.get(name, 0.0) for entry in timings) for name in names}


def startup_seconds(cwd: Path, runs: int) -> float:
    """A bare interpreter start: the part of every command nobody can remove."""
    return statistics.median(run_child(python("pass"), cwd).seconds for _ in range(runs))


def import_times(project: Path) -> dict[str, float]:
    """Import time of `reportgen check` by package, in seconds, largest first.

    Exclusive by package: a package's time excludes the other packages it imports.
    """
    with tempfile.TemporaryFile() as err:
        command = reportgen("check", project, "-X", "importtime")
        subprocess.run(command, cwd=project, stdout=subprocess.DEVNULL, stderr=err, check=True)
        err.seek(0)
        lines = err.read().decode().splitlines()
    entries = [entry for entry in map(parse_importtime, lines) if entry is not None]
    totals: dict[str, float] = {}
    stack: list[tuple[int, str]] = []
    for indent, name, micro in reversed(entries):  # importtime prints children first: reversed is pre-order
        while stack and stack[-1][0] >= indent:
            stack.pop()
        owner = package_of(name)
        parent = stack[-1][1] if stack else None
        if owner != parent:
            totals[owner] = totals.get(owner, 0.0) + micro / 1e6
            if parent is not None:
                totals[parent] -= micro / 1e6
        stack.append((indent, owner))
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def package_of(module: str) -> str:
    root = module.split(".")[0]
    return "(standard library)" if root in sys.stdlib_module_names or root.startswith("_") else root


def parse_importtime(line: str) -> tuple[int, str, int] | None:
    """(indent, module, cumulative microseconds) of one `-X importtime` line."""
    if not line.startswith("import time:") or line.count("|") != 2:
        return None
    _, cumulative, name = line.split("|")
    if not cumulative.strip().isdigit():
        return None
    name = name[1:]
    return len(name) - len(name.lstrip()), name.strip(), int(cumulative)
