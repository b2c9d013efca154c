"""results.png: each comparison as a pair of bars (ours, peer), the scale run, the ratios."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from benchmarks._results import Comparison, ScalePoint, Section

OURS_COLOR, PEER_COLOR = "#1f77b4", "#ff7f0e"
MET, MISSED, NO_TARGET = "#2ca02c", "#d62728", "#7f7f7f"


def render(sections: Sequence[Section], path: Path, title: str) -> None:
    comparisons = [c for s in sections for c in s.comparisons]
    groups = list(dict.fromkeys(c.group for c in comparisons if c.paired_chart))
    scale = [p for s in sections for p in s.scale]
    panels = len(groups) + (1 if scale else 0) + (1 if comparisons else 0)
    columns = 3
    rows = max(1, -(-panels // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(6 * columns, 4.6 * rows), squeeze=False)
    cells = list(axes.flat)
    for ax, group in zip(cells, groups, strict=False):
        _pairs(ax, group, [c for c in comparisons if c.group == group])
    used = len(groups)
    if scale:
        _scale(cells[used], scale)
        used += 1
    if comparisons:
        _ratios(cells[used], comparisons)
        used += 1
    for ax in cells[used:]:
        ax.axis("off")
    figure.suptitle(title, fontsize=13)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _pairs(ax: Axes, group: str, comparisons: list[Comparison]) -> None:
    xs = range(len(comparisons))
    width = 0.38
    ours = ax.bar(
        [x - width / 2 for x in xs], [c.ours for c in comparisons], width, color=OURS_COLOR
    )
    peers = ax.bar(
        [x + width / 2 for x in xs], [c.peer for c in comparisons], width, color=PEER_COLOR
    )
    for x, c in zip(xs, comparisons, strict=True):
        top = max(c.ours, c.peer)
        color = NO_TARGET if c.met is None else (MET if c.met else MISSED)
        label = f"{c.ratio:.2f}×" + ("" if c.target is None else f" (target {c.target_text})")
        ax.annotate(
            label,
            (x, top),
            ha="center",
            va="bottom",
            fontsize=8,
            color=color,
            xytext=(0, 3),
            textcoords="offset points",
        )
    ax.set_xticks(list(xs), [c.short or c.measure for c in comparisons], fontsize=8)
    units = {c.unit for c in comparisons}
    ax.set_ylabel(", ".join(sorted(units)))
    ax.set_title(group)
    ax.margins(x=0.12, y=0.3)
    ax.legend([ours, peers], ["ours", "peer"], fontsize=7, loc="upper left")


def _scale(ax: Axes, points: list[ScalePoint]) -> None:
    kinds = list(points[0].latency_ms)
    width = 0.8 / len(points)
    for i, point in enumerate(points):
        xs = [k + (i - (len(points) - 1) / 2) * width for k in range(len(kinds))]
        values = [point.latency_ms[k][0] for k in kinds]
        ax.bar(xs, values, width, label=f"{point.tasks:,} tasks ({point.db_bytes / 1e6:.0f} MB)")
        for x, value in zip(xs, values, strict=True):
            ax.annotate(
                f"{value:.2g}",
                (x, value),
                ha="center",
                va="bottom",
                fontsize=7,
                xytext=(0, 2),
                textcoords="offset points",
            )
    ax.set_xticks(
        range(len(kinds)), [k.removeprefix("GET ").replace(" ", "\n", 1) for k in kinds], fontsize=8
    )
    ax.set_yscale("log")
    low = min(p50 for point in points for p50, _ in point.latency_ms.values())
    high = max(p50 for point in points for p50, _ in point.latency_ms.values())
    ax.set_ylim(low / 2, high * 3)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_ylabel("p50 latency, ms (log), one caller")
    ax.set_title("Our mock at scale")
    ax.legend(fontsize=7, loc="upper left")


def _ratios(ax: Axes, comparisons: list[Comparison]) -> None:
    labels = [f"{c.group}: {(c.short or c.measure).replace(chr(10), ' ')}" for c in comparisons]
    ys = range(len(comparisons))
    colors = [NO_TARGET if c.met is None else (MET if c.met else MISSED) for c in comparisons]
    ax.barh(list(ys), [c.ratio for c in comparisons], color=colors)
    for y, c in zip(ys, comparisons, strict=True):
        if c.target is not None:
            ax.plot([c.target, c.target], [y - 0.4, y + 0.4], color="black", linewidth=2)
    ax.axvline(1.0, color="black", linewidth=0.6, linestyle=":")
    ax.set_yticks(list(ys), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("ratio ours / peer (log); black tick: target; green met, red missed")
    ax.set_title("Ratios against targets")
