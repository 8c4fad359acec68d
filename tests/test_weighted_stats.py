"""Weighted statistics: shares by hand (Σw of a category / Σw of the valid answers), mean and SD against statsmodels'
DescrStatsW, quantiles and Kish's effective n by hand, and breakdowns whose tests use the effective n.
Nothing here was copied from the module's output."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from statsmodels.stats.weightstats import DescrStatsW

from reportgen.breakdown import AnalysisRules, Breakdown, breakdown
from reportgen.codebook import Question, parse_codebook
from reportgen.microdata import Respondents
from reportgen.stats import QuestionStats
from reportgen.stats_compute import question_stats
from reportgen.subgroup_stats import SubgroupStats
from reportgen.survey import WEIGHT_COLUMN

CODEBOOK = """
[branche]
kind = "single"
text = "Branche des Betriebs"
label = "Branche"
categories = [
    { code = 1, label = "Handel" },
    { code = 2, label = "Industrie" },
    { code = 3, label = "Dienstleistung" },
    { code = 9, label = "weiß nicht", missing = true },
]

[export]
kind = "yesno"
text = "Exportieren Sie?"
label = "Export"

[online]
kind = "yesno"
text = "Verkaufen Sie online?"
label = "Online"

[zufr]
kind = "scale"
text = "Wie zufrieden sind Sie?"
label = "Zufriedenheit"
scale = { min = 1, max = 5 }

[beschaeftigte]
kind = "numeric"
text = "Wie viele Beschäftigte hat der Betrieb?"
label = "Beschäftigte"
bins = [0, 10, 50]

[massnahmen]
kind = "multiple"
text = "Welche Maßnahmen setzen Sie um?"
label = "Maßnahmen"
options = [{ column = "m1", label = "Energie" }, { column = "m2", label = "Mobilität" }]
"""

Q: dict[str, Question] = {question.id: question for question in parse_codebook(CODEBOOK, "codebuch.toml").questions}
NAN = math.nan
W = WEIGHT_COLUMN


def stats(data: dict[str, list[float]], question: str) -> QuestionStats:
    return question_stats(pd.DataFrame(data), Q[question])


# Frequencies

#             0    1    2    3    4    5    6
BRANCHE = [1.0, 1.0, 2.0, 3.0, 9.0, NAN, 2.0]
WEIGHTS = [0.5, 1.5, 2.0, 1.0, 3.0, 4.0, 0.5]


def test_weighted_valid_percent_is_weight_of_category_over_weight_of_valid() -> None:
    table = stats({"branche": BRANCHE, W: WEIGHTS}, "branche").frequencies
    # valid: rows 0, 1, 2, 3, 6 -> Σw = 0,5 + 1,5 + 2 + 1 + 0,5 = 5,5
    # Handel 0,5 + 1,5 = 2; Industrie 2 + 0,5 = 2,5; Dienstleistung 1; weiß nicht (missing) 3; all: Σw = 12,5
    assert [(row.label, row.count) for row in table.rows] == [
        ("Handel", 2),
        ("Industrie", 2),
        ("Dienstleistung", 1),
        ("weiß nicht", 1),
    ]  # counts unweighted
    assert [row.valid_percent for row in table.rows] == pytest.approx([2 / 5.5, 2.5 / 5.5, 1 / 5.5, 0.0])
    assert [row.percent for row in table.rows] == pytest.approx([2 / 12.5, 2.5 / 12.5, 1 / 12.5, 3 / 12.5])
    assert [row.cumulative_percent for row in table.rows] == pytest.approx([2 / 5.5, 4.5 / 5.5, 1.0, 0.0])
    assert (table.valid, table.missing, table.total) == (5, 2, 7)
    assert table.weighted_valid == pytest.approx(5.5)
    # Kish over the valid answers: 5,5² / (0,25 + 2,25 + 4 + 1 + 0,25) = 30,25 / 7,75
    assert table.effective_valid == pytest.approx(30.25 / 7.75)


def test_question_stats_bases_with_weight() -> None:
    result = stats({"branche": BRANCHE, W: WEIGHTS}, "branche")
    assert result.base == (5, 2)
    assert result.weighted_base == pytest.approx((5.5, 30.25 / 7.75))
    assert result.effective_base == pytest.approx(30.25 / 7.75)
    # share of Handel or Industrie among the valid: (2 + 2,5) / 5,5; without Dienstleistung in the base: 4,5 / 4,5
    assert result.share([1, "Industrie"]) == pytest.approx(4.5 / 5.5)
    assert result.share([1, 2], exclude=[3]) == pytest.approx(1.0)
    assert result.share([1], exclude=["Industrie"]) == pytest.approx(2 / 3)


def test_kish_effective_n_by_hand() -> None:
    weights = [1.0, 2.0, 3.0, 4.0]
    result = stats({"export": [1.0, 0.0, 1.0, 1.0], W: weights}, "export")
    # (1 + 2 + 3 + 4)² / (1 + 4 + 9 + 16) = 100 / 30
    assert result.effective_base == pytest.approx(100 / 30)
    # Ja: (1 + 3 + 4) / 10
    assert result.frequencies.rows[0].valid_percent == pytest.approx(0.8)


def test_weighted_bins() -> None:
    result = stats({"beschaeftigte": [5.0, 20.0, NAN, 60.0, 8.0], W: [1.0, 2.0, 5.0, 3.0, 4.0]}, "beschaeftigte")
    # valid Σw = 1 + 2 + 3 + 4 = 10: 0–9 (5 and 8) 5; 10–49 2; 50 und mehr 3
    rows = result.frequencies.rows
    assert [(row.label, row.count) for row in rows] == [("0–9", 2), ("10–49", 1), ("50 und mehr", 1)]
    assert [row.valid_percent for row in rows] == pytest.approx([0.5, 0.2, 0.3])
    assert result.weighted_base == pytest.approx((10.0, 100 / 30))


# Means, SDs, quantiles


ZUFR = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, NAN, 4.0]
ZUFR_WEIGHTS = [0.4, 1.2, 0.9, 2.5, 1.1, 0.3, 1.6, 9.0, 0.8]


def test_weighted_mean_and_sd_against_statsmodels() -> None:
    result = stats({"zufr": ZUFR, W: ZUFR_WEIGHTS}, "zufr").descriptives
    x = np.array([value for value in ZUFR if not math.isnan(value)])
    w = np.array([weight for value, weight in zip(ZUFR, ZUFR_WEIGHTS, strict=True) if not math.isnan(value)])
    described = DescrStatsW(x, weights=w * len(x) / w.sum(), ddof=1)  # weights normalised to sum n
    assert result.mean == pytest.approx(float(described.mean), rel=1e-12)
    assert result.sd == pytest.approx(float(described.std), rel=1e-12)
    assert result.mean == pytest.approx(float((w * x).sum() / w.sum()), rel=1e-12)
    assert (result.valid, result.missing) == (8, 1)
    assert (result.minimum, result.maximum) == (1.0, 5.0)  # as observed
    assert result.weighted_valid == pytest.approx(w.sum())
    assert result.effective_valid == pytest.approx(w.sum() ** 2 / (w * w).sum())


def test_weighted_median_and_quartiles_by_hand() -> None:
    # weights 2, 1, 1, 6 of 10: cumulative shares 0,2 0,3 0,4 1,0
    # q1: the first value whose cumulative share reaches 0,25 -> 2; median (0,5) -> 4; q3 (0,75) -> 4
    result = stats({"zufr": [1.0, 2.0, 3.0, 4.0], W: [2.0, 1.0, 1.0, 6.0]}, "zufr").descriptives
    assert (result.q1, result.median, result.q3) == (2.0, 4.0, 4.0)
    # unweighted the median would be 2,5
    assert stats({"zufr": [1.0, 2.0, 3.0, 4.0]}, "zufr").descriptives.median == 2.5


def test_weighted_sd_of_one_value_is_none() -> None:
    result = stats({"zufr": [3.0, NAN], W: [2.0, 1.0]}, "zufr").descriptives
    assert (result.mean, result.sd, result.valid) == (3.0, None, 1)


# Multiple-response sets

M1, M2 = "massnahmen/1", "massnahmen/2"


def test_weighted_multiple_set_shares_by_hand() -> None:
    data = {
        #     0    1    2    3    4
        M1: [1.0, 0.0, 1.0, NAN, 1.0],
        M2: [1.0, 1.0, 0.0, NAN, 0.0],
        W: [2.0, 1.0, 0.5, 7.0, 1.5],
    }
    table = stats(data, "massnahmen").multiple
    assert table is not None
    # answered: rows 0, 1, 2, 4 -> Σw = 5; Energie 2 + 0,5 + 1,5 = 4; Mobilität 2 + 1 = 3; mentions 7
    assert [(row.label, row.count) for row in table.rows] == [("Energie", 3), ("Mobilität", 2)]
    assert [row.share for row in table.rows] == pytest.approx([4 / 5, 3 / 5])
    assert [row.share_of_mentions for row in table.rows] == pytest.approx([4 / 7, 3 / 7])
    assert (table.base, table.missing, table.mentions) == (4, 1, 5)
    assert table.weighted_base == pytest.approx(5.0)
    assert table.effective_base == pytest.approx(25 / (4 + 1 + 0.25 + 2.25))


# All weights 1: exactly the unweighted results


def without_weighted_fields(result: QuestionStats) -> QuestionStats:
    frequencies = dataclasses.replace(result.frequencies, weighted_valid=None, effective_valid=None)
    descriptives = dataclasses.replace(result.descriptives, weighted_valid=None, effective_valid=None)
    descriptives = dataclasses.replace(descriptives, median=None, q1=None, q3=None)  # see the test after next
    multiple = result.multiple and dataclasses.replace(result.multiple, weighted_base=None, effective_base=None)
    return dataclasses.replace(result, frequencies=frequencies, descriptives=descriptives, multiple=multiple)


@pytest.mark.parametrize(
    ("question", "data"),
    [
        ("branche", {"branche": BRANCHE}),
        ("zufr", {"zufr": [1.0, 2.0, 2.0, 3.0, 5.0, NAN, 4.0]}),
        ("beschaeftigte", {"beschaeftigte": [5.0, 20.0, NAN, 60.0, 8.0, 9.0]}),
        ("massnahmen", {M1: [1.0, 0.0, NAN, 1.0], M2: [1.0, 1.0, NAN, 0.0]}),
    ],
)
def test_weights_of_one_change_nothing(question: str, data: dict[str, list[float]]) -> None:
    size = len(next(iter(data.values())))
    plain = stats(data, question)
    weighted = stats({**data, W: [1.0] * size}, question)
    assert without_weighted_fields(weighted) == without_weighted_fields(plain)
    assert weighted.effective_base == plain.effective_base == float(plain.base[0])
    assert weighted.weighted_base == (float(plain.base[0]), float(plain.base[0]))


def test_weights_of_one_give_the_same_mean_and_sd_exactly() -> None:
    values = [1.0, 2.0, 2.0, 3.0, 5.0, NAN, 4.0]
    plain = stats({"zufr": values}, "zufr").descriptives
    weighted = stats({"zufr": values, W: [1.0] * 7}, "zufr").descriptives
    # 17 / 6; SD² = (1,833² + 0,833² · 2 + 0,167² + 2,167² + 1,167²) / 5
    assert plain.mean == pytest.approx(17 / 6) and weighted.mean == plain.mean
    assert weighted.sd == plain.sd == pytest.approx(math.sqrt(sum((x - 17 / 6) ** 2 for x in [1, 2, 2, 3, 5, 4]) / 5))


def test_with_a_weight_quartiles_are_those_of_the_weighted_distribution_even_for_equal_weights() -> None:
    values = [1.0, 2.0, 2.0, 3.0, 5.0, NAN, 4.0]
    # the documented convention: the smallest value whose cumulative share of the weight reaches the level.
    # Sorted 1, 2, 2, 3, 4, 5 with shares 1/6 each: 0,25 is reached at 2 (2/6), 0,5 at 2 (3/6), 0,75 at 4 (5/6) —
    # not pandas' interpolated 2, 2,5 and 3,75 of the unweighted case
    weighted = stats({"zufr": values, W: [1.0] * 7}, "zufr").descriptives
    assert (weighted.q1, weighted.median, weighted.q3) == (2.0, 2.0, 4.0)
    plain = stats({"zufr": values}, "zufr").descriptives
    assert (plain.q1, plain.median, plain.q3) == (2.0, 2.5, 3.75)


# Breakdowns with a weight: letters and χ² from Kish's effective n


def weighted_online_by_export(weighted: bool) -> pd.DataFrame:
    """40 exporters (24 online) and 40 others (14 online); in each of the four groups half weigh 1, half 9, so the
    weighted shares equal the raw ones (0,60 and 0,35) while Kish's n of each segment is 200² / 1640 = 24,39."""
    records = []
    for export, online, count in ((1, 1, 24), (1, 0, 16), (0, 1, 14), (0, 0, 26)):
        for number in range(count):
            records.append({"export": float(export), "online": float(online), W: 1.0 if number % 2 else 9.0})
    data = pd.DataFrame.from_records(records)
    return data if weighted else data.drop(columns=W)


def run(data: pd.DataFrame, question: str, by: str, **rules: object) -> Breakdown:
    return breakdown(SubgroupStats(Q, Respondents(data)), Q[question], by, None, AnalysisRules(**rules))


def z_p(p1: float, n1: float, p2: float, n2: float) -> float:
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * float(scipy.stats.norm.sf(abs(z)))


KISH = 200**2 / (20 * 1 + 20 * 81)  # Σw = 20·1 + 20·9 = 200; Σw² = 20·1 + 20·81 = 1640


def test_weighted_letters_use_the_effective_n() -> None:
    assert z_p(0.6, 40, 0.35, 40) < 0.05  # the raw n would give a letter …
    assert z_p(0.6, KISH, 0.35, KISH) > 0.05  # … Kish's n does not

    plain = run(weighted_online_by_export(False), "online", "export")
    assert plain.rows[0].letters == ("", "B", "")

    result = run(weighted_online_by_export(True), "online", "export")
    assert result.rows[0].label == "Ja"
    assert result.rows[0].shares == pytest.approx((38 / 80, 0.6, 0.35))  # total: (120 + 70) / 400 = 0,475
    assert result.rows[0].counts == (38, 24, 14)  # counts unweighted
    assert result.rows[0].letters == ("", "", "")
    assert [(c.base, c.weighted_base, c.effective_base) for c in result.columns[1:]] == [
        (40, pytest.approx(200.0), pytest.approx(KISH)),
        (40, pytest.approx(200.0), pytest.approx(KISH)),
    ]
    assert result.columns[0].effective_base == pytest.approx(400**2 / 3280)


def test_weighted_chi_square_uses_shares_times_effective_n() -> None:
    result = run(weighted_online_by_export(True), "online", "export")
    table = np.array([[0.6 * KISH, 0.35 * KISH], [0.4 * KISH, 0.65 * KISH]])
    expected = scipy.stats.chi2_contingency(table, correction=False)
    rows, columns, total = table.sum(axis=1), table.sum(axis=0), table.sum()
    by_hand = sum(
        (table[i, j] - rows[i] * columns[j] / total) ** 2 / (rows[i] * columns[j] / total)
        for i in range(2)
        for j in range(2)
    )
    assert result.table_test is not None
    assert result.table_test.statistic == pytest.approx(by_hand, rel=1e-9)
    assert result.table_test.p == pytest.approx(float(expected.pvalue), rel=1e-9)
    # the raw counts would give a larger χ²
    assert scipy.stats.chi2_contingency([[24, 14], [16, 26]], correction=False).statistic > by_hand


def test_weighted_mean_test_uses_effective_n() -> None:
    ja = [5.0, 4.0, 4.0, 3.0, 5.0, 4.0]
    nein = [2.0, 3.0, 1.0, 4.0, 3.0, 2.0, 3.0]
    w_ja = [1.0, 2.0, 1.0, 3.0, 1.0, 0.5]
    w_nein = [2.0, 1.0, 1.0, 1.0, 4.0, 1.0, 0.5]
    data = pd.DataFrame({"export": [1.0] * 6 + [0.0] * 7, "zufr": ja + nein, W: w_ja + w_nein})
    result = run(data, "zufr", "export", min_base=2)
    a = DescrStatsW(np.array(ja), weights=np.array(w_ja) * 6 / sum(w_ja), ddof=1)
    b = DescrStatsW(np.array(nein), weights=np.array(w_nein) * 7 / sum(w_nein), ddof=1)
    n_a = sum(w_ja) ** 2 / sum(w * w for w in w_ja)
    n_b = sum(w_nein) ** 2 / sum(w * w for w in w_nein)
    expected = scipy.stats.ttest_ind_from_stats(a.mean, a.std, n_a, b.mean, b.std, n_b, equal_var=False)
    assert result.mean is not None and result.mean_test is not None
    assert result.mean.means[1:] == pytest.approx((a.mean, b.mean), rel=1e-12)
    assert result.mean.sds[1:] == pytest.approx((a.std, b.std), rel=1e-12)
    assert result.mean_test.statistic == pytest.approx(float(expected.statistic), rel=1e-9)
    assert result.mean_test.p == pytest.approx(float(expected.pvalue), rel=1e-9)


def test_weights_of_one_give_the_unweighted_breakdown() -> None:
    plain_data = weighted_online_by_export(False)
    ones = plain_data.assign(**{W: 1.0})
    plain, weighted = run(plain_data, "online", "export"), run(ones, "online", "export")
    assert [row.shares for row in weighted.rows] == [row.shares for row in plain.rows]
    assert [row.letters for row in weighted.rows] == [row.letters for row in plain.rows]
    assert weighted.table_test == plain.table_test
    assert [c.effective_base for c in weighted.columns] == [80.0, 40.0, 40.0]
    assert [c.effective_base for c in plain.columns] == [None, None, None]
