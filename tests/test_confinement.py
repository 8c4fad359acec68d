"""Hostile and broken files, end to end through `reportgen`: every case is one German message and exit status 2,
no traceback, nothing touched outside build/, and the last good outputs exactly as they were."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from projects import full_disk_when_writing, make_tiny
from reportgen.build import build
from reportgen.cli import main

CHAPTER = "# Ergebnisse\n\n{{ n() }} Befragte.\n\n{{ bar_chart('item') }}\n\n{{ pie_chart('gruppe') }}\n"
OUTSIDE_HINT = "Kopieren Sie die Datei in den Projektordner, statt auf sie zu verweisen."
SPECIAL_HINT = "Ersetzen Sie sie durch eine Datei oder entfernen Sie sie."
WRITE_HINT = "Prüfen Sie, ob der Ordner build/ beschreibbar ist und genug Speicherplatz frei ist."


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny project with two charts, built once under umask 022: the last good outputs."""
    root = make_tiny(tmp_path_factory.mktemp("built") / "projekt", {"content/01-kapitel.md": CHAPTER})
    previous = os.umask(0o022)
    try:
        build(root)
    finally:
        os.umask(previous)
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built project, in a folder of its own below `tmp_path`."""
    return Path(shutil.copytree(built, tmp_path / "projekt", symlinks=True))


def outputs(root: Path) -> dict[str, bytes]:
    """What a reader sees in build/: report.pdf, report.html and the charts, byte for byte."""
    build_folder = root / "build"
    return {
        path.relative_to(build_folder).as_posix(): path.read_bytes()
        for path in sorted(build_folder.rglob("*"))
        if path.is_file() and not path.relative_to(build_folder).as_posix().startswith(".cache")
    }


def everything_around(root: Path) -> dict[str, float]:
    """Every entry outside the project's build/ folder (in its parent folder), with its modification time."""
    return {
        path.relative_to(root.parent).as_posix(): path.lstat().st_mtime
        for path in sorted(root.parent.rglob("*"))
        if not path.is_relative_to(root / "build")
    }


def fails(root: Path, capsys: pytest.CaptureFixture[str], *command: str) -> str:
    """Run reportgen; it must fail with exit status 2, print no traceback and change nothing it should not."""
    before, around = outputs(root), everything_around(root)
    assert main(["--project", str(root), *(command or ("build",))]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert outputs(root) == before
    assert everything_around(root) == around
    return err


def test_the_built_outputs(built: Path) -> None:
    assert sorted(outputs(built)) == ["charts/bar-item.svg", "charts/pie-gruppe.svg", "report.html", "report.pdf"]


# Reading: every file read resolves inside the project and is a regular file.


@pytest.mark.parametrize("name", ["08-x.md", "_schnipsel.md"])
def test_chapter_or_snippet_linked_out_of_the_project(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / "geheim.txt").write_text("Geheimnis\n", encoding="utf-8")
    (project / "content" / name).symlink_to(tmp_path / "geheim.txt")
    assert fails(project, capsys) == (
        f"Fehler: content/{name}: Die Datei verweist auf {(tmp_path / 'geheim.txt').resolve()}, "
        f"außerhalb des Projekts. {OUTSIDE_HINT}\n"
    )


def test_chapter_linked_to_dev_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    (project / "content" / "08-x.md").symlink_to("/dev/zero")
    assert fails(project, capsys) == (
        f"Fehler: content/08-x.md: Die Datei verweist auf /dev/zero, außerhalb des Projekts. {OUTSIDE_HINT}\n"
    )


@pytest.mark.parametrize("name", ["data/codebook.toml", "data/responses.csv", "content/literatur.toml"])
def test_data_linked_out_of_the_project(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    outside = tmp_path / "anderswo"
    outside.mkdir()
    (project / name).rename(outside / Path(name).name)
    (project / name).symlink_to(outside / Path(name).name)
    err = fails(project, capsys, "check")
    assert err.startswith(f"Fehler: {name}: Die Datei verweist auf {outside.resolve() / Path(name).name}")


def test_fifo_chapter_is_an_error_not_a_hang(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(project / "content" / "08-x.md")
    assert fails(project, capsys) == (
        f"Fehler: content/08-x.md: Das ist keine gewöhnliche Datei, sondern eine Pipe (FIFO). {SPECIAL_HINT}\n"
    )


def test_dangling_chapter_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content" / "08-x.md").symlink_to(project / "content" / "weg.md")
    assert fails(project, capsys) == (
        "Fehler: content/08-x.md: Datei nicht gefunden. "
        "Der Verweis zeigt ins Leere: ersetzen Sie ihn durch die Datei oder entfernen Sie ihn.\n"
    )


def test_references_as_a_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content" / "literatur.toml").unlink()
    (project / "content" / "literatur.toml").mkdir()
    assert fails(project, capsys, "check") == (
        f"Fehler: content/literatur.toml: Das ist keine gewöhnliche Datei, sondern ein Ordner. {SPECIAL_HINT}\n"
    )


def make_lock_file(content: Path) -> None:
    """Emacs's lock file: a dangling symlink named .#x.md."""
    (content / ".#01-kapitel.md").symlink_to("user@host.1234:1700000000")


def make_folder(content: Path) -> None:
    (content / "x.md").mkdir()
    (content / "x.md" / "notiz.md").write_text("# Notiz\n", encoding="utf-8")


def make_apple_double(content: Path) -> None:
    (content / "._01-kapitel.md").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")


@pytest.mark.parametrize("make", [make_lock_file, make_folder, make_apple_double])
def test_not_chapters(project: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], None]) -> None:
    make(project / "content")
    assert main(["--project", str(project), "check"]) == 0
    assert "(1 Kapitel," in capsys.readouterr().out


# Ids that become paths.


def test_question_id_with_a_slash_writes_nothing_above_the_project(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qid = "x/../../../../name"
    with (project / "data" / "codebook.toml").open("a", encoding="utf-8") as codebook:
        codebook.write(
            f'\n["{qid}"]\nkind = "categorical"\ntext = "Böse"\ncategories = [{{ code = 1, label = "A" }}]\n'
        )
    responses = (project / "data" / "responses.csv").read_text(encoding="utf-8").splitlines()
    rows = [f"{responses[0]},{qid}", *(f"{row},1" for row in responses[1:])]
    (project / "data" / "responses.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (project / "content" / "01-kapitel.md").write_text(CHAPTER + f"\n{{{{ bar_chart('{qid}') }}}}\n", "utf-8")
    assert fails(project, capsys) == (
        f"Fehler: data/codebook.toml, Zeile 17: [{qid}] ungültiger Fragename: erlaubt sind Buchstaben a–z und A–Z, "
        "Ziffern, _ und -, am Anfang ein Buchstabe oder eine Ziffer. Benennen Sie die Frage und ihre Spalte in den "
        "Antworten um, z. B. [frage_1].\n"
    )
    assert not list(project.parent.parent.rglob("name.svg"))


# Writing: one message, and the previous outputs as they were.


def changed_content(project: Path) -> None:
    """New text and one chart fewer: a build that got through would change report.html and prune a chart."""
    (project / "content" / "01-kapitel.md").write_text(CHAPTER.replace("{{ pie_chart('gruppe') }}", "Neu."), "utf-8")


def test_read_only_build_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed_content(project)
    folders = [project / "build", project / "build" / "charts", project / "build" / ".cache"]
    for folder in folders:
        folder.chmod(0o555)
    try:
        if os.access(project / "build", os.W_OK):
            pytest.skip("running as root: chmod does not stop writing")
        err = fails(project, capsys)
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert err.startswith("Fehler: build/") and err.endswith(f"(keine Schreibrechte). {WRITE_HINT}\n")


def refuse_creating_files(monkeypatch: pytest.MonkeyPatch, error: int) -> None:
    """Creating a file fails with `error`, as in a read-only folder (also for root, whom chmod does not stop)."""
    real_open = os.open

    def opening(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if flags & os.O_CREAT:
            raise OSError(error, os.strerror(error), str(path))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", opening)


@pytest.mark.parametrize(
    ("error", "reason"), [(errno.EACCES, "keine Schreibrechte"), (errno.EROFS, "das Laufwerk ist schreibgeschützt")]
)
def test_build_folder_refusing_new_files(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, error: int, reason: str
) -> None:
    changed_content(project)
    refuse_creating_files(monkeypatch, error)
    err = fails(project, capsys)
    assert err.startswith("Fehler: build/") and err.endswith(f"({reason}). {WRITE_HINT}\n")


def test_report_pdf_is_a_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed_content(project)
    (project / "build" / "report.pdf").unlink()
    (project / "build" / "report.pdf").mkdir()
    assert fails(project, capsys) == (
        f"Fehler: build/report.pdf: Die Datei lässt sich nicht schreiben (an ihrer Stelle liegt ein Ordner). "
        f"{WRITE_HINT}\n"
    )
    assert (project / "build" / "report.pdf").is_dir()


def test_build_is_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(project / "build")
    (project / "build").write_text("keine Ablage\n", encoding="utf-8")
    assert fails(project, capsys) == (
        "Fehler: build: „build“ ist eine Datei; reportgen braucht dort einen Ordner. "
        "Entfernen oder verschieben Sie die Datei build, dann legt reportgen den Ordner an.\n"
    )
    assert (project / "build").read_text(encoding="utf-8") == "keine Ablage\n"


def test_full_disk_in_the_middle_of_writing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """report.html and the charts are written before report.pdf fails: none of them may have changed."""
    changed_content(project)
    full_disk_when_writing("report.pdf", monkeypatch)
    assert fails(project, capsys) == (
        f"Fehler: build/report.pdf: Die Datei lässt sich nicht schreiben (kein Speicherplatz mehr frei). {WRITE_HINT}\n"
    )
    assert not [path.name for path in (project / "build").rglob("*.tmp")]


def test_full_disk_while_writing_the_cache(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "data" / "responses.csv").write_text(
        (project / "data" / "responses.csv").read_text(encoding="utf-8") + "R9,5,2\n", encoding="utf-8"
    )
    full_disk_when_writing("stats-", monkeypatch)
    err = fails(project, capsys)
    assert err.startswith("Fehler: build/.cache/stats-")
    assert err.endswith(f"(kein Speicherplatz mehr frei). {WRITE_HINT}\n")


def test_a_successful_build_after_a_failed_one(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    changed_content(project)
    with monkeypatch.context() as patch:
        full_disk_when_writing("report.pdf", patch)
        fails(project, capsys)
    assert main(["--project", str(project), "build"]) == 0
    assert sorted(outputs(project)) == ["charts/bar-item.svg", "report.html", "report.pdf"]
    assert "Neu." in (project / "build" / "report.html").read_text(encoding="utf-8")


# Permissions: what a new build writes is as readable as any file the user creates.


def test_new_outputs_respect_the_umask(built: Path) -> None:
    modes = {
        path.relative_to(built / "build").as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in (built / "build").rglob("*")
    }
    assert modes == {name: 0o755 if (built / "build" / name).is_dir() else 0o644 for name in modes}
    assert modes["report.pdf"] == 0o644
