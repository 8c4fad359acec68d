"""The README's helper tables, generated from the registry, and the rewrite of README.md between its markers."""

from __future__ import annotations

from .registry import Example, Group, HelperInfo, registered

_HEADERS: dict[Group, tuple[str, ...]] = {
    "prose": ("helper", "example", "prints", "meaning"),
    "block": ("helper", "example", "block"),
    "batch": ("helper", "example", "prints", "meaning"),
}
_NOTES: dict[Group, str] = {
    "block": (
        '`caption="…"` on any table or chart: a caption other than the codebook label (N is appended to charts). '
        '`label="…"` names it for cross-references (`@abb-…`, `@tab-…`); without it a chart or frequency table is '
        "named after its question."
    ),
    "batch": (
        "Only in the chapters of a batch report (`reportgen batch`, folder `[batch] content`); elsewhere each is an "
        "error. The examples print what the study gives in R07's report (`--per id`) or, where the note says "
        "`--by unternehmensalter`, in the report of „> 20 Jahre“. Every group a batch report shows (`where=`, `same()`, `segment()`, the segments of `by=`) must "
        "have at least `[batch] min_group` respondents, and so must the respondents outside it (a report for one "
        "respondent counts them without the reader); free-text answers of others, `minimum()` and `maximum()` "
        "are refused."
    ),
}


def markers(group: Group) -> tuple[str, str]:
    """The comments that enclose a group's table in README.md."""
    return f"<!-- helpers:{group} -->", f"<!-- /helpers:{group} -->"


def helper_table_markdown(group: Group) -> str:
    """The Markdown table of one group's helpers: signature, examples, what they print or show, their doc."""
    headers = _HEADERS[group]
    lines = [_row(headers), "|" + "---|" * len(headers)]
    for info in registered(group):
        lines.extend(_row(cells) for cells in _rows(info, with_prints=group != "block"))
    if group in _NOTES:
        lines += ["", _NOTES[group]]
    return "\n".join(lines) + "\n"


def update_readme(text: str) -> str:
    """`text` (README.md) with the text between each group's markers replaced by its generated table."""
    for group in _HEADERS:
        start, end = markers(group)
        begin = text.find(start)
        finish = text.find(end, begin)
        if begin < 0 or finish < 0:
            raise ValueError(f"README.md has no {start} … {end} section.")
        text = f"{text[: begin + len(start)]}\n{helper_table_markdown(group)}{text[finish:]}"
    return text


def _rows(info: HelperInfo, with_prints: bool) -> list[tuple[str, ...]]:
    """One row per example: the signature and the doc on the first, the example's note on the others."""
    rows: list[tuple[str, ...]] = []
    for index, example in enumerate(info.examples or (Example(""),)):
        first = index == 0
        cells = (
            f"`{info.call}`" if first else "",
            f"`{{{{ {example.expression} }}}}`" if example.expression else "",
            example.prints,
            info.doc if first else example.note,
        )
        rows.append(cells if with_prints else cells[:2] + cells[3:])
    return rows


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
