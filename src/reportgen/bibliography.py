"""Every citation of a report and its Literaturverzeichnis, formatted together by the CSL style (citeproc-py)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, Locator, formatter
from citeproc.source import BibliographySource, Date, Name
from citeproc.source import Reference as CslReference
from markupsafe import Markup, escape

from . import fmt
from .citations import Citation, CiteItem
from .citestyle import CitationStyle, bibliography_order, load_style
from .references import Reference

# A locator's number after its label (S. 12, S. 12–14, Kap. IV, S. 12 f., S. 3, 7); without a label, digits only.
_NUMBER = r"(?:\d+(?:\.\d+)*[a-z]?|[ivxlcdm]+|[IVXLCDM]+)\b"  # 12, 12a, 2.1, iv, IV
_RANGE = r"\s*(?:--|[-–])\s*"
_MORE = rf"(?:\s*ff?\.)?(?:\s*,\s*\d+\b(?!\.)(?:{_RANGE}\d+\b)?)*"  # 12 f., 12 ff., 12, 15
_LABELLED = re.compile(rf"{_NUMBER}(?:{_RANGE}{_NUMBER})?{_MORE}")
_UNLABELLED = re.compile(rf"\d+[a-z]?\b(?:{_RANGE}\d+[a-z]?\b)?{_MORE}")
# citeproc-py drops a doubled full stop only where two pieces meet directly; „(2023). “ + „.“ (an entry without
# a title) and „Wozu?“ + „.“ slip through, which citeproc-js and Pandoc tidy away.
_DOUBLED = re.compile(r"([.?!])((?:</\w+>)*)\s*\.(?=\s|<|$)")


@dataclass(frozen=True)
class BibliographyEntry:
    """One entry of the Literaturverzeichnis as the style formats it (HTML), and its citation key."""

    key: str
    html: Markup


@dataclass(frozen=True)
class FormattedCitations:
    """The HTML of each citation, in the order given, and the entries of every cited source in the style's order."""

    citations: tuple[str, ...]
    bibliography: tuple[BibliographyEntry, ...]


@dataclass(frozen=True)
class _Item:
    """A cited source with its locator told apart from the editor's remark."""

    key: str
    prefix: str
    label: str
    locator: str
    remark: str
    suppress_author: bool


def format_citations(citations: Sequence[Citation], references: Mapping[str, Reference]) -> FormattedCitations:
    """Format all citations of a report at once: two sources of one author and year must be told apart as
    2023a and 2023b wherever they are cited, which is only known once every citation is."""
    if not citations:
        return FormattedCitations((), ())
    cited = list(dict.fromkeys(key for citation in citations for key in citation.keys))
    formatter_ = _Formatter(load_style(), {key: references[key] for key in cited})
    return FormattedCitations(tuple(formatter_.citation(citation) for citation in citations), formatter_.entries())


def split_locator(written: str, terms: Mapping[str, str]) -> tuple[str, str, str]:
    """What follows a key as (locator kind, locator, remark): `, S. 12–14, passim` -> ("page", "12–14",
    ", passim"). Without a known label (S., Kap., Abschn., …, from the style's locale) a number is a page, as in
    Pandoc; anything else is all remark."""
    body = written.lstrip().removeprefix(",").lstrip()
    term = next((term for term in sorted(terms, key=len, reverse=True) if _starts_with(body, term)), None)
    if term is None:
        label, rest, pattern = "page", body, _UNLABELLED
    else:
        label, rest, pattern = terms[term], body[len(term) :].lstrip(), _LABELLED
    number = pattern.match(rest)
    if number is None:
        return "", "", _remark(written)
    return label, number.group(0).replace("--", "–"), _remark(rest[number.end() :])


def _starts_with(body: str, term: str) -> bool:
    after = body[len(term) : len(term) + 1]
    return body.casefold().startswith(term.casefold()) and (after.isspace() or after.isdigit())


def _remark(text: str) -> str:
    return re.sub(r"^\s+", " ", text.rstrip()) if text.strip() else ""


class _Formatter:
    """citeproc-py bibliographies over the cited sources, one per form of the style, all in one order."""

    def __init__(self, style: CitationStyle, references: Mapping[str, Reference]) -> None:
        self._style = style
        self._ids = {key: f"r{index}" for index, key in enumerate(references)}  # citeproc-py lowercases keys
        self._keys = {ident: key for key, ident in self._ids.items()}
        self._source = BibliographySource()
        for key, reference in references.items():
            self._source.add(_csl_reference(self._ids[key], reference))
        self._full, self._bare, self._suppressed, self._author_only = (
            self._engine(form) for form in (style.full, style.bare, style.suppressed, style.author_only)
        )
        order = [item.key for item in bibliography_order(self._full)]
        for engine in (self._full, self._bare, self._suppressed, self._author_only):
            engine.items = sorted(engine.items, key=lambda item: order.index(item.key))
            engine.keys = order
        if style.year_suffixes:
            self._add_year_suffixes(order)

    def citation(self, citation: Citation) -> str:
        items = [self._item(item) for item in citation.items]
        affixes = self._style.affixes
        if citation.narrative:
            item = items[0]
            author = _cite(self._author_only, [self._csl_item(item, linked=True, whole=False)])
            rest = _cite(self._suppressed, [self._csl_item(item, linked=False)])
            return f"{author} {affixes.prefix}{rest}{affixes.suffix}"
        runs = [
            _cite(self._suppressed if run[0].suppress_author else self._bare, [self._csl_item(item) for item in run])
            for run in _runs(items)
        ]
        return affixes.prefix + affixes.delimiter.join(runs) + affixes.suffix

    def entries(self) -> tuple[BibliographyEntry, ...]:
        return tuple(
            BibliographyEntry(self._keys[item.key], Markup(_entry_html(str(html), item.reference.get("URL", ""))))
            for item, html in zip(self._full.items, self._full.bibliography(), strict=True)
        )

    def _engine(self, style: Any) -> Any:
        engine = CitationStylesBibliography(style, self._source, formatter.html)
        for ident in self._ids.values():  # in order of first citation: CSL's tie-break in sorting
            engine.register(CslCitation([CitationItem(ident)]))
        return engine

    def _add_year_suffixes(self, order: list[str]) -> None:
        """citeproc-py reads `year-suffix` but never assigns one: sources whose citations print alike get a, b, …
        in bibliography order (CSL's disambiguate-add-year-suffix)."""
        probe = self._engine(self._style.bare)  # its own, so these trial citations leave no trace (positions)
        alike: dict[str, list[str]] = {}
        for ident in order:
            alike.setdefault(_cite(probe, [CitationItem(ident)]), []).append(ident)
        for group in alike.values():
            for index, ident in enumerate(group if len(group) > 1 else []):
                self._source[ident].year_suffix = fmt.letters(index)

    def _item(self, item: CiteItem) -> _Item:
        label, locator, remark = split_locator(item.suffix, self._style.locator_terms)
        return _Item(item.key, item.prefix, label, locator, remark, item.suppress_author)

    def _csl_item(self, item: _Item, linked: bool = True, whole: bool = True) -> Any:
        opening, closing = (f'<a class="citation" href="#ref-{escape(item.key)}">', "</a>") if linked else ("", "")
        if not whole:
            return CitationItem(self._ids[item.key], prefix=opening, suffix=closing)
        prefix = f"{escape(item.prefix)} " if item.prefix else ""
        arguments: dict[str, Any] = {"prefix": prefix + opening, "suffix": closing + str(escape(item.remark))}
        if item.locator:
            arguments["locator"] = Locator(item.label, str(escape(item.locator)))
        return CitationItem(self._ids[item.key], **arguments)


def _runs(items: list[_Item]) -> list[list[_Item]]:
    """The sources the style may sort among themselves, as Pandoc's citeproc groups them: a remark ends a run
    and a prefix starts one, so „[@a; siehe auch @b]“ keeps „siehe auch“ before b and b after a."""
    runs: list[list[_Item]] = []
    for item in items:
        last = runs[-1][-1] if runs else None
        if last is None or last.remark or item.prefix or last.suppress_author != item.suppress_author:
            runs.append([item])
        else:
            runs[-1].append(item)
    return runs


def _cite(engine: Any, items: list[Any]) -> str:
    citation = CslCitation(items)
    engine.register(citation)
    return str(engine.cite(citation, _not_registered))


def _not_registered(item: Any) -> None:
    raise KeyError(item.key)  # every cited source is in the bibliography: a bug if not


def _csl_reference(ident: str, reference: Reference) -> Any:
    """Our entry as CSL data; text is escaped here, since citeproc-py puts variables into its HTML as they are."""
    fields: dict[str, Any] = {
        "author": [Name(literal=str(escape(reference.author)))],
        "issued": Date(year=reference.year),
    }
    texts = {"title": reference.title, "publisher": reference.publisher, "publisher_place": reference.place}
    fields.update({name: str(escape(value)) for name, value in texts.items() if value})
    if reference.url:
        fields["URL"] = str(escape(reference.url))
    if reference.accessed:
        day = reference.accessed
        fields["accessed"] = Date(year=day.year, month=day.month, day=day.day)
    return CslReference(ident, reference.type, **fields)


def _entry_html(html: str, url: str) -> str:
    """The entry with doubled full stops tidied and its web address as a link that breaks only after a slash."""
    if not url or url not in html:
        return _DOUBLED.sub(r"\1\2", html)
    before, after = html.split(url, 1)
    return _DOUBLED.sub(r"\1\2", before) + _url_link(url) + _DOUBLED.sub(r"\1\2", after)


def _url_link(shown: str) -> str:
    """`shown` is escaped: each part up to and with a slash is kept on one line, a <wbr> after it lets the line
    break there (and only there: no hyphen, no break inside a part)."""
    scheme, _, rest = shown.partition("://")
    parts = re.findall(r"[^/]*/|[^/]+$", rest)
    parts[0] = f"{scheme}://{parts[0]}"
    spans = "<wbr>".join(f'<span class="url-part">{part}</span>' for part in parts)
    return f'<a class="url" href="{shown}">{spans}</a>'
