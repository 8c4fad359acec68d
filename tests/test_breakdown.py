"""Breakdowns against hand arithmetic (column shares, pooled z, χ² written out) and scipy.stats on the raw data
(ttest_ind, f_oneway, chi2_contingency). Nothing here was copied from the module's output."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from reportgen.breakdown import TOTAL, AnalysisRules, Breakdown, breakdown
from reportgen.codebook import Question, parse_codebook
from reportgen.microdata import Respondents
from reportgen.subgroup_stats import SubgroupStats
from reportgen.subgroups import SubgroupError

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
labels = { "1" = "gar nicht", "5" = "sehr" }

[beschaeftigte]
kind = "numeric"
text = "Wie viele Beschäftigte hat der Betrieb?"
label = "Beschäftigte"
bins = [0, 10, 50, 250]

[massnahmen]
kind = "multiple"
text = "Welche Maßnahmen setzen Sie um?"
label = "Maßnahmen"
options = [
    { column = "m1", label = "Energie" },
    { column = "m2", label = "Mobilität" },
    { column = "m3", label = "Abfall" },
]
"""

Q: dict[str, Question] = {question.id: question for question in parse_codebook(CODEBOOK, "codebuch.toml").questions}
NAN = math.nan


def repeat(*groups: tuple[int, Mapping[str, float]]) -> pd.DataFrame:
    """A frame of `count` identical respondents per group; columns a group leaves out are NaN."""
    records = [values for count, values in groups for _ in range(count)]
    return pd.DataFrame.from_records(records).astype(float).reset_index(drop=True)


def run(data: pd.DataFrame, question: str, by: str, where: object = None, **rules: object) -> Breakdown:
    return breakdown(SubgroupStats(Q, Respondents(data)), Q[question], by, where, AnalysisRules(**rules))


def pooled_z_p(x1: int, n1: float, x2: int, n2: float) -> tuple[float, float]:
    """Two-proportion z with the pooled share, two-sided p from the normal distribution."""
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return z, 2 * float(scipy.stats.norm.sf(abs(z)))


def pearson(table: Sequence[Sequence[float]]) -> float:
    """Pearson's χ² by hand: Σ (observed − expected)² / expected, expected = row total · column total / N."""
    rows = [sum(row) for row in table]
    columns = [sum(column) for column in zip(*table, strict=True)]
    total = sum(rows)
    return math.fsum(
        (table[i][j] - rows[i] * columns[j] / total) ** 2 / (rows[i] * columns[j] / total)
        for i in range(len(rows))
        for j in range(len(columns))
    )


# Branche by export: Ja 12/5/3 (+1 „weiß nicht“), Nein 6/9/10 (+1 without branche), 2 Handel without export.
MAIN = repeat(
    (12, {"export": 1, "branche": 1}),
    (5, {"export": 1, "branche": 2}),
    (3, {"export": 1, "branche": 3}),
    (1, {"export": 1, "branche": 9}),
    (6, {"export": 0, "branche": 1}),
    (9, {"export": 0, "branche": 2}),
    (10, {"export": 0, "branche": 3}),
    (1, {"export": 0}),
    (2, {"branche": 1}),
)


def test_columns_bases_and_unassigned() -> None:
    result = run(MAIN, "branche", "export")
    assert [(c.label, c.letter, c.base, c.missing) for c in result.columns] == [
        (TOTAL, "", 20 + 25 + 2, 2),  # valid: 12+5+3 + 6+9+10 + 2; missing: „weiß nicht“ and the empty one
        ("Ja", "A", 20, 1),
        ("Nein", "B", 25, 1),
    ]
    assert result.unassigned == 2  # the two Handel respondents without an answer to export
    assert [c.weighted_base for c in result.columns] == [None, None, None]
    assert result.tested == (False, True, True)
    assert result.question is Q["branche"] and result.by is Q["export"]


def test_counts_and_column_shares() -> None:
    result = run(MAIN, "branche", "export")
    assert [(row.label, row.code, row.counts) for row in result.rows] == [
        ("Handel", 1, (20, 12, 6)),
        ("Industrie", 2, (14, 5, 9)),
        ("Dienstleistung", 3, (13, 3, 10)),
    ]  # „weiß nicht“ is no row
    expected = [(20 / 47, 12 / 20, 6 / 25), (14 / 47, 5 / 20, 9 / 25), (13 / 47, 3 / 20, 10 / 25)]
    for row, shares in zip(result.rows, expected, strict=True):
        assert row.shares == pytest.approx(shares, rel=1e-12)
    assert result.mean is None and result.mean_test is None  # a single choice has no mean


def test_chi_square_over_the_segments() -> None:
    result = run(MAIN, "branche", "export")
    table = [[12, 6], [5, 9], [3, 10]]  # the segments only: neither the total nor the unassigned
    # expected counts: Handel 18·20/45 = 8 and 10; Industrie 14·20/45 = 6,22 and 7,78; Dienstleistung 5,78 and 7,22
    statistic = pearson(table)
    assert statistic == pytest.approx(
        (12 - 8) ** 2 / 8
        + (6 - 10) ** 2 / 10
        + (5 - 56 / 9) ** 2 / (56 / 9)
        + (9 - 70 / 9) ** 2 / (70 / 9)
        + (3 - 52 / 9) ** 2 / (52 / 9)
        + (10 - 65 / 9) ** 2 / (65 / 9)
    )
    assert result.table_test is not None
    assert result.table_test.statistic == pytest.approx(statistic, rel=1e-12)
    assert result.table_test.df == (2.0,)  # (3 − 1)(2 − 1)
    assert result.table_test.p == pytest.approx(float(scipy.stats.chi2.sf(statistic, 2)), rel=1e-9)
    assert result.table_test.small_expected == 0.0  # the smallest expected count is 52/9 = 5,78


def test_letters_from_pooled_z() -> None:
    z_handel, p_handel = pooled_z_p(12, 20, 6, 25)  # 0,60 vs 0,24: pooled 0,4; z = 0,36 / √(0,24 · 0,09) = 2,449
    _, p_industrie = pooled_z_p(5, 20, 9, 25)
    z_dienst, p_dienst = pooled_z_p(3, 20, 10, 25)
    assert z_handel == pytest.approx(0.36 / math.sqrt(0.24 * 0.09))
    assert 0.01 < p_handel < 0.05 and p_industrie > 0.1 and 0.05 < p_dienst < 0.1 and z_dienst < 0

    one_level = run(MAIN, "branche", "export")
    assert [row.letters for row in one_level.rows] == [("", "B", ""), ("", "", ""), ("", "", "")]

    two_levels = run(MAIN, "branche", "export", alphas=(0.01, 0.05))
    assert [row.letters for row in two_levels.rows] == [("", "b", ""), ("", "", ""), ("", "", "")]

    # at α = 0,10 Dienstleistung's difference counts too, for the higher column B
    loose = run(MAIN, "branche", "export", alphas=(0.1,))
    assert [row.letters for row in loose.rows] == [("", "B", ""), ("", "", ""), ("", "", "A")]


# Means: a scale by export (Welch's t) and by branche (one-way ANOVA)

JA = [5, 4, 4, 3, 5, 5, 4, 2, 5, 4, 3, 4]
NEIN = [2, 3, 1, 4, 3, 2, 3, 3, 1, 2, 4]
MEANS = pd.DataFrame(
    {
        "export": [1.0] * len(JA) + [0.0] * len(NEIN) + [1.0, NAN, NAN],
        "zufr": [float(x) for x in JA + NEIN] + [NAN, 5.0, 1.0],  # one Ja without zufr; two without export
        "branche": [1.0, 2.0, 3.0] * 4 + [1.0, 2.0, 3.0] * 3 + [1.0, 2.0, 1.0, 2.0, 3.0],
    }
)


def test_mean_row_and_welch_t() -> None:
    result = run(MEANS, "zufr", "export")
    assert result.mean is not None
    everyone = JA + NEIN + [5, 1]
    assert result.mean.means == pytest.approx((np.mean(everyone), np.mean(JA), np.mean(NEIN)), rel=1e-12)
    assert result.mean.sds == pytest.approx(
        (np.std(everyone, ddof=1), np.std(JA, ddof=1), np.std(NEIN, ddof=1)), rel=1e-12
    )
    welch = scipy.stats.ttest_ind(JA, NEIN, equal_var=False)
    assert welch.pvalue < 0.05  # 3,92 vs 2,55
    assert result.mean_test is not None
    assert result.mean_test.statistic == pytest.approx(float(welch.statistic), rel=1e-9)
    assert result.mean_test.p == pytest.approx(float(welch.pvalue), rel=1e-9)
    assert result.mean_test.df == pytest.approx((float(welch.df),), rel=1e-9)
    assert result.mean.letters == ("", "B", "")
    assert [c.base for c in result.columns] == [len(everyone), len(JA), len(NEIN)]
    assert result.unassigned == 2


def test_scale_rows_count_each_point() -> None:
    result = run(MEANS, "zufr", "export")
    # points 1–5 in Ja: 0, 1, 2, 5, 4; in Nein: 2, 3, 4, 2, 0
    assert [row.counts[1:] for row in result.rows] == [(0, 2), (1, 3), (2, 4), (5, 2), (4, 0)]
    assert result.rows[3].shares[1] == pytest.approx(5 / 12)


def test_anova_for_three_segments() -> None:
    result = run(MEANS, "zufr", "branche", min_base=2)
    zufr, branche = MEANS["zufr"], MEANS["branche"]
    groups = [zufr[(branche == code) & zufr.notna()].to_numpy() for code in (1.0, 2.0, 3.0)]
    expected = scipy.stats.f_oneway(*groups)
    assert result.mean_test is not None
    assert result.mean_test.statistic == pytest.approx(float(expected.statistic), rel=1e-9)
    assert result.mean_test.p == pytest.approx(float(expected.pvalue), rel=1e-9)
    n = sum(len(group) for group in groups)
    assert result.mean_test.df == (2.0, float(n - 3))
    assert [c.base for c in result.columns[1:]] == [len(group) for group in groups]


# Small bases: flagged and left out of the tests

SMALL = repeat(
    (10, {"branche": 1, "export": 1}),
    (5, {"branche": 1, "export": 0}),
    (3, {"branche": 2, "export": 1}),
    (9, {"branche": 2, "export": 0}),
    (4, {"branche": 3, "export": 1}),  # Dienstleistung: 4 of 4 export, but only 4 respondents
)


def test_min_base_flags_and_excludes_from_tests() -> None:
    result = run(SMALL, "export", "branche", min_base=10)
    assert [(c.label, c.base, c.small) for c in result.columns] == [
        (TOTAL, 31, False),
        ("Handel", 15, False),
        ("Industrie", 12, False),
        ("Dienstleistung", 4, True),
    ]
    assert result.tested == (False, True, True, False)
    # χ² over Handel and Industrie only: Ja 10 and 3, Nein 5 and 9
    assert result.table_test is not None
    expected = scipy.stats.chi2_contingency([[10, 3], [5, 9]], correction=False)
    assert result.table_test.statistic == pytest.approx(pearson([[10, 3], [5, 9]]), rel=1e-12)
    assert result.table_test.p == pytest.approx(float(expected.pvalue), rel=1e-9)
    # Ja: Handel 10/15 vs Industrie 3/12, z by hand; Dienstleistung's 100 % takes no part and gets no letter
    _, p = pooled_z_p(10, 15, 3, 12)
    assert p < 0.05
    ja = next(row for row in result.rows if row.label == "Ja")
    assert ja.letters == ("", "B", "", "")
    assert ja.shares[3] == 1.0
    nein = next(row for row in result.rows if row.label == "Nein")
    assert nein.letters == ("", "", "A", "")


def test_total_below_min_base_is_flagged() -> None:
    result = run(SMALL, "export", "branche", min_base=40)
    assert [c.small for c in result.columns] == [True, True, True, True]
    assert result.table_test is None  # no segment is tested
    assert all(letters == ("", "", "", "") for letters in (row.letters for row in result.rows))


def test_one_tested_segment_gives_no_table_test() -> None:
    result = run(SMALL, "export", "branche", min_base=13)  # only Handel (15) is tested
    assert result.tested == (False, True, False, False)
    assert result.table_test is None


# Suppression


def sized(handel: int, industrie: int, dienst: int) -> pd.DataFrame:
    """Respondents per branche, half of each exporting (rounded down)."""
    groups: list[tuple[int, Mapping[str, float]]] = []
    for code, size in ((1, handel), (2, industrie), (3, dienst)):
        groups += [(size // 2, {"branche": code, "export": 1}), (size - size // 2, {"branche": code, "export": 0})]
    return repeat(*groups)


def test_one_withheld_segment_withholds_the_next_smallest() -> None:
    # Industrie 3 < 5 is withheld; the total minus Handel would reveal it: Handel (8, smaller than 12) goes too
    result = run(sized(8, 3, 12), "export", "branche", suppress_below=5, min_base=2)
    assert [(c.base, c.suppressed) for c in result.columns] == [(23, False), (8, True), (3, True), (12, False)]
    assert result.tested == (False, False, False, True)
    assert result.table_test is None


def test_two_withheld_segments_withhold_no_third() -> None:
    result = run(sized(3, 4, 12), "export", "branche", suppress_below=5, min_base=2)
    assert [(c.base, c.suppressed) for c in result.columns] == [(19, False), (3, True), (4, True), (12, False)]


def test_nothing_withheld_at_the_threshold() -> None:
    result = run(sized(5, 6, 12), "export", "branche", suppress_below=5, min_base=2)
    assert [c.suppressed for c in result.columns] == [False, False, False, False]  # 5 is not below 5
    assert result.tested == (False, True, True, True)
    assert result.table_test is not None
    # Ja: 2, 3, 6 and Nein: 3, 3, 6 (half rounded down export)
    assert result.table_test.statistic == pytest.approx(pearson([[2, 3, 6], [3, 3, 6]]), rel=1e-12)


def test_withheld_segment_is_not_tested_even_with_a_big_difference() -> None:
    data = repeat(
        (4, {"branche": 1, "export": 1}),  # Handel: all export, but 4 < suppress_below
        (10, {"branche": 2, "export": 1}),
        (10, {"branche": 2, "export": 0}),
        (2, {"branche": 3, "export": 1}),
        (18, {"branche": 3, "export": 0}),
    )
    result = run(data, "export", "branche", suppress_below=5, min_base=2)
    # Handel withheld, then the smallest shown one (Industrie 20 and Dienstleistung 20 tie: either) — nothing tested
    assert result.columns[1].suppressed
    assert sum(c.suppressed for c in result.columns) == 2
    assert all("A" not in letters for row in result.rows for letters in row.letters)


# Multiple-response sets

M1, M2, M3 = "massnahmen/1", "massnahmen/2", "massnahmen/3"  # cell_sets.set_column
SETS = repeat(
    (6, {"export": 1, M1: 1, M2: 0, M3: 0}),
    (3, {"export": 1, M1: 0, M2: 1, M3: 0}),
    (1, {"export": 1, M1: 0, M2: 0, M3: 0}),
    (2, {"export": 1}),  # skipped the set: outside the base
    (2, {"export": 0, M1: 1, M2: 1, M3: 0}),
    (2, {"export": 0, M1: 0, M2: 1, M3: 1}),
    (4, {"export": 0, M1: 0, M2: 0, M3: 0}),
    (1, {"export": 0}),
    (1, {M1: 1, M2: 0, M3: 0}),  # no export: in the total only
)


def test_multiple_set_base_is_who_answered_it() -> None:
    result = run(SETS, "massnahmen", "export", min_base=5)
    assert [(c.base, c.missing) for c in result.columns] == [(10 + 8 + 1, 3), (10, 2), (8, 1)]
    assert [(row.label, row.counts) for row in result.rows] == [
        ("Energie", (9, 6, 2)),
        ("Mobilität", (7, 3, 4)),
        ("Abfall", (2, 0, 2)),
    ]
    expected = [(9 / 19, 6 / 10, 2 / 8), (7 / 19, 3 / 10, 4 / 8), (2 / 19, 0 / 10, 2 / 8)]
    for row, shares in zip(result.rows, expected, strict=True):
        assert row.shares == pytest.approx(shares, rel=1e-12)
    assert result.table_test is None  # no χ² for multiple responses
    assert result.mean is None
    assert result.unassigned == 1


def test_multiple_set_letters_use_the_set_base() -> None:
    # Energie: 6/10 vs 2/8 — p by hand ≈ 0,14, no letter at 0,05, but at 0,15
    _, p = pooled_z_p(6, 10, 2, 8)
    assert 0.1 < p < 0.15
    assert run(SETS, "massnahmen", "export", min_base=5).rows[0].letters == ("", "", "")
    assert run(SETS, "massnahmen", "export", min_base=5, alphas=(0.15,)).rows[0].letters == ("", "B", "")
    # with the skipped respondents wrongly in the base (12 and 9) the p would be different
    assert pooled_z_p(6, 12, 2, 9)[1] != pytest.approx(p)


# where and by together

WHERE_BY = pd.DataFrame(
    {
        #            0    1    2    3    4    5    6    7    8    9
        "branche": [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 3.0],
        "export": [1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, NAN, 0.0, 1.0],
        "zufr": [5.0, 4.0, 4.0, 2.0, 1.0, 1.0, 5.0, 3.0, NAN, 5.0],
    }
)


def test_where_and_by_together() -> None:
    # Handel: rows 0–4, 7, 8. zufr valid: Ja 5, 4, 4; Nein 2, 1 (row 8 missing); row 7 (3) has no export
    result = run(WHERE_BY, "zufr", "export", {"branche": "Handel"}, min_base=2)
    assert [(c.base, c.missing) for c in result.columns] == [(6, 1), (3, 0), (2, 1)]
    assert result.unassigned == 1
    assert [row.counts for row in result.rows] == [(1, 0, 1), (1, 0, 1), (1, 0, 0), (2, 2, 0), (1, 1, 0)]
    assert result.mean is not None
    assert result.mean.means == pytest.approx(((5 + 4 + 4 + 2 + 1 + 3) / 6, 13 / 3, 1.5))
    welch = scipy.stats.ttest_ind([5, 4, 4], [2, 1], equal_var=False)
    assert result.mean_test is not None
    assert result.mean_test.statistic == pytest.approx(float(welch.statistic), rel=1e-9)
    assert result.mean_test.p == pytest.approx(float(welch.pvalue), rel=1e-9)


def test_where_that_does_not_fit_raises() -> None:
    with pytest.raises(SubgroupError) as caught:
        run(WHERE_BY, "zufr", "export", {"branche": "Handwerk"})
    assert caught.value.message == "where: „branche“ hat keinen Code und kein Label „Handwerk“."


def test_unknown_by_raises() -> None:
    with pytest.raises(SubgroupError) as caught:
        run(WHERE_BY, "zufr", "exporte", None)
    assert caught.value.message == "by=: unbekannte Frage „exporte“."
    assert caught.value.hint == "Bekannte Fragen (Codebuch): branche, export, online, zufr, beschaeftigte, massnahmen."


def test_subgroup_stats_mask_and_size() -> None:
    subgroups = SubgroupStats(Q, Respondents(WHERE_BY))
    assert subgroups.size({"branche": "Handel"}) == 7
    assert subgroups.size(None) == 10
    assert subgroups.size({"export": 1, "branche": ["Handel", 3]}) == 4  # rows 0, 1, 2, 9
    stats = subgroups.stats(Q["zufr"], {"branche": "Handel"})
    assert stats.base == (6, 1)


def test_two_breakdowns_with_the_same_segment_labels() -> None:
    data = repeat(
        (3, {"branche": 1, "export": 1, "online": 0}),
        (2, {"branche": 2, "export": 1, "online": 1}),
        (1, {"branche": 3, "export": 0, "online": 1}),
        (4, {"branche": 3, "export": 0, "online": 0}),
    )
    subgroups = SubgroupStats(Q, Respondents(data))
    by_export = breakdown(subgroups, Q["branche"], "export", None, AnalysisRules(min_base=1))
    by_online = breakdown(subgroups, Q["branche"], "online", None, AnalysisRules(min_base=1))
    assert [c.base for c in by_export.columns] == [10, 5, 5]
    # online Ja: Industrie 2 + Dienstleistung 1 = 3; Nein: Handel 3 + Dienstleistung 4 = 7
    assert [c.base for c in by_online.columns] == [10, 3, 7]
    assert [row.counts for row in by_online.rows] == [(3, 0, 3), (2, 2, 0), (5, 1, 4)]


def test_breakdown_of_a_binned_numeric_item_with_decimals_in_one_segment() -> None:
    data = pd.DataFrame({"export": [1.0, 1.0, 1.0, 0.0, 0.0, 0.0], "beschaeftigte": [2.5, 20.0, 3.0, 4.0, 60.0, 300.0]})
    result = run(data, "beschaeftigte", "export", min_base=1)
    # classes [0, 10) [10, 50) [50, 250) [250, ∞): Ja 2.5, 3 | 20; Nein 4 | 60 | 300
    assert [row.counts for row in result.rows] == [(3, 2, 1), (1, 1, 0), (1, 0, 1), (1, 0, 1)]


def test_breakdown_of_a_binned_numeric_item_with_whole_numbers() -> None:
    data = pd.DataFrame(
        {"export": [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], "beschaeftigte": [2.0, 20.0, 3.0, 4.0, 60.0, 300.0, 9.0]}
    )
    result = run(data, "beschaeftigte", "export", min_base=1)
    assert [(row.label, row.counts) for row in result.rows] == [
        ("0–9", (4, 2, 2)),
        ("10–49", (1, 1, 0)),
        ("50–249", (1, 0, 1)),
        ("250 und mehr", (1, 0, 1)),
    ]
    assert result.mean is not None
    assert result.mean.means == pytest.approx((398 / 7, 25 / 3, 373 / 4))


def test_breakdown_by_binned_numeric_segments() -> None:
    data = pd.DataFrame({"export": [1.0, 1.0, 0.0, 0.0, 1.0, NAN], "beschaeftigte": [2.0, 20.0, 3.0, 40.0, 300.0, 5.0]})
    result = run(data, "export", "beschaeftigte", min_base=1)
    # 0–9: rows 0, 2, 5 (export 1, 0, NaN); 10–49: rows 1, 3; 50–249: none; 250+: row 4
    assert [(c.label, c.letter, c.base) for c in result.columns] == [
        (TOTAL, "", 5),
        ("0–9", "A", 2),
        ("10–49", "B", 2),
        ("50–249", "C", 0),
        ("250 und mehr", "D", 1),
    ]
    assert result.unassigned == 0  # every valid export answer has a class (row 5 has no export)
    assert result.rows[0].counts == (3, 1, 1, 0, 1)  # Ja
