"""pdf: tiny HTML strings laid out by WeasyPrint, with every resource confined to the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import pdf
from reportgen.errors import Location, RenderError
from reportgen.layout import Layout
from reportgen.pdf import lay_out, render_pdf, write_pdf
from test_pdf_segments import failed, small_html

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
OUTSIDE_HINT = "Verwenden Sie nur Dateien innerhalb des Projektordners."


def document(body: str, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="de"><head><title>Test</title>{head}</head><body>{body}</body></html>'


def refused(html: str, layout: Layout) -> RenderError:
    with pytest.raises(RenderError) as caught:
        render_pdf(html, layout, {})
    return caught.value


def test_pdf_bytes_and_page_count(layout: Layout) -> None:
    html = document('<p>Seite eins</p><p style="break-before: page">Seite zwei</p>')
    result, warnings = render_pdf(html, layout, {})
    assert result.data.startswith(b"%PDF-")
    assert result.pages == 2
    assert warnings == []


def test_in_memory_asset_is_served(layout: Layout) -> None:
    chart = f"{Layout.charts}/abb-1.svg"
    served: list[str] = []

    class Watched(dict[str, bytes]):
        def __getitem__(self, name: str) -> bytes:
            served.append(name)
            return super().__getitem__(name)

    result, warnings = render_pdf(document('<img src="charts/abb-1.svg" alt="Abb. 1">'), layout, Watched({chart: SVG}))
    assert served == [chart]
    assert warnings == []
    assert result.pages == 1
    assert not layout.path(chart).exists()  # served from memory, nothing written


def test_project_file_is_served(layout: Layout) -> None:
    layout.path(Layout.logo).write_bytes(SVG)
    _, warnings = render_pdf(document('<img src="../templates/logo.svg" alt="Logo">'), layout, {})
    assert warnings == []


def test_file_outside_the_project_is_refused(layout: Layout, tmp_path: Path) -> None:
    (tmp_path / "fremd.svg").write_bytes(SVG)
    error = refused(document('<img src="../../fremd.svg" alt="x">'), layout)
    assert error.location is None
    # WeasyPrint sees the project under a fixed folder, so the message names no real path of this machine
    assert str(error) == f"Datei außerhalb des Projekts nicht erlaubt: /fremd.svg {OUTSIDE_HINT}"


def test_absolute_file_url_outside_the_project_is_refused(layout: Layout) -> None:
    error = refused(document('<img src="file:///etc/passwd" alt="x">'), layout)
    assert str(error) == f"Datei außerhalb des Projekts nicht erlaubt: /etc/passwd {OUTSIDE_HINT}"


def test_symlink_out_of_the_project_is_refused(layout: Layout, tmp_path: Path) -> None:
    (tmp_path / "fremd.svg").write_bytes(SVG)
    (layout.path(Layout.templates) / "link.svg").symlink_to(tmp_path / "fremd.svg")
    error = refused(document('<img src="../templates/link.svg" alt="x">'), layout)
    assert str(error).startswith("Datei außerhalb des Projekts nicht erlaubt: ")


def test_http_url_is_refused(layout: Layout) -> None:
    error = refused(document('<img src="http://example.com/logo.png" alt="x">'), layout)
    assert str(error) == (
        "Externe Adresse nicht erlaubt: http://example.com/logo.png "
        "Legen Sie Bilder ins Projekt und verweisen Sie relativ darauf."
    )


def test_external_stylesheet_is_refused(layout: Layout) -> None:
    error = refused(document("<p>x</p>", '<link rel="stylesheet" href="https://cdn.example/a.css">'), layout)
    assert str(error) == (
        "Externe Adresse nicht erlaubt: https://cdn.example/a.css "
        "Legen Sie Bilder ins Projekt und verweisen Sie relativ darauf."
    )


def test_missing_file_is_refused_with_its_project_name(layout: Layout) -> None:
    error = refused(document('<img src="charts/fehlt.svg" alt="x">'), layout)
    assert error.location == Location("build/charts/fehlt.svg")
    assert str(error) == "build/charts/fehlt.svg: Datei nicht gefunden: build/charts/fehlt.svg Prüfen Sie den Pfad."


def test_weasyprint_warnings_are_returned(layout: Layout) -> None:
    _, warnings = render_pdf(document("<p>x</p>", "<style>p { colr: red; }</style>"), layout, {})
    assert [str(warning) for warning in warnings] == ["WeasyPrint: Ignored `colr: red` at 1:5, unknown property."]


def test_house_stylesheet_warnings_name_the_file_line_and_column_once(layout: Layout) -> None:
    css = b"h1 { color: black; }\n\np {\n  colr: red;\n  margin: viel;\n}\n"
    head = f'<link rel="stylesheet" href="../{Layout.stylesheet}">'
    _, warnings = render_pdf(document("<h1>T</h1><p>x</p>", head), layout, {Layout.stylesheet: css})
    check = "Prüfen Sie Name und Wert der Angabe."
    assert [str(warning) for warning in warnings] == [
        f"{Layout.stylesheet}, Zeile 4, Spalte 3: „colr: red“ wird ignoriert (unknown property). {check}",
        f"{Layout.stylesheet}, Zeile 5, Spalte 3: „margin: viel“ wird ignoriert (invalid value). {check}",
    ]


def test_stage_hook_hears_layout_then_pdf(layout: Layout) -> None:
    stages: list[tuple[str, float]] = []
    render_pdf(document("<p>x</p>"), layout, {}, lambda name, seconds: stages.append((name, seconds)))
    assert [name for name, _ in stages] == ["layout", "pdf"]
    assert all(seconds >= 0 for _, seconds in stages)


# Writing in one segment, without forking (batch reports: a daemonic Dask worker may start no process)


def test_written_without_forking_the_pdf_is_the_same(layout: Layout) -> None:
    laid_out = lay_out(small_html(), layout, {})
    assert len(laid_out.segmented().specs) > 2  # else write_segments would not fork anyway
    forked, _ = write_pdf(laid_out)
    alone, warnings = write_pdf(laid_out, fork=False)
    assert alone.data == forked.data
    assert warnings == []


def test_one_segment_is_laid_out_without_the_build_cache(layout: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*arguments: object) -> None:
        raise AssertionError("the build cache was asked")

    monkeypatch.setattr(pdf, "stored_plan", refused)
    monkeypatch.setattr(pdf, "stored_segment", refused)
    laid_out = lay_out(small_html(), layout, {}, one_segment=True)
    specs = laid_out.segmented().specs
    result, warnings = write_pdf(laid_out, fork=False)
    assert [spec.pages for spec in specs] == [range(result.pages)]
    assert result.pages == len(laid_out.document.pages) > 3
    assert result.segments.keys() == {specs[0].key}
    assert warnings == []
    assert failed(result.data, "ua1", "pdfa2a") == {}
    assert not layout.path(Layout.segment_cache).exists()
