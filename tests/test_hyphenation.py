"""Hyphenation exceptions: listed words get only their allowed breaks, and only in running text."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.config import load_config
from reportgen.hyphenation import HOUSE_EXCEPTIONS, HyphenationExceptions, mark_exceptions

# The house list and the study's own words from its report.toml, as a build puts them together.
STUDY = HyphenationExceptions((*HOUSE_EXCEPTIONS, *load_config(Path(__file__).parent.parent).report.hyphenation))


def wrapped(text: str) -> str:
    return f'<span class="hyphenate-manual" style="hyphens: manual">{text}</span>'


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Ressourceneffizienz", "Ressourcen&shy;effizienz"),
        ("ressourceneffiziente", "ressourcen&shy;effiziente"),  # the ending is never broken
        ("Ressourceneffizienten", "Ressourcen&shy;effizienten"),  # case of the text is kept
        ("Leipzig", "Leipzig"),  # never broken
        ("Leipziger", "Leipziger"),
        ("Rohstoffe.", "Roh&shy;stoffe."),
        ("Marktposition", "Markt&shy;position"),
        ("Minimum", "Minimum"),
    ],
)
def test_listed_words_get_their_breaks(word: str, expected: str) -> None:
    word_only = word.rstrip(".")
    assert STUDY.apply(f"<p>{word}</p>") == f"<p>{wrapped(expected.rstrip('.'))}{word[len(word_only) :]}</p>"


def test_words_that_only_contain_an_entry_are_left_to_the_dictionary() -> None:
    text = "<p>Rohstoffpreise, Minimums, Mindestmaximum und Leipzigerinnen</p>"
    assert STUDY.apply(text) == text  # longer ending than three letters, or a word around the entry


def test_an_entry_without_star_matches_only_the_word() -> None:
    assert STUDY.apply("<p>Minima und Minimumx</p>") == "<p>Minima und Minimumx</p>"


@pytest.mark.parametrize(
    "html",
    [
        "<h2>Ressourceneffizienz bei Zulieferern</h2>",
        '<h1 id="x"><span class="heading-number">2</span>Stand in Leipzig</h1>',
        '<a href="https://example.org/leipzig">Leipzig</a>',
        "<code>Rohstoffe</code>",
        "<pre>Marktposition</pre>",
        "<table><thead><tr><th>Minimum</th></tr></thead></table>",
    ],
)
def test_headings_links_code_and_table_heads_are_left_alone(html: str) -> None:
    assert STUDY.apply(html) == html


def test_attributes_and_entities_are_left_alone() -> None:
    html = '<img alt="Leipzig" src="leipzig.svg"> &amp; <span title="Rohstoffe">x</span>'
    assert STUDY.apply(html) == html


def test_text_after_a_skipped_element_is_marked_again() -> None:
    html = (
        "<h2>Leipzig</h2>\n<p>in Leipzig</p><table><thead><tr><th>Leipzig</th></tr></thead><tbody><tr><td>Leipzig</td>"
    )
    assert STUDY.apply(html) == (
        f"<h2>Leipzig</h2>\n<p>in {wrapped('Leipzig')}</p><table><thead><tr><th>Leipzig</th></tr></thead>"
        f"<tbody><tr><td>{wrapped('Leipzig')}</td>"
    )


def test_words_already_given_soft_hyphens_are_left_alone() -> None:
    assert STUDY.apply("<p>Ressour\u00adcen</p>") == "<p>Ressour\u00adcen</p>"


def test_a_project_list() -> None:
    exceptions = HyphenationExceptions(["Urin-stinkt*", "Remanufacturing"])
    assert exceptions.hyphenated("Urinstinkte") == "Urin&shy;stinkte"
    assert exceptions.hyphenated("REMANUFACTURING") == "REMANUFACTURING"
    assert exceptions.hyphenated("Leipzig") is None  # the house list is not included


@pytest.mark.parametrize("entry", ["", "-Leipzig", "Leip--zig", "Leipzig-", "CO2-neutral", "Leip zig", "*"])
def test_malformed_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="hyphenation exception"):
        HyphenationExceptions([entry])


def test_without_a_project_list_only_the_house_words_are_marked() -> None:
    assert mark_exceptions("<p>Minimum Ressourceneffizienz</p>") == f"<p>{wrapped('Minimum')} Ressourceneffizienz</p>"
