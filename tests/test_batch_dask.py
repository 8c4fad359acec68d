"""batch_engine on Dask: a real LocalCluster (scheduler and two worker processes on 127.0.0.1) makes the bytes the
local pool makes, and a worker killed mid-run costs no report; an unreachable scheduler is a German error."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from projects import copy_study
from reportgen import batch_engine
from reportgen.batch_engine import run_units
from reportgen.batch_worker import UnitOutcome
from reportgen.errors import ConfigError
from test_batch_engine import batch_study, jobs_for, pid


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_study(tmp_path_factory.mktemp("dask") / "studie")


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return batch_study(tmp_path_factory.mktemp("dask") / "kurz")


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, processes=True, host="127.0.0.1", dashboard_address=None) as local:
        yield local


@pytest.mark.slow
def test_dask_makes_the_bytes_of_the_local_pool(root: Path, cluster: LocalCluster) -> None:
    jobs = jobs_for(root, 2)
    heard: list[str] = []
    on_dask = run_units(jobs, workers=2, scheduler=cluster.scheduler_address, on_outcome=lambda o: heard.append(o.key))
    pooled = run_units(jobs, workers=2, scheduler=None, on_outcome=lambda outcome: None)
    assert sorted(heard) == ["R01", "R02"]
    assert [outcome.status for outcome in on_dask] == ["ok"] * 2, [outcome.message for outcome in on_dask]
    assert [outcome.pdf for outcome in on_dask] == [outcome.pdf for outcome in pooled]
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        cluster_pids = set(client.run(os.getpid).values())
    assert {pid(outcome) for outcome in on_dask} <= cluster_pids


@pytest.mark.slow
def test_a_dask_worker_killed_mid_run_costs_no_report(short: Path, cluster: LocalCluster) -> None:
    jobs = jobs_for(short, 5)
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)
        cluster_pids = set(client.run(os.getpid).values())
    heard: list[UnitOutcome] = []

    def kill_the_first_reporter(outcome: UnitOutcome) -> None:
        heard.append(outcome)
        if len(heard) == 1:  # its next report is on the way: all were submitted at once
            os.kill(pid(outcome), signal.SIGKILL)

    outcomes = run_units(jobs, workers=2, scheduler=cluster.scheduler_address, on_outcome=kill_the_first_reporter)
    assert len(heard) == 5  # every report arrived once
    assert [outcome.key for outcome in outcomes] == [job.unit.key for job in jobs]
    assert [outcome.status for outcome in outcomes] == ["ok"] * 5, [outcome.message for outcome in outcomes]
    assert pid(heard[0]) in cluster_pids
    assert pid(heard[0]) not in {pid(outcome) for outcome in heard[1:]}


def test_an_unreachable_scheduler_is_a_german_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setattr(batch_engine, "CONNECT_SECONDS", 2)
    started = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        run_units([], workers=2, scheduler=address, on_outcome=lambda outcome: None)
    assert time.monotonic() - started < 15
    assert caught.value.message.startswith(f"Der Dask-Scheduler {address} ist nicht erreichbar (")
    assert caught.value.hint == batch_engine.SCHEDULER_HINT
