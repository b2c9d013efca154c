"""What a handler gets: the server's state and one authenticated, validated call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ._auth import Tenant
from ._clock import Clock
from ._lifecycle import Lifecycle
from ._store import Store
from ._uploads import Uploads


@dataclass(frozen=True)
class State:
    """Shared by every request of one app."""

    store: Store
    lifecycle: Lifecycle
    clock: Clock
    uploads: Uploads


@dataclass(frozen=True)
class Call:
    """One request to an operation, after auth and validation."""

    state: State
    tenant: Tenant
    params: dict[str, Any]
    body: dict[str, Any]
    base_url: str  # how the client reaches this server, e.g. http://127.0.0.1:8000
    operation_id: str  # the spec's operationId of the operation called


# A handler answers the `data` of the success envelope (or raises ApiError).
Handler = Callable[[Call], Awaitable[Any]]
