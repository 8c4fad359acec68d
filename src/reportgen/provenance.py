"""What a survey number is: its German description, the span that carries it in the HTML, and the numbers that
know their description (fmt marks them up as it formats them). The wording of every description is here."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

ATTRIBUTE = "data-provenance"
# The chart labels' boxes and descriptions in a chart's SVG: JSON in a <metadata> element WeasyPrint does not draw.
SVG_METADATA_ID = "reportgen-provenance"


def mark(text: str, provenance: str) -> Markup:
    """`text`, a formatted number, in the span whose attribute says what the number is."""
    return Markup('<span data-provenance="{}">{}</span>').format(provenance, text)


# The spans as mark() writes them; Markdown and the hyphenation pass inline HTML through unchanged.
SPAN = re.compile(r'<span data-provenance="(?P<provenance>[^"<>]*)">(?P<number>[^<]*)</span>')


def unmarked(html: str) -> str:
    """`html` without the spans of mark(), their numbers left in place: the document for the PDF. WeasyPrint draws
    each inline box as a text object of its own, and extractors read the words around such a break differently."""
    plain = SPAN.sub(r"\g<number>", html)
    if plain == html:
        return html
    return Markup(plain) if isinstance(html, Markup) else plain


class _Quoted:
    """A number that knows what it is; fmt marks it up with `mark` as it formats it."""

    provenance: str

    def mark(self, text: str) -> Markup:
        return mark(text, self.provenance)


class QuotedInt(_Quoted, int):
    """A count that knows what it is: fmt.number() returns it marked up."""

    def __new__(cls, value: int, provenance: str) -> QuotedInt:
        number = super().__new__(cls, value)
        number.provenance = provenance
        return number


class QuotedFloat(_Quoted, float):
    """A share, mean or other measure that knows what it is: fmt.number() and fmt.percent_value() mark it up."""

    def __new__(cls, value: float, provenance: str) -> QuotedFloat:
        number = super().__new__(cls, value)
        number.provenance = provenance
        return number


def quoted_int(value: int, provenance: str) -> int:
    return QuotedInt(value, provenance)


def quoted_float(value: float, provenance: str) -> float:
    return QuotedFloat(value, provenance)


def quoted(value: float | None, provenance: str) -> float | None:
    """`value` with its description, None staying None (a measure without valid answers)."""
    return None if value is None else QuotedFloat(value, provenance)


# The wording


@dataclass(frozen=True)
class Base:
    """What a number is counted among: the valid answers (or `noun`) to one question, weighted or not, in a
    filtered subgroup (`where`, in words) and in one segment of a breakdown (`segment`, in words)."""

    question_id: str
    valid: int
    weighted: bool = False
    where: str = ""
    segment: str = ""
    noun: str = "gültigen Antworten"


def answers(codes: Sequence[tuple[int | str | None, str]]) -> str:
    """„Codes 4–5: „stimme eher zu“, „stimme voll zu““: the codes (runs of whole numbers as ranges) and labels."""
    numbers = [code for code, _label in codes if code is not None]
    labels = ", ".join(f"„{label}“" for code, label in codes if label != str(code))
    if not numbers:
        return f"{'Antwort' if len(codes) == 1 else 'Antworten'} {labels}"
    noun = "Code" if len(numbers) == 1 else "Codes"
    return f"{noun} {_runs(numbers)}: {labels}" if labels else f"{noun} {_runs(numbers)}"


def _runs(codes: Sequence[int | str]) -> str:
    runs: list[list[int | str]] = []
    for code in codes:
        last = runs[-1][-1] if runs else None
        if isinstance(code, int) and isinstance(last, int) and code == last + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def _among(base: Base, which: str = "") -> str:
    """„25 gültigen Antworten (Codes 4–5: …; Teilgruppe Position: Manager/in), Frage strategie“."""
    qualifiers = [which, f"Teilgruppe {base.where}" if base.where else "", base.segment]
    extra = "; ".join(part for part in qualifiers if part)
    return f"{base.valid} {base.noun}{f' ({extra})' if extra else ''}, Frage {base.question_id}"


def _weighted(base: Base) -> str:
    return " (gewichtet)" if base.weighted else ""


def share(count: int, base: Base, which: str, what: str = "Anteil") -> str:
    """„Anteil: 21 von 25 gültigen Antworten (Codes 4–5: …), Frage strategie“; with a weight the share is
    weighted, the counts are the respondents counted."""
    return f"{what}{_weighted(base)}: {count} von {_among(base, which)}"


def count(number: int, base: Base, which: str) -> str:
    """„Anzahl: 21 Antworten (Codes 4–5: …) von 25 gültigen Antworten, Frage strategie“."""
    return f"Anzahl: {number} Antworten ({which}) von {_among(base)}"


def valid(base: Base) -> str:
    """The base itself: „Basis (n): Anzahl der 25 gültigen Antworten, Frage strategie“."""
    return f"Basis (n): Anzahl der {_among(base)}"


def weights(base: Base) -> str:
    return f"Summe der Gewichte der {_among(base)}"


def segment(label: str, by: str) -> str:
    """A breakdown's column in words: „Gruppe „Manager/in“ nach Position“, or the total."""
    return f"Gruppe „{label}“ nach {by}" if label else f"Gesamt (alle Gruppen nach {by})"


def largest_base(number: int, segment: str, where: str = "") -> str:
    group = f"; Teilgruppe {where}" if where else ""
    return f"Basis (n): die meisten gültigen Antworten einer Frage der Zeile ({segment}{group}): {number}"


def unassigned(number: int, by_id: str) -> str:
    return f"Befragte ohne gültige Antwort auf Frage {by_id}, nur in Gesamt gezählt: {number}"


def respondents(number: int, where: str = "") -> str:
    return f"Befragte der Teilgruppe {where}: {number}" if where else f"Befragte insgesamt: {number}"


def missing(number: int, total: int, question_id: str, where: str = "") -> str:
    group = f" der Teilgruppe {where}" if where else ""
    return f"Fehlend: {number} von {total} Befragten{group} ohne gültige Antwort, Frage {question_id}"


MEASURES = {
    "mean": "Mittelwert",
    "sd": "Standardabweichung (n − 1)",
    "median": "Median",
    "q1": "Unteres Quartil",
    "q3": "Oberes Quartil",
    "minimum": "Minimum",
    "maximum": "Maximum",
}


def measure(name: str, base: Base, scale: str = "", unit: str = "") -> str:
    """„Mittelwert der 25 gültigen Antworten, Frage strategie, Skala 1–5“."""
    weighted = " (gewichtet)" if base.weighted and name not in ("minimum", "maximum") else ""
    details = "".join(
        f", {part}" for part in (f"Skala {scale}" if scale else "", f"Einheit {unit}" if unit else "") if part
    )
    return f"{MEASURES[name]}{weighted} der {_among(base)}{details}"


def scale_point(which: str, question_id: str) -> str:
    """A scale's lowest or highest point, or its number of points: from the codebook, not from the answers."""
    return f"{which} der Frage {question_id} (Codebuch)"


def bound(high: bool, level: str, method: str, of: str) -> str:
    """„Untere Grenze des 95-%-Konfidenzintervalls (Wilson) für: Anteil: …“."""
    return f"{'Obere' if high else 'Untere'} Grenze des {level}-%-Konfidenzintervalls ({method}) für: {of}"


def test(what: str, table: str) -> str:
    """A test's statistic, degrees of freedom or p-value: „p-Wert des χ²-Tests, Frage strategie nach alter“."""
    return f"{what}, {table}"


def chart_share(answer: str, among: str, question_id: str) -> str:
    """A share printed in a comparison chart, which knows shares, not counts: „Anteil der Antwort „stimme voll zu“
    unter den gültigen Antworten zu „Strategie (n = 25)“, Frage strategie“."""
    return f"Anteil der {answer} unter den gültigen Antworten {among}, Frage {question_id}"


def svg_metadata(width: float, height: float, labels: Sequence[Mapping[str, object]]) -> bytes:
    """The chart labels' boxes (SVG user units from the top-left corner) and descriptions as an SVG element."""
    data = json.dumps({"width": width, "height": height, "labels": list(labels)}, ensure_ascii=False, sort_keys=True)
    return f'<metadata id="{SVG_METADATA_ID}">{escape(data, quote=False)}</metadata>\n'.encode()
