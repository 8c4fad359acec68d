"""Inference against hand arithmetic (each formula written out below) and against independent libraries
(scipy.stats on raw data, statsmodels). Nothing here was copied from the module's output."""

from __future__ import annotations

import math
import statistics
from random import Random
from statistics import NormalDist

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import DescrStatsW

from reportgen.inference import (
    TestResult,
    anova,
    chi_square,
    column_letter,
    effective_n,
    mean_interval,
    mean_letters,
    proportion_letters,
    two_proportion_z,
    weighted_mean_sd,
    weighted_share,
    welch_t,
    wilson_interval,
)

Z95 = NormalDist().inv_cdf(0.975)  # 1.95996…, from the standard library rather than scipy


def no_result(result: TestResult) -> bool:
    return math.isnan(result.statistic) and math.isnan(result.p) and result.df == ()


# Weights


def test_effective_n_is_kish() -> None:
    # (Σw)² / Σw² = (1+1+2+4)² / (1+1+4+16) = 64 / 22
    assert effective_n(np.array([1.0, 1.0, 2.0, 4.0])) == pytest.approx(64 / 22)
    # equal weights: the number of respondents, 9² / 27 = 3
    assert effective_n(np.array([3.0, 3.0, 3.0])) == pytest.approx(3.0)


@pytest.mark.parametrize("weights", [np.array([]), np.array([0.0, 0.0])])
def test_effective_n_without_weight_is_zero(weights: np.ndarray) -> None:
    assert effective_n(weights) == 0.0


def test_weighted_share() -> None:
    selected = np.array([True, False, True, False])
    # (1 + 3) / (1 + 2 + 3 + 4)
    assert weighted_share(selected, np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(0.4)
    assert weighted_share(selected, None) == 0.5


@pytest.mark.parametrize(
    ("selected", "weights"),
    [(np.array([], dtype=bool), None), (np.array([], dtype=bool), np.array([])), (np.array([True]), np.array([0.0]))],
)
def test_weighted_share_of_nothing_is_nan(selected: np.ndarray, weights: np.ndarray | None) -> None:
    assert math.isnan(weighted_share(selected, weights))


def test_weighted_mean_sd_by_hand() -> None:
    # m = (1·2 + 2·4 + 1·6) / 4 = 4; Σw(x−m)² = 4 + 0 + 4 = 8; sd² = 8/4 · 3/2 = 3
    mean, sd = weighted_mean_sd(np.array([2.0, 4.0, 6.0]), np.array([1.0, 2.0, 1.0]))
    assert mean == pytest.approx(4.0)
    assert sd == pytest.approx(math.sqrt(3.0))


def test_weighted_mean_sd_without_weights_is_the_sample_sd() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    mean, sd = weighted_mean_sd(np.array(values), None)
    assert mean == pytest.approx(statistics.mean(values))
    assert sd == pytest.approx(statistics.stdev(values))


@pytest.mark.parametrize(
    ("values", "weights"),
    [
        ([2.0, 4.0, 6.0], [1.0, 2.0, 1.0]),
        ([1.0, 5.0, 5.0, 3.0, 2.0, 7.0], [0.4, 1.7, 0.9, 1.2, 2.5, 0.3]),
        ([10.0, 12.0], [3.0, 1.0]),
    ],
)
def test_weighted_mean_sd_agrees_with_statsmodels(values: list[float], weights: list[float]) -> None:
    w = np.array(weights)
    reference = DescrStatsW(np.array(values), weights=w * len(values) / w.sum(), ddof=1)
    mean, sd = weighted_mean_sd(np.array(values), w)
    assert mean == pytest.approx(reference.mean)
    assert sd == pytest.approx(reference.std)


def test_weighted_mean_sd_degenerate() -> None:
    mean, sd = weighted_mean_sd(np.array([7.0]), np.array([2.0]))
    assert mean == 7.0
    assert math.isnan(sd)
    assert all(math.isnan(value) for value in weighted_mean_sd(np.array([]), None))
    assert all(math.isnan(value) for value in weighted_mean_sd(np.array([1.0, 2.0]), np.array([0.0, 0.0])))


def test_weights_must_fit_the_values() -> None:
    with pytest.raises(ValueError, match="expected 3 weights"):
        weighted_mean_sd(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="negative"):
        weighted_share(np.array([True, False]), np.array([1.0, -1.0]))


positive_weights = st.lists(st.floats(0.1, 10.0), min_size=2, max_size=20)


@given(positive_weights, st.floats(0.01, 100.0), st.randoms(use_true_random=False))
def test_scaling_the_weights_changes_nothing(weights: list[float], factor: float, random: Random) -> None:
    values = np.array([random.uniform(-100, 100) for _ in weights])
    w = np.array(weights)
    scaled_mean, scaled_sd = weighted_mean_sd(values, w * factor)
    mean, sd = weighted_mean_sd(values, w)
    assert scaled_mean == pytest.approx(mean, rel=1e-9, abs=1e-9)
    assert scaled_sd == pytest.approx(sd, rel=1e-9, abs=1e-9)
    assert effective_n(w * factor) == pytest.approx(effective_n(w), rel=1e-9)


@given(st.lists(st.floats(-100.0, 100.0), min_size=2, max_size=20), st.floats(0.1, 10.0))
def test_equal_weights_give_the_unweighted_figures(values: list[float], weight: float) -> None:
    mean, sd = weighted_mean_sd(np.array(values), np.full(len(values), weight))
    assert mean == pytest.approx(statistics.mean(values), rel=1e-9, abs=1e-9)
    assert sd == pytest.approx(statistics.stdev(values), rel=1e-7, abs=1e-7)
    assert effective_n(np.full(len(values), weight)) == pytest.approx(len(values))


# Confidence intervals


def test_wilson_interval_by_formula() -> None:
    # centre (p + z²/2n) / (1 + z²/n), half-width z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)
    p, n, z = 0.3, 40, Z95
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert wilson_interval(p, n) == pytest.approx((centre - half, centre + half))


def test_wilson_interval_of_none_of_ten() -> None:
    # p = 0: the interval is [0, z² / (n + z²)] = [0, 3.8415 / 13.8415]
    low, high = wilson_interval(0.0, 10)
    assert low == 0.0
    assert high == pytest.approx(Z95**2 / (10 + Z95**2))
    assert high == pytest.approx(0.2775, abs=5e-5)


@pytest.mark.parametrize(
    ("count", "n", "confidence"), [(0, 10, 0.95), (3, 10, 0.95), (10, 10, 0.95), (57, 83, 0.9), (12, 25, 0.99)]
)
def test_wilson_interval_agrees_with_statsmodels(count: int, n: int, confidence: float) -> None:
    expected = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(count / n, n, confidence) == pytest.approx(expected, abs=1e-12)


def test_wilson_interval_takes_an_effective_n() -> None:
    narrow, wide = wilson_interval(0.5, 30.5), wilson_interval(0.5, 12.25)
    assert wide[0] < narrow[0] < 0.5 < narrow[1] < wide[1]


@pytest.mark.parametrize(("share", "n"), [(0.5, 0), (math.nan, 10), (0.5, math.nan)])
def test_wilson_interval_without_data_is_nan(share: float, n: float) -> None:
    assert all(math.isnan(end) for end in wilson_interval(share, n))


def test_wilson_interval_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="share"):
        wilson_interval(1.5, 10)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(0.5, 10, 95)


def test_mean_interval_by_the_t_table() -> None:
    # mean ± t(3; 0.975) · sd / √n = 10 ± 3.182 · 2 / 2 (t from the printed table, three decimals)
    low, high = mean_interval(10.0, 2.0, 4)
    assert low == pytest.approx(10 - 3.182, abs=5e-4)
    assert high == pytest.approx(10 + 3.182, abs=5e-4)


def test_mean_interval_agrees_with_statsmodels() -> None:
    values = np.array([3.0, 4.0, 4.0, 5.0, 2.0, 5.0, 1.0])
    mean, sd = weighted_mean_sd(values, None)
    expected = DescrStatsW(values).tconfint_mean(alpha=0.1)
    assert mean_interval(mean, sd, len(values), 0.9) == pytest.approx(expected)


@pytest.mark.parametrize(("mean", "sd", "n"), [(3.0, 1.0, 1), (3.0, math.nan, 5), (math.nan, 1.0, 5)])
def test_mean_interval_without_data_is_nan(mean: float, sd: float, n: float) -> None:
    assert all(math.isnan(end) for end in mean_interval(mean, sd, n))


# Tests of two groups


def test_two_proportion_z_by_hand() -> None:
    # pooled p = (60 + 40) / 200 = 0.5; se = √(0.5 · 0.5 · (1/100 + 1/100)) = √0.005; z = 0.2 / √0.005 = 2√2
    result = two_proportion_z(0.6, 100, 0.4, 100)
    assert result.statistic == pytest.approx(2 * math.sqrt(2))
    assert result.p == pytest.approx(2 * (1 - NormalDist().cdf(2 * math.sqrt(2))))
    assert result.df == ()
    assert two_proportion_z(0.4, 100, 0.6, 100).statistic == pytest.approx(-2 * math.sqrt(2))


@pytest.mark.parametrize(
    ("count1", "n1", "count2", "n2"),
    # the last: z ≈ 35.8, p ≈ 2.5e-280, where 2·(1 − Φ(|z|)) would round to 0
    [(30, 50, 45, 60), (3, 12, 9, 11), (70, 200, 20, 80), (900, 1000, 100, 1000)],
)
def test_two_proportion_z_agrees_with_statsmodels(count1: int, n1: int, count2: int, n2: int) -> None:
    z, p = proportions_ztest(np.array([count1, count2]), np.array([n1, n2]))
    result = two_proportion_z(count1 / n1, n1, count2 / n2, n2)
    assert result.statistic == pytest.approx(z)
    assert result.p == pytest.approx(p, rel=1e-9)
    assert result.p > 0


@pytest.mark.parametrize(
    "arguments",
    [(0.0, 50, 0.0, 60), (1.0, 50, 1.0, 60), (0.5, 1, 0.2, 60), (0.5, 50, 0.2, 1.5), (math.nan, 50, 0.2, 60)],
)
def test_two_proportion_z_degenerate(arguments: tuple[float, float, float, float]) -> None:
    assert no_result(two_proportion_z(*arguments))


def test_welch_t_by_hand() -> None:
    # a = 1..5: mean 3, s² = 2.5; b = 2, 4, …, 12: mean 7, s² = 70/5 = 14
    # t = (3 − 7) / √(2.5/5 + 14/6); df = (0.5 + 7/3)² / (0.5²/4 + (7/3)²/5)
    result = welch_t(3.0, math.sqrt(2.5), 5, 7.0, math.sqrt(14.0), 6)
    assert result.statistic == pytest.approx(-4 / math.sqrt(0.5 + 7 / 3))
    assert result.df == pytest.approx(((0.5 + 7 / 3) ** 2 / (0.25 / 4 + (7 / 3) ** 2 / 5),))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1, 2, 3, 4, 5], [2, 4, 6, 8, 10, 12]),
        ([3.1, 2.7, 3.3, 2.9], [4.0, 4.4, 3.1, 5.2, 4.8, 3.9, 4.1]),
        ([5, 5, 5, 4], [1, 2]),
    ],
)
def test_welch_t_agrees_with_scipy_on_raw_data(a: list[float], b: list[float]) -> None:
    reference = scipy.stats.ttest_ind(a, b, equal_var=False)
    result = welch_t(statistics.mean(a), statistics.stdev(a), len(a), statistics.mean(b), statistics.stdev(b), len(b))
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.p == pytest.approx(reference.pvalue)
    assert result.df == pytest.approx((reference.df,))


def test_welch_t_with_one_constant_group() -> None:
    # v1 = 0: t = (5 − 3) / √(4/10), df = n2 − 1 = 9
    result = welch_t(5.0, 0.0, 8, 3.0, 2.0, 10)
    assert result.statistic == pytest.approx(2 / math.sqrt(0.4))
    assert result.df == pytest.approx((9.0,))


@pytest.mark.parametrize(
    "arguments",
    [(5.0, 0.0, 8, 3.0, 0.0, 10), (5.0, 1.0, 1, 3.0, 2.0, 10), (5.0, math.nan, 8, 3.0, 2.0, 10)],
)
def test_welch_t_degenerate(arguments: tuple[float, ...]) -> None:
    assert no_result(welch_t(*arguments))


# Tests of several groups


def test_anova_by_hand() -> None:
    # groups 1–3, 4–6, 7–9: means 2, 5, 8; sd 1; n 3. Grand mean 5. SSB = 3·(9 + 0 + 9) = 54, SSW = 3 · 2 · 1 = 6.
    # F = (54/2) / (6/6) = 27. With df1 = 2 the F tail is (1 + 2F/df2)^(−df2/2) = (1 + 9)^−3 = 0.001.
    result = anova([2.0, 5.0, 8.0], [1.0, 1.0, 1.0], [3, 3, 3])
    assert result.statistic == pytest.approx(27.0)
    assert result.df == (2.0, 6.0)
    assert result.p == pytest.approx(0.001)


def test_anova_agrees_with_scipy_on_raw_data() -> None:
    groups = [[4.0, 5.0, 3.0, 4.0], [2.0, 3.0, 3.0, 1.0, 2.0, 4.0], [5.0, 5.0, 4.0]]
    reference = scipy.stats.f_oneway(*groups)
    result = anova(
        [statistics.mean(g) for g in groups], [statistics.stdev(g) for g in groups], [len(g) for g in groups]
    )
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.p == pytest.approx(reference.pvalue)
    assert result.df == (2.0, 10.0)


def test_anova_of_two_groups_is_the_pooled_t_test_squared() -> None:
    a, b = [1.0, 2.0, 4.0, 6.0], [3.0, 5.0, 6.0, 7.0, 9.0]
    t = scipy.stats.ttest_ind(a, b)
    result = anova([statistics.mean(a), statistics.mean(b)], [statistics.stdev(a), statistics.stdev(b)], [4, 5])
    assert result.statistic == pytest.approx(t.statistic**2)
    assert result.p == pytest.approx(t.pvalue)


@pytest.mark.parametrize(
    ("means", "sds", "ns"),
    [
        ([2.0], [1.0], [5]),
        ([2.0, 3.0], [0.0, 0.0], [5, 5]),
        ([2.0, 3.0], [1.0, 1.0], [5, 1]),
        ([2.0, 3.0], [1.0, math.nan], [5, 5]),
        ([], [], []),
    ],
)
def test_anova_degenerate(means: list[float], sds: list[float], ns: list[float]) -> None:
    assert no_result(anova(means, sds, ns))


def test_chi_square_by_hand() -> None:
    # rows 30, 70; columns 40, 60; N 100. Expected 12, 18 / 28, 42; every cell is off by 2:
    # χ² = 4/12 + 4/18 + 4/28 + 4/42 = 200/252 = 50/63, df 1, p = P(|Z| > √χ²) = erfc(√(χ²/2))
    result = chi_square(np.array([[10, 20], [30, 40]]))
    assert result.statistic == pytest.approx(50 / 63)
    assert result.df == (1.0,)
    assert result.p == pytest.approx(math.erfc(math.sqrt(50 / 63 / 2)))
    assert result.small_expected == 0.0


def test_chi_square_counts_small_expected_cells() -> None:
    # rows 3, 7; columns 4, 6; N 10: expected 1.2, 1.8 / 2.8, 4.2 — all below 5
    assert chi_square(np.array([[1, 2], [3, 4]])).small_expected == 1.0
    # rows 30, 12; columns 21, 21; N 42: expected 15, 15 / 6, 6 — none below 5
    assert chi_square(np.array([[20, 10], [1, 11]])).small_expected == 0.0
    # rows 45, 7 and columns 26, 26, N 52: expected 22.5, 22.5 / 3.5, 3.5 — half the cells
    assert chi_square(np.array([[20, 25], [6, 1]])).small_expected == 0.5


def test_chi_square_drops_empty_rows_and_columns() -> None:
    padded = chi_square(np.array([[10, 0, 20], [0, 0, 0], [30, 0, 40]]))
    assert padded == chi_square(np.array([[10, 20], [30, 40]]))


def test_chi_square_agrees_with_statsmodels() -> None:
    table = np.array([[12.5, 7.0, 3.2, 9.0], [4.0, 11.0, 8.6, 2.0], [6.0, 5.5, 10.0, 7.3]])
    reference = Table(table).test_nominal_association()
    result = chi_square(table)
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.df == (float(reference.df),)
    assert result.p == pytest.approx(reference.pvalue)


@given(st.lists(st.lists(st.integers(min_value=1, max_value=500), min_size=3, max_size=3), min_size=2, max_size=5))
def test_chi_square_agrees_with_scipy(counts: list[list[int]]) -> None:
    statistic, p, dof, expected = scipy.stats.chi2_contingency(np.array(counts), correction=False)
    result = chi_square(np.array(counts))
    assert result.statistic == pytest.approx(statistic, rel=1e-9, abs=1e-12)
    assert result.df == (float(dof),)
    assert result.p == pytest.approx(p, rel=1e-9, abs=1e-12)
    assert result.small_expected == pytest.approx(float((expected < 5).mean()))


@pytest.mark.parametrize(
    "counts",
    [[[10, 20, 30]], [[10], [20]], [[10, 0], [20, 0]], [[0, 0], [0, 0]], [[1.0, math.nan], [2.0, 3.0]]],
)
def test_chi_square_degenerate(counts: list[list[float]]) -> None:
    result = chi_square(np.array(counts))
    assert no_result(result)
    assert result.small_expected == 0.0


# Significance letters


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (702, "AAA")]
)
def test_column_letter(index: int, letter: str) -> None:
    assert column_letter(index) == letter


def test_column_letters_are_distinct_and_ordered_like_a_spreadsheet() -> None:
    letters = [column_letter(index) for index in range(1000)]
    assert len(set(letters)) == 1000
    assert letters == sorted(letters, key=lambda text: (len(text), text))


def test_column_letter_refuses_a_negative_index() -> None:
    with pytest.raises(ValueError, match="-1"):
        column_letter(-1)


def test_proportion_letters_name_the_lower_columns() -> None:
    # 0.9 vs 0.5 (n 100 each): pooled 0.7, se = √(0.21 · 0.02) = 0.0648, z = 6.2; 0.5 vs 0.1 likewise; 0.9 vs 0.1
    # larger still: A > B, A > C, B > C.
    assert proportion_letters([0.9, 0.5, 0.1], [100, 100, 100], (0.05,)) == ("BC", "C", "")
    assert proportion_letters([0.1, 0.5, 0.9], [100, 100, 100], (0.05,)) == ("", "A", "AB")


# A: 0.60, B: 0.40, C: 0.55, n 100 each.
# A vs B: z = 2√2 = 2.83, p = 0.0047 (below 0.01).
# C vs B: pooled 0.475, se = √(0.475 · 0.525 · 0.02) = 0.0706, z = 0.15 / 0.0706 = 2.12, p = 0.034 (0.01 … 0.05).
# A vs C: pooled 0.575, se = √(0.575 · 0.425 · 0.02) = 0.0699, z = 0.05 / 0.0699 = 0.72, p = 0.47.
BORDERLINE = ([0.60, 0.40, 0.55], [100, 100, 100])


def test_two_alpha_levels_give_upper_and_lower_case() -> None:
    assert proportion_letters(*BORDERLINE, (0.01, 0.05)) == ("B", "", "b")
    assert proportion_letters(*BORDERLINE, (0.05,)) == ("B", "", "B")
    assert proportion_letters(*BORDERLINE, (0.001, 0.01)) == ("b", "", "")


def test_a_p_just_above_alpha_gives_no_letter() -> None:
    # 0.55 vs 0.42, n 100 each: pooled 0.485, se = √(0.485 · 0.515 · 0.02) = 0.0707, z = 0.13 / 0.0707 = 1.84,
    # p = 0.066: not below 0.05, below 0.1
    shares, ns = [0.55, 0.42], [100, 100]
    assert proportion_letters(shares, ns, (0.05,)) == ("", "")
    assert proportion_letters(shares, ns, (0.1,)) == ("B", "")
    assert proportion_letters(shares, ns, (0.05, 0.1)) == ("b", "")


def test_bonferroni_multiplies_by_the_number_of_pairs() -> None:
    # three pairs: C vs B 3 · 0.034 = 0.10 is gone; A vs B 3 · 0.0047 = 0.014 is no longer below 0.01
    assert proportion_letters(*BORDERLINE, (0.05,), bonferroni=True) == ("B", "", "")
    assert proportion_letters(*BORDERLINE, (0.01, 0.05), bonferroni=True) == ("b", "", "")


def test_a_small_column_is_neither_tested_nor_lettered() -> None:
    # C (n 20) is 0.0 against A's 0.9: far apart, but below min_n 30 it takes no part
    shares, ns = [0.9, 0.1, 0.0], [100, 100, 20]
    assert proportion_letters(shares, ns, (0.05,)) == ("BC", "", "")
    assert proportion_letters(shares, ns, (0.05,), min_n=30) == ("B", "", "")
    assert proportion_letters([0.0, 0.9, 0.1], [20, 100, 100], (0.05,), min_n=30) == ("", "C", "")


def test_bonferroni_counts_only_the_testable_columns() -> None:
    # A vs B has p = 0.034 (see BORDERLINE). With C below min_n there is one pair, so p stays 0.034;
    # with C tested there are three and 3 · 0.034 > 0.05.
    shares, ns = [0.55, 0.40, 0.50], [100, 100, 10]
    assert proportion_letters(shares, ns, (0.05,), bonferroni=True, min_n=30) == ("B", "", "")
    assert proportion_letters(shares, ns, (0.05,), bonferroni=True) == ("", "", "")


def test_a_missing_share_is_neither_tested_nor_lettered() -> None:
    assert proportion_letters([0.9, math.nan, 0.1], [100, 100, 100], (0.05,)) == ("C", "", "")
    assert proportion_letters([0.9, 0.5, 0.1], [100, math.nan, 100], (0.05,)) == ("C", "", "")


def test_a_pooled_share_of_zero_gives_no_letter() -> None:
    assert proportion_letters([0.0, 0.0], [100, 100], (0.05,)) == ("", "")


def test_mean_letters() -> None:
    # means 5, 4, 3 with sd 1 and n 50: neighbours differ by t = 1 / √(1/50 + 1/50) = 5, far beyond any alpha
    assert mean_letters([5.0, 4.0, 3.0], [1.0, 1.0, 1.0], [50, 50, 50], (0.05,)) == ("BC", "C", "")
    assert mean_letters([3.0, 5.0], [1.0, 1.0], [50, 50], (0.05,)) == ("", "A")


def test_mean_letters_two_levels_and_small_bases() -> None:
    # A vs B: t = 0.5 / √(1/50 + 1/50) = 2.5, df ≈ 98, p ≈ 0.014 (between 0.01 and 0.05); C has n 1
    assert mean_letters([3.5, 3.0, 9.0], [1.0, 1.0, math.nan], [50, 50, 1], (0.01, 0.05)) == ("b", "", "")
    assert mean_letters([3.5, 3.0, 9.0], [1.0, 1.0, 0.0], [50, 50, 4], (0.01, 0.05), min_n=5) == ("b", "", "")


@pytest.mark.parametrize("alphas", [(), (0.05, 0.01), (0.01, 0.05, 0.1), (0.0,), (1.5,)])
def test_letters_refuse_bad_alphas(alphas: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="alpha"):
        proportion_letters([0.5, 0.4], [100, 100], alphas)


def lettered_pairs(letters: tuple[str, ...]) -> set[tuple[int, int]]:
    """(higher, lower) for every letter: column indexes, case ignored (fewer than 27 columns)."""
    return {(higher, ord(letter.upper()) - ord("A")) for higher, text in enumerate(letters) for letter in text}


columns = st.integers(2, 6)
Proportions = tuple[list[float], list[float]]  # shares, ns
Means = tuple[list[float], list[float], list[float]]  # means, sds, ns
Alphas = tuple[float, ...]
alpha_levels = st.sampled_from([(0.05,), (0.01, 0.05), (0.001, 0.1)])


@st.composite
def proportion_tables(draw: st.DrawFn) -> Proportions:
    k = draw(columns)
    shares = draw(st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k))
    ns = draw(st.lists(st.floats(1.0, 400.0), min_size=k, max_size=k))
    return shares, ns


@st.composite
def mean_tables(draw: st.DrawFn) -> Means:
    k = draw(columns)
    means = draw(st.lists(st.floats(1.0, 5.0), min_size=k, max_size=k))
    sds = draw(st.lists(st.floats(0.0, 2.0), min_size=k, max_size=k))
    ns = draw(st.lists(st.floats(1.0, 200.0), min_size=k, max_size=k))
    return means, sds, ns


def assert_antisymmetric(letters: tuple[str, ...]) -> None:
    pairs = lettered_pairs(letters)
    assert not any((lower, higher) in pairs for higher, lower in pairs)


def assert_weaker(corrected: tuple[str, ...], plain: tuple[str, ...]) -> None:
    """Every corrected letter is also a plain letter, and upper case only where the plain one is."""
    for fewer, more in zip(corrected, plain, strict=True):
        assert set(fewer.upper()) <= set(more.upper())
        assert set(letter for letter in fewer if letter.isupper()) <= set(more)


@given(proportion_tables(), alpha_levels, st.booleans())
def test_proportion_letters_are_antisymmetric(table: Proportions, alphas: Alphas, bonferroni: bool) -> None:
    assert_antisymmetric(proportion_letters(*table, alphas, bonferroni=bonferroni))


@given(mean_tables(), alpha_levels, st.booleans())
def test_mean_letters_are_antisymmetric(table: Means, alphas: Alphas, bonferroni: bool) -> None:
    assert_antisymmetric(mean_letters(*table, alphas, bonferroni=bonferroni))


@given(proportion_tables(), alpha_levels)
def test_bonferroni_never_adds_a_proportion_letter(table: Proportions, alphas: Alphas) -> None:
    assert_weaker(proportion_letters(*table, alphas, bonferroni=True), proportion_letters(*table, alphas))


@given(mean_tables(), alpha_levels)
def test_bonferroni_never_adds_a_mean_letter(table: Means, alphas: Alphas) -> None:
    assert_weaker(mean_letters(*table, alphas, bonferroni=True), mean_letters(*table, alphas))


@given(proportion_tables(), st.floats(2.0, 300.0))
def test_letters_only_go_to_columns_with_a_sufficient_base(table: Proportions, min_n: float) -> None:
    shares, ns = table
    letters = proportion_letters(shares, ns, (0.05,), min_n=min_n)
    for higher, lower in lettered_pairs(letters):
        assert ns[higher] >= min_n
        assert ns[lower] >= min_n
        assert shares[higher] > shares[lower]
