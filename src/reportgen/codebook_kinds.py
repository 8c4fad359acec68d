"""The codebook's question kinds: which keys each kind takes, checked and turned into a Question's fields."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .codebook_values import (
    Category,
    Coding,
    Option,
    Section,
    categories,
    duplicate,
    is_int,
    is_label,
    is_number,
    item_line,
    number_range,
    number_text,
    text_list,
)
from .fmt import MAX_DECIMALS
from .tables import header_name

Fields = dict[str, Any]
MAX_SCALE_POINTS = 101
YES_NO = (Category(1, "Ja"), Category(0, "Nein"))
ORDERS = ("codebook", "frequency")
FORMATS = ("dichotomies", "codes")


@dataclass(frozen=True)
class Kind:
    """One question kind: its name for messages, its own keys and the function that reads them."""

    noun: str
    keys: tuple[str, ...]
    read: Callable[[Section, dict[str, Any]], Fields]


def _scale(section: Section, entry: dict[str, Any]) -> Fields:
    low, high = _scale_range(section, entry.get("scale"))
    labels = _scale_labels(section, entry.get("labels", {}), low, high, entry.get("missing", []))
    reverse = entry.get("reverse", False)
    if not isinstance(reverse, bool):
        raise section.error("reverse muss true oder false sein.", "reverse", "Beispiel: reverse = true.")
    in_scale = {code: label for code, label in labels.items() if low <= code <= high}
    return {
        "categories": tuple(Category(code, in_scale.get(code, str(code))) for code in range(low, high + 1)),
        "labels": tuple(Category(code, label) for code, label in sorted(in_scale.items())),
        "missing_labels": tuple(label for code, label in labels.items() if code not in in_scale),
        "reverse": reverse,
    }


def _scale_range(section: Section, scale: Any) -> tuple[int, int]:
    hint = "Beispiel: scale = { min = 0, max = 5 }."
    if not isinstance(scale, dict):
        raise section.error("scale fehlt oder ist kein { min = …, max = … }.", "scale" if scale else "kind", hint)
    unknown = sorted(set(scale) - {"min", "max"})
    if unknown:
        hint = "Erlaubt sind min und max." + (
            ' Labels stehen in einer eigenen Zeile: labels = { "1" = "…" }.' if "labels" in unknown else ""
        )
        raise section.error(f"scale: unbekannter Schlüssel „{unknown[0]}“.", "scale", hint)
    if not is_int(scale.get("min")) or not is_int(scale.get("max")):
        raise section.error("scale: min und max müssen ganze Zahlen sein.", "scale", hint)
    low, high = scale["min"], scale["max"]
    if low >= high:
        raise section.error(f"scale: min ({low}) muss kleiner als max ({high}) sein.", "scale", hint)
    if high - low + 1 > MAX_SCALE_POINTS:
        hint += ' Für Anzahlen und Beträge gibt es kind = "numeric".'
        raise section.error(
            f"scale: {high - low + 1} Stufen sind zu viele (höchstens {MAX_SCALE_POINTS}).", "scale", hint
        )
    return low, high


def _scale_labels(section: Section, raw: Any, low: int, high: int, missing: Any) -> dict[int, str]:
    hint = f'Beispiel: labels = {{ "{low}" = "stimme gar nicht zu", "{high}" = "stimme voll zu" }}.'
    if not isinstance(raw, dict):
        raise section.error('labels muss eine Tabelle { "Code" = "Label", … } sein.', "labels", hint)
    missing_codes = {code for code in missing if is_int(code)} if isinstance(missing, list) else set()
    labels: dict[int, str] = {}
    for key, label in raw.items():
        code = _code_key(key)
        if code is None:
            raise section.error(f"labels: „{key}“ ist kein Code (ganze Zahl).", "labels", hint)
        if not low <= code <= high and code not in missing_codes:
            where = f"außerhalb der Skala {low}–{high}"
            raise section.error(f"labels: Code {code} liegt {where} und ist nicht in missing.", "labels", hint)
        if not is_label(label):
            raise section.error(f"labels: das Label für {code} muss ein nicht leerer Text sein.", "labels", hint)
        labels[code] = label.strip()
    twice = duplicate(list(labels.values()))
    if twice is not None:
        raise section.error(
            f"labels: „{twice}“ steht für mehrere Codes.", "labels", "Jeder Code braucht ein eigenes Label."
        )
    return labels


def _code_key(key: str) -> int | None:
    try:
        return int(key.strip())
    except ValueError:
        return None


def _single(section: Section, entry: dict[str, Any]) -> Fields:
    return {"categories": categories(section, entry.get("categories"), allow_missing=True)}


def _yesno(section: Section, entry: dict[str, Any]) -> Fields:
    if "categories" not in entry:
        return {"categories": YES_NO}
    return {"categories": categories(section, entry["categories"], allow_missing=True)}


def _numeric(section: Section, entry: dict[str, Any]) -> Fields:
    unit = entry.get("unit", "")
    if not isinstance(unit, str):
        raise section.error("unit muss ein Text sein.", "unit", 'Beispiel: unit = "€".')
    decimals = entry.get("decimals")
    if decimals is not None and not (is_int(decimals) and 0 <= decimals <= MAX_DECIMALS):
        hint = "decimals ist die Zahl der gezeigten Nachkommastellen, z. B. decimals = 0."
        raise section.error(f"decimals muss eine ganze Zahl von 0 bis {MAX_DECIMALS} sein.", "decimals", hint)
    valid_range = number_range(section, entry["range"]) if "range" in entry else None
    bins = _bins(section, entry.get("bins", []))
    if bins and valid_range and valid_range[0] < bins[0]:
        raise section.error(
            f"bins: die erste Grenze {number_text(bins[0])} liegt über range.min {number_text(valid_range[0])}; "
            "kleinere Werte hätten keine Klasse.",
            "bins",
            f"Beginnen Sie bins mit {number_text(valid_range[0])}.",
        )
    return {"unit": unit.strip(), "decimals": decimals, "valid_range": valid_range, "bins": bins}


def _bins(section: Section, raw: Any) -> tuple[float, ...]:
    hint = "Beispiel: bins = [0, 10, 50, 250] für die Klassen 0–9, 10–49, 50–249 und 250 und mehr."
    if not isinstance(raw, list) or not all(is_number(bound) for bound in raw):
        raise section.error("bins muss eine Liste von Zahlen sein.", "bins", hint)
    if len(raw) == 1:
        raise section.error("bins braucht mindestens zwei Grenzen.", "bins", hint)
    for before, after in itertools.pairwise(raw):
        if after <= before:
            problem = f"bins: {number_text(after)} folgt auf {number_text(before)}; die Grenzen müssen aufsteigen."
            raise section.error(problem, "bins", "Jede Grenze muss größer sein als die vorige. " + hint)
    return tuple(float(bound) for bound in raw)


def _multiple(section: Section, entry: dict[str, Any]) -> Fields:
    form = entry.get("format", "dichotomies")
    if form not in FORMATS:
        hint = 'Erlaubt sind format = "codes" (Spalten mit Codes) oder ohne format die Ja/Nein-Spalten in options.'
        raise section.error(f"format „{form}“ ist unbekannt.", "format", hint)
    own, other = (("options", "selected"), ("columns", "categories"))[:: 1 if form == "dichotomies" else -1]
    stray = next((key for key in other if key in entry), None)
    if stray is not None:
        needs = 'mit format = "codes"' if form == "dichotomies" else "ohne format (eine Ja/Nein-Spalte je Option)"
        raise section.error(f"{stray} gibt es nur {needs}.", stray, f"Verwenden Sie {' und '.join(own)}.")
    fields: Fields = {"format": form, "order": _order(section, entry.get("order", "codebook"))}
    if form == "codes":
        columns = text_list(section, entry.get("columns"), "columns", 'columns = ["f5_1", "f5_2", "f5_3"]')
        fields["columns"] = tuple(header_name(column) for column in columns)
        fields["categories"] = categories(section, entry.get("categories"), allow_missing=False)
        fields["options"] = tuple(Option(c.label, "", c.code) for c in fields["categories"])
    else:
        fields["options"] = _options(section, entry.get("options"))
        fields["selected"] = _selected(section, entry.get("selected", ["1"]))
    return fields


def _order(section: Section, order: Any) -> str:
    if order not in ORDERS:
        hint = 'Erlaubt sind order = "codebook" (Reihenfolge im Codebuch) und order = "frequency" (häufigste zuerst).'
        raise section.error(f"order „{order}“ ist unbekannt.", "order", hint)
    return str(order)


def _options(section: Section, raw: Any) -> tuple[Option, ...]:
    hint = 'Beispiel: options = [{ column = "Maßnahmen: Energie", label = "Energie" }, …].'
    if not isinstance(raw, list) or not raw:
        raise section.error("options fehlt oder ist leer.", "options" if raw is not None else "kind", hint)
    options: list[Option] = []
    for number, item in enumerate(raw, 1):
        where = item_line(section, number, "options")
        if not isinstance(item, dict) or not is_label(item.get("column")) or set(item) - {"column", "label"}:
            problem = f"Option {number}: jede Option braucht column (die Spalte) und darf label haben."
            raise section.error(problem, "options", hint, line=where)
        column: str = item["column"]
        label = item.get("label", column)
        if not isinstance(label, str) or not label.strip():
            raise section.error(f"Option {number}: label muss ein nicht leerer Text sein.", "options", hint, line=where)
        options.append(Option(label.strip(), header_name(column)))
    for attribute, meaning in (("column", "Spalte"), ("label", "Label")):
        twice = duplicate([getattr(option, attribute) for option in options])
        if twice is not None:
            raise section.error(f"die {meaning} „{twice}“ kommt in options mehrfach vor.", "options", hint)
    return tuple(options)


def _selected(section: Section, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(is_int(v) or is_label(v) for v in raw):
        hint = 'Beispiel: selected = ["Ja", "1", "x"].'
        raise section.error("selected muss eine Liste der Werte für „ausgewählt“ sein.", "selected", hint)
    return tuple(str(value).strip() for value in raw)


def _text(section: Section, entry: dict[str, Any]) -> Fields:
    raw = entry.get("coding", [])
    hint = 'Beispiel: coding = [{ label = "Energie", patterns = ["*strom*", "*energie*"] }].'
    if not isinstance(raw, list):
        raise section.error("coding muss eine Liste von Kategorien sein.", "coding", hint)
    codings: list[Coding] = []
    for number, item in enumerate(raw, 1):
        where = item_line(section, number, "coding")
        if not isinstance(item, dict) or set(item) != {"label", "patterns"} or not is_label(item["label"]):
            problem = f"coding {number}: jede Kategorie braucht label (Text) und patterns (Liste von Mustern)."
            raise section.error(problem, "coding", hint, line=where)
        patterns = item["patterns"]
        if not isinstance(patterns, list) or not patterns or not all(is_label(p) for p in patterns):
            problem = f"coding {number}: patterns muss eine Liste nicht leerer Muster sein."
            raise section.error(problem, "coding", hint, line=where)
        codings.append(Coding(item["label"].strip(), tuple(p.strip() for p in patterns)))
    labels = [coding.label for coding in codings]
    twice = duplicate([*labels, OTHER] if labels else [])
    if twice is not None:
        note = " (so heißen die nicht zugeordneten Antworten)" if twice == OTHER else ""
        raise section.error(f"coding: das Label „{twice}“{note} kommt mehrfach vor.", "coding", hint)
    return {"coding": tuple(codings)}


OTHER = "Sonstiges"  # coded free text: the answers no pattern matches

# The one place that maps a kind to its keys and reader; "categorical" is the old name of "single".
READERS: dict[str, Kind] = {
    "scale": Kind("eine Skalenfrage", ("scale", "labels", "reverse"), _scale),
    "single": Kind("eine Einfachauswahl", ("categories",), _single),
    "yesno": Kind("eine Ja/Nein-Frage", ("categories",), _yesno),
    "numeric": Kind("eine Zahlenfrage", ("unit", "decimals", "range", "bins"), _numeric),
    "multiple": Kind(
        "eine Mehrfachauswahl",
        ("options", "selected", "format", "columns", "categories", "order"),
        _multiple,
    ),
    "text": Kind("eine Textfrage", ("coding",), _text),
}
ALIASES = {"categorical": "single"}
