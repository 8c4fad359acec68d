"""The bundled CSL citation style (styles/), read by citeproc-py in the forms the citations need."""

from __future__ import annotations

import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Any

from citeproc import LOCALES_PATH, CitationStylesStyle
from lxml import etree

STYLE_FILE = "deutsche-gesellschaft-fur-psychologie.csl"
_NS = {"cs": "http://purl.org/net/xbiblio/csl"}
_CSL = "{http://purl.org/net/xbiblio/csl}"
# The locator kinds of CSL 1.0.2; the locale names each of them (page: „S.“, „Seite“, „Seiten“).
_LOCATOR_NAMES = (
    "act appendix article-locator book canon chapter column elocation equation figure folio issue line note opus "
    "page paragraph part rule scene section sub-verbo supplement table timestamp title-locator verse version volume"
)
_LOCATORS = frozenset(_LOCATOR_NAMES.split())
_MARKUP = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Affixes:
    """What the style's citation layout puts around and between the sources of one citation: `(`, `)`, `; `."""

    prefix: str
    suffix: str
    delimiter: str


class CitationStyle:
    """One CSL style as citeproc-py reads it, in four forms. citeproc-py knows neither Pandoc's `[-@key]`
    (suppress-author) nor narrative `@key` (author-only), and joins all sources of a citation into one sorted
    run; so, as Pandoc's citeproc does for these modes, the citation layout is also read without its brackets
    (`bare`), without its first names element (`suppressed`) and as that element alone (`author_only`)."""

    def __init__(self, csl: bytes) -> None:
        tree = etree.fromstring(csl)
        citation = tree.find("cs:citation", _NS)
        layout = citation.find("cs:layout", _NS)
        self.affixes = Affixes(layout.get("prefix", ""), layout.get("suffix", ""), layout.get("delimiter", ""))
        self.year_suffixes = citation.get("disambiguate-add-year-suffix") == "true"
        self.full = _read(csl)
        self.bare = _read(_variant(tree, "bare"))
        self.suppressed = _read(_variant(tree, "suppressed"))
        self.author_only = _read(_variant(tree, "author_only"))
        self.locator_terms = _locator_terms(tree)


def load_style() -> CitationStyle:
    """The style in the package, with the German locale that citeproc-py ships (no network)."""
    return CitationStyle((resources.files("reportgen") / "styles" / STYLE_FILE).read_bytes())


def _read(csl: bytes) -> Any:
    return CitationStylesStyle(BytesIO(csl), validate=False)  # validation (RelaxNG) only warns, and slowly


def _variant(tree: Any, form: str) -> bytes:
    """The style with its citation layout changed: without its prefix and suffix, and, for `suppressed` or
    `author_only`, without or with only the element that prints the author.

    The citation's own sort goes too: citeproc-py orders the sources of a citation by their place in the
    bibliography first and then by that sort, comparing by code point (Müller after Mustermann); without it
    the bibliography's order decides, which bibliography_order() collates for German."""
    copy = deepcopy(tree)
    citation = copy.find("cs:citation", _NS)
    for sort in citation.findall("cs:sort", _NS):
        citation.remove(sort)
    layout = citation.find("cs:layout", _NS)
    for affix in ("prefix", "suffix"):
        layout.attrib.pop(affix, None)
    if form != "bare":
        author = _author_element(copy, layout)
        if form == "suppressed":
            author.getparent().remove(author)
        else:
            for child in list(layout):
                layout.remove(child)
            layout.append(author)
    return bytes(etree.tostring(copy))


def _author_element(tree: Any, layout: Any) -> Any:
    """The first element of the layout that prints names (itself or through its macros): the author, or what
    the style puts in the author's place when there is none."""
    macros = {macro.get("name"): macro for macro in tree.findall("cs:macro", _NS)}

    def prints_names(element: Any, seen: frozenset[str]) -> bool:
        for node in element.iter(f"{_CSL}names", f"{_CSL}text"):
            name = node.get("macro")
            if node.tag == f"{_CSL}names" or (
                name in macros and name not in seen and prints_names(macros[name], seen | {name})
            ):
                return True
        return False

    for node in layout.iter(f"{_CSL}names", f"{_CSL}text"):
        if prints_names(node, frozenset()):
            return node
    raise ValueError(f"{STYLE_FILE}: the citation layout prints no names")


def _locator_terms(tree: Any) -> dict[str, str]:
    """Every way the style's locale writes a locator kind („S.“, „Seite“, „Seiten“, „Kap.“, „§“) -> its name."""
    locale = etree.parse(str(Path(LOCALES_PATH) / f"locales-{tree.get('default-locale', 'de-DE')}.xml")).getroot()
    # the style's own terms last: they win
    written = [*locale.iterfind("cs:terms/cs:term", _NS), *tree.iterfind("cs:locale/cs:terms/cs:term", _NS)]
    terms: dict[str, str] = {}
    for term in written:
        if term.get("name") in _LOCATORS:
            for text in [term.text, *(child.text for child in term)]:
                if text and text.strip():
                    terms[text.strip()] = term.get("name")
    return terms


def bibliography_order(engine: Any) -> list[Any]:
    """The registered items of a citeproc-py bibliography in the order of the style's bibliography sort keys,
    compared as German readers expect (ä as a, ß as ss, case ignored); ties keep the order of first citation,
    as CSL asks. citeproc-py itself compares the keys by code point."""
    style = engine.style.root
    bibliography = style.bibliography
    sort = bibliography.find("cs:sort", _NS)
    items = list(engine.items)
    if sort is None:
        return items
    for key in reversed(sort.findall("cs:key", _NS)):  # least significant key first; Python's sort is stable
        values = dict(zip(map(id, items), key.sort_keys(items, bibliography.layout), strict=True))
        present = [item for item in items if values[id(item)] is not None]
        absent = [item for item in items if values[id(item)] is None]  # CSL: empty keys sort last
        present.sort(key=lambda item: _collation(str(values[id(item)])), reverse=key.get("sort") == "descending")
        items = present + absent
    return items


def _collation(text: str) -> tuple[tuple[int, str], ...]:
    """A sort key for German: accents and case ignored, numbers by value."""
    plain = _MARKUP.sub("", text).replace("ß", "ss")
    folded = "".join(char for char in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(char))
    return tuple(
        (0, f"{int(part):020d}") if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", folded.casefold())
    )
