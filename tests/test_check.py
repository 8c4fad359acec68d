"""`reportgen check`: every stage that can be checked is checked, quickly, without rendering or writing."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

from projects import TINY_RESPONSES
from reportgen.build import check, prepare
from reportgen.cli import main
from reportgen.layout import Layout


def tree(root: Path) -> dict[str, str]:
    """Every file and folder below `root`, with a hash of each file's content."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
        for path in sorted(root.rglob("*"))
    }


def test_check_reports_problems_of_data_template_and_content_together(tiny_project, capsys) -> None:
    responses = TINY_RESPONSES.splitlines()
    responses[3] = "R3,7,1"  # row 4 as a spreadsheet counts, column item: off the 1–5 scale
    root = tiny_project(
        {
            "data/responses.csv": "\n".join(responses) + "\n",
            "templates/report.html.j2": lambda page: "{% if %}\n" + page,
            "content/01-kapitel.md": lambda text: (
                text + "\n![x](http://example.com/a.png)\n\n[@unbekannt]\n{% include '_teil.md' %}\n"
            ),
            "content/_teil.md": "Ein Baustein\nmit @auch-unbekannt.\n",
        }
    )

    assert main(["--project", str(root), "check"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Fehler: ")]
    assert sorted(errors) == sorted(
        [
            "Fehler: data/responses.csv, Zeile 4, Spalte „item“: „7“ liegt außerhalb der Skala 1–5. "
            "Erlaubt sind ganze Zahlen von 1 bis 5, -9 (fehlend) oder eine leere Zelle.",
            "Fehler: templates/report.html.j2, Zeile 1: Vorlagen-Syntaxfehler: "
            "Expected an expression, got 'end of statement block'. "
            "Jeder Ausdruck steht in {{ … }}, jede Anweisung in {% … %}, Kommentare in {## … ##}.",
            "Fehler: content/01-kapitel.md, Zeile 7: Zitat @unbekannt hat keinen Eintrag im Literaturverzeichnis. "
            "Ergänzen Sie [unbekannt] in content/literatur.toml.",
            "Fehler: content/_teil.md, Zeile 2: Zitat @auch-unbekannt hat keinen Eintrag im Literaturverzeichnis. "
            "Ergänzen Sie [auch-unbekannt] in content/literatur.toml.",
            "Fehler: content/01-kapitel.md, Zeile 5: Bild mit externer Adresse „http://example.com/a.png“ ist nicht "
            "erlaubt. Legen Sie Bilder in content/ ab und verweisen Sie relativ darauf, z. B. ![Foto](bilder/foto.png).",
        ]
    )


def test_check_writes_only_the_data_cache_and_says_the_same_twice(tiny_project, capsys) -> None:
    root = tiny_project()
    before = tree(root)

    assert main(["--project", str(root), "check"]) == 0
    first = capsys.readouterr()
    after_first = tree(root)
    created = {name for name in after_first if name not in before}
    # the documented writes: the statistics and the respondents, so that the next check or build skips the data
    files = sorted(name for name in created if after_first[name] != "/")
    assert [Path(name).parent.as_posix() for name in files] == [Layout.cache, Layout.cache]
    assert [Path(name).name.split("-")[0] for name in files] == ["frame", "stats"]
    assert created - set(files) == {Layout.build, Layout.cache}
    assert {name: after_first[name] for name in before} == before
    assert main(["--project", str(root), "check"]) == 0
    assert capsys.readouterr() == first
    assert tree(root) == after_first
    assert first.out == "Keine Fehler gefunden (1 Kapitel, 8 Befragte).\n"
    assert first.err.splitlines() == [
        "Warnung: content/literatur.toml, Zeile 1: Eintrag „mueller-2020“ wird nirgends zitiert. "
        "Zitieren Sie ihn mit [@mueller-2020] oder entfernen Sie ihn.",
        "Warnung: content/literatur.toml, Zeile 5: Eintrag „schmidt-2021“ wird nirgends zitiert. "
        "Zitieren Sie ihn mit [@schmidt-2021] oder entfernen Sie ihn.",
        "Warnung: data/codebook.toml, Zeile 8: Frage „gruppe“ wird im Bericht nicht verwendet. "
        "Verwenden Sie sie in einem Kapitel oder entfernen Sie sie aus dem Codebuch.",
    ]


def test_strict_check_fails_on_warnings_and_strict_build_writes_nothing(tiny_project, capsys) -> None:
    root = tiny_project()
    assert main(["--project", str(root), "--strict", "check"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 3
    assert all(line.startswith("Fehler: ") for line in errors)
    assert errors[2].startswith("Fehler: data/codebook.toml, Zeile 8: Frage „gruppe“ wird im Bericht nicht verwendet.")
    assert main(["--project", str(root), "--strict", "build"]) == 2
    assert not (root / Layout.pdf).exists()
    assert not (root / Layout.html).exists()


def test_prepare_writes_nothing(tiny_project) -> None:
    """The library's check: every input read and checked, the statistics computed, nothing stored."""
    root = tiny_project()
    before = tree(root)
    assert prepare(root).stats.respondents == 8
    assert tree(root) == before


def test_check_loads_neither_weasyprint_nor_matplotlib(tiny_project) -> None:
    root = tiny_project({"content/01-kapitel.md": lambda text: text + "\n{{ bar_chart('item') }}\n"})
    program = (
        "import sys\n"
        "from reportgen.cli import main\n"
        f"assert main(['--project', {str(root)!r}, 'check']) == 0\n"
        "heavy = sorted(name for name in ('weasyprint', 'matplotlib') if name in sys.modules)\n"
        "print('loaded:' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "loaded:"


def test_check_finds_what_the_page_template_and_the_chart_font_would_break(tiny_project, capsys) -> None:
    root = tiny_project(
        {
            "templates/report.html.j2": lambda text: text.replace("{{ report.title }}", "{{ report.titel }}", 1),
            "templates/fonts/Lato-Regular.ttf": None,
        }
    )
    assert main(["--project", str(root), "check"]) == 2
    errors = capsys.readouterr().err
    assert "Fehler: templates/report.html.j2, Zeile 5: Unbekannter Name:" in errors
    assert "Fehler: templates/fonts/Lato-Regular.ttf: Schriftdatei nicht gefunden." in errors


def test_a_chart_font_that_links_out_of_the_project_is_refused(tiny_project, tmp_path: Path, capsys) -> None:
    root = tiny_project()
    font = root / "templates" / "fonts" / "Lato-Regular.ttf"
    outside = tmp_path / "fremd.ttf"
    outside.write_bytes(font.read_bytes())
    font.unlink()
    font.symlink_to(outside)
    assert main(["--project", str(root), "check"]) == 2
    assert (
        f"Fehler: templates/fonts/Lato-Regular.ttf: Die Datei verweist auf {outside}, außerhalb des Projekts."
        in capsys.readouterr().err
    )


def test_a_broken_stylesheet_is_reported_together_with_data_problems(tiny_project, capsys) -> None:
    responses = TINY_RESPONSES.replace("R3,3,1", "R3,7,1")
    root = tiny_project(
        {"data/responses.csv": responses, "templates/style.css": lambda text: text.replace(":root {", ":root {{", 1)}
    )
    assert main(["--project", str(root), "check"]) == 2
    errors = capsys.readouterr().err
    assert "Fehler: data/responses.csv, Zeile 4, Spalte „item“" in errors
    assert "Fehler: templates/style.css, Zeile" in errors


def test_the_sheet_setting_chooses_the_responses_and_keys_the_cache(tiny_project) -> None:
    import openpyxl

    rows = [line.split(",") for line in TINY_RESPONSES.splitlines()]
    workbook = openpyxl.Workbook()
    old = workbook.active
    assert old is not None
    old.title = "Alt"
    for row in rows[:4]:  # the header and 3 respondents
        old.append(row)
    current = workbook.create_sheet("Daten")
    for row in rows:  # the header and all 8 respondents
        current.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    config = '[report]\ntitle = "Kleine Studie"\ndate = 2025-01-31\n\n[survey]\nresponses = "data/antworten.xlsx"\n'
    root = tiny_project({"report.toml": config, "data/antworten.xlsx": buffer.getvalue()})
    assert check(root).stats.respondents == 3  # no sheet named: the first with a header row
    (root / "report.toml").write_text(config + 'sheet = "Daten"\n', encoding="utf-8")
    assert check(root).stats.respondents == 8  # not the 3 cached under the first sheet
