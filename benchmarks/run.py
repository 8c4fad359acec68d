"""Benchmark of `reportgen build` and `reportgen check` (issue 4); not part of the test suite.

Run from the project root with the project's Python:

    python benchmarks/run.py [--runs N] [--quick]

Every scenario works on a fresh copy of report.toml, data/, content/ and templates/ in a temporary folder, so the
repository is never touched; only build/benchmark.json, build/benchmark.md and build/benchmark-profile.txt are
written. Each command runs in a fresh process; wall time is measured around the child process and peak memory is
the child's own ru_maxrss from os.wait4 (the largest single process of its tree, e.g. a chart worker, if larger).

Scenarios, repeated --runs times in interleaved order (run i of every scenario shares machine conditions):
  (a) cold build (no build/), (b) rebuild after a one-sentence edit in content/, (c) rebuild after one changed
  response in data/, (d) `reportgen check` on a fresh project and (d′) again on the same project, (e) WeasyPrint
  alone on build/report.html of run i's cold build (the floor). Ratios to (e) are taken pair by pair (a_i / e_i)
  and summarised by their median. One untimed build and check first warm the OS file cache and matplotlib's
  font cache.
Then an in-process stage breakdown (fresh process per repetition), the imports on the `check` path, a profile of
one in-process build, and scaling with the size of the study (×2, ×4) and the number of respondents.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROJECT_ITEMS = ("report.toml", "data", "content", "templates")
RESULTS_DIR = REPO / "build"
RESPONSES = Path("data/responses.csv")
CODEBOOK = Path("data/codebook.toml")
EDITED_CHAPTER = Path("content/01-einleitung.md")
RESULTS_CHAPTER = Path("content/03-ergebnisse.md")
ADDED_SENTENCE = " Dieser Satz wurde für den Benchmark ergänzt."
STUDY_FACTORS = (1, 2, 4)
RESPONDENT_COUNTS = (25, 1_000, 100_000)
FULL_BUILD_ROWS = (1_000, 100_000)
SCALING_RUNS = 3
MIB = 1024 * 1024
PAGES = re.compile(r"(\d+) Seiten")

FLOOR_CODE = """
import sys
from pathlib import Path
import weasyprint
build = Path(sys.argv[1]) / "build"
weasyprint.HTML(filename=str(build / "report.html"), base_url=build.as_uri() + "/").write_pdf(
    str(build / "floor.pdf"), pdf_identifier=b"reportgen", pdf_variant="pdf/ua-1"
)
"""

SCENARIOS = {
    "cold": "(a) cold build, empty build/",
    "text_edit": "(b) rebuild after a one-sentence edit in content/",
    "data_edit": "(c) rebuild after one changed response in data/",
    "check": "(d) reportgen check, fresh project (no build/)",
    "check_again": "(d′) reportgen check again (build/ left by the first check)",
    "floor": "(e) WeasyPrint alone on build/report.html (floor)",
}

# (label, file suffix, function name) of functions whose cumulative time the profile reports.
# Imported in the build's own process; matplotlib is imported by the chart workers, so it is timed apart.
IMPORTS = (
    ("import pandas", ("pandas",)),
    ("import weasyprint", ("weasyprint",)),
    ("import reportgen", ("reportgen.build", "reportgen.charts", "reportgen.pdf")),
)
MATPLOTLIB_MODULES = ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_svg")
MATPLOTLIB_CODE = f"""
import importlib, time
start = time.perf_counter()
for module in {MATPLOTLIB_MODULES!r}:
    importlib.import_module(module)
print(time.perf_counter() - start)
"""

HOTSPOTS = (
    ("imports during the build", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("chart drawing (process pool, wall)", "reportgen/charts.py", "_draw_all"),
    ("hyphenation dictionary load (pyphen)", "pyphen/__init__.py", "__init__"),
    ("CSS cascade (computed styles)", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("line breaking (Pango)", "weasyprint/text/line_break.py", "split_first_line"),
    ("SVG drawing into the PDF", "weasyprint/svg/__init__.py", "draw"),
    ("PDF generation (pydyf)", "weasyprint/pdf/__init__.py", "generate_pdf"),
    ("font subsetting", "weasyprint/pdf/fonts.py", "subset"),
)


@dataclass(frozen=True)
class Sample:
    """One fresh-process measurement."""

    seconds: float
    peak_mib: float
    stdout: str


# ---------------------------------------------------------------- measuring child processes


def run_child(arguments: Sequence[str], cwd: Path) -> Sample:
    """Run a command in a fresh process; wall time around it and that child's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(arguments), cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed ({process.returncode}):\n{stderr}")
    return Sample(seconds, usage.ru_maxrss * 1024 / MIB, stdout)


def reportgen(command: str, project: Path, *options: str) -> list[str]:
    """The command line of `reportgen COMMAND` for a project, in a fresh interpreter."""
    return [sys.executable, *options, "-m", "reportgen.cli", "--project", str(project), command]


def floor_command(project: Path) -> list[str]:
    return [sys.executable, "-c", FLOOR_CODE, str(project)]


def worker_command(kind: str, project: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(project)]


def worker_result(kind: str, project: Path) -> dict[str, Any]:
    """Run an in-process worker of this script in a fresh process; it prints JSON as its last line."""
    sample = run_child(worker_command(kind, project), project)
    result = json.loads(sample.stdout.strip().splitlines()[-1])
    result["process_seconds"] = sample.seconds
    result["process_peak_mib"] = sample.peak_mib
    return result


# ---------------------------------------------------------------- project copies and edits


def copy_project(target: Path, source: Path = REPO) -> Path:
    """A fresh copy of the project inputs (never build/)."""
    target.mkdir(parents=True)
    for item in PROJECT_ITEMS:
        if (source / item).is_dir():
            shutil.copytree(source / item, target / item)
        else:
            shutil.copy2(source / item, target / item)
    return target


def clone_built(source: Path, target: Path) -> Path:
    """A copy of an already built project, build/ (outputs and chart cache) included."""
    shutil.copytree(source, target, symlinks=True)
    return target


def edit_sentence(project: Path) -> None:
    """Append one sentence to the first prose paragraph of a chapter."""
    path = project / EDITED_CHAPTER
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line[:1].isalpha() and line.rstrip().endswith("."))
    lines[index] = lines[index].rstrip() + ADDED_SENTENCE
    path.write_text("\n".join(lines), encoding="utf-8")


def edit_response(project: Path) -> None:
    """Change one answer of the first scale question to another valid code."""
    codebook = load_codebook_of(project)
    question = next(question for question in codebook.questions if question.kind == "scale")
    header, rows, delimiter = read_csv(project / RESPONSES)
    column = header.index(question.id)
    old = rows[0][column].strip()
    rows[0][column] = str(next(code for code in question.codes if str(code) != old))
    write_csv(project / RESPONSES, header, rows, delimiter)


def read_csv(path: Path) -> tuple[list[str], list[list[str]], str]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t").delimiter
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return header, [row for row in rows if any(cell.strip() for cell in row)], delimiter


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]], delimiter: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def load_codebook_of(project: Path) -> Any:
    from reportgen.codebook import load_codebook

    return load_codebook(project / CODEBOOK, CODEBOOK.as_posix())


# ---------------------------------------------------------------- statistics helpers


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def pages_of(sample: Sample) -> int | None:
    match = PAGES.search(sample.stdout)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- (a)-(e): fresh-process scenarios


def one_run(work: Path, index: int) -> dict[str, Sample]:
    """Run i of every scenario; the floor works on the HTML of this run's cold build."""
    cold = copy_project(work / f"cold-{index}")
    samples = {"cold": run_child(reportgen("build", cold), cold)}
    samples["floor"] = run_child(floor_command(cold), cold)
    text = clone_built(cold, work / f"text-{index}")
    edit_sentence(text)
    samples["text_edit"] = run_child(reportgen("build", text), text)
    data = clone_built(cold, work / f"data-{index}")
    edit_response(data)
    samples["data_edit"] = run_child(reportgen("build", data), data)
    checked = copy_project(work / f"check-{index}")
    samples["check"] = run_child(reportgen("check", checked), checked)
    samples["check_again"] = run_child(reportgen("check", checked), checked)
    for folder in (cold, text, data, checked):
        shutil.rmtree(folder)
    return samples


def warm_up(work: Path) -> Path:
    """One untimed build and check: matplotlib's font cache, .pyc files and the OS file cache are warm."""
    project = copy_project(work / "warm-up")
    run_child(reportgen("build", project), project)
    run_child(reportgen("check", project), project)
    return project


def scenarios(work: Path, runs: int) -> dict[str, Any]:
    per_run = []
    for index in range(runs):
        per_run.append(one_run(work, index))
        print(f"  run {index + 1}/{runs}: cold {per_run[-1]['cold'].seconds:.2f} s", file=sys.stderr)
    result: dict[str, Any] = {}
    for name, title in SCENARIOS.items():
        seconds = [run[name].seconds for run in per_run]
        memory = [run[name].peak_mib for run in per_run]
        ratios = [run[name].seconds / run["floor"].seconds for run in per_run]
        result[name] = {
            "title": title,
            "seconds": seconds,
            "peak_mib": memory,
            "ratio_to_floor": ratios,
            "time": summary(seconds),
            "memory": summary(memory),
            "ratio": summary(ratios),
        }
    result["cold"]["pages"] = pages_of(per_run[0]["cold"])
    return result


# ---------------------------------------------------------------- in-process stage breakdown (worker side)


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


def time_imports(details: dict[str, float]) -> None:
    """Heavy dependencies one by one, in this order; shared dependencies count for the first."""
    for label, modules in IMPORTS:
        with timed(details, label):
            for module in modules:
                importlib.import_module(module)


def stage_worker(root: Path) -> dict[str, Any]:
    """Time every stage of a build by calling reportgen's functions, charts drawn without cache.

    `stages` add up to the in-process build; `details` are parts of a stage or comparisons outside the total.
    """
    import resource

    stages: dict[str, float] = {}
    details: dict[str, float] = {}
    with timed(stages, "imports (pandas, weasyprint, reportgen)"):
        time_imports(details)
    project = prepare_stages(root, stages)
    charts = chart_stages(project, stages, details)
    html = html_stage(project, stages)
    pdf_stages(project, charts, html, stages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB
    serial_charts(project, details)
    return {
        "stages": stages,
        "details": details,
        "charts": len(charts),
        "cache_hits": project["cache_hits"],
        "peak_mib": peak,
    }


def prepare_stages(root: Path, timings: dict[str, float]) -> dict[str, Any]:
    from reportgen.build import REFERENCES_NAME, load_references
    from reportgen.codebook import load_codebook
    from reportgen.config import load_config
    from reportgen.content import render_content
    from reportgen.stats import compute
    from reportgen.survey import load_survey
    from reportgen.templating import make_environment

    with timed(timings, "config"):
        config = load_config(root)
    with timed(timings, "data (codebook + responses)"):
        codebook = load_codebook(config.codebook_path, config.survey.codebook)
        survey = load_survey(config.responses_path, config.survey.responses, codebook, config.survey.id_column)
    with timed(timings, "stats"):
        stats = compute(survey)
    with timed(timings, "content (references + Markdown)"):
        references = load_references(config.content_dir / REFERENCES_NAME, f"content/{REFERENCES_NAME}")
        content_env = make_environment(config.content_dir, autoescape=False)
        partials_env = make_environment(config.templates_dir / "partials", autoescape=True)
        content = render_content(config.root, content_env, partials_env, stats, references)
    return {"config": config, "stats": stats, "content": content}


def chart_stages(project: dict[str, Any], stages: dict[str, float], details: dict[str, float]) -> dict[str, bytes]:
    """Charts as the build draws them (one worker process that loads matplotlib), then from a filled cache."""
    from concurrent.futures import ProcessPoolExecutor

    from reportgen import charts as charts_module
    from reportgen.build import _chart_style
    from reportgen.charts import chart_spec, render_charts, start_charts, warm_up

    config, stats = project["config"], project["stats"]
    project["style"] = style = _chart_style(config)
    project["specs"] = specs = [
        chart_spec(request.kind, stats.questions[request.question_id]) for request in project["content"].charts
    ]
    with timed(stages, "charts (drawn, cache disabled)"), ProcessPoolExecutor(max_workers=1) as worker:
        worker.submit(warm_up)
        charts = start_charts(specs, style, None, worker).result()
    with tempfile.TemporaryDirectory() as cache:
        render_charts(specs, style, Path(cache))
        drawn = count_drawn(charts_module)
        with timed(details, "charts from the cache (unchanged rebuild)"):
            render_charts(specs, style, Path(cache))
    project["cache_hits"] = len(charts) - drawn[0]
    return charts


def serial_charts(project: dict[str, Any], details: dict[str, float]) -> None:
    """For comparison: the same charts drawn one after another in this process, matplotlib import included."""
    from reportgen.charts import draw

    with timed(details, "charts drawn serially in-process, incl. matplotlib import (comparison)"):
        for spec in {spec.name: spec for spec in project["specs"]}.values():
            draw(spec, project["style"])


def count_drawn(module: Any) -> list[int]:
    """Count the charts actually drawn from now on (in this process)."""
    draw = module.draw
    drawn = [0]

    def counting(*arguments: Any) -> Any:
        drawn[0] += 1
        return draw(*arguments)

    module.draw = counting
    return drawn


def html_stage(project: dict[str, Any], timings: dict[str, float]) -> str:
    from reportgen.page import page_context, render_page
    from reportgen.templating import make_environment

    config, content = project["config"], project["content"]
    with timed(timings, "HTML (page template)"):
        context = page_context(
            config.report, config.brand, config.document_date, content.chapters, content.headings, "../templates/"
        )
        html = render_page(make_environment(config.templates_dir, autoescape=True), context)
    return html


def pdf_stages(project: dict[str, Any], charts: dict[str, bytes], html: str, timings: dict[str, float]) -> None:
    import weasyprint

    from reportgen.build import CHART_DIR, _write_outputs
    from reportgen.pdf import ConfinedFetcher

    config = project["config"]
    build_dir = config.build_dir
    assets = {(build_dir / CHART_DIR / name).resolve(): svg for name, svg in charts.items()}
    fetcher = ConfinedFetcher(config.root, assets)
    with timed(timings, "WeasyPrint parse (HTML())"):
        document = weasyprint.HTML(string=html, base_url=build_dir.as_uri() + "/", url_fetcher=fetcher)
    with timed(timings, "WeasyPrint layout (render())"):
        rendered = document.render(pdf_variant="pdf/ua-1")
    with timed(timings, "PDF write (write_pdf())"):
        data = rendered.write_pdf(pdf_identifier=b"reportgen", pdf_variant="pdf/ua-1")
    with timed(timings, "write files"):
        _write_outputs(build_dir / "stages", charts, html, data)


def profile_worker(root: Path) -> dict[str, Any]:
    """cProfile of one in-process build (charts drawn): named hotspots, full listing to a file."""
    import cProfile
    import pstats

    from reportgen.build import build

    profiler = cProfile.Profile()
    profiler.enable()
    build(root)
    profiler.disable()
    listing = io.StringIO()
    stats = pstats.Stats(profiler, stream=listing)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    (root / "profile.txt").write_text(listing.getvalue(), encoding="utf-8")
    return {"hotspots": hotspots(stats), "total": stats.total_tt}


def hotspots(stats: Any) -> dict[str, float]:
    found: dict[str, float] = {}
    for label, suffix, function in HOTSPOTS:
        times = [
            cumulative
            for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
            if name == function and file.endswith(suffix)
        ]
        found[label] = max(times, default=0.0)
    return found


def survey_worker(root: Path) -> dict[str, Any]:
    """load_survey and compute on the project's responses, pandas imported beforehand."""
    import resource

    timings: dict[str, float] = {}
    with timed(timings, "import pandas"):
        import pandas  # noqa: F401
    from reportgen.codebook import load_codebook
    from reportgen.config import load_config
    from reportgen.stats import compute
    from reportgen.survey import load_survey

    config = load_config(root)
    codebook = load_codebook(config.codebook_path, config.survey.codebook)
    with timed(timings, "load_survey"):
        survey = load_survey(config.responses_path, config.survey.responses, codebook, config.survey.id_column)
    with timed(timings, "compute"):
        stats = compute(survey)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB
    return {"timings": timings, "respondents": stats.respondents, "peak_mib": peak}


WORKERS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "stages": stage_worker,
    "profile": profile_worker,
    "survey": survey_worker,
}


# ---------------------------------------------------------------- stage breakdown, imports, profile (parent side)


def stage_breakdown(project: Path, runs: int) -> dict[str, Any]:
    results = [worker_result("stages", project) for _ in range(runs)]
    matplotlib = [float(run_child([sys.executable, "-c", MATPLOTLIB_CODE], project).stdout) for _ in range(runs)]
    return {
        "stages": median_by_name([result["stages"] for result in results]),
        "details": median_by_name([result["details"] for result in results])
        | {"import matplotlib (fresh process; in the build each chart worker pays it)": statistics.median(matplotlib)},
        "process_seconds": statistics.median(result["process_seconds"] for result in results),
        "peak_mib": statistics.median(result["peak_mib"] for result in results),
        "charts": results[0]["charts"],
        "cache_hits": results[0]["cache_hits"],
    }


def median_by_name(timings: list[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(entry[name] for entry in timings) for name in timings[0]}


def startup_seconds(project: Path, runs: int) -> float:
    """A bare interpreter start in a fresh process: the part of every command nobody can remove."""
    return statistics.median(run_child([sys.executable, "-c", "pass"], project).seconds for _ in range(runs))


def check_imports(work: Path) -> dict[str, dict[str, float]]:
    """Import time of `check` on a fresh project and again on the same project (whatever it cached)."""
    project = copy_project(work / "check-imports")
    fresh = import_times(project)
    again = import_times(project)
    shutil.rmtree(project)
    return {"fresh": fresh, "again": again}


def import_times(project: Path) -> dict[str, float]:
    """Import time of `check` by package (seconds, exclusive: nested packages count for themselves)."""
    with tempfile.TemporaryFile() as err:
        command = reportgen("check", project, "-X", "importtime")
        subprocess.run(command, cwd=project, stdout=subprocess.DEVNULL, stderr=err, check=True)
        err.seek(0)
        lines = err.read().decode().splitlines()
    entries = [entry for entry in map(parse_importtime, lines) if entry is not None]
    totals: dict[str, float] = {}
    stack: list[tuple[int, str]] = []
    for indent, name, micro in reversed(entries):  # importtime prints children first: reversed is pre-order
        while stack and stack[-1][0] >= indent:
            stack.pop()
        owner = package_of(name)
        parent = stack[-1][1] if stack else None
        if owner != parent:
            totals[owner] = totals.get(owner, 0.0) + micro / 1e6
            if parent is not None:
                totals[parent] -= micro / 1e6
        stack.append((indent, owner))
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def package_of(module: str) -> str:
    root = module.split(".")[0]
    return "(standard library)" if root in sys.stdlib_module_names or root.startswith("_") else root


def parse_importtime(line: str) -> tuple[int, str, int] | None:
    """(indent, module, cumulative microseconds) of one `-X importtime` line."""
    if not line.startswith("import time:") or line.count("|") != 2:
        return None
    _, cumulative, name = line.split("|")
    if not cumulative.strip().isdigit():
        return None
    name = name[1:]
    return len(name) - len(name.lstrip()), name.strip(), int(cumulative)


def profile(project: Path) -> dict[str, Any]:
    fresh = copy_project(project.parent / "profile", project)
    result = worker_result("profile", fresh)
    RESULTS_DIR.mkdir(exist_ok=True)
    shutil.copy2(fresh / "profile.txt", RESULTS_DIR / "benchmark-profile.txt")
    return {"hotspots": result["hotspots"], "total": result["total"]}


# ---------------------------------------------------------------- scaling: study size


def scaled_study(target: Path, factor: int) -> Path:
    """The study with the results chapter ×factor; copies use their own question ids, so charts are new."""
    project = copy_project(target)
    codebook = load_codebook_of(project)
    measured = [question.id for question in codebook.questions if question.kind != "text"]
    for path in (project / "content").glob("*.md"):
        text = path.read_text(encoding="utf-8").replace("descriptives_table()", descriptives_call(measured, ""))
        path.write_text(text, encoding="utf-8")
    chapter = (project / RESULTS_CHAPTER).read_text(encoding="utf-8")
    original = (project / CODEBOOK).read_text(encoding="utf-8")
    codebook_text = original
    header, rows, delimiter = read_csv(project / RESPONSES)
    for copy in range(2, factor + 1):
        suffix = f"_x{copy}"
        copy_chapter(project, chapter, codebook.ids, measured, suffix, copy)
        codebook_text += "\n" + re.sub(r"^\[(\w+)\]", rf"[\1{suffix}]", original, flags=re.M)
        header, rows = copy_columns(header, rows, codebook.ids, suffix)
    (project / CODEBOOK).write_text(codebook_text, encoding="utf-8")
    write_csv(project / RESPONSES, header, rows, delimiter)
    return project


def descriptives_call(question_ids: list[str], suffix: str) -> str:
    return "descriptives_table(questions=[" + ", ".join(f'"{qid}{suffix}"' for qid in question_ids) + "])"


def copy_chapter(project: Path, chapter: str, ids: Sequence[str], measured: list[str], suffix: str, copy: int) -> None:
    text = chapter.replace("descriptives_table()", descriptives_call(measured, suffix))
    for qid in sorted(ids, key=len, reverse=True):
        text = text.replace(f'"{qid}"', f'"{qid}{suffix}"')
    name = RESULTS_CHAPTER.name.replace("-", f"x{copy}-", 1)
    (project / "content" / name).write_text(text, encoding="utf-8")


def copy_columns(
    header: list[str], rows: list[list[str]], ids: Sequence[str], suffix: str
) -> tuple[list[str], list[list[str]]]:
    positions = [header.index(qid) for qid in ids]
    new_header = header + [f"{qid}{suffix}" for qid in ids]
    return new_header, [row + [row[position] for position in positions] for row in rows]


def study_size(work: Path) -> list[dict[str, Any]]:
    results = []
    for factor in STUDY_FACTORS:
        samples, checks, html = [], [], ""
        for index in range(SCALING_RUNS):
            project = scaled_study(work / f"size-{factor}-{index}", factor)
            samples.append(run_child(reportgen("build", project), project))
            checks.append(run_child(reportgen("check", project), project))
            html = (project / "build" / "report.html").read_text(encoding="utf-8")
            charts = len(list((project / "build" / "charts").glob("*.svg")))
            chapters = len(list((project / "content").glob("*.md")))
            shutil.rmtree(project)
        results.append(
            {
                "factor": factor,
                "chapters": chapters,
                "figures": html.count("<figure"),
                "charts": charts,
                "pages": pages_of(samples[0]),
                "build": summary([sample.seconds for sample in samples]),
                "build_peak_mib": summary([sample.peak_mib for sample in samples]),
                "check": summary([sample.seconds for sample in checks]),
            }
        )
        print(f"  study ×{factor}: {results[-1]['build']['median']:.2f} s", file=sys.stderr)
    return results


# ---------------------------------------------------------------- scaling: respondents


def respondents_project(target: Path, rows: int, seed: int = 4) -> Path:
    """The study with `rows` generated respondents: random valid codes, some blanks, a few free texts."""
    project = copy_project(target)
    codebook = load_codebook_of(project)
    rng = random.Random(seed)
    header = ["id", *codebook.ids]
    generated = (
        [f"R{row + 1:06d}", *(random_answer(question, rng) for question in codebook.questions)] for row in range(rows)
    )
    write_csv(project / RESPONSES, header, generated, ",")
    return project


def random_answer(question: Any, rng: random.Random) -> str:
    if question.kind == "text":
        return rng.choice(("", "", "", "", "Beratung", "Handel", "Dienstleistung", "Sonstiges"))
    if rng.random() < 0.05:
        return ""
    return str(rng.choice(question.codes + question.missing_codes))


def respondents(work: Path) -> list[dict[str, Any]]:
    results = []
    for rows in RESPONDENT_COUNTS:
        project = respondents_project(work / f"rows-{rows}", rows)
        workers = [worker_result("survey", project) for _ in range(SCALING_RUNS)]
        entry: dict[str, Any] = {
            "rows": rows,
            "csv_mib": (project / RESPONSES).stat().st_size / MIB,
            "load_survey": summary([worker["timings"]["load_survey"] for worker in workers]),
            "compute": summary([worker["timings"]["compute"] for worker in workers]),
            "worker_peak_mib": summary([worker["peak_mib"] for worker in workers]),
        }
        if rows in FULL_BUILD_ROWS:
            builds = [build_fresh(project, work / f"rows-{rows}-build-{index}") for index in range(SCALING_RUNS)]
            entry["build"] = summary([sample.seconds for sample in builds])
            entry["build_peak_mib"] = summary([sample.peak_mib for sample in builds])
        shutil.rmtree(project)
        results.append(entry)
        print(f"  {rows} respondents: compute {entry['compute']['median']:.3f} s", file=sys.stderr)
    return results


def build_fresh(source: Path, target: Path) -> Sample:
    project = copy_project(target, source)
    sample = run_child(reportgen("build", project), project)
    shutil.rmtree(project)
    return sample


# ---------------------------------------------------------------- machine and report


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "nproc": int(nproc) if nproc.isdigit() else len(os.sched_getaffinity(0)),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "memory_gib": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: package_version(name) for name in ("weasyprint", "matplotlib", "pandas", "pyphen")},
        "commit": git_commit(),
        "uncommitted_changes_in_src": git_dirty(),
        "reportgen": str(Path(importlib.util.find_spec("reportgen").origin).parent),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
    }


def package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def git_commit() -> str | None:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


def git_dirty() -> bool:
    command = ["git", "status", "--porcelain", "--", "src"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    return bool(result.stdout.strip())


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    scenario = results["scenarios"]
    memory = max(scenario[name]["memory"]["median"] for name in SCENARIOS if name != "floor")
    rows = [
        ("cold build (median)", scenario["cold"]["time"]["median"], 7.5, "s"),
        ("rebuild after text edit (median)", scenario["text_edit"]["time"]["median"], 5.0, "s"),
        ("cold build / WeasyPrint floor (median of pairs)", scenario["cold"]["ratio"]["median"], 1.25, "×"),
        ("check, fresh project (median)", scenario["check"]["time"]["median"], 0.5, "s"),
        ("check again (median)", scenario["check_again"]["time"]["median"], 0.5, "s"),
        ("peak memory (largest median of a–d′)", memory, 250.0, "MiB"),
    ]
    largest = next((entry for entry in results.get("respondents", []) if entry["rows"] == max(RESPONDENT_COUNTS)), None)
    if largest:
        rows.append((f"stats at {largest['rows']:,} rows (compute, median)", largest["compute"]["median"], 1.0, "s"))
    return [
        {"target": name, "value": value, "limit": limit, "unit": unit, "met": value <= limit}
        for name, value, limit, unit in rows
    ]


def markdown(results: dict[str, Any]) -> str:
    parts = [machine_lines(results), scenario_table(results), target_table(results), stage_table(results)]
    parts.append(import_table(results))
    if "profile" in results:
        parts.append(profile_table(results))
    if "study_size" in results:
        parts.append(size_table(results))
    if "respondents" in results:
        parts.append(respondent_table(results))
    return "\n\n".join(parts) + "\n"


def machine_lines(results: dict[str, Any]) -> str:
    info = results["machine"]
    versions = ", ".join(f"{name} {version}" for name, version in info["versions"].items())
    return (
        f"## Benchmark ({results['runs']} runs, {info['date']})\n\n"
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['memory_gib']} GiB RAM, Python {info['python']}, "
        f"{info['platform']}; {versions}; commit {info['commit']}"
        f"{' + uncommitted changes in src/' if info['uncommitted_changes_in_src'] else ''}; "
        f"reportgen from {info['reportgen']}"
        f"{'; PYTHONDONTWRITEBYTECODE set (no .pyc for reportgen)' if info['PYTHONDONTWRITEBYTECODE'] else ''}. "
        f"Load average (1 min) at start {info['load_average_at_start'][0]:.2f}, "
        f"at end {info['load_average_at_end'][0]:.2f}. "
        f"Bare interpreter start: {results['startup_seconds']:.3f} s. {results.get('note', '')}"
    ).rstrip()


def scenario_table(results: dict[str, Any]) -> str:
    lines = [
        "| Scenario | median s | min s | max s | peak RSS MiB (median / max) | ratio to (e), median |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for entry in results["scenarios"].values():
        time_, memory, ratio = entry["time"], entry["memory"], entry["ratio"]
        lines.append(
            f"| {entry['title']} | {time_['median']:.2f} | {time_['min']:.2f} | {time_['max']:.2f} "
            f"| {memory['median']:.0f} / {memory['max']:.0f} | {ratio['median']:.2f} |"
        )
    return "\n".join(lines)


def target_table(results: dict[str, Any]) -> str:
    lines = ["| Target (2-core machine) | measured | limit | met |", "|---|---:|---:|:---:|"]
    for target in results["targets"]:
        unit = target["unit"]
        lines.append(
            f"| {target['target']} | {target['value']:.2f} {unit} | {target['limit']:g} {unit} "
            f"| {'yes' if target['met'] else '**no**'} |"
        )
    return "\n".join(lines)


def stage_table(results: dict[str, Any]) -> str:
    breakdown = results["stages"]
    stages = breakdown["stages"]
    total = sum(stages.values())
    lines = [
        f"In-process stage breakdown (fresh process each, median of {results['runs']}; {breakdown['charts']} charts; "
        f"whole worker process {breakdown['process_seconds']:.2f} s, peak {breakdown['peak_mib']:.0f} MiB):",
        "",
        "| Stage | seconds | share |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {seconds:.3f} | {seconds / total:.0%} |" for name, seconds in stages.items()]
    lines.append(f"| **total in-process build (chart cache disabled)** | **{total:.3f}** | 100% |")
    lines += ["", "| Detail / comparison (not in the total) | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in breakdown["details"].items()]
    hits = breakdown["cache_hits"]
    lines.append(
        f"\nChart cache hits on an unchanged rebuild: {'?' if hits is None else hits} of {breakdown['charts']}."
    )
    return "\n".join(lines)


def import_table(results: dict[str, Any]) -> str:
    fresh, again = results["check_imports"]["fresh"], results["check_imports"]["again"]
    lines = [
        "Import time on the `check` path by package (`-X importtime`, exclusive, seconds):",
        "",
        "| package | check, fresh project | check again |",
        "|---|---:|---:|",
    ]
    for name in list(fresh)[:10]:
        lines.append(f"| {name} | {fresh[name]:.3f} | {again.get(name, 0.0):.3f} |")
    lines.append(f"| **all imports** | **{sum(fresh.values()):.3f}** | **{sum(again.values()):.3f}** |")
    return "\n".join(lines)


def profile_table(results: dict[str, Any]) -> str:
    profile_ = results["profile"]
    lines = [
        f"Profile of one in-process cold build (cProfile, {profile_['total']:.2f} s with profiler overhead; "
        "full listing in build/benchmark-profile.txt):",
        "",
        "| hotspot | cumulative s |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in profile_["hotspots"].items()]
    return "\n".join(lines)


def size_table(results: dict[str, Any]) -> str:
    lines = [
        f"Scaling with the study (results chapter ×k with its own questions; median of {SCALING_RUNS}):",
        "",
        "| study | chapters | figures | distinct charts | pages | cold build s | peak MiB | check after build s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results["study_size"]:
        lines.append(
            f"| ×{entry['factor']} | {entry['chapters']} | {entry['figures']} | {entry['charts']} | {entry['pages']} "
            f"| {entry['build']['median']:.2f} | {entry['build_peak_mib']['median']:.0f} "
            f"| {entry['check']['median']:.2f} |"
        )
    return "\n".join(lines)


def respondent_table(results: dict[str, Any]) -> str:
    lines = [
        f"Scaling with respondents (generated responses; fresh process each, median of {SCALING_RUNS}):",
        "",
        "| respondents | CSV MiB | load_survey s | compute (stats) s | worker peak MiB | full build s "
        "| build peak MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results["respondents"]:
        build = f"{entry['build']['median']:.2f}" if "build" in entry else "–"
        build_memory = f"{entry['build_peak_mib']['median']:.0f}" if "build" in entry else "–"
        lines.append(
            f"| {entry['rows']:,} | {entry['csv_mib']:.2f} | {entry['load_survey']['median']:.3f} "
            f"| {entry['compute']['median']:.3f} | {entry['worker_peak_mib']['median']:.0f} "
            f"| {build} | {build_memory} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def benchmark(runs: int, quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {"runs": runs, "quick": quick, "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as folder:
        work = Path(folder)
        print("warm-up …", file=sys.stderr)
        warm = warm_up(work)
        results["startup_seconds"] = startup_seconds(warm, max(runs, 3))
        print("scenarios (a)–(e) …", file=sys.stderr)
        results["scenarios"] = scenarios(work, runs)
        print("stage breakdown …", file=sys.stderr)
        results["stages"] = stage_breakdown(warm, runs)
        results["check_imports"] = check_imports(work)
        if not quick:
            print("profile and scaling …", file=sys.stderr)
            results["profile"] = profile(warm)
            results["study_size"] = study_size(work)
            results["respondents"] = respondents(work)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["targets"] = targets(results)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs per scenario (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 run, no profile, no scaling")
    parser.add_argument("--note", default="", help="free text for the report, e.g. what code was measured")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PROJECT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.worker:
        kind, project = arguments.worker
        print(json.dumps(WORKERS[kind](Path(project).resolve())))
        return 0
    if not (Path.cwd() / "report.toml").is_file():
        parser.error("run from the project root (the folder with report.toml)")
    runs = 1 if arguments.quick else max(arguments.runs, 1)
    results = benchmark(runs, arguments.quick)
    results["note"] = arguments.note
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "benchmark.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    text = markdown(results)
    (RESULTS_DIR / "benchmark.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
