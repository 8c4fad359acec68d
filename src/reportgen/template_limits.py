"""The sandbox's limits on template execution: ranges, value sizes, output size and render time."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from typing import Any, TypeGuard, cast

from jinja2 import Template, TemplateRuntimeError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from . import fmt
from .errors import raise_setting
from .limits import DEFAULTS, Limits

# Limits of template execution: a chapter that hits one stops with a German message, never a hang. Render time
# and output size are set under [limits] in report.toml (`Limits.template_seconds`, `template_characters`).
MAX_RANGE = 10_000  # values of one range()
MAX_VALUE_SIZE = 1_000_000  # characters or items of one value made with *, + or ~
MAX_NUMBER_DIGITS = 1_000  # digits of one whole number made with * or **
LOOP_HINT = "Schleifen in Kapiteln sind für wenige Einträge gedacht; prüfen Sie range() und verschachtelte Schleifen."
TIME_HINT = (
    "Prüfen Sie verschachtelte Schleifen und Makros, die sich selbst aufrufen, "
    f"oder {raise_setting('template_seconds')}."
)
SIZE_HINT = "Prüfen Sie Multiplikationen (*, **) und Verkettungen (+, ~) im Ausdruck."


class TemplateLimitError(TemplateRuntimeError):
    """A template hit one of the limits above; `template` and `line` when known before rendering."""

    def __init__(self, message: str, hint: str, template: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.hint = hint
        self.template = template
        self.line = line


def _count(value: int, unit: str) -> str:
    return f"{fmt.number(value)} {unit}"


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles every loop so each pass checks the time limit, and every `~` so its result is bounded."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in node.find_all(nodes.For):
            guard = nodes.EnvironmentAttribute("limited_loop", lineno=loop.iter.lineno)
            loop.iter = nodes.Call(guard, [loop.iter], [], None, None, lineno=loop.iter.lineno)
            loop.iter.set_environment(self.environment)
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.limited_value(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedEnvironment(SandboxedEnvironment):
    """The sandbox with a policy on ranges, value sizes, output size, render time and include depth."""

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, limits: Limits = DEFAULTS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits  # render time and output size of each template
        self.globals["range"] = limited_range
        for name in ("center", "indent", "format", "wordwrap", "truncate"):
            self.filters[name] = _limited_filter(self.filters[name])
        self._deadline: float | None = None

    def render_limited(self, template: Template, context: Mapping[str, object]) -> str:
        """`template` rendered piece by piece, stopped when the output or the time exceeds its limit."""
        self._deadline = time.monotonic() + self.limits.template_seconds
        pieces: list[str] = []
        size = 0
        stream = cast(Generator[str, None, None], template.generate(context))
        try:
            for piece in stream:
                pieces.append(piece)
                size += len(piece)
                if size > self.limits.template_characters:
                    # Thrown in where the template stands, so the error carries its line.
                    stream.throw(_output_too_long(self.limits.template_characters))
                self._check_time()
        except RecursionError as error:
            raise _too_deep_recursion().with_traceback(error.__traceback__) from None
        finally:
            self._deadline = None
        return "".join(pieces)

    def limited_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The items of a loop, the time limit checked before each pass."""
        for item in iterable:
            self._check_time()
            yield item

    def limited_value(self, value: Any) -> Any:
        """`value` if its size is within MAX_VALUE_SIZE."""
        _check_size(_size(value))
        return value

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self._check_time()
        if operator == "**":
            _check_power(left, right)
        elif operator == "%":
            if isinstance(left, str):
                _check_format(left, right if isinstance(right, tuple) else (right,))
        elif operator == "*":
            _check_product(left, right)
        elif _size(left) is not None and _size(right) is not None:
            _check_size((_size(left) or 0) + (_size(right) or 0))
        return super().call_binop(context, operator, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        self._check_time()
        owner = getattr(getattr(obj, "__wrapped__", obj), "__self__", None)  # the sandbox wraps str.format
        if isinstance(owner, str):  # "a".ljust(10**9), "a".center(…), "1".zfill(…), "{:>9999999999}".format(…)
            for value in (*args, *kwargs.values()):
                if _is_int(value):
                    _check_size(value)
            if getattr(obj, "__name__", "") in ("format", "format_map"):
                _check_format(owner, ())
        return super().call(context, obj, *args, **kwargs)

    def _check_time(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            self._deadline = None  # once: the error must not stop its own unwinding
            raise TemplateLimitError(
                f"Die Vorlage braucht länger als {_seconds(self.limits.template_seconds)} Sekunden (Zeitgrenze je Datei).",
                TIME_HINT,
            )


def _seconds(seconds: float) -> str:
    """A time limit as report.toml gives it: 10, 0,5 or 2,25 (up to four decimals)."""
    decimals = len(f"{seconds:.{fmt.MAX_DECIMALS}f}".partition(".")[2].rstrip("0"))
    return fmt.number(seconds, decimals)


# Widths and precisions in %-formats and {}-formats: "%999999999s" % x builds the value in one step.
_FORMAT_SPEC = re.compile(r"%[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z%]|\{[^{}]*\}")


def _check_format(template: str, arguments: tuple[Any, ...]) -> None:
    """No width or precision in a format string (or given by `*`) beyond MAX_VALUE_SIZE."""
    for spec in _FORMAT_SPEC.findall(template):
        for digits in re.findall(r"\d+", spec.partition(":")[2] if spec.startswith("{") else spec):
            _check_size(int(digits))
    for value in arguments:
        if _is_int(value):
            _check_size(value)


def _limited_filter(original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose whole-number arguments (widths, lengths) and format strings stay within MAX_VALUE_SIZE."""

    @functools.wraps(original)
    def limited(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if _is_int(value):
                _check_size(value)
        if original.__name__ == "do_format" and args and isinstance(args[0], str):
            _check_format(args[0], ())
        return original(*args, **kwargs)

    return limited


def limited_range(*args: int) -> range:
    """`range()` for templates, at most MAX_RANGE values."""
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise TemplateLimitError(
            f"range() mit {_count(len(values), 'Werten')} überschreitet die Grenze von {_count(MAX_RANGE, 'Werten')}.",
            LOOP_HINT,
        )
    return values


def _size(value: object) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _check_size(size: int | None) -> None:
    if size is not None and size > MAX_VALUE_SIZE:
        raise TemplateLimitError(
            f"Der Ausdruck ergäbe einen Wert mit {_count(size, 'Zeichen oder Einträgen')}; erlaubt sind "
            f"höchstens {fmt.number(MAX_VALUE_SIZE)}.",
            SIZE_HINT,
        )


def _check_product(left: object, right: object) -> None:
    for sequence, times in ((left, right), (right, left)):
        if _size(sequence) is not None and isinstance(times, int):
            _check_size((_size(sequence) or 0) * max(times, 0))
    if _is_int(left) and _is_int(right):
        _check_digits(abs(left).bit_length() + abs(right).bit_length())


def _check_power(base: object, exponent: object) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        _check_digits(exponent * abs(base).bit_length())


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_digits(bits: int) -> None:
    if bits * 0.30103 > MAX_NUMBER_DIGITS:  # log10(2): the digits of a number with `bits` bits
        raise TemplateLimitError(
            f"Der Ausdruck ergäbe eine Zahl mit mehr als {_count(MAX_NUMBER_DIGITS, 'Stellen')}.", SIZE_HINT
        )


def _output_too_long(characters: int) -> TemplateLimitError:
    return TemplateLimitError(
        f"Die Vorlage ergibt mehr als {_count(characters, 'Zeichen')} (Grenze je Datei).",
        "Prüfen Sie Schleifen und Wiederholungen; teilen Sie sehr lange Kapitel auf mehrere Dateien auf oder "
        f"{raise_setting('template_characters')}.",
    )


def _too_deep_recursion() -> TemplateLimitError:
    return TemplateLimitError(
        "Die Vorlage ruft sich ohne Ende selbst auf (Makros oder Einbindungen zu tief verschachtelt).",
        "Prüfen Sie Makros, die sich selbst aufrufen, und berechnete Namen in {% include %}.",
    )
