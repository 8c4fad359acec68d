"""A draft question from one column or from a multiple-response set, with the kind its answers suggest.

Kinds are guessed from the values and, for SPSS files, from the value labels, user-missing codes and levels of
measurement that `tables.read_table` puts into the frame's attrs:

- value labels: a single choice (`single`)
  or, for ordinal and scale variables and for labels only at the ends of a range, `scale` with `labels`; labelled
  user-missing codes become categories with `missing = true`, others `missing = [codes]`;
- only 0/1 or Ja/Nein: `yesno`;
- runs of columns whose headers share a stem („Maßnahmen: Energie“, „Maßnahmen: Wasser“; `q5_1`, `q5_2`) and that
  each hold one mark („Ja“, „x“, 1) or 0/1: one `multiple` question (dichotomies);
- whole numbers on 4 to 11 points: `scale` (negative codes beside them: `missing`); two or three codes: a single
  choice; other numbers (German or English notation): `numeric`;
- agreement labels in the cells („Stimme eher zu“): `scale` with `labels` in their order („weiß nicht“: missing);
- a few distinct short texts that repeat: a single choice with the texts as labels; other texts: `text`;
- empty columns and columns of dates or times: `ignore` (see `draft_columns.ignore_reason`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .draft_columns import (
    NO,
    SEPARATORS,
    YES,
    Column,
    Entry,
    common_stem,
    is_yes_no,
    name_of,
    option_label,
    parse_float,
    parse_number,
)
from .draft_toml import counted, toml_array, toml_categories, toml_code, toml_string, value_list

# Today's parser knows the single-choice kind by its old name; the new one, "single", means the same.
SINGLE = "single"
MAX_CATEGORIES = 12  # distinct texts up to this many (that repeat) are categories, more are free text
MAX_LABEL_LENGTH = 60  # longer answers are free text
MIN_SCALE_SPAN, MAX_SCALE_SPAN = 3, 10  # whole numbers on 4 to 11 points are a scale; fewer codes, wider numbers
# Agreement labels: a label says „zu“ (stimme … zu, trifft … zu), or is the middle; ranked by the first match.
_AGREEMENT = re.compile(r"\bzu\b")
_NON_ANSWER = re.compile(r"weiß nicht|weiss nicht|keine angabe|k\. ?a\.|nicht beurteilen|keine meinung")
_MIDDLE = 3.0
_AGREEMENT_RANKS = tuple(
    (re.compile(pattern), rank)
    for pattern, rank in (
        (r"gar nicht|überhaupt nicht|keinesfalls|völlig unzutreffend", 1.0),
        (r"eher nicht|weniger|kaum", 2.0),
        (r"teils|weder|neutral|unentschieden|mittel", _MIDDLE),
        (r"\bnicht\b", 1.5),
        (r"\beher\b|überwiegend|weitgehend", 4.0),
        (r"\bvoll|völlig|ganz|\bsehr\b|absolut|uneingeschränkt", 5.0),
        (r"\bzu\b", 4.5),
    )
)


# Kinds


def column_entry(column: Column, german: bool) -> Entry:
    if column.value_labels:
        return _labelled_entry(column)
    entry = Entry(column.text, column.header, [], [], unworded=not column.label and column.text == column.header)
    distinct = column.distinct
    numbers = {value: parse_number(value, german) for value in distinct}
    if distinct and is_yes_no(distinct):
        entry.keys.append(("kind", toml_string("yesno")))
        entry.comments.append(f"Werte: {value_list(distinct)}")
        if len(distinct) == 1:
            entry.comments.append(
                'Nur ein Wert und leere Zellen: gehört die Spalte zu einer Mehrfachauswahl (kind = "multiple"), '
                "zählt leer als „nicht gewählt“."
            )
    elif distinct and all(number is not None for number in numbers.values()):
        _numbers_entry(entry, column, {value: number for value, number in numbers.items() if number is not None})
    elif distinct and (ranked := _agreement_scale(distinct)):
        _agreement_entry(entry, ranked, [value for value in distinct if value not in ranked])
    elif distinct and _few_repeating_texts(column):
        _texts_entry(entry, column.distinct, numbers)
    else:
        entry.keys.append(("kind", toml_string("text")))
        entry.comments.append(f"freier Text: {counted(len(distinct), 'Antwort', 'verschiedene Antworten')}")
    _add_missing(entry, column.user_missing)
    return entry


def _numbers_entry(entry: Entry, column: Column, numbers: dict[str, float]) -> None:
    whole = all(number.is_integer() for number in numbers.values())
    negative = [value for value, number in numbers.items() if number < 0]
    codes = {value: number for value, number in numbers.items() if value not in negative}
    if whole and codes and len(negative) <= 3:
        low, high = min(codes.values()), max(codes.values())
        if MIN_SCALE_SPAN <= high - low <= MAX_SCALE_SPAN:
            entry.keys.append(("kind", toml_string("scale")))
            entry.keys.append(("scale", f"{{ min = {int(low)}, max = {int(high)} }}"))
            entry.comments.append(f"Werte: {value_list(sorted(codes, key=codes.__getitem__))} – Skalenenden prüfen")
            _missing_negative(entry, negative, numbers)
            return
        if high - low < MIN_SCALE_SPAN:  # 1, 2, 3: codes of a single choice rather than a scale
            _texts_entry(entry, list(codes), codes)
            _missing_negative(entry, negative, numbers)
            return
    entry.keys.append(("kind", toml_string("numeric")))
    ordered = sorted(numbers, key=numbers.__getitem__)
    entry.comments.append(
        f"Zahlen von {ordered[0]} bis {ordered[-1]}, {counted(len(numbers), 'Wert', 'verschiedene Werte')}; "
        "ergänzen Sie bei Bedarf unit, decimals, range oder bins"
    )


def _agreement_scale(values: list[str]) -> list[str]:
    """Agreement labels („stimme gar nicht zu“ … „stimme voll zu“) in their order, or [] if the values are not
    such labels; answers such as „weiß nicht“ are left out (see `_agreement_entry`)."""
    answers = [value for value in values if not _NON_ANSWER.search(value.casefold())]
    if len(answers) < 3 or sum(1 for value in answers if _AGREEMENT.search(value.casefold())) < 2:
        return []
    ranks: dict[str, float] = {}
    for value in answers:
        folded = value.casefold()
        rank = next((rank for pattern, rank in _AGREEMENT_RANKS if pattern.search(folded)), None)
        if rank is None or (not _AGREEMENT.search(folded) and rank != _MIDDLE):
            return []
        ranks[value] = rank
    if len(set(ranks.values())) < len(ranks):
        return []
    return sorted(ranks, key=ranks.__getitem__)


def _agreement_entry(entry: Entry, ranked: list[str], others: list[str]) -> None:
    entry.keys.append(("kind", toml_string("scale")))
    entry.keys.append(("scale", f"{{ min = 1, max = {len(ranked)} }}"))
    pairs = ", ".join(f"{toml_string(str(code))} = {toml_string(label)}" for code, label in enumerate(ranked, 1))
    entry.keys.append(("labels", f"{{ {pairs} }}"))
    if others:
        entry.keys.append(("missing", toml_array(toml_string(value) for value in others)))
    entry.comments.append(
        "Zustimmungsskala aus den Labels in den Zellen: Reihenfolge und Zahl der Stufen prüfen"
        + (f"; {value_list(others)} als fehlend angenommen" if others else "")
    )


def _missing_negative(entry: Entry, negative: list[str], numbers: dict[str, float]) -> None:
    """Negative codes beside answers from 0 up: taken as missing codes (-9 „keine Angabe“), to be checked."""
    if negative:
        ordered = sorted(negative, key=numbers.__getitem__)
        entry.keys.append(("missing", toml_array(str(int(numbers[value])) for value in ordered)))
        entry.comments.append(f"{value_list(ordered)} als fehlend angenommen")


def _texts_entry(entry: Entry, values: list[str], numbers: Mapping[str, float | None]) -> None:
    """A single choice from the texts seen: numbers that are codes keep them, texts get the free codes from 1."""
    coded: dict[str, int] = {}
    for value, number in numbers.items():
        if number is not None and number.is_integer() and number >= 0 and int(number) not in coded.values():
            coded[value] = int(number)
    texts = sorted((value for value in values if value not in coded), key=_natural)
    used = set(coded.values())
    free = (code for code in range(1, len(used) + len(texts) + 2) if code not in used)
    categories = sorted(coded.items(), key=lambda item: item[1]) + [(text, next(free)) for text in texts]
    entry.keys.append(("kind", toml_string(SINGLE)))
    entry.keys.append(("categories", toml_categories((code, label, False) for label, code in categories)))
    entry.comments.append(
        f"{counted(len(categories), 'Antwort', 'verschiedene Antworten')} als Kategorien; Reihenfolge und Codes prüfen"
    )


def _labelled_entry(column: Column) -> Entry:
    """SPSS value labels: yes/no, scale or single choice."""
    entry = Entry(column.text, column.header, [], [], unworded=not column.label and column.text == column.header)
    missing = set(column.user_missing)
    labels = column.value_labels
    valid = {code: label for code, label in labels.items() if code not in missing}
    whole = {
        code: int(number)
        for code in {*labels, *column.values}
        if (number := parse_float(code)) is not None and number.is_integer()
    }
    unlabelled = sorted((value for value in column.values if value not in labels), key=_natural)
    if not valid or any(code not in whole for code in labels):
        # Codes that are texts (a string variable) or not whole numbers: the cells are what the report shows.
        entry.keys.append(("kind", toml_string(SINGLE)))
        seen = sorted({*column.values, *valid}, key=_natural)
        entry.keys.append(
            ("categories", toml_categories((number, value, False) for number, value in enumerate(seen, 1)))
        )
        described = "; ".join(f"{code} = {label}" for code, label in labels.items())
        entry.comments.append(f"SPSS-Wertelabels: {described}. In den Daten stehen die Werte selbst: Labels prüfen")
        _add_missing(entry, column.user_missing)
        return entry
    codes = sorted(whole[code] for code in valid)
    data_codes = [whole[value] for value in column.values if value in whole]
    if is_yes_no(list(valid.values())) or set(valid) == {"0", "1"}:
        entry.keys.append(("kind", toml_string("yesno")))
        default = {code: label.casefold() for code, label in valid.items()} == {"1": "ja", "0": "nein"}
        labelled_missing = [code for code in labels if code in missing]
        if not default or labelled_missing:
            order = sorted(valid, key=lambda code: (*_yes_first(valid[code]), -whole[code]))
            listed = [(whole[code], valid[code], False) for code in order]
            listed += [(whole[code], labels[code], True) for code in labelled_missing]
            entry.keys.append(("categories", toml_categories(listed)))
        _add_missing(entry, [code for code in column.user_missing if code not in labels])
    elif column.measure in ("ordinal", "scale") or _anchors_only(codes, data_codes):
        low, high = min(codes + data_codes), max(codes + data_codes)
        entry.keys.append(("kind", toml_string("scale")))
        entry.keys.append(("scale", f"{{ min = {low}, max = {high} }}"))
        pairs = ", ".join(
            f"{toml_string(str(whole[code]))} = {toml_string(label)}"
            for code, label in sorted(valid.items(), key=lambda item: whole[item[0]])
        )
        entry.keys.append(("labels", f"{{ {pairs} }}"))
        _add_missing(entry, column.user_missing)
    else:
        entry.keys.append(("kind", toml_string(SINGLE)))
        listed = [(whole[code], valid[code], False) for code in sorted(valid, key=whole.__getitem__)]
        listed += [(whole[value], value, False) for value in unlabelled if value in whole]
        listed += [
            (whole[code], labels[code], True) for code in sorted(labels, key=whole.__getitem__) if code in missing
        ]
        entry.keys.append(("categories", toml_categories(listed)))
        _add_missing(entry, [code for code in column.user_missing if code not in labels])
    if unlabelled:
        entry.comments.append(f"ohne Wertelabel in den Daten: {value_list(unlabelled)}")
    if missing:
        entry.comments.append(f"in SPSS als fehlend definiert: {value_list(column.user_missing)}")
    return entry


def _yes_first(label: str) -> tuple[bool, bool]:
    folded = label.casefold()
    return folded not in YES, folded in NO


def _anchors_only(codes: list[int], data_codes: list[int]) -> bool:
    """Labels only at the ends of a range of whole numbers, the points between them in the data (or none)."""
    return len(codes) == 2 and codes[1] - codes[0] >= 2 and all(codes[0] <= code <= codes[1] for code in data_codes)


def _add_missing(entry: Entry, codes: Iterable[str]) -> None:
    written = [toml_code(code) for code in codes]
    if written:
        entry.keys.append(("missing", "[" + ", ".join(written) + "]"))


def _few_repeating_texts(column: Column) -> bool:
    values = column.values
    return (
        len(values) <= MAX_CATEGORIES
        and all(len(value) <= MAX_LABEL_LENGTH for value in values)
        and sum(values.values()) > len(values)
    )


# Multiple-response sets (dichotomies)


def multiple_entry(group: list[Column]) -> Entry:
    names = [name_of(column) for column in group]
    stem = common_stem(names)
    options: list[tuple[str, str]] = []
    marks: set[str] = set()
    for column, name in zip(group, names, strict=True):
        label = option_label(name[len(stem) :]) or column.header
        options.append((column.header, label))
        for value in column.values:
            folded = value.casefold()
            if folded not in NO and folded != label.casefold():
                marks.add(value)
    text = stem.strip(SEPARATORS) or group[0].header
    entry = Entry(text, None, [("kind", toml_string("multiple"))], [])
    lines = [f"  {{ column = {toml_string(header)}, label = {toml_string(label)} }}," for header, label in options]
    entry.keys.append(("options", "[\n" + "\n".join(lines) + "\n]"))
    if marks and marks != {"1"}:
        entry.keys.append(("selected", toml_array(toml_string(mark) for mark in sorted(marks, key=_natural))))
    entry.comments.append(
        f"{len(group)} Spalten mit einer Markierung oder leer: Mehrfachauswahl; leer zählt als „nicht gewählt“"
    )
    return entry


def _natural(text: str) -> list[Any]:
    """Sort key: numbers inside a text compare as numbers („2 Jahre“ before „10 Jahre“)."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text) if part
    ]
