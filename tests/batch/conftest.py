"""Fixtures of the batch tests."""

from __future__ import annotations

import pytest
from a2e_dubbing import _batch_run, _retry


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real waiting between retries, start rounds and download attempts."""

    async def no_sleep(seconds: float) -> None:
        del seconds

    monkeypatch.setattr(_retry, "_async_sleep", no_sleep)
    monkeypatch.setattr(_batch_run, "START_ROUND_DELAY", 0.001)
    monkeypatch.setattr(_batch_run, "DOWNLOAD_DELAY", 0.001)
