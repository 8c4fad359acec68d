"""The German text alternatives of the comparison charts (charts_compare.py), and which scale points each side of
a likert chart holds."""

from __future__ import annotations

import re

from . import fmt
from .charts import ChartSpec


def sides(spec: ChartSpec) -> tuple[range, range]:
    """The indices of the disagreeing and the agreeing scale points (the neutral one is in neither)."""
    points = len(spec.labels)
    if spec.neutral is not None:
        return range(spec.neutral), range(spec.neutral + 1, points)
    return range(points // 2), range(points // 2, points)


def flagged(spec: ChartSpec, index: int) -> bool:
    """Whether series `index` has a small base (drawn muted and hatched, its label marked „*“)."""
    return bool(spec.flagged) and spec.flagged[index]


def describe_likert(spec: ChartSpec) -> str:
    """„Divergierendes Balkendiagramm: Titel. Skala von 0 bis 5: 0 = niedrigster, 5 = höchster Skalenwert. Item
    (n = 25): 84 % Zustimmung (4–5), 8 % neutral, 8 % Ablehnung (0–2); …“: what the scale's points mean, then every
    item with the shares of its agreeing, neutral and disagreeing points."""
    disagree, agree = sides(spec)
    parts = []
    for row, shares in enumerate(spec.series):
        words = [f"{fmt.percent(sum(shares[i] for i in agree))} Zustimmung ({_points(spec, agree)})"]
        if spec.neutral is not None:
            words.append(f"{fmt.percent(shares[spec.neutral])} neutral")
        words.append(f"{fmt.percent(sum(shares[i] for i in disagree))} Ablehnung ({_points(spec, disagree)})")
        parts.append(f"{_series_name(spec, row)}: {', '.join(words)}")
    text = fmt.sentence(f"Divergierendes Balkendiagramm: {_title(spec)}{_scale(spec)}{'; '.join(parts)}")
    return f"{text} {describe_highlight(spec)}" if spec.highlight else text


def describe_grouped(spec: ChartSpec) -> str:
    """„Gruppiertes Balkendiagramm: Titel. [Skala von 0 bis 5: …. ]Segment (n = 11): Kategorie: 40 %, …; …“: what
    the points of a scale mean (a question on a scale only), then every segment with its share in every category."""
    parts = []
    for row, shares in enumerate(spec.series):
        values = ", ".join(f"{label}: {fmt.percent(share)}" for label, share in zip(spec.labels, shares, strict=True))
        parts.append(f"{_series_name(spec, row)}: {values}")
    scale = _scale(spec) if spec.scale else ""
    text = fmt.sentence(f"Gruppiertes Balkendiagramm: {_title(spec)}{scale}{'; '.join(parts)}")
    return f"{text} {describe_highlight(spec)}" if spec.highlight else text


# What a marked label is called in the text alternative, one and several.
MARKED_NOUNS = {
    "bar": ("Antwort", "Antworten"),
    "hist": ("Klasse", "Klassen"),
    "barh": ("Option", "Optionen"),
    "grouped": ("Kategorie", "Kategorien"),
}


def describe_highlight(spec: ChartSpec) -> str:
    """What a chart marks, for its text alternative: „Markiert (Ihr Unternehmen): Antwort „4“.“, of a multiple-response
    set „Optionen „Messe“, „Presse““, of a likert chart the answer per item („Strategie (n = 25): „4“; Umsetzung: keine
    Antwort“); empty without a mark."""
    if not spec.highlight:
        return ""
    head = f"Markiert ({spec.highlight_label})" if spec.highlight_label else "Markiert"
    if spec.kind == "likert":
        answers = [f"{spec.series_labels[row]}: {_own(spec, row)}" for row in range(len(spec.series))]
        return fmt.sentence(f"{head}: {'; '.join(answers)}")
    chosen = [f"„{spec.labels[index]}“" for index in sorted(set(spec.highlight)) if 0 <= index < len(spec.labels)]
    one, several = MARKED_NOUNS.get(spec.kind, MARKED_NOUNS["bar"])
    return fmt.sentence(f"{head}: {one if len(chosen) == 1 else several} {', '.join(chosen)}")


def _own(spec: ChartSpec, row: int) -> str:
    """The own answer to likert item `row` (`spec.highlight[row]`, an index into the scale's points), quoted."""
    index = spec.highlight[row] if row < len(spec.highlight) else -1
    return f"„{spec.labels[index]}“" if 0 <= index < len(spec.labels) else "keine Antwort"


CODE = re.compile(r"\s*(-?\d+)\s*(?:=|$)")


def _scale(spec: ChartSpec) -> str:
    """„Skala von 0 bis 5: 0 = trifft gar nicht zu, 5 = trifft voll zu. “ with the labelled points, or „… 0 =
    niedrigster, 5 = höchster Skalenwert. “ when none has a label; empty for points without codes, whose labels
    say what they mean."""
    codes = [match.group(1) for label in spec.labels if (match := CODE.match(label))]
    if not codes or len(codes) != len(spec.labels):
        return ""
    labelled = [label for label in spec.labels if "=" in label]
    meaning = ", ".join(labelled) if labelled else f"{codes[0]} = niedrigster, {codes[-1]} = höchster Skalenwert"
    return f"Skala von {codes[0]} bis {codes[-1]}: {meaning}. "


def _points(spec: ChartSpec, indices: range) -> str:
    """The scale points by their codes (`4–5`), or by their labels when they have no codes."""
    chosen = [spec.labels[index] for index in indices]
    if not chosen:
        return ""
    codes = [match.group(1) for label in chosen if (match := CODE.match(label))]
    names = codes if len(codes) == len(chosen) else chosen
    if codes != names:
        names = [f"„{name}“" for name in names]
    return names[0] if len(names) == 1 else f"{names[0]}{'–' if codes == names else ' bis '}{names[-1]}"


def _series_name(spec: ChartSpec, row: int) -> str:
    return spec.series_labels[row] + (", geringe Fallzahl" if flagged(spec, row) else "")


def _title(spec: ChartSpec) -> str:
    return f"{fmt.sentence(spec.description)} " if spec.description.strip() else ""
