"""`A2E` and `AsyncA2E`: the clients of the A2E AI Dubbing API."""

from __future__ import annotations

from ._base_client import AsyncAPIClient, SyncAPIClient
from ._resources import (
    Account,
    AsyncAccount,
    AsyncDubbing,
    AsyncLanguages,
    AsyncStorage,
    Dubbing,
    Languages,
    Storage,
)

__all__ = ["A2E", "AsyncA2E"]


class A2E(SyncAPIClient):
    """Client of the A2E AI Dubbing API.

    `A2E(api_key=None, base_url=None, *, timeout=60s, max_retries=2, http_client=None)`:
    the key defaults to `$A2E_API_KEY` and the base URL to `$A2E_BASE_URL`, then to
    https://video.a2e.ai. Use it as a context manager, or call `close()`.

    Resources:
        dubbing: Start, follow and delete dubbing tasks.
        account: The caller's account (credits).
        languages: Languages A2E offers.
        storage: A2E's own file storage.
    """

    dubbing: Dubbing
    account: Account
    languages: Languages
    storage: Storage

    def _init_resources(self) -> None:
        self.dubbing = Dubbing(self)
        self.account = Account(self)
        self.languages = Languages(self)
        self.storage = Storage(self)


class AsyncA2E(AsyncAPIClient):
    """Async client of the A2E AI Dubbing API.

    `AsyncA2E(api_key=None, base_url=None, *, timeout=60s, max_retries=2, http_client=None)`:
    the key defaults to `$A2E_API_KEY` and the base URL to `$A2E_BASE_URL`, then to
    https://video.a2e.ai. Use it as an async context manager, or call `close()`.

    Resources:
        dubbing: Start, follow and delete dubbing tasks.
        account: The caller's account (credits).
        languages: Languages A2E offers.
        storage: A2E's own file storage.
    """

    dubbing: AsyncDubbing
    account: AsyncAccount
    languages: AsyncLanguages
    storage: AsyncStorage

    def _init_resources(self) -> None:
        self.dubbing = AsyncDubbing(self)
        self.account = AsyncAccount(self)
        self.languages = AsyncLanguages(self)
        self.storage = AsyncStorage(self)
