"""templating: one sandboxed, strict environment; Jinja errors as report errors at file and line."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from reportgen import template_includes
from reportgen.errors import ContentError, Location, ReportError, TemplateError
from reportgen.limits import DEFAULTS, Limits
from reportgen.template_errors import template_error, template_line
from reportgen.template_includes import check_includes
from reportgen.template_limits import MAX_RANGE, MAX_VALUE_SIZE, LimitedEnvironment, TemplateLimitError, limited_range
from reportgen.templating import SourceLoader, folder_loader, make_environment

SYNTAX_HINT = "Jeder Ausdruck steht in {{ … }}, jede Anweisung in {% … %}, Kommentare in {## … ##}."


def environment(sources: dict[str, str], autoescape: bool = False, limits: Limits = DEFAULTS) -> LimitedEnvironment:
    return make_environment(SourceLoader(sources), autoescape, limits)


def render_error(sources: dict[str, str], name: str) -> Exception:
    with pytest.raises(Exception) as caught:
        environment(sources).get_template(name).render()
    return caught.value


def as_report_error(
    sources: dict[str, str], name: str, kind: type[ReportError] = ContentError, hint: str = "Tipp."
) -> ReportError:
    return template_error(render_error(sources, name), "content", name, kind, hint)


def test_source_loader_serves_known_names() -> None:
    loader = SourceLoader({"a.md": "Hallo"})
    source, filename, uptodate = loader.get_source(environment({}), "a.md")
    assert (source, filename, uptodate()) == ("Hallo", "a.md", True)


def test_source_loader_refuses_unknown_names() -> None:
    with pytest.raises(TemplateNotFound):
        SourceLoader({"a.md": "Hallo"}).get_source(environment({}), "b.md")


def test_source_loader_filename_lets_template_line_find_the_line() -> None:
    error = render_error({"a.md": "eins\nzwei\n{{ fehlt }}\n"}, "a.md")
    assert template_line(error, "a.md") == 3


def test_folder_loader_reads_by_name(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "kopf.html.j2").write_text("Kopf {{ n }}", encoding="utf-8")
    env = make_environment(folder_loader(tmp_path, tmp_path), autoescape=True)
    assert env.get_template("partials/kopf.html.j2").render(n=3) == "Kopf 3"


def test_sandbox_refuses_private_attributes() -> None:
    with pytest.raises(SecurityError):
        environment({"a.md": "{{ ''.__class__ }}"}).get_template("a.md").render()


def test_undefined_names_raise() -> None:
    with pytest.raises(UndefinedError):
        environment({"a.md": "{{ fehlt }}"}).get_template("a.md").render()


def test_undefined_attributes_raise() -> None:
    with pytest.raises(UndefinedError):
        environment({"a.md": "{{ report.fehlt }}"}).get_template("a.md").render(report={})


def test_comments_use_double_hash_and_leave_markdown_attributes() -> None:
    env = environment({"a.md": "{## ein Kommentar ##}## Titel {#kap-1}\n"})
    assert env.get_template("a.md").render() == "## Titel {#kap-1}\n"


def test_autoescape_is_chosen_by_the_caller() -> None:
    sources = {"a": "{{ text }}"}
    assert environment(sources, autoescape=True).get_template("a").render(text="A & B") == "A &amp; B"
    assert environment(sources, autoescape=False).get_template("a").render(text="A & B") == "A & B"


def test_german_number_filters_are_registered() -> None:
    env = environment(
        {
            "a": (
                "{{ 1234.5 | number(1) }}|{{ 3 | integer_or_decimal }}|{{ 2.5 | integer_or_decimal }}|"
                "{{ 0.84 | percent }}|{{ 0.525 | percent_value }}|{{ d | month_year }}"
            )
        }
    )
    rendered = env.get_template("a").render(d=datetime.date(2025, 1, 31))
    assert rendered == "1.234,5|3|2,50|84\u00a0%|52,5|Januar 2025"


def test_syntax_error_names_folder_file_and_line() -> None:
    error = as_report_error({"a.md": "eins\n\n{% if %}\n"}, "a.md")
    assert type(error) is ContentError
    assert error.location == Location("content/a.md", line=3)
    assert str(error) == (
        "content/a.md, Zeile 3: Vorlagen-Syntaxfehler: Expected an expression, got 'end of statement block'. "
        + SYNTAX_HINT
    )


def test_syntax_error_in_an_included_file_names_that_file() -> None:
    sources = {"a.md": "eins\n{% include '_teil.md' %}\n", "_teil.md": "x\n{{ }}\n"}
    error = as_report_error(sources, "a.md")
    assert error.location == Location("content/_teil.md", line=2)


def test_undefined_name_names_folder_file_and_line() -> None:
    error = as_report_error({"a.md": "eins\nzwei {{ nix }}\n"}, "a.md", hint="Verfügbar sind: n.")
    assert type(error) is ContentError
    assert str(error) == "content/a.md, Zeile 2: Unbekannter Name: 'nix' is undefined. Verfügbar sind: n."


def test_missing_include_names_the_missing_template_and_the_include_line() -> None:
    error = as_report_error({"a.md": "a\n\n{% include 'fehlt.md' %}\n"}, "a.md")
    assert str(error) == "content/a.md, Zeile 3: Vorlage „fehlt.md“ nicht gefunden. Tipp."


def test_missing_template_itself() -> None:
    with pytest.raises(TemplateNotFound) as caught:
        environment({}).get_template("report.html.j2")
    error = template_error(caught.value, "templates", "report.html.j2", TemplateError)
    assert type(error) is TemplateError
    assert str(error) == "templates/report.html.j2: Vorlage „report.html.j2“ nicht gefunden."


def test_sandbox_violation_message() -> None:
    error = as_report_error({"a.md": "x\n{{ ''.__class__ }}\n"}, "a.md")
    assert str(error) == (
        "content/a.md, Zeile 2: Nicht erlaubter Zugriff in der Vorlage: "
        "access to attribute '__class__' of 'str' object is unsafe. "
        "Verwenden Sie nur die im README beschriebenen Funktionen."
    )


def test_other_runtime_error() -> None:
    error = as_report_error({"a.md": "a\nb\n{{ 1 / 0 }}\n"}, "a.md")
    assert str(error) == "content/a.md, Zeile 3: Vorlagenfehler: division by zero. Tipp."


@pytest.mark.parametrize("kind", [ContentError, TemplateError])
def test_the_kind_passed_is_the_kind_returned(kind: type[ReportError]) -> None:
    assert type(as_report_error({"a.md": "{{ nix }}"}, "a.md", kind)) is kind
    assert type(as_report_error({"a.md": "{% if %}"}, "a.md", kind)) is kind


# The sandbox policy: limits as TemplateLimitError, turned into report errors at file and line


def limit_error(sources: dict[str, str], name: str = "a.md", limits: Limits = DEFAULTS) -> ReportError:
    env = environment(sources, limits=limits)
    with pytest.raises(TemplateLimitError) as caught:
        check_includes(env, name)
        env.render_limited(env.get_template(name), {})
    return template_error(caught.value, "content", name, ContentError)


def test_the_environment_is_the_limited_sandbox() -> None:
    env = environment({})
    assert isinstance(env, LimitedEnvironment)
    assert isinstance(env, SandboxedEnvironment)


def test_range_is_limited() -> None:
    assert list(limited_range(2, 8, 3)) == [2, 5]
    assert len(limited_range(MAX_RANGE)) == MAX_RANGE
    with pytest.raises(TemplateLimitError, match=r"^range\(\) mit 10\.001 Werten"):
        limited_range(MAX_RANGE + 1)


def test_limit_errors_carry_their_hint_and_line() -> None:
    error = limit_error({"a.md": "a\n{{ 'x' * 2000000 }}\n"})
    assert error.location == Location("content/a.md", line=2)
    assert error.hint == "Prüfen Sie Multiplikationen (*, **) und Verkettungen (+, ~) im Ausdruck."


def test_limits_apply_to_autoescaped_templates_and_keep_escaping() -> None:
    env = environment({"a": "{{ a ~ b }}|{{ a * 2 }}"}, autoescape=True)
    assert env.render_limited(env.get_template("a"), {"a": "<", "b": "&"}) == "&lt;&amp;|&lt;&lt;"
    with pytest.raises(TemplateLimitError):
        env.render_limited(env.get_template("a"), {"a": "x" * MAX_VALUE_SIZE, "b": "y"})


def test_output_limit() -> None:
    error = limit_error({"a.md": "123456\n{{ 'abc' * 2 }}\nmehr\n"}, limits=Limits(template_characters=10))
    assert str(error) == (
        "content/a.md, Zeile 2: Die Vorlage ergibt mehr als 10 Zeichen (Grenze je Datei). "
        "Prüfen Sie Schleifen und Wiederholungen; teilen Sie sehr lange Kapitel auf mehrere Dateien auf oder "
        "erhöhen Sie [limits] template_characters in report.toml."
    )


def test_include_self_is_found_before_rendering() -> None:
    error = limit_error({"a.md": "eins\n{% include 'a.md' %}\n"})
    assert error.location == Location("content/a.md", line=2)
    assert error.message == "Die Datei bindet sich selbst ein (a.md → a.md)."


def test_include_depth_through_a_template_seen_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_includes, "MAX_INCLUDE_DEPTH", 3)
    sources = {
        "a.md": "{% include '_c' %}\n{% include '_a' %}",
        "_a": "{% include '_b' %}",
        "_b": "x\n{% include '_c' %}",
        "_c": "{% include '_d' %}",
        "_d": "",
    }
    error = limit_error(sources)
    assert error.location == Location("content/_b", line=2)
    assert error.message == "Einbindungen sind tiefer verschachtelt als 3 Ebenen (a.md → _a → _b → _c → …)."


def test_includes_by_computed_or_missing_names_are_left_to_rendering() -> None:
    check_includes(environment({"a.md": "{% include name %}{% include 'fehlt.md' %}"}), "a.md")


def test_a_template_that_links_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "geheim.html"
    outside.write_text("geheim", encoding="utf-8")
    project = tmp_path / "projekt"
    (project / "templates").mkdir(parents=True)
    (project / "templates" / "report.html.j2").symlink_to(outside)
    env = make_environment(folder_loader(project / "templates", project), autoescape=True)
    with pytest.raises(TemplateError) as caught:
        env.get_template("report.html.j2")
    assert caught.value.location == Location("templates/report.html.j2")
    assert "außerhalb des Projekts" in caught.value.message
    with pytest.raises(TemplateNotFound):
        env.get_template("../geheim.html")
