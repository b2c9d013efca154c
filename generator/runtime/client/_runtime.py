"""Helpers that the generated modules import, shipped once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")


class OpenStrEnum(StrEnum):
    """A string enum that accepts words the spec does not list yet.

    A2E may add a status word at any time; parsing must not break on it. An unknown value
    becomes a pseudo-member whose `value` is the raw word and whose `is_known` is False.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenStrEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """False for a word the spec did not list."""
        return self._value_ in type(self)._value2member_map_


_JSON_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def expect(value: Any, kinds: tuple[type[Any], ...], field: str) -> Any:
    """`value` when its type is one of `kinds` (exact JSON types); TypeError naming `field` otherwise."""
    if type(value) in kinds:
        return value
    wanted = " or ".join(_JSON_NAMES.get(k, k.__name__) for k in kinds if k.__name__ != "Unset")
    got = _json_name(value)
    raise TypeError(f"field {field!r} should be {wanted}, got {got}: {value!r:.80}")


def _json_name(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return _JSON_NAMES.get(type(value), type(value).__name__)


def object_of(parse: Callable[[Mapping[str, Any]], T]) -> Callable[[Any], T]:
    """Parse a JSON object with `parse` (a model's `from_dict`)."""

    def parse_object(data: Any) -> T:
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {_json_name(data)}")
        return parse(data)

    return parse_object


def list_of(parse: Callable[[Mapping[str, Any]], T]) -> Callable[[Any], list[T]]:
    """Parse a JSON array whose items `parse` reads."""

    def parse_list(data: Any) -> list[T]:
        if not isinstance(data, list):
            raise TypeError(f"expected a JSON array, got {_json_name(data)}")
        return [object_of(parse)(item) for item in data]

    return parse_list


def expand_path(template: str, values: Mapping[str, Any]) -> str:
    """The spec's path `template` with each `{name}` replaced by its value, percent-encoded."""
    from urllib.parse import quote

    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return path


def ignore_data(data: Any) -> None:
    """For operations whose `data` is undocumented: nothing to parse."""
    del data


# A unique name chosen by the caller for the starts of this context (the batch's names).
_CHOSEN_NAME: ContextVar[str | None] = ContextVar("a2e_dubbing_chosen_name", default=None)


def unique_name(prefix: str = "a2e-dubbing") -> str:
    """A name no other task has, so that a task whose answer was lost can be found again:
    the one of `chosen_name` when a caller chose it, else a random one."""
    chosen = _CHOSEN_NAME.get()
    if chosen is not None:
        return chosen
    import secrets  # only starts without a name pay for it

    return f"{prefix}-{secrets.token_hex(6)}"


@contextlib.contextmanager
def chosen_name(name: str) -> Iterator[None]:
    """Within: a start given no name sends `name`, which the caller guarantees no other
    task has (the batch's per-job names), so its look-up needs no read before sending."""
    token = _CHOSEN_NAME.set(name)
    try:
        yield
    finally:
        _CHOSEN_NAME.reset(token)


def warn_renamed(old: str, new: str, removed_in: str) -> None:
    """Warn that `old` (a renamed field's former name) is deprecated in favour of `new`."""
    import warnings

    warnings.warn(
        f"{old} is deprecated: it was renamed; use `{new}` (the old name goes in {removed_in})",
        DeprecationWarning,
        stacklevel=3,
    )


def renamed_keywords(
    renames: Mapping[str, tuple[str, str]],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Let a method take each former keyword of a renamed field (`{old: (new, removed_in)}`)
    for its new one, with a `DeprecationWarning` (the signature shows only the new one)."""
    import functools

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def accepting(*args: P.args, **kwargs: P.kwargs) -> R:
            for old, (new, removed_in) in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{method.__name__}() got `{old}` (deprecated) and `{new}`: "
                            f"pass only `{new}`"
                        )
                    warn_renamed(f"{method.__name__}({old}=...)", new, removed_in)
                    kwargs[new] = kwargs.pop(old)
            return method(*args, **kwargs)

        return accepting

    return decorate


def notify(callback: Callable[..., object], *args: Any) -> None:
    """Call a caller's callback (`on_update`, `on_progress`)."""
    callback(*args)


async def async_notify(callback: Callable[..., object], *args: Any) -> None:
    """Call a caller's callback; await what it returns when that is awaitable (an async
    client takes coroutine functions there)."""
    import inspect

    update = callback(*args)
    if inspect.isawaitable(update):
        await update


def in_thread(function: Callable[..., R], *args: Any) -> R:
    """`function(*args)` (the async client runs it in a worker thread)."""
    return function(*args)


async def async_in_thread(function: Callable[..., R], *args: Any) -> R:
    """`function(*args)` in a worker thread, so that blocking I/O does not stop the loop."""
    import asyncio

    return await asyncio.to_thread(function, *args)
