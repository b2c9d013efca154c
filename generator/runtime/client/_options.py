"""Per-call options (`timeout`, `max_retries`, `extra_headers`, `extra_query`, `extra_body`).

The names and meanings follow openai-python: an option left out (`NOT_GIVEN`) takes the
client's setting; `timeout=None` means no timeout at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    import httpx

Headers = Mapping[str, str]
Query = Mapping[str, object]
Body = Mapping[str, object]


class NotGiven:
    """The value of an option that was left out (so that `None` can mean "none").

    `timeout=NOT_GIVEN` takes the client's timeout; `timeout=None` means no timeout.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


@dataclass(frozen=True)
class RequestOptions:
    """The options one call gave; `None` and `NOT_GIVEN` fields leave the client's setting."""

    extra_headers: Headers | None = None
    extra_query: Query | None = None
    extra_body: Body | None = None
    timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN

    def __post_init__(self) -> None:
        if not isinstance(self.max_retries, NotGiven) and (
            not isinstance(self.max_retries, int) or self.max_retries < 0
        ):
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries!r}")


def options(
    extra_headers: Headers | None,
    extra_query: Query | None,
    extra_body: Body | None,
    timeout: float | httpx.Timeout | NotGiven | None,
    max_retries: int | NotGiven,
) -> RequestOptions | None:
    """The options of one call; None when it gave none (the usual, fast case)."""
    if (
        extra_headers is None
        and extra_query is None
        and extra_body is None
        and timeout is NOT_GIVEN
        and max_retries is NOT_GIVEN
    ):
        return None
    return RequestOptions(extra_headers, extra_query, extra_body, timeout, max_retries)


def for_reads(given: RequestOptions | None) -> RequestOptions | None:
    """The part of a call's options that also applies to the reads it makes on its own
    (the look-ups of a start): its timeout and retries, not its extra headers or body."""
    if given is None or (given.timeout is NOT_GIVEN and given.max_retries is NOT_GIVEN):
        return None
    return RequestOptions(timeout=given.timeout, max_retries=given.max_retries)


def merged_body(json: Any, extra: Body | None) -> Any:
    """The JSON body with `extra` merged over it (a body of its own when there was none)."""
    if extra is None:
        return json
    if json is None:
        return dict(extra)
    if not isinstance(json, dict):
        raise TypeError("extra_body needs a JSON object body")
    return {**json, **extra}
