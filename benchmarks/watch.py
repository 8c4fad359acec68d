"""The watch loop's latencies: a real `reportgen watch` on a copy of the study, driven by saves (`run.py --watch-only`).

The command runs as a user starts it (`reportgen watch --project DIR --port 0`, a fresh interpreter); the benchmark
waits for its `Vorschau: http://127.0.0.1:PORT/` line, then changes one sentence of a chapter per edit with a normal
write (open, truncate, write, close) and polls `GET /state` every 10 ms: save → `version` incremented (the preview
is ready) and save → `pdf_version` reaching that version (build/report.pdf written; its mtime must change too).
Each edit waits for its PDF before the next save, so every edit is one full cycle. The watch process's current RSS
is read from /proc/PID/status after every 10th edit and its peak (VmHWM) at the end, to show whether it grows; the
median of its own seconds per rebuild step (its /state `timings`) shows where the time goes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from copies import ADDED_SENTENCE, EDITED_CHAPTER, copy_project, edit_sentence
from measure import CLI_CODE, MIB, median_by_name, summary

from reportgen.layout import Layout

WATCH_EDITS = 100
RSS_EVERY = 10
POLL_SECONDS = 0.01
START_TIMEOUT = 300.0  # the first preview of a cold project
EDIT_TIMEOUT = 180.0  # one save until its PDF
STOP_TIMEOUT = 15.0
PREVIEW_LINE = re.compile(r"Vorschau: (http://127\.0\.0\.1:\d+/)")
# The sentence copies.edit_sentence plants; edit i turns it into "… ergänzt (i)."
CHANGED_SENTENCE = re.compile(re.escape(ADDED_SENTENCE[:-1]) + r"(?: \(\d+\))?\.")


class WatchUnavailable(RuntimeError):
    """The watch command is missing or ended before its first preview."""


@dataclass
class Watcher:
    """A running watch process and the address of its preview server."""

    process: subprocess.Popen[str]
    url: str
    project: Path
    stderr: IO[bytes]


def watch_command(project: Path, program: Sequence[str] | None = None) -> list[str]:
    """`reportgen watch --project PROJECT --port 0` in a fresh interpreter, or after another program (a stand-in)."""
    prefix = list(program) if program else [sys.executable, "-c", CLI_CODE]
    return [*prefix, "watch", "--project", str(project), "--port", "0"]


def require_watch_command() -> None:
    """Fail at once, with what to do, when this reportgen has no `watch` command."""
    probe = subprocess.run(
        [sys.executable, "-c", CLI_CODE, "watch", "--help"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        detail = (probe.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise WatchUnavailable(
            f"`reportgen watch` is not available in this installation (`reportgen watch --help` exited with "
            f"{probe.returncode}: {detail}). Install a reportgen with the watch command, or pass --watch-command "
            "with a stand-in that keeps its contract."
        )


def start(command: list[str], project: Path, stderr: IO[bytes]) -> Watcher:
    """Start the watch process and wait for its preview line; its further output is drained in a thread."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=stderr, text=True, env=environment)
    assert process.stdout is not None
    lines: list[str] = []
    found = threading.Event()
    reader = threading.Thread(target=drain, args=(process.stdout, lines, found), daemon=True)
    reader.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not found.wait(POLL_SECONDS):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(Watcher(process, "", project, stderr))
            raise WatchUnavailable(
                f"{' '.join(command)} printed no `Vorschau: http://127.0.0.1:PORT/` line "
                f"({'exit status ' + str(process.returncode) if process.returncode is not None else 'timed out'}):\n"
                + "".join(lines)
                + error_output(stderr)
            )
    match = next(PREVIEW_LINE.search(line) for line in lines if PREVIEW_LINE.search(line))
    assert match is not None
    return Watcher(process, match.group(1), project, stderr)


def drain(stream: IO[str], lines: list[str], found: threading.Event) -> None:
    """Read the watch process's stdout to its end so a full pipe never blocks it; signal the preview line."""
    for line in stream:
        if len(lines) < 50:
            lines.append(line)
        if PREVIEW_LINE.search(line):
            found.set()


def error_output(stderr: IO[bytes]) -> str:
    stderr.seek(0)
    return stderr.read().decode(errors="replace")[-4000:]


def stop(watcher: Watcher) -> None:
    """Ctrl-C, as a user ends it; killed if it does not end in time."""
    if watcher.process.poll() is None:
        watcher.process.send_signal(signal.SIGINT)
        try:
            watcher.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            watcher.process.kill()
            watcher.process.wait()


def state(watcher: Watcher) -> dict[str, Any]:
    with urllib.request.urlopen(watcher.url + "state", timeout=5) as response:
        result: dict[str, Any] = json.load(response)
    return result


def wait_for(watcher: Watcher, ready: Any, what: str) -> dict[str, Any]:
    """Poll /state every 10 ms until `ready(state)`; an error the watch reports, or its exit, ends the benchmark."""
    deadline = time.monotonic() + EDIT_TIMEOUT
    while True:
        current = state(watcher)
        if current.get("error"):
            raise RuntimeError(f"the watch process reported an error while waiting for {what}: {current['error']}")
        if ready(current):
            return current
        if watcher.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no {what} within {EDIT_TIMEOUT:.0f} s:\n{error_output(watcher.stderr)}")
        time.sleep(POLL_SECONDS)


def pdf_mtime(watcher: Watcher) -> int | None:
    path = Layout(watcher.project).path(Layout.pdf)
    return path.stat().st_mtime_ns if path.exists() else None


def change_sentence(project: Path, index: int) -> None:
    """Edit i: the planted benchmark sentence becomes "… ergänzt (i).", saved with a normal write."""
    path = Layout(project).path(Layout.content) / EDITED_CHAPTER
    text, count = CHANGED_SENTENCE.subn(f"{ADDED_SENTENCE[:-1]} ({index}).", path.read_text(encoding="utf-8"))
    if count != 1:
        raise RuntimeError(f"{path}: expected the benchmark sentence once, found it {count} times")
    path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Edit:
    """One save: seconds to the preview and to the PDF, whether build/report.pdf's mtime changed, and the watch
    process's own seconds per rebuild step (its /state `timings`)."""

    preview: float
    pdf: float
    pdf_changed: bool
    steps: dict[str, float]


def one_edit(watcher: Watcher, index: int) -> Edit:
    """Save → preview ready and save → PDF written, with the steps the watch process timed."""
    before, mtime = state(watcher), pdf_mtime(watcher)
    change_sentence(watcher.project, index)
    saved = time.perf_counter()
    preview = wait_for(watcher, lambda now: now["version"] > before["version"], f"the preview of edit {index}")
    preview_seconds = time.perf_counter() - saved
    done = wait_for(watcher, lambda now: now["pdf_version"] >= preview["version"], f"the PDF of edit {index}")
    pdf_seconds = time.perf_counter() - saved
    steps = dict(done.get("timings") or {})  # a stand-in (--watch-command) need not time its steps
    return Edit(preview_seconds, pdf_seconds, pdf_mtime(watcher) != mtime, steps)


def step_line(steps: dict[str, float]) -> str:
    """„config 0.01, prepare 0.60, …“: the watch process's own steps of one rebuild."""
    return ", ".join(f"{name} {seconds:.3f}" for name, seconds in steps.items())


def memory_mib(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
    return {name: int(kib) * 1024 / MIB for name, kib in values.items()}


def watch_benchmark(work: Path, edits: int = WATCH_EDITS, program: Sequence[str] | None = None) -> dict[str, Any]:
    """`edits` saves to a running watch process: latencies, RSS after every 10th edit, and the peak."""
    if edits < 1:
        raise ValueError("the watch benchmark needs at least one edit")
    if program is None:
        require_watch_command()
    project = copy_project(work / "watch")
    edit_sentence(project)  # plants the sentence the edits change, before the watch starts
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        watcher = start(watch_command(project, program), project, stderr)
        try:
            measured = drive(watcher, edits, started)
        finally:
            stop(watcher)
    shutil.rmtree(project)
    return {"edits": edits, "command": " ".join([*(program or ["reportgen"]), "watch"]), **measured}


def drive(watcher: Watcher, edits: int, started: float) -> dict[str, Any]:
    """The first preview and PDF, then the edits one full cycle each; RSS after every 10th edit and at the end."""
    first_preview = time.perf_counter() - started
    first = wait_for(watcher, lambda now: now["pdf_version"] >= now["version"], "the first PDF")
    first_pdf = time.perf_counter() - started
    rss = [{"edits": 0, "mib": memory_mib(watcher.process.pid)["VmRSS"]}]
    previews, pdfs, steps, unchanged = [], [], [], 0
    for index in range(1, edits + 1):
        edit = one_edit(watcher, index)
        previews.append(edit.preview)
        pdfs.append(edit.pdf)
        steps.append(edit.steps)
        unchanged += not edit.pdf_changed
        if index % RSS_EVERY == 0 or index == edits:
            rss.append({"edits": index, "mib": memory_mib(watcher.process.pid)["VmRSS"]})
            print(f"  watch: {index}/{edits} edits, RSS {rss[-1]['mib']:.0f} MiB", file=sys.stderr)
    print(f"  watch: median seconds per step {step_line(median_by_name(steps))}", file=sys.stderr)
    return {
        "first_preview_seconds": first_preview,
        "first_pdf_seconds": first_pdf,
        "preview_seconds": previews,
        "pdf_seconds": pdfs,
        "preview": summary(previews),
        "pdf": summary(pdfs),
        "steps": median_by_name(steps),
        "pdf_mtime_unchanged": unchanged,
        "rss_mib": rss,
        "peak_mib": memory_mib(watcher.process.pid)["VmHWM"],
        "pages": state(watcher).get("pages", first.get("pages")),
    }
