"""Our own schemathesis checks of the mock against the spec, and what every run of them shares.

Schemathesis's `response_schema_conformance` lets an undocumented status code and extra
fields pass (the spec's schemas are open, on purpose), so the gate adds three checks, each
a small function with one job:

    undocumented_status_code      the HTTP status is documented for the operation
                                  (the exact code, or a range such as 5XX)
    undocumented_fields           the JSON body has no field, and no enum value, that the spec
                                  does not document (StrictValidator: every schema closed)
    envelope_code_matches_status  a rejection (HTTP 4xx/5xx) never says `code` 0, and a
                                  success (a 2xx carrying `data`) never says `code` != 0

They are registered with `schemathesis.check` when this module is imported, so every
schemathesis run in the process applies them next to the built-in checks. A failure is an
AssertionError whose message names the operation and the JSON path, for example:

    getDubbingTask (GET /api/v1/userDubbing/detail): response.body $.data.voice_id:
    undocumented-field: field 'voice_id' is not in the spec

The module also holds what the schemathesis tests of the mock share: the example budget
(`BUDGET`, default or deep) and the schemathesis configuration (`schemathesis_config`).
Generated cases are sent as generated: the spec says which values the mock accepts (a
listed language code is an `enum`), so a case the spec calls valid is one the mock takes.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import schemathesis
from schemathesis import CheckContext, Response
from schemathesis.generation.case import Case

from contract_tests._spec import Operation, load_spec
from contract_tests._strict import StrictValidator

# --- the checks -------------------------------------------------------------------------


@schemathesis.check
def undocumented_status_code(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """The HTTP status is one the spec documents for the operation (exact code or range)."""
    op = _operation(case)
    if op is None or _probe_of_another_method(case):
        return None
    if load_spec().response(op, response.status_code) is not None:
        return None
    documented = ", ".join(op.definition.get("responses", {}))
    raise AssertionError(
        f"{_label(op)}: status $: undocumented-status: HTTP {response.status_code} is not "
        f"documented for this operation (documented: {documented})"
    )


@schemathesis.check
def undocumented_fields(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """The JSON body has no field and no enum value that the spec leaves out."""
    op = _operation(case)
    if op is None or _probe_of_another_method(case):
        return None
    if load_spec().response(op, response.status_code) is None:
        return None  # undocumented_status_code's job
    body = _json_body(response)
    if body is _NOT_JSON:
        return None  # content_type_conformance's job
    violations = [
        v
        for v in _validator().check_response(op, response.status_code, body)
        if v.kind in _UNDOCUMENTED
    ]
    if violations:
        raise AssertionError("\n".join(f"{_label(op)}: {v}" for v in violations))
    return None


@schemathesis.check
def envelope_code_matches_status(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """`code` agrees with the HTTP status: 0 on a success, never 0 on a rejection.

    A2E may answer HTTP 200 with `code != 0` (the spec documents it): such an answer is an
    error envelope and carries no `data`. What can never be right is a rejection that says
    success, or a payload (`data`) whose `code` says it failed.
    """
    op = _operation(case)
    if op is None:
        return None
    body = _json_body(response)
    if not isinstance(body, Mapping) or "code" not in body:
        return None  # the schema checks report a missing envelope
    code, status = body["code"], response.status_code
    if status >= 400 and code == 0:
        raise AssertionError(
            f"{_label(op)}: response.body $.code: HTTP {status} rejects the request but "
            "`code` is 0 (success)"
        )
    if 200 <= status < 300 and code != 0 and body.get("data") is not None:
        raise AssertionError(
            f"{_label(op)}: response.body $.code: HTTP {status} carries a payload ($.data) "
            f"but `code` is {code!r} (not success)"
        )
    return None


OUR_CHECKS = (undocumented_status_code, undocumented_fields, envelope_code_matches_status)

# Strict-validation kinds that mean "the spec does not document this" (the rest, wrong
# types and missing fields, are response_schema_conformance's job).
_UNDOCUMENTED = frozenset({"undocumented-field", "enum", "undocumented-content"})
_NOT_JSON = object()


@functools.cache
def _validator() -> StrictValidator:
    return StrictValidator(load_spec())


def _operation(case: Case[Any]) -> Operation | None:
    raw: Mapping[str, Any] = case.operation.definition.raw
    operation_id = raw.get("operationId")
    if not isinstance(operation_id, str):
        return None
    try:
        return load_spec().operation(operation_id)
    except KeyError:
        return None


def _probe_of_another_method(case: Case[Any]) -> bool:
    """A coverage probe sending a method the operation does not have (405 is expected)."""
    return str(case.method).upper() != str(case.operation.method).upper()


def _label(op: Operation) -> str:
    return f"{op.operation_id} ({op.method.upper()} {op.path})"


def _json_body(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return _NOT_JSON


# --- what the schemathesis runs of the gate share ---------------------------------------

DEEP_ENV = "A2E_CONFORMANCE_DEEP"
SEED = 20240918  # the seed recording's day; with derandomize, every run draws the same cases


@dataclass(frozen=True)
class Budget:
    """How much schemathesis generates; see BUDGET."""

    examples: int  # fuzzing examples per operation (positive and negative together)
    scenarios: int  # state machine scenarios per run
    steps: int  # at most this many calls per scenario


# The example budget. Default: 50 fuzzed examples per operation (plus the spec's examples
# and schemathesis's coverage cases, a fixed set per operation) and 25 stateful scenarios of
# at most 10 calls, each in-process and over a socket: the mock tests of the gate take about
# 25 s on 2 cores. Deep (A2E_CONFORMANCE_DEEP=1): 10x, 500 fuzzed examples per operation
# and 250 scenarios of at most 12 calls, for a thorough run (a few minutes).
DEFAULT_BUDGET = Budget(examples=50, scenarios=25, steps=10)
DEEP_BUDGET = Budget(examples=500, scenarios=250, steps=12)
BUDGET = DEEP_BUDGET if os.environ.get(DEEP_ENV, "") not in ("", "0") else DEFAULT_BUDGET


def schemathesis_config(
    token: str, *, base_url: str | None = None, budget: Budget = BUDGET, mode: str = "all"
) -> schemathesis.Config:
    """Every phase, every check, derandomized, one bearer token; `mode` all/positive/negative."""
    project: dict[str, Any] = {
        "seed": SEED,
        "suppress-health-check": ["too_slow"],  # the only timing-dependent one: no flakes
        "generation": {
            "mode": mode,
            "max-examples": budget.examples,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"max-steps": budget.steps}},
        "auth": {"openapi": {"bearerAuth": {"bearer": token}}},
        "checks": {"enabled": True},
    }
    if base_url is not None:
        project["base-url"] = base_url
    return schemathesis.Config.from_dict(project)


Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]


class AppSlot:
    """An ASGI app that forwards to the app put in it, so a schema can be built at import.

    Schemathesis needs `schema.app` when its tests are collected, before any fixture runs;
    the slot takes the place of the mock there, and a fixture puts a fresh mock in (and
    closes it after), so nothing is opened at import time.
    """

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError("no app in the slot: use the fixture that fills it")
        await self.app(scope, receive, send)
