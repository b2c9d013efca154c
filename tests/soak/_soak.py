"""The soak: many async clients, a faulty mock, and a final count of what was promised.

Workers (AsyncA2E, one client per tenant) run start, get, list, processing, delete and wait
against a live mock started with `--fault-rate` (429 + Retry-After, 500, 503, delays,
connection resets, drop-after-commit). The ledger keeps what the clients were told; at the
end it is compared with the mock's database:

- short: fewer operations ran than were asked for (the time limit ran out first);
- lost: a start the client saw succeed whose task is not in the database (excused only when
  a delete of it failed in a way that leaves open whether it happened);
- not deleted: a delete the client saw succeed whose task is still in the database;
- duplicates: more than one task for one (tenant, name, source), i.e. one call that
  started two paid tasks (every start uses a name of its own);
- unexpected 5xx: a 5xx answer the fault injection did not cause, counted in the server's
  access log (every request, including those a client retry absorbed) and as the clients
  saw them;
- untyped: any client failure that is not an `A2EError`.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import random
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from a2e_dubbing import (
    A2EError,
    AsyncA2E,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
)
from a2e_dubbing.models import DubbingStatus
from a2e_dubbing_mock.pytest_plugin import MockServer

from tests.soak._access_log import answers, unexpected_server_errors

OPERATIONS = ("start", "get", "list", "processing", "delete", "wait")
WEIGHTS = (30, 25, 10, 10, 15, 10)
INJECTED = "injected fault"
VALID_STATUSES = {status.value for status in DubbingStatus}  # the spec's status words


@dataclass
class Ledger:
    """What the clients were told."""

    acknowledged: dict[str, tuple[str, str, str]] = field(
        default_factory=dict
    )  # id -> (token, name, source)
    deleted: set[str] = field(default_factory=set)  # the client was told it is done
    delete_uncertain: set[str] = field(default_factory=set)  # it may or may not have happened
    done: collections.Counter[str] = field(default_factory=collections.Counter)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    client_5xx: list[str] = field(default_factory=list)
    untyped: list[str] = field(default_factory=list)

    @property
    def operations(self) -> int:
        return sum(self.done.values())


@dataclass(frozen=True)
class Verdict:
    """The comparison of the ledger with the database."""

    requested: int
    operations: int
    requests: int  # access-log lines of the server
    acknowledged: int
    deleted: int
    lost: list[str]
    not_deleted: list[str]
    duplicates: list[tuple[str, str, int]]
    invalid_state: list[str]
    unexpected_5xx: list[str]  # outcomes from the server's access log
    client_5xx: list[str]  # non-injected InternalServerErrors the clients raised
    untyped: list[str]
    seconds: float
    errors: dict[str, int]

    def problems(self) -> list[str]:
        """Why the soak failed, one reason each (empty when it passed)."""
        reasons = []
        if self.operations < self.requested:
            reasons.append(
                f"only {self.operations} of {self.requested} requested operations ran "
                "(time limit reached)"
            )
        if self.requests < self.operations:
            reasons.append(
                f"the server logged {self.requests} requests for {self.operations} operations "
                "(access log missing or not understood)"
            )
        named = (
            ("lost acknowledged tasks", self.lost),
            ("acknowledged deletes whose task is still stored", self.not_deleted),
            ("duplicate starts", self.duplicates),
            ("tasks in an invalid state or tenant", self.invalid_state),
            ("unexpected 5xx in the server log", self.unexpected_5xx),
            ("non-injected 5xx seen by clients", self.client_5xx),
            ("untyped client errors", self.untyped),
        )
        reasons += [f"{len(items)} {name}" for name, items in named if items]
        return reasons

    @property
    def ok(self) -> bool:
        return not self.problems()

    def line(self) -> str:
        """The figures, and `FAILED: reasons` when it failed."""
        typed = sum(self.errors.values())
        figures = (
            f"soak: {self.operations}/{self.requested} operations in {self.seconds:.1f}s, "
            f"{self.acknowledged} acknowledged starts, {len(self.lost)} lost, "
            f"{len(self.duplicates)} duplicate starts, {self.deleted} acknowledged deletes "
            f"({len(self.not_deleted)} not done), {len(self.unexpected_5xx)} unexpected 5xx "
            f"in {self.requests} requests ({len(self.client_5xx)} seen by clients), "
            f"{len(self.untyped)} untyped errors ({typed} typed A2EErrors: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items()))
            + ")"
        )
        problems = self.problems()
        return figures + (" -- FAILED: " + "; ".join(problems) if problems else " -- OK")


class Worker:
    """One client loop: random operations on its tenant's own tasks."""

    def __init__(self, client: AsyncA2E, token: str, ledger: Ledger, rng: random.Random) -> None:
        self.client = client
        self.token = token
        self.ledger = ledger
        self.rng = rng
        self.mine: list[str] = []

    async def run(self, budget: Budget) -> None:
        while budget.take():
            operation = self.rng.choices(OPERATIONS, WEIGHTS)[0]
            if operation in ("get", "delete", "wait") and not self.mine:
                operation = "start"
            try:
                await getattr(self, operation)()
            except A2EError as error:
                self.ledger.errors[f"{operation}: {type(error).__name__}"] += 1
                if isinstance(error, InternalServerError) and INJECTED not in error.message:
                    self.ledger.client_5xx.append(str(error))
            except Exception as error:
                self.ledger.untyped.append(f"{operation}: {type(error).__name__}: {error}")
            self.ledger.done[operation] += 1

    async def start(self) -> None:
        source = f"https://media.example.com/soak/{self.rng.getrandbits(48):012x}.mp3"
        name = f"soak-{self.rng.getrandbits(64):016x}"
        task = await self.client.dubbing.start(source_url=source, target_lang="fr", name=name)
        self.ledger.acknowledged[task.task_id] = (self.token, name, source)
        self.mine.append(task.task_id)

    async def get(self) -> None:
        await self.client.dubbing.get(self.rng.choice(self.mine))

    async def list(self) -> None:
        await self.client.dubbing.list(page_num=self.rng.randint(1, 3), page_size=20)

    async def processing(self) -> None:
        await self.client.dubbing.list_processing()

    async def delete(self) -> None:
        task_id = self.mine.pop(self.rng.randrange(len(self.mine)))
        try:
            await self.client.dubbing.delete(task_id)
        except (BadRequestError, AuthenticationError, NotFoundError):
            raise  # refused: nothing was deleted (a 404 means the task was already gone)
        except Exception:
            self.ledger.delete_uncertain.add(task_id)  # it may have happened
            raise
        self.ledger.deleted.add(task_id)

    async def wait(self) -> None:
        await self.client.dubbing.wait(
            self.rng.choice(self.mine), timeout=10.0, poll_interval=0.2, max_poll_interval=1.0
        )


class Budget:
    """How many operations are left, shared by all workers; none after the deadline."""

    def __init__(self, operations: int, deadline: float) -> None:
        self.left = operations
        self.deadline = deadline

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() > self.deadline:
            return False
        self.left -= 1
        return True


async def drive(
    server: MockServer,
    *,
    operations: int,
    concurrency: int,
    tenants: int,
    seed: int,
    max_seconds: float,
) -> Ledger:
    """Run `operations` operations with `concurrency` workers over `tenants` tokens."""
    ledger = Ledger()
    rng = random.Random(seed)
    budget = Budget(operations, time.monotonic() + max_seconds)
    tokens = [f"sk_soak_tenant_{i:02d}_{rng.getrandbits(32):08x}" for i in range(tenants)]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    pools = [httpx.AsyncClient(limits=limits, timeout=30.0) for _ in tokens]
    clients = [
        AsyncA2E(api_key=token, base_url=server.url, max_retries=3, http_client=pool)
        for token, pool in zip(tokens, pools, strict=True)
    ]
    try:
        workers = [
            Worker(clients[i % tenants], tokens[i % tenants], ledger, random.Random(rng.random()))
            for i in range(concurrency)
        ]
        await asyncio.gather(*(worker.run(budget) for worker in workers))
    finally:
        for pool in pools:
            await pool.aclose()
    return ledger


def verdict(ledger: Ledger, requested: int, db: Path, log: Path, seconds: float) -> Verdict:
    """Compare the ledger with the database (read after the server stopped) and the log."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(  # tasks point to their tenant's row, which holds its key
            "SELECT tasks.id, tenants.key, coalesce(json_extract(doc, '$.request.name'), ''), "
            "json_extract(doc, '$.request.source_url'), status "
            "FROM tasks JOIN tenants ON tenants.id = tasks.tenant"
        ).fetchall()
    stored = {row[0]: row for row in rows}
    excused = ledger.deleted | ledger.delete_uncertain
    lost = [i for i in ledger.acknowledged if i not in stored and i not in excused]
    not_deleted = sorted(ledger.deleted & stored.keys())
    groups = collections.Counter((tenant, name, source) for _, tenant, name, source, _ in rows)
    duplicates = [(t[:8], name, n) for (t, name, _), n in groups.items() if n > 1]
    invalid = [row[0] for row in rows if row[4] not in VALID_STATUSES]
    misplaced = [
        task_id
        for task_id, (token, _, _) in ledger.acknowledged.items()
        if task_id in stored and stored[task_id][1] != hashlib.sha256(token.encode()).hexdigest()
    ]
    text = log.read_text(errors="replace")
    return Verdict(
        requested=requested,
        operations=ledger.operations,
        requests=len(answers(text)),
        acknowledged=len(ledger.acknowledged),
        deleted=len(ledger.deleted),
        lost=lost,
        not_deleted=not_deleted,
        duplicates=duplicates,
        invalid_state=invalid + misplaced,
        unexpected_5xx=[
            f"{a.method} {a.label} {a.outcome}" for a in unexpected_server_errors(text)
        ],
        client_5xx=ledger.client_5xx,
        untyped=ledger.untyped,
        seconds=seconds,
        errors=dict(ledger.errors),
    )


def soak(
    server: MockServer,
    *,
    operations: int,
    concurrency: int = 64,
    tenants: int = 8,
    seed: int = 7,
    max_seconds: float = 600.0,
) -> Verdict:
    """Drive the load, stop the server, and judge."""
    started = time.monotonic()
    ledger = asyncio.run(
        drive(
            server,
            operations=operations,
            concurrency=concurrency,
            tenants=tenants,
            seed=seed,
            max_seconds=max_seconds,
        )
    )
    seconds = time.monotonic() - started
    server.stop()
    return verdict(ledger, operations, server.db, server.log, seconds)
