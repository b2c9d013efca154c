"""Injected faults: the `X-Mock-Fault` header and the seeded server-wide fault rate.

Header syntax: directives separated by `;`, each `name` or `name=value`:

    status=503                 answer this HTTP status (one the spec documents for the
                               operation, 400-599) before doing anything
    status=429; retry-after=2  the same, with `Retry-After: 2` (429 defaults to 1)
    code=1001                  answer HTTP 200 with an error envelope `code` 1001, as A2E
                               sometimes does, before doing anything
    delay=250ms                wait first (`ms` or `s`, a bare number is seconds; max 60 s),
                               then go on; combines with any other directive
    reset                      close the connection (TCP reset) before doing anything
    drop-after-commit          do the work (a started task is durably stored), then close
                               the connection instead of answering

At most one of status, code, reset and drop-after-commit per request. Numbers are ASCII
digits.

A header that does not parse, or a `status` the operation does not document, is refused with
an error envelope `code` 400 whose `msg` starts with `X-Mock-Fault:`. Like every error, it is
HTTP 400 only on operations whose spec documents a 400; on the others it is HTTP 200 with
`code` 400, A2E's convention for errors without a documented status (the package README
lists each operation's statuses). A test of a fault header should read `code`, not only the
HTTP status.

`--fault-rate` draws from RANDOM_KINDS; a drawn status the operation does not document is
answered the same way (HTTP 200 with that `code`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ._errors import ApiError

HEADER = "x-mock-fault"
MAX_DELAY = 60.0
# What `--fault-rate` chooses from, uniformly.
RANDOM_KINDS = (
    "status=429; retry-after=1",
    "status=500",
    "status=503",
    "delay=250ms",
    "reset",
    "drop-after-commit",
)
DIRECTIVES = ("status", "retry-after", "code", "delay", "reset", "drop-after-commit")
_DELAY = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s)?")  # ASCII digits only, not `\d`
_INT = re.compile(r"-?[0-9]{1,9}")


@dataclass(frozen=True)
class Fault:
    """What to do to one request."""

    delay: float = 0.0
    status: int | None = None
    code: int | None = None
    retry_after: int | None = None
    reset: bool = False
    drop_after_commit: bool = False


def parse_fault(text: str) -> Fault:
    """The fault a header value asks for; ApiError 400 naming the problem otherwise."""
    values: dict[str, str | None] = {}
    for part in text.split(";"):
        name, has_value, value = part.strip().partition("=")
        name = name.strip().lower()
        if not name:
            continue
        if name in values:
            raise _bad(f"{name if name in DIRECTIVES else 'a directive'} given twice")
        values[name] = value.strip() if has_value else None
    delay = _delay(values.pop("delay")) if "delay" in values else 0.0
    status = _int(values.pop("status"), "status") if "status" in values else None
    code = _int(values.pop("code"), "code") if "code" in values else None
    retry_after = (
        _int(values.pop("retry-after"), "retry-after") if "retry-after" in values else None
    )
    reset = _flag(values, "reset")
    drop = _flag(values, "drop-after-commit")
    if values:
        raise _bad(f"unknown directive (known: {', '.join(DIRECTIVES)})")
    if sum((status is not None, code is not None, reset, drop)) > 1:
        raise _bad("use at most one of status, code, reset, drop-after-commit")
    if status is not None and not 400 <= status <= 599:
        raise _bad("status must be between 400 and 599")
    if code == 0:
        raise _bad("code must not be 0 (0 is success)")
    if retry_after is not None and retry_after < 0:
        raise _bad("retry-after must be at least 0")
    if status == 429 and retry_after is None:
        retry_after = 1
    return Fault(delay, status, code, retry_after, reset, drop)


class FaultDice:
    """Draws a fault for a share `rate` of requests, reproducibly from `seed`."""

    def __init__(self, rate: float, seed: int) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("the fault rate must be between 0 and 1")
        self.rate = rate
        self._random = random.Random(seed)  # noqa: S311 - reproducible test faults, not secrets
        self._kinds = tuple(parse_fault(kind) for kind in RANDOM_KINDS)

    def draw(self) -> Fault | None:
        if self.rate == 0.0:
            return None
        if self._random.random() >= self.rate:
            return None
        return self._random.choice(self._kinds)


def _bad(reason: str) -> ApiError:
    return ApiError(400, f"X-Mock-Fault: {reason}")


def _flag(values: dict[str, str | None], name: str) -> bool:
    if name not in values:
        return False
    if values.pop(name) is not None:
        raise _bad(f"{name} takes no value")
    return True


def _int(value: str | None, name: str) -> int:
    if value is None or _INT.fullmatch(value) is None:
        raise _bad(f"{name} must be an integer")
    return int(value)


def _delay(value: str | None) -> float:
    match = _DELAY.fullmatch(value or "")
    if match is None:
        raise _bad("delay must look like 250ms, 2s or 1.5")
    seconds = float(match.group(1)) / (1000.0 if match.group(2) == "ms" else 1.0)
    if seconds > MAX_DELAY:
        raise _bad(f"delay must be at most {MAX_DELAY:g}s")
    return seconds
