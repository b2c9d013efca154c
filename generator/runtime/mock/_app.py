"""The mock as an ASGI application: `create_app(...)` and the request pipeline."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterable
from typing import Any

from ._admin import PREFIX, Admin
from ._auth import Authenticator
from ._clock import Clock, SystemClock
from ._context import Call, State
from ._errors import ApiError, ClientGone, ConnectionDropped
from ._faults import HEADER, Fault, FaultDice, parse_fault
from ._http import JSON, Receive, Request, Scope, Send, drop, send_data, send_error
from ._lifecycle import Lifecycle
from ._operation import OperationSpec
from ._ratelimit import RateLimiter
from ._routes import HANDLERS
from ._routing import Route, Router
from ._spec import OPERATIONS, SCHEMAS
from ._store import Store
from ._validation import OperationValidator

DEFAULT_PROCESSING_SECONDS = 4.0
LOGGER = "a2e_dubbing_mock"


class MockApp:
    """The ASGI application of the mock (HTTP and lifespan)."""

    def __init__(
        self,
        *,
        db: str | os.PathLike[str],
        tokens: Iterable[str] | None,
        processing_seconds: float | None,
        fault_rate: float,
        seed: int,
        rate_limit: float | None,
        clock: Clock | None,
        logger: logging.Logger | None,
    ) -> None:
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.log = logger if logger is not None else logging.getLogger(LOGGER)
        store = Store(os.fspath(db))
        self.store = store
        self.state = State(
            store=store,
            lifecycle=Lifecycle(store, self.clock, processing_seconds),
            clock=self.clock,
        )
        self._auth = Authenticator(tokens)
        self._dice = FaultDice(fault_rate, seed)
        self._limiter = RateLimiter(rate_limit, self.clock) if rate_limit else None
        self._router = Router(Route(op, HANDLERS[op.operation_id]) for op in OPERATIONS)
        self._validators = {op.operation_id: OperationValidator(op, SCHEMAS) for op in OPERATIONS}
        self._admin = Admin(self.state, self._auth, self._limiter)
        self._closed = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(Request(scope, receive), send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    def close(self) -> None:
        """Finish pending writes and close the database (idempotent)."""
        if not self._closed:
            self._closed = True
            self.store.close()

    def __enter__(self) -> MockApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                # The store stays open: every write a request waited for is committed, and a
                # test harness may start and stop the lifespan of one app many times (one per
                # test) and keep calling it. `close()` closes it (the CLI, fixtures, `with`).
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, request: Request, send: Send) -> None:
        started = time.perf_counter()
        label, outcome = "unknown path", "-"
        op: OperationSpec | None = None
        try:
            if self._closed:
                raise ApiError(503, "the mock is closed (MockApp.close() was called)")
            if request.path.startswith(PREFIX):
                label = "mock"  # until the admin call says which one it was
                label += " " + await self._admin.handle(request, send)
                outcome = "200"
            else:
                route, path_params = self._router.match(request.method, request.path)
                op = route.op
                label = op.operation_id
                outcome = await self._operation(request, send, route, path_params)
        except ApiError as error:
            status = error.status
            if op is not None and not op.documents(status):
                status = 200  # an undocumented status: A2E's "HTTP 200 with code != 0"
            await send_error(send, status, error.status, error)
            outcome = str(status)
        except ConnectionDropped:
            outcome = "dropped"
            raise
        except ClientGone:
            outcome = "client gone"
        except Exception:
            self.log.exception("internal error in %s %s", request.method, label)
            await send_error(send, 500, 500, ApiError(500, "internal error of the mock"))
            outcome = "500"
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.log.info("%s %s %s %.1fms", request.method, label, outcome, elapsed)

    async def _operation(
        self, request: Request, send: Send, route: Route, path_params: dict[str, str]
    ) -> str:
        op = route.op
        fault = self._fault(request, op)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.reset:
                await drop(request)
                return "reset"
            if fault.status is not None:
                raise ApiError(fault.status, _fault_message(fault), headers=_retry_after(fault))
            if fault.code is not None:
                await send_error(send, 200, fault.code, ApiError(fault.code, _fault_message(fault)))
                return f"200 code={fault.code}"
        tenant = self._auth.tenant(request.headers.get(b"authorization"))
        if self._limiter is not None:
            self._limiter.check(tenant.key)
        validator = self._validators[op.operation_id]
        params = validator.params(path_params, request.query) if op.params else {}
        body: dict[str, Any] = {}
        if op.body is not None:
            _check_content_type(request)
            body = validator.body(await request.body())
        self.state.lifecycle.nudge()
        data = await route.handler(Call(self.state, tenant, params, body, request.base_url()))
        if fault is not None and fault.drop_after_commit:
            await drop(request)
            return "dropped after commit"
        await send_data(send, data)
        return "200"

    def _fault(self, request: Request, op: OperationSpec) -> Fault | None:
        drawn = self._dice.draw()
        header = request.headers.get(HEADER)
        if header is None:
            return drawn
        fault = parse_fault(header.decode("latin-1"))
        if fault.status is not None and not op.documents(fault.status):
            raise ApiError(
                400,
                f"X-Mock-Fault: status {fault.status} is not documented for {op.operation_id}",
            )
        return fault


def _fault_message(fault: Fault) -> str:
    status = fault.status if fault.status is not None else fault.code
    if status == 429:
        return f"too many requests (mock fault), retry after {fault.retry_after} seconds"
    return f"injected fault {status} (X-Mock-Fault or --fault-rate)"


def _retry_after(fault: Fault) -> tuple[tuple[bytes, bytes], ...]:
    if fault.retry_after is None:
        return ()
    return ((b"retry-after", str(fault.retry_after).encode()),)


def _check_content_type(request: Request) -> None:
    content_type = request.headers.get(b"content-type")
    if content_type == JSON:  # the usual case
        return
    if content_type is None:
        if not request.has_body():
            raise ApiError(400, "request body: is required (a JSON object)")
        raise ApiError(415, "Content-Type: missing, the body must be application/json")
    media, _, params = content_type.partition(b";")
    if media.strip().lower() != JSON:
        raise ApiError(415, "Content-Type: must be application/json")
    for param in params.split(b";"):
        name, _, value = param.partition(b"=")
        if name.strip().lower() == b"charset" and value.strip().strip(b'"').lower() not in (
            b"utf-8",
            b"utf8",
        ):
            raise ApiError(415, "Content-Type: the charset must be utf-8")


def create_app(
    *,
    db: str | os.PathLike[str] = ":memory:",
    tokens: Iterable[str] | None = None,
    processing_seconds: float | None = DEFAULT_PROCESSING_SECONDS,
    fault_rate: float = 0.0,
    seed: int = 0,
    rate_limit: float | None = None,
    clock: Clock | None = None,
    logger: logging.Logger | None = None,
) -> MockApp:
    """The mock's ASGI app (asyncio), for uvicorn or in-process use (httpx.ASGITransport).

    db: a SQLite file (WAL, durable) or ":memory:". tokens: when given, only these bearer
    tokens are accepted. processing_seconds: time from start to `completed` (None: tasks
    move only through /__mock/ calls). fault_rate, seed: that share of API requests gets a
    fault chosen reproducibly from `seed`. rate_limit: requests per second per token.
    clock: e.g. a ManualClock for deterministic tests. Call `close()` when done.
    """
    return MockApp(
        db=db,
        tokens=tokens,
        processing_seconds=processing_seconds,
        fault_rate=fault_rate,
        seed=seed,
        rate_limit=rate_limit,
        clock=clock,
        logger=logger,
    )
