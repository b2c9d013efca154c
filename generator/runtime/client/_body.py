"""Reading the body of an answer within a size limit, counted after decompression, and
within the deadline of the call (`wait`), checked between the chunks that arrive.

gzip and deflate, the encodings the client asks for, are decompressed here with a bound on
the output, so a small compressed answer cannot grow into a large one in memory; any other
encoding a server sends anyway is left to httpx, chunk by chunk, under the same limit.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from ._deadline import Deadline

ACCEPT_ENCODING = "gzip, deflate"


class TooLarge(Exception):
    """The answer is larger than the limit (after decompression)."""


class DeadlinePassed(Exception):
    """The deadline of the call passed while the answer was arriving."""


class _Decoder:
    """Decompresses one answer's chunks with a bound on the output."""

    def __init__(self, encoding: str, limit: int) -> None:
        self._limit = limit
        self._size = 0
        self._parts: list[bytes] = []
        self._zlib: zlib._Decompress | None = None
        self._deflate = encoding == "deflate"
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._deflate:
            self._zlib = zlib.decompressobj()

    def feed(self, chunk: bytes) -> None:
        if self._zlib is None:
            self._keep(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._zlib.decompress(data, self._limit - self._size + 1)
            except zlib.error:
                if not self._deflate or self._size or self._parts:
                    raise
                self._deflate = False  # some servers send raw deflate without the zlib header
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._keep(out)
            data = self._zlib.unconsumed_tail
            if not out and not data:
                break

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise TooLarge
        if data:
            self._parts.append(data)

    def result(self) -> bytes:
        if self._zlib is not None:
            self._keep(self._zlib.flush())
        return b"".join(self._parts)


def _encoding(response: httpx.Response, limit: int) -> str | None:
    """The encoding to undo here ("" for none); None when httpx should decode it (one we did
    not ask for, or several). Raises `TooLarge` when a plain answer declares more than
    `limit` bytes."""
    headers = response.headers
    value = headers.get("content-encoding", "").strip().lower()
    if value in ("", "identity"):
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge
        return ""
    return value if value in ("gzip", "x-gzip", "deflate") else None


def _check_time(deadline: Deadline | None) -> None:
    if deadline is not None and deadline.remaining() <= 0:
        deadline.reached = True
        raise DeadlinePassed


def read(response: httpx.Response, limit: int, deadline: Deadline | None) -> bytes:
    """The decoded body of a streamed `response`; raises `TooLarge` or `DeadlinePassed`."""
    if response.is_stream_consumed:  # built in memory (a mock transport): already read
        return _whole(response.content, limit)
    encoding = _encoding(response, limit)
    decoder = _Decoder(encoding or "", limit)
    chunks: Iterator[bytes] = response.iter_raw() if encoding is not None else response.iter_bytes()
    for chunk in chunks:
        _check_time(deadline)
        decoder.feed(chunk)
    return decoder.result()


async def aread(response: httpx.Response, limit: int, deadline: Deadline | None) -> bytes:
    """The async twin of `read`."""
    if response.is_stream_consumed:
        return _whole(response.content, limit)
    encoding = _encoding(response, limit)
    decoder = _Decoder(encoding or "", limit)
    chunks: AsyncIterator[bytes] = (
        response.aiter_raw() if encoding is not None else response.aiter_bytes()
    )
    async for chunk in chunks:
        _check_time(deadline)
        decoder.feed(chunk)
    return decoder.result()


def _whole(content: bytes, limit: int) -> bytes:
    if len(content) > limit:
        raise TooLarge
    return content
