"""Upload a local file for A2E to fetch: `client.storage.upload(path)` returns its URL.

The resource of the spec's presign operation (`x-a2e-presign`) asks A2E for a presigned
upload, then PUTs the file to it and returns the URL where the file is served, to use as a
`source_url`. A request field marked `x-a2e-upload` (`dubbing.start`'s `source_url`) takes a
`pathlib.Path` too: the method uploads it first, once, then sends the URL.

The PUT goes to the storage, not to A2E's API: without the API key (never sent there), with
`Content-Length` and the file's `Content-Type`, streamed from the file in chunks (constant
memory, whatever its size). It is retried, from the start of the file, after a connection
error, a timeout, 408, 429 or a 5xx, as an idempotent request is (`max_retries`, jittered
backoff or `Retry-After`). A presigned URL may take only one PUT (the mock's do): when a
retry is told the URL was used already (409) after an earlier attempt may have completed,
the file's URL is asked (HEAD) and a file of the same size there means that attempt did.
Every failure of the upload is an `UploadError`; the presign request's own failures are
the usual `APIError`s.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from ._errors import A2EError
from ._options import Body, Headers, NotGiven, Query

# Imported where used, so that `import a2e_dubbing` stays light: httpx, tenacity, json,
# mimetypes, asyncio, inspect.

if TYPE_CHECKING:
    import httpx

    from ._retry import Attempts, RetryPolicy

# Called with (bytes sent so far, the file's size) before the first chunk and after each
# one (again from 0 when a retry starts over); with AsyncA2E it may return an awaitable.
ProgressCallback = Callable[[int, int], object]
PathLike = str | os.PathLike[str]

CHUNK_SIZE = 256 * 1024
OCTET_STREAM = "application/octet-stream"
OPERATION = "upload"  # the name of the PUT in logs and retry events
MAX_ERROR_BYTES = 64 * 1024  # what is read of a storage's error answer
_MESSAGE_CHARS = 300
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_USED = 409  # the mock's answer to a second PUT of one presigned URL
_XML_MESSAGE = re.compile(rb"<Message>([^<]{1,2000})</Message>")
_XML_CODE = re.compile(rb"<Code>([^<]{1,200})</Code>")
# Media types of the files dubbing takes, where Python's own table lacks them or differs.
_MEDIA_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "ogg": "audio/ogg",
    "opus": "audio/opus",
    "flac": "audio/flac",
    "weba": "audio/webm",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
}


class UploadError(A2EError):
    """A local file could not be uploaded. `url` is the address it was sent to, without
    its query (which holds the signature), or ""."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class UploadSourceError(UploadError):
    """The local file cannot be uploaded: missing, not a regular file, unreadable, or a
    path given as a `str` where a `str` is a URL (`path` is what was given)."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class UploadHTTPError(UploadError):
    """The storage refused the upload: HTTP `status_code` (403: the presigned URL expired
    or was changed; 409: it was used already; 413: the file is too large). `message` is
    what the storage said; `retry_after` the seconds of its `Retry-After`, if any."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status_code: int,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code
        self.retry_after = retry_after


class UploadConnectionError(UploadError):
    """The storage could not be reached, or the connection broke or timed out. `sent` is
    False when the request provably never reached it."""

    def __init__(self, message: str, *, url: str, sent: bool = True) -> None:
        super().__init__(message, url=url)
        self.sent = sent


@dataclass(frozen=True)
class Source:
    """A local file to upload: its path, size and media type, checked before anything is
    sent."""

    path: Path
    size: int
    content_type: str

    @classmethod
    def of(cls, path: PathLike, content_type: str | None = None) -> Source:
        """The file at `path`; `UploadSourceError` when it cannot be uploaded."""
        try:
            raw = os.fspath(path)
        except TypeError:
            raise UploadSourceError(
                f"cannot upload {path!r}: give the path of a local file", path=Path()
            ) from None
        if not isinstance(raw, str) or not raw:
            raise UploadSourceError("cannot upload: no file given", path=Path())
        where = Path(raw)
        try:
            mode = os.stat(where).st_mode
        except FileNotFoundError:
            raise UploadSourceError(f"cannot upload {where}: no such file", path=where) from None
        except OSError as error:
            raise _source_error(where, error) from None
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise UploadSourceError(f"cannot upload {where}: it is {kind}", path=where)
        try:
            with open(where, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
        except OSError as error:
            raise _source_error(where, error) from None
        return cls(where, size, _checked_type(content_type) or media_type(where))

    def open(self) -> IO[bytes]:
        try:
            stream = open(self.path, "rb")  # noqa: SIM115 - closed by the reader
        except OSError as error:
            raise _source_error(self.path, error) from None
        if os.fstat(stream.fileno()).st_size != self.size:
            stream.close()
            raise UploadSourceError(
                f"cannot upload {self.path}: it changed size while being uploaded", path=self.path
            )
        return stream


def _source_error(path: Path, error: OSError) -> UploadSourceError:
    reason = error.strerror or type(error).__name__
    return UploadSourceError(f"cannot upload {path}: {reason}", path=path)


def _checked_type(content_type: str | None) -> str | None:
    if content_type is None:
        return None
    if not content_type.isascii() or not content_type.isprintable() or "/" not in content_type:
        raise ValueError(
            f"content_type must be a media type such as audio/wav, not {content_type!r}"
        )
    return content_type.strip()


def media_type(path: Path) -> str:
    """The media type of a file by its extension (`application/octet-stream` if unknown)."""
    extension = path.suffix.lstrip(".").lower()
    if extension in _MEDIA_TYPES:
        return _MEDIA_TYPES[extension]
    guessed, _ = _builtin_types().guess_type(path.name, strict=False)
    return guessed or OCTET_STREAM


@functools.cache
def _builtin_types() -> Any:
    import mimetypes

    return mimetypes.MimeTypes()  # Python's own table only: the same on every machine


def upload_key(path: Path) -> str:
    """The name the file gets in A2E's storage: unique, ending with the file's own name
    (cleaned: no separators, controls or leading dots)."""
    from ._download import safe_stem
    from ._runtime import unique_name

    stem = safe_stem(path.stem) or "file"
    suffix = path.suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", path.suffix) else ""
    return f"{unique_name()}/{stem}{suffix}"


def refuse_local_path(value: str, keyword: str) -> None:
    """A `str` is a URL; when it is not one but names a local file, say how to upload it."""
    if value.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
        return
    try:
        local = os.path.isfile(value)
    except (OSError, ValueError):
        local = False
    if local:
        raise UploadSourceError(
            f"{keyword} {value!r} is a local file given as a str, which means a URL here: "
            f"pass pathlib.Path({value!r}) to upload it first",
            path=Path(value),
        )


def shown_url(url: str) -> str:
    from ._download import shown_url as without_query

    return without_query(url)


def _checked_url(url: str, what: str) -> str:
    try:
        parts = urlsplit(url)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        _ = parts.port
    except ValueError:
        ok = False
    if not ok:
        raise UploadError(f"will not upload: {what} {shown_url(url)} is not an http(s) URL")
    return url


class _Put:
    """The decisions of one upload, free of I/O: the request, the answers, the retries."""

    def __init__(self, put_url: str, url: str, source: Source, secrets: tuple[str, ...]) -> None:
        self.put_url = _checked_url(put_url, "the upload URL")
        self.url = _checked_url(url, "the file's URL")
        self.source = source
        self.shown = shown_url(put_url)
        # The key, and the signature: the query's values (of a length to be secrets).
        signed = [value for _, value in parse_qsl(urlsplit(put_url).query) if len(value) >= 8]
        self.secrets = tuple(s for s in (*secrets, *signed) if s)
        self.maybe_done = False  # an attempt may have stored the file although no answer came

    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": self.source.content_type,
            "Content-Length": str(self.source.size),
            "Accept-Encoding": "identity",
        }

    def request(
        self, http: httpx.Client | httpx.AsyncClient, content: Any, timeout: Any
    ) -> httpx.Request:
        """The PUT: no credentials, even when the caller's HTTP client has some by default."""
        request = http.build_request(
            "PUT", self.put_url, content=content, headers=self.headers(), timeout=timeout
        )
        request.headers.pop("Authorization", None)
        return request

    def answered(self, status: int, headers: httpx.Headers, content: bytes) -> bool:
        """True when the file is stored; raises `UploadHTTPError` otherwise, except for a
        used URL after an attempt that may have stored it: False (ask the file's URL)."""
        if 200 <= status < 300:
            return True
        if status == _USED and self.maybe_done:
            return False
        raise self.refused(status, headers, content)

    def refused(self, status: int, headers: httpx.Headers, content: bytes) -> UploadHTTPError:
        said = self._redacted(storage_message(content))
        hint = {
            403: " (the presigned URL expired or was changed: upload again for a new one)",
            409: " (the presigned URL was used already: upload again for a new one)",
            411: " (the storage wants Content-Length)",
            413: " (the file is larger than the storage takes)",
        }.get(status, "")
        detail = f": {said}" if said else ""
        return UploadHTTPError(
            f"the storage refused the upload of {self.source.path}: HTTP {status}{hint}{detail}",
            url=self.shown,
            status_code=status,
            retry_after=_retry_after(headers.get("retry-after")),
        )

    def confirmed(self, status: int, headers: httpx.Headers) -> None:
        """After a used URL: the file's URL must hold a file of this size."""
        length = headers.get("content-length", "")
        if status == 200 and length.isdigit() and int(length) == self.source.size:
            return
        raise UploadHTTPError(
            f"the storage refused the upload of {self.source.path}: HTTP {_USED} (the "
            "presigned URL was used already, and the file there is not this one)",
            url=self.shown,
            status_code=_USED,
        )

    def connection_error(self, error: Exception) -> UploadConnectionError:
        import httpx

        never_sent = isinstance(
            error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
        )
        if not never_sent:
            self.maybe_done = True
        if isinstance(error, httpx.TimeoutException):
            detail = f"timed out ({type(error).__name__})"
        else:
            detail = self._redacted(str(error) or type(error).__name__)
        return UploadConnectionError(
            f"the upload of {self.source.path} to {self.shown} failed: {detail}",
            url=self.shown,
            sent=not never_sent,
        )

    def failed_status(self, status: int) -> None:
        """A 5xx or 408 may come after the storage kept the file."""
        if status >= 500 or status == 408:
            self.maybe_done = True

    def _redacted(self, text: str) -> str:
        from ._redact import Redactor

        return Redactor(self.secrets).text(text.replace(self.put_url, self.shown))


def storage_message(content: bytes) -> str:
    """What a storage's error answer says: A2E's envelope (`msg`), S3's XML (`Code`,
    `Message`) or the start of its text."""
    import json

    try:
        body = json.loads(content)
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("msg", "message", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return _short(body[key])
    code, message = _XML_CODE.search(content), _XML_MESSAGE.search(content)
    if message is not None:
        prefix = f"{code[1].decode('utf-8', 'replace')}: " if code is not None else ""
        return _short(prefix + message[1].decode("utf-8", "replace"))
    return _short(content.decode("utf-8", "replace"))


def _short(text: str) -> str:
    text = " ".join(text.split())
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= _MESSAGE_CHARS else shown[: _MESSAGE_CHARS - 1] + "…"


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isascii() and value.strip().isdigit():
        return float(value.strip())
    return None


def retryable(error: BaseException) -> bool:
    """Whether a failed upload may succeed later: the network, or a status worth a retry."""
    if isinstance(error, UploadConnectionError):
        return True
    return isinstance(error, UploadHTTPError) and (
        error.status_code in _RETRY_STATUSES or error.status_code >= 500
    )


def _retrying(policy: RetryPolicy, attempts: Attempts) -> dict[str, Any]:
    import tenacity

    return {
        "retry": tenacity.retry_if_exception(retryable),
        "stop": tenacity.stop_after_attempt(policy.max_retries + 1),
        "wait": policy.wait(),
        "before_sleep": attempts.before_sleep,
        "reraise": True,
    }


def _secrets_of(client: Any) -> tuple[str, ...]:
    from ._download import _secrets_of as secrets

    return secrets(client)


def _attempts(client: Any) -> Attempts:
    from ._retry import Attempts

    return Attempts(OPERATION, "PUT", "(presigned upload URL)", True, client.on_retry)


def _policy(client: Any, max_retries: int | NotGiven) -> RetryPolicy:
    from dataclasses import replace

    policy: RetryPolicy = client._policy
    if isinstance(max_retries, NotGiven):
        return policy
    if not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be 0 or more, not {max_retries!r}")
    return replace(policy, max_retries=max_retries)


def _reads(
    timeout: float | httpx.Timeout | NotGiven | None,
    max_retries: int | NotGiven,
    extra_headers: Headers | None,
    extra_query: Query | None,
    extra_body: Body | None,
) -> dict[str, Any]:
    return {
        "timeout": timeout,
        "max_retries": max_retries,
        "extra_headers": extra_headers,
        "extra_query": extra_query,
        "extra_body": extra_body,
    }
