"""Task records for client tests, shaped like the seed's answer as the spec shows it."""

from __future__ import annotations

from typing import Any

from contract_tests._api import Field, answer_example, lifecycle, record

# The record's fields by role (x-a2e-mock hints) and the lifecycle's words (x-a2e-lifecycle).
RECORD = record()
LIFE = lifecycle()
# The spec's first example answer of start dubbing: the seed's recorded answer.
SEED_TASK: dict[str, Any] = answer_example("dubbing.start")["data"]
BASE_URL = "https://video.a2e.ai"
KEY = "sk_test_0123456789abcdef"
ROLES: dict[str, Field] = {
    "id": RECORD.id,
    "status": RECORD.status,
    "result": RECORD.result,
    "failure": RECORD.failure,
    "created": RECORD.created,
    "updated": RECORD.updated,
    "tenant": RECORD.tenant,
    "name": RECORD.name,
}


def task(**changes: Any) -> dict[str, Any]:
    """A copy of the seed's task record with `changes` applied: each key a role of `ROLES`
    (`status="failed"`, `failure="no speech"`) or else a wire name (`target_lang="fr"`)."""
    record = dict(SEED_TASK)
    for key, value in changes.items():
        record[ROLES[key].wire if key in ROLES else key] = value
    return record


def ok(data: Any) -> dict[str, Any]:
    return {"code": 0, "data": data, "trace_id": "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b10"}


def error(code: int, msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg, "trace_id": "0b7f3a52-3c1e-4d5e-9f59-2a6c1d9e8b11"}
