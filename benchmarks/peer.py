"""The benchmark's naive peer: the study in one straightforward script, without reportgen and without caches.

pandas computes what the chapters show, jinja2 renders each content/*.md with plain functions named like the
study's helpers, markdown-it-py converts it, matplotlib draws the charts as SVG files (pyplot, one after the other,
in this process), and WeasyPrint writes one tagged PDF with the study's templates/style.css and fonts.

    python benchmarks/peer.py PROJECT

writes only PROJECT/build/peer/ (charts/*.svg and report.pdf) and prints `PAGES pages`.
"""

from __future__ import annotations

import math
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import jinja2
import matplotlib.pyplot as plt
import pandas as pd
from markdown_it import MarkdownIt
from weasyprint import HTML

OUTPUT = Path("build") / "peer"
MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()  # noqa: SIM905
CHART_WIDTH = 6.4  # inches: the text block of A4 with the study's margins
PAGE = jinja2.Template("""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{{ r.title }}</title>
<link rel="stylesheet" href="templates/style.css"></head>
<body>
<div class="running-footer">{{ r.publisher }} · {{ r.website }}</div>
<section class="title-page"><img class="title-logo" src="templates/logo.svg" alt="{{ r.publisher }}">
<div class="title-block"><p class="title-kicker">{{ r.subtitle }}</p><h1 class="title">{{ r.title }}</h1>
<blockquote class="commission">{{ r.commission }}</blockquote></div>
<dl class="title-facts"><dt>Projekt</dt><dd>{{ r.project }}</dd><dt>Herausgeber</dt>
<dd>{{ r.publisher }}, {{ r.place }}</dd><dt>Stand</dt><dd>{{ month }}</dd></dl></section>
<nav class="toc"><h2 class="toc-title">Inhalt</h2><ol>
{% for level, anchor, number, text in toc %}<li class="toc-level-{{ level }}"><a href="#{{ anchor }}">
<span class="toc-number">{{ number }}</span>{{ text }}</a></li>{% endfor %}</ol></nav>
<main>{% for chapter in chapters %}<section class="chapter">{{ chapter }}</section>{% endfor %}</main>
</body></html>""")


def de(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def percent(share: float, decimals: int = 0) -> str:
    return de(100 * share, decimals) + "\u00a0%"


class Study:
    """The survey and the helper functions the chapters call; figures and tables are numbered as they are made."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.config = tomllib.loads((project / "report.toml").read_text(encoding="utf-8"))
        survey = self.config["survey"]
        self.codebook = tomllib.loads((project / survey["codebook"]).read_text(encoding="utf-8"))
        self.data = pd.read_csv(project / survey["responses"])
        self.references = tomllib.loads((project / "content" / "literatur.toml").read_text(encoding="utf-8"))
        self.figures: list[str] = []
        self.tables: list[str] = []
        self.labels: dict[str, str] = {}

    def valid(self, question: str) -> pd.Series:
        answers = self.data[question].dropna()
        return answers[~answers.isin(self.codebook[question].get("missing", []))]

    def categories(self, question: str) -> dict[Any, str]:
        entry = self.codebook[question]
        if entry["kind"] == "scale":
            return {code: str(code) for code in range(entry["scale"]["min"], entry["scale"]["max"] + 1)}
        if entry["kind"] == "text":
            return {answer: answer for answer in sorted(self.valid(question).unique())}
        return {category["code"]: category["label"] for category in entry["categories"]}

    # The helpers, by the names and arguments the chapters use.

    def n(self, question: str | None = None) -> int:
        return len(self.data) if question is None else len(self.valid(question))

    def missing(self, question: str) -> int:
        return len(self.data) - len(self.valid(question))

    def share(self, question: str, *codes: int) -> str:
        return percent(self.valid(question).isin(codes).mean())

    def share_ci(self, question: str, *codes: int) -> str:
        answers = self.valid(question)
        p, n, z = answers.isin(codes).mean(), len(answers), 1.96  # Wilson score interval
        centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low, high = centre - half / (1 + z * z / n), centre + half / (1 + z * z / n)
        return f"{percent(p)} (95-%-KI: {de(100 * low, 0)}–{percent(high)})"

    def count(self, question: str, code: int) -> int:
        return int((self.valid(question) == code).sum())

    def mode(self, question: str) -> str:
        return self.categories(question)[self.valid(question).mode().iloc[0]]

    def mean(self, question: str) -> str:
        return de(self.valid(question).mean(), 2)

    def sd(self, question: str) -> str:
        return de(self.valid(question).std(), 2)

    def scale_min(self, question: str) -> int:
        return int(self.codebook[question]["scale"]["min"])

    def scale_max(self, question: str) -> int:
        return int(self.codebook[question]["scale"]["max"])

    def scale_points(self, question: str) -> int:
        return self.scale_max(question) - self.scale_min(question) + 1

    def numbered(self, kind: str, caption: str, label: str) -> int:
        entries = self.figures if kind == "abb" else self.tables
        entries.append(caption)
        self.labels.setdefault(f"{kind}-{label}", f"{'abbildung' if kind == 'abb' else 'tabelle'}-{len(entries)}")
        return len(entries)

    def table(self, caption: str, label: str, head: list[str], rows: list[list[Any]], css: str = "") -> str:
        number = self.numbered("tab", caption, label)
        header = "".join(f'<th scope="col"{" class=item" if i == 0 else ""}>{h}</th>' for i, h in enumerate(head))
        body = "".join(
            f'<tr><th scope="row">{row[0]}</th>{"".join(f"<td>{cell}</td>" for cell in row[1:])}</tr>' for row in rows
        )
        return (
            f'<div class="table-block"><table class="data {css}" id="tabelle-{number}"><caption>'
            f'<span class="caption-label">Tabelle {number}</span> – {caption}</caption>'
            f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></div>"
        )

    def frequency_table(self, question: str) -> str:
        answers, total = self.valid(question), len(self.data)
        counts, cumulative, rows = answers.value_counts(), 0, []
        for code, label in self.categories(question).items():
            count = int(counts.get(code, 0))
            cumulative += count
            rows.append(
                [
                    label,
                    count,
                    de(100 * count / total, 1),
                    de(100 * count / len(answers), 1),
                    de(100 * cumulative / len(answers), 1),
                ]
            )
        rows.append(["Fehlend", total - len(answers), de(100 * (total - len(answers)) / total, 1), "", ""])
        rows.append(["Gesamt", total, "100,0", "", ""])
        head = [self.codebook[question]["text"], "Häufigkeit", "Prozent", "Gültige Prozente", "Kumulierte Prozente"]
        return self.table(self.codebook[question]["label"], question, head, rows, "frequencies")

    def descriptives_table(self, questions: list[str] | None = None) -> str:
        rows = []
        for question in questions or [q for q, entry in self.codebook.items() if entry["kind"] != "text"]:
            entry, answers = self.codebook[question], self.valid(question)
            label = f'<span class="item-label">{entry["label"]}</span><span class="item-text">{entry["text"]}</span>'
            numbers = ["", "", "", ""]
            if entry["kind"] == "scale":
                numbers = [de(answers.mean(), 2), de(answers.std(), 2), f"{answers.min():g}", f"{answers.max():g}"]
            rows.append([label, len(answers), self.missing(question), *numbers])
        head = ["Frage", "Gültig", "Fehlend", "Mittelwert", "Standardabweichung", "Minimum", "Maximum"]
        return self.table("Deskriptive Kennwerte der Befragung", "deskriptiv", head, rows, "descriptives")

    def crosstab(self, *questions: str, by: str, caption: str, label: str) -> str:
        groups = self.categories(by)
        data = self.data[self.data[by].isin(list(groups))]
        sizes = data[by].value_counts()
        rows = []
        for question in questions:
            means = data.groupby(by)[question].mean()
            cells = [de(means[code], 2) + ("*" if sizes[code] < 10 else "") for code in groups if code in means]
            rows.append([self.codebook[question]["label"], self.mean(question), *cells])
        rows.append(["Basis (n)", len(data), *(int(sizes[code]) for code in groups if code in sizes)])
        head = ["Mittelwerte", "Gesamt", *(name for code, name in groups.items() if code in sizes)]
        note = "<p class='table-note'>Mittelwerte der gültigen Antworten; * weniger als 10 Unternehmen.</p>"
        return self.table(caption, label, head, rows, "crosstab") + note

    def figure(self, kind: str, name: str, caption: str, label: str, note: str, fig: Any) -> str:
        path = self.project / OUTPUT / "charts" / f"{kind}-{name}.svg"
        fig.savefig(path, format="svg", bbox_inches="tight")
        plt.close(fig)
        number = self.numbered("abb", caption, label)
        return (
            f'<figure class="chart chart-{kind}" id="abbildung-{number}"><img src="{path.relative_to(self.project)}"'
            f' alt="{caption}"><figcaption><span class="caption-label">Abbildung {number}</span> – {caption}'
            f"{note}</figcaption></figure>"
        )

    def bar_chart(self, question: str, caption: str | None = None, label: str | None = None) -> str:
        categories, answers = self.categories(question), self.valid(question)
        counts = [int((answers == code).sum()) for code in categories]
        fig, ax = plt.subplots(figsize=(CHART_WIDTH, 2.56))
        bars = ax.bar(list(categories.values()), counts, color="#0b5d5b")
        ax.bar_label(bars, labels=[percent(count / len(answers), 1) for count in counts])
        ax.set_xlabel(
            f"Antwortwert ({self.scale_min(question)} = niedrigster, {self.scale_max(question)} = höchster Skalenwert)"
        )
        ax.set_ylabel("Absolute Häufigkeit")
        ax.set_ylim(0, len(answers) * 0.8)
        caption = caption or self.codebook[question]["label"]
        return self.figure("bar", question, caption, label or question, f" (N\u00a0=\u00a0{len(answers)})", fig)

    def pie_chart(self, question: str, caption: str | None = None, label: str | None = None) -> str:
        categories, answers = self.categories(question), self.valid(question)
        counts = {name: int((answers == code).sum()) for code, name in categories.items()}
        counts = {name: count for name, count in counts.items() if count}
        fig, ax = plt.subplots(figsize=(CHART_WIDTH, 2.17))
        ax.pie(list(counts.values()), autopct=lambda p: percent(p / 100, 1) if p > 15 else "", startangle=90)
        ax.legend(
            [f"{name}: {count} ({percent(count / len(answers), 1)})" for name, count in counts.items()],
            loc="center left",
            bbox_to_anchor=(1, 0.5),
            frameon=False,
        )
        caption = caption or self.codebook[question]["label"]
        return self.figure("pie", question, caption, label or question, f" (N\u00a0=\u00a0{len(answers)})", fig)

    def likert_chart(self, *questions: str, caption: str, label: str) -> str:
        agree = {q: self.valid(q).isin(range(3, self.scale_max(q) + 1)).mean() for q in questions}
        ordered = sorted(questions, key=lambda q: agree[q])
        codes = list(self.categories(questions[0]))
        fig, ax = plt.subplots(figsize=(CHART_WIDTH, 3.08))
        left = [0.0] * len(ordered)
        colours = plt.get_cmap("RdYlGn")([i / (len(codes) - 1) for i in range(len(codes))])
        for code, colour in zip(codes, colours, strict=True):
            shares = [(self.valid(q) == code).mean() for q in ordered]
            ax.barh([self.codebook[q]["label"] for q in ordered], shares, left=left, color=colour, label=str(code))
            left = [a + b for a, b in zip(left, shares, strict=True)]
        ax.legend(ncols=len(codes), loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
        ax.set_xlim(0, 1)
        return self.figure("likert", "-".join(questions)[:40], caption, label, "", fig)

    # Placeholders, filled in by links() once every chapter has numbered its figures and tables.
    def list_of_figures(self) -> str:
        return "<!--figures-->"

    def list_of_tables(self) -> str:
        return "<!--tables-->"

    def bibliography(self) -> str:
        items = "".join(f"<li>{entry['author']}. ({entry['year']}).</li>" for entry in self.references.values())
        return f'<ul class="bibliography">{items}</ul>'

    def helpers(self) -> dict[str, Any]:
        names = (
            "n missing share share_ci count mode mean sd scale_min scale_max scale_points frequency_table "
            "descriptives_table crosstab bar_chart pie_chart likert_chart list_of_figures list_of_tables bibliography"
        )
        return {name: getattr(self, name) for name in names.split()}


class Headings:
    """Numbers h1/h2 (not those marked {.unnumbered}), gives every heading an id and collects the contents."""

    PATTERN = re.compile(r"<h([1-3])>(.*?)(?: \{\.([\w-]+)\})?</h\1>")

    def __init__(self) -> None:
        self.numbers = [0, 0]
        self.toc: list[tuple[int, str, str, str]] = []

    def __call__(self, match: re.Match[str]) -> str:
        level, text, css = int(match.group(1)), match.group(2), match.group(3) or ""
        anchor, number = f"h-{len(self.toc) + 1}", ""
        if level < 3 and css != "unnumbered":
            self.numbers[level - 1] += 1
            self.numbers[level:] = [0] * (2 - level)
            number = ".".join(str(n) for n in self.numbers[:level])
        if level < 3:
            self.toc.append((level, anchor, number, text))
        prefix = f'<span class="heading-number">{number}</span>' if number else ""
        return f'<h{level} id="{anchor}" class="{css}">{prefix}{text}</h{level}>'


def links(study: Study, html: str) -> str:
    """Cross-references, citations and the lists of figures and tables, once every chapter is rendered."""

    def xref(match: re.Match[str]) -> str:
        anchor = study.labels[f"{match.group(1)}-{match.group(2)}"]
        name = anchor.replace("abbildung-", "Abbildung ").replace("tabelle-", "Tabelle ")
        return f'<a href="#{anchor}"{" class=xref-page" if match.group(3) else ""}>{name}</a>'

    def cite(key: str, bracketed: bool) -> str:
        entry = study.references[key]
        return f"{entry['author']}, {entry['year']}" if bracketed else f"{entry['author']} ({entry['year']})"

    html = re.sub(r"@(abb|tab)-([\w-]+)(\+seite)?", xref, html)
    html = re.sub(
        r"\[(@[\w-]+(?:; @[\w-]+)*)\]",
        lambda m: "(" + "; ".join(cite(k.strip("@ "), True) for k in m.group(1).split(";")) + ")",
        html,
    )
    html = re.sub(r"@([\w-]+)", lambda m: cite(m.group(1), False), html)
    for marker, kind, entries in (("figures", "Abbildung", study.figures), ("tables", "Tabelle", study.tables)):
        items = "".join(
            f'<li><a href="#{kind.lower()}-{i}"><span class="list-of-number">{kind} {i}</span>{caption}</a></li>'
            for i, caption in enumerate(entries, 1)
        )
        html = html.replace(f"<!--{marker}-->", f'<ol class="list-of">{items}</ol>')
    return html


def build(project: Path) -> int:
    """The PDF in PROJECT/build/peer/report.pdf; its page count."""
    (project / OUTPUT / "charts").mkdir(parents=True, exist_ok=True)
    study = Study(project)
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    markdown = MarkdownIt("commonmark", {"html": True}).enable("table")
    headings = Headings()
    chapters = []
    for path in sorted((project / "content").glob("*.md")):
        text = environment.from_string(path.read_text(encoding="utf-8")).render(**study.helpers())
        chapters.append(Headings.PATTERN.sub(headings, markdown.render(text)))
    report = study.config["report"]
    month = f"{MONTHS[report['date'].month - 1]} {report['date'].year}"
    page = links(study, PAGE.render(r=report, month=month, toc=headings.toc, chapters=chapters))
    document = HTML(string=page, base_url=str(project) + "/").render(pdf_tags=True)
    document.write_pdf(project / OUTPUT / "report.pdf")
    return len(document.pages)


if __name__ == "__main__":
    print(f"{build(Path(sys.argv[1]).resolve())} pages")
