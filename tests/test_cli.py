"""The command line: `build` runs the library with one chart worker and the cyclic GC off, and cleans up after."""

from __future__ import annotations

import concurrent.futures
import gc
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path

import pytest

from reportgen import build as build_module
from reportgen import cli, workers
from reportgen.build import BuildResult
from reportgen.errors import ContentError, Location, ReportError
from reportgen.layout import Layout
from reportgen.timing import StageHook


class Pool:
    """Stands in for the ProcessPoolExecutor the CLI creates, recording how."""

    def __init__(self, max_workers: int, **options: object) -> None:
        self.max_workers = max_workers
        self.options = options
        self.started = False
        self.shut_down = False

    def submit(self, fn: Callable[..., object], /, *args: object) -> Future[object]:
        self.started = True  # the CLI starts the worker before the build
        done: Future[object] = Future()
        done.set_result(None)
        return done

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.shut_down = True


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[Pool]:
    created: list[Pool] = []

    def pool(max_workers: int, **options: object) -> Pool:
        created.append(Pool(max_workers, **options))
        return created[-1]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", pool)
    return created


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize("collecting", [True, False])
def test_build_runs_with_one_chart_worker_and_gc_off_then_restores_gc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, pools: list[Pool], collecting: bool
) -> None:
    calls: list[tuple[Path, Executor | None, bool]] = []

    def fake_build(
        root: Path, *, executor: Executor | None = None, on_stage: StageHook | None = None, strict: bool = False
    ) -> BuildResult:
        calls.append((root, executor, gc.isenabled()))
        layout = Layout(root.resolve())
        return BuildResult(layout.path(Layout.pdf), layout.path(Layout.html), 3, (ReportError("Eine Warnung."),))

    monkeypatch.setattr(build_module, "build", fake_build)
    monkeypatch.chdir(tmp_path)
    if collecting:
        gc.enable()
    else:
        gc.disable()

    assert cli.main(["build"]) == 0
    assert gc.isenabled() is collecting
    [pool] = pools
    assert (pool.max_workers, pool.started, pool.shut_down) == (1, True, True)
    assert pool.options["initializer"] is workers.become_worker  # dies with the build, ignores Ctrl-C, prints nothing
    assert calls == [(tmp_path, pool, False)]  # the project folder, made absolute once by the CLI
    output = capsys.readouterr()
    assert output.out == "build/report.pdf geschrieben: 3 Seiten.\n"
    assert output.err == "Warnung: Eine Warnung.\n"


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize(
    ("problem", "status", "message"),
    [
        (
            ContentError("Unbekannte Frage „x“.", Location("content/01.md", line=3)),
            2,
            "Fehler: content/01.md, Zeile 3: Unbekannte Frage „x“.\n",
        ),
        (KeyboardInterrupt(), 130, "Abgebrochen; die bisherige PDF-Datei ist unverändert.\n"),
    ],
)
def test_failed_build_shuts_the_worker_down_and_restores_gc(
    monkeypatch: pytest.MonkeyPatch, capsys, pools: list[Pool], problem: BaseException, status: int, message: str
) -> None:
    def failing_build(root: Path, **_: object) -> BuildResult:
        raise problem

    monkeypatch.setattr(build_module, "build", failing_build)
    gc.enable()

    assert cli.main(["build"]) == status
    assert gc.isenabled()
    assert [pool.shut_down for pool in pools] == [True]
    assert capsys.readouterr().err == message


def test_a_deleted_working_folder_is_one_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    gone = tmp_path / "weg"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert cli.main(["check"]) == 2
    assert capsys.readouterr().err == (
        "Fehler: Der aktuelle Ordner existiert nicht mehr. "
        "Wechseln Sie mit cd in den Projektordner und starten Sie reportgen erneut.\n"
    )
