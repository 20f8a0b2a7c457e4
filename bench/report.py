"""Targets of issue 9 and the Markdown/JSON output of a run."""

import json
from pathlib import Path

from .stats import Line, Target

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SIZE = "50k"


def _get(lines: dict[str, Line], key: str) -> Line | None:
    line = lines.get(key)
    return line if line and line.available else None


def targets(lines: list[Line]) -> list[Target]:
    """Each target of the issue with this run's value; passed=None when not measured."""
    by_key = {line.key: line for line in lines}
    out = []
    for page in (1, 50):
        line = _get(by_key, f"list_page_{page}")
        d = line.details if line else {}
        out += [
            Target(
                f"list_page_{page}_median",
                f"List page {page}: median",
                "< 150 ms",
                line.value if line else None,
                line.value < 150 if line else None,
            ),
            Target(
                f"list_page_{page}_p95",
                f"List page {page}: p95",
                "< 300 ms",
                d.get("p95_ms"),
                d["p95_ms"] < 300 if line else None,
            ),
            Target(
                f"list_page_{page}_queries",
                f"List page {page}: queries",
                "<= 15",
                d.get("queries"),
                d["queries"] <= 15 if line else None,
            ),
            Target(
                f"list_page_{page}_ratio",
                f"List page {page}: within 10x of raw SQL",
                "<= 10x",
                line.ratio if line else None,
                line.ratio <= 10 if line and line.ratio else None,
            ),
        ]
    race = _get(by_key, "accept_race")
    out += [
        Target(
            "race_one_winner",
            "Accept race: one winner in every run",
            "every run",
            str(race.details["winners_per_run"]) if race else None,
            race.details["one_winner_every_run"] if race else None,
        ),
        Target(
            "race_p95",
            "Accept race: p95 latency",
            "< 1000 ms",
            race.value if race else None,
            race.value < 1000 if race and race.value is not None else None,
        ),
    ]
    export = _get(by_key, "export")
    out += [
        Target(
            "export_rate",
            "Export: rows/s vs COPY",
            ">= 1/3 of COPY",
            export.ratio if export else None,
            export.ratio >= 1 / 3 if export and export.ratio else None,
        ),
        Target(
            "export_memory",
            "Export: peak memory growth",
            "< 100 MB",
            export.details.get("rss_growth_mb_max") if export else None,
            (export.details["rss_growth_mb_max"] or 0) < 100 if export else None,
        ),
    ]
    mailing = _get(by_key, "round_mailing")
    out.append(
        Target(
            "mailing_time",
            "Round mailing: 1,000 mails handed to the backend",
            "< 60 s",
            mailing.value if mailing else None,
            mailing.value < 60 and mailing.details["all_delivered"] if mailing else None,
        )
    )
    return out


def _fmt(value, unit=""):
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "s":
        return f"{value:.2f} s"
    if unit.startswith("ms"):
        return f"{value:.1f} {unit}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def _verdict(passed):
    return {True: "pass", False: "**miss**", None: "not measured"}[passed]


def markdown(meta: dict, lines: list[Line], goals: list[Target]) -> str:
    dataset = meta["dataset"]
    data_how = f"generated in {dataset['seconds']:.1f} s" if dataset["generated"] else "reused"
    out = [
        f"## Benchmark: size `{meta['size']}` ({meta['dataset']['students']:,} students, "
        f"{meta['dataset']['decisions']:,} decisions, "
        f"{meta['dataset']['status_changes']:,} history rows)",
        "",
        f"{meta['finished_at']} · {meta['cpu_count']} cores · PostgreSQL "
        f"{meta['postgres']} · repeat {meta['repeat']} (heavy: {meta['heavy_repeat']}) · "
        f"data {data_how}",
        "",
        f"Load average (1/5/15 min) before {meta['load_average_before']}, after "
        f"{meta['load_average_after']}: with other work on the machine, times are inflated.",
        "",
        "| # | measurement | median | baseline (same run) | ratio | notes |",
        "|---|---|---|---|---|---|",
    ]
    for i, line in enumerate(lines, 1):
        if not line.available:
            out.append(
                f"| {i} | {line.title} | not available | {_fmt(line.baseline, 'ms')} | — | "
                f"{line.note} |"
            )
            continue
        base_unit = "ms" if line.unit == "ms p95" else line.unit
        unit = line.unit
        out.append(
            f"| {i} | {line.title} | {_fmt(line.value, unit)} | "
            f"{_fmt(line.baseline, base_unit)} ({line.baseline_title}) | "
            f"{_fmt(line.ratio)}x | {line.note} |"
        )
    applies = (
        "these targets are stated at 50,000 students"
        if meta["size"] != TARGET_SIZE
        else "targets of issue 9"
    )
    out += ["", f"Targets ({applies}):", "", "| target | limit | this run | result |"]
    out.append("|---|---|---|---|")
    for goal in goals:
        value = goal.value
        if isinstance(value, float):
            value = f"{value:.2f}"
        out.append(
            f"| {goal.title} | {goal.limit} | {value if value is not None else '—'} | "
            f"{_verdict(goal.passed)} |"
        )
    return "\n".join(out) + "\n"


def write(meta: dict, lines: list[Line], goals: list[Target]) -> tuple[Path, Path, str]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = markdown(meta, lines, goals)
    payload = {
        "meta": meta,
        "lines": [line.to_dict() for line in lines],
        "targets": [goal.to_dict() for goal in goals],
        "targets_stated_at": TARGET_SIZE,
    }
    json_path = RESULTS / "latest.json"
    md_path = RESULTS / "latest.md"
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    md_path.write_text(text)
    # Keep one file per size too, so realistic and 50k can be read side by side.
    (RESULTS / f"latest-{meta['size']}.json").write_text(json_path.read_text())
    (RESULTS / f"latest-{meta['size']}.md").write_text(text)
    return json_path, md_path, text
