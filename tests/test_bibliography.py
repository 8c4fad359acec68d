"""bibliography: every citation and the Literaturverzeichnis formatted by the bundled German author-year style
(DGPs, 5th edition: „(Wilts, 2023, S. 12)“, „Wilts (2023)“, „Wilts. (2023). Titel. Ort: Verlag.“).

Expected strings are written by hand from the style's rules, never taken from the program's output."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from lxml import etree

from reportgen.bibliography import FormattedCitations, format_citations, split_locator
from reportgen.citations import find_citations
from reportgen.citestyle import load_style
from reportgen.references import Reference

WILTS = Reference(
    "wilts-2023",
    "Wilts",
    "2023",
    title="Ressourceneffizienz in der Praxis",
    publisher="Wuppertal Institut",
    place="Wuppertal",
)
BMUV_WEB = Reference(
    "bmuv-web",
    "BMUV",
    "2023",
    title="Kreislaufwirtschaft",
    url="https://www.bmuv.de/themen/kreislauf-wirtschaft/ueberblick?a=1&b=2",
    accessed=date(2025, 3, 4),
    type="webpage",
)
BMUV_PLAN = Reference("bmuv-plan", "BMUV", "2023", title="Aktionsplan", type="book")
BMUV_2020 = Reference("bmuv-2020", "BMUV", "2020")
MUELLER = Reference("mueller-2020", "Müller", "2020", title="Was tun?", type="book")
MUSTERMANN = Reference("mustermann-2019", "Mustermann", "2019", title="A & B", type="article")
REFERENCES = {ref.key: ref for ref in (WILTS, BMUV_WEB, BMUV_PLAN, BMUV_2020, MUELLER, MUSTERMANN)}


def formatted(text: str) -> FormattedCitations:
    return format_citations([found.citation for found in find_citations(text)], REFERENCES)


def plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def cited(text: str) -> list[str]:
    """Each citation in `text` as the reader sees it."""
    return [plain(html) for html in formatted(text).citations]


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        pytest.param("[@wilts-2023]", "(Wilts, 2023)", id="parenthetical"),
        pytest.param("[@wilts-2023, S. 12]", "(Wilts, 2023, S. 12)", id="page"),
        pytest.param("[@wilts-2023, S. 12–14]", "(Wilts, 2023, S. 12–14)", id="page-range"),
        pytest.param("[@wilts-2023, S. 12-14]", "(Wilts, 2023, S. 12–14)", id="page-range-hyphen"),
        pytest.param("[@wilts-2023, S. 12 f.]", "(Wilts, 2023, S. 12 f.)", id="page-and-following"),
        pytest.param("[@wilts-2023, 7]", "(Wilts, 2023, S. 7)", id="a-number-is-a-page"),
        pytest.param("[@wilts-2023, Seite 7]", "(Wilts, 2023, S. 7)", id="long-label"),
        pytest.param("[@wilts-2023, Kap. 3]", "(Wilts, 2023, Kap. 3)", id="chapter"),
        pytest.param("[@wilts-2023, Abschn. 2.1]", "(Wilts, 2023, Abschn. 2.1)", id="section"),
        pytest.param(
            "[@wilts-2023, S. 12, Hervorhebung im Original]", "(Wilts, 2023, S. 12, Hervorhebung im Original)"
        ),
        pytest.param("[@wilts-2023, eigene Übersetzung]", "(Wilts, 2023, eigene Übersetzung)", id="remark"),
        pytest.param("[vgl. @wilts-2023]", "(vgl. Wilts, 2023)", id="prefix"),
        pytest.param("[vgl. @wilts-2023, S. 3]", "(vgl. Wilts, 2023, S. 3)", id="prefix-and-locator"),
        pytest.param("[-@wilts-2023]", "(2023)", id="suppressed-author"),
        pytest.param("[-@wilts-2023, S. 12]", "(2023, S. 12)", id="suppressed-author-with-locator"),
        pytest.param("@wilts-2023", "Wilts (2023)", id="narrative"),
        pytest.param("@wilts-2023 [S. 12]", "Wilts (2023, S. 12)", id="narrative-with-locator"),
        pytest.param("@wilts-2023 [S. 12--14]", "Wilts (2023, S. 12–14)", id="narrative-with-range"),
        pytest.param("[@bmuv-2020; @wilts-2023]", "(BMUV, 2020; Wilts, 2023)", id="two-sources"),
    ],
)
def test_each_form_prints_as_the_style_says(written: str, printed: str) -> None:
    assert cited(written) == [printed]


def test_the_style_sorts_a_citation_alphabetically() -> None:
    assert cited("[@wilts-2023; @bmuv-2020]") == ["(BMUV, 2020; Wilts, 2023)"]


def test_a_prefix_keeps_its_source_in_place() -> None:
    # Pandoc's rule: a prefix starts a run of its own, so „siehe auch“ stays before the source it introduces.
    assert cited("[@wilts-2023; siehe auch @bmuv-2020]") == ["(Wilts, 2023; siehe auch BMUV, 2020)"]
    assert cited("[@wilts-2023, S. 2, passim; @bmuv-2020]") == ["(Wilts, 2023, S. 2, passim; BMUV, 2020)"]


def test_umlauts_sort_as_their_letter() -> None:
    # DIN 5007: ü as u, so Müller before Mustermann (a code-point sort would put ü after every u).
    assert cited("[@mustermann-2019; @mueller-2020]") == ["(Müller, 2020; Mustermann, 2019)"]
    keys = [entry.key for entry in formatted("[@mustermann-2019; @mueller-2020]").bibliography]
    assert keys == ["mueller-2020", "mustermann-2019"]


def test_same_author_and_year_get_letters_in_text_and_list() -> None:
    # bmuv-web is cited first, so it is 2023a; the other BMUV of 2023 is 2023b; 2020 needs no letter.
    result = formatted("[@bmuv-web] und @bmuv-plan [S. 4], [-@bmuv-web], [@bmuv-2020; @bmuv-plan; @bmuv-web]")
    assert [plain(html) for html in result.citations] == [
        "(BMUV, 2023a)",
        "BMUV (2023b, S. 4)",
        "(2023a)",
        "(BMUV, 2020; BMUV, 2023a; BMUV, 2023b)",
    ]
    assert [(entry.key, plain(entry.html)) for entry in result.bibliography] == [
        ("bmuv-2020", "BMUV. (2020)."),
        (
            "bmuv-web",
            "BMUV. (2023a). Kreislaufwirtschaft. Zugriff am 4.3.2025. Verfügbar unter: "
            "https://www.bmuv.de/themen/kreislauf-wirtschaft/ueberblick?a=1&b=2",
        ),
        ("bmuv-plan", "BMUV. (2023b). Aktionsplan."),
    ]


def test_bibliography_uses_every_field() -> None:
    result = formatted("[@wilts-2023; @mueller-2020; @mustermann-2019]")
    assert [(entry.key, str(entry.html)) for entry in result.bibliography] == [
        ("mueller-2020", "Müller. (2020). <i>Was tun?</i>"),  # no full stop after a question mark
        ("mustermann-2019", "Mustermann. (2019). A &amp; B."),
        ("wilts-2023", "Wilts. (2023). <i>Ressourceneffizienz in der Praxis</i>. Wuppertal: Wuppertal Institut."),
    ]


def test_an_entry_of_author_and_year_only_ends_in_one_full_stop() -> None:
    assert str(formatted("[@bmuv-2020]").bibliography[0].html) == "BMUV. (2020)."


def test_a_web_address_is_a_link_that_breaks_only_after_slashes() -> None:
    html = str(formatted("[@bmuv-web]").bibliography[0].html)
    href = "https://www.bmuv.de/themen/kreislauf-wirtschaft/ueberblick?a=1&amp;b=2"
    assert html.endswith(
        f'Verfügbar unter: <a class="url" href="{href}">'
        '<span class="url-part">https://www.bmuv.de/</span><wbr>'
        '<span class="url-part">themen/</span><wbr>'
        '<span class="url-part">kreislauf-wirtschaft/</span><wbr>'
        '<span class="url-part">ueberblick?a=1&amp;b=2</span></a>'
    )


def test_citations_link_to_their_entry() -> None:
    (parenthetical, narrative, suppressed) = formatted("[vgl. @wilts-2023, S. 2] @wilts-2023 [-@wilts-2023]").citations
    link = '<a class="citation" href="#ref-wilts-2023">'
    assert parenthetical == f"(vgl. {link}Wilts, 2023, S. 2</a>)"
    assert narrative == f"{link}Wilts</a> (2023)"
    assert suppressed == f"({link}2023</a>)"


def test_editors_words_are_escaped() -> None:
    assert formatted("[<b> @wilts-2023, S. 1 & 2]").citations == (
        '(&lt;b&gt; <a class="citation" href="#ref-wilts-2023">Wilts, 2023, S. 1</a> &amp; 2)',
    )


def test_no_citations_need_no_style() -> None:
    assert format_citations([], REFERENCES) == FormattedCitations((), ())


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        (", S. 12", ("page", "12", "")),
        (", S. 12–14, passim", ("page", "12–14", ", passim")),
        (", s. 3", ("page", "3", "")),
        (", Seiten 3-4", ("page", "3-4", "")),
        (", 12", ("page", "12", "")),
        (", S. 3, 7", ("page", "3, 7", "")),
        (", S. 12, 2. Auflage", ("page", "12", ", 2. Auflage")),
        (", Kap. IV", ("chapter", "IV", "")),
        (", Abb. 2", ("figure", "2", "")),
        (", Abschn. 2.1", ("section", "2.1", "")),
        (", S. 12--14", ("page", "12–14", "")),
        (", Bd. 2", ("volume", "2", "")),
        (", mit Anmerkung", ("", "", ", mit Anmerkung")),
        (" und öfter", ("", "", " und öfter")),
        (", S. hier", ("", "", ", S. hier")),
        ("", ("", "", "")),
    ],
)
def test_split_locator(written: str, parts: tuple[str, str, str]) -> None:
    assert split_locator(written, load_style().locator_terms) == parts


def test_the_bundled_style_sorts_citations_like_its_bibliography() -> None:
    # citestyle drops the citation's own sort and lets the (German-collated) bibliography order decide: right
    # only while both sort by the same keys.
    from importlib import resources

    tree = etree.fromstring(
        (resources.files("reportgen") / "styles" / "deutsche-gesellschaft-fur-psychologie.csl").read_bytes()
    )
    ns = {"cs": "http://purl.org/net/xbiblio/csl"}

    def keys(where: str) -> list[tuple[str | None, str | None]]:
        return [(key.get("macro"), key.get("variable")) for key in tree.findall(f"cs:{where}/cs:sort/cs:key", ns)]

    assert keys("citation") == keys("bibliography") == [("author", None), ("issued-year", None)]
