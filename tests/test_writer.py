"""writer: every output written atomically, and only below build/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


def test_a_file_where_a_folder_should_be_is_an_output_error(root: Path) -> None:
    (root / "build").mkdir()
    (root / "build" / "charts").write_text("kein Ordner", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write("build/charts/abb-1.svg", b"<svg/>")
    assert (
        str(caught.value) == f"build/charts/abb-1.svg: Die Datei lässt sich nicht schreiben (File exists). {WRITE_HINT}"
    )


def test_a_folder_where_the_file_should_be_leaves_no_temporary_file(root: Path) -> None:
    (root / "build" / "report.pdf").mkdir(parents=True)
    with pytest.raises(OutputError) as caught:
        BuildFolder(Layout(root)).write(Layout.pdf, b"%PDF")
    assert str(caught.value) == f"build/report.pdf: Die Datei lässt sich nicht schreiben (Is a directory). {WRITE_HINT}"
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
            == f"build/report.pdf: Die Datei lässt sich nicht schreiben (Permission denied). {WRITE_HINT}"
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


def test_prune_that_cannot_delete_is_an_output_error(root: Path) -> None:
    folder = BuildFolder(Layout(root))
    folder.write("build/charts/abb-1.svg", b"x")
    (root / "build" / "charts" / "alt.svg").mkdir()  # matches the pattern but cannot be unlinked
    with pytest.raises(OutputError) as caught:
        folder.prune(Layout.charts, "*.svg", {"abb-1.svg"})
    assert caught.value.location == Location("build/charts/alt.svg")
    assert str(caught.value) == (
        f"build/charts/alt.svg: Die Datei lässt sich nicht schreiben (Is a directory). {WRITE_HINT}"
    )
