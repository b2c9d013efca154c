"""What a run produces: comparisons (ours vs a peer, with a target) and context tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Comparison:
    """One measure of ours against one peer, both taken in the same run.

    `ratio` is ours / peer. With `higher_is_better` (throughput) the target is a lower
    bound on the ratio, otherwise (times) an upper bound.
    """

    group: str  # the chart panel, e.g. "Client overhead"
    measure: str
    unit: str
    ours_label: str
    peer_label: str
    ours: float
    peer: float
    higher_is_better: bool = False
    target: float | None = None  # None: shown for context, no target
    note: str = ""
    short: str = ""  # the chart's label of the pair
    paired_chart: bool = True  # False: only in the ratio panel (shown elsewhere already)

    @property
    def ratio(self) -> float:
        return self.ours / self.peer if self.peer else float("inf")

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "—"
        return f"{'≥' if self.higher_is_better else '≤'} {self.target:g}×"

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "ratio": self.ratio,
            "met": self.met,
            "target_text": self.target_text,
        }


@dataclass(frozen=True)
class LoadResult:
    """One run of the load tool: throughput, latency percentiles (ms) and what went wrong."""

    requests: int
    seconds: float
    requests_per_second: float
    latency_ms: dict[str, float]  # "50", "75", "90", "99" -> ms
    non_2xx: int
    socket_errors: int

    @property
    def p50_ms(self) -> float:
        return self.latency_ms["50"]

    @property
    def p99_ms(self) -> float:
        return self.latency_ms["99"]


@dataclass(frozen=True)
class Table:
    """Context for a section: absolute numbers, how the sides were run."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScalePoint:
    """The mock with `tasks` stored: latency per request kind and the database size."""

    tasks: int
    db_bytes: int  # every file of the database (main file, WAL, shared memory)
    wal_bytes: int  # of which the WAL (0 when the mock checkpointed it on exit)
    latency_ms: dict[str, tuple[float, float]]  # request kind -> (p50, p99)
    requests_per_second: dict[str, float]
    plans: dict[str, list[str]]

    @property
    def indexed(self) -> bool:
        """No read query of the store scans the whole table or sorts it."""
        lines = [line for steps in self.plans.values() for line in steps]
        return bool(lines) and not any(
            line.strip() == "SCAN tasks" or "TEMP B-TREE" in line for line in lines
        )


@dataclass
class Section:
    """What one benchmark measured, or why it could not."""

    name: str
    comparisons: list[Comparison] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    scale: list[ScalePoint] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    profile: Any = None  # a _profile.Profile of our side when a target was missed
    profile_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "seconds": round(self.seconds, 1),
            "error": self.error,
            "comparisons": [c.to_json() for c in self.comparisons],
            "tables": [asdict(t) for t in self.tables],
            "scale": [asdict(p) for p in self.scale],
            "details": self.details,
            "profile": None if self.profile is None else asdict(self.profile),
            "profile_error": self.profile_error,
        }
