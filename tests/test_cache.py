"""The build cache never serves a stale result, keeps only what the last build used, and a cached rebuild equals
a cold build."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from projects import TINY_CODEBOOK, TINY_RESPONSES
from reportgen import chart_drawing, charts, data_stage
from reportgen import survey as survey_module
from reportgen.build import Project, build, prepare
from reportgen.cache import dump_value, library_stamp, read_cached, read_value
from reportgen.charts import ChartSpec, ChartStyle, PendingCharts, start_charts
from reportgen.data_stage import store_data
from reportgen.layout import Layout
from reportgen.stats import SurveyStats
from reportgen.writer import BuildFolder

REPO = Path(__file__).resolve().parent.parent
FONT = str(REPO / Layout.chart_font)
# Two charts, a citation and the bibliography, so a build uses every cache and draws without warnings.
CHARTS_CHAPTER = """\
# Ergebnisse

{{ n() }} Befragte; {{ share('item', 4, 5) }} stimmen zu [@mueller-2020; @schmidt-2021].

{{ bar_chart('item') }}

{{ pie_chart('gruppe') }}

{{ bibliography() }}
"""


def style(primary: str = "#0b5d5b", font: str = FONT) -> ChartStyle:
    digest = hashlib.sha256(Path(font).read_bytes()).hexdigest()
    return ChartStyle(font, digest, primary, "#1f2a30", "#6b7b83", ("#0b5d5b", "#f28c28"))


def spec(counts: tuple[int, ...] = (1, 2, 3)) -> ChartSpec:
    return ChartSpec("bar", "frage", ("0", "1", "2"), counts, sum(counts), "Frage")


def fake_svg(chart: ChartSpec, chart_style: ChartStyle) -> bytes:
    return f"<svg>{chart.counts}{chart_style.primary}</svg>".encode()


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[ChartSpec]:
    """Records every chart actually drawn (instead of drawing it)."""
    calls: list[ChartSpec] = []

    def fake_draw(chart: ChartSpec, chart_style: ChartStyle) -> bytes:
        calls.append(chart)
        return fake_svg(chart, chart_style)

    monkeypatch.setattr(chart_drawing, "draw", fake_draw)
    return calls


def chart_run(root: Path, specs: Iterable[ChartSpec], chart_style: ChartStyle) -> PendingCharts:
    """Start charts against the project's chart cache and store the new entries, as a build does."""
    layout = Layout(root)
    pending = start_charts(specs, chart_style, layout.path(Layout.chart_cache))
    pending.result()
    folder = BuildFolder(layout)
    for name, svg in pending.new_cache_entries().items():
        folder.write(f"{Layout.chart_cache}/{name}", svg)
    return pending


def prepare_and_store(root: Path) -> Project:
    """`prepare` (which writes nothing), then store fresh statistics in the cache, as a build does."""
    project = prepare(root)
    store_data(BuildFolder(project.config.layout), project.stats_cache)
    return project


def svg_names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob("*.svg"))


# Charts


def test_unchanged_chart_is_read_from_cache(tmp_path: Path, drawn: list[ChartSpec]) -> None:
    first = chart_run(tmp_path, [spec()], style())
    second = chart_run(tmp_path, [spec()], style())
    assert len(drawn) == 1
    assert (first.drawn, second.drawn) == (1, 0)
    assert first.result() == second.result() == {spec().name: fake_svg(spec(), style())}
    assert second.new_cache_entries() == {}


@pytest.mark.parametrize(
    ("changed_spec", "changed_style"),
    [
        (spec((1, 2, 4)), style()),  # one answer more
        (spec(), style(primary="#ff0000")),  # brand colour
    ],
)
def test_changed_data_or_style_is_redrawn(
    tmp_path: Path, drawn: list[ChartSpec], changed_spec: ChartSpec, changed_style: ChartStyle
) -> None:
    chart_run(tmp_path, [spec()], style())
    result = chart_run(tmp_path, [changed_spec], changed_style)
    assert len(drawn) == 2
    assert result.drawn == 1
    assert result.result() == {changed_spec.name: fake_svg(changed_spec, changed_style)}


def test_changed_font_file_is_redrawn(tmp_path: Path, drawn: list[ChartSpec]) -> None:
    font = tmp_path / "font.ttf"
    shutil.copy(FONT, font)
    chart_run(tmp_path, [spec()], style(font=str(font)))
    font.write_bytes(font.read_bytes() + b"\0")
    assert chart_run(tmp_path, [spec()], style(font=str(font))).drawn == 1
    assert len(drawn) == 2


def test_new_drawing_code_is_redrawn(tmp_path: Path, drawn: list[ChartSpec], monkeypatch: pytest.MonkeyPatch) -> None:
    chart_run(tmp_path, [spec()], style())
    monkeypatch.setattr(charts, "drawing_version", lambda: "another version")
    assert chart_run(tmp_path, [spec()], style()).drawn == 1
    assert len(drawn) == 2


def test_the_cache_keeps_only_the_charts_in_use(tmp_path: Path, drawn: list[ChartSpec]) -> None:
    first = chart_run(tmp_path, [spec()], style())
    second = chart_run(tmp_path, [spec((5, 5, 5))], style())
    assert second.cache_names == set(second.new_cache_entries())
    assert first.cache_names.isdisjoint(second.cache_names)
    assert len(second.cache_names) == 1


def test_charts_drawn_in_an_executor_count_as_drawn(tmp_path: Path, drawn: list[ChartSpec]) -> None:
    cache = Layout(tmp_path).path(Layout.chart_cache)
    with ThreadPoolExecutor(max_workers=1) as executor:
        pending = start_charts([spec(), spec()], style(), cache, executor)  # the same chart twice: drawn once
        assert pending.drawn == 1
        assert pending.result() == {spec().name: fake_svg(spec(), style())}
    assert list(pending.new_cache_entries()) == list(pending.cache_names)
    assert len(drawn) == 1


def test_when_ready_gives_every_chart_at_once_after_the_last_drawing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Layout(tmp_path).path(Layout.chart_cache)
    cached, first, second = (ChartSpec("bar", name, ("0", "1"), (1, 2), 3, "Frage") for name in ("a", "b", "c"))
    BuildFolder(Layout(tmp_path)).write(
        f"{Layout.chart_cache}/{cached.digest(charts.style_key(style()))}.svg", fake_svg(cached, style())
    )
    release = {first.name: threading.Event(), second.name: threading.Event()}

    def gated_draw(chart: ChartSpec, chart_style: ChartStyle) -> bytes:
        release[chart.name].wait(10)
        return fake_svg(chart, chart_style)

    monkeypatch.setattr(chart_drawing, "draw", gated_draw)
    heard: list[dict[str, bytes]] = []
    with ThreadPoolExecutor(max_workers=2) as executor:
        pending = start_charts([cached, first, second], style(), cache, executor)
        pending.when_ready(heard.append)
        release[second.name].set()
        time.sleep(0.1)
        assert heard == []  # one drawing is still going on
        release[first.name].set()
        assert pending.get(first.name) == fake_svg(first, style())  # `get` takes it out of the pending drawings
    assert heard == [{chart.name: fake_svg(chart, style()) for chart in (cached, first, second)}]
    pending.when_ready(heard.append)  # all at hand: at once
    assert heard[1] == heard[0]


def test_when_ready_stays_silent_when_a_drawing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_draw(chart: ChartSpec, chart_style: ChartStyle) -> bytes:
        raise ValueError("kaputt")

    monkeypatch.setattr(chart_drawing, "draw", failing_draw)
    heard: list[dict[str, bytes]] = []
    with ThreadPoolExecutor(max_workers=1) as executor:
        pending = start_charts([spec()], style(), Layout(tmp_path).path(Layout.chart_cache), executor)
        pending.when_ready(heard.append)
    with pytest.raises(ValueError, match="kaputt"):
        pending.result()
    assert heard == []


# Statistics


def test_changed_response_is_not_served_from_the_stats_cache(tiny_project) -> None:
    root = tiny_project()
    assert prepare_and_store(root).stats.questions["item"].descriptives.mean == pytest.approx(22 / 7)
    responses = root / "data" / "responses.csv"
    assert "R7,5,2\n" in TINY_RESPONSES
    responses.write_text(TINY_RESPONSES.replace("R7,5,2\n", "R7,1,2\n"), encoding="utf-8")
    # 22 − 5 + 1 = 18
    assert prepare(root).stats.questions["item"].descriptives.mean == pytest.approx(18 / 7)


def test_changed_codebook_is_not_served_from_the_stats_cache(tiny_project) -> None:
    root = tiny_project()
    assert prepare_and_store(root).stats.questions["item"].question.label == "Item"
    codebook = root / "data" / "codebook.toml"
    codebook.write_text(TINY_CODEBOOK.replace('label = "Item"', 'label = "Artikel"'), encoding="utf-8")
    assert prepare(root).stats.questions["item"].question.label == "Artikel"


def test_stats_cache_is_used_when_nothing_changed(tiny_project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tiny_project()
    prepare_and_store(root)

    def fail(*_: object) -> None:
        raise AssertionError("the survey was read again although nothing changed")

    monkeypatch.setattr(survey_module, "load_survey", fail)
    project = prepare(root)
    assert project.stats.respondents == 8
    assert project.stats_cache.fresh_stats is None and project.stats_cache.fresh_frame is None  # nothing new


def test_new_statistics_code_is_not_served_from_the_stats_cache(tiny_project, monkeypatch) -> None:
    root = tiny_project()
    prepare_and_store(root)
    reads = []
    original = survey_module.load_survey

    def counting(*arguments: object, **keywords: object) -> object:
        reads.append(arguments)
        return original(*arguments, **keywords)

    monkeypatch.setattr(survey_module, "load_survey", counting)
    monkeypatch.setattr(data_stage, "source_version", lambda *modules: "another reportgen")
    prepare(root)
    assert len(reads) == 1


def test_unreadable_stats_cache_is_recomputed(tiny_project) -> None:
    root = tiny_project()
    cache = prepare_and_store(root).stats_cache
    BuildFolder(Layout(root)).write(cache.stats_name, b"not a cache")
    project = prepare(root)
    assert project.stats.questions["item"].descriptives.mean == pytest.approx(22 / 7)
    assert project.stats_cache.fresh_stats is not None  # the build will replace the broken file


def test_missing_or_damaged_respondents_cache_recomputes_them(tiny_project) -> None:
    root = tiny_project()
    cache = prepare_and_store(root).stats_cache
    frame = Layout(root).path(cache.frame_name)
    assert frame.is_file()
    frame.unlink()  # without the respondents the statistics are computed again, both files written anew
    assert prepare(root).stats_cache.fresh_frame is not None
    prepare_and_store(root)
    frame.write_bytes(b"PK\x03\x04 damaged")  # damaged: found only when a filter needs it, then read again
    project = prepare(root)
    assert project.stats_cache.fresh_stats is None
    assert project.respondents.frame()["item"].mean() == pytest.approx(22 / 7)


class _Payload:
    """Unpickling this creates a folder: what a cache file in a received project could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.mkdir, (str(self.marker),))


def test_stats_cache_in_a_received_project_runs_no_code(tiny_project, tmp_path: Path) -> None:
    """The cache file's name follows from the project's own files, so whoever sent the project can plant one."""
    root = tiny_project()
    marker = tmp_path / "code-ran"
    cache = prepare_and_store(root).stats_cache
    for name in (cache.stats_name, cache.frame_name):
        BuildFolder(Layout(root)).write(name, pickle.dumps(_Payload(marker)))
    project = prepare(root)
    assert project.stats.respondents == 8
    assert len(project.respondents.frame()) == 8
    assert not marker.exists()


# Whole builds


@pytest.mark.slow
def test_cached_rebuild_equals_cold_build_elsewhere(tiny_project, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"content/01-kapitel.md": CHARTS_CHAPTER}
    first = tiny_project(files, name="first")
    cold = build(first)
    assert cold.charts_drawn == 2
    with monkeypatch.context() as patch:
        patch.setattr(survey_module, "load_survey", lambda *_: pytest.fail("the survey was read again"))
        cached = build(first)
    assert cached.charts_drawn == 0
    elsewhere = build(tiny_project(files, name="second"))
    assert cached.pdf.read_bytes() == cold.pdf.read_bytes() == elsewhere.pdf.read_bytes()


@pytest.mark.slow
def test_rebuild_keeps_only_the_charts_and_caches_it_used(tiny_project) -> None:
    root = tiny_project({"content/01-kapitel.md": CHARTS_CHAPTER})
    layout = Layout(root)
    build(root)
    (root / "content" / "01-kapitel.md").write_text(CHARTS_CHAPTER.replace("{{ pie_chart('gruppe') }}", ""), "utf-8")
    (root / "data" / "responses.csv").write_text(TINY_RESPONSES.replace("R7,5,2\n", "R7,1,2\n"), "utf-8")

    assert build(root).charts_drawn == 1  # the bar chart's data changed; the pie chart is gone
    assert svg_names(layout.path(Layout.charts)) == ["bar-item.svg"]
    assert len(svg_names(layout.path(Layout.chart_cache))) == 1
    stats_files = sorted(path.name for path in layout.path(Layout.cache).glob("stats-*"))
    assert stats_files == [Path(prepare(root).stats_cache.stats_name).name]


def test_stats_survive_the_cache_unchanged(tiny_project, tmp_path: Path) -> None:
    stats = prepare(tiny_project()).stats
    path = tmp_path / "stats.json"
    path.write_bytes(dump_value(stats))
    assert read_value(path, SurveyStats) == stats  # every count, share, label and code as computed


@pytest.mark.parametrize(
    "planted",
    [b"", b"not json", b'{"respondents": "viele", "questions": {}}', b"[1, 2, 3]", b'{"respondents": 8}'],
)
def test_a_cache_entry_of_the_wrong_shape_is_not_used(tmp_path: Path, planted: bytes) -> None:
    path = tmp_path / "stats.json"
    path.write_bytes(planted)
    assert read_value(path, SurveyStats) is None


def test_library_stamp_changes_when_the_library_is_reinstalled(tmp_path: Path, monkeypatch) -> None:
    package = tmp_path / "fakelib"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = library_stamp("fakelib")
    os.utime(package / "__init__.py", ns=(1, 1))  # a reinstall writes the files anew
    assert library_stamp("fakelib") != before
    assert library_stamp("no_such_library_here") == "no_such_library_here: not installed"


def test_a_cache_entry_that_links_elsewhere_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.svg"
    secret.write_bytes(b"<svg/>")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "entry.svg").symlink_to(secret)
    (cache / "zero.svg").symlink_to("/dev/zero")
    (cache / "folder.svg").mkdir()
    (cache / "good.svg").write_bytes(b"<svg/>")
    assert read_cached(cache / "entry.svg") is None
    assert read_cached(cache / "zero.svg") is None  # returns at once instead of reading forever
    assert read_cached(cache / "folder.svg") is None
    assert read_cached(cache / "missing.svg") is None
    assert read_cached(cache / "good.svg") == b"<svg/>"
