"""One handler per operation of the spec, named after its operationId (snake case).

The generator fails when an operation has no handler here, or a handler no operation:
public functions of this module are handlers, helpers start with `_`.
"""

from __future__ import annotations

import hashlib
import posixpath
import urllib.parse
from typing import Any

from ._context import Call
from ._disk import read_only_mode
from ._errors import ApiError
from ._ids import new_id
from ._languages import listed
from ._spec import EXAMPLES, PRESIGN, RECORD
from ._task_records import (
    ID_FIELD,
    UNFINISHED,
    ResultURL,
    TaskRow,
    cost_of,
    new_task,
    record,
    result_url,
)
from ._uploads import STORAGE_PATH, wav_seconds

_NOT_FOUND = f"{ID_FIELD}: no dubbing task with this {ID_FIELD}"


async def start_dubbing(call: Call) -> Any:
    """A new task: the request as the spec's record (`_spec.RECORD`), in the lifecycle's
    initial word."""
    body = call.body
    state = call.state
    now = state.clock.now()
    created_ms = int(now * 1000)
    next_ms = state.lifecycle.first_step(created_ms)
    row = new_task(new_id(now), created_ms, body, next_ms, duration=_uploaded_duration(call))
    row = await state.store.insert(call.tenant.key, row, cost_of(row))
    state.lifecycle.scheduled(row.next_ms)
    return record(row, call.tenant.user_id, _result_url(call))


async def list_dubbing_tasks(call: Call) -> Any:
    size = int(call.params["pageSize"])
    offset = (int(call.params["pageNum"]) - 1) * size
    rows, count = call.state.store.page(call.tenant.key, size, offset)
    urls = _result_url(call)
    return {"rows": [_record(call, row, urls) for row in rows], "count": count}


async def list_processing_dubbing_tasks(call: Call) -> Any:
    lifecycle = call.state.lifecycle
    await lifecycle.settle(call.tenant.key)  # keeps the stored unfinished ones few
    now = lifecycle.now_ms()
    stored = call.state.store.unfinished(call.tenant.key, now, lifecycle.step_ms)
    rows = [lifecycle.view(r, now) for r in stored]
    urls = _result_url(call)
    return [_record(call, row, urls) for row in rows if row.status in UNFINISHED]


async def get_dubbing_task(call: Call) -> Any:
    row = call.state.store.get(call.tenant.key, call.params[ID_FIELD])
    if row is None:
        raise ApiError(404, _NOT_FOUND)
    return _record(call, row, _result_url(call))


async def get_dubbing_task_by_path(call: Call) -> Any:
    """The same answer as `get_dubbing_task`, for callers that put the id in the path."""
    return await get_dubbing_task(call)


async def delete_dubbing_task(call: Call) -> Any:
    if not await call.state.store.delete(call.tenant.key, call.params[ID_FIELD]):
        raise ApiError(404, _NOT_FOUND)
    return None


async def get_remaining_coins(call: Call) -> Any:
    """A new tenant has the balance of the spec's example; each start spends from it."""
    balance = EXAMPLES.get("getRemainingCoins") or {"coins": 1000, "diamonds": 0}
    spent = call.state.store.spent(call.tenant.key)
    return {**balance, "coins": balance["coins"] - spent}


async def list_languages(call: Call) -> Any:
    return listed(call.operation_id, call.params)


async def transfer_to_storage(call: Call) -> Any:
    url = call.body["url"]
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    name = urllib.parse.unquote(posixpath.basename(urllib.parse.urlsplit(url).path))
    name = "".join(c if c.isprintable() else "_" for c in name)  # no line breaks in a path
    if name in ("", ".", ".."):  # no dot segments: a client would resolve them away
        name = "file"
    # one path segment, whatever the name decodes to ("../x" stays inside the storage)
    path = f"{STORAGE_PATH}{digest}/{urllib.parse.quote(name, safe='')}"
    return {"url": call.state.uploads.signer.url(call.base_url, path)}


async def get_upload_presigned_url(call: Call) -> Any:
    """A URL for one PUT into the caller's storage, and where the file is then served (the
    field names are the spec's x-a2e-presign; other fields echo the request)."""
    assert PRESIGN is not None  # this handler exists for the operation that has it
    if not call.state.store.writable:  # its PUT would be refused
        raise read_only_mode()
    body = call.body
    presigned = call.state.uploads.presign(
        call.tenant.user_id, str(body[PRESIGN.name]), call.base_url
    )
    answer: dict[str, Any] = {name: body[name] for name in PRESIGN.echo if name in body}
    answer[PRESIGN.put] = presigned.put_url
    answer[PRESIGN.url] = presigned.url
    if PRESIGN.expires is not None:
        answer[PRESIGN.expires] = presigned.expires_in
    return answer


def _uploaded_duration(call: Call) -> float | None:
    """The length of a source uploaded to this mock, when it is a WAV (else None: the
    duration is made up from the URL)."""
    for name in RECORD.url_fields:
        url = call.body.get(name)
        found = call.state.uploads.local_file(url, call.base_url) if isinstance(url, str) else None
        if found is not None:
            return wav_seconds(found[0])
    return None


def _record(call: Call, row: TaskRow, urls: ResultURL) -> dict[str, Any]:
    """The task as it is now, as A2E answers it."""
    return record(call.state.lifecycle.view(row), call.tenant.user_id, urls)


def _result_url(call: Call) -> ResultURL:
    """Result URLs signed for this answer (each read answers fresh ones)."""
    return result_url(call.state.uploads.signer, call.base_url)
