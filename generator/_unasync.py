"""The sync code of the client, generated from its async code by unasync.

`generator/runtime/client/_async/` is the single source of each sync/async pair: it is
copied into the package as `_async/`, and unasync writes `_sync/` from it: `async` and
`await` go, and the names below (and unasync's own: `__aenter__`, `AsyncIterator`, a class
`AsyncX` -> `SyncX`, ...) become their sync counterparts, in code and in its strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ASYNC_DIR = "_async"
SYNC_DIR = "_sync"
# Names whose sync counterpart is not unasync's rule (`AsyncX` -> `SyncX`).
UNASYNC_NAMES = {
    "AsyncA2E": "A2E",  # the clients, named in docstrings
    "AsyncClient": "Client",  # httpx
    "AsyncRetrying": "Retrying",  # tenacity
    "aclose": "close",
    "aread": "read",
    "_async_sleep": "_sleep",
    "async_bounded": "bounded",
    "async_client": "sync_client",
    "async_to_raw_response_wrapper": "to_raw_response_wrapper",
    "async_notify": "notify",
    "async_in_thread": "in_thread",
    "aiter_bytes": "iter_bytes",
    "_async": "_sync",  # the package of a module (`from .._async._http import ...`)
    "asyncio": "time",  # for `asyncio.sleep`: an async source uses no other part of asyncio
}
# In strings (docstrings' examples): `async for`/`async with` -> `for`/`with`, no `await`.
_ASYNC_WORDS = re.compile(r"\basync (?=for\b|with\b)|\bawait ")
_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


def _rule(source: Path, target: Path) -> Any:
    import unasync  # type: ignore[import-untyped,unused-ignore]

    class Rule(unasync.Rule):  # type: ignore[misc]
        """unasync's rule, also applied to the words of strings (docstrings, messages)."""

        def _unasync_tokens(self, tokens: Iterable[Any]) -> Iterator[Any]:
            for token in super()._unasync_tokens(tokens):
                if token.name == "STRING":
                    text = _ASYNC_WORDS.sub("", token.src)
                    text = _WORD.sub(lambda m: self._unasync_name(m.group()), text)
                    token = token._replace(src=text)
                yield token

    return Rule(str(source), str(target), additional_replacements=UNASYNC_NAMES)


def unasync_package(package_dir: Path, runtime_dir: Path) -> list[Path]:
    """Copy `runtime_dir/_async/` into the package and write its sync twin, `_sync/`;
    return the files written. The sync files of the same sources are taken from the
    generator's cache when there (importing unasync costs more than the rest of it)."""
    import shutil

    source = runtime_dir / ASYNC_DIR
    if not source.is_dir():
        return []
    async_dir, sync_dir = package_dir / ASYNC_DIR, package_dir / SYNC_DIR
    shutil.copytree(source, async_dir, ignore=shutil.ignore_patterns("__pycache__"))
    files = sorted(async_dir.glob("*.py"))
    cached = _cache_dir() / _fingerprint(files)
    if cached.is_dir():
        shutil.copytree(cached, sync_dir)
    else:
        import unasync  # type: ignore[import-untyped,unused-ignore]

        unasync.unasync_files([str(f) for f in files], [_rule(async_dir, sync_dir)])
        (sync_dir / "__init__.py").write_text(
            f'"""The sync code of the client, generated from `{ASYNC_DIR}/` by unasync."""\n',
            encoding="utf-8",
        )
        _store(sync_dir, cached)
    return [*files, *sorted(sync_dir.glob("*.py"))]


def _cache_dir() -> Path:
    from generator._verify import _cache_dir as mypy_cache

    return mypy_cache().parent / "unasync"


def _fingerprint(files: list[Path]) -> str:
    """What the sync files depend on: the async sources, the names, this module, unasync."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(version("unasync").encode())
    digest.update(Path(__file__).read_bytes())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _store(sync_dir: Path, cached: Path) -> None:
    """Keep a copy of `sync_dir` at `cached` (written aside, then renamed: whole or absent)."""
    import contextlib
    import shutil
    import tempfile

    cached.parent.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(dir=cached.parent, prefix=".tmp-"))
    shutil.copytree(sync_dir, aside, dirs_exist_ok=True)
    try:
        aside.rename(cached)
    except OSError:  # another generator stored it first
        shutil.rmtree(aside, ignore_errors=True)
    with contextlib.suppress(OSError):
        for old in sorted(cached.parent.iterdir(), key=lambda p: p.stat().st_mtime)[:-8]:
            shutil.rmtree(old, ignore_errors=True)
