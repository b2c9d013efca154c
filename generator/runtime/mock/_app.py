"""The mock as an ASGI application: `create_app(...)` and the request pipeline."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import os
import time
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive, Scope, Send

from ._admin import PREFIX, Admin
from ._auth import Authenticator
from ._clock import Clock, SystemClock
from ._context import Call, Handler, State
from ._disk import disk_error
from ._errors import ApiError, ConnectionDropped, InjectedFault
from ._faults import Fault, FaultDice, parse_fault
from ._handler_table import HANDLERS
from ._http import (
    JSON,
    Reply,
    Target,
    base_url,
    data_response,
    drop,
    error_response,
    has_body,
    heads,
    read_body,
)
from ._lifecycle import Lifecycle
from ._operation import OperationSpec
from ._ratelimit import RateLimiter
from ._routing import Router, spec_path
from ._spec import OPERATIONS, SCHEMAS
from ._store import Store
from ._uploads import DEFAULT_MAX_BYTES, Uploads, default_folder
from ._validation import OperationValidator

DEFAULT_PROCESSING_SECONDS = 4.0
LOGGER = "a2e_dubbing_mock"


MAX_PROCESSING_SECONDS = 365 * 24 * 3600  # a year: times further out do not fit A2E's records


def check_options(
    processing_seconds: float | None, fault_rate: float, rate_limit: float | None
) -> None:
    """ValueError, saying what is accepted, for an option the mock cannot work with."""
    if processing_seconds is not None and not (
        math.isfinite(processing_seconds) and 0 <= processing_seconds <= MAX_PROCESSING_SECONDS
    ):
        raise ValueError(
            f"processing_seconds must be None (off) or from 0 to {MAX_PROCESSING_SECONDS} "
            f"seconds (a year), not {processing_seconds!r}"
        )
    if not 0.0 <= fault_rate <= 1.0:
        raise ValueError(f"fault_rate must be from 0 to 1, not {fault_rate!r}")
    if rate_limit is not None and not (math.isfinite(rate_limit) and rate_limit > 0):
        raise ValueError(f"rate_limit must be None or a positive number, not {rate_limit!r}")


class MockApp:
    """The ASGI application of the mock (HTTP and lifespan), routed by Starlette."""

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
        uploads: str | os.PathLike[str] | None = None,
        max_upload_bytes: int = DEFAULT_MAX_BYTES,
        admin_token: str | None = None,
        read_only: bool = False,
    ) -> None:
        check_options(processing_seconds, fault_rate, rate_limit)
        if admin_token is not None and not admin_token.strip():
            raise ValueError("admin_token must not be empty")
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.log = logger if logger is not None else logging.getLogger(LOGGER)
        folder = default_folder(db) if uploads is None else uploads
        files = Uploads(folder, clock=self.clock, max_bytes=max_upload_bytes)
        try:
            store = Store(os.fspath(db), read_only=read_only)
        except BaseException:
            files.close()
            raise
        self.store = store
        self.uploads = files
        self.state = State(
            store=store,
            lifecycle=Lifecycle(store, self.clock, processing_seconds),
            clock=self.clock,
            uploads=files,
        )
        self._auth = Authenticator(tokens)
        self._dice = FaultDice(fault_rate, seed)
        self._limiter = RateLimiter(rate_limit, self.clock) if rate_limit else None
        admin = Admin(
            self.state,
            self._auth,
            self._limiter,
            shared=tokens is not None,
            admin_token=admin_token,
        )
        # The lifespan is the router's: nothing to start, and the store stays open at its
        # shutdown: every write a request waited for is committed, and a test harness may
        # start and stop the lifespan of one app many times (one per test) and keep
        # calling it. `close()` closes it (the CLI, fixtures, `with`).
        self._router = Router([*self._operations(), *admin.paths()], self._serve)
        self._closed = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._router(scope, receive, send)

    def close(self) -> None:
        """Finish pending writes and close the database (idempotent)."""
        if not self._closed:
            self._closed = True
            try:
                self.store.close()
            finally:
                self.uploads.close()

    def __enter__(self) -> MockApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _operations(self) -> list[tuple[str, Mapping[str, Target], Mapping[str, str]]]:
        """The spec's operations as routes: (path, targets by method, parameter names)."""
        by_path: dict[str, dict[str, Target]] = {}
        for op in OPERATIONS:
            validator = OperationValidator(op, SCHEMAS)
            answer = functools.partial(self._operation, op, HANDLERS[op.operation_id], validator)
            by_path.setdefault(op.path, {})[op.method] = Target(op.operation_id, answer, op)
        routes: list[tuple[str, Mapping[str, Target], Mapping[str, str]]] = []
        for template, targets in by_path.items():
            path, names = spec_path(template)
            routes.append((path, targets, names))
        return routes

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        targets: Mapping[str, Target] | None,
        path_params: dict[str, str],
    ) -> None:
        """Answer one request with `targets` (None: an unknown path); log one line."""
        started = time.perf_counter()
        request: Request = Request(scope, receive)
        method: str = scope["method"]
        label = "mock" if scope["path"].startswith(PREFIX) else "unknown path"
        outcome = "-"
        target: Target | None = None
        try:
            if self._closed:
                raise ApiError(503, "the mock is closed (MockApp.close() was called)")
            if targets is None:
                where = "mock endpoint" if label == "mock" else "operation"
                raise ApiError(404, f"path: no {where} at this path")
            target = targets.get(method)
            if target is None:
                raise _not_allowed(method, targets)
            label = target.label
            response, outcome = await target.answer(request, path_params)
            if response is None:
                await drop(request)  # in-process: raises ConnectionDropped
            else:
                await response(scope, receive, send)
        except ApiError as error:
            outcome = await _answer_error(error, target, scope, receive, send)
            if isinstance(error, InjectedFault):
                outcome += " injected"
        except ConnectionDropped:
            raise
        except ClientDisconnect:
            outcome = "client gone"
        except Exception as error:
            refused = disk_error(error)  # full, failing or read-only: nothing was stored
            if refused is None:
                self.log.exception("internal error in %s %s", method, label)
                internal = ApiError(500, "internal error of the mock")
                await error_response(500, 500, internal)(scope, receive, send)
                outcome = "500"
            else:
                self.log.warning("%s %s: %s (%s)", method, label, refused.msg, error)
                outcome = await _answer_error(refused, target, scope, receive, send)
                outcome += f" disk {refused.kind}"
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.log.info("%s %s %s %.1fms", method, label, outcome, elapsed)

    async def _operation(
        self,
        op: OperationSpec,
        handler: Handler,
        validator: OperationValidator,
        request: Request,
        path_params: dict[str, str],
    ) -> Reply:
        head = heads(request.scope)
        fault = self._fault(head.fault, op)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.reset:
                return Reply(None, "reset injected")
            if fault.status is not None:
                raise InjectedFault(
                    fault.status, _fault_message(fault), headers=_retry_after(fault)
                )
            if fault.code is not None:
                error = ApiError(fault.code, _fault_message(fault))
                return Reply(
                    error_response(200, fault.code, error), f"200 code={fault.code} injected"
                )
        tenant = self._auth.sent(head.authorization, head.authorizations)
        if self._limiter is not None:
            self._limiter.check(tenant.key)
        params = validator.params(path_params, request.scope["query_string"]) if op.params else {}
        body: dict[str, Any] = {}
        if op.body is not None:
            _check_content_type(request)
            body = validator.body(await read_body(request))
        data = await handler(
            Call(self.state, tenant, params, body, base_url(request, head.host), op.operation_id)
        )
        if fault is not None and fault.drop_after_commit:
            return Reply(None, "dropped after commit injected")
        return Reply(data_response(data), "200")

    def _fault(self, header: str | None, op: OperationSpec) -> Fault | None:
        drawn = self._dice.draw()
        if header is None:  # the usual case
            return drawn
        fault = parse_fault(header)
        if fault.status is not None and not op.documents(fault.status):
            raise ApiError(
                400,
                f"X-Mock-Fault: status {fault.status} is not documented for {op.operation_id}",
            )
        return fault


async def _answer_error(
    error: ApiError, target: Target | None, scope: Scope, receive: Receive, send: Send
) -> str:
    """Answer `error` in A2E's envelope; the outcome for the access log."""
    status = error.status
    if target is not None and target.op is not None and not target.op.documents(status):
        status = 200  # an undocumented status: A2E's "HTTP 200 with code != 0"
    await error_response(status, error.status, error)(scope, receive, send)
    return str(status) if status == error.status else f"{status} code={error.status}"


def _not_allowed(method: str, targets: Mapping[str, Target]) -> ApiError:
    listed = ", ".join(sorted(targets))
    return ApiError(
        405,
        f"method: {method} is not allowed here (allowed: {listed})",
        headers=((b"allow", listed.encode()),),
    )


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
    content_type = request.headers.get("content-type")
    if content_type == JSON:  # the usual case
        return
    if content_type is None:
        if not has_body(request):
            raise ApiError(400, "request body: is required (a JSON object)")
        raise ApiError(415, "Content-Type: missing, the body must be application/json")
    media, _, params = content_type.partition(";")
    if media.strip().lower() != JSON:
        raise ApiError(415, "Content-Type: must be application/json")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
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
    uploads: str | os.PathLike[str] | None = None,
    max_upload_bytes: int = DEFAULT_MAX_BYTES,
    admin_token: str | None = None,
    read_only: bool = False,
) -> MockApp:
    """The mock's ASGI app (asyncio), for uvicorn or in-process use (httpx.ASGITransport).

    db: a SQLite file (WAL, durable) or ":memory:". tokens: when given, only these bearer
    tokens are accepted. processing_seconds: time from start to `completed` (None: tasks
    move only through /__mock/ calls). fault_rate, seed: that share of API requests gets a
    fault chosen reproducibly from `seed`. rate_limit: requests per second per token.
    clock: e.g. a ManualClock for deterministic tests. uploads: the folder of the files
    uploaded through presigned URLs (default: beside a file database, `<its stem>-uploads`; a
    temporary folder, removed by `close()`, with ":memory:"). max_upload_bytes: the largest
    upload (413 above it). admin_token: with `tokens`, what `POST /__mock/reset-all` needs in
    its X-A2E-Mock-Admin header (without it, reset-all is off); without `tokens` every
    caller may reset all, as every caller may be any tenant. read_only: serve an existing
    database without writing to it (e.g. on a read-only file system): reads are answered,
    writes get 503. Call `close()` when done.

    A write the disk refuses (full, failing, read-only) is answered 503 in A2E's envelope,
    with Retry-After unless the disk is read-only; it stored nothing, and the next write
    tries again.
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
        uploads=uploads,
        max_upload_bytes=max_upload_bytes,
        admin_token=admin_token,
        read_only=read_only,
    )
