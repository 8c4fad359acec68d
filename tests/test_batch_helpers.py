"""The helpers of batch reports on a 12-respondent project written out below: own answers, the comparisons and
their exact German strings, and the anonymity guard at the editor's line. Expected numbers by hand arithmetic from
the rows of RESPONSES (the comment at each test shows the sums)."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from projects import REPO, make_tiny
from reportgen.codebook import parse_codebook
from reportgen.errors import ContentError, ReportError
from reportgen.focus import Focus, Unit
from reportgen.helpers import Helpers, registered
from reportgen.layout import Layout
from reportgen.microdata import Respondents
from reportgen.provenance import unmarked
from reportgen.stats import compute
from reportgen.subgroup_stats import SubgroupStats
from reportgen.survey import load_survey
from reportgen.templating import folder_loader, make_environment

CODEBOOK = """\
[zufr]
kind = "scale"
text = "Wie zufrieden sind Sie?"
label = "Zufriedenheit"
scale = { min = 1, max = 5 }

[groesse]
kind = "single"
text = "Wie groß ist Ihr Unternehmen?"
label = "Größe"
categories = [
  { code = 1, label = "klein" },
  { code = 2, label = "mittel" },
  { code = 3, label = "groß" },
]

[region]
kind = "single"
text = "Wo liegt Ihr Unternehmen?"
label = "Region"
categories = [
  { code = 1, label = "Nord" },
  { code = 2, label = "Süd" },
]

[bemerkung]
kind = "text"
text = "Bemerkungen"
label = "Bemerkung"
"""

# zufr valid 11 (R12 none): 4+5+3+2+4+5+1+3+4+2+5 = 38, mean 38 / 11 = 3,4545… -> „3,45“
# groesse: klein R01–R04 (4), mittel R05–R09 (5), groß R10–R12 (3); region Nord: R01 R02 R05 R06 R09 R11 (6)
RESPONSES = """\
id,zufr,groesse,region,bemerkung
R01,4,1,1,Gut
R02,5,1,1,
R03,3,1,2,
R04,2,1,2,
R05,4,2,1,Geheim <b>Müller</b>
R06,5,2,1,
R07,1,2,2,
R08,3,2,2,
R09,4,2,1,
R10,2,3,2,
R11,5,3,1,
R12,,3,2,
"""
R05 = 4  # the row of R05 (0-based, as in the file)


def per(row: int, key: str, min_group: int = 3) -> Focus:
    return Focus(Unit(key, key, "per", "id", row=row), min_group)


def by_region(code: int, label: str, size: int, min_group: int = 3) -> Focus:
    return Focus(Unit(label.lower(), label, "by", "region", code=code, size=size), min_group)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny(
        tmp_path_factory.mktemp("batch") / "p",
        {"data/codebook.toml": CODEBOOK, "data/responses.csv": RESPONSES, "content/literatur.toml": ""},
    )


@pytest.fixture(scope="module")
def make_helpers(root: Path) -> Callable[[Focus | None], Helpers]:
    codebook = parse_codebook(CODEBOOK, "data/codebook.toml")
    survey = load_survey(RESPONSES.encode(), "data/responses.csv", codebook, "id")
    stats = compute(survey)
    partials = make_environment(folder_loader(root / Layout.partials, root), autoescape=True)

    def factory(focus: Focus | None) -> Helpers:
        subgroups = SubgroupStats({qid: q.question for qid, q in stats.questions.items()}, Respondents(survey.frame))
        return Helpers(stats, {}, partials, "charts/", subgroups=subgroups, focus=focus, folder="content-batch")

    return factory


def render(helpers: Helpers, expression: str) -> str:
    """`{{ expression }}` as the reader reads it: without provenance spans and entities, no-break spaces plain."""
    template = SandboxedEnvironment(undefined=StrictUndefined).from_string(f"{{{{ {expression} }}}}")
    return html.unescape(unmarked(template.render(helpers.namespace()))).replace("\u00a0", " ")


def failure(helpers: Helpers, expression: str) -> ContentError:
    with pytest.raises(ContentError) as caught:
        render(helpers, expression)
    return caught.value


# Own answers


def test_own_answers_of_one_respondent(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(per(R05, "R05"))
    assert render(helpers, "unit_label()") == "R05"
    assert render(helpers, 'own("zufr")') == "4"
    assert render(helpers, 'own("groesse")') == "mittel"
    assert render(helpers, 'own_code("groesse")') == "2"
    # The own free text is the respondent's: shown, but escaped (it may hold anything).
    template = SandboxedEnvironment(undefined=StrictUndefined).from_string('{{ own("bemerkung") }}')
    assert "&lt;b&gt;Müller&lt;/b&gt;" in template.render(helpers.namespace())
    assert 'data-provenance="Ihre Antwort, Frage zufr"' in str(helpers.namespace()["own"]("zufr"))
    r12 = make_helpers(per(11, "R12"))
    assert render(r12, 'own("zufr")') == "keine Angabe"
    assert render(r12, 'own_code("zufr") is none') == "True"


def test_batch_helpers_outside_a_batch_report_say_where_they_belong(
    make_helpers: Callable[[Focus | None], Helpers],
) -> None:
    plain = make_helpers(None)
    calls = ["unit_label()", 'own("zufr")', 'own_code("zufr")', "segment()", 'same("groesse")', "comparable(none)"]
    calls += ['versus("zufr")', 'compare_table("zufr")', 'compare_chart("groesse")']
    for call in calls:
        error = failure(plain, call)
        assert error.message == f"{call.split('(')[0]}() gibt es nur in Batch-Berichten (reportgen batch).", call
        assert (
            error.hint == "Verwenden Sie es in den Kapiteln des Batch-Ordners ([batch] content, z. B. content-batch/)."
        )
    segment_only = failure(make_helpers(per(R05, "R05")), "segment()")
    assert segment_only.message == "segment() gibt es nur in Berichten je Segment (reportgen batch --by …)."


# versus() and compare_table()


def test_versus_the_total(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(per(R05, "R05"))
    # total mean 38 / 11 = 3,45; mittel: 5 of 12 valid answers = 41,7 % -> „42 %“
    assert render(helpers, 'versus("zufr")') == "Ihr Unternehmen: 4 – Gesamt: Mittelwert 3,45"
    assert render(helpers, 'versus("groesse")') == "Ihr Unternehmen: mittel – Gesamt: 42 % mittel"


def test_versus_the_others_of_the_same_size(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(per(R05, "R05"))
    # same("groesse") for R05 (mittel): R06–R09 without R05; zufr 5 + 1 + 3 + 4 = 13, mean 13 / 4 = 3,25, n = 4
    assert render(helpers, 'versus("zufr", where=same("groesse"))') == (
        "Ihr Unternehmen: 4 – Vergleichsgruppe (Größe: mittel; ohne Ihr Unternehmen): Mittelwert 3,25 (n = 4)"
    )
    assert render(helpers, 'n(where=same("groesse"))') == "4"
    assert render(helpers, 'comparable(same("groesse"))') == "True"


def test_versus_in_a_segment_report(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(by_region(1, "Nord", 6))
    # Nord: R01 R02 R05 R06 R09 R11, zufr 4 + 5 + 4 + 5 + 4 + 5 = 27, mean 27 / 6 = 4,50
    assert render(helpers, 'versus("zufr")') == "Nord: Mittelwert 4,50 (n = 6) – Gesamt: Mittelwert 3,45 (n = 11)"
    assert render(helpers, "n(where=segment())") == "6"
    # share of 4–5 in Nord: all 6 -> 100 %
    assert render(helpers, 'share("zufr", 4, 5, where=segment())') == "100 %"


def test_compare_table_of_one_respondent(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(per(R05, "R05"))
    table = helpers.namespace()["compare_table"]("zufr", "groesse", where=helpers.namespace()["same"]("groesse"))
    cells = [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).replace("\u00a0", " ").strip() for cell in row]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", unmarked(str(table)), re.S)
        for row in [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    ]
    assert cells == [
        ["Frage", "Ihr Unternehmen", "Vergleichsgruppe (Größe: mittel; ohne Ihr Unternehmen)", "Gesamt"],
        # zufr: own 4; the others of size mittel 3,25 of 4; total 3,45 of 11
        ["Zufriedenheit", "4", "3,25 (n = 4)", "3,45 (n = 11)"],
        # groesse: own mittel; all 4 others are mittel (100 %); total 5 of 12 = 42 %
        ["Größe", "mittel", "100 % (n = 4)", "42 % (n = 12)"],
    ]
    assert "</span> – Ihr Unternehmen im Vergleich</caption>" in str(table)


# The guard


def test_a_group_too_small_is_refused_and_comparable_says_so(
    make_helpers: Callable[[Focus | None], Helpers],
) -> None:
    helpers = make_helpers(per(R05, "R05", min_group=5))
    # R05's size mittel: 4 others (R06–R09) < 5
    assert render(helpers, 'comparable(same("groesse"))') == "False"
    error = failure(helpers, 'mean("zufr", where=same("groesse"))')
    assert error.message == "Vergleichsgruppe zu klein: 4 andere Befragte, mindestens 5 ([batch] min_group)."
    assert error.location is None  # content.py places it at the line of the call
    # The same 5 respondents named by a plain filter: with R05 among them they are 4 others, still too few.
    assert failure(helpers, 'n(where={"groesse": 2})').message.startswith("Vergleichsgruppe zu klein: 4 andere")


def test_free_text_of_others_and_extremes_are_refused(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(per(R05, "R05"))
    error = failure(helpers, 'answers("bemerkung")')
    assert error.message == (
        "„bemerkung“ ist eine Freitextfrage: die Antworten anderer Befragter zeigt ein Batch-Bericht nicht (Anonymität)."
    )
    assert error.hint == 'Die eigene Antwort zeigt own("bemerkung").'
    assert failure(helpers, 'frequency_table("bemerkung")').message == error.message
    assert failure(helpers, 'minimum("zufr")').message.startswith("minimum() gibt es in Batch-Berichten nicht")
    assert failure(helpers, 'maximum("zufr")').message.startswith("maximum() gibt es in Batch-Berichten nicht")
    # Outside a batch report both are what they were.
    plain = make_helpers(None)
    assert render(plain, 'minimum("zufr")') == "1"
    assert "Geheim" in str(plain.namespace()["answers"]("bemerkung"))


def test_two_allowed_groups_do_not_give_back_one_answer(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    """The attack: Nord (6) minus „Nord and klein or mittel“ (5) is R11 alone. Without the guard the two counts of
    „zufr = 5“ give R11's answer; in Nord's segment report the second group is refused (it leaves 1 of the segment)."""
    row = next(r for r in csv.DictReader(io.StringIO(RESPONSES)) if r["id"] == "R11")
    narrower = '{"region": 1, "groesse": [1, 2]}'
    unguarded = make_helpers(None)
    recovered = int(render(unguarded, 'count("zufr", 5, where={"region": 1})')) - int(
        render(unguarded, f'count("zufr", 5, where={narrower})')
    )
    assert recovered == 1 and row["zufr"] == "5"  # the negative control: the attack works without the guard
    guarded = make_helpers(by_region(1, "Nord", 6))
    assert render(guarded, 'count("zufr", 5, where=segment())') == "3"
    error = failure(guarded, f'count("zufr", 5, where={narrower})')
    assert error.message.startswith(
        "Vergleichsgruppe fast vollständig: außerhalb der Gruppe im Segment „Nord“ blieben 1 Befragte"
    )
    assert render(guarded, f"comparable({narrower})") == "False"


def test_breakdown_segments_are_withheld_in_a_batch_report(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    # R05's report, min_group 4, crosstab by groesse: without R05 klein 4, mittel 4, groß 3 of 11; groß withheld
    # (3 < 4, left out 3), then klein (the first of the tied smallest): only mittel is shown.
    helpers = make_helpers(per(R05, "R05", min_group=4))
    result = helpers._questions.breakdown("zufr", "groesse", None, helpers._prose._rules, "crosstab")
    assert [column.suppressed for column in result.columns] == [False, True, False, True]
    table = str(helpers.namespace()["crosstab"]("zufr", by="groesse"))
    assert "– nicht ausgewiesen: Basis &lt; 4, oder aus den übrigen Spalten" in table
    unguarded = make_helpers(None)
    result = unguarded._questions.breakdown("zufr", "groesse", None, unguarded._prose._rules, "crosstab")
    assert [column.suppressed for column in result.columns] == [False, False, False, False]


def test_the_respondents_answer_is_marked_in_their_charts(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(per(R05, "R05"))
    helpers.namespace()["bar_chart"]("zufr")
    helpers.namespace()["bar_chart"]("groesse")
    zufr, groesse = helpers.charts
    # R05: zufr 4 is the 4th of the labels 1–5 (index 3); groesse mittel the 2nd (index 1)
    assert (zufr.labels, zufr.highlight, zufr.highlight_label) == (("1", "2", "3", "4", "5"), (3,), "Ihr Unternehmen")
    assert groesse.highlight == (1,)
    assert zufr.name == "bar-zufr-ihr-3.svg"  # one drawing for every respondent who answered 4
    plain = make_helpers(None)
    plain.namespace()["bar_chart"]("zufr")
    assert plain.charts[0].highlight == () and plain.charts[0].name == "bar-zufr.svg"


def test_the_text_alternative_names_the_marked_answer(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    marked = render(make_helpers(per(R05, "R05")), 'bar_chart("zufr")')
    alt = re.search(r'alt="([^"]*)"', marked)
    assert alt is not None and alt[1].endswith("Markiert (Ihr Unternehmen): Antwort „4“.")  # R05 answered 4
    plain = re.search(r'alt="([^"]*)"', render(make_helpers(None), 'bar_chart("zufr")'))
    assert plain is not None and "Markiert" not in plain[1]


# The study: the README's examples print what its data give (R07; „> 20 Jahre“ for the notes that say --by)


@pytest.fixture(scope="module")
def study() -> tuple[Helpers, Helpers]:
    codebook = parse_codebook((REPO / "data/codebook.toml").read_text(encoding="utf-8"), "data/codebook.toml")
    survey = load_survey((REPO / "data/responses.csv").read_bytes(), "data/responses.csv", codebook, "id")
    stats = compute(survey)
    partials = SandboxedEnvironment()

    def helpers(focus: Focus) -> Helpers:
        subgroups = SubgroupStats({qid: q.question for qid, q in stats.questions.items()}, Respondents(survey.frame))
        return Helpers(stats, {}, partials, "charts/", subgroups=subgroups, focus=focus)

    r07 = helpers(Focus(Unit("R07", "R07", "per", "id", row=6)))
    oldest = helpers(Focus(Unit("gt-20-jahre", "> 20 Jahre", "by", "unternehmensalter", code=4, size=17)))
    return r07, oldest


@pytest.mark.parametrize(
    "example",
    [example for info in registered("batch") for example in info.examples if example.prints],
    ids=lambda example: f"{example.expression} {example.note[:10]}",
)
def test_batch_examples_print_what_the_study_gives(study: tuple[Helpers, Helpers], example: object) -> None:
    # By hand from data/responses.csv: R07 answered strategie 4, position 2 (Manager/in), no free text; strategie
    # has 25 answers summing to 103 (mean 4,12); 18 of 25 are Manager/in (72 %); the 17 of „> 20 Jahre“ sum to 66
    # (mean 3,88).
    r07, oldest = study
    assert isinstance(example, type(registered("batch")[0].examples[0]))
    helpers = oldest if example.note.startswith("--by") else r07
    assert render(helpers, example.expression) == example.prints


# Through a whole batch build: the batch content folder in the messages


def test_an_error_names_the_batch_content_file_and_line(root: Path) -> None:
    from reportgen.build import prepare_unit
    from reportgen.config import load_config

    (root / "content-batch").mkdir(exist_ok=True)
    chapter = "# Ihr Vergleich\n\n{{ versus('zufr') }}\n\nGleich groß: {{ mean('zufr', where=same('groesse')) }}\n"
    (root / "content-batch" / "01-vergleich.md").write_text(chapter, encoding="utf-8")
    config = load_config(root)
    with pytest.raises(ReportError) as caught:
        prepare_unit(config, per(R05, "R05", min_group=5))
    assert str(caught.value).startswith(
        "content-batch/01-vergleich.md, Zeile 5: Vergleichsgruppe zu klein: 4 andere Befragte, mindestens 5 "
        "([batch] min_group)."
    )
    project = prepare_unit(config, per(R05, "R05", min_group=3))
    text = html.unescape(re.sub(r"<[^>]+>", "", unmarked(project.html))).replace("\u00a0", " ")
    assert "Ihr Unternehmen: 4 – Gesamt: Mittelwert 3,45" in text
    assert "Gleich groß: 3,25" in text
    # The normal build still reads content/ and is not a batch report.
    normal = dataclasses.replace(config.layout)
    assert normal.content == "content"


@pytest.fixture(scope="module")
def starter_b01() -> Helpers:
    starter = REPO / "src" / "reportgen" / "starter-project"
    codebook = parse_codebook((starter / "data/codebook.toml").read_text(encoding="utf-8"), "data/codebook.toml")
    survey = load_survey((starter / "data/responses.csv").read_bytes(), "data/responses.csv", codebook, "id")
    stats = compute(survey)
    subgroups = SubgroupStats({qid: q.question for qid, q in stats.questions.items()}, Respondents(survey.frame))
    partials = make_environment(folder_loader(REPO / Layout.partials, REPO), autoescape=True)
    focus = Focus(Unit("B01", "B01", "per", "id", row=0), 2)
    return Helpers(stats, {}, partials, "charts/", subgroups=subgroups, focus=focus)


def test_marks_of_options_numbers_and_pies(starter_b01: Helpers) -> None:
    # B01 (starter project): themen Digitalisierung and Führung chosen, budget 1.200 € (class [1000, 2500): the
    # third of 0, 500, 1000, 2500), bereich 1 (Verwaltung), weiterempfehlung 1 (Ja)
    namespace = starter_b01.namespace()
    for question_id in ("themen", "budget", "bereich"):
        namespace["bar_chart"](question_id)
    namespace["pie_chart"]("weiterempfehlung")
    themen, budget, bereich, pie = starter_b01.charts
    assert themen.kind == "barh" and sorted(themen.labels[i] for i in themen.highlight) == [
        "Digitalisierung",
        "Führung",
    ]
    assert budget.kind == "hist" and budget.highlight == (2,)
    assert bereich.highlight == (0,) and bereich.labels[0] == "Verwaltung"
    assert pie.kind == "pie" and pie.labels[pie.highlight[0]] == "Ja"
    assert render(starter_b01, 'own("budget")') == "1.200 €"
    assert render(starter_b01, 'own("themen")') == "Digitalisierung, Führung"
    assert render(starter_b01, 'own_code("weiterempfehlung")') == "1"


def test_compare_table_and_chart_of_a_segment(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    helpers = make_helpers(by_region(1, "Nord", 6))
    table = unmarked(str(helpers.namespace()["compare_table"]("zufr", "groesse")))
    text = html.unescape(re.sub(r"<[^>]+>", "|", table)).replace("\u00a0", " ")
    # Nord: zufr mean 4,50 of 6, total 3,45 of 11; groesse in Nord: klein R01 R02 (2 of 6 = 33 %), mittel R05 R06 R09
    # (3 of 6 = 50 %), groß R11 (1 of 6 = 17 %); total 4, 5, 3 of 12 = 33 %, 42 %, 25 %
    cells = [cell.strip() for cell in text.split("|") if cell.strip()]
    start = cells.index("Zufriedenheit")
    assert cells[start : start + 12] == [
        *("Zufriedenheit", "4,50 (n = 6)", "3,45 (n = 11)"),
        *("Größe: klein", "33 % (n = 6)", "33 % (n = 12)"),
        *("Größe: mittel", "50 % (n = 6)", "42 % (n = 12)"),
        *("Größe: groß", "17 % (n = 6)", "25 % (n = 12)"),
    ]
    assert "– Nord im Vergleich</caption>" in table
    helpers.namespace()["compare_chart"]("groesse")
    chart = helpers.charts[-1]
    assert chart.kind == "grouped" and chart.series_labels == ("Nord (n = 6)", "Gesamt (n = 12)")
    assert [round(share, 4) for share in chart.series[0]] == [round(2 / 6, 4), 0.5, round(1 / 6, 4)]
    assert [round(share, 4) for share in chart.series[1]] == [round(4 / 12, 4), round(5 / 12, 4), 0.25]


def test_the_batch_content_folder_names_its_files(root: Path) -> None:
    from reportgen.content import read_sources
    from reportgen.limits import DEFAULTS

    folder = root / "content-images"
    folder.mkdir()
    (folder / "01-a.md").write_text("# A\n\nText.\n\n![Foto](fehlt.png)\n", encoding="utf-8")
    layout = dataclasses.replace(Layout(root), content="content-images")
    sources = read_sources(layout, DEFAULTS.file_size)
    assert (sources.folder, sources.chapters) == ("content-images", ("01-a.md",))
    empty = dataclasses.replace(Layout(root), content="content-leer")
    (root / "content-leer").mkdir()
    with pytest.raises(ContentError) as caught:
        read_sources(empty, DEFAULTS.file_size)
    assert str(caught.value) == (
        "content-leer/: Keine Kapitel gefunden. Legen Sie mindestens eine Datei content-leer/01-kapitel.md an."
    )
    from reportgen.content import check_sources

    errors = check_sources(sources, layout, {})
    assert [str(error.location) for error in errors] == ["content-images/01-a.md, Zeile 5"]
    assert errors[0].message == "Bild nicht gefunden: content-images/fehlt.png."


def test_tables_with_the_extremes_of_numbers_are_refused(starter_b01: Helpers) -> None:
    error = failure(starter_b01, 'numeric_table("budget")')
    assert error.message == (
        "numeric_table(): Minimum und Maximum der Zahlenfrage „budget“ sind Werte einzelner Befragter; "
        "ein Batch-Bericht zeigt sie nicht (Anonymität)."
    )
    assert failure(starter_b01, "descriptives_table()").message.startswith("descriptives_table(): Minimum und Maximum")
    # Scales alone: their extremes are scale points, as a frequency table shows them.
    assert "Zufriedenheit" in str(starter_b01.namespace()["descriptives_table"](questions=["zufriedenheit"]))


def test_a_breakdown_column_may_not_leave_one_of_the_segment_out(
    make_helpers: Callable[[Focus | None], Helpers],
) -> None:
    """In Nord's report, by region among klein and mittel: the Nord column would be R01 R02 R05 R06 R09, Nord minus
    that is R11 alone (segment() shows Nord's numbers): withheld. Then Süd (R03 R04 R07 R08) goes too: the column
    Gesamt (klein and mittel) minus Süd is that same Nord column. Without the guard both are shown."""
    rules = make_helpers(None)._prose._rules
    where = {"groesse": [1, 2]}
    guarded = make_helpers(by_region(1, "Nord", 6))
    result = guarded._questions.breakdown("zufr", "region", where, rules, "crosstab")
    assert [(column.label, column.suppressed) for column in result.columns] == [
        ("Gesamt", False),
        ("Nord", True),
        ("Süd", True),
    ]
    unguarded = make_helpers(None)._questions.breakdown("zufr", "region", where, rules, "crosstab")
    assert [column.suppressed for column in unguarded.columns] == [False, False, False]


def test_likert_and_segment_bars_mark_the_answer_and_draw(make_helpers: Callable[[Focus | None], Helpers]) -> None:
    from reportgen.chart_drawing import draw
    from reportgen.charts import ChartStyle

    helpers = make_helpers(per(R05, "R05"))
    helpers.namespace()["likert_chart"]("zufr")
    helpers.namespace()["bar_chart"]("groesse", by="region")
    likert, grouped = helpers.charts
    # R05: zufr 4, the 4th of the points 1–5 (index 3); groesse mittel, the 2nd category (index 1)
    assert (likert.kind, likert.highlight, likert.highlight_label) == ("likert", (3,), "Ihr Unternehmen")
    assert (grouped.kind, grouped.highlight) == ("grouped", (1,))
    assert likert.name.endswith("-ihr-3.svg") and grouped.name.endswith("-ihr-1.svg")
    # R12 did not answer zufr: no mark, the plain chart's name
    r12 = make_helpers(per(11, "R12"))
    r12.namespace()["likert_chart"]("zufr")
    assert r12.charts[0].highlight == () and "-ihr-" not in r12.charts[0].name
    font = REPO / "templates" / "fonts" / "Lato-Regular.ttf"
    style = ChartStyle(str(font), "digest", "#0b5d5b", "#1f2a30", "#6b7b83", ("#0b5d5b", "#f28c28"), "#f28c28")
    for spec in helpers.charts:
        assert b"Ihr Unternehmen" in draw(spec, style)  # the legend names the mark
