"""A wide survey: 100,000 respondents × 60 columns of every kind, read and computed, against a naive peer.

The project is generated: 20 scale items with labelled ends, 10 single-choice questions, 10 numeric items with
bins, 4 multiple-response sets of 5 dichotomies („Ja" or empty) — 60 columns — as a German export (semicolons,
decimal commas). The measured time is the `data` stage of `reportgen check` (read, validate, compute); the peer,
in the same run and pair by pair, is what a naive script does with pandas: read the CSV as text, count each
column's values and convert the numeric columns.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

from copies import REPO
from measure import summary, worker_result

ROWS = 100_000
SCALES, SINGLES, NUMERICS, SETS, OPTIONS = 20, 10, 10, 4, 5
WIDE_RUNS = 3
CHAPTER = "# Daten\n\n{{ n() }} Befragte.\n"


def wide_survey(work: Path, runs: int = WIDE_RUNS) -> dict[str, Any]:
    """The data stage of `check` on the wide survey and the naive peer, alternating, `runs` times each."""
    project = wide_project(work / "wide", ROWS)
    checks, peers = [], []
    for _ in range(runs):
        checks.append(worker_result("check", project))
        peers.append(worker_result("peer-data", project))
    ratios = [check["stages"]["data"] / peer["seconds"] for check, peer in zip(checks, peers, strict=True)]
    result = {
        "rows": ROWS,
        "columns": SCALES + SINGLES + NUMERICS + SETS * OPTIONS,
        "data": summary([check["stages"]["data"] for check in checks]),
        "peer": summary([peer["seconds"] for peer in peers]),
        "ratio": summary(ratios),
        "peak_mib": summary([check["peak_mib"] for check in checks]),
        "peer_peak_mib": summary([peer["peak_mib"] for peer in peers]),
    }
    shutil.rmtree(project)
    return result


def wide_project(target: Path, rows: int, seed: int = 10) -> Path:
    """The generated project: report.toml, data/, one chapter, the study's templates."""
    (target / "data").mkdir(parents=True)
    (target / "content").mkdir()
    shutil.copytree(REPO / "templates", target / "templates")
    (target / "report.toml").write_text(
        '[report]\ntitle = "Breite Befragung"\ndate = 2025-01-31\n\n[survey]\nresponses = "data/antworten.csv"\n'
        "\n[limits]\ncells = 10_000_000\n",  # 100,000 × 61 cells: more than the default 5,000,000
        encoding="utf-8",
    )
    (target / "content" / "01-daten.md").write_text(CHAPTER, encoding="utf-8")
    (target / "data" / "codebook.toml").write_text(codebook(), encoding="utf-8")
    rng = random.Random(seed)
    with (target / "data" / "antworten.csv").open("w", encoding="utf-8", newline="") as stream:
        stream.write(";".join(["id", *headers()]) + "\n")
        for row in range(rows):
            stream.write(";".join([f"R{row + 1:06d}", *answers(rng)]) + "\n")
    return target


def headers() -> list[str]:
    sets = [f"Maßnahmen {group + 1}: Option {option + 1}" for group in range(SETS) for option in range(OPTIONS)]
    return [
        *(f"s{index + 1}" for index in range(SCALES)),
        *(f"c{index + 1}" for index in range(SINGLES)),
        *(f"Anzahl {index + 1}" for index in range(NUMERICS)),
        *sets,
    ]


def codebook() -> str:
    parts = []
    for index in range(SCALES):
        parts.append(
            f'[s{index + 1}]\nkind = "scale"\ntext = "Aussage {index + 1}"\nscale = {{ min = 1, max = 5 }}\n'
            'labels = { "1" = "trifft gar nicht zu", "5" = "trifft voll zu" }\nmissing = [-9]\n'
        )
    categories = ", ".join(f'{{ code = {code}, label = "Gruppe {code}" }}' for code in range(1, 7))
    for index in range(SINGLES):
        parts.append(f'[c{index + 1}]\nkind = "single"\ntext = "Gruppe {index + 1}"\ncategories = [{categories}]\n')
    for index in range(NUMERICS):
        parts.append(
            f'[n{index + 1}]\nkind = "numeric"\ntext = "Anzahl {index + 1}"\ncolumn = "Anzahl {index + 1}"\n'
            'unit = "€"\ndecimals = 1\nbins = [0, 10, 50, 250]\n'
        )
    for group in range(SETS):
        options = ", ".join(
            f'{{ column = "Maßnahmen {group + 1}: Option {option + 1}", label = "Option {option + 1}" }}'
            for option in range(OPTIONS)
        )
        parts.append(
            f'[m{group + 1}]\nkind = "multiple"\ntext = "Maßnahmen {group + 1}"\noptions = [{options}]\n'
            'selected = ["Ja"]\n'
        )
    return "\n".join(parts)


def answers(rng: random.Random) -> list[str]:
    scales = [("" if rng.random() < 0.05 else str(rng.randint(1, 5))) for _ in range(SCALES)]
    singles = [str(rng.randint(1, 6)) for _ in range(SINGLES)]
    numerics = [f"{rng.uniform(0, 1000):.1f}".replace(".", ",") for _ in range(NUMERICS)]
    sets = [("Ja" if rng.random() < 0.3 else "") for _ in range(SETS * OPTIONS)]
    return [*scales, *singles, *numerics, *sets]
