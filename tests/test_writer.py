"""writer: every output written atomically, and only below build/."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from projects import full_disk_when_writing
from reportgen.errors import Location, OutputError
from reportgen.layout import Layout
from reportgen.writer import BuildFolder

WRITE_HINT = "Prüfen Sie, ob der Ordner build/ beschreibbar ist und genug Speicherplatz frei ist."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "projekt"
    project.mkdir()
    (project / "report.toml").write_text('[report]\ntitle = "x"\n', encoding="utf-8")
    return project


def files_below(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def test_write_creates_the_file_and_its_folders(root: Path) -> None:
    BuildFolder(Layout(root)).write("build/charts/abb-1.svg", b"<svg/>")
    assert (root / "build" / "charts" / "abb-1.svg").read_bytes() == b"<svg/>"
    assert files_below(root / "build") == ["charts/abb-1.svg"]


def test_write_replaces_the_content_and_leaves_no_temporary_file(root: Path) -> None:
    folder = BuildFolder(Layout(root))
    folder.write(Layout.pdf, b"%PDF-alt, lang und lang")
    folder.write(Layout.pdf, b"%PDF-neu")
    assert (root / "build" / "report.pdf").read_bytes() == b"%PDF-neu"
    assert files_below(root / "build") == ["report.pdf"]


def test_write_replaces_in_one_step(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The target is never opened for writing: the new content is moved over it with os.replace."""
    folder = BuildFolder(Layout(root))
    folder.write(Layout.html, b"alt")
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source: str, target: str) -> None:
        replaced.append((Path(source).name, Path(target).name))
        assert (root / "build" / "report.html").read_bytes() == b"alt"  # old content until the move
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    folder.write(Layout.html, b"neu")
    assert len(replaced) == 1
    temporary, target = replaced[0]
    assert target == "report.html"
    assert temporary.startswith(".report.html.") and temporary.endswith(".tmp")
    assert (root / "build" / "report.html").read_bytes() == b"neu"


@pytest.mark.parametrize("name", ["report.toml", "build/../report.toml", "build/../x", "content/a.md", "/tmp/x"])
def test_names_outside_build_are_refused(root: Path, name: str) -> None:
    before = (root / "report.toml").read_bytes()
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write(name, b"boese")
    assert caught.value.location == Location(name)
    assert str(caught.value) == f"{name}: „{name}“ liegt nicht im Ordner build/."
    assert (root / "report.toml").read_bytes() == before
    assert not (root / "x").exists()
    assert not (root / "build").exists()


def test_symlink_out_of_build_is_refused(root: Path, tmp_path: Path) -> None:
    (tmp_path / "anderswo").mkdir()
    (root / "build").mkdir()
    (root / "build" / "charts").symlink_to(tmp_path / "anderswo")
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write("build/charts/abb-1.svg", b"<svg/>")
    assert str(caught.value) == "build/charts/abb-1.svg: „build/charts/abb-1.svg“ liegt nicht im Ordner build/."
    assert list((tmp_path / "anderswo").iterdir()) == []


def test_a_file_in_build_that_links_out_is_replaced_not_written_through(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "fremd.pdf"
    outside.write_bytes(b"fremd")
    (root / "build").mkdir()
    (root / "build" / "report.pdf").symlink_to(outside)
    BuildFolder(Layout(root)).write("build/report.pdf", b"neu")
    assert not (root / "build" / "report.pdf").is_symlink()
    assert (root / "build" / "report.pdf").read_bytes() == b"neu"
    assert outside.read_bytes() == b"fremd"


def test_a_file_where_a_folder_should_be_is_an_output_error(root: Path) -> None:
    (root / "build").mkdir()
    (root / "build" / "charts").write_text("kein Ordner", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write("build/charts/abb-1.svg", b"<svg/>")
    assert str(caught.value) == (
        "build/charts: „build/charts“ ist eine Datei; reportgen braucht dort einen Ordner. "
        "Entfernen oder verschieben Sie die Datei build/charts, dann legt reportgen den Ordner an."
    )
    assert (root / "build" / "charts").read_text(encoding="utf-8") == "kein Ordner"


def test_build_being_a_file_is_an_output_error(root: Path) -> None:
    (root / "build").write_text("kein Ordner", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write(Layout.pdf, b"%PDF")
    assert str(caught.value) == (
        "build: „build“ ist eine Datei; reportgen braucht dort einen Ordner. "
        "Entfernen oder verschieben Sie die Datei build, dann legt reportgen den Ordner an."
    )


def test_build_linked_out_of_the_project_is_refused(root: Path, tmp_path: Path) -> None:
    (tmp_path / "anderswo").mkdir()
    (root / "build").symlink_to(tmp_path / "anderswo")
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write(Layout.pdf, b"%PDF")
    assert str(caught.value) == (
        f"build: build/ verweist auf {(tmp_path / 'anderswo').resolve()}, außerhalb des Projekts. "
        "Entfernen Sie den Verweis build; reportgen legt den Ordner selbst an."
    )
    assert list((tmp_path / "anderswo").iterdir()) == []


def test_a_folder_where_the_file_should_be_leaves_no_temporary_file(root: Path) -> None:
    (root / "build" / "report.pdf").mkdir(parents=True)
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write(Layout.pdf, b"%PDF")
    assert str(caught.value) == (
        f"build/report.pdf: Die Datei lässt sich nicht schreiben (an ihrer Stelle liegt ein Ordner). {WRITE_HINT}"
    )
    assert [path.name for path in (root / "build").iterdir()] == ["report.pdf"]


def test_read_only_build_folder_is_an_output_error(root: Path) -> None:
    build = root / "build"
    build.mkdir()
    build.chmod(0o555)
    try:
        if os.access(build, os.W_OK):
            pytest.skip("running as root: chmod does not stop writing")
        with pytest.raises(OutputError) as caught:
            BuildFolder(Layout(root)).write(Layout.pdf, b"%PDF")
        assert (
            str(caught.value)
            == f"build/report.pdf: Die Datei lässt sich nicht schreiben (keine Schreibrechte). {WRITE_HINT}"
        )
    finally:
        build.chmod(0o755)


def test_prune_keeps_only_the_listed_names(root: Path) -> None:
    folder = BuildFolder(Layout(root))
    for name in ("abb-1.svg", "abb-2.svg", "alt.svg", "notiz.txt"):
        folder.write(f"build/charts/{name}", b"x")
    folder.prune(Layout.charts, "*.svg", {"abb-1.svg", "abb-2.svg", "nie-geschrieben.svg"})
    assert files_below(root / "build") == ["charts/abb-1.svg", "charts/abb-2.svg", "charts/notiz.txt"]


def test_prune_of_a_missing_folder_does_nothing(root: Path) -> None:
    BuildFolder(Layout(root)).prune(Layout.chart_cache, "*.svg", set())
    assert not (root / "build").exists()


def test_prune_outside_build_is_refused(root: Path) -> None:
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).prune(".", "*.toml", set())
    assert str(caught.value) == ".: „.“ liegt nicht im Ordner build/."
    assert (root / "report.toml").exists()


def test_prune_leaves_folders_alone(root: Path) -> None:
    folder = BuildFolder(Layout(root))
    folder.write("build/charts/abb-1.svg", b"x")
    (root / "build" / "charts" / "alt.svg").mkdir()  # matches the pattern, but reportgen never wrote it
    folder.prune(Layout.charts, "*.svg", {"abb-1.svg"})
    assert (root / "build" / "charts" / "alt.svg").is_dir()


OLD = {"build/charts/bar-a.svg": b"<svg>a</svg>", "build/charts/bar-alt.svg": b"<svg>alt</svg>"}
OLD |= {Layout.html: b"<html>alt</html>", Layout.pdf: b"%PDF-alt"}
NEW = {"build/charts/bar-a.svg": b"<svg>A</svg>", "build/charts/bar-b.svg": b"<svg>B</svg>"}
NEW |= {Layout.html: b"<html>neu</html>", Layout.pdf: b"%PDF-neu"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_publish_writes_everything_and_prunes(root: Path) -> None:
    folder = BuildFolder(Layout(root))
    folder.publish(OLD, prune={Layout.charts: "*.svg"})
    folder.publish(NEW, prune={Layout.charts: "*.svg"})
    assert snapshot(root / "build") == {name.removeprefix("build/"): data for name, data in NEW.items()}


def test_publish_moves_in_the_given_order_after_writing_all(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = BuildFolder(Layout(root))
    events: list[str] = []
    real_open, real_replace = os.open, os.replace

    def opening(path: str | Path, flags: int, mode: int = 0o777) -> int:
        events.append(f"write {Path(path).name.split('.')[1]}")
        return real_open(path, flags, mode)

    def replacing(source: str | Path, target: str | Path) -> None:
        events.append(f"move {Path(target).name.split('.')[0]}")
        real_replace(source, target)

    monkeypatch.setattr(os, "open", opening)
    monkeypatch.setattr(os, "replace", replacing)
    folder.publish(NEW)
    assert events == [
        "write bar-a",
        "write bar-b",
        "write report",
        "write report",
        "move bar-a",
        "move bar-b",
        "move report",
        "move report",
    ]


def test_full_disk_in_the_middle_leaves_the_previous_outputs(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = BuildFolder(Layout(root))
    folder.publish(OLD, prune={Layout.charts: "*.svg"})
    before = snapshot(root / "build")
    full_disk_when_writing("report.pdf", monkeypatch)
    with pytest.raises(OutputError) as caught:
        folder.publish(NEW, prune={Layout.charts: "*.svg"})
    assert str(caught.value) == (
        f"build/report.pdf: Die Datei lässt sich nicht schreiben (kein Speicherplatz mehr frei). {WRITE_HINT}"
    )
    assert snapshot(root / "build") == before  # and no temporary file is left


def test_a_failed_publish_removes_the_folders_it_created(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full_disk_when_writing("report.html", monkeypatch)
    with pytest.raises(OutputError):
        BuildFolder(Layout(root)).publish(NEW)
    assert not (root / "build").exists()


def test_new_files_respect_the_umask(root: Path) -> None:
    previous = os.umask(0o022)
    try:
        BuildFolder(Layout(root)).publish(NEW)
        os.umask(0o027)
        BuildFolder(Layout(root)).write("build/.cache/x.json", b"{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((root / "build" / "report.pdf").stat().st_mode) == 0o644
    assert stat.S_IMODE((root / "build" / "charts" / "bar-a.svg").stat().st_mode) == 0o644
    assert stat.S_IMODE((root / "build" / ".cache" / "x.json").stat().st_mode) == 0o640
