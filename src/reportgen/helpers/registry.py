"""The helper registry: each helper's name, group, signature, one-line doc and examples, recorded by `@helper`."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

Group = Literal["prose", "block", "batch"]
GROUPS: tuple[Group, ...] = ("prose", "block", "batch")

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Example:
    """A call as an editor writes it (without `{{ }}`), what it prints, and what a further example shows."""

    expression: str
    prints: str = ""
    note: str = ""


@dataclass(frozen=True)
class HelperInfo:
    """What the registry knows of one helper."""

    name: str
    group: Group
    signature: inspect.Signature
    doc: str
    examples: tuple[Example, ...]
    module: str = ""  # where it is defined: the README lists the basic helpers before the comparing ones

    @property
    def call(self) -> str:
        """The signature as editors write calls: `share(question_id, *codes, exclude=(), decimals=0)`."""
        parts: list[str] = []
        starred = False
        for parameter in self.signature.parameters.values():
            if parameter.kind is parameter.VAR_POSITIONAL:
                parts.append(f"*{parameter.name}")
                starred = True
                continue
            if parameter.kind is parameter.KEYWORD_ONLY and not starred:
                parts.append("*")
                starred = True
            default = "" if parameter.default is parameter.empty else f"={_literal(parameter.default)}"
            parts.append(parameter.name + default)
        return f"{self.name}({', '.join(parts)})"


# Filled once at import by the `@helper` decorators of the helper modules; never changed afterwards.
_REGISTRY: dict[str, HelperInfo] = {}


def helper(*, group: Group, examples: Sequence[Example] = ()) -> Callable[[F], F]:
    """Register a method as a helper editors may call; it needs a docstring, whose first line is its README entry."""

    def register(method: F) -> F:
        info = describe(method, group, examples)
        if info.name in _REGISTRY:
            raise TypeError(f"Helper {info.name}() is registered twice.")
        _REGISTRY[info.name] = info
        return method

    return register


def describe(method: Callable[..., object], group: Group, examples: Sequence[Example] = ()) -> HelperInfo:
    """The registry entry of `method`; a programming error (not a user's) when it is no documented method."""
    name = method.__name__
    if group not in GROUPS:
        raise ValueError(f"Helper {name}(): group must be one of {', '.join(GROUPS)}, not {group!r}.")
    doc = (inspect.getdoc(method) or "").strip()
    if not doc:
        raise TypeError(f"Helper {name}() has no docstring; its first line is what editors read in the README.")
    parameters = list(inspect.signature(method).parameters.values())
    if not parameters or parameters[0].name != "self":
        raise TypeError(f"Helper {name}() must be a method (its first parameter is self).")
    signature = inspect.Signature(parameters[1:], return_annotation=inspect.signature(method).return_annotation)
    module = method.__module__.rsplit(".", 1)[-1]
    return HelperInfo(name, group, signature, doc.splitlines()[0].strip(), tuple(examples), module)


def registered(group: Group | None = None) -> tuple[HelperInfo, ...]:
    """Every helper, prose before blocks before batch reports', in each group the basic ones before the comparing
    ones, each in definition order; or those of one group."""
    ordered = sorted(_REGISTRY.values(), key=lambda info: (GROUPS.index(info.group), _rank(info.module)))
    return tuple(info for info in ordered if group is None or info.group == group)


# The modules of helpers in README order; a module not listed comes last.
MODULES = ("prose", "blocks", "prose_compare", "comparisons", "batch", "batch_compare")


def _rank(module: str) -> int:
    return MODULES.index(module) if module in MODULES else len(MODULES)


def helper_names() -> list[str]:
    """The names editors may call, for the hint „Verfügbar sind …“."""
    return [info.name for info in registered()]


def _literal(value: object) -> str:
    """A default as an editor would write it in a chapter: strings in double quotes."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)
