"""The command line: `build` runs the library with one chart worker and the cyclic GC off, and cleans up after; the
project is found from any subfolder; options go before or after the command; German help, errors and progress."""

from __future__ import annotations

import concurrent.futures
import gc
import io
import logging
import sys
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path

import pytest

from reportgen import build as build_module
from reportgen import cli, workers
from reportgen.build import BuildResult
from reportgen.errors import ContentError, Location, ReportError
from reportgen.layout import Layout
from reportgen.terminal import FONT_DATE_NOTICE, STAGE_LABELS, SUBSET_HINT
from reportgen.timing import Stage, StageHook


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
@pytest.mark.parametrize("exiting", [False, True])
def test_build_runs_with_one_chart_worker_and_gc_off_then_restores_gc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, pools: list[Pool], collecting: bool, exiting: bool
) -> None:
    """In a process that goes on, the collector is as it was; in one that ends (`cli.run`), it stays off."""
    calls: list[tuple[Path, Executor | None, bool]] = []

    def fake_build(
        root: Path,
        *,
        executor: Executor | None = None,
        on_stage: StageHook | None = None,
        strict: bool = False,
        meanwhile: Callable[[], None] = build_module.import_layout,
    ) -> BuildResult:
        meanwhile()  # the CLI's: pikepdf and WeasyPrint
        calls.append((root, executor, gc.isenabled()))
        layout = Layout(root.resolve())
        return BuildResult(layout.path(Layout.pdf), layout.path(Layout.html), 3, (ReportError("Eine Warnung."),))

    monkeypatch.setattr(build_module, "build", fake_build)
    monkeypatch.chdir(tmp_path)
    (tmp_path / Layout.config).touch()  # the fake build reads nothing; the CLI only looks for the project
    if collecting:
        gc.enable()
    else:
        gc.disable()

    assert cli.main(["build"], exiting=exiting) == 0
    assert gc.isenabled() is (collecting and not exiting)
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
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
    pools: list[Pool],
    problem: BaseException,
    status: int,
    message: str,
) -> None:
    def failing_build(root: Path, **_: object) -> BuildResult:
        raise problem

    monkeypatch.setattr(build_module, "build", failing_build)
    monkeypatch.chdir(tmp_path)
    (tmp_path / Layout.config).touch()
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


class Terminal(io.StringIO):
    """Standard error as a terminal shows it."""

    def isatty(self) -> bool:
        return True


def test_every_stage_has_a_label_in_the_order_build_runs_them() -> None:
    assert list(STAGE_LABELS) == list(Stage)


def staged_build(*notices: Callable[[], None]) -> Callable[..., BuildResult]:
    """A build that reports every stage with 0.12 s (calling `notices` during layout, as WeasyPrint would)."""

    def fake_build(root: Path, *, on_stage: StageHook | None = None, **_: object) -> BuildResult:
        for name in STAGE_LABELS:
            if name == "layout":
                for notice in notices:
                    notice()
            if on_stage is not None:
                on_stage(name, 0.12)
        layout = Layout(root.resolve())
        return BuildResult(layout.path(Layout.pdf), layout.path(Layout.html), 3)

    return fake_build


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pools: list[Pool]) -> Path:
    """A project folder for a fake build, with a subfolder; the working folder is elsewhere."""
    root = tmp_path / "projekt"
    (root / "content" / "bilder").mkdir(parents=True)
    (root / Layout.config).touch()
    (tmp_path / "anderswo").mkdir()
    monkeypatch.chdir(tmp_path / "anderswo")
    monkeypatch.setattr(build_module, "build", staged_build())
    return root


@pytest.mark.usefixtures("gc_state")
def test_the_project_is_found_from_any_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(project / "content" / "bilder")
    assert cli.main(["build"]) == 0
    assert capsys.readouterr().out == "../../build/report.pdf geschrieben: 3 Seiten.\n"  # as seen from here


def test_without_a_project_the_message_names_the_start_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    start = tmp_path / "leer" / "tief"
    start.mkdir(parents=True)
    monkeypatch.chdir(start)
    assert cli.main(["check"]) == 2
    assert capsys.readouterr().err == (
        f"Fehler: Kein Projekt: weder {Path.cwd()} noch ein Ordner darüber enthält report.toml. "
        "Legen Sie mit „reportgen new ORDNER“ ein Projekt an oder nennen Sie den Projektordner mit --project ORDNER.\n"
    )


def test_options_go_before_or_after_the_command(tiny_project, capsys) -> None:
    root = str(tiny_project())  # warns, e.g. that the question „gruppe“ is not used
    assert cli.main(["--project", root, "check"]) == 0
    assert cli.main(["check", "--project", root]) == 0
    assert cli.main(["--project", "/nirgends", "check", "--project", root]) == 0  # the one after the command wins
    capsys.readouterr()
    assert cli.main(["--strict", "check", "--project", root]) == 2  # not overwritten by the command's default
    assert "Frage „gruppe“ wird im Bericht nicht verwendet." in capsys.readouterr().err
    assert cli.main(["--project", root, "check", "--strict"]) == 2
    assert cli.main(["check", "--project", root, "--debug", "--strict"]) == 2
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["--help"], ["new", "--help"], ["build", "--help"], ["check", "-h"], ["codebook", "--help"]]
)
def test_help_is_german(capsys, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("Aufruf: reportgen")
    assert "Optionen:" in text
    assert "diese Hilfe zeigen und beenden" in text
    for english in ("usage", "options", "positional arguments", "show this help", "show program", "default"):
        assert english not in text.lower()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [],
            "Es fehlt ein Befehl. Befehle: new, build, check, codebook, watch, batch. reportgen --help erklärt alles Weitere.",
        ),
        (
            ["bild"],
            "Unbekannter Befehl „bild“. Meinten Sie „build“? Befehle: new, build, check, codebook, watch, batch.",
        ),
        (
            ["codebook"],
            "Es fehlt die Angabe DATEI. Aufruf: reportgen codebook [-h] [--project ORDNER] [--debug] [--force] "
            "DATEI. reportgen --help erklärt alles Weitere.",
        ),
        (
            ["new"],
            "Es fehlt die Angabe ORDNER. Aufruf: reportgen new [-h] [--debug] ORDNER. "
            "reportgen --help erklärt alles Weitere.",
        ),
        (
            ["check", "--project"],
            "--project braucht einen Wert. Aufruf: reportgen check [-h] [--project ORDNER] [--debug] [--strict]. "
            "reportgen --help erklärt alles Weitere.",
        ),
        (
            ["check", "--proj", "x"],  # no abbreviations: an option is spelled out or unknown
            "Unbekannte Angabe: --proj x. "
            "Aufruf: reportgen [-h] [--version] [--project ORDNER] [--debug] [--strict] BEFEHL ... "
            "reportgen --help erklärt alles Weitere.",
        ),
        (
            ["--project", "x", "new", "y"],
            "--project gilt nicht für new. Nennen Sie den neuen Ordner direkt: reportgen new ORDNER.",
        ),
    ],
)
def test_a_wrong_call_is_one_german_line(capsys, argv: list[str], message: str) -> None:
    assert cli.main(argv) == 2
    output = capsys.readouterr()
    assert (output.out, output.err) == ("", f"Fehler: {message}\n")


@pytest.mark.usefixtures("gc_state")
def test_not_on_a_terminal_the_build_prints_only_its_result(project: Path, capsys) -> None:
    assert cli.main(["build", "--project", str(project)]) == 0  # from outside the project: the absolute path
    output = capsys.readouterr()
    assert output.out.endswith("/projekt/build/report.pdf geschrieben: 3 Seiten.\n")
    assert output.out.count("\n") == 1
    assert output.err == ""


@pytest.mark.usefixtures("gc_state")
def test_on_a_terminal_the_build_shows_each_stage(project: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    assert terminal.getvalue() == "".join(f"{label} … 0,1 s\n" for label in STAGE_LABELS.values())
    assert capsys.readouterr().out == "build/report.pdf geschrieben: 3 Seiten.\n"
    assert terminal.getvalue().startswith("report.toml lesen … 0,1 s\nDaten und Codebuch prüfen … 0,1 s\n")


@pytest.mark.usefixtures("gc_state", "pools")
def test_a_stage_that_fails_ends_its_line_before_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_build(root: Path, *, on_stage: StageHook | None = None, **_: object) -> BuildResult:
        assert on_stage is not None
        on_stage("config", 0.04)
        raise ContentError("Unbekannte Frage „x“.", Location("content/01.md", line=3))

    monkeypatch.setattr(build_module, "build", failing_build)
    (tmp_path / Layout.config).touch()
    monkeypatch.chdir(tmp_path)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["build"]) == 2
    assert terminal.getvalue() == (
        "report.toml lesen … 0,0 s\n"
        "Daten und Codebuch prüfen …\n"
        "Fehler: content/01.md, Zeile 3: Unbekannte Frage „x“.\n"
    )


FONT_DATE_LOGGER = "fontTools.ttLib.tables._h_e_a_d"
SUBSET_MESSAGE = (
    'Using fontTools instead of HarfBuzz-Subset for font "%s". This will be unsupported in future versions of '
    "WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package manager."
)


def library_notices() -> None:
    """What fontTools and WeasyPrint say while a PDF is made on a system without libharfbuzz-subset."""
    for stamp in ("created", "modified"):
        logging.getLogger(FONT_DATE_LOGGER).warning(FONT_DATE_NOTICE, stamp)
    for _ in range(4):
        logging.getLogger("weasyprint").warning(SUBSET_MESSAGE, "Lato")
    warnings.warn(
        "HarfBuzz-Subset will be required by future versions of WeasyPrint. "
        "Please install this library with your package manager.",
        DeprecationWarning,
        stacklevel=1,
    )
    logging.getLogger("weasyprint").warning("Ignored `colour: red` at 3:1, unknown property.")


class Collector(logging.Handler):
    """Stands in for pdf.py's collector of WeasyPrint warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def weasyprint_warnings() -> Iterator[list[str]]:
    collector = Collector()
    logging.getLogger("weasyprint").addHandler(collector)
    yield collector.messages
    logging.getLogger("weasyprint").removeHandler(collector)


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize("on_terminal", [True, False])
def test_library_notices_an_editor_cannot_act_on_are_not_shown(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    weasyprint_warnings: list[str],
    on_terminal: bool,
) -> None:
    monkeypatch.setattr(build_module, "build", staged_build(library_notices))
    terminal = Terminal() if on_terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["--project", str(project), "build"]) == 0
    assert weasyprint_warnings == ["Ignored `colour: red` at 3:1, unknown property."]  # other warnings stay
    assert [record.getMessage() for record in caplog.records] == weasyprint_warnings
    shown = terminal.getvalue().splitlines()
    assert shown[len(STAGE_LABELS) :] == ([SUBSET_HINT] if on_terminal else [])


def test_library_callers_still_get_every_notice(caplog: pytest.LogCaptureFixture, weasyprint_warnings) -> None:
    with pytest.warns(DeprecationWarning):
        library_notices()
    assert len(weasyprint_warnings) == 5
    assert len(caplog.records) == 7
