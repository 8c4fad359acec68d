"""What a build writes: only build/, atomically, reproducibly, with no absolute paths."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reportgen import build as build_module
from reportgen.build import build
from reportgen.cli import main


def snapshot(root: Path) -> dict[str, str]:
    """Hash of every file outside build/."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] != "build"
    }


def test_build_writes_only_inside_build_and_leaves_inputs_alone(make_project) -> None:
    root = make_project()
    before = snapshot(root)
    result = build(root)
    assert snapshot(root) == before
    assert result.pdf == root.resolve() / "build" / "report.pdf"
    assert result.html.is_file()
    assert not list((root / "build").glob(".*.tmp"))


def test_output_holds_no_absolute_path(make_project) -> None:
    root = make_project()
    result = build(root)
    absolute = str(root.resolve()).encode()
    assert absolute not in result.pdf.read_bytes()
    assert absolute not in result.html.read_bytes()


def test_date_comes_from_source_date_epoch_without_config_date(make_project, monkeypatch) -> None:
    root = make_project()
    config = root / "report.toml"
    config.write_text(
        "\n".join(line for line in config.read_text("utf-8").splitlines() if not line.startswith("date =")), "utf-8"
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 UTC
    html = build(root).html.read_text("utf-8")
    assert "November 2023" in html
    assert 'content="2023-11-14"' in html


def test_failed_layout_leaves_previous_pdf_intact(make_project, monkeypatch) -> None:
    root = make_project()
    good = build(root).pdf.read_bytes()

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("reportgen.pdf.render_pdf", interrupted)
    (root / "content" / "01-einleitung.md").write_text("# Neu\n\nGeändert.\n", "utf-8")
    assert main(["--project", str(root), "build"]) == 130
    assert (root / "build" / "report.pdf").read_bytes() == good
    assert not list((root / "build").rglob("*.tmp"))


def test_interrupted_write_leaves_previous_pdf_intact(make_project, monkeypatch) -> None:
    root = make_project()
    good = build(root).pdf.read_bytes()
    original = build_module.write_atomic

    def failing_write(path: Path, data: bytes) -> None:
        if path.name == "report.pdf":
            raise OSError("disk full")
        original(path, data)

    monkeypatch.setattr(build_module, "write_atomic", failing_write)
    with pytest.raises(OSError):
        build(root)
    assert (root / "build" / "report.pdf").read_bytes() == good


def test_excel_export_builds_the_same_study(make_project, study_build) -> None:
    """cp1252, `;`, CRLF and decimal commas, as German Excel saves a CSV: the same PDF, byte for byte."""
    root = make_project()
    responses = root / "data" / "responses.csv"
    rows = [line.split(",") for line in responses.read_text("utf-8").splitlines()]
    gender = rows[0].index("geschlecht")
    for row in rows[1:]:
        row[gender] = {"1": "männlich", "2": "weiblich"}[row[gender]]  # labels instead of codes
    excel = "\r\n".join(";".join(f"{cell},0" if cell.isdigit() else cell for cell in row) for row in rows)
    responses.write_bytes((excel + "\r\n").encode("cp1252"))
    assert build(root).pdf.read_bytes() == study_build.pdf.read_bytes()
