"""A weighted breakdown over 100,000 respondents: reportgen's crosstab against a naive pandas peer, pair by pair.

The respondents are generated (a single-choice segment question with five categories, a 1–5 scale item, a numeric
item, a weight), read and validated once with reportgen (not timed). Then, alternately in this process, each run
times reportgen's `breakdown()` of the scale item by the segments — column shares, means, SDs, bases with Kish's
effective n, significance letters, χ² and the ANOVA, for the total and each segment — and the peer: what a naive
script does with pandas (weighted column shares with `pd.crosstab`, weighted means per segment with `groupby`).
"""

from __future__ import annotations

import random
import time
from typing import Any

from measure import summary

ROWS = 100_000
BREAKDOWN_RUNS = 5
CODEBOOK = """\
[segment]
kind = "single"
text = "Branche"
categories = [{ code = 1, label = "A" }, { code = 2, label = "B" }, { code = 3, label = "C" },
  { code = 4, label = "D" }, { code = 5, label = "E" }]

[item]
kind = "scale"
text = "Zustimmung"
scale = { min = 1, max = 5 }

[menge]
kind = "numeric"
text = "Menge"
"""


def breakdown_benchmark(runs: int = BREAKDOWN_RUNS) -> dict[str, Any]:
    """reportgen's weighted breakdown and the naive peer, alternating, `runs` times each."""
    from reportgen.breakdown import AnalysisRules, breakdown
    from reportgen.codebook import parse_codebook
    from reportgen.limits import Limits
    from reportgen.microdata import Respondents
    from reportgen.subgroup_stats import SubgroupStats
    from reportgen.survey import WEIGHT_COLUMN, load_survey

    codebook = parse_codebook(CODEBOOK, "codebook.toml")
    survey = load_survey(responses(ROWS), "antworten.csv", codebook, "id", Limits(cells=10_000_000), weight="w")
    frame = survey.frame
    questions = {question.id: question for question in codebook.questions}
    ours, peers = [], []
    for _ in range(runs):
        start = time.perf_counter()
        result = breakdown(
            SubgroupStats(questions, Respondents(frame)), questions["item"], "segment", None, AnalysisRules()
        )
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        peer = naive_peer(frame, WEIGHT_COLUMN)
        peers.append(time.perf_counter() - start)
    assert len(result.columns) == 6 and len(peer) == 2
    return {
        "rows": ROWS,
        "breakdown": summary(ours),
        "peer": summary(peers),
        "ratio": summary([mine / theirs for mine, theirs in zip(ours, peers, strict=True)]),
    }


def naive_peer(frame: Any, weight: str) -> tuple[Any, Any]:
    """Weighted column shares and means per segment, as a script would compute them with pandas."""
    import pandas as pd

    shares = pd.crosstab(frame["item"], frame["segment"], values=frame[weight], aggfunc="sum", normalize="columns")
    weighted = frame.assign(product=frame["item"] * frame[weight]).dropna(subset=["item", "segment"])
    sums = weighted.groupby("segment")[["product", weight]].sum()
    return shares, sums["product"] / sums[weight]


def responses(rows: int, seed: int = 11) -> bytes:
    """A German export: semicolons, decimal commas, some answers missing."""
    rng = random.Random(seed)
    lines = ["id;segment;item;menge;w"]
    for number in range(rows):
        segment = rng.choices("12345", weights=(40, 30, 15, 10, 5))[0]
        item = "" if rng.random() < 0.05 else str(min(5, max(1, round(rng.gauss(2.5 + int(segment) / 3, 1.1)))))
        amount = f"{rng.lognormvariate(3, 1):.2f}".replace(".", ",")
        weight = f"{rng.uniform(0.3, 3.0):.3f}".replace(".", ",")
        lines.append(f"{number};{segment};{item};{amount};{weight}")
    return ("\n".join(lines) + "\n").encode("utf-8")
