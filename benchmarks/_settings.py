"""How long and how often each benchmark runs: the full run and `--quick`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Iterations and durations; every measure runs both sides in the same run."""

    quick: bool
    # Client overhead: rounds of `client_batch` calls per side, sides interleaved.
    client_warmup_calls: int
    client_rounds: int
    client_batch: int
    # Import and generation time: fresh processes, sides interleaved.
    import_runs: int
    generation_runs: int
    # Mock vs Prism under load (wrk).
    wrk_threads: int
    wrk_connections: int
    wrk_warmup_seconds: float
    wrk_rounds: int
    wrk_round_seconds: float
    # The mock at scale.
    scale_sizes: tuple[int, ...]
    scale_seconds: float

    @classmethod
    def full(cls) -> Settings:
        return cls(
            quick=False,
            client_warmup_calls=500,
            client_rounds=60,  # the async side is noisy on a shared 2-core machine
            client_batch=200,
            import_runs=30,
            generation_runs=7,
            wrk_threads=2,
            wrk_connections=32,
            wrk_warmup_seconds=5.0,
            wrk_rounds=4,
            wrk_round_seconds=3.0,
            scale_sizes=(10_000, 100_000),
            scale_seconds=3.0,
        )

    @classmethod
    def short(cls) -> Settings:
        """`--quick`: the same measures with fewer repetitions and a smaller scale run."""
        return cls(
            quick=True,
            client_warmup_calls=200,
            client_rounds=8,
            client_batch=100,
            import_runs=10,
            generation_runs=3,
            wrk_threads=2,
            wrk_connections=32,
            wrk_warmup_seconds=3.0,
            wrk_rounds=2,
            wrk_round_seconds=2.0,
            scale_sizes=(10_000,),
            scale_seconds=1.0,
        )
