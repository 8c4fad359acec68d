"""What a build writes: only build/, atomically, reproducibly, with no absolute paths; how it runs for a library caller."""

from __future__ import annotations

import base64
import gc
import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from projects import TINY_CODEBOOK, TINY_RESPONSES
from reportgen import build as building
from reportgen import chart_drawing
from reportgen.build import build, prepare
from reportgen.charts import ChartSpec, ChartStyle
from reportgen.cli import main
from reportgen.layout import Layout

pytestmark = pytest.mark.slow  # every test here builds a whole PDF

# A chart and the bibliography: a build that draws, caches and links, and warns about nothing in the content.
CHAPTER = """\
# Ergebnisse

{{ n() }} Befragte; {{ share('item', 4, 5) }} stimmen zu [@mueller-2020; @schmidt-2021].

{{ bar_chart('item') }}

{{ bibliography() }}
"""
FILES: dict[str, str | bytes] = {"content/01-kapitel.md": CHAPTER}
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# The same with a raster image in content/.
WITH_IMAGE: dict[str, str | bytes] = {
    "content/01-kapitel.md": CHAPTER.replace("{{ bar_chart", "![Ein Punkt](bilder/punkt.png)\n\n{{ bar_chart"),
    "content/bilder/punkt.png": PNG,
}
STAGES = ["config", "data", "content", "page", "charts", "layout", "pdf", "charts-wait", "write"]


def snapshot(root: Path, *, inside_build: bool = False) -> dict[str, str]:
    """Hash of every file outside build/ (or only of those inside)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and (path.relative_to(root).parts[0] == Layout.build) == inside_build
    }


def test_build_writes_only_inside_build_and_leaves_inputs_alone(tiny_project) -> None:
    root = tiny_project(FILES)
    before = snapshot(root)
    result = build(root)
    assert snapshot(root) == before
    layout = Layout(root.resolve())
    assert (result.pdf, result.html) == (layout.path(Layout.pdf), layout.path(Layout.html))
    written = set(snapshot(root, inside_build=True))
    chart_cache = {name for name in written if name.startswith(Layout.chart_cache + "/")}
    assert len(chart_cache) == 1
    segment_cache = {name for name in written if name.startswith(Layout.segment_cache + "/")}
    # the title page and the one chapter: a PDF and its description each, and the plan
    assert len(segment_cache) == 5 and f"{Layout.segment_cache}/plan.json" in segment_cache
    assert written - chart_cache - segment_cache == {
        Layout.pdf,
        Layout.html,
        f"{Layout.charts}/bar-item.svg",
        prepare(root).stats_cache.stats_name,
        prepare(root).stats_cache.frame_name,
    }
    assert not list(root.rglob("*.tmp"))


def test_output_holds_no_absolute_path(tiny_project) -> None:
    root = tiny_project(WITH_IMAGE)
    result = build(root)
    absolute = str(root.resolve()).encode()
    assert absolute not in result.pdf.read_bytes()
    assert absolute not in result.html.read_bytes()


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize("collecting", [True, False])
def test_library_build_leaves_gc_alone_and_draws_in_this_process(
    tiny_project, monkeypatch: pytest.MonkeyPatch, collecting: bool
) -> None:
    """The process pool and the GC switch belong to the CLI; a library caller gets neither."""
    root = tiny_project(FILES)
    drawing_processes: list[int] = []
    original = chart_drawing.draw

    def recording_draw(spec: ChartSpec, style: ChartStyle) -> bytes:
        drawing_processes.append(os.getpid())
        return original(spec, style)

    monkeypatch.setattr(chart_drawing, "draw", recording_draw)
    if collecting:
        gc.enable()
    else:
        gc.disable()
    during: set[bool] = set()
    children = set(multiprocessing.active_children())

    result = build(root, on_stage=lambda name, seconds: during.add(gc.isenabled()))
    assert gc.isenabled() is collecting
    assert during == {collecting}
    assert result.charts_drawn == 1
    assert drawing_processes == [os.getpid()]
    assert set(multiprocessing.active_children()) <= children  # no worker started


def test_on_stage_hears_every_stage_in_order(tiny_project) -> None:
    root = tiny_project(FILES)
    heard: list[tuple[str, float]] = []
    build(root, on_stage=lambda name, seconds: heard.append((name, seconds)))
    assert [name for name, _ in heard] == STAGES
    assert all(seconds >= 0 for _, seconds in heard)


def test_raster_image_gives_the_same_pdf_in_any_folder(tiny_project) -> None:
    """README: the same inputs give a byte-identical PDF in any folder (the study itself has no raster image)."""
    here = build(tiny_project(WITH_IMAGE, name="here")).pdf.read_bytes()
    assert build(tiny_project(WITH_IMAGE, name="elsewhere")).pdf.read_bytes() == here


def test_chart_worker_of_the_cli_gives_the_same_pdf_and_page(tiny_project) -> None:
    """The CLI's worker reads the project, draws the chart and makes report.html (with the image it reads from
    content/); all here without one."""
    in_process = build(tiny_project(WITH_IMAGE, name="library"))
    root = tiny_project(WITH_IMAGE, name="cli")
    assert main(["--project", str(root), "build"]) == 0
    assert Layout(root).path(Layout.pdf).read_bytes() == in_process.pdf.read_bytes()
    assert Layout(root).path(Layout.html).read_bytes() == in_process.html.read_bytes()
    assert b"data:image/png;base64," in in_process.html.read_bytes()


def test_the_page_is_made_in_the_executor_once_the_charts_are_drawn(tiny_project, monkeypatch) -> None:
    """report.html is made by the worker, after the chart it shows, while this thread lays out the pages."""
    made_in: list[str] = []
    real = building.preview_html

    def recorded(*arguments: Any) -> str:
        made_in.append(threading.current_thread().name)
        return real(*arguments)

    monkeypatch.setattr(building, "preview_html", recorded)
    here = build(tiny_project(FILES, name="here")).html.read_bytes()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker") as executor:
        there = build(tiny_project(FILES, name="there"), executor=executor).html.read_bytes()
    assert there == here
    assert made_in == [threading.main_thread().name, "worker_0"]
    assert b"<svg" in there and b"charts/" not in there  # the chart is in the page


def test_the_page_is_made_here_where_the_worker_could_not() -> None:
    def here() -> str:
        return "hier"

    made, failed = Future[str](), Future[str]()
    made.set_result("im Worker")
    failed.set_exception(BrokenProcessPool("beendet"))
    assert building.PreviewJob(made).page(here) == "im Worker"
    assert building.PreviewJob(failed).page(here) == "hier"
    assert building.PreviewJob().page(here) == "hier"  # nothing submitted


def test_date_comes_from_source_date_epoch_without_config_date(tiny_project, monkeypatch) -> None:
    root = tiny_project({"report.toml": '[report]\ntitle = "Kleine Studie"\n'})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 UTC
    html = build(root).html.read_text("utf-8")
    assert "November 2023" in html
    assert 'content="2023-11-14"' in html


def test_failed_layout_leaves_previous_build_intact(tiny_project, monkeypatch) -> None:
    root = tiny_project(FILES)
    good = build(root).pdf.read_bytes()
    before = snapshot(root, inside_build=True)

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("reportgen.pdf.write_pdf", interrupted)
    (root / "content" / "01-kapitel.md").write_text("# Neu\n\nGeändert.\n", "utf-8")
    assert main(["--project", str(root), "build"]) == 130
    assert Layout(root).path(Layout.pdf).read_bytes() == good
    assert snapshot(root, inside_build=True) == before  # nothing in build/ was touched
    assert not list(root.rglob("*.tmp"))


def test_excel_export_builds_the_same_pdf(tiny_project) -> None:
    """cp1252, `;`, CRLF and decimal commas, as German Excel saves a CSV: the same PDF, byte for byte."""
    labels = {"1": "männlich", "2": "weiblich"}
    codebook = TINY_CODEBOOK.replace('label = "A"', f'label = "{labels["1"]}"').replace(
        'label = "B"', f'label = "{labels["2"]}"'
    )
    chapter = CHAPTER.replace("{{ bar_chart('item') }}", "{{ bar_chart('item') }}\n\n{{ pie_chart('gruppe') }}")
    files: dict[str, str | bytes] = {**FILES, "content/01-kapitel.md": chapter, "data/codebook.toml": codebook}
    rows = [line.split(",") for line in TINY_RESPONSES.splitlines()]
    group = rows[0].index("gruppe")
    for row in rows[1:]:
        row[group] = labels[row[group]]  # labels instead of codes
    excel = "\r\n".join(";".join(f"{cell},0" if cell.isdigit() else cell for cell in row) for row in rows)

    plain = build(tiny_project(files, name="plain")).pdf.read_bytes()
    exported = tiny_project({**files, "data/responses.csv": (excel + "\r\n").encode("cp1252")}, name="excel")
    assert build(exported).pdf.read_bytes() == plain


def test_image_in_raw_html_that_check_accepts_is_built(tiny_project) -> None:
    """`check` resolves an <img> in a chapter against content/, as it does a Markdown image; so must the build."""
    root = tiny_project(
        {
            "content/bilder/punkt.png": PNG,
            "content/01-kapitel.md": '# Bild\n\n<img src="bilder/punkt.png" alt="Punkt">\n',
        }
    )
    prepare(root)
    assert build(root).pages > 1
