"""The chapters a long-running process keeps between builds: a build with the cache gives exactly what a build
without it gives, after every kind of change, and it renders again only the chapters a change reaches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from projects import Edit, apply_files
from reportgen.build import Project, _prepare
from reportgen.config import load_config
from reportgen.errors import ReportError
from reportgen.prepare_cache import PrepareCache

# Three chapters that carry numbers across files: headings, a figure and a table, a footnote, citations, a snippet,
# a cross-reference forward, the lists of figures and tables, a warning from a helper (a small base).
CHAPTERS: dict[str, Edit] = {
    "content/00-verzeichnisse.md": (
        "# Verzeichnisse {.unnumbered}\n\n{{ list_of_figures() }}\n\n{{ list_of_tables() }}\n"
    ),
    "content/01-kapitel.md": (
        "# Ergebnisse\n\n{{ n() }} Befragte; {{ share('item', 4, 5) }} stimmen zu [@mueller-2020].\n\n"
        "{{ bar_chart('item') }}\n\nSiehe @tab-gruppe.[^eins]\n\n[^eins]: Eine Fußnote.\n"
    ),
    "content/02-kapitel.md": (
        "# Gruppen\n\n## Verteilung {.neu}\n\n{{ frequency_table('gruppe') }}\n\n"
        "In Gruppe B {{ share('item', 4, 5, where={'gruppe': 2}) }}.[^zwei]\n\n[^zwei]: Zweite Fußnote.\n\n"
        '{% include "_baustein.md" %}\n'
    ),
    "content/03-schluss.md": "# Schluss\n\nWie @abb-item zeigt [vgl. @schmidt-2021].\n\n{{ bibliography() }}\n",
    "content/_baustein.md": "Ein Baustein.\n",
    "report.toml": lambda text: text + "\n[analysis]\nmin_base = 5\n",
}
CHAPTER_COUNT = 4


@pytest.fixture
def project(tiny_project: Callable[..., Path]) -> Path:
    return tiny_project(CHAPTERS)


def _rebuilt(root: Path, cache: PrepareCache) -> tuple[Project, Project]:
    """The project prepared with the cache and without."""
    config = load_config(root)
    return _prepare(config, None, cache), _prepare(config, None)


def _texts(warnings: tuple[ReportError, ...]) -> list[str]:
    return [str(warning) for warning in warnings]


def _assert_same(cached: Project, fresh: Project) -> None:
    assert cached.html == fresh.html
    assert cached.style_files == fresh.style_files
    assert _texts(cached.warnings) == _texts(fresh.warnings)
    content, other = cached.content, fresh.content
    assert (content.chapters, content.headings, content.charts, content.cited, content.questions_used) == (
        other.chapters,
        other.headings,
        other.charts,
        other.cited,
        other.questions_used,
    )
    assert [(str(location), name) for location, name in content.classes] == [
        (str(location), name) for location, name in other.classes
    ]


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, (old, text)
        return text.replace(old, new, 1)

    return edit


def test_a_sentence_renders_only_its_chapter_again(project: Path) -> None:
    cache = PrepareCache()
    _assert_same(*_rebuilt(project, cache))
    assert cache.chapters.hits == 0
    apply_files(project, {"content/02-kapitel.md": _replace("In Gruppe B", "In der Gruppe B")})
    cached, fresh = _rebuilt(project, cache)
    _assert_same(cached, fresh)
    assert cache.chapters.hits == CHAPTER_COUNT - 1
    assert "In der Gruppe B" in cached.html
    assert any("Basis < 5" in str(warning) for warning in cached.warnings)  # the warning of a kept chapter too


EDITS: dict[str, dict[str, Edit]] = {
    "a heading before later ones": {"content/01-kapitel.md": _replace("Siehe", "## Neu\n\nSiehe")},
    "a figure before later ones": {"content/01-kapitel.md": _replace("Siehe", "{{ pie_chart('gruppe') }}\n\nSiehe")},
    "a citation before later ones": {"content/01-kapitel.md": _replace("[@mueller-2020]", "[@schmidt-2021]")},
    "a footnote before later ones": {
        "content/01-kapitel.md": _replace("Siehe", "Vorher.[^null]\n\n[^null]: N.\n\nSiehe")
    },
    "a caption an earlier chapter lists": {
        "content/02-kapitel.md": _replace("('gruppe')", "('gruppe', caption='Die Gruppen')")
    },
    "the data": {"data/responses.csv": _replace("R7,5,2", "R7,1,2")},
    "the codebook": {"data/codebook.toml": _replace('label = "B"', 'label = "Gruppe B"')},
    "the references": {"content/literatur.toml": _replace('author = "Schmidt"', 'author = "Schmitt"')},
    "a snippet": {"content/_baustein.md": "Ein anderer Baustein.\n"},
    "a partial": {"templates/partials/figure.html.j2": lambda text: text.replace("<figure", '<figure data-neu="1"', 1)},
    "a setting": {"report.toml": _replace("min_base = 5", "min_base = 3")},
    "the page template": {"templates/report.html.j2": _replace("<body", '<body data-neu="1"')},
    "the stylesheet": {"templates/style.css": lambda text: text + "\nh2.neu { color: #000 }\n"},
    "a new chapter between": {"content/015-neu.md": "# Neu\n\n{{ mean('item') }}\n"},
    "a chapter removed": {"content/03-schluss.md": None},
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_what_a_change_reaches_is_rendered_again(project: Path, edit: dict[str, Edit]) -> None:
    cache = PrepareCache()
    before = _rebuilt(project, cache)[0]
    apply_files(project, edit)
    cached, fresh = _rebuilt(project, cache)
    _assert_same(cached, fresh)
    assert (cached.html, _texts(cached.warnings)) != (before.html, _texts(before.warnings))


def test_the_chapters_after_a_new_figure_are_rendered_again_and_the_list_before_it_follows(project: Path) -> None:
    cache = PrepareCache()
    _rebuilt(project, cache)
    apply_files(project, {"content/01-kapitel.md": _replace("Siehe", "{{ pie_chart('gruppe') }}\n\nSiehe")})
    cached, fresh = _rebuilt(project, cache)
    _assert_same(cached, fresh)
    assert cache.chapters.hits == 1  # the lists, whose entries are filled in after every chapter is rendered
    listed = cached.content.chapters[0].html
    assert "Abbildung 2" in listed and "Gruppe" in listed


def test_a_chapter_that_includes_another_is_rendered_again_when_that_one_changes(project: Path) -> None:
    apply_files(
        project,
        {
            "content/03-schluss.md": _replace(
                "{{ bibliography() }}", '{% include "04-anhang.md" %}\n\n{{ bibliography() }}'
            ),
            "content/04-anhang.md": "Anhang mit {{ n() }} Befragten.\n",
        },
    )
    cache = PrepareCache()
    _rebuilt(project, cache)
    apply_files(project, {"content/04-anhang.md": _replace("Anhang mit", "Der Anhang mit")})
    cached, fresh = _rebuilt(project, cache)
    _assert_same(cached, fresh)
    assert cached.html.count("Der Anhang mit") == 2


def test_a_kept_chapter_with_a_missing_image_is_an_error(project: Path) -> None:
    (project / "content" / "bild.png").write_bytes(_PNG)
    apply_files(project, {"content/02-kapitel.md": lambda text: text + "\n![Ein Bild](bild.png)\n"})
    cache = PrepareCache()
    _rebuilt(project, cache)
    (project / "content" / "bild.png").unlink()
    apply_files(project, {"content/01-kapitel.md": _replace("Befragte;", "Befragte insgesamt;")})
    with pytest.raises(ReportError, match=r"content/02-kapitel\.md, Zeile \d+: Bild nicht gefunden: content/bild\.png"):
        _prepare(load_config(project), None, cache)


def test_a_mistake_is_reported_again_on_the_next_build(project: Path) -> None:
    cache = PrepareCache()
    _rebuilt(project, cache)
    apply_files(project, {"content/02-kapitel.md": _replace("frequency_table('gruppe')", "frequency_table('gibts')")})
    for _ in range(2):
        with pytest.raises(ReportError, match="Unbekannte Frage „gibts“"):
            _prepare(load_config(project), None, cache)


# 1 × 1 white pixel
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8ffff3f0005fe02fe"
    "a7359a0d0000000049454e44ae426082"
)
