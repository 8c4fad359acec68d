"""README.md's helper tables are the registry's, and their examples print what the study's data give (for the
kinds of question the study has not, numeric and multiple responses among them: the starter project's data)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from jinja2 import BaseLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from reportgen.helpers import BIBLIOGRAPHY_MARKER, GROUPS, Example, Group, Helpers, markers, registered, update_readme
from reportgen.helpers.__main__ import main
from reportgen.microdata import Respondents
from reportgen.provenance import unmarked
from reportgen.subgroup_stats import SubgroupStats

REPO = Path(__file__).resolve().parent.parent
STARTER = REPO / "src" / "reportgen" / "starter-project"
README = REPO / "README.md"
REGENERATE = ".venv/bin/python -m reportgen.helpers --readme"


def test_readme_tables_are_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    expected = update_readme(text)
    if expected != text:
        diff = "".join(difflib.unified_diff(text.splitlines(True), expected.splitlines(True), "README.md", "registry"))
        pytest.fail(
            f"README.md's helper tables differ from the registry. Regenerate them with:\n  {REGENERATE}\n{diff}"
        )


@pytest.mark.parametrize("group", GROUPS)
def test_readme_has_each_section_once(group: Group) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = markers(group)
    assert text.count(start) == 1 and text.count(end) == 1
    assert text.index(start) < text.index(end)


def test_every_helper_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for info in registered():
        assert f"| `{info.call}` | " in text, info.name


def test_check_and_rewrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = README.read_text(encoding="utf-8").replace("Respondents, or the valid", "Old text about the")
    path = tmp_path / "README.md"
    path.write_text(stale, encoding="utf-8")
    assert main(["--readme", str(path), "--check"]) == 1
    assert path.read_text(encoding="utf-8") == stale
    assert "--readme" in capsys.readouterr().out
    assert main(["--readme", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")
    assert main(["--readme", str(path), "--check"]) == 0


def test_missing_markers_are_refused() -> None:
    with pytest.raises(ValueError, match="helpers:prose"):
        update_readme("# A README without helper tables\n")


def project_helpers(root: Path) -> Helpers:
    from reportgen.codebook import parse_codebook
    from reportgen.stats import compute
    from reportgen.survey import load_survey

    codebook = parse_codebook((root / "data" / "codebook.toml").read_text(encoding="utf-8"), "data/codebook.toml")
    survey = load_survey((root / "data" / "responses.csv").read_bytes(), "data/responses.csv", codebook, "id")
    partials = SandboxedEnvironment(loader=BaseLoader())  # the examples' blocks are not rendered here
    stats = compute(survey)
    subgroups = SubgroupStats({qid: q.question for qid, q in stats.questions.items()}, Respondents(survey.frame))
    return Helpers(stats, {}, partials, "charts/", subgroups=subgroups)


@pytest.fixture(scope="module")
def study_helpers() -> Helpers:
    return project_helpers(REPO)


@pytest.fixture(scope="module")
def starter_helpers() -> Helpers:
    return project_helpers(STARTER)


@pytest.mark.parametrize(
    "example", [e for info in registered("prose") for e in info.examples], ids=lambda example: example.expression
)
def test_prose_examples_print_what_the_study_gives(
    study_helpers: Helpers, starter_helpers: Helpers, example: Example
) -> None:
    quoted = re.findall(r'"([^"]*)"', example.expression)
    helpers = study_helpers if not quoted or quoted[0] in study_helpers.question_ids else starter_helpers
    assert example.prints, "every prose example says what it prints"
    template = SandboxedEnvironment(undefined=StrictUndefined).from_string(f"{{{{ {example.expression} }}}}")
    assert unmarked(template.render(helpers.namespace())).replace("\u00a0", " ") == example.prints


def test_bibliography_example_is_the_marker(study_helpers: Helpers) -> None:
    assert study_helpers.namespace()["bibliography"]() is BIBLIOGRAPHY_MARKER
