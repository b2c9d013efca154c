from __future__ import annotations

import pytest
from a2e_dubbing import _retry

pytest_plugins = ["pytester"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def no_retry_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's retries go on at once (no real waiting between attempts)."""

    async def async_sleep(seconds: float) -> None:
        del seconds

    monkeypatch.setattr(_retry, "_sleep", lambda seconds: None)
    monkeypatch.setattr(_retry, "_async_sleep", async_sleep)
