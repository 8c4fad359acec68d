"""The chart worker: dies with the build however it ends, ignores Ctrl-C, and never holds or writes to the terminal.

The builds here are real processes, killed with real signals; each runs in its own process group, which the test
kills at the end whatever happened, so a failing test leaves nothing behind."""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from projects import REPO, copy_project
from reportgen.layout import Layout
from reportgen.workers import chart_worker

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes through /proc (Linux)")

INTERRUPTED = "Abgebrochen; die bisherige PDF-Datei ist unverändert.\n"
PATIENCE = 60.0  # seconds a loaded two-core machine may need to get a build going
PROMPTLY = 10.0  # seconds within which something that should be immediate must have happened
PR_GET_PDEATHSIG = 2
CHARTS = '# Grafiken\n\n{{ bar_chart("item") }}\n\n{{ pie_chart("gruppe") }}\n'


# -- helpers: processes as /proc shows them ------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _alive(pid: int, started: str) -> bool:
    """Still running: a zombie is dead, and a new process with a reused id is not the one we meant."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in "ZX" and fields[19] == started


def _children(pid: int) -> list[int]:
    """Live child processes: from /proc/<pid>/task/*/children where the kernel has it, else every /proc/*/stat."""
    listings = list(Path(f"/proc/{pid}/task").glob("*/children"))
    if listings:
        return [int(child) for listing in listings for child in _listed(listing)]
    children = []
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields is not None and fields[0] not in "ZX" and fields[1] == str(pid):
            children.append(int(entry.name))
    return children


def _listed(listing: Path) -> list[str]:
    """A thread's children file; none when the thread has ended since it was listed (its children go to another
    thread of the process, whose file has them)."""
    try:
        return listing.read_text().split()
    except OSError:
        return []


def _forks(pid: int) -> list[int]:
    """The children that run the parent's program for a while: the chart worker and the second process writing
    pages (not multiprocessing's resource tracker, nor a fork that is about to run a program such as `ldconfig`)."""

    def running_it() -> set[int]:
        program = _cmdline(pid)
        return {child for child in _children(pid) if program is not None and _cmdline(child) == program}

    first = running_it()
    time.sleep(0.1)
    return sorted(first & running_it())


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _eventually(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _reaches_eof(stream: int, seconds: float) -> bool:
    """Whether reading the pipe ends (every writer has closed it) within `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([stream], [], [], left)
        if readable and not os.read(stream, 65536):
            return True
    return False


@contextlib.contextmanager
def _build(root: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`reportgen build` of `root` with stdout and stderr piped, in a process group of its own."""
    build = subprocess.Popen(
        [sys.executable, "-m", "reportgen.cli", "--project", str(root), "build"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        process_group=0,
        preexec_fn=_answer_ctrl_c,
    )
    try:
        yield build
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
        build.communicate()


def _answer_ctrl_c() -> None:
    """A pytest started in the background (`pytest &`) ignores SIGINT, and so would the build: not at a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _worker_of(build: subprocess.Popen[bytes]) -> tuple[int, str]:
    """The chart worker of a running build (its id and start time), once it is there."""
    assert _eventually(lambda: bool(_children(build.pid)) or build.poll() is not None, PATIENCE)
    children = _children(build.pid)
    assert len(children) == 1, f"no single chart worker (build status {build.poll()}): {children}"
    [worker] = children
    fields = _stat(worker)
    assert fields is not None
    return worker, fields[19]


# -- a killed build ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_killed_with_sigkill_takes_its_worker_along_and_frees_the_pipe(
    tiny_project: Callable[..., Path],
) -> None:
    root = tiny_project({"content/02-grafiken.md": CHARTS})
    with _build(root) as build:
        worker, started = _worker_of(build)
        assert build.stdout is not None and build.stderr is not None

        os.kill(build.pid, signal.SIGKILL)
        build.wait(PROMPTLY)

        assert _eventually(lambda: not _alive(worker, started), PROMPTLY)
        # `reportgen build | cat` ends: nobody holds the build's stdout or stderr any more
        assert _reaches_eof(build.stdout.fileno(), PROMPTLY)
        assert _reaches_eof(build.stderr.fileno(), PROMPTLY)


# -- Ctrl-C --------------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("after", [0.0, 0.3], ids=["as-the-worker-starts", "while-building"])
def test_ctrl_c_ends_the_build_with_one_line_and_status_130(tiny_project: Callable[..., Path], after: float) -> None:
    root = tiny_project({"content/02-grafiken.md": CHARTS})
    with _build(root) as build:
        worker, started = _worker_of(build)
        time.sleep(after)

        os.killpg(build.pid, signal.SIGINT)  # as the terminal sends it: to the build and its worker
        out, err = build.communicate(timeout=PATIENCE)

        assert (build.returncode, out, err.decode()) == (130, b"", INTERRUPTED)
        assert _eventually(lambda: not _alive(worker, started), PROMPTLY)
    assert not (root / Layout.pdf).exists()


@pytest.mark.slow
@pytest.mark.parametrize("to_the_group", [False, True], ids=["kill-INT", "terminal"])
def test_ctrl_c_while_the_pages_are_written_leaves_no_process_behind(tmp_path: Path, to_the_group: bool) -> None:
    """The PDF's pages are written by the build and a second process. SIGINT to the build alone (`kill -INT`) or to
    its group (the terminal): status 130, and nothing holds the build's pipes. The study: its segments are larger
    than a pipe holds, so a second process left to send them to a build that no longer reads would wait for ever."""
    root = copy_project(REPO, tmp_path / "studie")
    with _build(root) as build:
        assert _eventually(lambda: len(_forks(build.pid)) >= 2 or build.poll() is not None, PATIENCE)
        children = {pid: _stat(pid) for pid in _forks(build.pid)}
        assert len(children) >= 2, f"no second process writing pages (build status {build.poll()})"

        if to_the_group:
            os.killpg(build.pid, signal.SIGINT)
        else:
            os.kill(build.pid, signal.SIGINT)
        assert build.stdout is not None and build.stderr is not None
        assert _reaches_eof(build.stderr.fileno(), PATIENCE), "a process still holds the build's stderr"
        assert _reaches_eof(build.stdout.fileno(), PROMPTLY)

        assert build.wait(PROMPTLY) == 130
        for pid, fields in children.items():
            assert fields is not None
            assert _eventually(lambda pid=pid, started=fields[19]: not _alive(pid, started), PROMPTLY)
    assert not (root / Layout.pdf).exists()


# -- a finished build ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_finished_build_leaves_no_worker_behind(tiny_project: Callable[..., Path]) -> None:
    root = tiny_project({"content/02-grafiken.md": CHARTS})
    with _build(root) as build:
        worker, started = _worker_of(build)
        out, err = build.communicate(timeout=PATIENCE * 3)

        assert build.returncode == 0, err.decode()
        assert out.decode().endswith(" Seiten.\n")
        assert "Traceback" not in err.decode()
        assert not _alive(worker, started)
    assert len(list((root / Layout.charts).glob("*.svg"))) == 2  # drawn by the worker


# -- the worker itself, in this process's own pool -----------------------------------------------------------


def _worker_facts() -> tuple[bool, list[str], int, int]:
    """Runs in the worker: does it ignore Ctrl-C, where do its standard streams go, what ends it with its parent."""
    death_signal = ctypes.c_int()
    ctypes.CDLL(None, use_errno=True).prctl(PR_GET_PDEATHSIG, ctypes.byref(death_signal), 0, 0, 0)
    ignores_ctrl_c = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    streams = [os.readlink(f"/proc/self/fd/{descriptor}") for descriptor in (0, 1, 2)]
    print("Traceback (most recent call last): nobody sees this", file=sys.stderr, flush=True)
    return ignores_ctrl_c, streams, death_signal.value, os.getppid()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
def test_the_worker_ignores_ctrl_c_writes_nowhere_and_dies_with_its_parent(capfd: pytest.CaptureFixture[str]) -> None:
    with chart_worker() as worker:
        facts = worker.submit(_worker_facts).result(timeout=PATIENCE)

    assert facts == (True, [os.devnull] * 3, signal.SIGKILL, os.getpid())
    assert capfd.readouterr() == ("", "")


def test_leaving_the_worker_kills_it_without_waiting_for_a_chart_being_drawn() -> None:
    with chart_worker() as worker:
        pid = worker.submit(os.getpid).result(timeout=PATIENCE)
        fields = _stat(pid)
        assert fields is not None
        busy = worker.submit(time.sleep, 600)
        assert _eventually(busy.running, PROMPTLY)
        leaving = time.monotonic()

    assert time.monotonic() - leaving < PROMPTLY
    assert not _alive(pid, fields[19])


@pytest.mark.slow
def test_a_reader_that_went_away_costs_the_build_no_traceback(tiny_project: Callable[..., Path]) -> None:
    root = tiny_project()
    with _build(root) as build:
        assert build.stdout is not None and build.stderr is not None
        build.stdout.close()  # as `reportgen build | head -0`
        err = build.stderr.read().decode()
        build.wait(timeout=PATIENCE * 3)

        assert build.returncode == 141, err
        assert "Traceback" not in err
    assert (root / Layout.pdf).is_file()
