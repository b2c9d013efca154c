"""An answer larger than `max_response_bytes` (counted after decompression) is a typed error,
read no further than the limit: a small gzip answer cannot grow into a large one in memory.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    APIResponseValidationError,
    AsyncA2E,
    DubbingTask,
    ResponseTooLargeError,
)

from contract_tests import _api as api

from ._records import BASE_URL, KEY, ok, task

TASK_ID = "66ea4dd87db10c73fa29b570"
MiB = 1024 * 1024
# 200 MiB of zeros, gzip-compressed to about 200 KiB: the answer that took 425 MiB before.
BOMB = gzip.compress(b"0" * (200 * MiB), compresslevel=9)


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An answer body arriving in chunks, as from a socket (never read ahead by httpx)."""

    def __init__(self, data: bytes, size: int = 64 * 1024) -> None:
        self.data, self.size = data, size
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), self.size):
            self.sent = start + self.size
            yield self.data[start : start + self.size]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def _client(body: Chunks, headers: dict[str, str], **options: object) -> A2E:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, headers=headers, stream=body))
    return A2E(api_key=KEY, max_retries=0, http_client=httpx.Client(transport=transport), **options)  # type: ignore[arg-type]


def _peak_while(run: object) -> tuple[int, BaseException | None]:
    tracemalloc.start()
    try:
        try:
            run()  # type: ignore[operator]
        except Exception as error:
            return tracemalloc.get_traced_memory()[1], error
        return tracemalloc.get_traced_memory()[1], None
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("limit", [MiB, 16 * MiB], ids=["1 MiB", "default 16 MiB"])
def test_a_gzip_bomb_is_refused_within_the_limit(limit: int) -> None:
    client = _client(Chunks(BOMB), {"content-encoding": "gzip"}, max_response_bytes=limit)
    peak, error = _peak_while(lambda: client.dubbing.get(TASK_ID))
    assert isinstance(error, ResponseTooLargeError), error
    assert error.limit == limit
    assert error.body is None
    assert f"larger than {limit} bytes" in str(error)
    assert "max_response_bytes" in str(error)
    assert peak < 3 * limit + 8 * MiB, f"peak {peak / MiB:.0f} MiB"


def test_async_a_gzip_bomb_is_refused_within_the_limit() -> None:
    async def run() -> None:
        body = Chunks(BOMB)
        transport = httpx.MockTransport(
            lambda r: httpx.Response(200, headers={"content-encoding": "gzip"}, stream=body)
        )
        http = httpx.AsyncClient(transport=transport)
        async with AsyncA2E(api_key=KEY, max_response_bytes=MiB, http_client=http) as client:
            await client.dubbing.get(TASK_ID)

    peak, error = _peak_while(lambda: asyncio.run(run()))
    assert isinstance(error, ResponseTooLargeError), error
    assert peak < 3 * MiB + 8 * MiB, f"peak {peak / MiB:.0f} MiB"


def test_a_plain_answer_is_read_no_further_than_the_limit() -> None:
    body = Chunks(b"x" * (8 * MiB))
    client = _client(body, {}, max_response_bytes=MiB)
    with pytest.raises(ResponseTooLargeError):
        client.dubbing.get(TASK_ID)
    assert body.sent <= MiB + 64 * 1024


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    body = Chunks(b"x" * (2 * MiB))
    client = _client(body, {"content-length": str(2 * MiB)}, max_response_bytes=MiB)
    with pytest.raises(ResponseTooLargeError):
        client.dubbing.get(TASK_ID)
    assert body.sent == 0


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("", lambda b: b),
        ("identity", lambda b: b),
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b, wbits=-15)),  # raw deflate, as some servers send
    ],
    ids=["none", "identity", "gzip", "deflate", "raw deflate"],
)
def test_answers_up_to_the_limit_are_read_in_full(encoding: str, encode: object) -> None:
    content = json.dumps(ok(task(name="n" * 1000))).encode()
    headers = {"content-encoding": encoding} if encoding else {}
    body = Chunks(encode(content), size=7)  # type: ignore[operator]
    got = _client(body, headers, max_response_bytes=len(content)).dubbing.get(TASK_ID)
    assert isinstance(got, DubbingTask)
    assert got.name == "n" * 1000


def test_one_byte_over_the_limit_is_too_large() -> None:
    content = json.dumps(ok(task())).encode()
    client = _client(Chunks(gzip.compress(content)), {"content-encoding": "gzip"},
                     max_response_bytes=len(content) - 1)  # fmt: skip
    with pytest.raises(ResponseTooLargeError):
        client.dubbing.get(TASK_ID)


def test_a_corrupt_gzip_answer_is_a_typed_error() -> None:
    client = _client(Chunks(b"\x1f\x8b\x08\x00garbage" * 10), {"content-encoding": "gzip"})
    with pytest.raises(APIResponseValidationError, match="could not be decompressed"):
        client.dubbing.get(TASK_ID)


def test_the_limit_is_set_per_client_and_per_copy() -> None:
    content = json.dumps(ok(task())).encode()
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "dubbing.get").respond(content=content)
        client = A2E(api_key=KEY, max_retries=3)
        assert client.max_response_bytes == 16 * MiB
        small = client.with_options(max_response_bytes=100)
        with pytest.raises(ResponseTooLargeError):
            small.dubbing.get(TASK_ID)
        assert client.dubbing.get(TASK_ID).task_id == TASK_ID
    assert route.call_count == 2  # too large is not retried


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_the_limit_must_be_a_positive_number_of_bytes(bad: object) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        A2E(api_key=KEY, max_response_bytes=bad)  # type: ignore[arg-type]
