"""The build cache never serves a stale result, and a cached rebuild equals a cold build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen import build as build_module
from reportgen import charts
from reportgen.build import build, prepare
from reportgen.charts import ChartSpec, ChartStyle, render_charts

REPO = Path(__file__).resolve().parent.parent
FONT = str(REPO / "templates" / "fonts" / "Lato-Regular.ttf")


def style(primary: str = "#0b5d5b", font: str = FONT) -> ChartStyle:
    return ChartStyle(font, primary, "#1f2a30", "#6b7b83", ("#0b5d5b", "#f28c28"))


def spec(counts: tuple[int, ...] = (1, 2, 3)) -> ChartSpec:
    return ChartSpec("bar", "frage", ("0", "1", "2"), counts, sum(counts), "Frage")


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[ChartSpec]:
    """Records every chart actually drawn (instead of drawing it)."""
    calls: list[ChartSpec] = []

    def fake_draw(chart: ChartSpec, chart_style: ChartStyle) -> bytes:
        calls.append(chart)
        return f"<svg>{chart.counts}{chart_style.primary}</svg>".encode()

    monkeypatch.setattr(charts, "draw", fake_draw)
    return calls


def test_unchanged_chart_is_read_from_cache(tmp_path: Path, drawn: list[ChartSpec]) -> None:
    first = render_charts([spec()], style(), tmp_path)
    second = render_charts([spec()], style(), tmp_path)
    assert len(drawn) == 1
    assert first == second


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
    render_charts([spec()], style(), tmp_path)
    result = render_charts([changed_spec], changed_style, tmp_path)
    assert len(drawn) == 2
    assert result[changed_spec.name] == f"<svg>{changed_spec.counts}{changed_style.primary}</svg>".encode()


def test_changed_font_file_is_redrawn(tmp_path: Path, drawn: list[ChartSpec]) -> None:
    font = tmp_path / "font.ttf"
    shutil.copy(FONT, font)
    render_charts([spec()], style(font=str(font)), tmp_path / "cache")
    font.write_bytes(font.read_bytes() + b"\0")
    render_charts([spec()], style(font=str(font)), tmp_path / "cache")
    assert len(drawn) == 2


def test_new_drawing_code_is_redrawn(tmp_path: Path, drawn: list[ChartSpec], monkeypatch: pytest.MonkeyPatch) -> None:
    render_charts([spec()], style(), tmp_path)
    monkeypatch.setattr(charts, "drawing_version", lambda: "another version")
    render_charts([spec()], style(), tmp_path)
    assert len(drawn) == 2


def test_charts_no_longer_used_leave_the_cache(tmp_path: Path, drawn: list[ChartSpec]) -> None:
    render_charts([spec()], style(), tmp_path)
    render_charts([spec((5, 5, 5))], style(), tmp_path)
    assert len(list(tmp_path.glob("*.svg"))) == 1


def test_changed_response_is_not_served_from_the_stats_cache(make_project) -> None:
    root = make_project()
    assert prepare(root).stats.questions["zukunft"].descriptives.mean == pytest.approx(111 / 25)
    responses = root / "data" / "responses.csv"
    lines = responses.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    column = header.index("zukunft")
    row = next(i for i, line in enumerate(lines[1:], 1) if line.split(",")[column] == "5")
    cells = lines[row].split(",")
    cells[column] = "1"
    lines[row] = ",".join(cells)
    responses.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # 111 − 5 + 1 = 107
    assert prepare(root).stats.questions["zukunft"].descriptives.mean == pytest.approx(107 / 25)


def test_changed_codebook_is_not_served_from_the_stats_cache(make_project) -> None:
    root = make_project()
    assert prepare(root).stats.questions["zukunft"].question.label == "Zukunftserwartungen"
    codebook = root / "data" / "codebook.toml"
    codebook.write_text(codebook.read_text(encoding="utf-8").replace('"Zukunftserwartungen"', '"Zukunft"'), "utf-8")
    assert prepare(root).stats.questions["zukunft"].question.label == "Zukunft"


def test_stats_cache_is_used_when_nothing_changed(make_project, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    prepare(root)

    def fail(*_: object) -> None:
        raise AssertionError("the survey was read again although nothing changed")

    monkeypatch.setattr(build_module, "load_survey", fail)
    assert prepare(root).stats.respondents == 25


def test_cached_rebuild_equals_cold_build_elsewhere(make_project) -> None:
    first = make_project(name="first")
    build(first)
    cached = build(first).pdf.read_bytes()
    cold = build(make_project(name="second")).pdf.read_bytes()
    assert cached == cold


def test_new_statistics_code_is_not_served_from_the_stats_cache(make_project, monkeypatch) -> None:
    root = make_project()
    prepare(root)
    reads = []
    original = build_module.load_survey

    def counting(*arguments: object) -> object:
        reads.append(arguments)
        return original(*arguments)

    monkeypatch.setattr(build_module, "load_survey", counting)
    monkeypatch.setattr(build_module, "source_version", lambda *modules: "another reportgen")
    prepare(root)
    assert len(reads) == 1
