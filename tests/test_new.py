"""`reportgen new`: a project that checks and builds at once, made from package data, with the user's permissions."""

from __future__ import annotations

import errno
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from projects import REPO
from reportgen import cli, house
from reportgen.build import prepare
from reportgen.codebook import KINDS, parse_codebook
from reportgen.helpers import registered
from reportgen.layout import Layout
from reportgen.terminal import STAGE_LABELS, SUBSET_HINT

CLIENT_NAMES = ("entreprenerdy", "molewa", "leipzig")


def new_project(target: Path) -> Path:
    assert cli.main(["new", str(target)]) == 0
    return target


def files_below(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_a_new_project_checks_without_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    target = new_project(tmp_path / "meine studie")
    assert capsys.readouterr().out == (f"Projekt in {target} angelegt. Weiter mit: cd '{target}' && reportgen build\n")
    project = prepare(target)
    assert project.warnings == ()
    assert project.stats.respondents == 12
    monkeypatch.chdir(target / "data")  # found from a subfolder, as the README says
    assert cli.main(["check"]) == 0
    output = capsys.readouterr()
    assert (output.out, output.err) == ("Keine Fehler gefunden (1 Kapitel, 12 Befragte).\n", "")


def test_the_starter_shows_every_block_every_kind_of_question_and_a_citation(tmp_path: Path) -> None:
    target = new_project(tmp_path / "neu")
    chapters = sorted((target / Layout.content).glob("*.md"))
    assert [path.name for path in chapters] == ["01-ergebnisse.md"]
    chapter = chapters[0].read_text(encoding="utf-8")
    for info in registered("block"):
        assert f"{{{{ {info.name}(" in chapter
    for prose in ("n", "share", "mean"):
        assert f"{{{{ {prose}(" in chapter
    codebook = parse_codebook((target / "data/codebook.toml").read_text(encoding="utf-8"), "data/codebook.toml")
    assert sorted(question.kind for question in codebook.questions) == sorted(KINDS)
    assert "[@musterinstitut-2024]" in chapter
    assert "[musterinstitut-2024]" in (target / Layout.references).read_text(encoding="utf-8")


def test_the_starter_has_the_study_templates_but_a_neutral_logo(tmp_path: Path) -> None:
    target = new_project(tmp_path / "neu")
    study = files_below(REPO / Layout.templates)
    new = files_below(target / Layout.templates)
    logo = Path(Layout.logo).name
    assert new.keys() == study.keys()
    assert {name: data for name, data in new.items() if name != logo} == {
        name: data for name, data in study.items() if name != logo
    }
    assert new[logo] == house.NEUTRAL_LOGO
    for name, data in files_below(target).items():
        if not name.endswith(".ttf"):
            assert not any(client in data.decode("utf-8").lower() for client in CLIENT_NAMES), name
    assert (target / ".gitignore").read_text(encoding="utf-8") == "/build/\n"


def test_new_fills_an_empty_folder_and_creates_missing_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["new", "."]) == 0
    assert capsys.readouterr().out == "Projekt in . angelegt. Weiter mit: reportgen build\n"
    assert (tmp_path / Layout.config).is_file()
    assert cli.main(["new", "a/b/c"]) == 0
    assert (tmp_path / "a/b/c" / Layout.config).is_file()


@pytest.mark.parametrize("occupied", ["folder", "file"])
def test_new_refuses_what_is_not_a_new_or_empty_folder(tmp_path: Path, capsys, occupied: str) -> None:
    target = tmp_path / "belegt"
    if occupied == "folder":
        target.mkdir()
        (target / "notiz.txt").write_text("bleibt", encoding="utf-8")
    else:
        target.write_text("bleibt", encoding="utf-8")
    before = files_below(tmp_path)
    assert cli.main(["new", str(target)]) == 2
    problem = "Der Ordner ist nicht leer." if occupied == "folder" else "Hier liegt schon eine Datei."
    assert capsys.readouterr().err == (
        f"Fehler: {target}: {problem} Nennen Sie einen neuen oder leeren Ordner; reportgen new überschreibt nichts.\n"
    )
    assert files_below(tmp_path) == before


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_new_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, existing: bool
) -> None:
    real_open = pathlib.Path.open

    def full_disk(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if path.name == "responses.csv" and "x" in mode:  # writing the new project's responses
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, mode, *args, **kwargs)

    target = tmp_path / "neu"
    if existing:
        target.mkdir()
    monkeypatch.setattr(pathlib.Path, "open", full_disk)
    assert cli.main(["new", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"Fehler: {target}: Das Projekt lässt sich nicht anlegen ({os.strerror(errno.ENOSPC)}). "
        "Prüfen Sie, ob der Ordner beschreibbar ist; es wurde nichts angelegt.\n"
    )
    assert list(tmp_path.iterdir()) == ([target] if existing else [])
    assert not existing or not any(target.iterdir())


def test_files_of_a_new_project_follow_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        target = new_project(tmp_path / "neu")
    finally:
        os.umask(previous)
    modes = {path.relative_to(tmp_path).as_posix(): path.stat().st_mode & 0o777 for path in target.rglob("*")}
    modes["neu"] = target.stat().st_mode & 0o777
    assert {mode for name, mode in modes.items() if (tmp_path / name).is_dir()} == {0o750}
    assert {mode for name, mode in modes.items() if (tmp_path / name).is_file()} == {0o640}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.slow
@pytest.mark.usefixtures("gc_state")
def test_a_new_project_builds_with_progress_and_without_library_notices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, caplog: pytest.LogCaptureFixture
) -> None:
    import weasyprint.pdf.fonts

    target = new_project(tmp_path / "neu")
    capsys.readouterr()
    monkeypatch.chdir(target)
    # As on a system without libharfbuzz-subset: fontTools subsets the fonts, and it and WeasyPrint say so.
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["build"]) == 0
    assert re.fullmatch(r"build/report\.pdf geschrieben: \d+ Seiten\.\n", capsys.readouterr().out)
    lines = terminal.getvalue().splitlines()
    expected = [rf"{re.escape(label)} … \d+,\d s" for label in STAGE_LABELS.values()]
    assert len(lines) == len(expected) + 1
    for line, pattern in zip(lines, expected, strict=False):
        assert re.fullmatch(pattern, line), line
    assert lines[-1] == SUBSET_HINT
    assert caplog.records == []
    assert (target / Layout.pdf).is_file()


@pytest.mark.slow
def test_the_wheel_carries_the_starter_and_a_new_project_checks_from_it(tmp_path: Path) -> None:
    source = tmp_path / "quelle"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("src", Layout.templates):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("reportgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        site = tmp_path / "site"
        archive.extractall(site)
    package = {f"reportgen/{name}" for name in files_below(source / "src/reportgen")}
    templates = {f"reportgen/{house.TEMPLATES}/{name}" for name in files_below(source / Layout.templates)}
    logo = f"reportgen/{house.TEMPLATES}/{Path(Layout.logo).name}"
    assert package <= names  # every module, the starter files and every other file of the package
    assert templates - {logo} <= names
    assert logo not in names  # the study client's logo stays in the study

    run = tmp_path / "lauf"
    run.mkdir()
    program = (
        "import shutil, sys\n"
        "from reportgen import house\n"
        "from reportgen.cli import main\n"
        "print(house.house_folder())\n"
        "assert main(['new', 'p']) == 0\n"
        "assert main(['--project', 'p', 'check']) == 0\n"
        "shutil.copytree('p/templates', 'kopie')\n"
        "shutil.rmtree('p/templates')\n"  # then the house templates, from the wheel
        "sys.exit(main(['--project', 'p', 'check']))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=run, env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == [
        str(site / "reportgen" / house.TEMPLATES),
        "Projekt in p angelegt. Weiter mit: cd p && reportgen build",
        "Keine Fehler gefunden (1 Kapitel, 12 Befragte).",
        "Keine Fehler gefunden (1 Kapitel, 12 Befragte).",
    ]
    assert files_below(run / "kopie").keys() == files_below(REPO / Layout.templates).keys()
