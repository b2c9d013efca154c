"""The mock's own endpoints under /__mock/ (never faulted, not part of A2E's API).

    GET  /__mock/health                   {"status": "ok"}; no token needed
    POST /__mock/tasks/{_id}/advance      one step along the lifecycle's path: sent ->
                                          processing -> completed
    POST /__mock/tasks/{_id}/complete     completed (the lifecycle's result word) now
    POST /__mock/tasks/{_id}/fail         failed (its failure word) now; optional JSON
                                          {"message": ..., "code": ...}
    POST /__mock/reset                    forget the caller's tasks, spending and uploads
    POST /__mock/reset-all                forget everything, every tenant; on a mock started
                                          with tokens (--token), only with the admin token in
                                          X-A2E-Mock-Admin (--admin-token), else off
    GET  /__mock/results/{_id}.wav?expires=...&signature=...
                                          the result of a completed task (audio/wav)
    GET  /__mock/storage/{key}/{name}?expires=...&signature=...
                                          a file "copied" by transferToStorage: the same
                                          short WAV whatever the name
    PUT  /__mock/uploads/{user}/{slot}/{name}?expires=...&signature=...
                                          the upload to a presigned URL (see `_uploads`)
    GET  /__mock/uploads/{user}/{slot}/{name}?expires=...&signature=...
                                          the uploaded file

Task and reset calls identify the tenant with the same `Authorization: Bearer sk_...` as
the API, so a test only ever touches its own tasks. File URLs need no token but their
signature (`_signing`): exactly as the API answered them, before they expire; anything
else is 403, whether the file exists or not. HEAD works where GET answers a file.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request

from ._audio import CONTENT_TYPE, tone_wav
from ._auth import Authenticator, Tenant, tenant_key
from ._context import State
from ._disk import read_only_mode
from ._errors import ApiError
from ._http import Reply, Target, base_url, data_response, file_response, read_body
from ._ratelimit import RateLimiter
from ._spec import LIFECYCLE
from ._task_records import ID_FIELD, RESULT_PATH, RESULT_SUFFIX, TaskRow, record, result_url
from ._uploads import ROUTE as UPLOAD_ROUTE
from ._uploads import STORAGE_PATH

PREFIX = "/__mock/"
_ID = re.compile(r"[0-9a-f]{24}")
_STORAGE_KEY = re.compile(r"[0-9a-f]{16}")
_MAX_BODY = 64 * 1024
_MAX_MESSAGE = 2000
_OK = "200"
ADMIN_HEADER = "x-a2e-mock-admin"


class Admin:
    """The /__mock/ endpoints as routes: (path, targets by method, parameter names)."""

    def __init__(
        self,
        state: State,
        auth: Authenticator,
        limiter: RateLimiter | None,
        *,
        shared: bool = False,
        admin_token: str | None = None,
    ) -> None:
        self._state = state
        self._auth = auth
        self._limiter = limiter
        self._shared = shared  # tokens were given: callers are not all one person
        self._admin_key = None if admin_token is None else tenant_key(admin_token.encode())

    def paths(self) -> list[tuple[str, Mapping[str, Target], Mapping[str, str]]]:
        health = Target("mock health", self._health)
        result = Target("mock result", self._result)
        storage = Target("mock storage", self._storage)
        uploaded = Target("mock uploaded file", self._state.uploads.get)
        paths: dict[str, dict[str, Target]] = {
            "/__mock/health": {"GET": health},
            "/__mock/reset": {"POST": Target("mock reset", self._reset)},
            "/__mock/reset-all": {"POST": Target("mock reset-all", self._reset_all)},
            f"{RESULT_PATH}{{task_id}}{RESULT_SUFFIX}": {"GET": result, "HEAD": result},
            f"{STORAGE_PATH}{{key}}/{{name:path}}": {"GET": storage, "HEAD": storage},
            UPLOAD_ROUTE: {
                "PUT": Target("mock upload", self._upload),
                "GET": uploaded,
                "HEAD": uploaded,
            },
            "/__mock/tasks/{task_id}/advance": {"POST": Target("mock task advance", self._advance)},
            "/__mock/tasks/{task_id}/complete": {
                "POST": Target("mock task complete", self._complete)
            },
            "/__mock/tasks/{task_id}/fail": {"POST": Target("mock task fail", self._fail)},
        }
        return [(path, targets, {}) for path, targets in paths.items()]

    async def _upload(self, request: Request, params: dict[str, str]) -> Reply:
        if not self._state.store.writable:
            raise read_only_mode()
        return await self._state.uploads.put(request, params)

    async def _health(self, request: Request, params: dict[str, str]) -> Reply:
        return Reply(data_response({"status": "ok"}), _OK)

    def _check_signature(self, request: Request) -> None:
        """ApiError 403 unless the file URL is signed (checked before anything is read)."""
        self._state.uploads.signer.check(request.scope["path"], request.scope["query_string"])

    async def _result(self, request: Request, params: dict[str, str]) -> Reply:
        self._check_signature(request)
        task_id = params["task_id"]
        row = self._state.store.find(task_id) if _ID.fullmatch(task_id) else None
        if row is None or self._state.lifecycle.view(row).status != LIFECYCLE.result:
            raise ApiError(
                404, f"{ID_FIELD}: no {LIFECYCLE.result} dubbing task with this {ID_FIELD}"
            )
        return Reply(file_response(request, tone_wav(), CONTENT_TYPE), _OK)

    async def _storage(self, request: Request, params: dict[str, str]) -> Reply:
        self._check_signature(request)
        if _STORAGE_KEY.fullmatch(params["key"]) is None or not params["name"]:
            raise ApiError(404, "path: no stored file at this path")
        return Reply(file_response(request, tone_wav(), CONTENT_TYPE), _OK)

    async def _reset(self, request: Request, params: dict[str, str]) -> Reply:
        return await self._forget(self._auth.caller(request.headers))

    async def _reset_all(self, request: Request, params: dict[str, str]) -> Reply:
        if self._shared:
            self._check_admin(request)
        return await self._forget(None)

    def _check_admin(self, request: Request) -> None:
        """ApiError 403 unless the request carries the admin token (compared by digest)."""
        if self._admin_key is None:
            raise ApiError(
                403,
                "reset-all: off on a mock started with --token; start it with --admin-token "
                "and send that token in X-A2E-Mock-Admin",
            )
        sent = request.headers.get(ADMIN_HEADER)
        if sent is None or not hmac.compare_digest(tenant_key(sent.encode()), self._admin_key):
            raise ApiError(403, "X-A2E-Mock-Admin: missing or not the admin token")

    async def _forget(self, tenant: Tenant | None) -> Reply:
        owner = tenant.key if tenant is not None else None
        removed = await self._state.store.reset(owner)
        self._state.uploads.forget(tenant.user_id if tenant is not None else None)
        if self._limiter is not None:
            self._limiter.forget(owner)
        return Reply(data_response({"deleted": removed}), _OK)

    async def _advance(self, request: Request, params: dict[str, str]) -> Reply:
        task_id, tenant = self._task(request, params)
        row = await self._state.lifecycle.advance(tenant.key, task_id)
        return self._task_reply(request, row, tenant)

    async def _complete(self, request: Request, params: dict[str, str]) -> Reply:
        task_id, tenant = self._task(request, params)
        row = await self._state.lifecycle.complete(tenant.key, task_id)
        return self._task_reply(request, row, tenant)

    async def _fail(self, request: Request, params: dict[str, str]) -> Reply:
        task_id, tenant = self._task(request, params)
        message, code = _failure(await read_body(request, _MAX_BODY))
        row = await self._state.lifecycle.fail(tenant.key, task_id, message, code)
        return self._task_reply(request, row, tenant)

    def _task(self, request: Request, params: dict[str, str]) -> tuple[str, Tenant]:
        task_id = params["task_id"]
        if _ID.fullmatch(task_id) is None:
            raise ApiError(404, "path: no mock endpoint at this path")
        return task_id, self._auth.caller(request.headers)

    def _task_reply(self, request: Request, row: TaskRow, tenant: Tenant) -> Reply:
        urls = result_url(self._state.uploads.signer, base_url(request))
        return Reply(data_response(record(row, tenant.user_id, urls)), _OK)


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
