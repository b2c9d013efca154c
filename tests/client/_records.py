"""Task records for client tests, shaped like the seed recording's answer."""

from __future__ import annotations

import copy
import json
from typing import Any

from contract_tests._recordings import RECORDINGS_DIR

SEED = json.loads((RECORDINGS_DIR / "start_dubbing.seed.json").read_text(encoding="utf-8"))
SEED_TASK: dict[str, Any] = SEED["response"]["body"]["data"]
BASE_URL = "https://video.a2e.ai"
KEY = "sk_test_0123456789abcdef"


def task(**changes: Any) -> dict[str, Any]:
    """A copy of the seed's task record with `changes` applied."""
    record = copy.deepcopy(SEED_TASK)
    record.update(changes)
    return record


def ok(data: Any) -> dict[str, Any]:
    return {"code": 0, "data": data, "trace_id": "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b10"}


def error(code: int, msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg, "trace_id": "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b11"}
