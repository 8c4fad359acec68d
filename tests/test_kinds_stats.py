"""Statistics of every kind, against hand arithmetic and Python's statistics module (never the program's output);
the cached form of the statistics reads back unchanged."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from projects import to_csv
from reportgen.cache import dump_value, read_value
from reportgen.codebook import parse_codebook
from reportgen.stats import FrequencyTable, MultipleRow, QuestionStats, SurveyStats, compute
from reportgen.survey import load_survey
from test_kinds import KINDS_CODEBOOK
from test_kinds_survey import HEADER, ROWS

N = len(ROWS)  # 7 respondents


def stats_of(rows: list[list[str]] = ROWS, codebook: str = KINDS_CODEBOOK) -> SurveyStats:
    raw = to_csv([HEADER, *rows], ";", "\r\n").encode("cp1252")
    return compute(load_survey(raw, "data/responses.csv", parse_codebook(codebook, "data/codebook.toml"), "id"))


@pytest.fixture(scope="module")
def study() -> SurveyStats:
    return stats_of()


def rows_of(table: FrequencyTable) -> list[tuple[str, int | None, int]]:
    return [(row.label, row.code, row.count) for row in table.rows]


def assert_descriptives(stats: QuestionStats, values: list[float], missing: int) -> None:
    """Against the statistics module: mean, sample SD, median and quartiles of the "inclusive" method, which is
    the linear interpolation (type 7) pandas uses."""
    d = stats.descriptives
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    assert (d.valid, d.missing) == (len(values), missing)
    assert d.mean == pytest.approx(statistics.mean(values))
    assert d.sd == pytest.approx(statistics.stdev(values))
    assert (d.minimum, d.maximum) == (min(values), max(values))
    assert d.median == pytest.approx(statistics.median(values)) == pytest.approx(median)
    assert (d.q1, d.q3) == (pytest.approx(q1), pytest.approx(q3))


def test_reverse_keyed_scale_is_recoded_before_statistics(study: SurveyStats) -> None:
    stats = study.questions["zufriedenheit"]
    answered = [1, 5, 3, 1, 5, 2]  # R3 said „weiß nicht“ (9, missing)
    recoded = [1 + 5 - value for value in answered]  # [5, 1, 3, 5, 1, 4]
    assert_descriptives(stats, recoded, missing=1)
    sorted_recoded = sorted(recoded)  # [1, 1, 3, 4, 5, 5]: q1 at 1.25 → 1 + 0.25·2, q3 at 3.75 → 4 + 0.75·1
    assert sorted_recoded == [1, 1, 3, 4, 5, 5]
    assert (stats.descriptives.q1, stats.descriptives.q3) == (1.5, 4.75)
    # Score 1 is the answer „sehr zufrieden“ (5): the labelled ends are mirrored, the others are scores.
    assert rows_of(stats.frequencies) == [
        ("sehr zufrieden", 1, 2),
        ("2", 2, 0),
        ("3", 3, 1),
        ("4", 4, 1),
        ("gar nicht zufrieden", 5, 2),
    ]
    assert stats.count(["sehr zufrieden"]) == 2


def test_scale_without_reverse_keeps_codes_and_labels() -> None:
    stats = stats_of(codebook=KINDS_CODEBOOK.replace("reverse = true\n", "")).questions["zufriedenheit"]
    assert rows_of(stats.frequencies)[0] == ("gar nicht zufrieden", 1, 2)
    assert stats.descriptives.mean == pytest.approx((1 + 5 + 3 + 1 + 5 + 2) / 6)


def test_labelled_missing_category_is_a_row_outside_the_valid_base(study: SurveyStats) -> None:
    stats = study.questions["branche"]  # 1, 2, 99, 1, –, 2, 99
    table = stats.frequencies
    assert (table.total, table.missing, table.valid) == (7, 1 + 2, 4)
    industrie, handel, keine = table.rows
    assert (industrie.label, industrie.count, industrie.missing) == ("Industrie", 2, False)
    assert (industrie.percent, industrie.valid_percent, industrie.cumulative_percent) == (2 / 7, 2 / 4, 2 / 4)
    assert (handel.valid_percent, handel.cumulative_percent) == (2 / 4, 4 / 4)
    assert (keine.label, keine.code, keine.count, keine.missing) == ("keine Angabe", 99, 2, True)
    assert (keine.percent, keine.valid_percent) == (2 / 7, 0.0)
    assert (stats.descriptives.valid, stats.descriptives.missing) == (4, 3)
    assert stats.share([1]) == 2 / 4


def test_yesno(study: SurveyStats) -> None:
    foerderung = study.questions["foerderung"]  # 1, 0, 0, 1, –, 1, –
    assert rows_of(foerderung.frequencies) == [("Ja", 1, 3), ("Nein", 0, 2)]
    assert (foerderung.frequencies.valid, foerderung.frequencies.missing) == (5, 2)
    zertifikat = study.questions["zertifikat"]  # 1, 8, 8, 2, –, 1, – with 8 = „weiß nicht“ (missing)
    assert rows_of(zertifikat.frequencies) == [("ja", 1, 2), ("nein", 2, 1), ("weiß nicht", 8, 2)]
    assert (zertifikat.frequencies.valid, zertifikat.frequencies.missing) == (3, 4)
    assert zertifikat.share(["ja"]) == 2 / 3


def test_numeric_descriptives_and_whole_number_bins(study: SurveyStats) -> None:
    stats = study.questions["mitarbeitende"]  # 1.250 (German: 1250), 12, -9, k. A., 250, 49, 0
    values = [1250, 12, 250, 49, 0]
    assert_descriptives(stats, values, missing=2)
    assert stats.descriptives.mean == (1250 + 12 + 250 + 49 + 0) / 5
    assert rows_of(stats.frequencies) == [
        ("0–9", None, 1),
        ("10–49", None, 2),
        ("50–249", None, 0),
        ("250 und mehr", None, 2),
    ]
    assert [row.valid_percent for row in stats.frequencies.rows] == [1 / 5, 2 / 5, 0.0, 2 / 5]
    assert [row.percent for row in stats.frequencies.rows] == [1 / 7, 2 / 7, 0.0, 2 / 7]


def test_numeric_decimal_bins(study: SurveyStats) -> None:
    stats = study.questions["umsatz"]  # 12,50 €, 3, –, 2,5, 1.000,50, 10, 0,5
    assert_descriptives(stats, [12.5, 3, 2.5, 1000.5, 10, 0.5], missing=1)
    assert rows_of(stats.frequencies) == [
        ("0 bis unter 2,5", None, 1),  # 0.5
        ("2,5 bis unter 10", None, 2),  # 3 and 2.5: a bound belongs to the class above it
        ("10 und mehr", None, 3),  # 12.5, 1000.5, 10
    ]


def test_bin_labels_group_thousands_and_numeric_without_bins() -> None:
    codebook = '[n]\nkind = "numeric"\ntext = "N"\nbins = [0, 1000, 5000]\n\n[m]\nkind = "numeric"\ntext = "M"\n'
    raw = b"id;n;m\nA;999;1\nB;1000;2\nC;12000;\n"
    stats = compute(load_survey(raw, "r.csv", parse_codebook(codebook, "c.toml"), "id"))
    assert rows_of(stats.questions["n"].frequencies) == [
        ("0–999", None, 1),
        ("1.000–4.999", None, 1),
        ("5.000 und mehr", None, 1),
    ]
    m = stats.questions["m"]
    assert m.frequencies.rows == () and (m.frequencies.valid, m.frequencies.missing) == (2, 1)
    assert m.descriptives.median == 1.5 and m.descriptives.sd == pytest.approx(statistics.stdev([1, 2]))


def test_one_valid_number_has_no_sd() -> None:
    raw = b"id;m\nA;7\nB;\n"
    stats = compute(load_survey(raw, "r.csv", parse_codebook('[m]\nkind = "numeric"\ntext = "M"\n', "c.toml"), "id"))
    d = stats.questions["m"].descriptives
    assert (d.valid, d.mean, d.sd, d.median, d.q1, d.q3) == (1, 7, None, 7, 7, 7)


def test_multiple_dichotomies(study: SurveyStats) -> None:
    stats = study.questions["massnahmen"]
    table = stats.multiple
    assert table is not None
    # Energie selected by R1, R3, R6; Wasser by R2, R3, R6; R5 and R7 left the set empty.
    assert (table.base, table.missing, table.mentions) == (5, 2, 6)
    assert table.rows == (
        MultipleRow("Energie", None, 3, 3 / 5, 3 / 6),  # a tie keeps the codebook's order
        MultipleRow("Maßnahmen: Wasser", None, 3, 3 / 5, 3 / 6),
    )
    assert sum(row.share for row in table.rows) > 1  # „Mehrfachnennungen möglich“
    assert [(row.label, row.count, row.valid_percent, row.percent) for row in stats.frequencies.rows] == [
        ("Energie", 3, 3 / 5, 3 / 7),
        ("Maßnahmen: Wasser", 3, 3 / 5, 3 / 7),
    ]
    assert (stats.frequencies.valid, stats.frequencies.missing) == (5, 2)
    assert (stats.descriptives.valid, stats.descriptives.missing) == (5, 2)
    assert stats.count(["Energie"]) == 3 and stats.share(["Energie"]) == 3 / 5


def test_multiple_sorted_by_frequency() -> None:
    rows = [list(row) for row in ROWS]
    rows[3][HEADER.index("Maßnahmen: Wasser")] = "x"  # R4 now selects Wasser too: 4 against Energie's 3
    table = stats_of(rows).questions["massnahmen"].multiple
    assert table is not None
    assert [(row.label, row.count) for row in table.rows] == [("Maßnahmen: Wasser", 4), ("Energie", 3)]
    assert (table.base, table.mentions) == (5, 7)
    assert [row.share_of_mentions for row in table.rows] == [4 / 7, 3 / 7]


def test_multiple_codes_format(study: SurveyStats) -> None:
    table = study.questions["ziele"].multiple
    assert table is not None
    # R1: 1 and „Klima“; R3: 2; R4: „kosten“; R6: 2 and 1; R2, R5, R7 empty.
    assert (table.base, table.missing, table.mentions) == (4, 3, 6)
    assert table.rows == (MultipleRow("Kosten", 1, 3, 3 / 4, 3 / 6), MultipleRow("Klima", 2, 3, 3 / 4, 3 / 6))


def test_coded_text_and_its_answers(study: SurveyStats) -> None:
    stats = study.questions["anmerkung"]
    # Strompreise (*strom*), Energiekosten (*energie* comes first), Energie! → Energie; Mehr Kosten → Kosten;
    # nichts → Sonstiges; „-“ (a missing label) and an empty cell are missing.
    assert rows_of(stats.frequencies) == [("Energie", None, 3), ("Kosten", None, 1), ("Sonstiges", None, 1)]
    assert (stats.frequencies.valid, stats.frequencies.missing) == (5, 2)
    assert stats.answers is not None
    assert [row.label for row in stats.answers.rows] == [
        "Energie!",
        "Energiekosten",
        "Mehr Kosten",
        "nichts",
        "Strompreise",
    ]
    assert all(row.count == 1 for row in stats.answers.rows)


def test_text_without_coding_lists_the_answers() -> None:
    stats = stats_of(codebook=KINDS_CODEBOOK.split("coding = [")[0]).questions["anmerkung"]
    assert stats.answers is None
    assert [row.label for row in stats.frequencies.rows][:2] == ["Energie!", "Energiekosten"]


def test_statistics_of_every_kind_read_back_from_the_cache(study: SurveyStats, tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    path.write_bytes(dump_value(study))
    back = read_value(path, SurveyStats)
    assert back == study
    assert back is not None and back.questions["mitarbeitende"].question.bins == (0.0, 10.0, 50.0, 250.0)
