"""Includes checked before rendering: no template includes itself, in a cycle or nested too deep."""

from __future__ import annotations

from jinja2 import Environment, TemplateNotFound, nodes

from .template_limits import TemplateLimitError

MAX_INCLUDE_DEPTH = 10  # templates included (imported, extended) within each other
INCLUDE_HINT = "Entfernen Sie das {% include %} (oder {% import %}), das den Kreis schließt."


def check_includes(environment: Environment, name: str) -> None:
    """Refuse templates that include themselves, directly or in a cycle, or nest includes too deep.

    Checked on the names written in the templates before rendering, so the message shows the chain;
    names computed while rendering are caught by the recursion limit instead."""
    _include_height(environment, (name,), {})


def _include_height(environment: Environment, chain: tuple[str, ...], heights: dict[str, int]) -> int:
    """How deep the includes below `chain[-1]` go; each template is looked into once."""
    name = chain[-1]
    if name in heights:
        return heights[name]
    height = 0
    for target, line in _references(environment, name):
        path = (*chain, target)
        if target in chain:
            raise _include_cycle(path, line)
        if len(path) - 1 > MAX_INCLUDE_DEPTH:
            raise _too_deep(path, line, "")
        below = _include_height(environment, path, heights)
        if len(path) - 1 + below > MAX_INCLUDE_DEPTH:  # a template looked into before, on a shorter chain
            raise _too_deep(path, line, " → …")
        height = max(height, below + 1)
    heights[name] = height
    return height


def _too_deep(path: tuple[str, ...], line: int, more: str) -> TemplateLimitError:
    return TemplateLimitError(
        f"Einbindungen sind tiefer verschachtelt als {MAX_INCLUDE_DEPTH} Ebenen ({' → '.join(path)}{more}).",
        "Binden Sie Textbausteine direkt im Kapitel ein statt ineinander.",
        path[-2],
        line,
    )


def _include_cycle(path: tuple[str, ...], line: int) -> TemplateLimitError:
    chain = " → ".join(path)
    if path[-2] == path[-1]:
        return TemplateLimitError(f"Die Datei bindet sich selbst ein ({chain}).", INCLUDE_HINT, path[-2], line)
    return TemplateLimitError(f"Einbindungen im Kreis: {chain}.", INCLUDE_HINT, path[-2], line)


def _references(environment: Environment, name: str) -> list[tuple[str, int]]:
    """The templates `name` includes, imports or extends by a written name, with their lines."""
    assert environment.loader is not None
    try:
        source, _, _ = environment.loader.get_source(environment, name)
    except TemplateNotFound:
        return []  # reported at the include's line when rendering
    tree = environment.parse(source, name)
    kinds = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
    written = ((getattr(node, "template", None), node.lineno) for node in tree.find_all(kinds))
    return [
        (target.value, line)
        for target, line in written
        if isinstance(target, nodes.Const) and isinstance(target.value, str)
    ]
