"""Statistics of the study against the published tables (/work/shared/study/study-data.md).

Every expected number below is transcribed from the printed tables (three decimals, decimal point) or
written out as hand arithmetic. Nothing here was copied from the program's output.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest

from reportgen.codebook import parse_codebook
from reportgen.stats import FrequencyRow, QuestionStats, SurveyStats, compute
from reportgen.survey import load_survey

REPO = Path(__file__).resolve().parent.parent
N = 25
# The print has three decimals: a value matches when it agrees to the third decimal.
PRINTED = 5e-4


@pytest.fixture(scope="module")
def study() -> SurveyStats:
    codebook = parse_codebook((REPO / "data" / "codebook.toml").read_text(encoding="utf-8"), "data/codebook.toml")
    survey = load_survey((REPO / "data" / "responses.csv").read_bytes(), "data/responses.csv", codebook, "id")
    return compute(survey)


# Tabelle 1 – Deskriptive Kennwerte der Befragung, as printed (row order of the print).
# (printed item text, question id, Valid, Missing, Mean, Std. Dev., Min, Max)
# Row → question after "Zuordnung Tabellenzeile → Frage" in study-data.md.
TABELLE_1_LIKERT = [
    ("Ressourceneffiziente Produktion ist ein strategisches Ziel meines Unternehmens", "strategie", 25, 0, 4.120, 1.333, 0.000, 5.000),
    ("Ressourceneffiziente Produktion beeinflusst das Tagesgeschäft meines Unternehmens.", "tagesgeschaeft", 25, 0, 3.720, 1.370, 0.000, 5.000),
    ("Ressourceneffiziente Produktion beeinflusst die Marktposition meines Unternehmens.", "marktposition", 25, 0, 3.560, 1.417, 0.000, 5.000),
    ("Das Streben nach Ressourceneffizienter Produktion in meinem Unternehmen geschieht aus eigener Motivation", "eigenmotivation", 25, 0, 4.120, 1.301, 0.000, 5.000),
    ("Das Streben nach Ressourceneffizienter Produktion in meinem Unternehmen geschieht aufgrund von Markt- und Wettbewerbsdruck.", "wettbewerbsdruck", 25, 0, 2.960, 1.457, 0.000, 5.000),
    ("Mein Unternehmen produziert bereits ressourceneffizient.", "umsetzung", 25, 0, 2.920, 1.730, 0.000, 5.000),
    ("Ressourceneffiziente Produktion halte ich für einen entscheidenden Wettbewerbsvorteil in der Zukunft", "zukunft", 25, 0, 4.440, 1.083, 1.000, 5.000),
]  # fmt: skip

# (printed question text, question id, Valid, Missing)
TABELLE_1_DEMOGRAPHIC = [
    ("Was ist Ihre Position im Unternehmen?", "position", 25, 0),
    ("Wie viele Beschäftigte hat Ihr Unternehmen?", "beschaeftigte", 11, 14),
    ("Wie alt ist Ihr Unternehmen?", "unternehmensalter", 25, 0),
    ("Was ist Ihr Geschlecht?", "geschlecht", 25, 0),
    ("Wie alt sind Sie?", "alter", 25, 0),
]

# Häufigkeitstabellen der sieben Likert-Items, as printed.
# (question id, value, Frequency, Percent, Valid Percent, Cumulative Percent)
LIKERT_FREQUENCIES = [
    # Frage 1 – Strategische Bedeutung der Ressourceneffizienz
    ("strategie", 0, 1, 4.000, 4.000, 4.000),
    ("strategie", 1, 1, 4.000, 4.000, 8.000),
    ("strategie", 2, 1, 4.000, 4.000, 12.000),
    ("strategie", 3, 1, 4.000, 4.000, 16.000),
    ("strategie", 4, 8, 32.000, 32.000, 48.000),
    ("strategie", 5, 13, 52.000, 52.000, 100.000),
    # Frage 2 – Stand der Umsetzung
    ("umsetzung", 0, 4, 16.000, 16.000, 16.000),
    ("umsetzung", 1, 2, 8.000, 8.000, 24.000),
    ("umsetzung", 2, 3, 12.000, 12.000, 36.000),
    ("umsetzung", 3, 3, 12.000, 12.000, 48.000),
    ("umsetzung", 4, 9, 36.000, 36.000, 84.000),
    ("umsetzung", 5, 4, 16.000, 16.000, 100.000),
    # Frage 3 – Tagesgeschäft
    ("tagesgeschaeft", 0, 1, 4.000, 4.000, 4.000),
    ("tagesgeschaeft", 1, 1, 4.000, 4.000, 8.000),
    ("tagesgeschaeft", 2, 3, 12.000, 12.000, 20.000),
    ("tagesgeschaeft", 3, 2, 8.000, 8.000, 28.000),
    ("tagesgeschaeft", 4, 10, 40.000, 40.000, 68.000),
    ("tagesgeschaeft", 5, 8, 32.000, 32.000, 100.000),
    # Frage 4 – Marktposition
    ("marktposition", 0, 1, 4.000, 4.000, 4.000),
    ("marktposition", 1, 2, 8.000, 8.000, 12.000),
    ("marktposition", 2, 3, 12.000, 12.000, 24.000),
    ("marktposition", 3, 1, 4.000, 4.000, 28.000),
    ("marktposition", 4, 12, 48.000, 48.000, 76.000),
    ("marktposition", 5, 6, 24.000, 24.000, 100.000),
    # Frage 5 – REP aus Eigenmotivation (no printed row for value 3)
    ("eigenmotivation", 0, 1, 4.000, 4.000, 4.000),
    ("eigenmotivation", 1, 1, 4.000, 4.000, 8.000),
    ("eigenmotivation", 2, 1, 4.000, 4.000, 12.000),
    ("eigenmotivation", 4, 10, 40.000, 40.000, 52.000),
    ("eigenmotivation", 5, 12, 48.000, 48.000, 100.000),
    # Frage 6 – REP durch Wettbewerbsdruck
    ("wettbewerbsdruck", 0, 1, 4.000, 4.000, 4.000),
    ("wettbewerbsdruck", 1, 4, 16.000, 16.000, 20.000),
    ("wettbewerbsdruck", 2, 4, 16.000, 16.000, 36.000),
    ("wettbewerbsdruck", 3, 6, 24.000, 24.000, 60.000),
    ("wettbewerbsdruck", 4, 6, 24.000, 24.000, 84.000),
    ("wettbewerbsdruck", 5, 4, 16.000, 16.000, 100.000),
    # Frage 7 – Zukunftserwartungen (no printed row for value 0)
    ("zukunft", 1, 1, 4.000, 4.000, 4.000),
    ("zukunft", 2, 1, 4.000, 4.000, 8.000),
    ("zukunft", 3, 2, 8.000, 8.000, 16.000),
    ("zukunft", 4, 3, 12.000, 12.000, 28.000),
    ("zukunft", 5, 18, 72.000, 72.000, 100.000),
]

# Values the print leaves out because nobody chose them; our tables show them with count 0.
# (question id, value, cumulative percent by hand)
ZERO_ROWS = [
    ("eigenmotivation", 3, (1 + 1 + 1) / 25 * 100),  # the cumulation stays at 12 % (values 0, 1, 2)
    ("zukunft", 0, 0 / 25 * 100),  # first row, nothing before it
]

# The print writes "1-5 Jahre", ">250", "<1 Jahr"; the codebook has en dashes and spaces.
PRINTED_TO_CODEBOOK_LABEL = {
    ">250": "> 250",
    "1-5 Jahre": "1–5 Jahre",
    "11-20 Jahre": "11–20 Jahre",
    "<1 Jahr": "< 1 Jahr",
    ">20 Jahre": "> 20 Jahre",
    "0": "Keine Angabe",
    "25-34": "25–34",
    "35-44": "35–44",
    "45-54": "45–54",
    "55-64": "55–64",
}

# Häufigkeitstabellen im Anhang, as printed (labels as printed; see the mapping above).
# (question id, printed label, Frequency, Percent, Valid Percent, Cumulative Percent or None)
DEMOGRAPHIC_FREQUENCIES = [
    ("position", "Fachkraft", 2, 8.000, 8.000, 8.000),
    ("position", "Manager/in", 18, 72.000, 72.000, 80.000),
    ("position", "Mitarbeiter/in", 2, 8.000, 8.000, 88.000),
    ("position", "Sonstiges", 3, 12.000, 12.000, 100.000),
    ("position_sonstiges", "Inhaber", 1, 4.000, 33.333, 33.333),
    ("position_sonstiges", "Projektleiter", 1, 4.000, 33.333, 66.667),
    ("position_sonstiges", "Projektmanager", 1, 4.000, 33.333, 100.000),
    ("beschaeftigte", ">250", 11, 44.000, 100.000, 100.000),
    # Printed in alphabetical order, so the printed cumulative column does not apply to our
    # natural order; it is checked separately in test_unternehmensalter_cumulative_in_natural_order.
    ("unternehmensalter", "1-5 Jahre", 3, 12.000, 12.000, None),
    ("unternehmensalter", "11-20 Jahre", 4, 16.000, 16.000, None),
    ("unternehmensalter", "<1 Jahr", 1, 4.000, 4.000, None),
    ("unternehmensalter", ">20 Jahre", 17, 68.000, 68.000, None),
    ("geschlecht", "männlich", 24, 96.000, 96.000, 96.000),
    ("geschlecht", "weiblich", 1, 4.000, 4.000, 100.000),
    ("alter", "0", 1, 4.000, 4.000, 4.000),
    ("alter", "25-34", 1, 4.000, 4.000, 8.000),
    ("alter", "35-44", 3, 12.000, 12.000, 20.000),
    ("alter", "45-54", 10, 40.000, 40.000, 60.000),
    ("alter", "55-64", 10, 40.000, 40.000, 100.000),
]

# Missing and Total rows of every printed frequency table: (question id, Missing, Missing percent, Total)
MISSING_AND_TOTAL = [
    ("strategie", 0, 0.000, 25),
    ("umsetzung", 0, 0.000, 25),
    ("tagesgeschaeft", 0, 0.000, 25),
    ("marktposition", 0, 0.000, 25),
    ("eigenmotivation", 0, 0.000, 25),
    ("wettbewerbsdruck", 0, 0.000, 25),
    ("zukunft", 0, 0.000, 25),
    ("position", 0, 0.000, 25),
    ("position_sonstiges", 22, 88.000, 25),
    ("beschaeftigte", 14, 56.000, 25),
    ("unternehmensalter", 0, 0.000, 25),
    ("geschlecht", 0, 0.000, 25),
    ("alter", 0, 0.000, 25),
]


def _row_by_code(stats: QuestionStats, code: int) -> FrequencyRow:
    rows = [row for row in stats.frequencies.rows if row.code == code]
    assert len(rows) == 1, f"{stats.question.id}: {len(rows)} rows with code {code}"
    return rows[0]


def _row_by_label(stats: QuestionStats, label: str) -> FrequencyRow:
    rows = [row for row in stats.frequencies.rows if row.label == label]
    assert len(rows) == 1, f"{stats.question.id}: {len(rows)} rows labelled {label!r}"
    return rows[0]


# Tabelle 1


def test_respondents(study: SurveyStats) -> None:
    assert study.respondents == N


@pytest.mark.parametrize(
    ("printed", "question_id", "valid", "missing", "mean", "sd", "minimum", "maximum"),
    TABELLE_1_LIKERT,
    ids=[row[1] for row in TABELLE_1_LIKERT],
)
def test_tabelle_1_likert_item(
    study: SurveyStats,
    printed: str,
    question_id: str,
    valid: int,
    missing: int,
    mean: float,
    sd: float,
    minimum: float,
    maximum: float,
) -> None:
    stats = study.questions[question_id]
    # The row belongs to this question: the codebook has the printed text without the closing full stop.
    assert stats.question.text == printed.rstrip(".")
    d = stats.descriptives
    assert (d.valid, d.missing) == (valid, missing)
    assert d.mean == pytest.approx(mean, abs=PRINTED)
    assert d.sd == pytest.approx(sd, abs=PRINTED)
    assert d.minimum == pytest.approx(minimum, abs=PRINTED)
    assert d.maximum == pytest.approx(maximum, abs=PRINTED)


@pytest.mark.parametrize(
    ("printed", "question_id", "valid", "missing"),
    TABELLE_1_DEMOGRAPHIC,
    ids=[row[1] for row in TABELLE_1_DEMOGRAPHIC],
)
def test_tabelle_1_demographic_question(
    study: SurveyStats, printed: str, question_id: str, valid: int, missing: int
) -> None:
    stats = study.questions[question_id]
    assert stats.question.text == printed
    d = stats.descriptives
    assert (d.valid, d.missing) == (valid, missing)
    # Categorical questions have counts only, as in the print.
    assert (d.mean, d.sd, d.minimum, d.maximum) == (None, None, None, None)


def test_tabelle_1_means_follow_from_the_frequency_tables(study: SurveyStats) -> None:
    """Mean and sample SD recomputed by hand from the printed frequencies."""
    for question_id in {row[0] for row in LIKERT_FREQUENCIES}:
        values = []
        for qid, value, count, *_percentages in LIKERT_FREQUENCIES:
            if qid == question_id:
                values.extend([value] * count)
        assert len(values) == N
        mean = sum(values) / N
        d = study.questions[question_id].descriptives
        assert d.mean == pytest.approx(mean)
        assert d.sd == pytest.approx(math.sqrt(sum((value - mean) ** 2 for value in values) / (N - 1)))


# Frequency tables


@pytest.mark.parametrize(
    ("question_id", "value", "frequency", "percent", "valid_percent", "cumulative"),
    LIKERT_FREQUENCIES,
    ids=[f"{row[0]}-{row[1]}" for row in LIKERT_FREQUENCIES],
)
def test_likert_frequency_row(
    study: SurveyStats,
    question_id: str,
    value: int,
    frequency: int,
    percent: float,
    valid_percent: float,
    cumulative: float,
) -> None:
    row = _row_by_code(study.questions[question_id], value)
    assert row.label == str(value)
    assert row.count == frequency
    assert row.percent * 100 == pytest.approx(percent, abs=PRINTED)
    assert row.valid_percent * 100 == pytest.approx(valid_percent, abs=PRINTED)
    assert row.cumulative_percent * 100 == pytest.approx(cumulative, abs=PRINTED)


@pytest.mark.parametrize(("question_id", "value", "cumulative"), ZERO_ROWS, ids=[f"{r[0]}-{r[1]}" for r in ZERO_ROWS])
def test_unprinted_values_have_zero_rows(study: SurveyStats, question_id: str, value: int, cumulative: float) -> None:
    row = _row_by_code(study.questions[question_id], value)
    assert (row.count, row.percent, row.valid_percent) == (0, 0.0, 0.0)
    assert row.cumulative_percent * 100 == pytest.approx(cumulative)


@pytest.mark.parametrize("question_id", sorted({row[0] for row in LIKERT_FREQUENCIES}))
def test_likert_table_has_every_scale_point_in_order(study: SurveyStats, question_id: str) -> None:
    rows = study.questions[question_id].frequencies.rows
    assert [row.code for row in rows] == [0, 1, 2, 3, 4, 5]
    assert sum(row.count for row in rows) == N


@pytest.mark.parametrize(
    ("question_id", "printed_label", "frequency", "percent", "valid_percent", "cumulative"),
    DEMOGRAPHIC_FREQUENCIES,
    ids=[f"{row[0]}-{row[1]}" for row in DEMOGRAPHIC_FREQUENCIES],
)
def test_demographic_frequency_row(
    study: SurveyStats,
    question_id: str,
    printed_label: str,
    frequency: int,
    percent: float,
    valid_percent: float,
    cumulative: float | None,
) -> None:
    label = PRINTED_TO_CODEBOOK_LABEL.get(printed_label, printed_label)
    row = _row_by_label(study.questions[question_id], label)
    assert row.count == frequency
    assert row.percent * 100 == pytest.approx(percent, abs=PRINTED)
    assert row.valid_percent * 100 == pytest.approx(valid_percent, abs=PRINTED)
    if cumulative is not None:
        assert row.cumulative_percent * 100 == pytest.approx(cumulative, abs=PRINTED)


@pytest.mark.parametrize("question_id", sorted({row[0] for row in DEMOGRAPHIC_FREQUENCIES}))
def test_demographic_table_has_exactly_the_printed_rows(study: SurveyStats, question_id: str) -> None:
    printed = {
        PRINTED_TO_CODEBOOK_LABEL.get(label, label) for qid, label, *_ in DEMOGRAPHIC_FREQUENCIES if qid == question_id
    }
    assert {row.label for row in study.questions[question_id].frequencies.rows} == printed


def test_position_rows_in_printed_order(study: SurveyStats) -> None:
    labels = [row.label for row in study.questions["position"].frequencies.rows]
    assert labels == ["Fachkraft", "Manager/in", "Mitarbeiter/in", "Sonstiges"]


def test_free_text_rows_alphabetical(study: SurveyStats) -> None:
    rows = study.questions["position_sonstiges"].frequencies.rows
    assert [row.label for row in rows] == ["Inhaber", "Projektleiter", "Projektmanager"]
    assert all(row.code is None for row in rows)


def test_unternehmensalter_cumulative_in_natural_order(study: SurveyStats) -> None:
    rows = study.questions["unternehmensalter"].frequencies.rows
    assert [row.label for row in rows] == ["< 1 Jahr", "1–5 Jahre", "11–20 Jahre", "> 20 Jahre"]
    expected = [1 / 25 * 100, (1 + 3) / 25 * 100, (1 + 3 + 4) / 25 * 100, (1 + 3 + 4 + 17) / 25 * 100]
    assert expected == pytest.approx([4, 16, 32, 100])
    assert [row.cumulative_percent * 100 for row in rows] == pytest.approx(expected)


def test_alter_rows_in_codebook_order(study: SurveyStats) -> None:
    rows = study.questions["alter"].frequencies.rows
    assert [(row.code, row.label) for row in rows] == [
        (0, "Keine Angabe"),
        (1, "25–34"),
        (2, "35–44"),
        (3, "45–54"),
        (4, "55–64"),
    ]


@pytest.mark.parametrize(
    ("question_id", "missing", "missing_percent", "total"),
    MISSING_AND_TOTAL,
    ids=[row[0] for row in MISSING_AND_TOTAL],
)
def test_missing_and_total(
    study: SurveyStats, question_id: str, missing: int, missing_percent: float, total: int
) -> None:
    table = study.questions[question_id].frequencies
    assert (table.missing, table.total, table.valid) == (missing, total, total - missing)
    assert table.missing / table.total * 100 == pytest.approx(missing_percent, abs=PRINTED)


# count() and share()


def test_count_by_codes_and_by_labels(study: SurveyStats) -> None:
    strategie = study.questions["strategie"]
    assert strategie.count([4, 5]) == 8 + 13
    assert strategie.count(["4", "5"]) == 8 + 13  # scale labels are the codes as text
    assert strategie.count([]) == 0
    position = study.questions["position"]
    assert position.count(["Manager/in"]) == 18
    assert position.count([2]) == 18
    assert position.count([1, "Mitarbeiter/in"]) == 2 + 2
    assert study.questions["position_sonstiges"].count(["Inhaber", "Projektleiter"]) == 1 + 1


def test_share_of_valid_answers(study: SurveyStats) -> None:
    assert study.questions["strategie"].share([4, 5]) == pytest.approx(21 / 25)
    assert study.questions["strategie"].share([1, 2]) == pytest.approx((1 + 1) / 25)
    assert study.questions["umsetzung"].share([5]) == pytest.approx(4 / 25)
    # The base is the valid answers: 11 of 25 gave a size, all of them "> 250".
    assert study.questions["beschaeftigte"].share([1]) == pytest.approx(11 / 11)
    assert study.questions["beschaeftigte"].share(["> 250"]) == pytest.approx(11 / 11)
    assert study.questions["position_sonstiges"].share(["Inhaber"]) == pytest.approx(1 / 3)
    assert study.questions["zukunft"].share([0]) == 0.0


def test_share_exclude_removes_codes_from_the_base(study: SurveyStats) -> None:
    # strategie 4+5 without the one answer "3" in the base: 21 / (25 - 1)
    assert study.questions["strategie"].share([4, 5], exclude=[3]) == pytest.approx(21 / 24)
    # The published contradictions are reproduced this way (study-data.md, "Widersprüche"):
    assert study.questions["umsetzung"].share([5], exclude=[3]) == pytest.approx(4 / (25 - 3))
    assert study.questions["wettbewerbsdruck"].share([4, 5], exclude=[3]) == pytest.approx(10 / (25 - 6))
    assert study.questions["zukunft"].share([4, 5], exclude=["3"]) == pytest.approx(21 / (25 - 2))
    # No answer "3" in Frage 5: excluding it leaves the base at 25.
    assert study.questions["eigenmotivation"].share([4, 5], exclude=[3]) == pytest.approx(22 / 25)
    assert study.questions["strategie"].share([4, 5], exclude=[0, 1, 2, 3]) == pytest.approx(21 / 21)


# A tiny hand-made survey

TINY_CODEBOOK = """\
[item]
kind = "scale"
text = "Ein Item"
label = "Item"
scale = { min = 0, max = 5 }
missing = [-9]
"""


def _tiny_stats(values: list[str]) -> SurveyStats:
    codebook = parse_codebook(TINY_CODEBOOK, "codebook.toml")
    rows = "".join(f"R{number},{value}\n" for number, value in enumerate(values, 1))
    return compute(load_survey(("id,item\n" + rows).encode("utf-8"), "responses.csv", codebook, "id"))


def test_tiny_frame_mean_and_sd_follow_one_changed_response() -> None:
    # Five answers 1..5, one missing code, one empty cell.
    before = _tiny_stats(["1", "2", "3", "4", "5", "-9", ""]).questions["item"].descriptives
    assert (before.valid, before.missing) == (5, 2)
    assert before.mean == pytest.approx((1 + 2 + 3 + 4 + 5) / 5)  # 3
    # deviations -2 -1 0 1 2: squares 4 + 1 + 0 + 1 + 4 = 10, over n - 1 = 4
    assert before.sd == pytest.approx(math.sqrt(10 / 4))
    assert (before.minimum, before.maximum) == (1, 5)

    # The answer 5 becomes 1.
    after = _tiny_stats(["1", "2", "3", "4", "1", "-9", ""]).questions["item"].descriptives
    assert after.mean == pytest.approx((1 + 2 + 3 + 4 + 1) / 5)  # 11 / 5 = 2.2
    # deviations -1.2 -0.2 0.8 1.8 -1.2: squares 1.44 + 0.04 + 0.64 + 3.24 + 1.44 = 6.8, over 4
    assert after.sd == pytest.approx(math.sqrt(6.8 / 4))
    assert after.sd == pytest.approx(statistics.stdev([1, 2, 3, 4, 1]))
    assert (after.minimum, after.maximum) == (1, 4)


def test_tiny_frame_frequencies_exclude_missing_from_valid_percent() -> None:
    stats = _tiny_stats(["4", "4", "5", "0", "-9"]).questions["item"]
    table = stats.frequencies
    assert (table.valid, table.missing, table.total) == (4, 1, 5)
    four = _row_by_code(stats, 4)
    assert four.count == 2
    assert four.percent == pytest.approx(2 / 5)
    assert four.valid_percent == pytest.approx(2 / 4)
    assert four.cumulative_percent == pytest.approx((1 + 2) / 4)  # 0 once, then 4 twice
    assert stats.share([4, 5]) == pytest.approx(3 / 4)
