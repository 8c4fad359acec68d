"""The codebook's question kinds: every kind and key read as written, every mistake one message at its line."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.codebook import KINDS, Category, Coding, Option, parse_codebook
from reportgen.errors import DataError, ReportError, ReportErrors
from test_fuzz import FAST, VALUE, result_or_located_error, toml_document

FILE = "data/codebook.toml"

KINDS_CODEBOOK = """\
ignore = ["Startzeit", "Browser*"]

[zufriedenheit]
kind = "scale"
text = "Wie zufrieden sind Sie?"
column = "Wie zufrieden sind Sie insgesamt?"
scale = { min = 1, max = 5 }
labels = { "1" = "gar nicht zufrieden", 5 = "sehr zufrieden", "9" = "weiß nicht" }
missing = [9]
reverse = true

[branche]
kind = "single"
text = "Branche"
categories = [
  { code = 1, label = "Industrie" },
  { code = 2, label = "Handel" },
  { code = 99, label = "keine Angabe", missing = true },
]

[alt]
kind = "categorical"
text = "Alte Schreibweise"
categories = [{ code = 1, label = "A" }]

[foerderung]
kind = "yesno"
text = "Gefördert?"

[zertifikat]
kind = "yesno"
text = "Zertifiziert?"
categories = [
  { code = 1, label = "ja" },
  { code = 2, label = "nein" },
  { code = 8, label = "weiß nicht", missing = true },
]

[mitarbeitende]
kind = "numeric"
text = "Wie viele Beschäftigte hat Ihr Unternehmen?"
column = "Wie viele Beschäftigte hat Ihr Unternehmen?"
range = { min = 0, max = 100000 }
bins = [0, 10, 50, 250]
missing = [-9, "k. A."]

[umsatz]
kind = "numeric"
text = "Umsatz"
unit = "€"
decimals = 2
bins = [0, 2.5, 10]

[massnahmen]
kind = "multiple"
text = "Welche Maßnahmen setzen Sie um?"
options = [
  { column = "Maßnahmen: Energie", label = "Energie" },
  { column = "Maßnahmen: Wasser" },
]
selected = ["Ja", 1, "x"]
order = "frequency"

[ziele]
kind = "multiple"
text = "Ziele"
format = "codes"
columns = ["ziel_1", "ziel_2"]
categories = [{ code = 1, label = "Kosten" }, { code = 2, label = "Klima" }]

[anmerkung]
kind = "text"
text = "Anmerkungen"
missing = ["-"]
coding = [
  { label = "Energie", patterns = ["*strom*", "*energie*"] },
  { label = "Kosten", patterns = ["*kosten*"] },
]
"""


def parse(text: str = KINDS_CODEBOOK):
    return parse_codebook(text, FILE)


def error_of(text: str) -> str:
    with pytest.raises(ReportError) as caught:
        parse(text)
    items = caught.value.errors if isinstance(caught.value, ReportErrors) else [caught.value]
    assert all(isinstance(item, DataError) for item in items)
    return str(caught.value)


def test_every_kind_is_known() -> None:
    assert set(KINDS) == {"scale", "single", "yesno", "numeric", "multiple", "text"}


def test_ignore_and_columns() -> None:
    codebook = parse()
    assert codebook.ignore == ("Startzeit", "Browser*")
    assert codebook["zufriedenheit"].column == "Wie zufrieden sind Sie insgesamt?"
    assert codebook["branche"].column == "branche"  # default: the id
    assert codebook["mitarbeitende"].source_columns == ("Wie viele Beschäftigte hat Ihr Unternehmen?",)
    assert codebook["massnahmen"].source_columns == ("Maßnahmen: Energie", "Maßnahmen: Wasser")
    assert codebook["ziele"].source_columns == ("ziel_1", "ziel_2")


def test_scale_with_labels_reverse_and_a_labelled_missing_code() -> None:
    question = parse()["zufriedenheit"]
    assert question.is_scale and question.reverse
    assert question.codes == (1, 2, 3, 4, 5)
    assert [c.label for c in question.categories] == ["gar nicht zufrieden", "2", "3", "4", "sehr zufrieden"]
    assert question.labels == (Category(1, "gar nicht zufrieden"), Category(5, "sehr zufrieden"))
    assert question.missing_codes == (9,) and question.missing_labels == ("weiß nicht",)


def test_single_and_its_old_name() -> None:
    codebook = parse()
    branche = codebook["branche"]
    assert branche.kind == "single" and codebook["alt"].kind == "single"
    assert branche.categories[-1] == Category(99, "keine Angabe", missing=True)
    assert branche.valid_codes == (1, 2) and branche.codes == (1, 2, 99)


def test_yesno_default_and_own_categories() -> None:
    codebook = parse()
    assert codebook["foerderung"].categories == (Category(1, "Ja"), Category(0, "Nein"))
    assert codebook["zertifikat"].categories[-1] == Category(8, "weiß nicht", missing=True)


def test_numeric_keys() -> None:
    codebook = parse()
    count = codebook["mitarbeitende"]
    assert count.is_numeric and count.valid_range == (0.0, 100000.0) and count.bins == (0.0, 10.0, 50.0, 250.0)
    assert count.missing_codes == (-9,) and count.missing_labels == ("k. A.",)
    assert (count.unit, count.decimals) == ("", None)
    money = codebook["umsatz"]
    assert (money.unit, money.decimals, money.valid_range, money.bins) == ("€", 2, None, (0.0, 2.5, 10.0))


def test_multiple_in_both_formats() -> None:
    codebook = parse()
    dichotomies = codebook["massnahmen"]
    assert dichotomies.is_multiple and dichotomies.format == "dichotomies" and dichotomies.order == "frequency"
    assert dichotomies.options == (
        Option("Energie", "Maßnahmen: Energie"),
        Option("Maßnahmen: Wasser", "Maßnahmen: Wasser"),  # label defaults to the column
    )
    assert dichotomies.selected == ("Ja", "1", "x")
    codes = codebook["ziele"]
    assert codes.format == "codes" and codes.order == "codebook" and codes.columns == ("ziel_1", "ziel_2")
    assert codes.options == (Option("Kosten", "", 1), Option("Klima", "", 2))
    assert codebook["foerderung"].selected == ()  # only multiple sets have selected values


def test_multiple_dichotomies_default_selected_value() -> None:
    text = '[m]\nkind = "multiple"\ntext = "M"\noptions = [{ column = "a" }]\n'
    assert parse(text)["m"].selected == ("1",)


def test_text_coding() -> None:
    question = parse()["anmerkung"]
    assert question.coding == (Coding("Energie", ("*strom*", "*energie*")), Coding("Kosten", ("*kosten*",)))
    assert question.missing_labels == ("-",)


def replace(old: str, new: str) -> str:
    assert old in KINDS_CODEBOOK, old
    return KINDS_CODEBOOK.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


MISTAKES = [
    # (id, the codebook's text, the line to blame (a text on it), the message after "[question] ")
    ("kind-unknown", replace('kind = "single"', 'kind = "einfach"'), 'kind = "einfach"',
     "[branche] kind „einfach“ ist unbekannt."),
    ("key-of-other-kind", replace('kind = "yesno"\ntext = "Gefördert?"', 'kind = "yesno"\ntext = "Gefördert?"\nbins = [0, 1]'),
     "bins = [0, 1]", '[foerderung] eine Ja/Nein-Frage (kind = "yesno") hat kein bins. Entfernen Sie bins oder ändern Sie kind, '
     'z. B. kind = "numeric".'),
    ("unknown-key", replace('unit = "€"', 'einheit = "€"'), 'einheit = "€"', "[umsatz] unbekannter Schlüssel „einheit“."),
    ("key-typo", replace("reverse = true", "revers = true"), "revers = true",
     "[zufriedenheit] unbekannter Schlüssel „revers“. Meinten Sie „reverse“?"),
    ("scale-column-empty", replace('column = "Wie zufrieden sind Sie insgesamt?"', 'column = " "'), 'column = " "',
     "[zufriedenheit] column muss ein nicht leerer Text sein."),
    ("labels-out-of-scale", replace('"9" = "weiß nicht"', '"7" = "weiß nicht"'), "labels =",
     "[zufriedenheit] labels: Code 7 liegt außerhalb der Skala 1–5 und ist nicht in missing."),
    ("labels-not-a-code", replace('"9" = "weiß nicht"', '"neun" = "weiß nicht"'), "labels =",
     "[zufriedenheit] labels: „neun“ ist kein Code (ganze Zahl)."),
    ("labels-twice", replace('5 = "sehr zufrieden"', '5 = "gar nicht zufrieden"'), "labels =",
     "[zufriedenheit] labels: „gar nicht zufrieden“ steht für mehrere Codes."),
    ("labels-not-a-table", replace('labels = { "1" = "gar nicht zufrieden", 5 = "sehr zufrieden", "9" = "weiß nicht" }',
     'labels = ["gar nicht", "voll"]'), "labels =", "[zufriedenheit] labels muss eine Tabelle"),
    ("reverse-text", replace("reverse = true", 'reverse = "ja"'), "reverse =",
     "[zufriedenheit] reverse muss true oder false sein."),
    ("category-missing-not-bool", replace("missing = true },\n]", 'missing = "ja" },\n]'), "code = 99",
     "[branche] Kategorie 3: missing muss true oder false sein."),
    ("category-unknown-key", replace('{ code = 2, label = "Handel" }', '{ code = 2, label = "Handel", farbe = "rot" }'),
     "code = 2", "[branche] Kategorie 2: unbekannter Schlüssel „farbe“."),
    ("all-categories-missing", replace('categories = [{ code = 1, label = "A" }]',
     'categories = [{ code = 1, label = "A", missing = true }]'), "categories = [{ code = 1",
     "[alt] categories: alle Kategorien sind fehlend (missing = true)."),
    ("missing-code-is-a-missing-category", replace('kind = "single"\ntext = "Branche"',
     'kind = "single"\ntext = "Branche"\nmissing = [99]'), "missing = [99]",
     "[branche] Code 99 ist schon als Kategorie mit missing = true fehlend."),
    ("missing-label-is-a-category", replace('kind = "yesno"\ntext = "Gefördert?"', 'kind = "yesno"\ntext = "Gefördert?"\nmissing = ["ja"]'),
     'missing = ["ja"]', "[foerderung] „Ja“ ist zugleich Label einer Kategorie und fehlend."),
    ("bins-not-increasing", replace("bins = [0, 10, 50, 250]", "bins = [0, 50, 10, 250]"), "bins = [0, 50",
     "[mitarbeitende] bins: 10 folgt auf 50; die Grenzen müssen aufsteigen."),
    ("bins-repeated", replace("bins = [0, 10, 50, 250]", "bins = [0, 10, 10, 250]"), "bins = [0, 10, 10",
     "[mitarbeitende] bins: 10 folgt auf 10; die Grenzen müssen aufsteigen."),
    ("bins-text", replace("bins = [0, 10, 50, 250]", 'bins = ["0", "10"]'), "bins =",
     "[mitarbeitende] bins muss eine Liste von Zahlen sein."),
    ("bins-one", replace("bins = [0, 10, 50, 250]", "bins = [0]"), "bins =",
     "[mitarbeitende] bins braucht mindestens zwei Grenzen."),
    ("bins-above-range", replace("bins = [0, 10, 50, 250]", "bins = [1, 10, 50, 250]"), "bins =",
     "[mitarbeitende] bins: die erste Grenze 1 liegt über range.min 0; kleinere Werte hätten keine Klasse."),
    ("range-reversed", replace("range = { min = 0, max = 100000 }", "range = { min = 10, max = 1 }"), "range =",
     "[mitarbeitende] range: min (10) muss kleiner als max (1) sein."),
    ("range-keys", replace("range = { min = 0, max = 100000 }", "range = { von = 0, bis = 9 }"), "range =",
     "[mitarbeitende] range muss { min = Zahl, max = Zahl } sein."),
    ("decimals-too-many", replace("decimals = 2", "decimals = 7"), "decimals =",
     "[umsatz] decimals muss eine ganze Zahl von 0 bis 4 sein."),
    ("unit-number", replace('unit = "€"', "unit = 1"), "unit =", "[umsatz] unit muss ein Text sein."),
    ("options-empty", replace('options = [\n  { column = "Maßnahmen: Energie", label = "Energie" },\n  { column = "Maßnahmen: Wasser" },\n]',
     "options = []"), "options = []", "[massnahmen] options fehlt oder ist leer."),
    ("option-without-column", replace('{ column = "Maßnahmen: Wasser" }', '{ label = "Wasser" }'), '{ label = "Wasser" }',
     "[massnahmen] Option 2: jede Option braucht column (die Spalte) und darf label haben."),
    ("option-column-twice", replace('{ column = "Maßnahmen: Wasser" }', '{ column = "Maßnahmen: Energie", label = "E2" }'),
     "options = [", "[massnahmen] die Spalte „Maßnahmen: Energie“ kommt in options mehrfach vor."),
    ("selected-empty", replace('selected = ["Ja", 1, "x"]', "selected = []"), "selected =",
     "[massnahmen] selected muss eine Liste der Werte für „ausgewählt“ sein."),
    ("order-unknown", replace('order = "frequency"', 'order = "häufigkeit"'), "order =",
     "[massnahmen] order „häufigkeit“ ist unbekannt."),
    ("format-unknown", replace('format = "codes"', 'format = "kodes"'), "format =", "[ziele] format „kodes“ ist unbekannt."),
    ("codes-format-with-options", replace('columns = ["ziel_1", "ziel_2"]', 'options = [{ column = "ziel_1" }]'),
     'options = [{ column = "ziel_1" }]',
     "[ziele] options gibt es nur ohne format (eine Ja/Nein-Spalte je Option). Verwenden Sie columns und categories."),
    ("dichotomies-with-columns", replace('selected = ["Ja", 1, "x"]', 'columns = ["a"]'), "columns =",
     '[massnahmen] columns gibt es nur mit format = "codes". Verwenden Sie options und selected.'),
    ("codes-format-columns-twice", replace('columns = ["ziel_1", "ziel_2"]', 'columns = ["ziel_1", "ziel_1"]'), "columns =",
     "[ziele] columns: „ziel_1“ kommt mehrfach vor."),
    ("codes-format-missing-category", replace('{ code = 2, label = "Klima" }]', '{ code = 2, label = "Klima", missing = true }]'),
     'categories = [{ code = 1, label = "Kosten" }', "[ziele] Kategorie 2: unbekannter Schlüssel „missing“ (fehlende Codes stehen hier in missing = [...])."),
    ("multiple-with-column", replace('kind = "multiple"\ntext = "Ziele"', 'kind = "multiple"\ntext = "Ziele"\ncolumn = "z"'),
     'column = "z"', '[ziele] eine Mehrfachauswahl (kind = "multiple") hat kein column. Die Spalten einer Mehrfachauswahl'),
    ("coding-without-patterns", replace('{ label = "Kosten", patterns = ["*kosten*"] }', '{ label = "Kosten" }'),
     '{ label = "Kosten" }', "[anmerkung] coding 2: jede Kategorie braucht label (Text) und patterns (Liste von Mustern)."),
    ("coding-empty-pattern", replace('patterns = ["*kosten*"]', 'patterns = [" "]'), 'patterns = [" "]',
     "[anmerkung] coding 2: patterns muss eine Liste nicht leerer Muster sein."),
    ("coding-other", replace('{ label = "Kosten", patterns', '{ label = "Sonstiges", patterns'), "coding = [",
     "[anmerkung] coding: das Label „Sonstiges“ (so heißen die nicht zugeordneten Antworten) kommt mehrfach vor."),
    ("column-twice", replace('[foerderung]\nkind = "yesno"', '[foerderung]\nkind = "yesno"\ncolumn = "branche"'),
     'column = "branche"', "[foerderung] die Spalte „branche“ gehört schon zu [branche]."),
    ("option-column-of-another-question", replace('{ column = "Maßnahmen: Wasser" }', '{ column = "umsatz" }'),
     "options = [", "[massnahmen] die Spalte „umsatz“ gehört schon zu [umsatz]."),
    ("ignore-not-a-list", replace('ignore = ["Startzeit", "Browser*"]', 'ignore = "Startzeit"'), "ignore =",
     "ignore muss eine Liste von Spaltennamen oder Mustern sein."),
    ("missing-mixed-badly", replace('missing = [-9, "k. A."]', 'missing = [-9, 1.5]'), "missing = [-9, 1.5]",
     "[mitarbeitende] missing muss eine Liste von Codes (ganze Zahlen) oder Labels sein."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "blamed", "message"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_mistakes_name_the_line(text: str, blamed: str, message: str) -> None:
    assert error_of(text).startswith(f"{FILE}, Zeile {line_of(text, blamed)}: {message}")


def test_only_ignore_is_no_codebook() -> None:
    assert error_of('ignore = ["x"]\n') == f"{FILE}: Das Codebuch enthält keine Frage. " + (
        "Legen Sie für jede Frage einen Abschnitt [name] an."
    )


def test_a_question_called_ignore_is_a_question() -> None:
    codebook = parse('[ignore]\nkind = "text"\ntext = "Eine Frage namens ignore"\n')
    assert codebook.ids == ("ignore",) and codebook.ignore == ()


def test_every_question_with_a_new_kind_is_checked() -> None:
    text = replace("bins = [0, 10, 50, 250]", "bins = [0, 50, 10]").replace('order = "frequency"', 'order = "x"')
    with pytest.raises(ReportErrors) as caught:
        parse(text)
    assert [str(error).split(":")[0] for error in caught.value.errors] == [
        f"{FILE}, Zeile {line_of(text, 'bins = [0, 50, 10]')}",
        f"{FILE}, Zeile {line_of(text, 'order = ')}",
    ]


# Random values for the new keys: a codebook or located DataErrors, never another exception.

NEW_KEYS = ["labels", "reverse", "categories", "unit", "decimals", "range", "bins", "options", "selected", "format",
            "columns", "order", "coding", "column", "missing", "kind"]  # fmt: skip


@FAST
@given(question=st.sampled_from(sorted(tomllib.loads(KINDS_CODEBOOK).keys() - {"ignore"})),
       key=st.sampled_from(NEW_KEYS), value=VALUE, split=st.booleans())  # fmt: skip
def test_random_values_for_the_new_keys(question: str, key: str, value: object, split: bool) -> None:
    document = tomllib.loads(KINDS_CODEBOOK)
    top = {"ignore": document.pop("ignore")}
    document[question][key] = value
    text = toml_document(document, top, split)
    result = result_or_located_error(lambda: parse_codebook(text, FILE), DataError, FILE, text)
    if not isinstance(result, ReportError):
        assert all(q.kind in KINDS and q.source_columns for q in result.questions)
