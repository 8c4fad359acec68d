"""Running the jobs of a batch: in this process, in a local process pool, or on a Dask cluster; each outcome is
handed on as it arrives (for the progress bar) and all are returned in the jobs' order."""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .batch_worker import UnitJob, UnitOutcome, peak_mib, render_unit, worker_name
from .errors import ConfigError
from .workers import holding_back_ctrl_c, report_pool

OnOutcome = Callable[[UnitOutcome], None]

MAX_ATTEMPTS = 3  # a report whose worker died this often fails (it may itself be what kills it, e.g. memory)
CONNECT_SECONDS = 20  # how long to try to reach a Dask scheduler
SCHEDULER_HINT = (
    "Prüfen Sie die Adresse (--scheduler oder DASK_SCHEDULER_ADDRESS, z. B. tcp://rechner:8786) und ob der "
    "Scheduler läuft; ohne --scheduler rechnet reportgen batch auf diesem Rechner."
)


def run_units(
    jobs: Sequence[UnitJob], *, workers: int, scheduler: str | None, on_outcome: OnOutcome
) -> list[UnitOutcome]:
    """Every job's outcome, in the jobs' order: on the Dask cluster whose scheduler is at `scheduler`, else with
    `workers` local processes (0: in this process). A report that fails is an outcome like any other; a local
    worker that dies takes its reports to a new pool (at most MAX_ATTEMPTS times each)."""
    outcomes: dict[str, UnitOutcome] = {}

    def arrived(outcome: UnitOutcome) -> None:
        outcomes[outcome.key] = outcome
        on_outcome(outcome)

    if scheduler is not None:
        _on_dask(jobs, scheduler, arrived)
    elif workers == 0:
        for job in jobs:
            arrived(render_unit(job))
    else:
        _in_pool(jobs, workers, arrived)
    return [outcomes[job.unit.key] for job in jobs]


def _in_pool(jobs: Iterable[UnitJob], workers: int, arrived: OnOutcome) -> None:
    """The jobs in a local pool; when a worker dies, the pool is replaced and the jobs it had are tried again."""
    waiting = deque(jobs)
    while waiting:
        with report_pool(workers) as pool:
            lost = _until_broken(pool, waiting, workers, arrived)
        for job in reversed(lost):
            if job.attempt >= MAX_ATTEMPTS:
                arrived(_died(job))
            else:
                waiting.appendleft(dataclasses.replace(job, attempt=job.attempt + 1))


def _until_broken(pool: Executor, waiting: deque[UnitJob], workers: int, arrived: OnOutcome) -> list[UnitJob]:
    """Run the waiting jobs until they are done or the pool breaks; then the jobs it had.

    Only as many jobs as there are workers are handed to the pool at a time: when one dies, the jobs it takes
    with it are those that were being made, not those queued behind them. A worker that finished gets its next
    job before the outcome is handed on."""
    running: dict[Future[UnitOutcome], UnitJob] = {}
    lost: list[UnitJob] = []
    arrivals: list[UnitOutcome] = []
    while (waiting and not lost) or running or arrivals:
        with holding_back_ctrl_c():  # a worker process may start now: see workers.report_pool
            while waiting and len(running) < workers and not lost:
                job = waiting.popleft()
                try:
                    running[pool.submit(render_unit, job)] = job
                except BrokenProcessPool:
                    lost.append(job)
        for outcome in arrivals:
            arrived(outcome)
        arrivals.clear()
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            job = running.pop(future)
            try:
                arrivals.append(future.result())
            except BrokenProcessPool:
                lost.append(job)
            except Exception as error:  # the outcome did not come back (e.g. it could not be sent)
                arrivals.append(_failed(job, f"Unerwarteter Fehler ({type(error).__name__}): {error}"))
    return lost


def _died(job: UnitJob) -> UnitOutcome:
    return _failed(
        job,
        f"Der Worker-Prozess wurde {job.attempt}-mal während dieses Berichts beendet; der Bericht wurde nicht "
        "erstellt. Meist fehlt Arbeitsspeicher: versuchen Sie es mit weniger Workern (--workers).",
    )


def _failed(job: UnitJob, message: str) -> UnitOutcome:
    """A failure found by the coordinator (no worker reported on the job)."""
    return UnitOutcome(job.unit.key, "failed", None, 0, "", message, (), 0.0, worker_name(), peak_mib(), job.attempt)


def _on_dask(jobs: Sequence[UnitJob], address: str, arrived: OnOutcome) -> None:
    """The jobs on the Dask cluster at `address`; the cluster itself runs again a job whose worker died."""
    client = _client(address)
    try:
        executor = client.get_executor(pure=False)  # two runs of one job are two tasks
        futures = {executor.submit(render_unit, job): job for job in jobs}
        try:
            for future in as_completed(futures):
                job = futures[future]
                try:
                    outcome = future.result()
                except Exception as error:  # e.g. KilledWorker: the job's workers died too often
                    outcome = _failed(
                        job, f"Der Bericht ist auf dem Dask-Cluster gescheitert ({type(error).__name__}): {error}"
                    )
                arrived(outcome)
        finally:
            executor.shutdown(wait=False)
    finally:
        client.close()


def _client(address: str) -> Any:  # a distributed.Client (Dask is an optional dependency)
    """A client of the scheduler at `address`; never a cluster of its own."""
    try:
        from distributed import Client
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise ConfigError(
            "Für --scheduler wird Dask gebraucht, es ist nicht installiert.",
            hint="Installieren Sie es mit: pip install 'reportgen[dask]'",
        ) from None
    try:
        get_address_host_port(address)  # a malformed address would leave a half-made client behind
    except ValueError as error:
        raise ConfigError(
            f"Die Adresse des Dask-Schedulers ist ungültig: {address} ({error}).", hint=SCHEDULER_HINT
        ) from None
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise ConfigError(
            f"Der Dask-Scheduler {address} ist nicht erreichbar ({type(error).__name__}: {error}).", hint=SCHEDULER_HINT
        ) from None
