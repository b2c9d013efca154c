"""The mock's file storage: presigned uploads, one PUT each, and the files they store.

A presigned upload URL (the answer of the spec's `x-a2e-presign` operation) is

    {base}/__mock/uploads/{user_id}/{slot}/{name}?expires={epoch s}&signature={hex}

`slot` is 128 random bits (unguessable), `user_id` the tenant that asked (its files are
its own: a reset forgets them), `name` the last part of the requested key; `expires` and
`signature` sign it for one PUT (`_signing`, with the storage's key). The key is kept in
the storage folder, so a URL outlives a restart of the mock on the same database, as R2's
outlive A2E's servers; the mock signs all its file URLs with it (`Uploads.signer`).

As R2's, the URL takes a PUT of the file with its `Content-Length` (the body is streamed to
disk, never held whole) up to `max_bytes`; the same path signed for reading (the answer's
`url`, valid as long as the spec's `x-a2e-expires-after` says) then serves the file (GET
and HEAD, Range too, no token: it is the URL a task's `source_url` uses), with the
Content-Type it was PUT with. Unlike R2, each URL takes one completed PUT, so that a task's
source cannot change under it. A refused PUT answers in A2E's error envelope (R2 itself
answers S3's XML errors; the client reads both):

    403  the signature is missing, wrong (the URL was changed) or expired
    409  the URL was used already (one PUT each): ask for a new one
    411  no Content-Length
    413  larger than max_bytes (as soon as the Content-Length says so)
    400  the body ended before its Content-Length

A PUT that fails leaves nothing behind and the URL usable until it expires. A GET or HEAD
whose signature is missing, wrong or expired gets the same 403, whether a file is there or
not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import tempfile
import urllib.parse
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ._clock import Clock
from ._errors import ApiError
from ._http import Reply
from ._signing import PUT, Signer
from ._spec import URL_LIFETIME

PREFIX = "/__mock/uploads/"
ROUTE = "/__mock/uploads/{user_id}/{slot}/{name:path}"
STORAGE_PATH = "/__mock/storage/"  # where transferToStorage's "copies" are served
DEFAULT_MAX_BYTES = 2 * 1024**3  # our choice; R2 takes up to 5 GiB in one PUT
DEFAULT_EXPIRES = 3600  # seconds a presigned URL stays valid (our choice)
OCTET_STREAM = "application/octet-stream"
_USER = re.compile(r"[0-9a-f]{24}")
_SLOT = re.compile(r"[0-9a-f]{32}")
_SECRET_FILE = ".secret"  # noqa: S105 - the name of the file holding the signing key
_SECRET_BYTES = 32
_MAX_TYPE = 255


def default_folder(db: str | os.PathLike[str]) -> Path | None:
    """Where the files of a mock on database `db` go: `<its stem>-uploads` beside a file
    database (`mock.sqlite3` -> `mock-uploads`); None (a temporary folder) in memory."""
    database = Path(os.fspath(db))
    if os.fspath(db) == ":memory:":
        return None
    return database.with_name(f"{database.stem}-uploads")


@dataclass(frozen=True)
class Presigned:
    """A presigned upload: where to PUT, where the file is then served, for how long."""

    put_url: str
    url: str
    expires_in: int


@dataclass(frozen=True)
class _Slot:
    user_id: str
    slot: str
    name: str

    @property
    def path(self) -> str:
        return f"{PREFIX}{self.user_id}/{self.slot}/{urllib.parse.quote(self.name)}"


class Uploads:
    """The files of the mock's storage, in `folder` (a temporary one when None), made when
    the first upload URL is asked for."""

    def __init__(
        self,
        folder: str | os.PathLike[str] | None,
        *,
        clock: Clock,
        max_bytes: int = DEFAULT_MAX_BYTES,
        expires: int = DEFAULT_EXPIRES,
        url_lifetime: int = URL_LIFETIME,
    ) -> None:
        if max_bytes < 1:
            raise ValueError("max_upload_bytes must be at least 1")
        if expires < 1:
            raise ValueError("the expiry of upload URLs must be at least 1 second")
        self._given = Path(folder) if folder is not None else None
        self._folder: Path | None = None
        self._key: bytes | None = None
        self.clock = clock
        self.max_bytes = max_bytes
        self.expires = expires
        # Signs every file URL of the mock (uploads, stored files, results) with this
        # storage's key; reading URLs stay valid `url_lifetime` seconds.
        self.signer = Signer(lambda: self._secret, clock, url_lifetime)

    @property
    def folder(self) -> Path:
        """The storage's folder (made now if it does not exist yet)."""
        if self._folder is None:
            if self._given is None:
                self._folder = Path(tempfile.mkdtemp(prefix="a2e-dubbing-mock-uploads-"))
            else:
                self._given.mkdir(parents=True, exist_ok=True)
                self._folder = self._given
        return self._folder

    @property
    def _secret(self) -> bytes:
        """The signing key: kept in a given folder (made on first use), so that URLs
        outlive a restart; random for this process with a temporary folder."""
        if self._key is None:
            if self._given is None:
                self._key = secrets.token_bytes(_SECRET_BYTES)
            else:
                self._key = _secret(self.folder / _SECRET_FILE)
        return self._key

    def _existing(self) -> Path | None:
        """The storage's folder if it exists (nothing to read otherwise)."""
        if self._folder is not None:
            return self._folder
        return self._given if self._given is not None and self._given.is_dir() else None

    def close(self) -> None:
        """Remove a temporary folder (a given one is kept, like the database)."""
        if self._given is None and self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # The presign operation

    def presign(self, user_id: str, key: str, base_url: str) -> Presigned:
        """A new URL for one PUT into `user_id`'s storage, named after `key`'s last part."""
        slot = _Slot(user_id, secrets.token_hex(16), _file_name(key))
        put = self.signer.url(base_url, slot.path, use=PUT, lifetime=self.expires)
        return Presigned(put, self.signer.url(base_url, slot.path), self.expires)

    # The storage's own HTTP: PUT, GET and HEAD, each with its signature

    async def put(self, request: Request, params: dict[str, str]) -> Reply:
        self.signer.check(request.scope["path"], request.scope["query_string"], use=PUT)
        slot = _slot(params)
        data, meta = self._files(slot, self.folder)
        if data.exists():
            raise ApiError(
                409, "upload: this presigned URL was used already (one PUT each): ask for a new one"
            )
        size = self._declared_size(request)
        content_type = _content_type(request.headers.get("content-type"))
        data.parent.mkdir(parents=True, exist_ok=True)
        partial = data.with_name(f".{slot.slot}.{secrets.token_hex(4)}.part")
        digest = hashlib.md5(usedforsecurity=False)
        try:
            with open(partial, "xb") as stream:
                received = await _receive(request, stream, digest, size)
                stream.flush()
                os.fsync(stream.fileno())
            if received < size:
                raise ApiError(
                    400, f"body: ended after {received} of its {size} bytes (Content-Length)"
                )
            try:
                os.link(partial, data)  # exclusive: of two PUTs at once, one wins
            except FileExistsError:
                raise ApiError(
                    409,
                    "upload: this presigned URL was used already (one PUT each): ask for a new one",
                ) from None
        finally:
            partial.unlink(missing_ok=True)
        etag = f'"{digest.hexdigest()}"'
        info = {"name": slot.name, "type": content_type, "size": size, "etag": etag}
        try:
            _write_atomically(meta, orjson.dumps(info))
        except BaseException:  # e.g. the disk filled up: the URL stays usable
            data.unlink(missing_ok=True)
            raise
        return Reply(Response(b"", headers={"etag": etag}), "200")

    async def get(self, request: Request, params: dict[str, str]) -> Reply:
        self.signer.check(request.scope["path"], request.scope["query_string"])
        slot = _slot(params)
        found = self.find(slot)
        if found is None:
            raise ApiError(404, "path: no uploaded file at this URL")
        data, info = found
        etag = info.get("etag")
        headers = {"etag": etag} if isinstance(etag, str) else None
        content_type = _content_type(info.get("type"))
        return Reply(FileResponse(data, media_type=content_type, headers=headers), "200")

    def find(self, slot: _Slot) -> tuple[Path, dict[str, Any]] | None:
        """The stored file of `slot` and what was kept of it (name, type, size, etag), when
        it was uploaded."""
        data, meta = self._files(slot)
        if not data.is_file():
            return None
        try:
            info: Any = orjson.loads(meta.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            info = {}
        if not isinstance(info, dict):
            info = {}
        if info.get("name", slot.name) != slot.name:
            return None
        return data, info

    def _files(self, slot: _Slot, root: Path | None = None) -> tuple[Path, Path]:
        """The data and description files of `slot`, in `root` (by default wherever the
        storage is, if anywhere yet)."""
        folder = (root or self._existing() or Path(os.devnull)) / slot.user_id
        return folder / f"{slot.slot}.data", folder / f"{slot.slot}.json"

    def _declared_size(self, request: Request) -> int:
        declared = request.headers.get("content-length")
        if declared is None:
            raise ApiError(
                411, "Content-Length: required (the storage takes a body of known size, not chunks)"
            )
        if not (declared.isascii() and declared.isdigit()):
            raise ApiError(400, "Content-Length: must be a number of bytes")
        size = int(declared)
        if size > self.max_bytes:
            raise ApiError(
                413,
                f"body: {size} bytes is larger than the storage takes ({self.max_bytes} bytes)",
                headers=((b"connection", b"close"),),
            )
        return size

    # What else the mock does with stored files

    def local_file(self, url: str, base_url: str) -> tuple[Path, dict[str, Any]] | None:
        """The stored file that `url` (a URL of this mock's storage, validly signed) serves,
        if any."""
        if not url.startswith(f"{base_url}{PREFIX}") or not self.signer.valid(url, base_url):
            return None
        parts = urllib.parse.urlsplit(url).path[len(PREFIX) :].split("/", 2)
        if len(parts) != 3:
            return None
        try:
            return self.find(
                _slot(
                    {"user_id": parts[0], "slot": parts[1], "name": urllib.parse.unquote(parts[2])}
                )
            )
        except ApiError:
            return None

    def forget(self, user_id: str | None) -> int:
        """Remove the files of `user_id` (of everyone when None); how many there were."""
        root = self._existing()
        if root is None:
            return 0
        folders = [root / user_id] if user_id else [p for p in root.iterdir() if p.is_dir()]
        removed = 0
        for folder in folders:
            if folder.is_dir():
                removed += sum(1 for p in folder.glob("*.data"))
                shutil.rmtree(folder, ignore_errors=True)
        return removed


def wav_seconds(path: Path) -> float | None:
    """The length of a WAV file in seconds; None for anything else."""
    try:
        with wave.open(str(path), "rb") as audio:
            rate = audio.getframerate()
            return audio.getnframes() / rate if rate else None
    except (OSError, EOFError, wave.Error):
        return None


async def _receive(request: Request, stream: IO[bytes], digest: Any, size: int) -> int:
    """Write the body to `stream` as it arrives; the bytes received (at most `size`)."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > size:  # the server's framing prevents it; never store more
            raise ApiError(400, "body: longer than its Content-Length")
        stream.write(chunk)
        digest.update(chunk)
    return received


def _slot(params: dict[str, str]) -> _Slot:
    user_id, slot, name = params.get("user_id", ""), params.get("slot", ""), params.get("name", "")
    if not _USER.fullmatch(user_id) or not _SLOT.fullmatch(slot) or not name:
        raise ApiError(404, "path: no upload at this URL")
    return _Slot(user_id, slot, name)


def _file_name(key: str) -> str:
    """The last part of a key, fit for a URL path ("file" when nothing is left)."""
    name = key.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200].strip()
    return name if name not in ("", ".", "..") else "file"


def _content_type(value: Any) -> str:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > _MAX_TYPE
        or not value.isascii()
        or not value.isprintable()
    ):
        return OCTET_STREAM
    return value.strip() or OCTET_STREAM


def _secret(path: Path) -> bytes:
    """The storage's signing key: made once (readable by its owner only), then reused.

    The key appears whole or not at all (written aside, then linked into place), so a
    write the disk refuses leaves nothing behind and the next call tries again."""
    for _ in range(50):
        with contextlib.suppress(FileNotFoundError):
            secret = path.read_bytes()
            if len(secret) == _SECRET_BYTES:
                return secret
            raise ValueError(f"{path} is not a signing key of the mock's storage")
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(secrets.token_bytes(_SECRET_BYTES))
                stream.flush()
                os.fsync(stream.fileno())
            with contextlib.suppress(FileExistsError):  # another mock made it first: use it
                os.link(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    raise ValueError(f"{path}: could not read the storage's signing key")


def _write_atomically(path: Path, content: bytes) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
