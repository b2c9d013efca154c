"""Base classes of the resources (`client.dubbing`, `client.account`, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient


class SyncResource:
    """A group of operations of `A2E`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    """A group of operations of `AsyncA2E`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
