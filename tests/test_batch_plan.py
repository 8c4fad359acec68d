"""The units of a batch: slugs, --per and --by, the anonymity rules on the study's segments, file names, shards."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from projects import STUDY_RESPONSES, copy_study
from reportgen.arguments import UsageError
from reportgen.batch import make_plan
from reportgen.batch_plan import (
    BatchMode,
    Shard,
    by_units,
    output_name,
    parse_shard,
    per_units,
    plan_units,
    shard_units,
    slug,
)
from reportgen.codebook import Question
from reportgen.codebook_values import Category
from reportgen.config import load_config
from reportgen.data_stage import read_data
from reportgen.errors import ConfigError, DataError, ReportError
from reportgen.focus import Unit
from reportgen.stats import Descriptives, FrequencyRow, FrequencyTable, QuestionStats

PATTERN = "build/batch/{key}.pdf"
IDS = [f"R{number:02d}" for number in range(1, 9)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R07", "R07"),
        ("> 20 Jahre", "ueber-20-Jahre"),
        ("< 1 Jahr", "unter-1-Jahr"),
        ("1–5 Jahre", "1-5-Jahre"),
        ("Größe & Übersicht", "Groesse-und-Uebersicht"),
        ("Café Müller/Schön", "Cafe-Mueller-Schoen"),
        ("../../etc/passwd", "etc-passwd"),
        ("„—“", ""),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_per_units_one_per_respondent_in_row_order() -> None:
    units = per_units(IDS, "id", "id", 5, "data/responses.csv")
    assert [(unit.key, unit.label, unit.row, unit.size, unit.kind) for unit in units[:2]] == [
        ("R01", "R01", 0, 1, "per"),
        ("R02", "R02", 1, 1, "per"),
    ]
    assert [unit.row for unit in units] == list(range(8))


def test_per_refused_unless_the_others_make_a_group() -> None:
    per_units(IDS[:6], "id", "id", 5, "data/responses.csv")  # 5 others: enough
    with pytest.raises(ConfigError) as caught:
        per_units(IDS[:5], "id", "id", 5, "data/responses.csv")
    assert str(caught.value) == (
        "report.toml: --per id: 5 Befragte sind zu wenige; jeder Bericht vergleicht mit den übrigen 4, und eine "
        "Vergleichsgruppe braucht mindestens 5 Befragte ([batch] min_group). Berichte je Befragten brauchen "
        "mindestens min_group + 1 Befragte; min_group ist mindestens 2."
    )


def test_per_only_for_the_id_column() -> None:
    with pytest.raises(UsageError) as caught:
        per_units(IDS, "beschaeftigte", "id", 5, "data/responses.csv")
    assert str(caught.value) == (
        "--per beschaeftigte: Berichte je Befragten gibt es nur für die ID-Spalte „id“ ([survey] id_column). "
        "Schreiben Sie --per id, oder für einen Bericht je Antwort einer Frage --by beschaeftigte."
    )


def test_ids_that_give_one_file_name_are_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        per_units(["R 1", *IDS, "r-1"], "id", "id", 5, "data/responses.csv")
    assert str(caught.value) == (
        "--per id: die IDs „R 1“ und „r-1“ ergeben dieselbe Kennung „r-1“. Ändern Sie eine der beiden Bezeichnungen."
    )


def test_an_id_without_letters_or_digits_is_refused() -> None:
    with pytest.raises(DataError) as caught:
        per_units([*IDS, "???"], "id", "id", 5, "data/responses.csv")
    assert str(caught.value).startswith(
        "data/responses.csv, Spalte „id“: --per id: die ID „???“ ergibt keinen Dateinamen"
    )


def _segment_question(counts: dict[int, int], kind: str = "single", missing: int = 0) -> QuestionStats:
    labels = {1: "< 1 Jahr", 2: "1–5 Jahre", 3: "11–20 Jahre", 4: "> 20 Jahre"}
    question = Question(
        "alter", kind, "Wie alt?", "Alter", tuple(Category(code, label) for code, label in labels.items()), line=3
    )
    valid = sum(counts.values())
    rows = tuple(FrequencyRow(labels[code], code, counts.get(code, 0), 0.0, 0.0, 0.0) for code in labels)
    frequencies = FrequencyTable(rows, missing, valid + missing)
    return QuestionStats(question, frequencies, Descriptives(valid, missing))


def test_by_units_one_per_code_with_answers_in_codebook_order() -> None:
    units = by_units(_segment_question({1: 1, 2: 3, 4: 17}), "data/codebook.toml")
    assert [(unit.key, unit.label, unit.code, unit.size, unit.column) for unit in units] == [
        ("unter-1-Jahr", "< 1 Jahr", 1, 1, "alter"),
        ("1-5-Jahre", "1–5 Jahre", 2, 3, "alter"),
        ("ueber-20-Jahre", "> 20 Jahre", 4, 17, "alter"),
    ]


def test_by_refuses_questions_without_codes() -> None:
    with pytest.raises(DataError) as caught:
        by_units(_segment_question({1: 5}, kind="multiple"), "data/codebook.toml")
    assert str(caught.value).startswith(
        "data/codebook.toml, Zeile 3: --by alter: die Frage ist vom Typ „multiple“; Segmente bilden nur Fragen mit "
        "Codes (single, yesno, scale)."
    )


def _study_plan(tmp_path: Path, mode: BatchMode, toml: str = "") -> tuple[object, int]:
    root = copy_study(tmp_path / "study")
    if toml:
        with (root / "report.toml").open("a", encoding="utf-8") as stream:
            stream.write(toml)
    config = load_config(root)
    data = read_data(config)
    return make_plan(config, data, mode), data.stats.respondents


def _column(name: str) -> Counter[str]:
    with STUDY_RESPONSES.open(encoding="utf-8", newline="") as stream:
        return Counter(row[name] for row in csv.DictReader(stream))


def test_study_by_company_age_reports_only_the_segment_whose_remainder_is_safe(tmp_path: Path) -> None:
    # From the CSV: 17 companies over 20 years, 4 of 11–20, 3 of 1–5, 1 under a year.
    assert _column("unternehmensalter") == Counter({"4": 17, "3": 4, "2": 3, "1": 1})
    # 4, 3 and 1 are below 5; the remainder 4 + 3 + 1 = 8 is not below 5, so „> 20 Jahre“ (17) stays.
    plan, total = _study_plan(tmp_path, BatchMode("by", "unternehmensalter"))
    assert total == 25
    assert [(p.unit.key, p.unit.size, p.file) for p in plan.units] == [  # type: ignore[attr-defined]
        ("ueber-20-Jahre", 17, "build/batch/ueber-20-Jahre.pdf")
    ]
    assert [held.key for held in plan.withheld] == ["1-5-Jahre", "11-20-Jahre", "unter-1-Jahr"]  # type: ignore[attr-defined]


def test_study_by_gender_reports_nothing(tmp_path: Path) -> None:
    # 24 and 1: the one is withheld, and then 25 − 24 = 1 would give it back, so the 24 are withheld too.
    assert _column("geschlecht") == Counter({"1": 24, "2": 1})
    plan, _ = _study_plan(tmp_path, BatchMode("by", "geschlecht"))
    assert plan.units == ()  # type: ignore[attr-defined]
    assert len(plan.withheld) == 2  # type: ignore[attr-defined]


def test_study_per_id_gives_25_files(tmp_path: Path) -> None:
    plan, _ = _study_plan(tmp_path, BatchMode("per", "id"), '\n[batch]\noutput = "build/firmen/bericht-{key}.pdf"\n')
    with STUDY_RESPONSES.open(encoding="utf-8", newline="") as stream:
        ids = [row["id"] for row in csv.DictReader(stream)]
    assert [p.unit.label for p in plan.units] == sorted(ids)  # type: ignore[attr-defined]
    assert plan.units[0].file == "build/firmen/bericht-R01.pdf"  # type: ignore[attr-defined]
    assert plan.folder == "build/firmen"  # type: ignore[attr-defined]
    rows = {p.unit.label: p.unit.row for p in plan.units}  # type: ignore[attr-defined]
    assert [rows[identifier] for identifier in ids] == list(range(25))


def test_unknown_segment_question_suggests_one(tmp_path: Path) -> None:
    with pytest.raises(ReportError) as caught:
        _study_plan(tmp_path, BatchMode("by", "unternehmensalte"))
    assert str(caught.value) == (
        "--by unternehmensalte: Unbekannte Frage „unternehmensalte“. Meinten Sie „unternehmensalter“?"
    )


def _unit(key: str, code: int | None = None, label: str | None = None) -> Unit:
    kind = "per" if code is None else "by"
    return Unit(key, label or key, kind, "x", code=code)


def test_output_names_from_the_pattern() -> None:
    segment = _unit("ueber-20-Jahre", code=4, label="> 20 Jahre")
    assert output_name("build/b/{code}-{label}.pdf", segment) == "build/b/4-ueber-20-Jahre.pdf"
    assert output_name("build/b/{key}.pdf", _unit("R07")) == "build/b/R07.pdf"
    with pytest.raises(ConfigError) as caught:
        output_name("build/b/{code}.pdf", _unit("R07"))
    assert str(caught.value) == (
        "report.toml: [batch] output: {code} gibt es nur bei Berichten je Segment (--by), nicht bei --per. "
        'Nehmen Sie {key}, z. B. output = "build/batch/{key}.pdf".'
    )


def test_two_units_with_one_file_name_are_refused() -> None:
    units = [_unit("a", code=1, label="Gruppe A"), _unit("b", code=2, label="Gruppe-A")]
    with pytest.raises(ConfigError) as caught:
        plan_units(units, {}, BatchMode("by", "x"), 10, "build/b/{label}.pdf")
    assert "die Antworten „Gruppe A“ und „Gruppe-A“ ergeben denselben Dateinamen „build/b/Gruppe-A.pdf“" in str(
        caught.value
    )


def test_withheld_units_get_no_file_and_keep_their_reason() -> None:
    units = [_unit("a", code=1), _unit("b", code=2)]
    plan = plan_units(units, {"b": "zu klein"}, BatchMode("by", "x"), 10, PATTERN)
    assert [p.file for p in plan.units] == ["build/batch/a.pdf"]
    assert [(held.key, held.reason) for held in plan.withheld] == [("b", "zu klein")]
    assert plan.files() == frozenset({"a.pdf"})


@pytest.mark.parametrize(("text", "expected"), [("1/1", Shard(1, 1)), ("2/5", Shard(2, 5)), (" 3 / 3 ", Shard(3, 3))])
def test_parse_shard(text: str, expected: Shard) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "a/b", "2", "-1/3", "1/3/4"])
def test_parse_shard_refuses(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_shard(text)
    assert str(caught.value) == (
        f"--shard {text}: erwartet i/N mit 1 ≤ i ≤ N, z. B. --shard 2/5 für den zweiten von fünf Teilen. "
        "In einem Kubernetes-Indexed-Job: --shard $((JOB_COMPLETION_INDEX + 1))/N."
    )


def test_shards_are_disjoint_complete_and_follow_the_sorted_keys() -> None:
    keys = ["k07", "k03", "k10", "k01", "k05", "k02", "k09", "k04", "k08", "k06"]
    units = [_unit(key, code=number) for number, key in enumerate(keys)]
    plan = plan_units(units, {"k02": "zu klein"}, BatchMode("by", "x"), 100, PATTERN)
    shards = [shard_units(plan, Shard(index, 3)) for index in (1, 2, 3)]
    keys_of = [[p.unit.key for p in shard.units] + [held.key for held in shard.withheld] for shard in shards]
    # sorted: k01 k02 k03 … k10 at positions 0–9; position p goes to shard p mod 3 + 1
    assert [sorted(keys) for keys in keys_of] == [
        ["k01", "k04", "k07", "k10"],
        ["k02", "k05", "k08"],
        ["k03", "k06", "k09"],
    ]
    assert [held.key for held in shards[1].withheld] == ["k02"]
    assert sorted(key for keys in keys_of for key in keys) == sorted(keys)
