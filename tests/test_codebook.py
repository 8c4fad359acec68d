"""The codebook: what a valid one gives, and one message with the right line for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.codebook import MAX_SCALE_POINTS, Category, parse_codebook
from reportgen.errors import DataError, ReportError, ReportErrors
from reportgen.files import decode_text

REPO = Path(__file__).resolve().parent.parent

GOOD = """\
# comment
[zufriedenheit]
kind = "scale"
text = "Wie zufrieden sind Sie?"
label = "Zufriedenheit"
scale = { min = 1, max = 5 }
missing = [-9]

[geschlecht]
kind = "categorical"
text = "Geschlecht"
categories = [
  { code = 1, label = "männlich" },
  { code = 2, label = " weiblich " },
]

[anmerkung]
kind = "text"
text = "Anmerkungen"
"""


def codebook_error(text: str | bytes) -> str:
    """The message for a broken codebook; bytes are decoded first, as the caller does with files.read_text."""
    with pytest.raises(ReportError) as caught:
        if isinstance(text, bytes):
            text = decode_text(text, "data/codebook.toml", DataError)
        parse_codebook(text, "data/codebook.toml")
    items = caught.value.errors if isinstance(caught.value, ReportErrors) else [caught.value]
    assert all(isinstance(item, DataError) for item in items)
    return str(caught.value)


def test_valid_codebook() -> None:
    codebook = parse_codebook(GOOD, "data/codebook.toml")
    assert codebook.ids == ("zufriedenheit", "geschlecht", "anmerkung")
    scale = codebook["zufriedenheit"]
    assert scale.is_scale and scale.codes == (1, 2, 3, 4, 5) and scale.missing_codes == (-9,)
    assert scale.line == 2 and scale.label == "Zufriedenheit"
    assert codebook["geschlecht"].categories == (Category(1, "männlich"), Category(2, "weiblich"))
    assert codebook["anmerkung"].label == "Anmerkungen"  # label defaults to the text
    with pytest.raises(KeyError):
        codebook["nope"]


def test_study_codebook_loads() -> None:
    codebook = parse_codebook((REPO / "data" / "codebook.toml").read_text(encoding="utf-8"), "data/codebook.toml")
    assert "strategie" in codebook.ids


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            replace('kind = "scale"', 'kind = "skala"'),
            'data/codebook.toml, Zeile 3: [zufriedenheit] kind „skala“ ist unbekannt. Meinten Sie „scale“? Erlaubt sind: "scale"',
            id="kind-typo",
        ),
        pytest.param(
            replace('kind = "scale"\n', ""),
            'data/codebook.toml, Zeile 2: [zufriedenheit] kind fehlt. Ergänzen Sie kind = "scale"',
            id="kind-missing",
        ),
        pytest.param(
            replace('label = "Zufriedenheit"', 'lable = "Zufriedenheit"'),
            "data/codebook.toml, Zeile 5: [zufriedenheit] unbekannter Schlüssel „lable“. Meinten Sie „label“?",
            id="unknown-key",
        ),
        pytest.param(
            replace('text = "Wie zufrieden sind Sie?"\n', ""),
            "data/codebook.toml, Zeile 2: [zufriedenheit] text fehlt: der Wortlaut der Frage.",
            id="text-missing",
        ),
        pytest.param(
            replace('text = "Wie zufrieden sind Sie?"', 'text = "  "'),
            "data/codebook.toml, Zeile 4: [zufriedenheit] text muss ein nicht leerer Text sein",
            id="text-blank",
        ),
        pytest.param(
            replace('label = "Zufriedenheit"', "label = 3"),
            "data/codebook.toml, Zeile 5: [zufriedenheit] label muss ein nicht leerer Text sein",
            id="label-number",
        ),
        pytest.param(
            replace("scale = { min = 1, max = 5 }", "scale = { min = 5, max = 1 }"),
            "data/codebook.toml, Zeile 6: [zufriedenheit] scale: min (5) muss kleiner als max (1) sein.",
            id="scale-reversed",
        ),
        pytest.param(
            replace("scale = { min = 1, max = 5 }", "scale = { min = 1, max = 5.5 }"),
            "data/codebook.toml, Zeile 6: [zufriedenheit] scale: min und max müssen ganze Zahlen sein.",
            id="scale-float",
        ),
        pytest.param(
            replace("scale = { min = 1, max = 5 }", "scale = { min = 0, max = 1000 }"),
            f"Zeile 6: [zufriedenheit] scale: 1001 Stufen sind zu viele (höchstens {MAX_SCALE_POINTS}).",
            id="scale-huge",
        ),
        pytest.param(
            replace("scale = { min = 1, max = 5 }", 'scale = { min = 1, max = 5, labels = ["a"] }'),
            "Zeile 6: [zufriedenheit] scale: unbekannter Schlüssel „labels“.",
            id="scale-labels",
        ),
        pytest.param(
            replace("scale = { min = 1, max = 5 }\n", ""),
            "data/codebook.toml, Zeile 3: [zufriedenheit] scale fehlt oder ist kein { min = …, max = … }.",
            id="scale-missing",
        ),
        pytest.param(
            replace("missing = [-9]", 'missing = ["-9"]'),
            "Zeile 7: [zufriedenheit] missing: „-9“ ist eine Zahl in Anführungszeichen. Schreiben Sie Codes ohne "
            "Anführungszeichen: missing = [-9].",
            id="missing-number-string",
        ),
        pytest.param(
            replace("missing = [-9]", "missing = [1.5]"),
            "Zeile 7: [zufriedenheit] missing muss eine Liste von Codes (ganze Zahlen) oder Labels sein.",
            id="missing-float",
        ),
        pytest.param(
            replace("missing = [-9]", "missing = [5]"),
            "Zeile 7: [zufriedenheit] Code 5 ist zugleich gültig und fehlend.",
            id="missing-clash",
        ),
        pytest.param(
            replace('{ code = 2, label = " weiblich " }', '{ code = 1, label = "weiblich" }'),
            "data/codebook.toml, Zeile 14: [geschlecht] code „1“ kommt mehrfach vor.",
            id="duplicate-code",
        ),
        pytest.param(
            replace('{ code = 2, label = " weiblich " }', '{ code = 2, label = "männlich" }'),
            "data/codebook.toml, Zeile 14: [geschlecht] label „männlich“ kommt mehrfach vor.",
            id="duplicate-label",
        ),
        pytest.param(
            replace('{ code = 2, label = " weiblich " }', '{ code = "2", label = "weiblich" }'),
            "data/codebook.toml, Zeile 14: [geschlecht] Kategorie 2: jede Kategorie braucht code (ganze Zahl)",
            id="code-string",
        ),
        pytest.param(
            replace('{ code = 2, label = " weiblich " }', '{ code = 2, label = "" }'),
            "data/codebook.toml, Zeile 14: [geschlecht] Kategorie 2:",
            id="label-empty",
        ),
        pytest.param(
            replace(
                'categories = [\n  { code = 1, label = "männlich" },\n  { code = 2, label = " weiblich " },\n]\n', ""
            ),
            "data/codebook.toml, Zeile 10: [geschlecht] categories fehlt oder ist leer.",
            id="categories-missing",
        ),
        pytest.param(
            GOOD + "scale = { min = 1, max = 2 }\n",
            'data/codebook.toml, Zeile 20: [anmerkung] eine Textfrage (kind = "text") hat kein scale. Entfernen Sie scale',
            id="text-with-scale",
        ),
        pytest.param(
            'titel = "Umfrage"\n' + GOOD,
            "data/codebook.toml, Zeile 1: [titel] muss ein Abschnitt sein, kein einzelner Wert.",
            id="top-level-value",
        ),
        pytest.param("# leer\n", "data/codebook.toml: Das Codebuch enthält keine Frage.", id="empty"),
        pytest.param(
            replace("[geschlecht]", "[geschlecht"),
            "data/codebook.toml, Zeile 9: TOML-Syntaxfehler: „]“ fehlt am Ende der Abschnittsüberschrift",
            id="syntax-header",
        ),
        pytest.param(
            replace('text = "Geschlecht"', 'text = "Geschlecht'),
            "data/codebook.toml, Zeile 11: TOML-Syntaxfehler: ein Anführungszeichen wird nicht geschlossen",
            id="syntax-quote",
        ),
        pytest.param(
            GOOD + "[geschlecht]\n",
            "data/codebook.toml, Zeile 20: TOML-Syntaxfehler: der Abschnitt kommt doppelt vor",
            id="duplicate-question",
        ),
        pytest.param(
            GOOD.encode("cp1252"),
            "data/codebook.toml, Zeile 13: Die Datei ist kein UTF-8-Text. Speichern Sie sie im Editor mit der Kodierung UTF-8.",
            id="cp1252",
        ),
    ],
)
def test_codebook_mistakes(text: str | bytes, expected: str) -> None:
    message = codebook_error(text)
    assert expected in message
    assert message.startswith("data/codebook.toml")


def test_every_question_is_checked() -> None:
    text = replace('kind = "scale"', 'kind = "skala"').replace("code = 2", "code = 1")
    with pytest.raises(ReportErrors) as caught:
        parse_codebook(text, "data/codebook.toml")
    assert [str(error).split(":")[0] for error in caught.value.errors] == [
        "data/codebook.toml, Zeile 3",
        "data/codebook.toml, Zeile 14",
    ]


def test_errors_are_data_errors() -> None:
    with pytest.raises(DataError, match=r"^data/codebook.toml, Zeile 9: TOML-Syntaxfehler"):
        parse_codebook(replace("[geschlecht]", "[geschlecht"), "data/codebook.toml")
    with pytest.raises(DataError, match=r"^data/codebook.toml, Zeile 3: \[zufriedenheit\] kind"):
        parse_codebook(replace('kind = "scale"', 'kind = "skala"'), "data/codebook.toml")


ID_RULE = (
    "ungültiger Fragename: erlaubt sind Buchstaben a–z und A–Z, Ziffern, _ und -, am Anfang ein Buchstabe oder "
    "eine Ziffer. Benennen Sie die Frage und ihre Spalte in den Antworten um, z. B. [frage_1]."
)


@pytest.mark.parametrize(
    "question_id",
    ["x/../../../../name", "..", "a.b", "a\\\\b", "_versteckt", "-x", "größe", "a b", "frage\u200b", "C:x"],
)
def test_question_ids_that_could_become_paths_are_refused(question_id: str) -> None:
    text = GOOD.replace("[geschlecht]", f'["{question_id}"]')
    shown = question_id.replace("\\\\", "\\")
    assert codebook_error(text) == f"data/codebook.toml, Zeile 9: [{shown}] {ID_RULE}"


@pytest.mark.parametrize("question_id", ["f1", "F_2-b", "1a", "frage_1"])
def test_question_ids_from_letters_digits_underscore_and_hyphen(question_id: str) -> None:
    codebook = parse_codebook(GOOD.replace("[geschlecht]", f"[{question_id}]"), "data/codebook.toml")
    assert question_id in codebook.ids


def test_question_ids_differing_only_in_case_are_refused() -> None:
    text = GOOD.replace("[geschlecht]", "[Zufriedenheit]")
    assert codebook_error(text) == (
        "data/codebook.toml, Zeile 9: [Zufriedenheit] unterscheidet sich von [zufriedenheit] nur in Groß- und "
        "Kleinschreibung. Benennen Sie eine der beiden Fragen und ihre Spalte in den Antworten um, "
        "z. B. [zufriedenheit_2]."
    )
