"""Save a task's result to disk: `client.dubbing.download(task_or_id, path)`.

The file name is ours, never the server's: `<task name or id>.<extension of the
Content-Type>`, cleaned of path separators, control characters and leading dots, and
bounded in length. A path that ends with a separator, or an existing folder, means "into
this folder"; any other path is the file itself. An existing file is replaced only with
`overwrite=True`. The bytes go to a hidden `.part` file beside the target, renamed when
complete, so a failed download never leaves a partial file under the final name; a special
file (a device such as /dev/null, a pipe) is written in place. Only http(s) URLs are
fetched, redirects included, and the API key is never sent with them. Every failure is a
`DownloadError`.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from ._errors import A2EError
from ._meta import ID_FIELD, NAME_FIELD, RESULT_FIELD, STATUS_FIELD

# Imported where used, so that `import a2e_dubbing` stays light: httpx, inspect, mimetypes,
# secrets, unicodedata.

if TYPE_CHECKING:
    import httpx


# Called with (bytes received so far, Content-Length or None) before the first chunk and
# after each one; with AsyncA2E it may return an awaitable, which is awaited.
ProgressCallback = Callable[[int, int | None], object]
PathLike = str | os.PathLike[str]
RecordT = TypeVar("RecordT")

MAX_REDIRECTS = 10
_GONE = (401, 403, 404, 410)  # what storage answers for an expired signed URL
MAX_NAME_CHARS = 100  # of the stem, before the extension
MAX_NAME_BYTES = 200  # UTF-8; with the `.part` decoration the name stays under 255 bytes
CHUNK_SIZE = 64 * 1024
FALLBACK_EXTENSION = "bin"
# Media types a dubbing result may have; Python's own table lacks some (audio/wav).
_EXTENSIONS = {
    "audio/wav": "wav",
    "audio/wave": "wav",
    "audio/x-wav": "wav",
    "audio/vnd.wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "aac",
    "audio/ogg": "ogg",
    "audio/opus": "opus",
    "audio/webm": "weba",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "video/x-matroska": "mkv",
}
# Said by storage that does not know the type (S3's default among them): then the URL's
# extension is used, when it is one of the above.
_UNTYPED = {"", "application/octet-stream", "binary/octet-stream"}
_KNOWN_EXTENSIONS = frozenset(_EXTENSIONS.values())
_EXTENSION = re.compile(r"[a-z0-9]{1,8}")
# Characters that are path syntax, or that some file system refuses, anywhere in a name.
_RESERVED_CHARACTERS = frozenset('/\\<>:"|?*')
# Unicode categories never kept in a name: controls, format characters (such as the
# right-to-left override that disguises an extension), surrogates, private use, unassigned,
# line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)}
)


class DownloadError(A2EError):
    """A task's result could not be saved.

    `url` is the result's address without its query (which holds the signature), or "".
    """

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class ResultNotReadyError(DownloadError):
    """The task has no result to download: it has not completed (`task` is its record)."""

    def __init__(self, message: str, *, task: Any) -> None:
        super().__init__(message)
        self.task = task


class DownloadURLError(DownloadError):
    """The result's URL, or a redirect, is not an http(s) URL (or there were too many)."""


class DownloadHTTPError(DownloadError):
    """The server of the result answered with another status than 200 (`status_code`)."""

    def __init__(self, message: str, *, url: str, status_code: int) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class DownloadConnectionError(DownloadError):
    """The result's server could not be reached, stopped answering or sent too little."""


class DestinationError(DownloadError):
    """The file cannot be written at `path`."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class DestinationExistsError(DestinationError):
    """A file is already at `path` and `overwrite` was not given."""


def record_field(record: Any, name: str | None) -> Any:
    """The attribute `name` of a record (None when the spec's record has no such field)."""
    return getattr(record, name, None) if name else None


def safe_stem(text: str) -> str:
    """`text` made fit to be a file name's stem in any folder ("" when nothing is left).

    Path separators, characters Windows refuses and invisible or control characters
    become `_`; leading dots, dashes and spaces go (no hidden files, no option lookalikes),
    as do trailing dots and spaces; the result is at most `MAX_NAME_CHARS` characters and
    `MAX_NAME_BYTES` bytes of UTF-8, and "" unless a letter or digit is left.
    """
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        "_" if ch in _RESERVED_CHARACTERS or unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch
        for ch in text
    )
    stem = " ".join(kept.split())[:MAX_NAME_CHARS]
    stem = stem.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")
    stem = stem.lstrip(" .-").rstrip(" .")
    if not any(ch.isalnum() for ch in stem):
        return ""  # only punctuation left ("../..", "___"): no name worth keeping
    if stem.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    return stem


def extension_for(content_type: str | None, url: str = "") -> str:
    """The file extension (without a dot) for a result of this Content-Type.

    Known audio and video types map to their usual extension; an untyped answer
    (`application/octet-stream`, none) takes the URL's extension if it is one of those;
    anything else is `bin`, so that no server can make the file an `.exe` or `.html`.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in _EXTENSIONS:
        return _EXTENSIONS[media]
    if media.startswith(("audio/", "video/")):
        guessed = (_builtin_types().guess_extension(media) or "").lstrip(".")
        if _EXTENSION.fullmatch(guessed):
            return guessed
    if media in _UNTYPED:
        try:
            suffix = PurePosixPath(urlsplit(url).path).suffix.lstrip(".").lower()
        except ValueError:
            suffix = ""
        if suffix in _KNOWN_EXTENSIONS:
            return suffix
    return FALLBACK_EXTENSION


@functools.cache
def _builtin_types() -> Any:
    import mimetypes

    return mimetypes.MimeTypes()  # Python's own table only: no system files, same everywhere


def result_file_name(
    task: Any, content_type: str | None, url: str = "", *, secrets: tuple[str, ...] = ()
) -> str:
    """`<task name or id>.<extension>`: the name a result gets in a folder.

    `secrets` (the API key) never become part of a name, whatever a server put in the task.
    """
    names = [str(record_field(task, NAME_FIELD) or ""), str(record_field(task, ID_FIELD) or "")]
    for secret in filter(None, secrets):
        names = [name.replace(secret, "REDACTED") for name in names]
    stem = safe_stem(names[0]) or safe_stem(names[1]) or "result"
    return f"{stem}.{extension_for(content_type, url)}"


def _secrets_of(client: Any) -> tuple[str, ...]:
    """The API key of `client`, as sent (`Bearer <key>`) and alone."""
    sent = str(getattr(client, "_headers", {}).get("Authorization", ""))
    return (sent, sent.removeprefix("Bearer ").strip()) if sent else ()


def shown_url(url: str) -> str:
    """`url` without user info, query and fragment (a signed URL's secret part)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an invalid URL)"
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else "(an invalid URL)"


def checked_url(url: str) -> str:
    """`url` when it is an absolute http(s) URL with a host; `DownloadURLError` otherwise."""
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        _ = parts.port  # a malformed port raises here
    except ValueError:
        ok = False
    if not ok:
        raise DownloadURLError(
            f"will not download {shown_url(url)}: only http(s) URLs are fetched",
            url=shown_url(url),
        )
    return url


def result_url_of(task: Any) -> str:
    """The task's result URL (its `x-a2e-mock: result` field); `ResultNotReadyError` when it
    has none yet."""
    url = record_field(task, RESULT_FIELD)
    if not isinstance(url, str) or not url:
        status = record_field(task, STATUS_FIELD)
        state = f" (it is {status})" if status else ""
        raise ResultNotReadyError(
            f"task {record_field(task, ID_FIELD)} has no result to download yet{state}: wait until "
            "it completes",
            task=task,
        )
    return checked_url(url)


class Destination:
    """Where a result goes: into a folder (the name is ours) or to a file (the caller's)."""

    def __init__(self, path: PathLike, *, overwrite: bool = False) -> None:
        raw = os.fspath(path)
        if not isinstance(raw, str) or not raw:
            raise DestinationError("no path to save the result to", path=Path())
        separators = (os.sep, os.altsep) if os.altsep else (os.sep,)
        self.path = Path(raw)
        self.overwrite = overwrite
        self.into_folder = raw.endswith(separators) or _is_dir(self.path)

    def check(self) -> None:
        """Raise `DestinationError` now when the result could not be saved there.

        A folder given with a trailing separator may be missing (it is made, in an
        existing folder); a file must be in an existing folder, and may exist only with
        `overwrite`.
        """
        if self.into_folder:
            if _is_dir(self.path):
                return
            if os.path.lexists(self.path):
                raise DestinationError(
                    f"cannot save the result into {self.path}: it is not a folder", path=self.path
                )
            self._parent_must_exist(self.path)
            return
        self._parent_must_exist(self.path)
        if _is_dir(self.path):
            raise DestinationError(
                f"cannot save the result to {self.path}: it is a folder", path=self.path
            )
        if not self.overwrite and _is_replaceable(self.path):
            raise _exists(self.path)

    def target(self, name: str) -> Path:
        """The file to write: `path` itself, or `name` in the folder (made if missing)."""
        if not self.into_folder:
            return self.path
        try:
            self.path.mkdir(exist_ok=True)
        except OSError as error:
            raise _save_error(self.path / name, error) from error
        return self.path / name

    def _parent_must_exist(self, path: Path) -> None:
        if not _is_dir(path.parent):
            raise DestinationError(
                f"cannot save the result to {path}: {path.parent} is not an existing folder",
                path=path,
            )


class _Sink:
    """The bytes of one download on their way to `target`.

    A regular file is written as a hidden `.part` file in the same folder and renamed to
    `target` by `commit()`, refusing to replace an existing file unless `overwrite`; a
    special file (a device, a pipe) is written in place.
    """

    def __init__(self, target: Path, *, overwrite: bool) -> None:
        self.target = target
        self.overwrite = overwrite
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as error:
            raise _save_error(target, error) from error
        if mode is not None and stat.S_ISDIR(mode):
            raise DestinationError(
                f"cannot save the result to {target}: it is a folder", path=target
            )
        self.special = mode is not None and not stat.S_ISREG(mode)
        if not self.special and not overwrite and os.path.lexists(target):
            raise _exists(target)
        import secrets  # only downloads pay for it

        stem = target.name.encode("utf-8", "surrogateescape")[:200]
        hidden = f".{stem.decode('utf-8', 'surrogateescape')}.{secrets.token_hex(4)}.part"
        self.partial = target if self.special else target.with_name(hidden)
        try:
            if self.special:
                self._file: IO[bytes] = open(target, "wb")  # noqa: SIM115 - closed by commit/discard
            else:
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                self._file = os.fdopen(os.open(self.partial, flags, 0o666), "wb")
        except OSError as error:
            raise _save_error(target, error) from error

    def write(self, chunk: bytes) -> None:
        try:
            self._file.write(chunk)
        except OSError as error:
            raise _save_error(self.target, error) from error

    def commit(self) -> None:
        """Make the file complete and visible under its name."""
        try:
            self._file.flush()
            if not self.special:
                os.fsync(self._file.fileno())
            self._file.close()
            if not self.special:
                _place(self.partial, self.target, overwrite=self.overwrite)
                _sync_folder(self.target.parent)
        except OSError as error:
            raise _save_error(self.target, error) from error

    def discard(self) -> None:
        """Close and remove what was written (a special file is left as it is)."""
        with contextlib.suppress(OSError):
            self._file.close()
        if not self.special:
            with contextlib.suppress(OSError):
                self.partial.unlink(missing_ok=True)


def _place(partial: Path, target: Path, *, overwrite: bool) -> None:
    """Rename `partial` to `target`; without `overwrite`, never over an existing file."""
    if overwrite:
        os.replace(partial, target)
        return
    try:
        os.link(partial, target)  # atomic, and fails when target exists
    except FileExistsError:
        raise _exists(target) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # A file system without hard links: check, then rename (a small window remains).
        if os.path.lexists(target):
            raise _exists(target) from None
        os.replace(partial, target)
        return
    partial.unlink()


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable, where the platform allows it."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _exists(path: Path) -> DestinationExistsError:
    return DestinationExistsError(
        f"cannot save the result to {path}: a file is already there (overwrite it on purpose "
        "with overwrite=True)",
        path=path,
    )


def _save_error(target: Path, error: OSError) -> DestinationError:
    reason = error.strerror or type(error).__name__
    if not _is_dir(target.parent):
        reason = f"{target.parent} is not an existing folder"
    return DestinationError(f"cannot save the result to {target}: {reason}", path=target)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _is_replaceable(path: Path) -> bool:
    """A regular file (or a link, even a dangling one) that a rename would replace."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if stat.S_ISLNK(mode):
        try:
            return stat.S_ISREG(os.stat(path).st_mode)
        except OSError:
            return True
    return stat.S_ISREG(mode)


class _Fetch:
    """The decisions of one download, free of I/O: URLs, redirects, statuses, sizes."""

    def __init__(self, url: str) -> None:
        self.url = checked_url(url)
        self.redirects = 0

    def first_request(self, http: httpx.Client | httpx.AsyncClient, timeout: Any) -> httpx.Request:
        """The GET of the result: no compression (the bytes counted are the bytes saved), and
        no credentials, even when the caller's own HTTP client has some by default."""
        request = http.build_request(
            "GET", self.url, timeout=timeout, headers={"Accept-Encoding": "identity"}
        )
        request.headers.pop("Authorization", None)
        return request

    def follow(self, response: httpx.Response) -> httpx.Request | None:
        """The request a redirect asks for (checked), or None when the answer is final."""
        if not response.is_redirect:
            return None
        self.redirects += 1
        following = response.next_request
        if self.redirects > MAX_REDIRECTS or following is None:
            raise DownloadURLError(
                f"download of the result failed: too many redirects from {shown_url(self.url)}",
                url=shown_url(self.url),
            )
        checked_url(str(following.url))
        following.headers.pop("Authorization", None)
        return following

    def check_status(self, response: httpx.Response) -> int | None:
        """The Content-Length (None when unknown); `DownloadHTTPError` unless 200."""
        status = response.status_code
        if status != 200:
            expired = " (result URLs expire after about 3 days)" if status in _GONE else ""
            raise DownloadHTTPError(
                f"download of the result failed: HTTP {status}{expired}",
                url=shown_url(self.url),
                status_code=status,
            )
        length = response.headers.get("content-length", "")
        return int(length) if length.isascii() and length.isdigit() else None

    def check_complete(self, received: int, total: int | None) -> None:
        if total is not None and received < total:
            raise DownloadConnectionError(
                f"download of the result failed: the connection ended after {received} of "
                f"{total} bytes",
                url=shown_url(self.url),
            )

    def connection_error(self, error: Exception) -> DownloadConnectionError:
        detail = str(error) or type(error).__name__
        return DownloadConnectionError(
            f"download of the result failed: {detail}", url=shown_url(self.url)
        )
