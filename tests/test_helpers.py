"""The helper registry and the helpers themselves, over a tiny survey built by hand."""

from __future__ import annotations

import dataclasses
import inspect
import math
import re
from collections.abc import Sequence
from html import unescape
from pathlib import Path

import pytest
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from reportgen.bibliography import BibliographyEntry
from reportgen.codebook import Category, Question
from reportgen.crossrefs import resolve
from reportgen.errors import ContentError
from reportgen.helpers import BIBLIOGRAPHY_MARKER, GROUPS, Helpers, helper, helper_names, registered
from reportgen.helpers.views import chart_view
from reportgen.provenance import unmarked
from reportgen.references import Reference
from reportgen.stats import Descriptives, FrequencyRow, FrequencyTable, QuestionStats, SurveyStats
from reportgen.templating import SourceLoader, folder_loader, make_environment

PARTIALS = Path(__file__).resolve().parent.parent / "templates" / "partials"
NBSP = "\u00a0"

# Eight respondents.
# item (scale 1–5): 1, 2, 3, 3, 4, 4, 5 and one missing -> valid 7; counts 1:1 2:1 3:2 4:2 5:1
# gruppe: A 3, B 5 · paar: X 4, Y 4 (a tie) · leer: no valid answer · frei (text): two answers
ITEM = Question("item", "scale", "Ein Item", "Item", tuple(Category(c, str(c)) for c in range(1, 6)), (-9,))
GRUPPE = Question("gruppe", "categorical", "Welche Gruppe?", "Gruppe", (Category(1, "A"), Category(2, "B")))
PAAR = Question("paar", "categorical", "X oder Y?", "Paar", (Category(1, "X"), Category(2, "Y")))
LEER = Question("leer", "categorical", "Nie beantwortet", "Leer", (Category(1, "ja"), Category(2, "nein")))
FREI = Question("frei", "text", "Sonstiges", "Freitext")

REFERENCES = {
    "schmidt-2021": Reference("schmidt-2021", "Schmidt", "2021"),
    "mueller-2020": Reference("mueller-2020", "Müller", "2020", title="Ein Buch"),
    "zeta-2019": Reference("zeta-2019", "Zeta", "2019"),
}


def question_stats(
    question: Question, counts: Sequence[int], descriptives: Descriptives | None = None
) -> QuestionStats:
    """Frequencies of `question` from its counts per category (per text answer for `frei`), of 8 respondents."""
    labels: list[tuple[str, int | None]] = [(c.label, c.code) for c in question.categories]
    labels = labels or [("Inhaber", None), ("Projektleiter", None)]
    valid = sum(counts)
    rows, cumulative = [], 0
    for (label, code), count in zip(labels, counts, strict=True):
        cumulative += count
        shares = (count / valid, cumulative / valid) if valid else (0.0, 0.0)
        rows.append(FrequencyRow(label, code, count, count / 8, shares[0], shares[1]))
    frequencies = FrequencyTable(tuple(rows), 8 - valid, 8)
    return QuestionStats(question, frequencies, descriptives or Descriptives(valid, 8 - valid))


def survey_stats() -> SurveyStats:
    # mean 22 / 7; sum of squares 80, 80 - 22² / 7 = 76 / 7, over n - 1 = 6 -> sd = sqrt(76 / 42)
    item = Descriptives(7, 1, mean=22 / 7, sd=math.sqrt(76 / 42), minimum=1.0, maximum=5.0)
    questions = [
        question_stats(ITEM, [1, 1, 2, 2, 1], item),
        question_stats(GRUPPE, [3, 5]),
        question_stats(PAAR, [4, 4]),
        question_stats(LEER, [0, 0]),
        question_stats(FREI, [1, 1]),
    ]
    return SurveyStats(8, {stats.question.id: stats for stats in questions})


def partials() -> SandboxedEnvironment:
    return make_environment(folder_loader(PARTIALS, PARTIALS.parent.parent), autoescape=True)


@pytest.fixture
def helpers() -> Helpers:
    return Helpers(survey_stats(), REFERENCES, partials(), "charts/")


def call(helpers: Helpers, name: str, *args: object, **kwargs: object) -> object:
    """What a helper shows: its HTML without the provenance spans (tests/test_provenance.py checks those)."""
    return unmarked(helpers.namespace()[name](*args, **kwargs))


def raises(helpers: Helpers, name: str, *args: object, **kwargs: object) -> ContentError:
    with pytest.raises(ContentError) as caught:
        call(helpers, name, *args, **kwargs)
    assert caught.value.location is None  # content.py places it at the editor's line
    return caught.value


def plain(html: object) -> str:
    """The text of HTML, each tag a space, entities resolved, runs of white space (no-break too) as one space."""
    text = unescape(re.sub(r"<[^>]+>", " ", unmarked(str(html)))).replace("\u00ad", "")
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


# The registry


def test_the_registry_holds_every_helper_once_prose_first() -> None:
    assert helper_names() == [
        *("n", "missing", "count", "mentions", "share", "mean", "sd", "median", "quartile", "minimum", "maximum"),
        *("label", "category", "mode", "scale_min", "scale_max", "scale_points"),
        *("top_segment", "share_ci", "mean_ci"),
        *("descriptives_table", "numeric_table", "frequency_table", "answers", "bar_chart", "pie_chart"),
        *("bibliography", "list_of_figures", "list_of_tables"),
        *("crosstab", "likert_chart"),
        *("unit_label", "own", "own_code", "segment", "same", "comparable", "versus", "compare_table"),
        "compare_chart",
    ]
    assert [info.name for info in registered("prose")] == helper_names()[:20]
    assert [info.name for info in registered("block")] == helper_names()[20:31]
    assert [info.name for info in registered("batch")] == helper_names()[31:]


def test_every_name_in_the_namespace_has_doc_signature_and_example(helpers: Helpers) -> None:
    namespace = helpers.namespace()
    assert list(namespace) == helper_names()
    for info in registered():
        assert info.group in GROUPS
        assert info.doc and "\n" not in info.doc and info.doc.endswith("."), info.name
        assert "self" not in info.signature.parameters, info.name
        assert inspect.signature(namespace[info.name]) == info.signature, info.name
        assert info.examples and all(e.expression.startswith(f"{info.name}(") for e in info.examples), info.name


def test_signatures_read_as_editors_write_calls() -> None:
    calls = {info.name: info.call for info in registered()}
    assert calls["share"] == "share(question_id, *codes, exclude=(), decimals=0, where=None)"
    assert calls["n"] == "n(question_id=None, where=None)"
    assert calls["crosstab"] == "crosstab(*question_ids, by=None, where=None, caption=None, label=None, ci=False)"
    assert (
        calls["descriptives_table"]
        == 'descriptives_table(caption="Deskriptive Kennwerte der Befragung", questions=None, label=None, where=None)'
    )
    assert calls["bibliography"] == "bibliography()"


def test_a_helper_without_docstring_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match=r"nothing\(\) has no docstring"):

        class Undocumented:
            @helper(group="prose")
            def nothing(self) -> str:
                return "0"

    assert "nothing" not in helper_names()


def test_helpers_are_callable_in_the_sandbox(helpers: Helpers) -> None:
    template = make_environment(SourceLoader({}), autoescape=False).from_string(
        "{{ share('item', 4, 5) }} von {{ n() }}"
    )
    assert unmarked(template.render(helpers.namespace())) == f"43{NBSP}% von 8"


# Numbers in the prose, by hand


def test_counts(helpers: Helpers) -> None:
    assert call(helpers, "n") == "8"
    assert call(helpers, "n", "item") == "7"
    assert call(helpers, "missing", "item") == "1"
    assert call(helpers, "count", "item", 4, 5) == "3"  # 2 + 1
    assert call(helpers, "count", "gruppe", "B") == "5"  # a label counts like its code


def test_shares(helpers: Helpers) -> None:
    assert call(helpers, "share", "item", 4, 5) == f"43{NBSP}%"  # 3 / 7 = 42,86 %
    assert call(helpers, "share", "item", 4, 5, decimals=1) == f"42,9{NBSP}%"
    assert call(helpers, "share", "item", 4, 5, exclude=[3]) == f"60{NBSP}%"  # 3 / (7 - 2)
    assert call(helpers, "share", "gruppe", 2) == f"63{NBSP}%"  # 5 / 8 = 62,5 % rounds half up


def test_scale_numbers_and_labels(helpers: Helpers) -> None:
    assert call(helpers, "mean", "item") == "3,14"  # 22 / 7 = 3,142…
    assert call(helpers, "sd", "item") == "1,35"  # sqrt(76 / 42) = 1,345…
    assert call(helpers, "mean", "item", decimals=1) == "3,1"
    assert [call(helpers, name, "item") for name in ("scale_min", "scale_max", "scale_points")] == ["1", "5", "5"]
    assert call(helpers, "label", "gruppe") == "Gruppe"
    assert call(helpers, "category", "gruppe", 2) == "B"


def test_mode_is_the_clear_most_frequent_answer(helpers: Helpers) -> None:
    assert call(helpers, "mode", "gruppe") == "B"  # A 3, B 5


def test_mode_without_valid_answers_is_an_error(helpers: Helpers) -> None:
    error = raises(helpers, "mode", "leer")
    assert error.message == "mode(): „leer“ hat keine gültigen Antworten, also keinen häufigsten Wert."


@pytest.mark.parametrize(("question", "tied"), [("paar", "„X“ und „Y“"), ("item", "„3“ und „4“")])
def test_mode_of_a_tie_is_an_error(helpers: Helpers, question: str, tied: str) -> None:
    error = raises(helpers, "mode", question)
    assert f"hat keinen eindeutigen häufigsten Wert: {tied} kommen je" in error.message
    assert "category(" in error.hint


def test_unknown_question_names_the_known_ones(helpers: Helpers) -> None:
    error = raises(helpers, "share", "nope", 4)
    assert error.message == "Unbekannte Frage „nope“."
    assert error.hint == "Bekannte Fragen (Codebuch): item, gruppe, paar, leer, frei."


def test_unknown_code_names_the_allowed_ones(helpers: Helpers) -> None:
    error = raises(helpers, "share", "item", 7)
    assert error.message == "share(): „7“ ist kein Code der Frage „item“."
    assert error.hint == "Erlaubt sind: 1, 2, 3, 4, 5."
    assert raises(helpers, "category", "gruppe", 3).message == "category(): „3“ ist kein Code der Frage „gruppe“."
    assert raises(helpers, "count", "frei", "Chef").hint == "Erlaubt sind: Inhaber, Projektleiter."
    assert raises(helpers, "count", "item", [4, 5]).message == "count(): „[4, 5]“ ist kein Code der Frage „item“."
    assert raises(helpers, "n", ["item"]).message == "Unbekannte Frage „['item']“."


def test_wrong_share_calls(helpers: Helpers) -> None:
    assert raises(helpers, "share", "item").message.startswith(
        'share() braucht mindestens einen Code, z. B. share("item"'
    )
    error = raises(helpers, "share", "item", 3, 4, exclude=[3])
    assert error.message == "share(): ein Code kann nicht zugleich gezählt und ausgeschlossen werden."
    assert raises(helpers, "share", "leer", 1).message == "share(): „leer“ hat keine gültigen Antworten als Basis."


def test_scale_helpers_need_a_scale(helpers: Helpers) -> None:
    assert raises(helpers, "mean", "gruppe").message == "mean(): „gruppe“ ist weder eine Skala noch eine Zahlenfrage."
    assert raises(helpers, "scale_min", "gruppe").message == "„gruppe“ ist keine Skalenfrage."


def test_questions_used(helpers: Helpers) -> None:
    call(helpers, "n")
    call(helpers, "n", "item")
    call(helpers, "share", "gruppe", 1)
    assert helpers.questions_used == frozenset({"item", "gruppe"})


# Blocks


def test_chart_src_is_the_chart_spec_name(helpers: Helpers) -> None:
    html = call(helpers, "bar_chart", "item")
    spec = chart_view("bar", survey_stats().questions["item"]).spec
    assert isinstance(html, Markup)
    assert f'src="charts/{spec.name}"' in html
    # one bar chart of its scale: the shared value axis is its own highest count (2) plus headroom
    assert helpers.charts == (dataclasses.replace(spec, value_max=helpers.charts[0].value_max),)
    assert helpers.charts[0].value_max is not None and helpers.charts[0].value_max >= max(spec.counts)


def test_charts_are_listed_once_in_order_of_first_call(helpers: Helpers) -> None:
    for name, question in [("pie_chart", "gruppe"), ("bar_chart", "item"), ("pie_chart", "gruppe")]:
        call(helpers, name, question)
    assert [(spec.kind, spec.question_id) for spec in helpers.charts] == [("pie", "gruppe"), ("bar", "item")]


def numbered(helpers: Helpers, blocks: list[object]) -> list[str]:
    """The blocks as they stand in the report, in this order: numbered (see crossrefs.resolve)."""
    resolution = resolve([str(block) for block in blocks], helpers.targets, (), ())
    return [plain(resolution.apply(str(block))) for block in blocks]


def test_tables_and_figures_are_numbered_across_calls(helpers: Helpers) -> None:
    blocks = numbered(
        helpers,
        [
            call(helpers, "bar_chart", "item"),
            call(helpers, "frequency_table", "item"),
            call(helpers, "pie_chart", "gruppe", caption="Die Gruppen"),
            call(helpers, "descriptives_table"),
            call(helpers, "frequency_table", "gruppe"),
        ],
    )
    assert "Abbildung 1 – Item (N = 7)" in blocks[0]
    assert "Tabelle 1 – Item" in blocks[1]
    assert "Abbildung 2 – Die Gruppen (N = 8)" in blocks[2]
    assert "Tabelle 2 – Deskriptive Kennwerte der Befragung" in blocks[3]
    assert "Tabelle 3 – Gruppe" in blocks[4]


def test_blocks_stay_one_html_block(helpers: Helpers) -> None:
    html = str(call(helpers, "frequency_table", "item"))
    assert html.startswith("\n<div") and html.endswith("</div>\n")
    assert "\n\n" not in html


def test_descriptives_table_leaves_out_free_text(helpers: Helpers) -> None:
    text = plain(call(helpers, "descriptives_table"))
    # item: valid 7, missing 1, mean 3,14, sd 1,35, min 1, max 5; leer: valid 0, missing 8
    assert "Item Ein Item 7 1 3,14 1,35 1 5 " in text
    assert "Leer Nie beantwortet 0 8 " in text
    assert "Freitext" not in text
    assert raises(helpers, "descriptives_table", questions="item").hint == 'Schreiben Sie questions=["item"].'
    assert raises(helpers, "descriptives_table", questions=[]).message.startswith("descriptives_table(): keine Frage")


def test_pie_chart_without_valid_answers_is_an_error(helpers: Helpers) -> None:
    error = raises(helpers, "pie_chart", "leer")
    assert error.message == "pie_chart(): „leer“ hat keine gültigen Antworten, ein Kreisdiagramm bliebe leer."
    assert helpers.charts == ()


def test_bibliography_leaves_the_marker(helpers: Helpers) -> None:
    assert call(helpers, "bibliography") is BIBLIOGRAPHY_MARKER
    assert isinstance(BIBLIOGRAPHY_MARKER, Markup)
    assert BIBLIOGRAPHY_MARKER.startswith("\n<div") and BIBLIOGRAPHY_MARKER.endswith("</div>\n")


def test_render_bibliography_lists_the_formatted_entries_in_their_order(helpers: Helpers) -> None:
    entries = (
        BibliographyEntry("schmidt-2021", Markup("Schmidt. (2021).")),
        BibliographyEntry("mueller-2020", Markup("Müller. (2020). <i>Ein Buch</i>.")),
    )
    html = str(helpers.render_bibliography(entries))
    assert re.findall(r'id="ref-([\w-]+)"', html) == ["schmidt-2021", "mueller-2020"]
    assert '<li id="ref-mueller-2020">Müller. (2020). <i>Ein Buch</i>.</li>' in html


def test_each_build_counts_on_its_own() -> None:
    first, second = (Helpers(survey_stats(), REFERENCES, partials(), "charts/") for _ in range(2))
    call(first, "frequency_table", "item")
    assert "Tabelle 1 – Item" in numbered(second, [call(second, "frequency_table", "item")])[0]
    assert second.questions_used == frozenset({"item"})
