"""Tenants never see each other's tasks: not by listing, not by guessing ids, not under load."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random

import pytest
from a2e_dubbing import AsyncA2E, AuthenticationError, NotFoundError
from a2e_dubbing_mock import _auth
from a2e_dubbing_mock.pytest_plugin import MockServer

TENANTS = 6
STARTS = 15


async def _tenant(url: str, token: str, rng: random.Random) -> list[str]:
    async with AsyncA2E(api_key=token, base_url=url) as client:
        ids = []
        for _ in range(STARTS):
            task = await client.dubbing.start(
                source_url=f"https://e.com/{rng.random()}.mp3", target_lang="en"
            )
            ids.append(task.task_id)
            await asyncio.sleep(0)
        return ids


async def _intrude(url: str, token: str, foreign: list[str], own: set[str]) -> tuple[int, int]:
    """Try every foreign id; the number of refusals and of leaks seen in lists."""
    async with AsyncA2E(api_key=token, base_url=url) as client:
        refused = 0
        for task_id in foreign:
            for attempt in (client.dubbing.get, client.dubbing.delete):
                try:
                    await attempt(task_id)
                except NotFoundError:
                    refused += 1
        listed = {t.task_id async for t in client.dubbing.iter(page_size=7)}
        processing = {t.task_id for t in await client.dubbing.list_processing()}
        return refused, len((listed | processing) - own)


def test_concurrent_tenants_cannot_reach_each_others_tasks(a2e_mock_server: MockServer) -> None:
    tokens = [f"sk_tenant_{i}_{random.Random(i).getrandbits(40):x}" for i in range(TENANTS)]

    async def scenario() -> None:
        owned = await asyncio.gather(
            *(_tenant(a2e_mock_server.url, t, random.Random(t)) for t in tokens)
        )
        everyone = [i for ids in owned for i in ids]
        results = await asyncio.gather(
            *(
                _intrude(
                    a2e_mock_server.url, token, [i for i in everyone if i not in ids], set(ids)
                )
                for token, ids in zip(tokens, owned, strict=True)
            )
        )
        for refused, leaked in results:
            assert refused == 2 * STARTS * (TENANTS - 1)
            assert leaked == 0
        # nothing was deleted by the intruders
        for token, ids in zip(tokens, owned, strict=True):
            async with AsyncA2E(api_key=token, base_url=a2e_mock_server.url) as client:
                assert (await client.dubbing.list(page_size=100)).count == len(ids)

    asyncio.run(scenario())


def test_missing_and_malformed_tokens_are_refused(a2e_mock_server: MockServer) -> None:
    async def scenario() -> None:
        for token in ("sk_", "Bearer sk_x", "key_123", "sk_ space"):
            async with AsyncA2E(
                api_key="sk_placeholder", base_url=a2e_mock_server.url, max_retries=0
            ) as client:
                client._headers["Authorization"] = f"Bearer {token}"
                with pytest.raises(AuthenticationError):
                    await client.account.remaining_coins()

    asyncio.run(scenario())


def test_configured_tokens_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    compare = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)  # what the mock's _auth calls
    tokens = ["sk_first_one", "sk_second_one", "sk_third_one"]
    auth = _auth.Authenticator(tokens)
    auth.tenant(b"Bearer sk_first_one")
    assert len(calls) == 3, "every configured token is compared: no early exit on a match"
    calls.clear()
    with pytest.raises(Exception, match="unknown bearer token"):
        auth.tenant(b"Bearer sk_nobody")
    assert len(calls) == 3
    assert all(len(a) == len(b) == hashlib.sha256().digest_size for a, b in calls), (
        "hashes, not raw tokens"
    )
