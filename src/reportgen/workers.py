"""The worker processes of `reportgen build` (one reading the project, drawing charts, making report.html) and
`reportgen batch` (a pool making reports), and the second process writing a PDF's pages (`segment_writer`): they die
with the process that started them, ignore Ctrl-C, never write to the terminal.

`die_with` also ties the SPSS reader's process (`sav.py`) to the process that started it."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from multiprocessing.context import BaseContext

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_SECONDS = 10  # how long to wait for the killed worker's bookkeeping thread; it needs milliseconds


@contextmanager
def chart_worker() -> Iterator[Executor]:
    """One worker process that reads the project and then draws charts (and makes report.html) while the build
    imports WeasyPrint and lays out pages; killed when the build ends.

    Whatever ends the build (success, an error, Ctrl-C), nothing waits for a chart still being drawn: by then
    the build has every chart it needs, or needs none."""
    pool = concurrent.futures.ProcessPoolExecutor(  # looked up here, so that tests can stand in for the pool
        max_workers=1, mp_context=_context(), initializer=become_worker, initargs=(os.getpid(),)
    )
    try:
        _start(pool)
        yield pool
    finally:
        _kill(pool)


REPORTS_PER_WORKER = 200  # a fresh worker costs about 3 s: 1.5 % of 200 reports, and memory stays below 350 MiB


@contextmanager
def report_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """`workers` processes for batch reports, killed when the block ends (see `chart_worker`).

    Spawned, not forked: each starts from a fresh interpreter (the coordinator may run threads) and its parent is
    this process, so it dies with it. Processes start as tasks are submitted: submit them `holding_back_ctrl_c`.
    A worker grows by about half a MiB per report: after REPORTS_PER_WORKER it is replaced by a fresh one."""
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        max_tasks_per_child=REPORTS_PER_WORKER,
        initializer=become_worker,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        _kill(pool)


def become_worker(parent: int) -> None:
    """Pool initializer (and the start of a forked worker): ignore Ctrl-C (the build handles it), drop the
    caller's terminal, die with `parent`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by `_start`; pending ones are dropped
    _detach_from_terminal()
    die_with(parent)


def _context() -> BaseContext:
    """Fork where the worker can be tied to its parent: then the parent is this process, not a fork server."""
    if _prctl() is not None:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _start(pool: ProcessPoolExecutor) -> None:
    """Start the worker now, with Ctrl-C held back until it has learnt to ignore it.

    A Ctrl-C that came before `become_worker` would end the worker with a traceback on the terminal; held back
    (blocked), it reaches the worker only once ignored, and this process right after the start."""
    with holding_back_ctrl_c():
        pool.submit(os.getpid)  # any task starts the worker; the build's first task follows right after


def _kill(pool: ProcessPoolExecutor) -> None:
    """Cancel what is pending and kill the worker, without waiting for a chart being drawn.

    A Ctrl-C in the middle would leave the worker alive and the exit waiting for its chart: it is held back."""
    with holding_back_ctrl_c():
        processes = dict(getattr(pool, "_processes", None) or {})  # `shutdown` forgets them (as 3.14's kill_workers)
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes.values():
            with suppress(ProcessLookupError, ValueError):  # already gone, or already closed
                process.kill()
        if manager is not None:
            manager.join(STOP_SECONDS)  # notices the killed worker, fails its futures and reaps it


@contextmanager
def holding_back_ctrl_c() -> Iterator[None]:
    """SIGINT blocked in this thread (and in processes and threads started here) until the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _detach_from_terminal() -> None:
    """Point stdin, stdout and stderr at /dev/null: a worker must never hold the caller's pipe open or print.

    Failures in a chart come back to the build as the future's exception and are reported there. (Nothing is
    left to flush: multiprocessing flushes the parent's streams before it forks.)"""
    null = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(null, descriptor)
    if null > 2:
        os.close(null)
    # A forked worker inherits the parent's stream objects, which need not write to descriptors 1 and 2.
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 (lives as long as the worker)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115


def die_with(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies, however it dies (Linux; elsewhere nothing)."""
    prctl = _prctl()
    if prctl is None:
        return
    if prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # the parent died before the request: nobody will send the signal
        os._exit(0)


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl
