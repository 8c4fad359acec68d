"""citations: Pandoc's citation syntax found in text, and the renderer that collects it from text tokens only."""

from __future__ import annotations

import pytest

from reportgen.citations import (
    CROSS_REFERENCE_PREFIXES,
    Citation,
    CiteItem,
    UnknownKey,
    fill_placeholders,
    find_citations,
    placeholder,
)
from reportgen.markdown import MarkdownRenderer
from reportgen.references import Reference

REFERENCES = {
    "mueller-2020": Reference("mueller-2020", "Müller", "2020"),
    "schmidt-2021": Reference("schmidt-2021", "Schmidt", "2021"),
    "x": Reference("x", "X-Institut", "1999"),
}


def citations(text: str) -> list[Citation]:
    return [found.citation for found in find_citations(text)]


def written(text: str) -> list[str]:
    return [text[found.start : found.end] for found in find_citations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Siehe [@mueller-2020].", Citation((CiteItem("mueller-2020"),)), id="bracketed"),
        pytest.param("[@x]", Citation((CiteItem("x"),)), id="single-character-key"),
        pytest.param(
            "[@mueller-2020; @schmidt-2021]",
            Citation((CiteItem("mueller-2020"), CiteItem("schmidt-2021"))),
            id="two-keys",
        ),
        pytest.param(
            "[@schmidt-2021 ;  @mueller-2020]",
            Citation((CiteItem("schmidt-2021"), CiteItem("mueller-2020"))),
            id="spaces-around-the-semicolon",
        ),
        pytest.param("[@x, S. 12]", Citation((CiteItem("x", suffix=", S. 12"),)), id="locator"),
        pytest.param("[@x, S. 12–14]", Citation((CiteItem("x", suffix=", S. 12–14"),)), id="page-range"),
        pytest.param("[vgl. @x]", Citation((CiteItem("x", prefix="vgl."),)), id="prefix"),
        pytest.param("[vgl.  @x, S. 3 ]", Citation((CiteItem("x", "vgl.", ", S. 3"),)), id="prefix-and-locator"),
        pytest.param(
            "[@mueller-2020; siehe auch @x]",
            Citation((CiteItem("mueller-2020"), CiteItem("x", prefix="siehe auch"))),
            id="prefix-of-the-second",
        ),
        pytest.param("[-@x]", Citation((CiteItem("x", suppress_author=True),)), id="suppressed-author"),
        pytest.param("[-@x, S. 5]", Citation((CiteItem("x", suffix=", S. 5", suppress_author=True),)), id="both"),
        pytest.param("Laut @mueller-2020 sinkt er.", Citation((CiteItem("mueller-2020"),), narrative=True)),
        pytest.param("So schreibt @schmidt-2021.", Citation((CiteItem("schmidt-2021"),), narrative=True)),
        pytest.param(
            "Laut @schmidt-2021 [S. 12] sinkt er.",
            Citation((CiteItem("schmidt-2021", suffix=", S. 12"),), narrative=True),
            id="narrative-with-locator",
        ),
        pytest.param(
            "Laut @schmidt-2021[S. 12].",
            Citation((CiteItem("schmidt-2021", suffix=", S. 12"),), narrative=True),
            id="narrative-locator-without-space",
        ),
        pytest.param(
            "Text [vgl.\n@mueller-2020, S.\n4].",
            Citation((CiteItem("mueller-2020", "vgl.", ", S.\n4"),)),
            id="across-line-breaks",
        ),
    ],
)
def test_each_form_is_found(text: str, expected: Citation) -> None:
    assert citations(text) == [expected]


def test_what_is_replaced_is_the_whole_citation() -> None:
    text = "A [vgl. @x, S. 2] b @mueller-2020 [S. 3], c @schmidt-2021. [-@x]"
    assert written(text) == ["[vgl. @x, S. 2]", "@mueller-2020 [S. 3]", "@schmidt-2021", "[-@x]"]


@pytest.mark.parametrize(
    "text",
    [
        "Fragen an info@mueller-2020.de oder an max.mustermann@schmidt-2021.org.",
        "[Profil](http://example.org/@mueller-2020) und <https://x.example/@schmidt-2021>",
        "Keine Quelle, nur 84 % und [ein Link](#anker).",
        "[Mail an info@example.org]",
    ],
)
def test_what_is_no_citation(text: str) -> None:
    assert citations(text) == []


def test_a_bracket_of_prose_may_hold_narrative_citations() -> None:
    # Two keys without a semicolon make no bracketed citation; each key is then one in running text.
    assert written("[siehe @mueller-2020 und @schmidt-2021]") == ["@mueller-2020", "@schmidt-2021"]


def test_cross_reference_prefixes() -> None:
    assert CROSS_REFERENCE_PREFIXES == ("abb-", "tab-", "kap-")


@pytest.mark.parametrize(
    "text",
    [
        "wie @abb-3 zeigt",
        "wie [@tab-2] zeigt",
        "siehe [@kap-einleitung; @abb-1]",
        "siehe [vgl. @tab-1, Zeile 2]",
        "[-@abb-1]",
    ],
)
def test_cross_references_are_left_alone(text: str) -> None:
    assert citations(text) == []


def test_a_bracket_with_a_cross_reference_and_a_citation_is_a_citation() -> None:
    # The renderer reports the cross-reference as misplaced (see test_content_helpers).
    assert citations("[@tab-1; @x]") == [Citation((CiteItem("tab-1"), CiteItem("x")))]


def test_a_citation_after_a_bracket_that_is_none() -> None:
    assert written("[Mail an a@b.de] und [@x]") == ["[@x]"]


def test_placeholders_are_filled_in_order() -> None:
    html = f"<p>A {placeholder(1)} und {placeholder(0)}.</p>"
    assert fill_placeholders(html, ["(Eins)", "(Zwei)"]) == "<p>A (Zwei) und (Eins).</p>"


def test_a_placeholder_with_a_number_never_handed_out_stays() -> None:
    assert fill_placeholders(placeholder(3), ["(Eins)"]) == placeholder(3)


# The renderer: text tokens only, never code or raw HTML


def test_citations_in_code_stay_code_and_unknown_keys_there_are_no_mistake() -> None:
    text = "Der Schlüssel `@mueller-2020` steht in literatur.toml.\n\n```\n@media print [@fehlt]\n```\n\nText @mueller-2020.\n"
    renderer = MarkdownRenderer()
    rendered = renderer.render(text, references=REFERENCES)
    assert "<code>@mueller-2020</code>" in rendered.html
    assert "@media print [@fehlt]" in rendered.html
    assert rendered.unknown == ()
    assert rendered.cited == ("mueller-2020",)
    assert renderer.citations == [Citation((CiteItem("mueller-2020"),), narrative=True)]
    assert rendered.html.count("citation-placeholder") == 1
    assert f"<p>Text {placeholder(0)}.</p>" in rendered.html


def test_raw_html_is_no_citation() -> None:
    rendered = MarkdownRenderer().render('<span title="[@mueller-2020]">x</span>\n', references=REFERENCES)
    assert rendered.cited == ()


def test_placeholders_are_numbered_across_chapters() -> None:
    renderer = MarkdownRenderer()
    first = renderer.render("Eins [@x].\n", references=REFERENCES)
    second = renderer.render("Zwei [@mueller-2020] und @schmidt-2021.\n", references=REFERENCES)
    assert placeholder(0) in first.html
    assert f"Zwei {placeholder(1)} und {placeholder(2)}." in second.html
    assert [citation.keys for citation in renderer.citations] == [("x",), ("mueller-2020",), ("schmidt-2021",)]
    assert (first.cited, second.cited) == (("x",), ("mueller-2020", "schmidt-2021"))


def test_a_citation_across_a_line_break_keeps_the_lines_after_it() -> None:
    renderer = MarkdownRenderer()
    rendered = renderer.render("Text [vgl.\n@mueller-2020] und\n[@fehlt-1].\n", references=REFERENCES)
    assert renderer.citations == [Citation((CiteItem("mueller-2020", prefix="vgl."),))]
    assert rendered.unknown == (UnknownKey("fehlt-1", 3),)
    assert "[@fehlt-1]" in rendered.html


def test_unknown_keys_are_reported_with_their_line_and_left_as_written() -> None:
    text = "Erste Zeile.\n\nLaut @unbekannt-1 gilt das\n[@mueller-2020; @fehlt-2]."
    renderer = MarkdownRenderer()
    rendered = renderer.render(text, references=REFERENCES)
    assert rendered.unknown == (UnknownKey("unbekannt-1", 3), UnknownKey("fehlt-2", 4))
    assert "Laut @unbekannt-1 gilt das\n[@mueller-2020; @fehlt-2]." in rendered.html
    assert renderer.citations == []


def test_known_citations_around_an_unknown_one_are_still_collected() -> None:
    renderer = MarkdownRenderer()
    rendered = renderer.render("[@mueller-2020] und [@nix] und [@schmidt-2021]\n", references=REFERENCES)
    assert rendered.html == f"<p>{placeholder(0)} und [@nix] und {placeholder(1)}</p>\n"
    assert rendered.unknown == (UnknownKey("nix", 1),)
    assert rendered.cited == ("mueller-2020", "schmidt-2021")


def test_cited_in_order_of_first_use_without_duplicates() -> None:
    text = "[@schmidt-2021] und @mueller-2020,\ndann wieder [@schmidt-2021; @mueller-2020] und @schmidt-2021.\n"
    assert MarkdownRenderer().render(text, references=REFERENCES).cited == ("schmidt-2021", "mueller-2020")


def test_text_around_citations_is_escaped() -> None:
    rendered = MarkdownRenderer().render("A & B [@x] <x\n", references=REFERENCES)
    assert rendered.html == f"<p>A &amp; B {placeholder(0)} &lt;x</p>\n"
