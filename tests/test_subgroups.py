"""Filters (`where=`) and the segments of a breakdown (`by=`) on small frames built here.

Every expected mask is written out by hand from the frame's rows; nothing was copied from the module's output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reportgen.codebook import Question, parse_codebook
from reportgen.subgroup_stats import _key
from reportgen.subgroups import FocusFilter, SubgroupError, describe_where, own_answer, segments, where_mask

CODEBOOK = """
[branche]
kind = "single"
text = "Branche des Betriebs"
label = "Branche"
categories = [
    { code = 1, label = "Handel" },
    { code = 2, label = "Industrie" },
    { code = 3, label = "Dienstleistung" },
    { code = 9, label = "weiß nicht", missing = true },
]

[export]
kind = "yesno"
text = "Exportieren Sie?"
label = "Export"

[zufr]
kind = "scale"
text = "Wie zufrieden sind Sie?"
label = "Zufriedenheit"
scale = { min = 1, max = 5 }
labels = { "1" = "gar nicht", "5" = "sehr" }

[zufr_r]
kind = "scale"
text = "Ich bin unzufrieden."
label = "Unzufriedenheit"
scale = { min = 1, max = 5 }
labels = { "1" = "stimme gar nicht zu", "5" = "stimme voll zu" }
reverse = true

[beschaeftigte]
kind = "numeric"
text = "Wie viele Beschäftigte hat der Betrieb?"
label = "Beschäftigte"
bins = [0, 10, 50, 250]

[anteil]
kind = "numeric"
text = "Anteil in Prozent"
label = "Anteil"
bins = [0, 2.5, 10]

[umsatz]
kind = "numeric"
text = "Umsatz in Mio. €"
label = "Umsatz"

[massnahmen]
kind = "multiple"
text = "Welche Maßnahmen setzen Sie um?"
label = "Maßnahmen"
options = [
    { column = "m1", label = "Energie" },
    { column = "m2", label = "Mobilität" },
    { column = "m3", label = "Abfall" },
]

[ziele]
kind = "multiple"
text = "Welche Ziele verfolgen Sie?"
label = "Ziele"
format = "codes"
columns = ["z1", "z2"]
categories = [{ code = 1, label = "Wachstum" }, { code = 2, label = "Kosten" }, { code = 3, label = "Klima" }]

[kommentar]
kind = "text"
text = "Anmerkungen"
label = "Anmerkungen"
"""

Q: dict[str, Question] = {question.id: question for question in parse_codebook(CODEBOOK, "codebuch.toml").questions}
NAN = math.nan


def frame() -> pd.DataFrame:
    """Eight respondents, in the frame format of survey.load_survey (floats, NaN missing, sets as id/n)."""
    return pd.DataFrame(
        {
            #               r0    r1    r2   r3   r4   r5   r6   r7
            "branche": [1.0, 2.0, 3.0, 9.0, NAN, 1.0, 2.0, 3.0],
            "export": [1.0, 0.0, 1.0, 0.0, 1.0, NAN, 0.0, 1.0],
            "zufr": [1.0, 2.0, 3.0, 4.0, 5.0, NAN, 3.0, 2.0],
            "zufr_r": [1.0, 2.0, 5.0, NAN, 4.0, 3.0, 1.0, 5.0],
            "beschaeftigte": [5.0, 10.0, 49.0, 50.0, 250.0, NAN, 9.0, 1000.0],
            "anteil": [0.0, 2.4, 2.5, 9.9, 10.0, NAN, 12.0, 1.0],
            "umsatz": [2.4, 2.5, 2.6, NAN, 1000.0, 1250.0, 0.5, 3.0],
            "massnahmen/1": [1.0, 0.0, 1.0, NAN, 0.0, 0.0, 1.0, 0.0],
            "massnahmen/2": [0.0, 1.0, 1.0, NAN, 0.0, 0.0, 0.0, 0.0],
            "massnahmen/3": [0.0, 0.0, 0.0, NAN, 0.0, 1.0, 0.0, 0.0],
            "ziele/1": [1.0, 0.0, 0.0, 1.0, NAN, 0.0, 0.0, 1.0],
            "ziele/2": [0.0, 1.0, 0.0, 1.0, NAN, 0.0, 1.0, 0.0],
            "ziele/3": [0.0, 0.0, 1.0, 0.0, NAN, 1.0, 0.0, 0.0],
            "kommentar": ["gut", None, "", "schlecht", None, "ok", None, "ä"],
        },
        index=pd.Index([f"r{i}" for i in range(8)], name="id"),
    )


def rows(where: object) -> list[int]:
    """The positions of the respondents a filter keeps."""
    mask = where_mask(frame(), Q, where)
    assert mask.dtype == bool and mask.shape == (8,)
    return [int(i) for i in np.flatnonzero(mask)]


def error(where: object) -> SubgroupError:
    with pytest.raises(SubgroupError) as caught:
        where_mask(frame(), Q, where)
    return caught.value


# Single choice and yes/no: codes and labels


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (1, [0, 5]),  # the code of „Handel“
        (2, [1, 6]),
        ("Handel", [0, 5]),
        ("handel", [0, 5]),  # any case
        ("  HANDEL  ", [0, 5]),  # spaces around
        ("Dienstleistung", [2, 7]),
        ("WEISS NICHT", [3]),  # casefolded: ß = ss; a user-missing category can be asked for explicitly
        (["Handel", 3], [0, 2, 5, 7]),  # a list: any of them, labels and codes mixed
        ([2], [1, 6]),
        (("Industrie", "Industrie"), [1, 6]),
    ],
)
def test_single_choice_by_code_and_label(condition: object, expected: list[int]) -> None:
    assert rows({"branche": condition}) == expected


@pytest.mark.parametrize(("condition", "expected"), [(1, [0, 2, 4, 7]), ("ja", [0, 2, 4, 7]), ("Nein", [1, 3, 6])])
def test_yes_no(condition: object, expected: list[int]) -> None:
    # r5 has no answer to export: neither yes nor no
    assert rows({"export": condition}) == expected


def test_respondent_without_answer_never_passes() -> None:
    # r4 has no branche; with every category asked for it is still left out (and r3 „weiß nicht“ is not asked for)
    assert rows({"branche": [1, 2, 3]}) == [0, 1, 2, 5, 6, 7]


def test_several_keys_must_all_hold() -> None:
    # branche Handel or Dienstleistung: r0 r2 r5 r7; export Ja: r0 r2 r4 r7 -> both: r0 r2 r7
    assert rows({"branche": ["Handel", "Dienstleistung"], "export": "Ja"}) == [0, 2, 7]
    # and a numeric third key: Beschäftigte >= 49 -> r2 (49), r7 (1000)
    assert rows({"branche": ["Handel", "Dienstleistung"], "export": "Ja", "beschaeftigte": ">= 49"}) == [2, 7]


# Numeric and scale: comparisons and ranges


# beschaeftigte: r0 5, r1 10, r2 49, r3 50, r4 250, r5 NaN, r6 9, r7 1000
@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("> 250", [7]),
        (">250", [7]),
        ("  >=   250 ", [4, 7]),
        ("< 10", [0, 6]),
        ("<= 10", [0, 1, 6]),
        ("= 50", [3]),
        (50, [3]),  # a bare number: equal
        (50.0, [3]),
        ("10–49", [1, 2]),  # en dash, both ends included
        ("10-49", [1, 2]),  # hyphen
        ("10 – 49", [1, 2]),
        ("10 bis 49", [1, 2]),
        ("1.000–2.000", [7]),  # German thousands separators
        (["< 10", "> 250"], [0, 6, 7]),  # any of
        (["10–49", 250], [1, 2, 4]),
        ("> -1", [0, 1, 2, 3, 4, 6, 7]),  # every answer, never the missing r5
    ],
)
def test_numeric_comparisons(condition: object, expected: list[int]) -> None:
    assert rows({"beschaeftigte": condition}) == expected


# umsatz: r0 2.4, r1 2.5, r2 2.6, r3 NaN, r4 1000, r5 1250, r6 0.5, r7 3.0
@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("<= 2,5", [0, 1, 6]),  # German decimal comma
        ("< 2,5", [0, 6]),
        ("= 2,5", [1]),
        ("2,4–2,6", [0, 1, 2]),
        ("2,4-2,6", [0, 1, 2]),
        ("> 1.000", [5]),  # 1.000 the German way: a thousand
        ("> 999,5", [4, 5]),
        (2.5, [1]),
    ],
)
def test_numeric_german_decimals(condition: object, expected: list[int]) -> None:
    assert rows({"umsatz": condition}) == expected


# zufr: r0 1, r1 2, r2 3, r3 4, r4 5, r5 NaN, r6 3, r7 2
@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (">= 4", [3, 4]),
        ("> 3", [3, 4]),
        ("< 2", [0]),
        ("<= 2", [0, 1, 7]),
        ("= 3", [2, 6]),
        ("2–3", [1, 2, 6, 7]),
        ("2-3", [1, 2, 6, 7]),
        (3, [2, 6]),
        ("sehr", [4]),  # the label of 5
        ("GAR NICHT", [0]),
        ("3", [2, 6]),  # an unlabelled point is labelled with its code
        (["gar nicht", ">= 5"], [0, 4]),
    ],
)
def test_scale_codes_labels_comparisons(condition: object, expected: list[int]) -> None:
    assert rows({"zufr": condition}) == expected


@pytest.mark.parametrize(
    ("question_id", "expected"), [("zufr", [0, 1, 3, 4, 7]), ("beschaeftigte", [0, 1, 2, 3, 4, 6])]
)
def test_not_equal_leaves_out_the_missing(question_id: str, expected: list[int]) -> None:
    # zufr != 3: r0 1, r1 2, r3 4, r4 5, r7 2 — r5 has no answer and must be left out
    # beschaeftigte != 1000: all answers but r7's; r5 has no answer
    value = "!= 3" if question_id == "zufr" else "!= 1000"
    assert rows({question_id: value}) == expected


def test_reverse_keyed_scale_compares_recoded_scores() -> None:
    # zufr_r raw: r0 1, r1 2, r2 5, r3 NaN, r4 4, r5 3, r6 1, r7 5; scores = 1 + 5 − raw: 5, 4, 1, NaN, 2, 3, 5, 1
    assert rows({"zufr_r": ">= 4"}) == [0, 1, 6]
    assert rows({"zufr_r": 1}) == [2, 7]
    assert rows({"zufr_r": "2–3"}) == [4, 5]
    assert rows({"zufr_r": "= 5"}) == [0, 6]


def test_reverse_keyed_label_selects_who_gave_that_answer() -> None:
    # „stimme voll zu“ is the codebook's 5: raw 5 are r2 and r7 (score 1, which stats_compute.reversed_labels labels
    # „stimme voll zu“ as well). Got: r0 and r6, who answered 1 = „stimme gar nicht zu“.
    assert rows({"zufr_r": "stimme voll zu"}) == [2, 7]


# Multiple-response sets


# massnahmen: r0 Energie; r1 Mobilität; r2 Energie+Mobilität; r3 skipped; r4 none; r5 Abfall; r6 Energie; r7 none
# ziele:      r0 Wachstum; r1 Kosten; r2 Klima; r3 Wachstum+Kosten; r4 skipped; r5 Klima; r6 Kosten; r7 Wachstum
@pytest.mark.parametrize(
    ("question_id", "condition", "expected"),
    [
        ("massnahmen", "Energie", [0, 2, 6]),
        ("massnahmen", " mobilität ", [1, 2]),
        ("massnahmen", ["Mobilität", "Abfall"], [1, 2, 5]),
        ("ziele", 2, [1, 3, 6]),  # by code (codes format)
        ("ziele", "Klima", [2, 5]),
        ("ziele", [1, "Klima"], [0, 2, 3, 5, 7]),
    ],
)
def test_multiple_set_by_label_and_code(question_id: str, condition: object, expected: list[int]) -> None:
    assert rows({question_id: condition}) == expected


# Errors: German messages, the known values in the hint

KNOWN_QUESTIONS = "branche, export, zufr, zufr_r, beschaeftigte, anteil, umsatz, massnahmen, ziele, kommentar"


def test_unknown_question() -> None:
    caught = error({"brache": "Handel"})
    assert caught.message == "where=: unbekannte Frage „brache“."
    assert caught.hint == f"Bekannte Fragen (Codebuch): {KNOWN_QUESTIONS}."
    assert str(caught) == caught.message


def test_unknown_label_lists_the_known_codes() -> None:
    caught = error({"branche": "Handwerk"})
    assert caught.message == "where: „branche“ hat keinen Code und kein Label „Handwerk“."
    assert caught.hint == "Bekannt: 1 = „Handel“, 2 = „Industrie“, 3 = „Dienstleistung“, 9 = „weiß nicht“."


def test_unknown_code_lists_the_known_codes() -> None:
    caught = error({"zufr": 7})
    assert caught.message == "where: „zufr“ hat keinen Code und kein Label „7“."
    assert caught.hint == "Bekannt: 1 = „gar nicht“, 2 = „2“, 3 = „3“, 4 = „4“, 5 = „sehr“."


def test_unknown_code_in_a_list() -> None:
    caught = error({"export": [1, 2]})
    assert caught.message == "where: „export“ hat keinen Code und kein Label „2“."
    assert caught.hint == "Bekannt: 1 = „Ja“, 0 = „Nein“."


@pytest.mark.parametrize("value", ["Verpackung", 2])
def test_unknown_option_of_a_set(value: object) -> None:
    caught = error({"massnahmen": value})  # a dichotomy set's options have no codes
    assert caught.message == f"where: „massnahmen“ hat keine Option „{value}“."
    assert caught.hint == "Die Optionen (Codebuch): „Energie“, „Mobilität“, „Abfall“."


def test_unknown_code_of_a_codes_set() -> None:
    caught = error({"ziele": 4})
    assert caught.message == "where: „ziele“ hat keine Option „4“."
    assert caught.hint == "Die Optionen (Codebuch): „Wachstum“, „Kosten“, „Klima“."


def test_text_question_cannot_filter() -> None:
    caught = error({"kommentar": "gut"})
    assert caught.message == "where: nach der Freitextfrage „kommentar“ lässt sich nicht filtern."
    assert "Einfachauswahl" in caught.hint


@pytest.mark.parametrize(
    ("condition", "number"), [("> viel", "viel"), ("<= 2,5,5", "2,5,5"), ("= 1.2.3,4,5", "1.2.3,4,5")]
)
def test_comparison_with_no_number(condition: str, number: str) -> None:
    caught = error({"beschaeftigte": condition})
    assert caught.message == f"where: „{condition}“ vergleicht mit „{number}“, das ist keine Zahl."
    assert caught.hint == 'Schreiben Sie z. B. "> 250" oder "<= 2,5".'


def test_comparison_with_no_number_on_a_scale() -> None:
    caught = error({"zufr": ">= sehr"})
    assert caught.message == "where: „>= sehr“ vergleicht mit „sehr“, das ist keine Zahl."


@pytest.mark.parametrize("condition", ["viele", "Handel", ">"])
def test_numeric_needs_a_comparison(condition: str) -> None:
    caught = error({"beschaeftigte": condition})
    assert caught.message == f"where: „{condition}“ ist kein Vergleich für die Zahlenfrage „beschaeftigte“."


def test_comparison_on_a_single_choice_is_an_unknown_label() -> None:
    caught = error({"branche": "> 1"})
    assert caught.message == "where: „branche“ hat keinen Code und kein Label „> 1“."


@pytest.mark.parametrize("where", [{}, None, "branche", ["branche", 1], [("branche", 1)], 3])
def test_not_a_filter(where: object) -> None:
    caught = error(where)
    assert caught.message == f"where={where!r} ist kein Filter."
    assert caught.hint.startswith("Schreiben Sie Frage-ID und Bedingung, z. B. where=")


@pytest.mark.parametrize("value", [True, False, None, {"a": 1}, [True]])
def test_not_a_condition(value: object) -> None:
    shown = value[0] if isinstance(value, list) else value
    caught = error({"branche": value})
    assert caught.message == f"where: „{shown!r}“ ist keine Bedingung für „branche“."


def test_bool_on_a_numeric_item_is_no_number() -> None:
    # True == 1 in Python: it must not pass as „= 1“
    caught = error({"beschaeftigte": True})
    assert caught.message == "where: „True“ ist keine Bedingung für „beschaeftigte“."


def test_empty_condition() -> None:
    caught = error({"branche": []})
    assert caught.message == "where: die Bedingung für „branche“ ist leer."


def test_question_id_not_text() -> None:
    caught = error({1: "Handel"})
    assert caught.message == "where=: unbekannte Frage „1“."


# describe_where


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            {"beschaeftigte": "> 250", "branche": ["Handel", "Industrie"]},
            "Beschäftigte > 250; Branche: Handel oder Industrie",
        ),
        ({"branche": 2}, "Branche: Industrie"),  # a code by its label
        ({"branche": [1, "Dienstleistung"]}, "Branche: Handel oder Dienstleistung"),
        ({"export": 1}, "Export: Ja"),
        ({"zufr": 5}, "Zufriedenheit: sehr"),
        ({"ziele": 2}, "Ziele: Kosten"),  # an option's code by its label
        ({"massnahmen": " Energie "}, "Maßnahmen: Energie"),
        ({"beschaeftigte": "10–49"}, "Beschäftigte: 10–49"),
        ({"beschaeftigte": ["< 10", ">= 250"]}, "Beschäftigte < 10 oder >= 250"),
        ({"beschaeftigte": 1000}, "Beschäftigte: 1.000"),  # a number the German way
        ({"umsatz": "<= 2,5"}, "Umsatz <= 2,5"),
    ],
)
def test_describe_where(where: dict[str, object], expected: str) -> None:
    assert describe_where(Q, where) == expected


# Segments of a breakdown


def segment_rows(question_id: str) -> list[tuple[str, int | None, list[int]]]:
    return [
        (segment.label, segment.code, [int(i) for i in np.flatnonzero(segment.mask)])
        for segment in segments(frame(), Q[question_id])
    ]


def test_segments_of_single_choice_leave_out_missing_categories() -> None:
    # „weiß nicht“ (missing = true, r3) is no segment; r4 (NaN) is in none
    assert segment_rows("branche") == [("Handel", 1, [0, 5]), ("Industrie", 2, [1, 6]), ("Dienstleistung", 3, [2, 7])]


def test_segments_of_yes_no() -> None:
    assert segment_rows("export") == [("Ja", 1, [0, 2, 4, 7]), ("Nein", 0, [1, 3, 6])]


def test_segments_of_a_scale_are_its_points() -> None:
    assert segment_rows("zufr") == [
        ("gar nicht", 1, [0]),
        ("2", 2, [1, 7]),
        ("3", 3, [2, 6]),
        ("4", 4, [3]),
        ("sehr", 5, [4]),
    ]


def test_segments_of_a_reverse_keyed_scale_are_its_scores() -> None:
    # scores 5, 4, 1, NaN, 2, 3, 5, 1 (see above)
    assert [(code, positions) for _, code, positions in segment_rows("zufr_r")] == [
        (1, [2, 7]),
        (2, [4]),
        (3, [5]),
        (4, [1]),
        (5, [0, 6]),
    ]


def test_segments_of_a_reverse_keyed_scale_are_labelled_by_the_answer() -> None:
    # score 1 = raw 5 (r2, r7): they answered „stimme voll zu“; score 5 = raw 1 (r0, r6): „stimme gar nicht zu“
    labels = {code: label for label, code, _ in segment_rows("zufr_r")}
    assert labels[1] == "stimme voll zu"
    assert labels[5] == "stimme gar nicht zu"


def test_segments_of_a_binned_numeric_item_are_its_classes() -> None:
    # bins 0, 10, 50, 250: [0, 10) [10, 50) [50, 250) [250, ∞); r0 5, r1 10, r2 49, r3 50, r4 250, r6 9, r7 1000
    assert segment_rows("beschaeftigte") == [
        ("0–9", None, [0, 6]),
        ("10–49", None, [1, 2]),
        ("50–249", None, [3]),
        ("250 und mehr", None, [4, 7]),
    ]


def test_segments_of_binned_decimals() -> None:
    # bins 0, 2.5, 10: r0 0, r1 2.4, r2 2.5, r3 9.9, r4 10, r6 12, r7 1 (r5 NaN in none)
    assert segment_rows("anteil") == [
        ("0 bis unter 2,5", None, [0, 1, 7]),
        ("2,5 bis unter 10", None, [2, 3]),
        ("10 und mehr", None, [4, 6]),
    ]


@pytest.mark.parametrize(
    ("question_id", "kind"), [("kommentar", "text"), ("massnahmen", "multiple"), ("umsatz", "numeric")]
)
def test_no_segments_for_text_sets_and_unbinned_numbers(question_id: str, kind: str) -> None:
    with pytest.raises(SubgroupError) as caught:
        segments(frame(), Q[question_id])
    assert caught.value.message == (
        f"by=„{question_id}“: nach einer Frage der Art „{kind}“ lässt sich nicht aufschlüsseln."
    )
    assert caught.value.hint == (
        "Aufschlüsseln lässt sich nach Einfachauswahl, Ja/Nein, Skalen und Zahlenfragen mit bins."
    )


# Batch filters (FocusFilter) and a respondent's own answer


def test_a_focus_filter_leaves_out_the_reader() -> None:
    # branche Handel (1): r0, r5; without r0 (the reader) only r5
    assert rows(FocusFilter({"branche": 1}, exclude=frozenset({0}))) == [5]
    assert rows({"branche": 1}) == [0, 5]


def test_a_focus_filter_of_a_segment_without_conditions() -> None:
    # beschaeftigte class [10, 50): r1 (10), r2 (49); the class has no code, it is found by its label
    segment = FocusFilter({}, segment=("beschaeftigte", None, "10–49"))
    assert bool(segment) and len(segment) == 0  # true in {% if %} although it names no condition
    assert rows(segment) == [1, 2]
    # with a condition too: and export = ja (1): r2 only
    assert rows(FocusFilter({"export": 1}, segment=("beschaeftigte", None, "10–49"))) == [2]
    # a segment by code: branche Industrie (2): r1, r6
    assert rows(FocusFilter({}, segment=("branche", 2, "Industrie"))) == [1, 6]


def test_a_focus_filter_without_an_own_answer_is_no_group() -> None:
    with pytest.raises(SubgroupError, match=r"same\(\): zu „Branche“ gibt es keine Antwort dieses Unternehmens"):
        rows(FocusFilter({}, unanswered=("branche",)))


def test_focus_filters_in_words_and_as_keys() -> None:
    same = FocusFilter({"branche": 1}, exclude=frozenset({0}))
    assert describe_where(Q, same) == "Branche: Handel; ohne Ihr Unternehmen"
    segment = FocusFilter({}, segment=("branche", 2, "Industrie"))
    assert describe_where(Q, segment) == "Branche: Industrie"
    # The reader left out makes another group than the plain filter, and the order of conditions does not matter.
    assert _key(same) != _key({"branche": 1})
    assert _key(FocusFilter({"branche": 1, "export": 1})) == _key(FocusFilter({"export": 1, "branche": 1}))
    assert _key(same) != _key(FocusFilter({"branche": 1}, exclude=frozenset({5})))


def test_own_answers_of_each_kind() -> None:
    data = frame()
    # r1: branche 2 (Industrie); zufr_r raw 2 -> score 1 + 5 - 2 = 4, labelled by the answer it recodes
    answer = own_answer(data, Q["branche"], 1)
    assert (answer.codes, answer.labels, answer.valid) == ((2,), ("Industrie",), True)
    assert own_answer(data, Q["zufr_r"], 1).codes == (4,)
    # r3: branche 9 is the labelled missing „weiß nicht“: an answer, not a valid one
    dont_know = own_answer(data, Q["branche"], 3)
    assert (dont_know.answered, dont_know.valid, dont_know.labels) == (True, False, ("weiß nicht",))
    # r4: branche empty
    assert not own_answer(data, Q["branche"], 4).answered
    # r2: massnahmen 1 and 2 chosen (Energie, Mobilität); r3 did not answer the set
    chosen = own_answer(data, Q["massnahmen"], 2)
    assert (chosen.codes, chosen.labels) == ((1, 2), ("Energie", "Mobilität"))
    assert not own_answer(data, Q["massnahmen"], 3).answered
    # r5: umsatz 1250; r0 kommentar „gut“, r2 an empty text is no answer
    assert own_answer(data, Q["umsatz"], 5).value == 1250.0
    assert own_answer(data, Q["kommentar"], 0).text == "gut"
    assert not own_answer(data, Q["kommentar"], 2).answered
