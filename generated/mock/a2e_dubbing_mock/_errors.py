"""Exceptions that end a request early."""

from __future__ import annotations


class ApiError(Exception):
    """An answer in A2E's error envelope: HTTP `status`, `code` = status, `msg`."""

    def __init__(
        self, status: int, msg: str, *, headers: tuple[tuple[bytes, bytes], ...] = ()
    ) -> None:
        super().__init__(msg)
        self.status = status
        self.msg = msg
        self.headers = headers


class InjectedFault(ApiError):
    """An error answer chosen by X-Mock-Fault or --fault-rate, not by the request itself."""


class ConnectionDropped(ConnectionResetError):
    """A fault closed the connection without an answer.

    Over a socket the client sees a TCP reset; in-process (no socket to reset, e.g. with
    httpx.ASGITransport) the application raises this instead.
    """
