"""The benchmark's naive peer (benchmarks/peer.py): it builds the study from a copy, writes only into build/, and
states the numbers of the study's published tables (study-data.md), computed from the data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from projects import REPO, copy_study

pytestmark = pytest.mark.slow  # lays out the whole study with WeasyPrint

PEER = REPO / "benchmarks" / "peer.py"
STUDY_PAGES = 23  # reportgen's build of the study
# Rows of the published tables, as the peer's tables print them with German decimals.
PUBLISHED_ROWS = [
    "25 0 4,12 1,33 0 5",  # Tabelle 1, strategisches Ziel: mean 4.120, SD 1.333, min 0, max 5
    "25 0 2,92 1,73 0 5",  # Tabelle 1, produziert bereits ressourceneffizient: mean 2.920, SD 1.730
    "25 0 4,44 1,08 1 5",  # Tabelle 1, Wettbewerbsvorteil in der Zukunft: mean 4.440, SD 1.083, min 1
    "5 13 52,0 52,0 100,0",  # Frage 1: value 5, 13 answers, 52.000 %
    "Manager/in 18 72,0 72,0 80,0",  # position: 18 of 25, cumulative 80.000 %
    "> 250 11 44,0 100,0 100,0",  # Beschäftigte: 11 valid of 25 (44.000 %)
]


def files_outside_build(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).parts[0] != "build"
    }


def test_peer_builds_the_study_with_its_published_numbers(tmp_path: Path) -> None:
    project = copy_study(tmp_path / "study")
    inputs = files_outside_build(project)

    run = subprocess.run(
        [sys.executable, str(PEER), str(project)], cwd=tmp_path, capture_output=True, text=True, check=False
    )

    assert run.returncode == 0, run.stderr
    reader = pypdf.PdfReader(project / "build" / "peer" / "report.pdf")
    assert run.stdout.strip() == f"{len(reader.pages)} pages"
    assert abs(len(reader.pages) - STUDY_PAGES) <= 3
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    missing = [row for row in PUBLISHED_ROWS if row not in text]
    assert not missing
    assert "84 % der Unternehmen sehen Ressourceneffizienz als strategisches Ziel" in text  # 21 of 25
    assert files_outside_build(project) == inputs
    assert len(list((project / "build" / "peer" / "charts").glob("*.svg"))) == 13  # 7 bars, 1 Likert, 5 pies
