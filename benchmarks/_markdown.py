"""results.md: the table of comparisons, the scale table, then the context of each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmarks._results import Comparison, Section, Table


def render(run: dict[str, Any], sections: Sequence[Section]) -> str:
    machine = run["machine"]
    load = run.get("load_average") or {}
    lines = [
        "# Benchmarks: a2e-dubbing against its peers",
        "",
        f"Run {run['started']} ({'`--quick`' if run['quick'] else 'full run'}, "
        f"{run['seconds']:.0f} s) with `python -m benchmarks`; "
        "each comparison ran both sides in this run, on this machine. Regenerate with "
        "`nox -s bench` (or `python -m benchmarks [--quick]` in an environment with the "
        "toolkit, the generated packages and the `bench` extra).",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['system']}",
        f"- Python: {machine['python']}; "
        + ", ".join(f"{name} {ver}" for name, ver in machine["packages"].items()),
        f"- Load tool (both sides of every HTTP measure): {run.get('load_tool', '?')}",
        f"- Tools: {run['tools']}",
        f"- Load average (1 min) at start / end: {load.get('start', '?')} / "
        f"{load.get('end', '?')} — other work on the machine widens the spread.",
        "",
        "## Results",
        "",
        "Ratio = ours / peer. Times: lower is better; throughput: higher is better.",
        "",
        "| measure | ours | peer | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for section in sections:
        lines += [_row(c) for c in section.comparisons]
    failed = [s for s in sections if s.error is not None]
    for section in failed:
        lines.append(f"| {section.name} | not measured | | | | **no** (error) |")
    scale = [p for s in sections for p in s.scale]
    if scale:
        lines += [
            "",
            "## Scale (ours only)",
            "",
            "| tasks stored | "
            + " | ".join(f"{kind} p50 / p99" for kind in scale[0].latency_ms)
            + " | SQLite size | indexed reads |",
            "|---" * (len(scale[0].latency_ms) + 3) + "|",
        ]
        for point in scale:
            cells = [f"{p50:.2f} / {p99:.2f} ms" for p50, p99 in point.latency_ms.values()]
            size = (
                f"{point.db_bytes / 1e6:.1f} MB ({point.db_bytes / max(1, point.tasks):.0f} B/task)"
            )
            lines.append(
                f"| {point.tasks:,} | "
                + " | ".join(cells)
                + f" | {size} | "
                + ("yes" if point.indexed else "**no**")
                + " |"
            )
    if failed:
        lines += ["", "## Not measured", ""]
        lines += [f"- **{s.name}**: {s.error}" for s in failed]
    profiled = [s for s in sections if s.profile is not None or s.profile_error is not None]
    if profiled:
        lines += ["", "## Profiles of missed targets (ours, pyinstrument)", ""]
        for section in profiled:
            lines += _profile(section)
    lines += ["", "## Details", ""]
    for section in sections:
        for table in section.tables:
            lines += _table(table)
    lines += ["![results](results.png)", ""]
    return "\n".join(lines)


def _profile(section: Section) -> list[str]:
    if section.profile is None:
        return [f"- **{section.name}**: not profiled: {section.profile_error}", ""]
    profile = section.profile
    lines = [
        f"### {section.name}: {profile.what}",
        "",
        f"Top frames by self time of {profile.total_seconds:.2f} s sampled:",
        "",
        "| self time | share | function | where |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {h.self_seconds * 1000:.1f} ms | {h.share:.1%} | `{h.function}` | `{h.where}` |"
        for h in profile.top
    ]
    return [*lines, ""]


def _row(c: Comparison) -> str:
    met = "—" if c.met is None else ("yes" if c.met else "**no**")
    note = f" ({c.note})" if c.note else ""
    return (
        f"| {c.group}: {c.measure}{note} | {c.ours_label}: {fmt(c.ours, c.unit)} | "
        f"{c.peer_label}: {fmt(c.peer, c.unit)} | {c.ratio:.2f}× | {c.target_text} | {met} |"
    )


def fmt(value: float, unit: str) -> str:
    if unit == "µs/call":
        return f"{value:,.0f} µs"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:g} {unit}"


def _table(table: Table) -> list[str]:
    lines = [f"### {table.title}", ""]
    lines.append("| " + " | ".join(table.header) + " |")
    lines.append("|" + "---|" * len(table.header))
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    lines.append("")
    lines += [f"- {note}" for note in table.notes]
    if table.notes:
        lines.append("")
    return lines
