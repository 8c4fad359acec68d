"""The helpers for numeric, multiple-response, labelled and coded questions, over statistics built by hand."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from pathlib import Path

import pytest

from projects import make_tiny
from reportgen.build import prepare
from reportgen.chart_drawing import draw
from reportgen.charts import ChartStyle
from reportgen.codebook import Category, Coding, Option, Question
from reportgen.crossrefs import resolve
from reportgen.errors import ContentError
from reportgen.helpers import Helpers
from reportgen.provenance import unmarked
from reportgen.stats import (
    Descriptives,
    FrequencyRow,
    FrequencyTable,
    MultipleRow,
    MultipleTable,
    QuestionStats,
    SurveyStats,
)
from test_helpers import REFERENCES, partials, plain

NBSP = "\u00a0"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
RESPONDENTS = 8

# umsatz (numeric, €, no decimals): 450, 800, 1250, 1250, 2500, 3000, 12000 and one empty cell.
UMSATZ_VALUES = [450, 800, 1250, 1250, 2500, 3000, 12000]
UMSATZ = Question("umsatz", "numeric", "Umsatz im letzten Jahr", "Umsatz", unit="€", decimals=0, bins=(0, 1000, 5000))
# alter (numeric, no unit, no decimals in the codebook, no bins): 25, 30, 35, 41 and four empty cells.
ALTER_VALUES = [25, 30, 35, 41]
ALTER = Question("alter", "numeric", "Wie alt sind Sie?", "Alter")
# massnahmen (multiple, dichotomies): 6 respondents answered; Energie 4, Wasser 3, Abfall 1 → 8 mentions.
MASSNAHMEN = Question(
    "massnahmen",
    "multiple",
    "Welche Maßnahmen haben Sie umgesetzt?",
    "Maßnahmen",
    options=tuple(Option(label, f"Maßnahmen: {label}") for label in ("Energie", "Wasser", "Abfall")),
)
# zustimmung (scale 1–5, only the ends labelled): 1, 2, 4, 5, 5, 5 and two empty.
ZUSTIMMUNG_LABELS = (Category(1, "stimme gar nicht zu"), Category(5, "stimme voll zu"))
ZUSTIMMUNG = Question(
    "zustimmung",
    "scale",
    "Ich stimme zu",
    "Zustimmung",
    tuple(Category(c, {1: "stimme gar nicht zu", 5: "stimme voll zu"}.get(c, str(c))) for c in range(1, 6)),
    labels=ZUSTIMMUNG_LABELS,
)
# note (scale 1–3, every point labelled): schlecht 1, mittel 2, gut 5.
NOTE_CATEGORIES = (Category(1, "schlecht"), Category(2, "mittel"), Category(3, "gut"))
NOTE = Question("note", "scale", "Wie war es?", "Bewertung", NOTE_CATEGORIES, labels=NOTE_CATEGORIES)
# kenntnis (yes/no with „weiß nicht“ as missing): Ja 4, Nein 2, weiß nicht 1, one empty.
KENNTNIS = Question(
    "kenntnis",
    "yesno",
    "Kennen Sie das Programm?",
    "Kenntnis",
    (Category(1, "Ja"), Category(0, "Nein"), Category(9, "weiß nicht", missing=True)),
)
# anregungen (text, coded): „Mehr Strom sparen“ twice, „Energieberatung“, „Kantine“ → Energie 3, Sonstiges 1.
ANREGUNGEN = Question(
    "anregungen",
    "text",
    "Ihre Anregungen?",
    "Anregungen",
    coding=(Coding("Energie", ("*strom*", "*energie*")),),
)
GRUPPE = Question("gruppe", "single", "Welche Gruppe?", "Gruppe", (Category(1, "A"), Category(2, "B")))


def frequencies(rows: Sequence[tuple[str, int | None, int, bool]], total: int = RESPONDENTS) -> FrequencyTable:
    """A frequency table from (label, code, count, missing) rows, shares by hand: valid ones of the valid base."""
    valid = sum(count for _, _, count, missing in rows if not missing)
    missing_total = total - valid
    made, cumulative = [], 0
    for label, code, count, missing in rows:
        cumulative += 0 if missing else count
        shares = (0.0, 0.0) if missing else (count / valid, cumulative / valid)
        made.append(FrequencyRow(label, code, count, count / total, shares[0], shares[1], missing))
    return FrequencyTable(tuple(made), missing_total, total)


def umsatz() -> QuestionStats:
    values = UMSATZ_VALUES
    # sorted: 450 800 1250 1250 2500 3000 12000; n - 1 = 6; Q1 at 1.5 → (800 + 1250) / 2; Q3 at 4.5 → (2500 + 3000) / 2
    descriptives = Descriptives(
        7, 1, sum(values) / 7, statistics.stdev(values), 450.0, 12000.0, median=1250.0, q1=1025.0, q3=2750.0
    )
    bins = frequencies([("0–999", None, 2, False), ("1.000–4.999", None, 4, False), ("5.000 und mehr", None, 1, False)])
    return QuestionStats(UMSATZ, bins, descriptives)


def alter() -> QuestionStats:
    # 25 30 35 41: mean 131 / 4 = 32.75; median (30 + 35) / 2 = 32.5; Q1 at 0.75 → 25 + 0.75 × 5 = 28.75
    descriptives = Descriptives(4, 4, 32.75, statistics.stdev(ALTER_VALUES), 25.0, 41.0, median=32.5, q1=28.75, q3=36.5)
    return QuestionStats(ALTER, FrequencyTable((), 4, RESPONDENTS), descriptives)


def massnahmen() -> QuestionStats:
    counts = {"Energie": 4, "Wasser": 3, "Abfall": 1}
    rows = tuple(MultipleRow(label, None, count, count / 6, count / 8) for label, count in counts.items())
    options = frequencies([(label, None, count, False) for label, count in counts.items()])
    return QuestionStats(MASSNAHMEN, options, Descriptives(6, 2), MultipleTable(rows, base=6, missing=2, mentions=8))


def zustimmung() -> QuestionStats:
    counts = {1: 1, 2: 1, 3: 0, 4: 1, 5: 3}
    rows = [(ZUSTIMMUNG.label_of(code), code, count, False) for code, count in counts.items()]
    # 1 + 2 + 4 + 15 = 22 over 6
    return QuestionStats(ZUSTIMMUNG, frequencies(rows), Descriptives(6, 2, 22 / 6, None, 1.0, 5.0, median=4.5))


def note() -> QuestionStats:
    rows = [("schlecht", 1, 1, False), ("mittel", 2, 2, False), ("gut", 3, 5, False)]
    return QuestionStats(NOTE, frequencies(rows), Descriptives(8, 0, 20 / 8, None, 1.0, 3.0))


def kenntnis() -> QuestionStats:
    rows = [("Ja", 1, 4, False), ("Nein", 0, 2, False), ("weiß nicht", 9, 1, True)]
    return QuestionStats(KENNTNIS, frequencies(rows), Descriptives(6, 2))


def anregungen() -> QuestionStats:
    codes = frequencies([("Energie", None, 3, False), ("Sonstiges", None, 1, False)])
    answers = frequencies(
        [("Energieberatung", None, 1, False), ("Kantine", None, 1, False), ("Mehr Strom sparen", None, 2, False)]
    )
    return QuestionStats(ANREGUNGEN, codes, Descriptives(4, 4), answers=answers)


def gruppe() -> QuestionStats:
    return QuestionStats(GRUPPE, frequencies([("A", 1, 3, False), ("B", 2, 5, False)]), Descriptives(8, 0))


def survey_stats() -> SurveyStats:
    made = [umsatz(), alter(), massnahmen(), zustimmung(), note(), kenntnis(), anregungen(), gruppe()]
    return SurveyStats(RESPONDENTS, {stats.question.id: stats for stats in made})


@pytest.fixture
def helpers() -> Helpers:
    return Helpers(survey_stats(), REFERENCES, partials(), "charts/")


def call(helpers: Helpers, name: str, *args: object, **kwargs: object) -> str:
    return unmarked(str(helpers.namespace()[name](*args, **kwargs)))


def raises(helpers: Helpers, name: str, *args: object, **kwargs: object) -> ContentError:
    with pytest.raises(ContentError) as caught:
        call(helpers, name, *args, **kwargs)
    return caught.value


def block(helpers: Helpers, name: str, *args: object, **kwargs: object) -> str:
    """A block's text as it stands in the report (numbered), runs of white space as one space."""
    html = call(helpers, name, *args, **kwargs)
    return plain(resolve([html], helpers.targets, (), ()).apply(html)).strip()


# Numeric items in the prose


def test_the_hand_arithmetic_of_the_numeric_items() -> None:
    assert sum(UMSATZ_VALUES) == 21250  # mean 3035,71…
    # deviations from 21250 / 7, squared and summed, over n - 1 = 6
    squares = sum((value - 21250 / 7) ** 2 for value in UMSATZ_VALUES)
    assert statistics.stdev(UMSATZ_VALUES) == pytest.approx(math.sqrt(squares / 6))
    assert squares == pytest.approx(98_708_571.43, abs=0.01)  # √(98708571,43 / 6) = 4056,03
    assert statistics.quantiles(UMSATZ_VALUES, n=4, method="inclusive") == [1025.0, 1250.0, 2750.0]
    assert statistics.quantiles(ALTER_VALUES, n=4, method="inclusive") == [28.75, 32.5, 36.5]


def test_numeric_numbers_carry_the_codebook_decimals_and_unit(helpers: Helpers) -> None:
    assert call(helpers, "mean", "umsatz") == f"3.036{NBSP}€"  # 21250 / 7 = 3035,71
    assert call(helpers, "median", "umsatz") == f"1.250{NBSP}€"
    assert call(helpers, "quartile", "umsatz", 1) == f"1.025{NBSP}€"
    assert call(helpers, "quartile", "umsatz", 3) == f"2.750{NBSP}€"
    assert call(helpers, "quartile", "umsatz", 2) == f"1.250{NBSP}€"  # the median
    assert call(helpers, "minimum", "umsatz") == f"450{NBSP}€"
    assert call(helpers, "maximum", "umsatz") == f"12.000{NBSP}€"
    assert call(helpers, "n", "umsatz") == "7"
    assert call(helpers, "missing", "umsatz") == "1"


def test_decimals_and_unit_can_be_overridden(helpers: Helpers) -> None:
    assert call(helpers, "mean", "umsatz", decimals=1) == f"3.035,7{NBSP}€"
    assert call(helpers, "mean", "umsatz", unit=False) == "3.036"
    assert call(helpers, "sd", "umsatz", 0, False) == "4.056"


def test_numeric_without_codebook_decimals(helpers: Helpers) -> None:
    # mean and SD with two decimals, the others whole numbers without decimals and others with two
    assert call(helpers, "mean", "alter") == "32,75"
    assert call(helpers, "median", "alter") == "32,50"
    assert call(helpers, "minimum", "alter") == "25"
    assert call(helpers, "quartile", "alter", 1) == "28,75"


def test_scale_items_have_median_minimum_and_maximum_too(helpers: Helpers) -> None:
    assert call(helpers, "median", "zustimmung") == "4,50"
    assert call(helpers, "maximum", "zustimmung") == "5"
    assert call(helpers, "mean", "zustimmung") == "3,67"  # 22 / 6


def test_wrong_measure_calls(helpers: Helpers) -> None:
    assert raises(helpers, "quartile", "umsatz", 4).message == "quartile(): „4“ ist kein Quartil."
    assert raises(helpers, "quartile", "umsatz", True).message == "quartile(): „True“ ist kein Quartil."
    error = raises(helpers, "median", "gruppe")
    assert error.message == "median(): „gruppe“ ist weder eine Skala noch eine Zahlenfrage."
    assert raises(helpers, "sd", "zustimmung").message == "„zustimmung“ hat zu wenige gültige Antworten für sd()."
    assert raises(helpers, "mean", "umsatz", decimals=9).message == "mean(): decimals=9 ist nicht erlaubt."


# Multiple responses in the prose


def test_multiple_response_numbers(helpers: Helpers) -> None:
    assert call(helpers, "n", "massnahmen") == "6"  # the base: respondents who answered the set
    assert call(helpers, "missing", "massnahmen") == "2"
    assert call(helpers, "mentions", "massnahmen") == "8"  # 4 + 3 + 1
    assert call(helpers, "count", "massnahmen", "Energie") == "4"
    assert call(helpers, "share", "massnahmen", "Energie") == f"67{NBSP}%"  # 4 / 6
    assert call(helpers, "share", "massnahmen", "Abfall", decimals=1) == f"16,7{NBSP}%"  # 1 / 6
    assert call(helpers, "mode", "massnahmen") == "Energie"


def test_wrong_multiple_response_calls(helpers: Helpers) -> None:
    error = raises(helpers, "share", "massnahmen", "Energie", "Wasser")
    assert error.message == "share(): „massnahmen“ erlaubt Mehrfachnennungen; share() nimmt genau eine Option."
    assert error.hint.startswith('Schreiben Sie z. B. share("massnahmen", "Energie")')
    error = raises(helpers, "count", "massnahmen", "Strom")
    assert error.message == "count(): „Strom“ ist keine Option der Frage „massnahmen“."
    assert error.hint == "Erlaubt sind: „Energie“, „Wasser“, „Abfall“."
    assert raises(helpers, "share", "massnahmen", "Energie", exclude=["Abfall"]).message.startswith(
        "share(): exclude= gibt es bei Mehrfachnennungen nicht."
    )
    error = raises(helpers, "mentions", "gruppe")
    assert error.message == "mentions(): „gruppe“ ist keine Frage mit Mehrfachnennungen."


# A category that counts as missing


def test_a_missing_category_is_outside_the_base(helpers: Helpers) -> None:
    assert call(helpers, "n", "kenntnis") == "6"
    assert call(helpers, "missing", "kenntnis") == "2"  # weiß nicht and the empty cell
    assert call(helpers, "share", "kenntnis", "Ja") == f"67{NBSP}%"  # 4 / 6
    assert call(helpers, "count", "kenntnis", 9) == "1"
    error = raises(helpers, "share", "kenntnis", 9)
    assert error.message == "share(): „weiß nicht“ zählt bei „kenntnis“ als fehlend, nicht als gültige Antwort."
    assert error.hint.startswith('Nennen Sie die Zahl mit count("kenntnis", 9)')
    assert raises(helpers, "share", "kenntnis", 1, exclude=["weiß nicht"]).message.startswith("share(): „weiß nicht“")


# Blocks


def rows_of(text: str, *labels: str) -> list[str]:
    """The text of `text` from each label on, up to the next label (or the end)."""
    starts = [text.index(label) for label in labels]
    ends = [*starts[1:], len(text)]
    return [text[start:end].strip() for start, end in zip(starts, ends, strict=True)]


def test_numeric_table(helpers: Helpers) -> None:
    text = block(helpers, "numeric_table", "umsatz", "alter")
    assert text.startswith("Tabelle 1 – Kennwerte der Zahlenangaben ")
    assert "Frage Gültig Fehlend Mittelwert Standardabweichung Minimum 1. Quartil Median 3. Quartil Maximum" in text
    assert "Umsatz (€) Umsatz im letzten Jahr 7 1 3.036 4.056 450 1.025 1.250 2.750 12.000" in text
    sd_alter = f"{statistics.stdev(ALTER_VALUES):.2f}".replace(".", ",")
    assert f"Alter Wie alt sind Sie? 4 4 32,75 {sd_alter} 25 28,75 32,50 36,50 41" in text


def test_numeric_table_alone_is_named_after_its_question(helpers: Helpers) -> None:
    assert block(helpers, "numeric_table", "umsatz").startswith("Tabelle 1 – Umsatz ")
    assert "– Kennwerte der Zahlenangaben " in block(helpers, "numeric_table")  # every numeric item
    assert raises(helpers, "numeric_table", "gruppe").message.startswith("numeric_table(): „gruppe“ ist weder")


def test_frequency_table_of_a_numeric_item_shows_its_bins(helpers: Helpers) -> None:
    text = block(helpers, "frequency_table", "umsatz")
    assert "Umsatz im letzten Jahr (Einheit: €) Häufigkeit Prozent Gültige Prozente Kumulierte Prozente" in text
    # 2, 4, 1 of 7 valid, 8 in all
    assert rows_of(text, "0–999", "1.000–4.999", "5.000 und mehr", "Fehlend", "Gesamt") == [
        "0–999 2 25,0 28,6 28,6",
        "1.000–4.999 4 50,0 57,1 85,7",
        "5.000 und mehr 1 12,5 14,3 100,0",
        "Fehlend 1 12,5",
        "Gesamt 8 100,0",
    ]


def test_a_numeric_item_without_bins_has_no_frequency_table_chart_or_mode(helpers: Helpers) -> None:
    for name in ("frequency_table", "bar_chart", "pie_chart", "mode"):
        error = raises(helpers, name, "alter")
        assert error.message == f"{name}(): „alter“ ist eine Zahlenfrage ohne Klassen (bins im Codebuch)."
        assert "bins = [0, 10, 50, 250]" in error.hint and 'numeric_table("alter")' in error.hint
    assert helpers.charts == ()


def test_bar_chart_of_a_numeric_item_is_a_histogram_of_its_bins(helpers: Helpers) -> None:
    text = block(helpers, "bar_chart", "umsatz")
    (spec,) = helpers.charts
    assert (spec.kind, spec.name) == ("hist", "hist-umsatz.svg")
    assert spec.labels == ("0–999", "1.000–4.999", "5.000 und mehr")
    assert (spec.counts, spec.valid, spec.axis_label) == ((2, 4, 1), 7, "Klasse (€)")
    assert "Abbildung 1 – Umsatz (N = 7)" in text
    html = call(helpers, "bar_chart", "umsatz", caption="Noch einmal")
    assert 'alt="Histogramm: Umsatz im letzten Jahr. 0–999: 2 (28,6' in html


def test_a_chart_alt_text_ends_a_question_with_its_own_question_mark(helpers: Helpers) -> None:
    html = call(helpers, "bar_chart", "massnahmen")
    assert 'alt="Balkendiagramm: Welche Maßnahmen haben Sie umgesetzt? ' in html
    assert "?." not in html


def test_frequency_table_of_a_multiple_response_set(helpers: Helpers) -> None:
    text = block(helpers, "frequency_table", "massnahmen")
    assert "Welche Maßnahmen haben Sie umgesetzt? Anzahl Prozent der Befragten Prozent der Nennungen" in text
    # of the base 6 and of the 8 mentions
    assert rows_of(text, "Energie", "Wasser", "Abfall", "Nennungen 8") == [
        "Energie 4 66,7 50,0",
        "Wasser 3 50,0 37,5",
        "Abfall 1 16,7 12,5",
        "Nennungen 8 133,3 100,0 Mehrfachnennungen möglich. Basis: 6 Befragte, die die Frage beantwortet haben; "
        "ohne Angabe: 2.",
    ]


def test_bar_chart_of_a_multiple_response_set_is_horizontal(helpers: Helpers) -> None:
    html = call(helpers, "bar_chart", "massnahmen")
    (spec,) = helpers.charts
    assert (spec.kind, spec.name, spec.labels, spec.counts, spec.valid) == (
        "barh",
        "barh-massnahmen.svg",
        ("Energie", "Wasser", "Abfall"),
        (4, 3, 1),
        6,
    )
    assert spec.axis_label == "Anteil der Befragten"
    assert "(N = 6; Mehrfachnennungen möglich)" in plain(html)
    assert "Energie: 4 (66,7" in html  # the text alternative: shares of the base


def test_no_pie_chart_of_a_multiple_response_set(helpers: Helpers) -> None:
    error = raises(helpers, "pie_chart", "massnahmen")
    assert error.message.startswith("pie_chart(): „massnahmen“ erlaubt Mehrfachnennungen")
    assert error.hint == 'Verwenden Sie bar_chart("massnahmen").'


def test_a_missing_category_stands_below_the_valid_rows(helpers: Helpers) -> None:
    text = block(helpers, "frequency_table", "kenntnis")
    # Ja 4 and Nein 2 of 6 valid; weiß nicht 1 and one empty cell of 8
    assert rows_of(text, "Ja", "Nein", "Fehlend: weiß nicht", "Fehlend: keine Angabe", "Gesamt") == [
        "Ja 4 50,0 66,7 66,7",
        "Nein 2 25,0 33,3 100,0",
        "Fehlend: weiß nicht 1 12,5",
        "Fehlend: keine Angabe 1 12,5",
        "Gesamt 8 100,0",
    ]
    call(helpers, "bar_chart", "kenntnis")
    call(helpers, "pie_chart", "kenntnis")
    assert [(spec.labels, spec.counts, spec.valid) for spec in helpers.charts] == [(("Ja", "Nein"), (4, 2), 6)] * 2


def test_a_scale_labelled_at_its_ends_shows_the_anchors(helpers: Helpers) -> None:
    text = block(helpers, "frequency_table", "zustimmung")
    assert "1 = stimme gar nicht zu 1 " in text and " 2 1 " in text and "5 = stimme voll zu 3 " in text
    html = call(helpers, "bar_chart", "zustimmung")
    (spec,) = helpers.charts
    assert spec.labels == ("1", "2", "3", "4", "5")
    assert spec.axis_label == "Antwortwert (1 = stimme gar nicht zu … 5 = stimme voll zu)"
    assert '5: 3 (50,0 %). 1 = stimme gar nicht zu … 5 = stimme voll zu."' in html.replace(NBSP, " ")


def test_a_fully_labelled_scale_shows_its_labels(helpers: Helpers) -> None:
    text = block(helpers, "frequency_table", "note")
    assert rows_of(text, "1 = schlecht", "2 = mittel", "3 = gut", "Fehlend", "Gesamt") == [
        "1 = schlecht 1 12,5 12,5 12,5",
        "2 = mittel 2 25,0 25,0 37,5",
        "3 = gut 5 62,5 62,5 100,0",
        "Fehlend 0 0,0",
        "Gesamt 8 100,0",
    ]
    call(helpers, "bar_chart", "note")
    (spec,) = helpers.charts
    assert (spec.labels, spec.axis_label) == (("1 = schlecht", "2 = mittel", "3 = gut"), "Antwortwert")


def test_answers_lists_the_open_answers_once_each(helpers: Helpers) -> None:
    text = block(helpers, "answers", "anregungen")
    assert text.startswith("Tabelle 1 – Anregungen Ihre Anregungen? Anzahl")
    assert rows_of(text, "Energieberatung", "Kantine", "Mehr Strom", "Antworten") == [
        "Energieberatung 1",
        "Kantine 1",
        "Mehr Strom sparen 2",
        "Antworten 4",
    ]
    error = raises(helpers, "answers", "gruppe")
    assert error.message == "answers(): „gruppe“ ist keine Freitextfrage."


def test_coded_answers_are_counted_by_their_codes(helpers: Helpers) -> None:
    text = block(helpers, "frequency_table", "anregungen")
    assert rows_of(text, "Energie", "Sonstiges", "Fehlend", "Gesamt") == [
        "Energie 3 37,5 75,0 75,0",
        "Sonstiges 1 12,5 25,0 100,0",
        "Fehlend 4 50,0",
        "Gesamt 8 100,0",
    ]
    call(helpers, "bar_chart", "anregungen")
    assert [(spec.labels, spec.counts, spec.axis_label) for spec in helpers.charts] == [
        (("Energie", "Sonstiges"), (3, 1), "")
    ]


def test_descriptives_table_shows_numeric_items_with_their_unit_and_multiple_responses_with_their_base(
    helpers: Helpers,
) -> None:
    text = block(helpers, "descriptives_table", questions=["umsatz", "massnahmen", "zustimmung"])
    assert "Umsatz (€) Umsatz im letzten Jahr 7 1 3.036 4.056 450 12.000 " in text
    assert "Maßnahmen Welche Maßnahmen haben Sie umgesetzt? 6 2 Zustimmung" in text
    assert "Zustimmung Ich stimme zu 6 2 3,67 1 5" in text


# Drawing


@pytest.fixture(scope="module")
def style() -> ChartStyle:
    font = TEMPLATES / "fonts" / "Lato-Regular.ttf"
    return ChartStyle(str(font), "digest", "#0b5d5b", "#1f2a30", "#6b7b83", ("#0b5d5b", "#f28c28"))


def test_the_new_charts_are_drawn_with_text_as_text(helpers: Helpers, style: ChartStyle) -> None:
    for name, question in [("bar_chart", "massnahmen"), ("bar_chart", "umsatz"), ("bar_chart", "zustimmung")]:
        call(helpers, name, question)
    barh, hist, bar = (draw(spec, style).decode() for spec in helpers.charts)
    for text in ("Energie", "Abfall", f"66,7{NBSP}%", "Anteil der Befragten", f"40{NBSP}%"):
        assert text in barh, text
    assert barh.index("Energie") < barh.index("Abfall")  # the codebook's order, first on top (drawn first)
    for text in ("5.000 und mehr", "Klasse (€)", f"57,1{NBSP}%"):
        assert text in hist, text
    assert "Antwortwert (1 = stimme gar nicht zu … 5 = stimme voll zu)" in bar


# End to end: a tiny project with the new kinds, read, computed and rendered by reportgen

KINDS_CODEBOOK = """\
[umsatz]
kind = "numeric"
text = "Umsatz im letzten Jahr"
label = "Umsatz"
unit = "€"
decimals = 0
bins = [0, 1000, 5000]

[massnahmen]
kind = "multiple"
text = "Welche Maßnahmen haben Sie umgesetzt?"
label = "Maßnahmen"
selected = ["Ja"]
options = [
  { column = "m_energie", label = "Energie" },
  { column = "m_wasser", label = "Wasser" },
  { column = "m_abfall", label = "Abfall" },
]

[kenntnis]
kind = "yesno"
text = "Kennen Sie das Programm?"
label = "Kenntnis"
categories = [{ code = 1, label = "Ja" }, { code = 0, label = "Nein" }, { code = 9, label = "weiß nicht", missing = true }]

[zustimmung]
kind = "scale"
text = "Ich stimme zu"
label = "Zustimmung"
scale = { min = 1, max = 5 }
labels = { "1" = "stimme gar nicht zu", "5" = "stimme voll zu" }
"""

# umsatz as UMSATZ_VALUES; massnahmen: R6 answered („Nein“), R7 and R8 did not; kenntnis as KENNTNIS above.
KINDS_RESPONSES = """\
id;umsatz;m_energie;m_wasser;m_abfall;kenntnis;zustimmung
R1;450;Ja;Ja;;1;1
R2;800;Ja;;;1;2
R3;1.250;Ja;Ja;Ja;1;4
R4;1250;Ja;;;1;5
R5;2500;;Ja;;0;5
R6;3000;;;Nein;0;5
R7;12.000;;;;9;
R8;;;;;;
"""

KINDS_CHAPTER = """\
# Ergebnisse

Umsatz: {{ mean("umsatz") }}, Median {{ median("umsatz") }}, {{ quartile("umsatz", 1) }} bis \
{{ quartile("umsatz", 3) }}, n = {{ n("umsatz") }}.

Energie: {{ share("massnahmen", "Energie") }} ({{ count("massnahmen", "Energie") }} von {{ n("massnahmen") }}), \
{{ mentions("massnahmen") }} Nennungen.

Ja: {{ share("kenntnis", "Ja") }} von {{ n("kenntnis") }}, weiß nicht: {{ count("kenntnis", 9) }}.

{{ numeric_table("umsatz") }}

{{ frequency_table("umsatz") }}

{{ bar_chart("umsatz") }}

{{ frequency_table("massnahmen") }}

{{ bar_chart("massnahmen") }}

{{ frequency_table("kenntnis") }}

{{ bar_chart("zustimmung") }}
"""


def test_a_project_with_the_new_kinds_renders_the_numbers_of_its_data(tmp_path: Path) -> None:
    root = make_tiny(
        tmp_path,
        {
            "data/codebook.toml": KINDS_CODEBOOK,
            "data/responses.csv": KINDS_RESPONSES,
            "content/01-kapitel.md": KINDS_CHAPTER,
        },
    )
    content = prepare(root).content
    text = plain("".join(chapter.html for chapter in content.chapters)).replace(NBSP, " ")
    # 21250 / 7 = 3035,7; sorted 450 800 1250 1250 2500 3000 12000 (1.250 and 12.000 in German notation)
    assert "Umsatz: 3.036 €, Median 1.250 €, 1.025 € bis 2.750 €, n = 7." in text
    # Energie R1–R4 of the six who answered the set; 4 + 3 + 1 mentions
    assert "Energie: 67 % (4 von 6), 8 Nennungen." in text
    # Ja 4 of Ja 4 + Nein 2; weiß nicht R7
    assert "Ja: 67 % von 6, weiß nicht: 1." in text
    assert "Umsatz (€) Umsatz im letzten Jahr 7 1 3.036 4.056 450 1.025 1.250 2.750 12.000" in text
    assert "5.000 und mehr 1 12,5 14,3 100,0" in text
    assert "Energie 4 66,7 50,0 Wasser 3 50,0 37,5 Abfall 1 16,7 12,5 Nennungen 8 133,3 100,0" in text
    assert "Basis: 6 Befragte, die die Frage beantwortet haben; ohne Angabe: 2." in text
    assert "Fehlend: weiß nicht 1 12,5 Fehlend: keine Angabe 1 12,5 Gesamt 8 100,0" in text
    assert "(N = 6; Mehrfachnennungen möglich)" in text
    charts = {chart.name: chart for chart in content.charts}
    assert list(charts) == ["hist-umsatz.svg", "barh-massnahmen.svg", "bar-zustimmung.svg"]
    assert charts["hist-umsatz.svg"].counts == (2, 4, 1)
    assert charts["barh-massnahmen.svg"].counts == (4, 3, 1)
    # zustimmung: 1, 2, 4, 5, 5, 5
    assert charts["bar-zustimmung.svg"].counts == (1, 1, 0, 1, 3)
    assert charts["bar-zustimmung.svg"].axis_label == "Antwortwert (1 = stimme gar nicht zu … 5 = stimme voll zu)"
