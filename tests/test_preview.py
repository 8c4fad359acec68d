"""build/report.html works alone: every source inlined, nothing outside the project read, the PDF untouched; and a
real browser shows it with its fonts."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pikepdf
import pytest
import tinycss2
from PIL import Image

from reportgen.build import BuildResult, build
from reportgen.layout import Layout
from reportgen.limits import DEFAULTS
from reportgen.preview import Lookup, ProjectFiles, screen_stylesheet, self_contained

FONT = b"\x00\x01\x00\x00font"
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# A chart as matplotlib writes it: a prolog, metadata, ids and references to them that every chart repeats.
CHART = b"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="300pt" height="100pt" viewBox="0 0 300 100" \
xmlns="http://www.w3.org/2000/svg" version="1.1">
 <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
 <defs><clipPath id="p1"><rect width="300" height="100"/></clipPath><path id="m1" d="M 0 0 L 0 3"/></defs>
 <g id="figure_1" clip-path="url(#p1)"><use xlink:href="#m1" x="5" y="5"/>
 <text style="font-family: 'Lato'">Zustimmung</text></g>
</svg>
"""
STYLESHEET = """\
@font-face { font-family: "Lato"; src: url("fonts/Lato-Regular.ttf"); }
@page { @top-left { background: url(logo.svg) no-repeat; } }
h1 { color: teal; }
"""
FILES = {
    Layout.stylesheet: STYLESHEET.encode(),
    "templates/fonts/Lato-Regular.ttf": FONT,
    Layout.logo: LOGO,
    "content/bilder/punkt.png": PNG,
    f"{Layout.charts}/bar-a.svg": CHART,
    f"{Layout.charts}/bar-b.svg": CHART,
}
DOCUMENT = """\
<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Studie</title>
<link rel="stylesheet" href="../templates/style.css">
<style>
:root { --brand-primary: #0b5d5b; }
</style>
</head>
<body>
<img class="title-logo" src="../templates/logo.svg" alt="Firma &amp; Co">
<nav><a href="#sec-1">Kapitel</a></nav>
<h1 id="sec-1">Kapitel</h1>
<figure class="chart" id="abbildung-1"><img src="charts/bar-a.svg" alt="Abbildung 1: „A“ &lt;50 %"></figure>
<figure class="chart" id="abbildung-2"><img src="charts/bar-b.svg" alt="Abbildung 2"></figure>
<figure class="image"><img src="../content/bilder/punkt.png" alt="Ein Punkt"></figure>
<div style="background: url('../content/bilder/punkt.png')">Text</div>
</body>
</html>
"""


def asked(files: dict[str, bytes]) -> tuple[list[str], Lookup]:
    """A lookup over `files` that records every name it is asked for."""
    names: list[str] = []

    def lookup(name: str) -> bytes | None:
        names.append(name)
        return files.get(name)

    return names, lookup


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def addresses(html: str) -> list[str]:
    """Every address the page would load: image sources, stylesheet links, url()s (in attributes too)."""
    html = unescape(html)
    found = re.findall(r"""<(?:img|link)\b[^>]*\b(?:src|href)="([^"]*)\"""", html)
    return found + re.findall(r"""url\(["']?([^"')]*)""", html)


def test_every_source_and_url_is_inlined() -> None:
    page = self_contained(DOCUMENT, FILES.get, "@media screen { body { max-width: 46em; } }")
    assert "<link" not in page
    assert all(address.startswith(("data:", "#")) for address in addresses(page)), addresses(page)
    assert f'url("{data_uri("font/ttf", FONT)}")' in page
    assert f'url("{data_uri("image/svg+xml", LOGO)}")' in page
    assert f'<img class="title-logo" src="{data_uri("image/svg+xml", LOGO)}" alt="Firma &amp; Co">' in page
    assert f'<img src="{data_uri("image/png", PNG)}" alt="Ein Punkt">' in page
    assert f"background: url(&quot;{data_uri('image/png', PNG)}&quot;)" in page
    assert ":root { --brand-primary: #0b5d5b; }" in page
    assert page.index("h1 { color: teal; }") < page.index("max-width: 46em") < page.index("</head>")


def test_charts_become_svg_elements_with_their_alt_text_and_ids_of_their_own() -> None:
    """An SVG shown as an image cannot use the page's fonts; inline, each chart's ids must differ from the next."""
    page = self_contained(DOCUMENT, FILES.get)
    assert '<svg role="img" aria-label="Abbildung 1: „A“ &lt;50 %" xmlns:xlink=' in page
    assert '<svg role="img" aria-label="Abbildung 2" xmlns:xlink=' in page
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page and "<metadata>" not in page
    for chart in ("bar-a", "bar-b"):
        assert f'<clipPath id="chart-{chart}-p1">' in page
        assert f'clip-path="url(#chart-{chart}-p1)"' in page
        assert f'xlink:href="#chart-{chart}-m1"' in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert '<a href="#sec-1">' in page and '<h1 id="sec-1">' in page  # the page's own anchors are left alone


def test_a_chart_with_a_script_stays_an_image() -> None:
    files = {**FILES, f"{Layout.charts}/bar-a.svg": CHART.replace(b"<defs>", b"<script>alert(1)</script><defs>")}
    page = self_contained(DOCUMENT, files.get)
    assert "<script>" not in page
    assert '<img src="data:image/svg+xml;base64,' in page


def test_nothing_outside_the_project_is_asked_for() -> None:
    hostile = DOCUMENT.replace(
        "<nav>",
        '<img src="../../etc/passwd" alt="a"><img src="/etc/passwd" alt="b"><img src="file:///etc/passwd" alt="c">'
        '<img src="https://example.com/x.png" alt="d"><img src="//example.com/y.png" alt="e">'
        '<img src="..%2F..%2Fetc%2Fpasswd" alt="f"><nav>',
    )
    files = {
        **FILES,
        Layout.stylesheet: (
            STYLESHEET + 'body { background: url("../../../secret.png"); }\n'
            "@font-face { font-family: X; src: url(https://example.com/x.woff2); }\n"
        ).encode(),
    }
    names, lookup = asked(files)
    page = self_contained(hostile, lookup)
    assert names and all(not name.startswith(("/", "..")) and "://" not in name for name in names), names
    assert set(names) <= set(files)
    assert "passwd" not in page and "example.com" not in page and "secret" not in page
    for alt in "abcdef":
        assert f'<img alt="{alt}">' in page  # left out: the browser shows the alt text
    assert "background: none;" in page and "src: none;" in page


def test_a_missing_file_is_left_out() -> None:
    page = self_contained(DOCUMENT, {Layout.stylesheet: STYLESHEET.encode()}.get)
    assert '<img class="title-logo" alt="Firma &amp; Co">' in page
    assert '<img alt="Abbildung 1: „A“ &lt;50 %">' in page  # a missing chart: neither <svg> nor a source
    assert "src: none; }" in page and "background: none no-repeat;" in page
    assert "charts/" not in page and "../" not in page
    assert "<link" not in self_contained(DOCUMENT, {}.get)  # no stylesheet: the link goes


def test_project_files_read_only_inside_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "bild.png").write_bytes(PNG)
    (tmp_path / "geheim.png").write_bytes(b"secret")
    (root / "content" / "link.png").symlink_to(tmp_path / "geheim.png")
    files = ProjectFiles(Layout(root), {"build/charts/a.svg": CHART}, DEFAULTS.file_size)
    assert files("content/bild.png") == PNG
    assert files("build/charts/a.svg") == CHART
    assert files("content/link.png") is None
    assert files("content/fehlt.png") is None
    assert files("content") is None
    assert files("content/a\0b.png") is None


def test_screen_stylesheet_is_for_the_screen_only() -> None:
    """Whatever else it does, the package's stylesheet changes nothing when printed."""
    rules = tinycss2.parse_stylesheet(screen_stylesheet(), skip_comments=True, skip_whitespace=True)
    assert [(rule.type, rule.lower_at_keyword, tinycss2.serialize(rule.prelude).strip()) for rule in rules] == [
        ("at-rule", "media", "screen")
    ]


@pytest.mark.slow
def test_preview_leaves_the_pdf_alone(tiny_project, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "content/01-kapitel.md": "# Ergebnisse\n\n![Ein Punkt](bilder/punkt.png)\n\n{{ bar_chart('item') }}\n",
        "content/bilder/punkt.png": PNG,
    }
    with_preview = build(tiny_project(files, name="with"))
    page = with_preview.html.read_text("utf-8")
    assert all(address.startswith(("data:", "#")) for address in addresses(page)), addresses(page)
    assert '<svg role="img" aria-label="Balkendiagramm: Ein Item. 1: 1 (14,3' in page
    monkeypatch.setattr("reportgen.build.preview_html", lambda html, *_: html)
    without = build(tiny_project(files, name="without"))
    assert with_preview.pdf.read_bytes() == without.pdf.read_bytes()
    assert 'src="charts/bar-item.svg"' in without.html.read_text("utf-8")


# A real browser: the page copied alone into an empty folder, a screenshot and a print of it.

WIDTH, HEIGHT = 1200, 2000
BRAND_PRIMARY = (0x0B, 0x5D, 0x5B)  # the study's [brand] primary: the title page's bar


@pytest.fixture(scope="session")  # before the study is built: a skip costs no build
def browser() -> str:
    """Debian's chromium; CI installs it (.ci/run), so a missing browser fails there instead of skipping."""
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must not skip the browser test")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    return found


def run_chromium(browser: str, page: Path, profile: Path, *arguments: str) -> None:
    command = [
        browser,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *arguments,
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.mark.slow
def test_a_browser_shows_the_preview_alone_with_its_fonts(
    browser: str, study_build: BuildResult, tmp_path: Path
) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    page = alone / "report.html"
    shutil.copyfile(study_build.html, page)
    screenshot, printed = tmp_path / "screenshot.png", tmp_path / "printed.pdf"
    run_chromium(browser, page, tmp_path / "profile", f"--screenshot={screenshot}", f"--window-size={WIDTH},{HEIGHT}")
    run_chromium(browser, page, tmp_path / "profile", f"--print-to-pdf={printed}", "--no-pdf-header-footer")
    assert sorted(path.name for path in alone.iterdir()) == ["report.html"]

    image = Image.open(io.BytesIO(screenshot.read_bytes())).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    colours = image.getcolors(maxcolors=WIDTH * HEIGHT) or []
    assert len(colours) > 50  # text, charts, tables: not a blank or one-colour page
    ink = sum(count for count, (red, green, blue) in colours if red + green + blue < 3 * 160)
    assert 0.01 < ink / (WIDTH * HEIGHT) < 0.5
    assert any(colour == BRAND_PRIMARY for _, colour in colours)
    # The text is one readable column in the middle of the window, about 46em wide.
    row = [image.getpixel((x, HEIGHT // 2)) for x in range(WIDTH)]
    white = [x for x, pixel in enumerate(row) if pixel == (255, 255, 255)]
    left, right = white[0], WIDTH - 1 - white[-1]
    assert 600 < WIDTH - left - right < 800
    assert abs(left - right) <= 2

    # The fonts the browser used are the page's own: Lato, inlined; a fallback (also for a chart's text) fails.
    with pikepdf.open(printed) as pdf:
        fonts = {
            str(item.get("/BaseFont")).lstrip("/").split("+")[-1]
            for item in pdf.objects
            if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/Font" and "/BaseFont" in item
        }
    assert "Lato-Regular" in fonts and "Lato-Bold" in fonts
    assert {font for font in fonts if not font.startswith("Lato-")} == set(), fonts
