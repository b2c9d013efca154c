"""Turn a recording into the high-level client call that makes its request, and compare results."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contract_tests._recordings import Recording
from contract_tests._spec import Spec, snake_case


@dataclass(frozen=True)
class ClientCall:
    """`client.<resource>.<method>(**kwargs)`."""

    resource: str
    method: str
    kwargs: dict[str, Any]


def client_call(spec: Spec, recording: Recording) -> ClientCall:
    """The call of `A2E` that sends exactly the recorded request."""
    request = recording.request
    op = spec.match(request["method"], request["path"])
    if op is None:
        raise LookupError(
            f"{recording.name}: no operation for {request['method']} {request['path']}"
        )
    target = op.definition.get("x-a2e-client")
    if not isinstance(target, str):
        raise LookupError(f"{recording.name}: {op.operation_id} has no x-a2e-client method")
    resource, _, method = target.partition(".")
    path_values = op.path_values(request["path"])
    query = request.get("query", {})
    kwargs: dict[str, Any] = {}
    for param in spec.parameters(op):
        name = param.get("x-a2e-python-name") or snake_case(param["name"])
        schema = spec.resolve(param.get("schema", {}))
        if param["in"] == "query" and param["name"] in query:
            kwargs[name] = _typed(query[param["name"]], schema)
        elif param["in"] == "path":
            kwargs[name] = path_values[param["name"]]
    for field, value in (request.get("body") or {}).items():
        kwargs[snake_case(field)] = value
    return ClientCall(resource, method, kwargs)


def differences(recorded: Any, parsed: Any, path: str = "$") -> list[str]:
    """Where the client's parsed value (as JSON, `to_dict()`) differs from the recorded one."""
    if isinstance(recorded, dict) and isinstance(parsed, dict):
        found = []
        for key in sorted(set(recorded) | set(parsed)):
            if key not in parsed:
                found.append(f"{path}.{key}: recorded but lost by the client")
            elif key not in recorded:
                found.append(f"{path}.{key}: not recorded but produced by the client")
            else:
                found += differences(recorded[key], parsed[key], f"{path}.{key}")
        return found
    if isinstance(recorded, list) and isinstance(parsed, list):
        if len(recorded) != len(parsed):
            return [f"{path}: {len(recorded)} items recorded, {len(parsed)} parsed"]
        return [
            d
            for i, (r, p) in enumerate(zip(recorded, parsed, strict=True))
            for d in differences(r, p, f"{path}[{i}]")
        ]
    if _instant(recorded) is not None and _instant(recorded) == _instant(parsed):
        return []
    if recorded != parsed or type(recorded) is not type(parsed):
        return [f"{path}: recorded {recorded!r}, parsed {parsed!r}"]
    return []


def _typed(value: str, schema: dict[str, Any]) -> Any:
    if schema.get("type") == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    return value


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not re.match(r"\d{4}-\d\d-\d\dT", value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
