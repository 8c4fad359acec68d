"""`reportgen check`: every stage that can be checked is checked, quickly, without rendering."""

from __future__ import annotations

import subprocess
import sys

from reportgen.cli import main


def test_check_reports_problems_of_data_template_and_content_together(make_project, capsys) -> None:
    root = make_project()
    responses = root / "data" / "responses.csv"
    lines = responses.read_text("utf-8").splitlines()
    cells = lines[3].split(",")
    cells[1] = "7"  # row 4 as a spreadsheet counts, column strategie: off the 0–5 scale
    lines[3] = ",".join(cells)
    responses.write_text("\n".join(lines) + "\n", "utf-8")
    page = root / "templates" / "report.html.j2"
    page.write_text("{% if %}\n" + page.read_text("utf-8"), "utf-8")
    chapter = root / "content" / "01-einleitung.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![x](http://example.com/a.png)\n\n[@fehlt-2020]\n", "utf-8")

    assert main(["--project", str(root), "check"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert any(line.startswith("Fehler: data/responses.csv, Zeile 4, Spalte „strategie“: „7“") for line in errors)
    assert any(line.startswith("Fehler: templates/report.html.j2, Zeile 1: Vorlagen-Syntaxfehler") for line in errors)
    assert any("content/01-einleitung.md" in line and "@fehlt-2020" in line for line in errors)
    assert any("content/01-einleitung.md" in line and "http://example.com/a.png" in line for line in errors)
    assert len(errors) == 4


def test_check_loads_neither_weasyprint_nor_matplotlib(make_project) -> None:
    root = make_project()
    program = (
        "import sys\n"
        "from reportgen.cli import main\n"
        f"assert main(['--project', {str(root)!r}, 'check']) == 0\n"
        "heavy = sorted(name for name in ('weasyprint', 'matplotlib') if name in sys.modules)\n"
        "print('loaded:' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "loaded:"
    assert not (root / "build" / "report.pdf").exists()
