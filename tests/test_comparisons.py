"""Filters, breakdowns and confidence intervals as editors use them in a chapter (issue 11): the numbers in the
rendered HTML against arithmetic done here on the raw data, the test statistics against SciPy."""

from __future__ import annotations

import html as html_module
import math
import re
from pathlib import Path

import pytest
from scipy import stats as scipy_stats

from reportgen.build import check, prepare
from reportgen.errors import ReportError
from reportgen.provenance import unmarked

CODEBOOK = """\
[item]
kind = "scale"
text = "Ein Item"
label = "Item"
scale = { min = 1, max = 5 }

[zweites]
kind = "scale"
text = "Ein zweites Item"
label = "Zweites"
scale = { min = 1, max = 5 }

[gruppe]
kind = "single"
text = "Welche Gruppe?"
label = "Gruppe"
categories = [
  { code = 1, label = "A" },
  { code = 2, label = "B" },
  { code = 3, label = "C" },
]
"""
# Group A: 12 answers, 10 of them 4 or 5; group B: 12 answers, 4 of them 4 or 5; group C: 3 answers (a small base).
A = [5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 3, 2]
B = [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5]
C = [5, 5, 4]


def responses() -> str:
    rows = ["id,item,zweites,gruppe"]
    for group, values in ((1, A), (2, B), (3, C)):
        rows += [f"{group}-{number},{value},{6 - value},{group}" for number, value in enumerate(values)]
    return "\n".join(rows) + "\n"


@pytest.fixture
def project(tiny_project):
    made: list[Path] = []

    def make(chapter: str, report_extra: str = "") -> Path:
        files = {"data/codebook.toml": CODEBOOK, "data/responses.csv": responses()}
        root = tiny_project(files, name=f"projekt-{len(made)}")
        made.append(root)
        (root / "content" / "01-kapitel.md").write_text(chapter, encoding="utf-8")
        if report_extra:
            config = root / "report.toml"
            config.write_text(config.read_text(encoding="utf-8") + report_extra, encoding="utf-8")
        return root

    return make


def text_of(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", unmarked(html))
    return html_module.unescape(re.sub(r"\s+", " ", text)).replace("\u00a0", " ")


def german(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_where_filters_every_prose_number(project) -> None:
    html = prepare(
        project(
            '# K\n\nA {{ share("item", 4, 5, where={"gruppe": "A"}) }} B {{ n(where={"gruppe": [1, 2]}) }} '
            'C {{ mean("item", where={"gruppe": 2}) }} D {{ count("item", 5, where={"item": ">= 4"}) }} '
            'E {{ n("item", where={"item": "2–3"}) }}\n'
        )
    ).html
    # A: 10 of 12; B: 24 respondents in A or B; C: (3·1 + 3·2 + 2·3 + 2·4 + 2·5) / 12 = 33 / 12 = 2,75;
    # D: the 5s among answers ≥ 4: 8 + 2 + 2 = 12; E: answers 2 or 3: A 2, B 5 → 7
    assert "A 83 % B 24 C 2,75 D 12 E 7" in text_of(html)


def test_crosstab_shares_bases_letters_and_tests(project) -> None:
    root = project('# K\n\n{{ crosstab("item", by="gruppe") }}\n')
    table = text_of(prepare(root).html)
    # column shares of the answer 5: total 12 / 27 = 44 %, A 8 / 12 = 67 % (higher than B), B 2 / 12 = 17 %,
    # C 2 / 3 = 67 % (a small base: neither tested nor starred in the cells, only at its base)
    assert "5 44 67 B 17 67 Mittelwert" in table
    # z test A against B on the 5s, pooled share 10/24: z = 0,5 / √(10/24 · 14/24 · (1/12 + 1/12)) = 2,48 → p < 0,05
    pooled = 10 / 24
    z = (8 / 12 - 2 / 12) / math.sqrt(pooled * (1 - pooled) * (2 / 12))
    assert 2 * scipy_stats.norm.sf(z) < 0.05
    # means: A 53/12, B 33/12, C 14/3 (a small base: no letter); Welch's t of A against B from SciPy
    assert f"Mittelwert {german(sum(A + B + C) / 27, 2)} 4,42 B 2,75 4,67 Basis" in table
    assert "Basis (n) 27 12 12 3 *" in table
    welch = scipy_stats.ttest_ind(A, B, equal_var=False)
    assert f"Welch-t-Test, t({german(welch.df, 1)}) = {german(welch.statistic, 2)}" in table
    counts = [[A.count(code), B.count(code)] for code in range(1, 6)]
    chi2, p, dof, _ = scipy_stats.chi2_contingency(counts, correction=False)
    assert f"χ²({dof}) = {german(chi2, 2)}; p = {german(p, 3)}" in table
    assert "* Basis < 10 – nur eingeschränkt aussagekräftig, nicht getestet." in table


def test_crosstab_withholds_small_bases_and_the_column_that_would_reveal_them(project) -> None:
    root = project('# K\n\n{{ crosstab("item", by="gruppe") }}\n', "\n[analysis]\nsuppress_below = 5\n")
    table = text_of(prepare(root).html)
    # C (3) is withheld; A and B have the same base, the first of them goes too: total − B would give A + C
    assert "Basis (n) 27 – – 12" not in table  # bases stay shown
    assert "5 44 – 17 –" in table
    assert "– nicht ausgewiesen: Basis < 5" in table


def test_a_small_subgroup_in_the_prose_warns_at_its_line(project) -> None:
    root = project('# K\n\nZeile drei.\n\n{{ share("item", 4, 5, where={"gruppe": "C"}) }}\n')
    warnings = [str(warning) for warning in check(root).warnings]
    assert any(
        w.startswith("content/01-kapitel.md, Zeile 5: „item“ hat in der Teilgruppe nur 3 gültige Antworten")
        for w in warnings
    ), warnings
    with pytest.raises(ReportError, match="Zeile 5"):
        check(root, strict=True)


def test_share_ci_and_mean_ci_against_their_formulas(project) -> None:
    html = text_of(prepare(project('# K\n\nA {{ share_ci("item", 4, 5) }} B {{ mean_ci("item") }}\n')).html)
    low, high = wilson(17, 27)  # 10 + 4 + 3 answers of 4 or 5
    assert f"A 63 % (95-%-KI: {round(low * 100)}–{round(high * 100)} %)" in html
    values = A + B + C
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half = scipy_stats.t.ppf(0.975, len(values) - 1) * sd / math.sqrt(len(values))
    assert f"B {german(mean, 2)} (95-%-KI: {german(mean - half, 2)}–{german(mean + half, 2)})" in html


def test_top_segment_leaves_out_small_bases_and_refuses_ties(project) -> None:
    html = text_of(prepare(project('# K\n\n{{ top_segment("item", 4, 5, by="gruppe") }}\n')).html)
    assert "K A" in html  # C has 3 of 3 but a small base
    with pytest.raises(ReportError, match="keine Gruppe von „gruppe“ hat eine Basis von mindestens 30"):
        prepare(project('# K\n\n{{ top_segment("item", 4, 5, by="gruppe") }}\n', "\n[analysis]\nmin_base = 30\n"))


def test_a_filtered_block_says_so_in_its_caption(project) -> None:
    html = text_of(prepare(project('# K\n\n{{ frequency_table("item", where={"gruppe": "A"}) }}\n')).html)
    assert "Tabelle 1 – Item – Teilgruppe: Gruppe: A" in html


def test_likert_chart_sorts_by_agreement_and_bars_by_segment_share_one_axis(project) -> None:
    root = project(
        '# K\n\n{{ likert_chart("zweites", "item") }}\n\n{{ bar_chart("item", by="gruppe") }}\n\n'
        '{{ bar_chart("zweites", by="gruppe", ci=True) }}\n'
    )
    charts = prepare(root).content.charts
    likert = next(spec for spec in charts if spec.kind == "likert")
    assert likert.series_labels == ("Item (n = 27)", "Zweites (n = 27)")  # item: 16 of 27 agree, zweites 8
    grouped = [spec for spec in charts if spec.kind == "grouped"]
    assert len({spec.value_max for spec in grouped}) == 1
    highest = max(max(high for bars in spec.intervals for _, high in bars) for spec in grouped if spec.intervals)
    assert grouped[0].value_max == pytest.approx(math.ceil(highest * 10) / 10)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('share("item", 4, where={"gruppe": "D"})', "„gruppe“ hat keinen Code und kein Label „D“"),
        ('share("item", 4, where={"nix": 1})', "where=: unbekannte Frage „nix“"),
        ('crosstab("item", by="item2")', "Unbekannte Frage „item2“"),
        ('crosstab("item")', "crosstab() braucht eine Frage und by="),
        ('likert_chart("item", "gruppe")', "„gruppe“ ist keine Skalenfrage"),
        ('mean("item", where="gruppe")', "where='gruppe' ist kein Filter"),
    ],
)
def test_wrong_subgroup_calls_are_one_german_message_at_their_line(project, call: str, message: str) -> None:
    with pytest.raises(ReportError) as caught:
        prepare(project(f"# K\n\n{{{{ {call} }}}}\n"))
    assert "content/01-kapitel.md, Zeile 3" in str(caught.value)
    assert message in str(caught.value)


WEIGHTED_CODEBOOK = """\
[item]
kind = "scale"
text = "Ein Item"
label = "Item"
scale = { min = 1, max = 5 }

[gruppe]
kind = "single"
text = "Welche Gruppe?"
label = "Gruppe"
categories = [{ code = 1, label = "A" }, { code = 2, label = "B" }]
"""


def weighted_project(tiny_project, rows: list[str], name: str = "gewichtet") -> Path:
    responses = "id;item;gruppe;Gewicht\n" + "\n".join(rows) + "\n"
    root = tiny_project({"data/codebook.toml": WEIGHTED_CODEBOOK, "data/responses.csv": responses}, name=name)
    config = root / "report.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[analysis]\nweight = "Gewicht"\n', encoding="utf-8")
    return root


def test_weights_weight_shares_and_means_and_tables_show_both_bases(tiny_project) -> None:
    # A: items 5, 4, 2 with weights 2; 1,5; 0,5 — B: items 1, 5 with weights 1; 1
    rows = ["a1;5;1;2", "a2;4;1;1,5", "a3;2;1;0,5", "b1;1;2;1", "b2;5;2;1"]
    root = weighted_project(tiny_project, rows)
    (root / "content" / "01-kapitel.md").write_text(
        '# K\n\nA {{ share("item", 4, 5) }} B {{ mean("item") }} C {{ n() }}\n\n{{ crosstab("item", by="gruppe") }}\n',
        encoding="utf-8",
    )
    html = text_of(prepare(root).html)
    # weighted share of 4 or 5: (2 + 1,5 + 1) / 6 = 75 %; weighted mean (10 + 6 + 1 + 1 + 5) / 6 = 23 / 6 = 3,83
    assert f"A 75 % B {german(23 / 6, 2)} C 5" in html
    # base of the total: 5 counted, weights summed 6,0; of A: 3 (gew. 4,0)
    assert "Basis (n) 5 (gew. 6,0) * 3 (gew. 4,0) * 2 (gew. 2,0) *" in html


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["a1;5;1;"], "Zeile 2, Spalte „Gewicht“: Das Gewicht fehlt."),
        (["a1;5;1;-1"], "Zeile 2, Spalte „Gewicht“: „-1“"),
        (["a1;5;1;viel"], "Zeile 2, Spalte „Gewicht“: „viel“"),
    ],
)
def test_a_missing_or_bad_weight_is_an_error_at_its_cell(tiny_project, rows: list[str], message: str) -> None:
    with pytest.raises(ReportError, match=re.escape(message)):
        prepare(weighted_project(tiny_project, rows))


def test_a_weight_column_that_is_not_there_is_named(tiny_project) -> None:
    root = weighted_project(tiny_project, ["a1;5;1;1"])
    config = root / "report.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('weight = "Gewicht"', 'weight = "gewicht2"'), encoding="utf-8"
    )
    with pytest.raises(ReportError, match=r"Die Gewichtungsspalte „gewicht2“ .*fehlt"):
        prepare(root)


def test_every_helper_that_reads_answers_takes_a_filter() -> None:
    from reportgen.helpers import registered

    codebook_facts = {"label", "category", "scale_min", "scale_max", "scale_points"}
    without_data = {"bibliography", "list_of_figures", "list_of_tables"}
    for info in (*registered("prose"), *registered("block")):  # batch helpers know their unit instead
        if info.name not in codebook_facts | without_data:
            assert "where" in info.signature.parameters, info.name


def test_a_filtered_table_of_measures(project) -> None:
    root = project('# K\n\n{{ descriptives_table(questions=["item"], where={"gruppe": "B"}) }}\n')
    table = text_of(prepare(root).html)
    # group B: 12 answers, mean 33 / 12 = 2,75, minimum 1, maximum 5
    assert "Tabelle 1 – Deskriptive Kennwerte der Befragung – Teilgruppe: Gruppe: B" in table
    assert "Item Ein Item 12 0 2,75" in table


def test_a_table_of_means_explains_letters_only_when_a_mean_has_one(project) -> None:
    # item by gruppe: A's mean 53/12 is higher than B's 33/12 (Welch p < 0,01): a letter; zweites (6 − item) the
    # other way round. Restricted to group A and C, no segment besides A has a full base: no letters, no legend line.
    with_letters = text_of(prepare(project('# K\n\n{{ crosstab("item", "zweites", by="gruppe") }}\n')).html)
    assert "Buchstaben: signifikant höher" in with_letters
    where = 'where={"gruppe": ["A", "C"]}'
    without = text_of(prepare(project(f'# K\n\n{{{{ crosstab("item", "zweites", by="gruppe", {where}) }}}}\n')).html)
    assert "Buchstaben" not in without
