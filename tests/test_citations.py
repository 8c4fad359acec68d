"""citations: `[@a]`, `[@a; @b]` and narrative `@a` linked in one pass; unknown keys left as written."""

from __future__ import annotations

from reportgen.citations import LinkedText, UnknownKey, link_citations
from reportgen.markdown import MarkdownRenderer
from reportgen.references import Reference

REFERENCES = {
    "mueller-2020": Reference("mueller-2020", "Müller", "2020"),
    "schmidt-2021": Reference("schmidt-2021", "Schmidt", "2021"),
    "x": Reference("x", "X-Institut", "1999"),
}
MUELLER = '<a class="citation" href="#ref-mueller-2020">Müller, 2020</a>'
SCHMIDT = '<a class="citation" href="#ref-schmidt-2021">Schmidt, 2021</a>'


def test_bracketed_citation() -> None:
    assert link_citations("Siehe [@mueller-2020].", REFERENCES) == LinkedText(
        f"Siehe ({MUELLER}).", ("mueller-2020",), ()
    )


def test_several_keys_in_one_bracket() -> None:
    linked = link_citations("[@mueller-2020; @schmidt-2021]", REFERENCES)
    assert linked.text == f"({MUELLER}; {SCHMIDT})"
    assert linked.cited == ("mueller-2020", "schmidt-2021")


def test_spaces_around_the_semicolon() -> None:
    assert link_citations("[@schmidt-2021 ;  @mueller-2020]", REFERENCES).text == f"({SCHMIDT}; {MUELLER})"


def test_single_character_key_in_brackets() -> None:
    assert link_citations("[@x]", REFERENCES).text == '(<a class="citation" href="#ref-x">X-Institut, 1999</a>)'


def test_narrative_citation() -> None:
    linked = link_citations("Laut @mueller-2020 sinkt der Verbrauch.", REFERENCES)
    assert linked.text == 'Laut <a class="citation" href="#ref-mueller-2020">Müller</a> (2020) sinkt der Verbrauch.'
    assert linked.cited == ("mueller-2020",)


def test_narrative_citation_before_a_full_stop() -> None:
    linked = link_citations("So schreibt @schmidt-2021.", REFERENCES)
    assert linked.text == 'So schreibt <a class="citation" href="#ref-schmidt-2021">Schmidt</a> (2021).'


def test_email_address_is_not_a_citation() -> None:
    text = "Fragen an info@mueller-2020.de oder an max.mustermann@schmidt-2021.org."
    assert link_citations(text, REFERENCES) == LinkedText(text, (), ())


def test_at_sign_in_a_link_target_is_not_a_citation() -> None:
    text = "[Profil](http://example.org/@mueller-2020) und <https://x.example/@schmidt-2021>"
    assert link_citations(text, REFERENCES) == LinkedText(text, (), ())


def test_unknown_keys_are_reported_with_their_line_and_left_as_written() -> None:
    text = "Erste Zeile.\n\nLaut @unbekannt-1 gilt das\n[@mueller-2020; @fehlt-2]."
    linked = link_citations(text, REFERENCES)
    assert linked.text == text
    assert linked.unknown == (UnknownKey("unbekannt-1", 3), UnknownKey("fehlt-2", 4))


def test_known_citations_around_an_unknown_one_are_still_linked() -> None:
    linked = link_citations("[@mueller-2020] und [@nix] und [@schmidt-2021]", REFERENCES)
    assert linked.text == f"({MUELLER}) und [@nix] und ({SCHMIDT})"
    assert linked.unknown == (UnknownKey("nix", 1),)


def test_cited_in_order_of_first_use_without_duplicates() -> None:
    text = "[@schmidt-2021] und @mueller-2020,\ndann wieder [@schmidt-2021; @mueller-2020] und @schmidt-2021."
    linked = link_citations(text, REFERENCES)
    assert linked.cited == ("schmidt-2021", "mueller-2020")


def test_text_without_citations_is_unchanged() -> None:
    text = "Keine Quelle, nur 84 % und [ein Link](#anker)."
    assert link_citations(text, REFERENCES) == LinkedText(text, (), ())


def test_citations_in_code_stay_code_and_unknown_keys_there_are_no_mistake() -> None:
    # Markdown shows code literally, so a link put inside it would print as raw HTML; the chapter renderer
    # links citations in text tokens only.
    text = "Der Schlüssel `@mueller-2020` steht in literatur.toml.\n\n```\n@media print [@fehlt]\n```\n\nText @mueller-2020.\n"
    rendered = MarkdownRenderer().render(text, references=REFERENCES)
    assert "<code>@mueller-2020</code>" in rendered.html
    assert "@media print [@fehlt]" in rendered.html
    assert rendered.unknown == ()
    assert rendered.cited == ("mueller-2020",)
    assert rendered.html.count('<a class="citation"') == 1


def test_unknown_citation_in_text_is_found_at_its_line_by_the_renderer() -> None:
    rendered = MarkdownRenderer().render("Eins.\n\nZwei und\ndrei [@fehlt-2020].\n", references=REFERENCES)
    assert rendered.unknown == (UnknownKey("fehlt-2020", 4),)
    assert "[@fehlt-2020]" in rendered.html
