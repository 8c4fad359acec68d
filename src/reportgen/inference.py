"""Inference on survey numbers: weights (Kish effective n, weighted shares, means and SDs), confidence intervals,
the significance tests of a breakdown (z, Welch t, ANOVA, χ²) and SPSS-style significance letters.

Pure functions over numbers and numpy arrays; scipy supplies the t, F and χ² distributions, the standard library
the normal one. Degenerate input (n < 2, no variance, a pooled share of 0 or 1, too few rows or columns) gives "no
result" (NaN), never an exception or a numpy warning; only programming errors (a share outside 0..1, a bad
confidence level, mismatched arrays) raise.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class TestResult:
    """One significance test: its statistic, degrees of freedom and two-sided p (NaN when it cannot be done)."""

    __test__ = False  # not a pytest test class, despite its name

    statistic: float  # z, t, F or χ²
    df: tuple[float, ...]  # () for z and for no result; (df,) for t and χ²; (df1, df2) for F
    p: float
    small_expected: float = 0.0  # χ² only: share of cells with expected count < 5 (0..1)


_NO_RESULT = TestResult(math.nan, (), math.nan)  # what a test gives when it cannot be done
# The normal distribution from the standard library: scipy.special, which the t, F and χ² distributions need,
# takes about 0.2 s to import, and a report with only shares and their intervals need not wait for it.
_NORMAL = statistics.NormalDist()


def _floats(array: npt.ArrayLike) -> npt.NDArray[np.float64]:
    import numpy as np  # loaded with the statistics, not with the CLI

    return np.asarray(array, dtype=np.float64)


def _weights(weights: npt.ArrayLike | None, size: int) -> npt.NDArray[np.float64]:
    """The weights as floats, ones when there are none."""
    import numpy as np

    if weights is None:
        return np.ones(size)
    result = _floats(weights)
    if result.shape != (size,):
        raise ValueError(f"expected {size} weights, got shape {result.shape}")
    if (result < 0).any():
        raise ValueError("weights must not be negative")
    return result


def effective_n(weights: npt.ArrayLike) -> float:
    """Kish's effective sample size (Σw)² / Σw²; 0 for no weights (or all zero)."""
    w = _floats(weights)
    squares = float((w * w).sum())
    return float(w.sum()) ** 2 / squares if squares > 0 else 0.0


def weighted_share(selected: npt.ArrayLike, weights: npt.ArrayLike | None) -> float:
    """The (weighted) share of True in a bool array; NaN when it is empty or carries no weight."""
    import numpy as np

    chosen = np.asarray(selected, dtype=bool)
    w = _weights(weights, chosen.size)
    total = float(w.sum())
    return float(w[chosen].sum()) / total if total > 0 else math.nan


def weighted_mean_sd(values: npt.ArrayLike, weights: npt.ArrayLike | None) -> tuple[float, float]:
    """Mean Σwx/Σw and SD √(Σw(x−m)²/Σw · n/(n−1)) with n the number of values (Stata's aweights): without
    weights the plain sample SD. NaN mean when nothing carries weight, NaN SD also when n < 2."""
    x = _floats(values)
    w = _weights(weights, x.size)
    total = float(w.sum())
    if total <= 0:
        return math.nan, math.nan
    mean = float((w * x).sum()) / total
    n = x.size
    if n < 2:
        return mean, math.nan
    variance = float((w * (x - mean) ** 2).sum()) / total * n / (n - 1)
    return mean, math.sqrt(variance)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")


def _check_share(share: float) -> None:
    if not (math.isnan(share) or 0 <= share <= 1):
        raise ValueError(f"a share lies between 0 and 1, got {share}")


def wilson_interval(share: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval for a share; (NaN, NaN) without a share or a base."""
    _check_confidence(confidence)
    _check_share(share)
    if not (math.isfinite(share) and math.isfinite(n) and n > 0):
        return math.nan, math.nan
    z = _NORMAL.inv_cdf(0.5 + confidence / 2)
    shrink = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / shrink
    half = z / shrink * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    # At a share of 0 (1) the lower (upper) end is exactly 0 (1); rounding would leave it a hair off, either way.
    low = 0.0 if share == 0 else max(0.0, centre - half)
    high = 1.0 if share == 1 else min(1.0, centre + half)
    return low, high


def mean_interval(mean: float, sd: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """The t interval mean ± t(n−1)·sd/√n; (NaN, NaN) for n < 2 or a missing mean or SD."""
    from scipy.special import stdtrit

    _check_confidence(confidence)
    if not (math.isfinite(mean) and math.isfinite(sd) and math.isfinite(n) and n >= 2):
        return math.nan, math.nan
    half = float(stdtrit(n - 1, 0.5 + confidence / 2)) * sd / math.sqrt(n)
    return mean - half, mean + half


def _finite(*numbers: float) -> bool:
    return all(math.isfinite(number) for number in numbers)


def two_proportion_z(share1: float, n1: float, share2: float, n2: float) -> TestResult:
    """Two-sided z test of two shares with the pooled share under the null hypothesis."""
    _check_share(share1)
    _check_share(share2)
    if not (_finite(share1, n1, share2, n2) and n1 >= 2 and n2 >= 2):
        return _NO_RESULT
    pooled = (share1 * n1 + share2 * n2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if not variance > 0:  # a pooled share of 0 or 1 (or so close to it that the product underflows)
        return _NO_RESULT
    z = (share1 - share2) / math.sqrt(variance)
    return TestResult(z, (), math.erfc(abs(z) / math.sqrt(2)))  # 2·Φ(−|z|), exact in the far tail too


def welch_t(mean1: float, sd1: float, n1: float, mean2: float, sd2: float, n2: float) -> TestResult:
    """Welch's two-sided t test from summary statistics (as scipy's ttest_ind_from_stats with equal_var=False),
    with the Welch–Satterthwaite degrees of freedom."""
    from scipy.special import stdtr

    if not (_finite(mean1, sd1, n1, mean2, sd2, n2) and n1 >= 2 and n2 >= 2):
        return _NO_RESULT
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    if not v1 + v2 > 0:
        return _NO_RESULT
    # The df from the variances' shares of their sum: the same value, but squares of tiny variances can't underflow.
    share1, share2 = v1 / (v1 + v2), v2 / (v1 + v2)
    df = 1 / (share1 * share1 / (n1 - 1) + share2 * share2 / (n2 - 1))
    statistic = (mean1 - mean2) / math.sqrt(v1 + v2)
    return TestResult(statistic, (df,), float(2 * stdtr(df, -abs(statistic))))


def anova(means: Sequence[float], sds: Sequence[float], ns: Sequence[float]) -> TestResult:
    """One-way ANOVA from each group's mean, SD and n. No result for fewer than two groups, a group with n < 2 or
    a missing value, or no variance within the groups."""
    from scipy.special import fdtrc

    if not len(means) == len(sds) == len(ns):
        raise ValueError("means, sds and ns differ in length")
    groups = len(means)
    if groups < 2 or not _finite(*means, *sds, *ns) or min(ns) < 2:
        return _NO_RESULT
    total = sum(ns)
    grand = sum(n * m for m, n in zip(means, ns, strict=True)) / total
    between = sum(n * (m - grand) * (m - grand) for m, n in zip(means, ns, strict=True))
    within = sum((n - 1) * sd * sd for sd, n in zip(sds, ns, strict=True))
    df1, df2 = groups - 1, total - groups
    if within <= 0:
        return _NO_RESULT
    statistic = (between / df1) / (within / df2)
    return TestResult(statistic, (float(df1), float(df2)), float(fdtrc(df1, df2, statistic)))


def chi_square(counts: npt.ArrayLike) -> TestResult:
    """Pearson's χ² test of independence of a categories × columns table (without Yates' correction, as
    scipy.stats.chi2_contingency with correction=False). Rows and columns that sum to 0 are dropped; no result when
    fewer than two of either remain."""
    import numpy as np
    from scipy.special import chdtrc  # the distributions only: scipy.stats would take a second to import

    table = _floats(counts)
    if table.ndim != 2:
        raise ValueError(f"expected a two-dimensional table, got shape {table.shape}")
    if not _finite(*table.flat):
        return _NO_RESULT
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return _NO_RESULT
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    statistic = float(((table - expected) ** 2 / expected).sum())
    dof = float((table.shape[0] - 1) * (table.shape[1] - 1))
    small = float((expected < 5).mean())
    return TestResult(statistic, (dof,), float(chdtrc(dof, statistic)), small)


def column_letter(index: int) -> str:
    """The letter of a column as in a spreadsheet: 0 -> "A", 25 -> "Z", 26 -> "AA"."""
    if index < 0:
        raise ValueError(f"a column index is not negative, got {index}")
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_alphas(alphas: Sequence[float]) -> None:
    ascending = len(alphas) == 1 or (len(alphas) == 2 and alphas[0] < alphas[1])
    if not (ascending and all(0 < alpha < 1 for alpha in alphas)):
        raise ValueError(f"expected one alpha or two ascending ones between 0 and 1, got {tuple(alphas)}")


def _letters(
    testable: list[int], count: int, test: Callable[[int, int], TestResult], alphas: Sequence[float], bonferroni: bool
) -> tuple[str, ...]:
    """For each of `count` columns the letters of the testable columns it is significantly higher than."""
    _check_alphas(alphas)
    pairs = list(itertools.combinations(testable, 2))
    beaten: list[dict[int, str]] = [{} for _ in range(count)]
    for first, second in pairs:
        result = test(first, second)
        p = min(1.0, result.p * len(pairs)) if bonferroni else result.p
        if math.isnan(p) or p >= alphas[-1]:
            continue
        higher, lower = (first, second) if result.statistic > 0 else (second, first)
        letter = column_letter(lower)
        beaten[higher][lower] = letter if p < alphas[0] else letter.lower()
    return tuple("".join(letters[index] for index in sorted(letters)) for letters in beaten)


def proportion_letters(
    shares: Sequence[float],
    ns: Sequence[float],
    alphas: Sequence[float],
    *,
    bonferroni: bool = False,
    min_n: float = 2.0,
) -> tuple[str, ...]:
    """SPSS Custom Tables' significance letters for shares (pooled z tests between every pair of columns)."""
    if len(shares) != len(ns):
        raise ValueError("shares and ns differ in length")
    testable = [i for i, (share, n) in enumerate(zip(shares, ns, strict=True)) if _finite(share, n) and n >= min_n]
    return _letters(
        testable, len(shares), lambda i, j: two_proportion_z(shares[i], ns[i], shares[j], ns[j]), alphas, bonferroni
    )


def mean_letters(
    means: Sequence[float],
    sds: Sequence[float],
    ns: Sequence[float],
    alphas: Sequence[float],
    *,
    bonferroni: bool = False,
    min_n: float = 2.0,
) -> tuple[str, ...]:
    """SPSS Custom Tables' significance letters for means (Welch t tests between every pair of columns)."""
    if not len(means) == len(sds) == len(ns):
        raise ValueError("means, sds and ns differ in length")
    testable = [i for i, values in enumerate(zip(means, sds, ns, strict=True)) if _finite(*values) and ns[i] >= min_n]
    return _letters(
        testable,
        len(means),
        lambda i, j: welch_t(means[i], sds[i], ns[i], means[j], sds[j], ns[j]),
        alphas,
        bonferroni,
    )
