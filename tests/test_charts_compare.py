"""Likert and grouped charts, their text alternatives and the labels under columns, read back from the SVG."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg

from reportgen import chart_drawing
from reportgen.chart_drawing import draw, wrap_to
from reportgen.charts import ChartSpec, ChartStyle
from reportgen.charts_compare import describe_grouped, describe_likert, likert_colours

NBSP = "\u00a0"
SVG = "{http://www.w3.org/2000/svg}"
FONT = Path(__file__).resolve().parent.parent / "templates" / "fonts" / "Lato-Regular.ttf"
STYLE = ChartStyle(str(FONT), "digest", "#0b5d5b", "#1f2a30", "#6b7b83", ("#0b5d5b", "#f28c28", "#5fa8a0"), "#f28c28")

# A 0–5 scale as in the study (even: 0–2 disagree, 3–5 agree); the counts of three items, 25, 20 and 4 answers.
SCALE = ("0 = trifft gar nicht zu", "1", "2", "3", "4", "5 = trifft voll zu")
COUNTS = ((1, 2, 3, 4, 7, 8), (4, 2, 2, 4, 5, 3), (1, 1, 1, 0, 0, 1))
ITEMS = (
    "Ressourceneffiziente Produktion ist ein strategisches Ziel meines Unternehmens (n = 25)",
    "Mein Unternehmen produziert bereits ressourceneffizient (n = 20)",
    "Zukünftige Bedeutung (n = 4)",
)


def shares(counts: tuple[int, ...]) -> tuple[float, ...]:
    return tuple(count / sum(counts) for count in counts)


LIKERT = ChartSpec(
    "likert",
    "einschaetzungen",
    SCALE,
    (),
    0,
    "Einschätzungen",
    series=tuple(shares(counts) for counts in COUNTS),
    series_labels=ITEMS,
    flagged=(False, False, True),
)
# Three size classes (segments) over five answers (categories), with Wilson-like intervals.
SEGMENT_COUNTS = ((2, 3, 5, 10, 5), (1, 1, 4, 2, 2), (0, 1, 1, 1, 1))
GROUPED = ChartSpec(
    "grouped",
    "strategie",
    ("gar nicht", "eher nicht", "teils/teils", "eher", "voll und ganz"),
    (),
    0,
    "Strategie nach Größe",
    series=tuple(shares(counts) for counts in SEGMENT_COUNTS),
    series_labels=("bis 49 Beschäftigte (n = 25)", "50–249 Beschäftigte (n = 10)", "250 und mehr (n = 4)"),
    flagged=(False, False, True),
    intervals=tuple(
        tuple((max(share - 0.1, 0.0), min(share + 0.2, 1.0)) for share in shares(counts)) for counts in SEGMENT_COUNTS
    ),
    value_max=0.8,
    key="groesse",
)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float
    fill: str

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def parse(svg: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(root: ElementTree.Element) -> list[str]:
    """Every text artist's lines joined by spaces (a wrapped label is one text group with a line per element)."""
    groups = [group for group in root.iter(f"{SVG}g") if group.get("id", "").startswith("text_")]
    return [" ".join(text.text or "" for text in group.iter(f"{SVG}text")) for group in groups]


def positioned(root: ElementTree.Element) -> list[tuple[str, float, float]]:
    """Single-line centred texts (printed shares) with their anchor point."""
    return [
        (text.text or "", float(text.get("x", "nan")), float(text.get("y", "nan")))
        for text in root.iter(f"{SVG}text")
        if "text-anchor: middle" in text.get("style", "")
    ]


def boxes(root: ElementTree.Element) -> list[Box]:
    """The filled rectangles inside the axes (the axes' white background first, then the bars); a hatched bar is
    filled with a pattern (`url(#h…)`)."""
    (axes,) = (group for group in root.iter(f"{SVG}g") if group.get("id") == "axes_1")
    found: list[Box] = []
    for group in axes:
        if not group.get("id", "").startswith("patch_"):
            continue
        for path in group.iter(f"{SVG}path"):
            points = [tuple(map(float, pair)) for pair in re.findall(r"([-\d.]+) ([-\d.]+)", path.get("d", ""))]
            fill = re.search(r"fill: ([^;]+)", path.get("style", ""))
            if len(points) != 4 or fill is None:
                continue
            xs, ys = [point[0] for point in points], [point[1] for point in points]
            found.append(Box(min(xs), min(ys), max(xs), max(ys), fill.group(1)))
    return found


def hatched(box: Box) -> bool:
    return box.fill.startswith("url(#h")


def likert_rows(root: ElementTree.Element) -> list[list[Box]]:
    """The segments of each likert bar, top bar first, left to right."""
    bars = [box for box in boxes(root)[1:] if box.width > 0]
    rows: dict[float, list[Box]] = {}
    for box in bars:
        rows.setdefault(round(box.top, 3), []).append(box)
    return [sorted(rows[top], key=lambda box: box.left) for top in sorted(rows)]


def centre(root: ElementTree.Element) -> float:
    (zero,) = (x for text, x, _y in positioned(root) if text == f"0{NBSP}%")
    return zero


# Likert


def test_likert_shows_every_item_and_scale_label_and_marks_the_flagged_item() -> None:
    shown = texts(parse(draw(LIKERT, STYLE)))
    for label in (*ITEMS[:2], f"{ITEMS[2]} *", *SCALE):
        assert label in shown, label
    assert ITEMS[2] not in shown
    assert "* geringe Fallzahl" in shown


def test_likert_segments_are_proportional_to_the_shares_and_diverge_at_the_centre() -> None:
    root = parse(draw(LIKERT, STYLE))
    rows = likert_rows(root)
    assert len(rows) == 3
    zero = centre(root)
    points_per_share = rows[0][0].width / (1 / 25)
    for row, counts in zip(rows, COUNTS, strict=True):
        drawn = [share for share in shares(counts) if share > 0]
        assert [box.width for box in row] == pytest.approx([share * points_per_share for share in drawn], abs=0.01)
        # 0–2 disagree, left of the centre line; 3–5 agree, right of it.
        disagree = sum(1 for count in counts[:3] if count)
        assert all(box.right <= zero + 0.01 for box in row[:disagree])
        assert all(box.left >= zero - 0.01 for box in row[disagree:])
        assert row[disagree - 1].right == pytest.approx(zero, abs=0.01)


def test_likert_neutral_point_is_centred_on_the_line() -> None:
    spec = replace(
        LIKERT, labels=("nein", "eher nein", "teils", "eher ja", "ja"), series=((0.1, 0.2, 0.3, 0.25, 0.15),)
    )
    spec = replace(spec, series_labels=("Eine Aussage (n = 20)",), flagged=(), neutral=2)
    root = parse(draw(spec, STYLE))
    ((no, rather_no, neutral, rather_yes, yes),) = likert_rows(root)
    assert (neutral.left + neutral.right) / 2 == pytest.approx(centre(root), abs=0.01)
    assert neutral.fill == "#dcdfe2"
    assert rather_no.right == pytest.approx(neutral.left, abs=0.01)
    assert no.width / 0.1 == pytest.approx(yes.width / 0.15, rel=1e-4)
    assert rather_yes.width / 0.25 == pytest.approx(neutral.width / 0.3, rel=1e-4)


def test_likert_prints_the_shares_of_six_percent_and_more_inside_their_segments_where_they_fit() -> None:
    root = parse(draw(LIKERT, STYLE))
    printed = positioned(root)
    for row, counts in zip(likert_rows(root), COUNTS, strict=True):
        drawn = [count for count in counts if count]
        for box, count in zip(row, drawn, strict=True):
            inside = [text for text, x, y in printed if box.left < x < box.right and box.top < y < box.bottom]
            share = count / sum(counts)
            label = f"{round(share * 100)}{NBSP}%"
            # 1/25 = 4 % is too small to print; from 6 % on a share is printed where it fits with a point each side
            # (measured by the renderer, which may add a point): 2/25 = 8 % at 8.5 pt in a 16.6 pt segment does not.
            with rc_context(chart_drawing.settings(STYLE)):
                width = chart_drawing.text_width(label, chart_drawing.VALUE_SIZE)
            if inside:
                assert inside == [label] and share >= 0.06 and width + 2 <= box.width, (count, counts)
            else:
                assert share < 0.06 or width + 3 > box.width, (count, counts)
    assert [text for text, _x, _y in printed].count(f"28{NBSP}%") == 1


def test_likert_colours_agreement_in_the_primary_and_disagreement_in_the_accent_colour() -> None:
    colours = likert_colours(LIKERT, STYLE)
    assert colours[0] == STYLE.accent  # the strongest disagreement, outermost left
    assert colours[-1] == STYLE.primary
    assert len(set(colours)) == 6
    fills = [box.fill for box in likert_rows(parse(draw(LIKERT, STYLE)))[0]]
    assert fills == colours


def test_a_flagged_likert_item_is_hatched_and_the_others_are_not() -> None:
    rows = likert_rows(parse(draw(LIKERT, STYLE)))
    assert all(hatched(box) for box in rows[2])
    assert not any(hatched(box) for box in rows[0] + rows[1])


def test_likert_height_grows_with_the_items() -> None:
    def height(spec: ChartSpec) -> float:
        return float(parse(draw(spec, STYLE)).get("height", "0").removesuffix("pt"))

    one = replace(LIKERT, series=LIKERT.series[:1], series_labels=("Kurz",), flagged=())
    six = replace(one, series=one.series * 6, series_labels=tuple(f"Kurz {index}" for index in range(6)))
    assert height(six) > height(one) + 5 * 15


def test_a_shared_value_max_sets_both_ends_of_the_likert_axis() -> None:
    shown = texts(parse(draw(replace(LIKERT, value_max=1.0), STYLE)))
    assert shown.count(f"100{NBSP}%") == 2


def test_charts_are_deterministic() -> None:
    assert draw(LIKERT, STYLE) == draw(LIKERT, STYLE)
    assert draw(GROUPED, STYLE) == draw(GROUPED, STYLE)


# Grouped


def test_grouped_shows_categories_and_segments_with_the_small_base_marked() -> None:
    shown = texts(parse(draw(GROUPED, STYLE)))
    for label in (*GROUPED.labels, *GROUPED.series_labels[:2], "250 und mehr (n = 4) *", "* geringe Fallzahl"):
        assert label in shown, label


def test_grouped_bars_have_the_shares_printed_above_them_on_the_shared_axis() -> None:
    root = parse(draw(GROUPED, STYLE))
    background, *bars = boxes(root)
    assert len(bars) == 15
    ordered = sorted(bars, key=lambda bar: bar.left)  # category by category, segment by segment
    by_segment = [ordered[segment::3] for segment in range(3)]
    assert [bar.fill for bar in by_segment[0]] == [STYLE.palette[0]] * 5
    assert [bar.fill for bar in by_segment[1]] == [STYLE.palette[1]] * 5
    # 2 of 25 answered "gar nicht" in the first segment: 8 %, drawn as tall as 8 % of the axis that ends at 80 %.
    points_per_share = background.height / 0.8
    printed = positioned(root)
    for segment, counts in zip(by_segment, SEGMENT_COUNTS, strict=True):
        assert len(segment) == 5
        for bar, count in zip(segment, counts, strict=True):
            assert bar.height == pytest.approx(count / sum(counts) * points_per_share, abs=0.01)
            above = [text for text, x, y in printed if abs(x - (bar.left + bar.right) / 2) < 0.5 and y < bar.top]
            assert above == [f"{round(count / sum(counts) * 100)}{NBSP}%"]


def test_grouped_error_bars_span_the_intervals() -> None:
    root = parse(draw(GROUPED, STYLE))
    background, *_bars = boxes(root)
    points_per_share = background.height / 0.8
    lines = [
        abs(float(y2) - float(y1))
        for group in root.iter(f"{SVG}g")
        if group.get("id", "").startswith("LineCollection")
        for path in group.iter(f"{SVG}path")
        for y1, y2 in re.findall(r"M [\d.]+ ([\d.]+)\s+L [\d.]+ ([\d.]+)", path.get("d", ""))
    ]
    expected = [(high - low) * points_per_share for segment in GROUPED.intervals for low, high in segment]
    assert lines == pytest.approx(expected, abs=0.01)


def test_a_flagged_segment_is_hatched() -> None:
    bars = sorted(boxes(parse(draw(GROUPED, STYLE)))[1:], key=lambda bar: bar.left)
    assert [hatched(bar) for bar in bars] == [False, False, True] * 5  # the third segment, also its empty bar


def test_many_or_long_categories_lie_on_their_side() -> None:
    labels = tuple(f"Maßnahme mit einem recht langen Namen Nummer {index}" for index in range(8))
    spec = replace(GROUPED, labels=labels, series=((0.1,) * 8, (0.2,) * 8), series_labels=("A", "B"), flagged=())
    spec = replace(spec, intervals=(), value_max=None)
    root = parse(draw(spec, STYLE))
    assert all(label in texts(root) for label in labels)
    bars = boxes(root)[1:]
    assert all(bar.width > bar.height for bar in bars)  # horizontal bars


def test_the_key_tells_charts_of_one_question_apart() -> None:
    assert GROUPED.name == "grouped-strategie-groesse.svg"
    assert LIKERT.name == "likert-einschaetzungen.svg"
    assert GROUPED.digest("style") != replace(GROUPED, key="region").digest("style")


# Text alternatives


def test_describe_likert_gives_every_item_with_its_shares() -> None:
    assert describe_likert(LIKERT) == (
        "Divergierendes Balkendiagramm: Einschätzungen. "
        "Skala von 0 bis 5: 0 = trifft gar nicht zu, 5 = trifft voll zu. "  # the codes' labels, first and last
        # 4+7+8 = 19 of 25 agree (3–5), 1+2+3 = 6 of 25 disagree (0–2)
        f"{ITEMS[0]}: 76{NBSP}% Zustimmung (3–5), 24{NBSP}% Ablehnung (0–2); "
        # 4+5+3 = 12 of 20, 4+2+2 = 8 of 20
        f"{ITEMS[1]}: 60{NBSP}% Zustimmung (3–5), 40{NBSP}% Ablehnung (0–2); "
        f"{ITEMS[2]}, geringe Fallzahl: 25{NBSP}% Zustimmung (3–5), 75{NBSP}% Ablehnung (0–2)."
    )


def test_describe_likert_with_a_neutral_point_and_labels_without_codes() -> None:
    spec = ChartSpec(
        "likert",
        "q",
        ("nein", "eher nein", "teils", "eher ja", "ja"),
        (),
        0,
        "Stimmen Sie zu?",
        series=((0.1, 0.2, 0.3, 0.25, 0.15),),
        series_labels=("Die Aussage.",),
        neutral=2,
    )
    assert describe_likert(spec) == (
        "Divergierendes Balkendiagramm: Stimmen Sie zu? Die Aussage.: 40\u00a0% Zustimmung („eher ja“ bis „ja“), "
        "30\u00a0% neutral, 30\u00a0% Ablehnung („nein“ bis „eher nein“)."
    )


def test_describe_grouped_gives_every_segment_with_its_shares() -> None:
    spec = replace(GROUPED, description="Wie wichtig ist die Strategie?")
    assert describe_grouped(spec) == (
        "Gruppiertes Balkendiagramm: Wie wichtig ist die Strategie? "
        f"bis 49 Beschäftigte (n = 25): gar nicht: 8{NBSP}%, eher nicht: 12{NBSP}%, teils/teils: 20{NBSP}%, "
        f"eher: 40{NBSP}%, voll und ganz: 20{NBSP}%; "
        f"50–249 Beschäftigte (n = 10): gar nicht: 10{NBSP}%, eher nicht: 10{NBSP}%, teils/teils: 40{NBSP}%, "
        f"eher: 20{NBSP}%, voll und ganz: 20{NBSP}%; "
        f"250 und mehr (n = 4), geringe Fallzahl: gar nicht: 0{NBSP}%, eher nicht: 25{NBSP}%, "
        f"teils/teils: 25{NBSP}%, eher: 25{NBSP}%, voll und ganz: 25{NBSP}%."
    )


def test_describe_grouped_says_what_the_points_of_a_scale_mean() -> None:
    labels = ("0 = gar nicht", "1", "2", "3", "4 = voll und ganz")
    spec = replace(GROUPED, labels=labels, scale="0=gar nicht; 1=; 2=; 3=; 4=voll und ganz")
    assert describe_grouped(spec).startswith(
        "Gruppiertes Balkendiagramm: Strategie nach Größe. Skala von 0 bis 4: 0 = gar nicht, 4 = voll und ganz. "
        f"bis 49 Beschäftigte (n = 25): 0 = gar nicht: 8{NBSP}%, 1: 12{NBSP}%"
    )
    assert "Skala" not in describe_grouped(replace(spec, scale=""))  # a question not on a scale


# Labels under the columns of a bar chart

LONG = ("Stimme gar nicht zu", "Stimme eher nicht zu", "Teils/teils", "Stimme eher zu", "Stimme voll zu")


def tick_boxes(spec: ChartSpec) -> list[tuple[float, float, str]]:
    """The horizontal extent of each label under the columns, as matplotlib lays it out."""
    with rc_context(chart_drawing.settings(STYLE)):
        figure = chart_drawing.build_figure(spec, STYLE)
        renderer = FigureCanvasAgg(figure).get_renderer()
        figure.draw(renderer)
        (axes,) = figure.axes
        extents = [label.get_window_extent(renderer) for label in axes.get_xticklabels()]
        return [(box.x0, box.x1, label.get_text()) for box, label in zip(extents, axes.get_xticklabels(), strict=True)]


@pytest.mark.parametrize("labels", [LONG, tuple(f"{code} = {label}" for code, label in enumerate(LONG, 1))])
def test_five_long_labels_under_columns_never_overlap(labels: tuple[str, ...]) -> None:
    spec = ChartSpec("bar", "geschaeftsmodell", labels, (10, 20, 30, 80, 64), 204, "Geschäftsmodell")
    placed = tick_boxes(spec)
    for (_, right, first), (left, _, second) in itertools.pairwise(placed):
        assert right < left, (first, second)
    assert [text.replace("\n", " ") for _, _, text in placed] == list(labels)


def test_short_labels_under_columns_stay_on_one_line() -> None:
    spec = ChartSpec("bar", "strategie", ("0", "1", "2", "3", "4", "5"), (1, 1, 1, 1, 8, 13), 25, "Strategie")
    assert [text for _, _, text in tick_boxes(spec)] == ["0", "1", "2", "3", "4", "5"]
    spec = replace(spec, labels=("Ja", "Nein", "weiß nicht"), counts=(3, 2, 1))
    assert [text for _, _, text in tick_boxes(spec)] == ["Ja", "Nein", "weiß nicht"]


def test_wrapping_keeps_a_code_with_its_label_and_the_base_in_one_piece() -> None:
    with rc_context(chart_drawing.settings(STYLE)):
        assert wrap_to("1 = Stimme gar nicht zu", 50, 9).split("\n")[0] == "1 = Stimme"
        assert "(n = 204)" in wrap_to("Unsere Beschäftigten sind gut qualifiziert (n = 204)", 60, 9).split("\n")


def test_text_alternatives_never_double_a_full_stop() -> None:
    spec = replace(LIKERT, description="Einschätzungen.", series_labels=("A.", "B?", "C"))
    text = describe_likert(spec)
    assert text.startswith(
        "Divergierendes Balkendiagramm: Einschätzungen. Skala von 0 bis 5: 0 = trifft gar nicht zu, 5 = trifft voll zu. A.: "
    )
    assert ".." not in text and "?." not in text and text.endswith("(0–2).")
    assert describe_grouped(replace(GROUPED, description="")).startswith("Gruppiertes Balkendiagramm: bis 49")
