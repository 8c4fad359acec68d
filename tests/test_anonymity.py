"""The anonymity rules of batch reports: which segments get no report (the remainder rule) and which groups a
report may describe. Every expected value is worked out by hand in the comment next to it."""

from __future__ import annotations

import numpy as np

from reportgen.anonymity import GroupGuard, withheld_units


def reported(sizes: dict[str, int], total: int, min_group: int = 5) -> list[str]:
    withheld = withheld_units(sizes, total, min_group)
    return sorted(key for key in sizes if key not in withheld)


def test_the_study_by_company_age_reports_only_the_oldest() -> None:
    # 17 / 4 / 3 / 1 of 25: 4, 3 and 1 are below 5 and withheld; the respondents in no report are 4 + 3 + 1 = 8 >= 5,
    # so nobody can be recovered from the total minus the 17: only „> 20 Jahre“ gets a report.
    assert reported({"gt20": 17, "11-20": 4, "1-5": 3, "lt1": 1}, 25) == ["gt20"]


def test_a_single_small_segment_takes_the_other_with_it() -> None:
    # 24 / 1 of 25: the 1 is withheld; left without a report: 1, more than 0 and fewer than 5: the total minus the 24
    # would be that one respondent. The smallest reported segment (24) is withheld too; left out now 25: none is shown.
    withheld = withheld_units({"m": 24, "w": 1}, 25, 5)
    assert sorted(withheld) == ["m", "w"]
    assert "weniger als 5 Befragte" in withheld["w"]
    assert withheld["m"].startswith("zurückgehalten: sonst ließen sich die Befragten ohne Bericht")
    assert "24" not in withheld["m"] and "1 " not in withheld["w"]  # the manifest names no sizes


def test_the_smallest_reported_segment_goes_first() -> None:
    # 10 / 12 / 3 of 25: 3 withheld, left out 3 (< 5); the smallest reported is 10: withheld, left out 3 + 10 = 13
    # (>= 5): only the 12 is reported.
    assert reported({"a": 10, "b": 12, "c": 3}, 25) == ["b"]


def test_respondents_without_an_answer_count_as_left_out() -> None:
    # 10 / 12 of 24 answered, total 25: the one without an answer is left out (1 < 5): the 10 goes too, left out
    # 1 + 10 = 11: only the 12.
    assert reported({"a": 10, "b": 12}, 25) == ["b"]
    # 10 / 12 of 27 (5 without an answer): left out 5 >= 5, both are reported.
    assert reported({"a": 10, "b": 12}, 27) == ["a", "b"]
    # Everyone in a reported segment: left out 0, all reported even at exactly min_group.
    assert reported({"a": 5, "b": 5}, 10) == ["a", "b"]


def test_withholding_repeats_until_the_remainder_is_safe() -> None:
    # min_group 5, 6 / 5 / 5 / 2 of 18: 2 withheld (left out 2); then the smallest reported: 5 ("b", keys break the
    # tie) -> left out 7, safe: 6 and 5 ("c") reported.
    assert reported({"a": 6, "b": 5, "c": 5, "d": 2}, 18) == ["a", "c"]
    # min_group 4, 4 / 4 / 3 of 12 (1 without answer): left out 3 + 1 = 4 >= 4: both 4s reported.
    assert reported({"a": 4, "b": 4, "c": 3}, 12, 4) == ["a", "b"]


def rows(*numbers: int, size: int = 12) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[list(numbers)] = True
    return mask


def test_a_group_needs_min_group_members_and_as_many_outside() -> None:
    guard = GroupGuard(5)
    assert guard.problem(rows(0, 1, 2, 3, 4)) is None  # 5 in, 7 out
    small = guard.problem(rows(0, 1, 2, 3))
    assert small is not None
    assert small.message == "Vergleichsgruppe zu klein: 4 Befragte, mindestens 5 ([batch] min_group)."
    assert "comparable(" in small.hint
    almost = guard.problem(rows(*range(9)))  # 9 in, 3 out: the total minus the group would show those 3
    assert almost is not None
    assert almost.message.startswith("Vergleichsgruppe fast vollständig: außerhalb der Gruppe blieben 3 Befragte")
    assert guard.problem(rows(*range(12))) is None  # everyone: nothing outside


def test_the_reader_is_counted_out() -> None:
    # The respondent of row 0 knows their own answer: a group of 5 with them is a group of 4 others.
    guard = GroupGuard(5, reader=0)
    problem = guard.problem(rows(0, 1, 2, 3, 4))
    assert problem is not None
    assert problem.message == "Vergleichsgruppe zu klein: 4 andere Befragte, mindestens 5 ([batch] min_group)."
    assert guard.problem(rows(1, 2, 3, 4, 5)) is None  # 5 others; outside: 6 without the reader
    # 7 others in: outside 12 - 7 - 1 (the reader) = 4 others, fewer than 5.
    assert guard.problem(rows(1, 2, 3, 4, 5, 6, 7)) is not None


def test_a_group_inside_the_segment_must_leave_enough_of_it_out() -> None:
    segment = rows(0, 1, 2, 3, 4, 5)
    guard = GroupGuard(3, segment=segment, segment_label="Nord")
    assert guard.problem(segment) is None  # the segment itself: nothing of it outside
    problem = guard.problem(rows(0, 1, 2, 3, 4))  # 5 of the segment's 6: the sixth would be its difference
    assert problem is not None
    assert problem.message.startswith(
        "Vergleichsgruppe fast vollständig: außerhalb der Gruppe im Segment „Nord“ blieben 1"
    )
    assert guard.problem(rows(0, 1, 2)) is None  # 3 in, 3 of the segment out


def test_breakdown_segments_follow_the_remainder_rule() -> None:
    # 12 respondents, segments of 4 / 5 / 3 (rows 0–3, 4–8, 9–11), reader in row 4, min_group 4: without the reader
    # 4 / 4 / 3 of 11; the 3 is withheld (left out 3 < 4), then the smallest reported – a tie of 4 and 4, the first
    # by key – is withheld: left out 7. Only the middle segment is shown.
    guard = GroupGuard(4, reader=4)
    masks = [rows(0, 1, 2, 3), rows(4, 5, 6, 7, 8), rows(9, 10, 11)]
    assert guard.withheld(masks, np.ones(12, dtype=bool)) == {0, 2}


def test_a_breakdown_inside_a_segment_report_keeps_the_segment_whole() -> None:
    # The report of segment rows 0–5, min_group 3; a breakdown among rows 0–4 and 6–9 into A = 0–4 and B = 6–9.
    # A lies in the segment and leaves only row 5 of it out: refused. Then B is shown alone, and the rows in no shown
    # column (A again) leave row 5 out as well: B is withheld too.
    guard = GroupGuard(3, segment=rows(0, 1, 2, 3, 4, 5), segment_label="Nord")
    within = rows(0, 1, 2, 3, 4, 6, 7, 8, 9)
    assert guard.withheld([rows(0, 1, 2, 3, 4), rows(6, 7, 8, 9)], within) == {0, 1}
    # The whole segment as one column and the others as the second: nothing of the segment is split off.
    everyone = rows(*range(10))
    assert guard.withheld([rows(0, 1, 2, 3, 4, 5), rows(6, 7, 8, 9)], everyone) == set()
