"""[limits] in report.toml: each bound set low stops check and build with one message naming its key.

Expected sizes and counts are worked out by hand from the files written here (the tiny project is in projects.py).
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest

from projects import TINY_FILES, TINY_RESPONSES, to_xlsx
from reportgen import cli
from reportgen.build import check
from reportgen.config import load_config, schema_docs
from reportgen.errors import ConfigError, RenderError, ReportError, ReportErrors
from reportgen.limits import DEFAULTS, Limits, SizeLimit
from reportgen.pdf import VIRTUAL_ROOT, ConfinedFetcher

Project = Callable[..., Path]
CHAPTER = "content/01-kapitel.md"
CONFIG = TINY_FILES["report.toml"]  # [report] on lines 1–3
SPLIT = (
    "Prüfen Sie, ob es die richtige Datei ist; teilen Sie sie sonst auf oder erhöhen Sie [limits] {} in report.toml."
)
SAVE_ANSWERS = (
    "Speichern Sie nur die Antworten, eine Zeile je Befragte(r) und eine Spalte je Frage, in einer eigenen Datei, "
    "oder erhöhen Sie [limits] {} in report.toml."
)
# The tiny responses as a workbook: every cell as text, as in the CSV.
TINY_ROWS = [line.split(",") for line in TINY_RESPONSES.splitlines()]


def with_limits(settings: str, survey: str = "") -> str:
    """The tiny project's report.toml with a [limits] section (and [survey] lines)."""
    survey_section = f"\n[survey]\n{survey}\n" if survey else ""
    return f"{CONFIG}{survey_section}\n[limits]\n{settings}\n"


class _NoWorker:
    """Stands in for the worker's process pool: runs each task at once, here (these builds stop while the project
    is read, before a chart is drawn)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def submit(self, fn: Callable[..., object], /, *args: object) -> Future[object]:
        done: Future[object] = Future()
        try:
            done.set_result(fn(*args))
        except Exception as error:  # as a pool hands it over: raised by result()
            done.set_exception(error)
        return done

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[[str, Path], list[str]]:
    """`reportgen --project ROOT COMMAND` as the command line runs it: asserts exit status 2 and no traceback,
    returns the lines printed as errors."""
    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _NoWorker)

    def run_command(command: str, root: Path) -> list[str]:
        assert cli.main(["--project", str(root), command]) == 2
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        assert out == ""
        return [line.removeprefix("Fehler: ") for line in err.splitlines() if line.startswith("Fehler: ")]

    return run_command


@pytest.fixture(params=["check", "build"])
def errors_of(request: pytest.FixtureRequest, run: Callable[[str, Path], list[str]]) -> Callable[[Path], list[str]]:
    """The error lines of `reportgen check` and of `reportgen build` on a project (one test each)."""
    return lambda root: run(request.param, root)


# Each limit, set low in report.toml


def test_file_mb_bounds_a_chapter(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    root = tiny_project({"report.toml": with_limits("file_mb = 1"), CHAPTER: "x" * 1_500_000})
    # 1,500,000 bytes are 1.5 MB, shown rounded up to whole MB like the limit.
    assert errors_of(root) == [f"{CHAPTER}: Die Datei ist zu groß (2 MB, höchstens 1 MB). {SPLIT.format('file_mb')}"]


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("content/literatur.toml", "content/literatur.toml"),
        ("data/codebook.toml", "data/codebook.toml"),
        ("templates/report.html.j2", "templates/report.html.j2"),
        ("templates/partials/bibliography.html.j2", "templates/partials/bibliography.html.j2"),
        ("templates/style.css", "templates/style.css"),
        ("templates/fonts/Lato-Italic.ttf", "templates/style.css, Zeile 4: templates/fonts/Lato-Italic.ttf"),
    ],
)
def test_file_mb_bounds_every_other_input(
    tiny_project: Project, run: Callable[..., list[str]], name: str, where: str
) -> None:
    """The largest file of the tiny project is a font of 714,640 bytes: 1 MB leaves all but the padded one."""
    root = tiny_project({"report.toml": with_limits("file_mb = 1"), name: b" " * 1_200_000})
    expected = f"{where}: Die Datei ist zu groß (2 MB, höchstens 1 MB). {SPLIT.format('file_mb')}"
    assert expected in run("check", root)


def test_file_mb_bounds_the_chart_font(tiny_project: Project, run: Callable[..., list[str]]) -> None:
    """Read once for the stylesheet (its line 3) and once for the charts: both readers obey the limit."""
    font = "templates/fonts/Lato-Regular.ttf"
    root = tiny_project({"report.toml": with_limits("file_mb = 1"), font: b"\0" * 2_500_001})
    too_large = f"{font}: Die Datei ist zu groß (3 MB, höchstens 1 MB). {SPLIT.format('file_mb')}"
    errors = run("check", root)
    assert too_large in errors
    assert f"templates/style.css, Zeile 3: {too_large}" in errors


def test_data_mb_bounds_the_responses(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    # 72 bytes of answers and 700,000 line ends: 0.700072 MB, shown rounded up to tenths like the limit.
    files = {"report.toml": with_limits("data_mb = 0.5"), "data/responses.csv": TINY_RESPONSES + "\n" * 700_000}
    assert errors_of(tiny_project(files)) == [
        f"data/responses.csv: Die Datei ist zu groß (0,8 MB, höchstens 0,5 MB). {SPLIT.format('data_mb')}"
    ]


def padded_workbook(padding: int) -> bytes:
    """The tiny responses as XLSX with one more part of `padding` zero bytes (it packs to a few KB)."""
    buffer = io.BytesIO(to_xlsx(TINY_ROWS))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(padding))
    return buffer.getvalue()


def test_xlsx_unpacked_mb_bounds_a_workbook(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    workbook = padded_workbook(2_000_000)  # 2 MB of zeros and less than 1 MB of workbook: 3 MB rounded up
    files = {
        "report.toml": with_limits("xlsx_unpacked_mb = 1", 'responses = "data/responses.xlsx"'),
        "data/responses.xlsx": workbook,
    }
    assert errors_of(tiny_project(files)) == [
        "data/responses.xlsx: Die XLSX-Datei ist entpackt zu groß (3 MB, höchstens 1 MB). Kopieren Sie nur die "
        "Antworten in eine neue Arbeitsmappe und speichern Sie diese; eine so stark gepackte Datei kann auch "
        "beschädigt oder manipuliert sein. Ist sie in Ordnung, erhöhen Sie [limits] xlsx_unpacked_mb in report.toml."
    ]


def test_rows_bound_the_responses(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    # Header and R1–R4 are rows 1–5; R5 in row 6 is one too many.
    root = tiny_project({"report.toml": with_limits("rows = 5")})
    assert errors_of(root) == [
        f"data/responses.csv, Zeile 6: Die Tabelle hat mehr als 5 Zeilen. {SAVE_ANSWERS.format('rows')}"
    ]


def test_columns_bound_a_workbook(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    # id, item, gruppe: „gruppe“ in C1 is the first cell beyond two columns.
    files = {
        "report.toml": with_limits("columns = 2", 'responses = "data/responses.xlsx"'),
        "data/responses.xlsx": to_xlsx(TINY_ROWS),
    }
    assert errors_of(tiny_project(files)) == [
        "data/responses.xlsx, Zeile 1: Zelle C1 liegt weit außerhalb der Tabelle (gelesen werden höchstens "
        "1.000.000 Zeilen und 2 Spalten). Löschen Sie den Inhalt dieser Zelle (oft ein versehentlicher Eintrag) und "
        "speichern Sie die Datei erneut; gehört sie zur Tabelle, erhöhen Sie [limits] columns in report.toml."
    ]


def test_cells_bound_the_responses(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    # Three fields a row: rows 1–3 hold 9, row 4 brings them to 12, more than 10.
    root = tiny_project({"report.toml": with_limits("cells = 10")})
    assert errors_of(root) == [
        f"data/responses.csv, Zeile 4: Die Tabelle hat mehr als 10 Zellen. {SAVE_ANSWERS.format('cells')}"
    ]


def test_template_seconds_bound_a_chapter(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    # 10⁸ passes of allowed loops: only the time limit stops them.
    body = "# Ergebnisse\n\n{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}\n"
    root = tiny_project({"report.toml": with_limits("template_seconds = 0.25"), CHAPTER: body})
    assert errors_of(root) == [
        f"{CHAPTER}, Zeile 3: Die Vorlage braucht länger als 0,25 Sekunden (Zeitgrenze je Datei). Prüfen Sie "
        "verschachtelte Schleifen und Makros, die sich selbst aufrufen, oder erhöhen Sie [limits] template_seconds "
        "in report.toml."
    ]


def test_template_characters_bound_a_chapter(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    # „# Ergebnisse“ and a blank line are 14 characters, 150 more on line 3 make 164, more than 100.
    root = tiny_project(
        {"report.toml": with_limits("template_characters = 100"), CHAPTER: "# Ergebnisse\n\n{{ 'x' * 150 }}\n"}
    )
    assert errors_of(root) == [
        f"{CHAPTER}, Zeile 3: Die Vorlage ergibt mehr als 100 Zeichen (Grenze je Datei). Prüfen Sie Schleifen und "
        "Wiederholungen; teilen Sie sehr lange Kapitel auf mehrere Dateien auf oder erhöhen Sie [limits] "
        "template_characters in report.toml."
    ]


def test_template_characters_bound_the_page_template(
    tiny_project: Project, errors_of: Callable[[Path], list[str]]
) -> None:
    """The tiny chapter renders to under 100 characters; the page template's <head> alone has more than 300."""
    root = tiny_project({"report.toml": with_limits("template_characters = 300")})
    [error] = errors_of(root)
    assert error.startswith("templates/report.html.j2, Zeile ")
    assert error.endswith(
        ": Die Vorlage ergibt mehr als 300 Zeichen (Grenze je Datei). Prüfen Sie Schleifen und "
        "Wiederholungen; teilen Sie sehr lange Kapitel auf mehrere Dateien auf oder erhöhen Sie [limits] "
        "template_characters in report.toml."
    )


def test_fetcher_reads_within_its_limit(tmp_path: Path) -> None:
    (tmp_path / "bild.png").write_bytes(b"\x89PNG" + bytes(2_000))
    fetcher = ConfinedFetcher(tmp_path, {}, SizeLimit(1_000, "file_mb"))
    with pytest.raises(RenderError) as caught:
        fetcher.fetch((VIRTUAL_ROOT / "bild.png").as_uri())
    # 2,004 bytes against 1,000: the limit is 0.001 MB, the size 0.002004 MB rounded up to thousandths.
    assert (
        str(caught.value)
        == f"bild.png: Die Datei ist zu groß (0,003 MB, höchstens 0,001 MB). {SPLIT.format('file_mb')}"
    )
    assert ConfinedFetcher(tmp_path, {}).fetch((VIRTUAL_ROOT / "bild.png").as_uri()).read() == b"\x89PNG" + bytes(2_000)


def test_statistics_cached_under_higher_limits_do_not_pass_lower_ones(tiny_project: Project) -> None:
    root = tiny_project()
    check(root)  # keeps the statistics in build/.cache
    (root / "report.toml").write_text(with_limits("rows = 5"), encoding="utf-8")
    with pytest.raises(ReportError, match=r"^data/responses.csv, Zeile 6: Die Tabelle hat mehr als 5 Zeilen\."):
        check(root)


def test_raised_limits_let_the_project_through(tiny_project: Project) -> None:
    # 714,640 bytes the largest font, 72 bytes of answers in 9 rows of 3 fields.
    settings = "file_mb = 0.75\ndata_mb = 0.0001\nrows = 9\ncolumns = 3\ncells = 27"
    assert check(tiny_project({"report.toml": with_limits(settings)})).stats.respondents == 8


def test_the_command_in_a_process_names_the_setting(tiny_project: Project) -> None:
    """The real command line, chart worker included: one line per problem, status 2, no traceback."""
    root = tiny_project({"report.toml": with_limits("cells = 10")})
    for command in ("check", "build"):
        done = subprocess.run(
            [sys.executable, "-m", "reportgen.cli", "--project", str(root), command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr == (
            f"Fehler: data/responses.csv, Zeile 4: Die Tabelle hat mehr als 10 Zellen. {SAVE_ANSWERS.format('cells')}\n"
        )


# The settings themselves


def config_problems(tmp_path: Path, settings: str) -> list[str]:
    (tmp_path / "report.toml").write_text(with_limits(settings), encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        load_config(tmp_path)
    problems = caught.value.errors if isinstance(caught.value, ReportErrors) else [caught.value]
    assert all(isinstance(problem, ConfigError) for problem in problems)
    return [str(problem) for problem in problems]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            "data_mb = 0",
            "[limits] data_mb: erwartet eine Zahl größer als 0, gefunden 0. Tragen Sie eine Zahl größer als 0 ein, "
            "z. B. data_mb = 200 (die Voreinstellung).",
        ),
        (
            "rows = -1",
            "[limits] rows: erwartet eine Zahl größer als 0, gefunden -1. Tragen Sie eine Zahl größer als 0 ein, "
            "z. B. rows = 1_000_000 (die Voreinstellung).",
        ),
        (
            "template_seconds = -0.5",
            "[limits] template_seconds: erwartet eine Zahl größer als 0, gefunden -0.5. Tragen Sie eine Zahl größer "
            "als 0 ein, z. B. template_seconds = 10 (die Voreinstellung).",
        ),
        (
            'file_mb = "viel"',
            '[limits] file_mb: erwartet Zahl, gefunden Text "viel". Schreiben Sie eine Zahl ohne Anführungszeichen, '
            "z. B. file_mb = 50.",
        ),
        (
            "cells = true",
            "[limits] cells: erwartet ganze Zahl, gefunden Wahrheitswert true. Schreiben Sie eine ganze Zahl ohne "
            "Anführungszeichen, z. B. cells = 5_000_000.",
        ),
        (
            "data_mb = true",
            "[limits] data_mb: erwartet Zahl, gefunden Wahrheitswert true. Schreiben Sie eine Zahl ohne "
            "Anführungszeichen, z. B. data_mb = 200.",
        ),
        (
            "columns = 1.5",
            "[limits] columns: erwartet ganze Zahl, gefunden Zahl 1.5. Schreiben Sie eine ganze Zahl ohne "
            "Anführungszeichen, z. B. columns = 2000.",
        ),
        (
            "xlsx_unpacked_mb = inf",
            "[limits] xlsx_unpacked_mb: erwartet eine endliche Zahl, gefunden inf. Tragen Sie eine endliche Zahl ein, "
            "z. B. xlsx_unpacked_mb = 200 (die Voreinstellung).",
        ),
        (
            "template_characters = nan",
            "[limits] template_characters: erwartet ganze Zahl, gefunden Zahl nan. Schreiben Sie eine ganze Zahl ohne "
            "Anführungszeichen, z. B. template_characters = 5_000_000.",
        ),
        (
            "data_mb = nan",
            "[limits] data_mb: erwartet eine Zahl größer als 0, gefunden nan. Tragen Sie eine Zahl größer als 0 ein, "
            "z. B. data_mb = 200 (die Voreinstellung).",
        ),
        (
            "zeilen = 5",
            "[limits] unbekannter Schlüssel „zeilen“. Meinten Sie „rows“? Erlaubt sind: file_mb, data_mb, "
            "xlsx_unpacked_mb, rows, columns, cells, template_seconds, template_characters.",
        ),
        (
            "data = 5",
            "[limits] unbekannter Schlüssel „data“. Meinten Sie „data_mb“? Erlaubt sind: file_mb, data_mb, "
            "xlsx_unpacked_mb, rows, columns, cells, template_seconds, template_characters.",
        ),
    ],
)
def test_invalid_settings_are_config_errors_at_their_line(tmp_path: Path, setting: str, expected: str) -> None:
    # [report] takes lines 1–3, then a blank line and [limits]: the setting is on line 6.
    assert config_problems(tmp_path, setting) == [f"report.toml, Zeile 6: {expected}"]


def test_every_bad_setting_is_reported_at_once(tmp_path: Path) -> None:
    problems = config_problems(tmp_path, 'file_mb = 0\nrows = "viel"\ncells = 10')
    assert [problem.split(":")[0] for problem in problems] == ["report.toml, Zeile 6", "report.toml, Zeile 7"]


def test_limits_as_a_value_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "report.toml").write_text("limits = 5\n" + CONFIG, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == "report.toml, Zeile 1: [limits] muss ein Abschnitt sein, kein einzelner Wert."


def test_megabytes_may_have_decimals(tmp_path: Path) -> None:
    (tmp_path / "report.toml").write_text(with_limits("data_mb = 0.5\nfile_mb = 2\ntemplate_seconds = 1.5"), "utf-8")
    limits = load_config(tmp_path).limits
    assert (limits.data_bytes, limits.file_bytes, limits.template_seconds) == (500_000, 2_000_000, 1.5)
    assert limits.data_size == SizeLimit(500_000, "data_mb")


def test_defaults_are_unchanged(tmp_path: Path) -> None:
    (tmp_path / "report.toml").write_text(CONFIG, encoding="utf-8")
    for limits in (load_config(tmp_path).limits, DEFAULTS, Limits()):
        assert limits.file_bytes == 50_000_000
        assert limits.data_bytes == 200_000_000
        assert limits.xlsx_unpacked_bytes == 200_000_000
        assert (limits.rows, limits.columns, limits.cells) == (1_000_000, 2_000, 5_000_000)
        assert (limits.template_seconds, limits.template_characters) == (10, 5_000_000)
        assert limits.file_size == SizeLimit(50_000_000, "file_mb")
        assert limits.data_size == SizeLimit(200_000_000, "data_mb")


def test_report_toml_itself_is_read_within_the_default(tmp_path: Path) -> None:
    """Its own [limits] are known only once it is read, so no setting raises its bound: the hint names none."""
    (tmp_path / "report.toml").write_text(with_limits("file_mb = 100") + "#" * 50_000_000, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        "report.toml: Die Datei ist zu groß (51 MB, höchstens 50 MB). "
        "Prüfen Sie, ob es die richtige Datei ist; teilen Sie sie sonst auf."
    )


def test_documented_defaults_are_valid_settings(tmp_path: Path) -> None:
    """The README's defaults (digit groups such as 1_000_000 included) read back as the defaults."""
    lines = [f"{key} = {default}" for section, key, default, _ in schema_docs() if section == "limits"]
    assert len(lines) == 8
    (tmp_path / "report.toml").write_text(with_limits("\n".join(lines)), encoding="utf-8")
    limits = load_config(tmp_path).limits
    assert all(getattr(limits, name) == getattr(DEFAULTS, name) for name in vars(DEFAULTS))


def test_file_mb_bounds_an_image_of_a_chapter(tiny_project: Project, errors_of: Callable[[Path], list[str]]) -> None:
    # 1,200,004 bytes are 1.2 MB, shown rounded up to whole MB like the limit; the image is on line 5.
    chapter = "# Ergebnisse\n\n{{ n() }} Befragte; {{ share('item', 4, 5) }} stimmen zu.\n\n![Ein Bild](bild.png)\n"
    files: dict[str, str | bytes] = {
        "report.toml": with_limits("file_mb = 1"),
        CHAPTER: chapter,
        "content/bild.png": b"\x89PNG" + bytes(1_200_000),
    }
    assert errors_of(tiny_project(files)) == [
        f"{CHAPTER}, Zeile 5: Bild content/bild.png: Die Datei ist zu groß (2 MB, höchstens 1 MB). "
        f"{SPLIT.format('file_mb')}"
    ]
