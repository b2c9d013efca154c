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

    Use it as a context manager, or call `close()`.
    `with_options(...)` gives a copy with other settings that shares the connections.

    Args:
        api_key: The API key (`sk_...`); default `$A2E_API_KEY`.
        base_url: Default `$A2E_BASE_URL`, then https://video.a2e.ai.
        timeout: Seconds or an `httpx.Timeout` for each request (as in httpx, it bounds each
            connect, read and write); default 60 s, 10 s to connect. `None`: no timeout.
        max_retries: How many times a failed request may be sent again (default 2); which
            failures are retried depends on the operation (each method says).
        http_client: Your own `httpx.Client` (used as is, and not closed by the client).
        default_headers: Headers sent with every request.
        max_response_bytes: The largest answer accepted, after decompression (default
            16 MiB); a larger one raises `ResponseTooLargeError`.
        on_retry: Called with a `RetryEvent` before each retry (for metrics).

    Resources:
        dubbing: Start, follow and delete dubbing tasks.
        account: The caller's account (credits).
        languages: Languages A2E offers.
        storage: A2E's own file storage.

    Logging: the `a2e_dubbing` logger; `A2E_LOG=info` or `debug` sends it to stderr.
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

    Use it as an async context manager, or call `close()`.
    `with_options(...)` gives a copy with other settings that shares the connections.

    Args:
        api_key: The API key (`sk_...`); default `$A2E_API_KEY`.
        base_url: Default `$A2E_BASE_URL`, then https://video.a2e.ai.
        timeout: Seconds or an `httpx.Timeout` for each request (as in httpx, it bounds each
            connect, read and write); default 60 s, 10 s to connect. `None`: no timeout.
        max_retries: How many times a failed request may be sent again (default 2); which
            failures are retried depends on the operation (each method says).
        http_client: Your own `httpx.AsyncClient` (used as is, and not closed by the client).
        default_headers: Headers sent with every request.
        max_response_bytes: The largest answer accepted, after decompression (default
            16 MiB); a larger one raises `ResponseTooLargeError`.
        on_retry: Called with a `RetryEvent` before each retry (for metrics).

    Resources:
        dubbing: Start, follow and delete dubbing tasks.
        account: The caller's account (credits).
        languages: Languages A2E offers.
        storage: A2E's own file storage.

    Logging: the `a2e_dubbing` logger; `A2E_LOG=info` or `debug` sends it to stderr.
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
