"""The mock's own disk refusing a write: full, failing, or read-only.

A write that fails this way stored nothing (SQLite rolls its transaction back, an upload
removes what it wrote), so its request is answered 503 in A2E's envelope, with
`Retry-After` when waiting may help (space may come back), and the mock goes on: the next
write tries the disk again, no restart needed.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from ._errors import ApiError

RETRY_AFTER_SECONDS = 2  # our choice: how long a client waits before writing again

_FULL, _FAILING, _READ_ONLY = "full", "failing", "read-only"
_SQLITE = {
    sqlite3.SQLITE_FULL: _FULL,
    sqlite3.SQLITE_IOERR: _FAILING,  # and its extended codes (write, fsync, truncate, ...)
    sqlite3.SQLITE_READONLY: _READ_ONLY,
}
_ERRNO = {
    errno.ENOSPC: _FULL,
    getattr(errno, "EDQUOT", errno.ENOSPC): _FULL,  # a quota: full for this user
    errno.EIO: _FAILING,
    errno.EROFS: _READ_ONLY,
}
_MESSAGES = {
    _FULL: "the mock's disk is full: nothing was stored; retry later",
    _FAILING: "the mock could not write to its disk (I/O error): nothing was stored; retry later",
    _READ_ONLY: "the mock's disk is read-only: it answers reads, not writes",
}
_RETRY_AFTER = ((b"retry-after", str(RETRY_AFTER_SECONDS).encode()),)


class DiskError(ApiError):
    """A write the mock's disk refused: 503, nothing stored."""

    def __init__(self, kind: str, msg: str | None = None) -> None:
        retry = kind != _READ_ONLY  # space or the device may come back; a read-only mount rarely
        super().__init__(503, msg or _MESSAGES[kind], headers=_RETRY_AFTER if retry else ())
        self.kind = kind


def disk_error(error: BaseException) -> DiskError | None:
    """The answer to `error` when it is the disk refusing a write, else None."""
    kind = _kind(error)
    return None if kind is None else DiskError(kind)


def read_only_mode() -> DiskError:
    """What a write gets from a mock that serves its database read-only."""
    return DiskError(
        _READ_ONLY, "the mock serves its database read-only (--read-only): it answers reads only"
    )


def describe(error: BaseException) -> str | None:
    """A short reason when `error` is the disk's, e.g. `the disk is full`."""
    kind = _kind(error)
    if kind is None:
        return None
    return {_FULL: "the disk is full", _FAILING: "the disk failed a write"}.get(
        kind, "the file system is read-only"
    )


def on_read_only_file_system(path: str | os.PathLike[str]) -> bool:
    """Whether `path` (or, when it does not exist yet, its folder) is on a read-only mount."""
    found = _statvfs(path)
    return found is not None and bool(found.f_flag & os.ST_RDONLY)


def free_bytes(path: str | os.PathLike[str]) -> int | None:
    """The bytes free for this user where `path` is (None: unknown)."""
    found = _statvfs(path)
    return None if found is None else found.f_bavail * found.f_frsize


def _statvfs(path: str | os.PathLike[str]) -> os.statvfs_result | None:
    where = Path(path)
    if not where.exists():
        where = where.parent
    try:
        return os.statvfs(where)
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return None


def _kind(error: BaseException) -> str | None:
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return None if code is None else _SQLITE.get(code & 0xFF)
    if isinstance(error, OSError):
        return _ERRNO.get(error.errno or 0)
    return None
