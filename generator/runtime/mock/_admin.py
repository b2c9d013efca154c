"""The mock's own endpoints under /__mock/ (never faulted, not part of A2E's API).

    GET  /__mock/health                   {"status": "ok"}; no token needed
    POST /__mock/tasks/{_id}/advance      one step: sent -> processing -> completed
    POST /__mock/tasks/{_id}/complete     completed now
    POST /__mock/tasks/{_id}/fail         failed now; optional JSON {"message": ..., "code": ...}
    POST /__mock/reset                    forget the caller's tasks and spending
    POST /__mock/reset-all                forget everything, every tenant
    GET  /__mock/results/{_id}.wav        the result of a completed task (audio/wav); no token

Task and reset calls identify the tenant with the same `Authorization: Bearer sk_...` as
the API, so a test only ever touches its own tasks.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from ._audio import CONTENT_TYPE, tone_wav
from ._auth import Authenticator
from ._context import State
from ._errors import ApiError
from ._http import Request, Send, send_data, send_raw
from ._ratelimit import RateLimiter
from ._tasks import COMPLETED, record

PREFIX = "/__mock/"
_TASK = re.compile(r"/__mock/tasks/([0-9a-f]{24})/(advance|complete|fail)")
_RESULT = re.compile(r"/__mock/results/([0-9a-f]{24})\.wav")
_MAX_BODY = 64 * 1024
_MAX_MESSAGE = 2000


class Admin:
    """Answers /__mock/ requests; `handle` returns a label for the access log."""

    def __init__(self, state: State, auth: Authenticator, limiter: RateLimiter | None) -> None:
        self._state = state
        self._auth = auth
        self._limiter = limiter

    async def handle(self, request: Request, send: Send) -> str:
        path, method = request.path, request.method
        if path == "/__mock/health":
            _method(method, "GET")
            await send_data(send, {"status": "ok"})
            return "health"
        found = _RESULT.fullmatch(path)
        if found is not None:
            _method(method, "GET", "HEAD")
            row = self._state.store.find(found.group(1))
            if row is None or self._state.lifecycle.view(row).status != COMPLETED:
                raise ApiError(404, "_id: no completed dubbing task with this _id")
            await send_raw(send, 200, tone_wav(), content_type=CONTENT_TYPE, head=method == "HEAD")
            return "result"
        if path in ("/__mock/reset", "/__mock/reset-all"):
            _method(method, "POST")
            owner = None
            if path == "/__mock/reset":
                owner = self._auth.tenant(request.headers.get(b"authorization")).key
            removed = await self._state.store.reset(owner)
            if self._limiter is not None:
                self._limiter.forget(owner)
            await send_data(send, {"deleted": removed})
            return path.removeprefix(PREFIX)
        found = _TASK.fullmatch(path)
        if found is None:
            raise ApiError(404, "path: no mock endpoint at this path")
        _method(method, "POST")
        task_id, action = found.groups()
        tenant = self._auth.tenant(request.headers.get(b"authorization"))
        lifecycle = self._state.lifecycle
        if action == "advance":
            row = await lifecycle.advance(tenant.key, task_id)
        elif action == "complete":
            row = await lifecycle.complete(tenant.key, task_id)
        else:
            message, code = _failure(await request.body(_MAX_BODY))
            row = await lifecycle.fail(tenant.key, task_id, message, code)
        await send_data(send, record(row, tenant.user_id, request.base_url()))
        return f"task {action}"


def _method(method: str, *allowed: str) -> None:
    if method not in allowed:
        listed = ", ".join(allowed)
        raise ApiError(
            405,
            f"method: {method} is not allowed here (allowed: {listed})",
            headers=((b"allow", listed.encode()),),
        )


def _failure(content: bytes) -> tuple[str, str | None]:
    """(message, code) from the optional body of a fail call."""
    if not content.strip():
        return "dubbing failed (mock)", None
    try:
        body: Any = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise ApiError(400, "request body: malformed JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "request body: must be a JSON object")
    message = body.get("message", "dubbing failed (mock)")
    code = body.get("code")
    if not isinstance(message, str) or len(message) > _MAX_MESSAGE:
        raise ApiError(400, f"message: must be a string of at most {_MAX_MESSAGE} characters")
    if code is not None and not isinstance(code, str):
        raise ApiError(400, "code: must be a string")
    return message, code
