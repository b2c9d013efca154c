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
from ._errors import ApiError
from ._ids import new_id
from ._languages import AUTO, CODES, language_list
from ._spec import EXAMPLES
from ._tasks import SENT, UNFINISHED, TaskRow, cost_for, duration_for, record


async def start_dubbing(call: Call) -> Any:
    body = call.body
    _check_language("target_lang", body["target_lang"], allow_auto=False)
    _check_language("source_lang", body["source_lang"], allow_auto=True)
    state = call.state
    now = state.clock.now()
    created_ms = int(now * 1000)
    duration = duration_for(body["source_url"])
    row = TaskRow(
        id=new_id(now),
        created_ms=created_ms,
        updated_ms=created_ms,
        status=SENT,
        next_ms=state.lifecycle.first_step(created_ms),
        name=body.get("name", ""),
        source_url=body["source_url"],
        source_lang=body["source_lang"],
        target_lang=body["target_lang"],
        num_speakers=int(body["num_speakers"]),
        drop_background_audio=bool(body["drop_background_audio"]),
        duration=duration,
        failed_message=None,
        failed_code=None,
    )
    row = await state.store.insert(call.tenant.key, row, cost_for(duration))
    state.lifecycle.scheduled(row.next_ms)
    return record(row, call.tenant.user_id, call.base_url)


async def list_dubbing_tasks(call: Call) -> Any:
    size = int(call.params["pageSize"])
    offset = (int(call.params["pageNum"]) - 1) * size
    rows, count = call.state.store.page(call.tenant.key, size, offset)
    return {"rows": [_record(call, row) for row in rows], "count": count}


async def list_processing_dubbing_tasks(call: Call) -> Any:
    now = call.state.lifecycle.now_ms()
    rows = [call.state.lifecycle.view(r, now) for r in call.state.store.unfinished(call.tenant.key)]
    return [_record(call, row) for row in rows if row.status in UNFINISHED]


async def get_dubbing_task(call: Call) -> Any:
    row = call.state.store.get(call.tenant.key, call.params["_id"])
    if row is None:
        raise ApiError(404, "_id: no dubbing task with this _id")
    return _record(call, row)


async def delete_dubbing_task(call: Call) -> Any:
    if not await call.state.store.delete(call.tenant.key, call.params["_id"]):
        raise ApiError(404, "_id: no dubbing task with this _id")
    return None


async def get_remaining_coins(call: Call) -> Any:
    """A new tenant has the balance of the spec's example; each start spends from it."""
    balance = EXAMPLES.get("getRemainingCoins") or {"coins": 1000, "diamonds": 0}
    spent = call.state.store.spent(call.tenant.key)
    return {**balance, "coins": balance["coins"] - spent}


async def list_languages(call: Call) -> Any:
    return language_list(str(call.params["lang"]))


async def transfer_to_storage(call: Call) -> Any:
    url = call.body["url"]
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    name = urllib.parse.unquote(posixpath.basename(urllib.parse.urlsplit(url).path))
    if name in ("", ".", ".."):  # no dot segments: a client would resolve them away
        name = "file"
    return {"url": f"{call.base_url}/__mock/storage/{digest}/{urllib.parse.quote(name)}"}


def _record(call: Call, row: TaskRow) -> dict[str, Any]:
    """The task as it is now, as A2E answers it."""
    return record(call.state.lifecycle.view(row), call.tenant.user_id, call.base_url)


def _check_language(field: str, code: str, *, allow_auto: bool) -> None:
    if code in CODES or (allow_auto and code == AUTO):
        return
    raise ApiError(422, f"{field}: unsupported language (see /api/v1/anchor/language_list)")
