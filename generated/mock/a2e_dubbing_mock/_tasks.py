"""Dubbing task records: ids, timestamps and the JSON shape A2E answers with."""

from __future__ import annotations

import functools
import hashlib
import math
import time
from typing import Any, NamedTuple

SENT = "sent"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"
UNFINISHED = ("initialized", SENT, PROCESSING)
RESULT_PATH = "/__mock/results/"


class TaskRow(NamedTuple):
    """One stored task, in the store's column order."""

    id: str
    created_ms: int
    updated_ms: int
    status: str
    next_ms: int | None
    name: str
    source_url: str
    source_lang: str
    target_lang: str
    num_speakers: int
    drop_background_audio: bool
    duration: float
    failed_message: str | None
    failed_code: str | None


def iso_ms(ms: int) -> str:
    """`2024-09-18T03:49:44.704Z` for a time in milliseconds since the epoch."""
    seconds, millis = divmod(ms, 1000)
    return f"{_iso_seconds(seconds)}.{millis:03d}Z"


@functools.lru_cache(maxsize=4096)
def _iso_seconds(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def duration_for(source_url: str) -> float:
    """A plausible, repeatable length in seconds (the mock never fetches the source)."""
    digest = hashlib.sha256(source_url.encode("utf-8", "surrogatepass")).digest()
    return 5.0 + int.from_bytes(digest[:4], "big") % 5950 / 10.0


def cost_for(duration: float) -> int:
    """Coins a task spends: one per started minute of source (our choice)."""
    return max(1, math.ceil(duration / 60.0))


def record(row: TaskRow, user_id: str, base_url: str) -> dict[str, Any]:
    """The task as A2E answers it: the seed's field names and order (`faild_message` sic)."""
    failed = row.status == FAILED
    created = iso_ms(row.created_ms)
    data: dict[str, Any] = {
        "name": row.name,
        "source_url": row.source_url,
        "current_status": row.status,
        "source_lang": "auto",  # A2E reports `auto` whatever was sent (seed recording)
        "target_lang": row.target_lang,
        "num_speakers": row.num_speakers,
        "drop_background_audio": bool(row.drop_background_audio),
        "duration": row.duration,
        "result_url": f"{base_url}{RESULT_PATH}{row.id}.wav" if row.status == COMPLETED else "",
        "faild_message": (row.failed_message or "") if failed else "",
        "_id": row.id,
        "user_id": user_id,
        "createdAt": created,
        "updatedAt": created if row.updated_ms == row.created_ms else iso_ms(row.updated_ms),
    }
    if failed:
        data["failed_message"] = row.failed_message or ""
        data["failed_code"] = row.failed_code
    return data
