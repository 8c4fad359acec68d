"""The benchmark's results: the machine and commit, targets, and build/benchmark.json and build/benchmark.md."""

from __future__ import annotations

import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Any

from reportgen.layout import Layout

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Layout(REPO).path(Layout.build)
PACKAGES = ("weasyprint", "matplotlib", "pandas", "pyphen")


def machine() -> dict[str, Any]:
    """Where and on what code the benchmark runs."""
    cpuinfo = read_proc("cpuinfo")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", read_proc("meminfo"), re.M)
    spec = importlib.util.find_spec("reportgen")
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "memory_gib": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: package_version(name) for name in PACKAGES},
        "commit": git("rev-parse", "--short", "HEAD") or None,
        "uncommitted_changes_in_src": bool(git("status", "--porcelain", "--", "src")),
        "reportgen": str(Path(spec.origin).parent) if spec and spec.origin else None,
        # run.py's children run a wheel of this working tree, put in front of the benchmark's own reportgen
        "installed": os.environ.get("PYTHONPATH", "").split(os.pathsep)[0],
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
    }


def read_proc(name: str) -> str:
    path = Path("/proc") / name
    return path.read_text() if path.exists() else ""


def package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def git(*arguments: str) -> str:
    result = subprocess.run(["git", *arguments], cwd=REPO, capture_output=True, text=True, check=False)
    return result.stdout.strip()


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets for a 2-core machine, each with the measured value."""
    scenario = results["scenarios"]
    memory = max(entry["memory"]["median"] for name, entry in scenario.items() if name != "peer")
    rows = [
        ("cold build (median)", scenario["cold"]["time"]["median"], 7.5, "s"),
        ("rebuild after text edit (median)", scenario["text_edit"]["time"]["median"], 5.0, "s"),
        ("cold build / naive peer (median of pairs)", scenario["cold"]["ratio"]["median"], 1.0, "×"),
        ("check, fresh project (median)", scenario["check"]["time"]["median"], 0.5, "s"),
        ("check again (median)", scenario["check_again"]["time"]["median"], 0.5, "s"),
        ("peak memory (largest median of a–d′)", memory, 250.0, "MiB"),
    ]
    if results.get("respondents"):
        largest = max(results["respondents"], key=lambda entry: entry["rows"])
        label = f"data stage (read, check, stats) at {largest['rows']:,} rows (median)"
        rows.append((label, largest["data"]["median"], 1.0, "s"))
    if results.get("wide"):
        label = f"wide survey data stage ({results['wide']['rows']:,} × {results['wide']['columns']}, median)"
        rows.append((label, results["wide"]["data"]["median"], 2.0, "s"))
    if results.get("breakdown"):
        label = f"weighted breakdown over {results['breakdown']['rows']:,} respondents (median)"
        rows.append((label, results["breakdown"]["breakdown"]["median"], 1.0, "s"))
    return [
        {"target": name, "value": value, "limit": limit, "unit": unit, "met": value <= limit}
        for name, value, limit, unit in rows
    ]


def write_results(results: dict[str, Any]) -> str:
    """build/benchmark.json, build/benchmark.md and, after a profile, build/benchmark-profile.txt."""
    RESULTS_DIR.mkdir(exist_ok=True)
    listing = results.get("profile", {}).pop("listing", None)
    if listing is not None:
        (RESULTS_DIR / "benchmark-profile.txt").write_text(listing, encoding="utf-8")
    (RESULTS_DIR / "benchmark.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    text = markdown(results)
    (RESULTS_DIR / "benchmark.md").write_text(text, encoding="utf-8")
    return text


def markdown(results: dict[str, Any]) -> str:
    parts = [machine_lines(results)]
    if "scenarios" in results:
        parts.append(scenario_table(results))
    if "targets" in results:
        parts.append(target_table(results))
    if "stages" in results:
        parts.extend([stage_table(results), import_table(results)])
    if "profile" in results:
        parts.append(profile_table(results))
    if "study_size" in results:
        parts.append(size_table(results))
    if "respondents" in results:
        parts.append(respondent_table(results))
    if "wide" in results:
        parts.append(wide_table(results["wide"]))
    if "breakdown" in results:
        parts.append(breakdown_table(results["breakdown"]))
    if "versions" in results:
        parts.append(versions_table(results["versions"]))
    if "watch" in results:
        parts.append(watch_table(results["watch"]))
    return "\n\n".join(parts) + "\n"


def watch_table(watch: dict[str, Any]) -> str:
    """The watch loop: save → preview and save → PDF, and the watch process's memory over the edits."""
    if "not_measured" in watch:
        return f"Watch loop: not measured ({watch['not_measured'].splitlines()[0]})"
    preview, pdf = watch["preview"], watch["pdf"]
    rss = ", ".join(f"{entry['mib']:.0f} ({entry['edits']})" for entry in watch["rss_mib"])
    unchanged = watch["pdf_mtime_unchanged"]
    return "\n".join(
        [
            f"Watch loop (`{watch['command']}` on a copy of the study, {watch['edits']} one-sentence saves to "
            f"content/, each waiting for its PDF; /state polled every 10 ms): first preview "
            f"{watch['first_preview_seconds']:.2f} s and first PDF {watch['first_pdf_seconds']:.2f} s after the "
            f"start, {watch['pages']} pages.",
            "",
            "| save → | median s | min – max s |",
            "|---|---:|---:|",
            f"| preview ready (`version` + 1) | {preview['median']:.2f} | {preview['min']:.2f} – {preview['max']:.2f} |",
            f"| PDF written (`pdf_version`) | {pdf['median']:.2f} | {pdf['min']:.2f} – {pdf['max']:.2f} |",
            "",
            f"build/report.pdf's mtime unchanged after {unchanged} of {watch['edits']} edits"
            f"{'' if unchanged == 0 else ' (**the PDF was not rewritten**)'}. Watch process RSS in MiB (after n "
            f"edits): {rss}; peak (VmHWM) {watch['peak_mib']:.0f} MiB.",
        ]
    )


def versions_table(versions: dict[str, Any]) -> str:
    """Cold builds of this version and an earlier commit, pair by pair in one run."""
    rows = [
        f"| {entry['title']} | {entry['time']['median']:.2f} | {entry['time']['min']:.2f} – "
        f"{entry['time']['max']:.2f} | {entry['memory']['median']:.0f} | {entry['pages']} |"
        for entry in versions["scenarios"].values()
    ]
    ratio = versions["ratio"]
    return "\n".join(
        [
            f"Cold builds (empty build/, fresh process, the command line) of this version and of commit "
            f"{versions['commit']}, alternating in one run:",
            "",
            "| build | median s | min – max s | peak MiB | pages |",
            "|---|---:|---:|---:|---:|",
            *rows,
            f"| this version ÷ {versions['commit']} on the same study (pair by pair) | {ratio['median']:.2f} × | "
            f"{ratio['min']:.2f} – {ratio['max']:.2f} × | | |",
            *own_ratio_row(versions),
        ]
    )


def own_ratio_row(versions: dict[str, Any]) -> list[str]:
    """Each version on its own study, pair by pair (older results lack it)."""
    if "own_ratio" not in versions:
        return []
    own = versions["own_ratio"]
    return [
        f"| this version ÷ {versions['commit']}, each on its own study (pair by pair) | {own['median']:.2f} × | "
        f"{own['min']:.2f} – {own['max']:.2f} × | | |"
    ]


def breakdown_table(breakdown: dict[str, Any]) -> str:
    """The weighted breakdown against the naive peer, in one process, alternating."""
    ours, peer = breakdown["breakdown"], breakdown["peer"]
    return "\n".join(
        [
            f"Weighted breakdown over {breakdown['rows']:,} respondents (a scale item by five segments: column shares, "
            "means, effective bases, letters, χ², ANOVA) against a naive pandas peer (weighted crosstab and means per "
            "segment), alternating in one process:",
            "",
            "| | median s | min – max s |",
            "|---|---:|---:|",
            f"| reportgen breakdown | {ours['median']:.3f} | {ours['min']:.3f} – {ours['max']:.3f} |",
            f"| naive peer | {peer['median']:.3f} | {peer['min']:.3f} – {peer['max']:.3f} |",
            f"| ratio (pair by pair, median) | {breakdown['ratio']['median']:.2f} × | |",
        ]
    )


def wide_table(wide: dict[str, Any]) -> str:
    """The wide survey against the naive peer, medians of pairs run one after the other."""
    return "\n".join(
        [
            f"Wide survey ({wide['rows']:,} respondents × {wide['columns']} columns: scale, single, numeric, multiple "
            "sets; German CSV): the data stage of `check` (read, validate, compute) against a naive peer (pandas reads "
            "the CSV as text, counts and converts every column), in fresh processes, alternating:",
            "",
            "| | median s | min – max s | peak MiB |",
            "|---|---:|---:|---:|",
            f"| reportgen data stage | {wide['data']['median']:.2f} | {wide['data']['min']:.2f} – "
            f"{wide['data']['max']:.2f} | {wide['peak_mib']['median']:.0f} |",
            f"| naive peer | {wide['peer']['median']:.2f} | {wide['peer']['min']:.2f} – {wide['peer']['max']:.2f} "
            f"| {wide['peer_peak_mib']['median']:.0f} |",
            f"| ratio (pair by pair, median) | {wide['ratio']['median']:.2f} × | | |",
        ]
    )


def machine_lines(results: dict[str, Any]) -> str:
    info = results["machine"]
    versions = ", ".join(f"{name} {version}" for name, version in info["versions"].items())
    return (
        f"## Benchmark ({results['runs']} runs, {info['date']})\n\n"
        f"Machine: {info['nproc']} cores ({info['cpu']}), {info['memory_gib']} GiB RAM, Python {info['python']}, "
        f"{info['platform']}; {versions}; commit {info['commit']}"
        f"{' + uncommitted changes in src/' if info['uncommitted_changes_in_src'] else ''}; "
        + (
            f"reportgen installed from this working tree as a wheel, its bytecode compiled by pip, as the README's "
            f"first command installs it (in {info['installed']})"
            if info.get("installed")
            else f"reportgen from {info['reportgen']}"
        )
        + f"{'; PYTHONDONTWRITEBYTECODE set' if info['PYTHONDONTWRITEBYTECODE'] else ''}. "
        f"Load average (1 min) at start {info['load_average_at_start'][0]:.2f}, "
        f"at end {info['load_average_at_end'][0]:.2f}. "
        + (f"Bare interpreter start: {results['startup_seconds']:.3f} s. " if "startup_seconds" in results else "")
        + results.get("note", "")
    ).rstrip()


def scenario_table(results: dict[str, Any]) -> str:
    lines = [
        "| Scenario | median s | min s | max s | peak RSS MiB (median / max) | pages | ratio to (e), median of pairs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results["scenarios"].values():
        time_, memory, ratio = entry["time"], entry["memory"], entry["ratio"]
        lines.append(
            f"| {entry['title']} | {time_['median']:.2f} | {time_['min']:.2f} | {time_['max']:.2f} "
            f"| {memory['median']:.0f} / {memory['max']:.0f} | {entry.get('pages') or '–'} | {ratio['median']:.2f} × |"
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
    lines = [
        f"In-process stage breakdown from build()'s stage hook (fresh process and empty build/ each, median of "
        f"{results['runs']}; one chart worker, cyclic GC off, as the command line runs it; {breakdown['pages']} "
        f"pages, {breakdown['charts']} charts drawn; whole worker process {breakdown['process_seconds']:.2f} s, "
        f"peak {breakdown['peak_mib']:.0f} MiB). The last column is an unchanged rebuild in the same process:",
        "",
        "| Stage | cold s | share | unchanged rebuild s |",
        "|---|---:|---:|---:|",
        *stage_rows(breakdown),
        "",
        "| Import (before the build, not in its stages) | seconds |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in breakdown["imports"].items()]
    matplotlib = breakdown["matplotlib_import_seconds"]
    lines.append(f"| import matplotlib (fresh process; the chart worker pays it) | {matplotlib:.3f} |")
    drawn, charts = breakdown["charts_drawn_on_rebuild"], breakdown["charts"]
    lines.append(f"\nCharts drawn on an unchanged rebuild: {drawn} of {charts} (the others from the cache).")
    return "\n".join(lines)


def stage_rows(breakdown: dict[str, Any]) -> list[str]:
    """Imports, the stages, build()'s time outside its stages, and the total: the rows add up."""
    imports = sum(breakdown["imports"].values())
    stages, again = breakdown["stages"], breakdown["rebuild_stages"]
    cold_total, rebuild_total = imports + breakdown["build_seconds"], breakdown["rebuild_seconds"]
    rows = [("imports before the build", imports, None)]
    rows += [(name, seconds, again.get(name)) for name, seconds in stages.items()]
    rows.append(
        (
            "build() outside its stages",
            breakdown["build_seconds"] - sum(stages.values()),
            rebuild_total - sum(again.values()),
        )
    )
    lines = [
        f"| {name} | {seconds:.3f} | {seconds / cold_total:.0%} | {'–' if rebuild is None else f'{rebuild:.3f}'} |"
        for name, seconds, rebuild in rows
    ]
    lines.append(f"| **imports + build()** | **{cold_total:.3f}** | 100% | **{rebuild_total:.3f}** |")
    return lines


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
    profile = results["profile"]
    lines = [
        f"Profile of one cold build in a fresh process (cProfile around build(), {profile['total']:.2f} s with "
        "profiler overhead; charts drawn in the worker process are not in it; full listing in "
        "build/benchmark-profile.txt):",
        "",
        "| hotspot | cumulative s |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in profile["hotspots"].items()]
    return "\n".join(lines)


def size_table(results: dict[str, Any]) -> str:
    lines = [
        f"Scaling with the study (results chapter ×k with its own questions; median of {results['scaling_runs']}):",
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
        "Scaling with respondents (generated responses; prepare() as `check` runs it, in a fresh process each, "
        f"median of {results['scaling_runs']}):",
        "",
        "| respondents | CSV MiB | data stage s (read, check, stats) | prepare s | worker peak MiB | full build s "
        "| build peak MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results["respondents"]:
        build = f"{entry['build']['median']:.2f}" if "build" in entry else "–"
        build_memory = f"{entry['build_peak_mib']['median']:.0f}" if "build" in entry else "–"
        lines.append(
            f"| {entry['rows']:,} | {entry['csv_mib']:.2f} | {entry['data']['median']:.3f} "
            f"| {entry['prepare']['median']:.3f} | {entry['worker_peak_mib']['median']:.0f} "
            f"| {build} | {build_memory} |"
        )
    return "\n".join(lines)
