"""Writes the invented survey of this example: data/export.csv and data/export.sav, the same answers twice.

The data are synthetic: drawn from a random generator with a fixed seed, they describe no real company. The CSV
looks like a German online-survey tool's Excel export (cp1252, `;`, decimal commas, question texts as headers,
answer labels in the cells); the .sav holds the same cases with short variable names, the question texts as
variable labels, value labels and the user-missing code 9 („weiß nicht“). Run it from anywhere:

    python make_data.py
"""

from __future__ import annotations

import csv
import datetime
import random
from pathlib import Path

import pandas as pd
import pyreadstat

SEED = 2026
RESPONDENTS = 204
DATA = Path(__file__).resolve().parent / "data"

BRANCHEN = ["Industrie", "Handwerk", "Handel", "Dienstleistungen", "Sonstige Branche"]
SKALA = ["Stimme gar nicht zu", "Stimme eher nicht zu", "Teils/teils", "Stimme eher zu", "Stimme voll zu"]
STRATEGIE = {1: "Ja", 0: "Nein", 9: "weiß nicht"}
TECHNOLOGIEN = ["Cloud-Dienste", "ERP-System", "Künstliche Intelligenz", "Internet der Dinge (IoT)", "Onlineshop"]
HEMMNISSE = [
    "Hohe Kosten",
    "Fachkräftemangel",
    "Datenschutz und IT-Sicherheit",
    "Fehlende Zeit",
    "Langsames Internet",
    "Unklarer Nutzen",
]
WUENSCHE = [
    "Förderprogramme mit weniger Bürokratie",
    "Mehr Fördermittel für kleine Betriebe",
    "Zuschüsse bis 10.000 € für Hardware",
    "Schnelleres Internet am Standort",
    "Glasfaseranschluss",
    "Stabiles Breitband",
    "Schulungen für die Beschäftigten",
    "Weiterbildung zur IT-Sicherheit",
    "Qualifiziertes Personal",
    "Externe Beratung",
    "Mehr Zeit im Tagesgeschäft",
    "Einheitliche Schnittstellen",
]

# (SPSS name, CSV header = SPSS variable label)
META = [
    ("lfdn", "lfdn"),
    ("startzeit", "Startzeit"),
    ("endzeit", "Endzeit"),
    ("browser", "Browser"),
]
QUESTIONS = [
    ("q1", "In welcher Branche ist Ihr Unternehmen hauptsächlich tätig?"),
    ("q2", "Wie viele Beschäftigte hat Ihr Unternehmen?"),
    ("q3_1", "Digitalisierung ist für unser Geschäftsmodell entscheidend."),
    ("q3_2", "Unsere Beschäftigten sind für digitale Werkzeuge gut qualifiziert."),
    ("q3_3", "Die Digitalisierung überfordert unser Unternehmen."),
    ("q4", "Hat Ihr Unternehmen eine schriftliche Digitalisierungsstrategie?"),
    *((f"q5_{i}", f"Eingesetzte Technologien: {t}") for i, t in enumerate(TECHNOLOGIEN, 1)),
    *((f"q6_{i}", f"Größte Hemmnisse der Digitalisierung ({i}. Nennung)") for i in range(1, 4)),
    ("q7", "Wie viel hat Ihr Unternehmen 2025 je Beschäftigten in Digitalisierung investiert (in €)?"),
    ("q8", "Was würde Ihrem Unternehmen bei der Digitalisierung am meisten helfen?"),
]


def coded(labels: list[str]) -> dict[int, str]:
    return dict(enumerate(labels, 1))


# The labels of the coded questions: the CSV shows them in the cells, the .sav as value labels.
VALUE_LABELS: dict[str, dict[int, str]] = {
    "q1": coded(BRANCHEN),
    **{f"q3_{i}": coded(SKALA) for i in range(1, 4)},
    "q4": STRATEGIE,
    **{f"q5_{i}": {1: "Ja"} for i in range(1, len(TECHNOLOGIEN) + 1)},
    **{f"q6_{i}": coded(HEMMNISSE) for i in range(1, 4)},
}

Answer = int | float | str | datetime.datetime | None


def respondent(rng: random.Random, number: int) -> dict[str, Answer]:
    """One company's answers as codes (None = not answered)."""
    start = datetime.datetime(2026, 2, 2, 8) + datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
    size = max(1, round(rng.lognormvariate(3.2, 1.3)))
    big = size >= 50
    row: dict[str, Answer] = {
        "lfdn": number,
        "startzeit": start,
        "endzeit": start + datetime.timedelta(seconds=rng.randrange(180, 1500)),
        "browser": rng.choice(["Firefox 135", "Chrome 133", "Edge 133", "Safari 18"]),
        "q1": rng.choices(range(1, 6), weights=[30, 22, 18, 24, 6])[0] if rng.random() > 0.02 else None,
        "q2": size if rng.random() > 0.06 else None,
    }
    leaning = rng.gauss(0.6 if big else 0.0, 1.0)
    for item, shift in (("q3_1", 0.8), ("q3_2", 0.0), ("q3_3", -0.5)):
        sign = -1 if item == "q3_3" else 1
        value = round(3 + shift + sign * 0.7 * leaning + rng.gauss(0, 0.9))
        row[item] = min(5, max(1, value)) if rng.random() > 0.04 else None
    strategy = rng.random()
    row["q4"] = None if strategy < 0.03 else 9 if strategy < 0.13 else int(rng.random() < (0.6 if big else 0.3))
    chosen = [rng.random() < p for p in (0.7, 0.45 if not big else 0.8, 0.2, 0.15, 0.3)]
    answered = rng.random() > 0.05
    for i, pick in enumerate(chosen, 1):
        row[f"q5_{i}"] = 1 if answered and pick else None
    obstacles = weighted_sample(rng, [34, 22, 18, 14, 8, 4], k=rng.choice([0, 1, 2, 3, 3, 3]))
    for i in range(1, 4):
        row[f"q6_{i}"] = obstacles[i - 1] if i <= len(obstacles) else None
    euros = round(rng.lognormvariate(6.6, 0.7), rng.choice([0, 2]))
    row["q7"] = euros if rng.random() > 0.12 else None
    row["q8"] = rng.choice(WUENSCHE) if rng.random() < 0.4 else None
    return row


def weighted_sample(rng: random.Random, weights: list[int], k: int) -> list[int]:
    """k different codes (1, 2, …), each drawn with its weight among those left."""
    left = dict(enumerate(weights, 1))
    drawn = []
    for _ in range(k):
        code = rng.choices(list(left), weights=list(left.values()))[0]
        drawn.append(code)
        del left[code]
    return drawn


def german(value: float) -> str:
    """1234.5 -> 1234,5 and 80.0 -> 80, as the survey tool exports numbers."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def csv_cell(name: str, value: Answer) -> str:
    """One cell as the survey tool's Excel export shows it: a label, a German number or empty."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S")
    if name in VALUE_LABELS:
        return VALUE_LABELS[name][int(value)]
    if isinstance(value, float):
        return german(value)
    return str(value)


def write_csv(rows: list[dict[str, Answer]]) -> None:
    with (DATA / "export.csv").open("w", encoding="cp1252", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow([header for _, header in META + QUESTIONS])
        writer.writerows([csv_cell(name, row[name]) for name, _ in META + QUESTIONS] for row in rows)


def write_sav(rows: list[dict[str, Answer]]) -> None:
    names = [name for name, _ in META + QUESTIONS]
    frame = pd.DataFrame([[row[name] for name in names] for row in rows], columns=names)
    for name in names:
        if name not in {"startzeit", "endzeit", "browser", "q8"}:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    frame["q8"] = frame["q8"].fillna("")
    value_labels = {
        name: {float(code): label for code, label in labels.items()} for name, labels in VALUE_LABELS.items()
    }
    pyreadstat.write_sav(
        frame,
        str(DATA / "export.sav"),
        column_labels=dict(META + QUESTIONS),
        variable_value_labels=value_labels,
        missing_ranges={"q4": [9.0]},
        variable_measure={"q2": "scale", "q7": "scale", **{f"q3_{i}": "ordinal" for i in range(1, 4)}},
    )
    fix_creation_stamp(DATA / "export.sav")


def fix_creation_stamp(path: Path) -> None:
    """SPSS headers carry the time of writing; a fixed one makes the file the same on every run."""
    data = bytearray(path.read_bytes())
    assert data[92:109].decode("ascii")[2] == " ", "unexpected .sav header"
    data[92:109] = b"15 Apr 2612:00:00"  # creation date (dd mmm yy) and time (hh:mm:ss)
    path.write_bytes(bytes(data))


def main() -> None:
    rng = random.Random(SEED)
    rows = [respondent(rng, number) for number in range(1001, 1001 + RESPONDENTS)]
    DATA.mkdir(exist_ok=True)
    write_csv(rows)
    write_sav(rows)


if __name__ == "__main__":
    main()
