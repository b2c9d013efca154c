"""The recording proxy never costs the caller an answer: when a recording cannot be saved
(refused by the scrubber, a folder it cannot write), the caller still gets upstream's
answer, unchanged, and a warning says the recording was dropped and why, without a secret.

The upstream is a small app on 127.0.0.1 that counts the (paid) work it does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contract_tests import _api as api
from contract_tests._local import serving
from contract_tests._proxy import proxy_app
from contract_tests._spec import Spec

KEY = "sk_test_proxy_caller_0123456789"
START = api.op("dubbing.start")


class _Upstream:
    """Answers each request with the status and body its JSON body asks for; counts them."""

    def __init__(self) -> None:
        self.calls = 0
        self.app = Starlette(routes=[Route("/{path:path}", self._answer, methods=["POST"])])

    async def _answer(self, request: Request) -> Response:
        self.calls += 1
        asked = await request.json()
        body = json.dumps({"code": asked["code"], "msg": "done", "data": {"n": self.calls}})
        return Response(
            body,
            status_code=asked["status"],
            media_type="application/json",
            headers={"retry-after": "7"} if asked["status"] == 503 else None,
        )


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[_Upstream, str]]:
    fake = _Upstream()
    with serving(fake.app) as url:
        yield fake, url


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def warnings() -> Iterator[_Warnings]:
    handler = _Warnings()
    logger = logging.getLogger("a2e_conformance.proxy")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@contextlib.contextmanager
def _proxy(upstream: str, folder: Path, spec: Spec) -> Iterator[httpx.Client]:
    """The proxy on 127.0.0.1, and a client of it."""
    with (
        serving(proxy_app(upstream, folder, spec), lifespan=True) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


def _send(client: httpx.Client, key: str, status: int, code: int = 0) -> tuple[int, bytes]:
    answer = client.post(
        START.path,
        json={"status": status, "code": code},
        headers={"Authorization": f"Bearer {key}"},
    )
    return answer.status_code, answer.content


def test_a_refused_recording_still_answers_what_upstream_did(
    upstream: tuple[_Upstream, str],
    spec: Spec,
    tmp_path: Path,
    warnings: _Warnings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = upstream
    before = fake.calls
    with _proxy(url, tmp_path, spec) as client:
        status, body = _send(client, "shortk", 200)  # too short to scrub: refused
    assert status == 200
    assert json.loads(body) == {"code": 0, "msg": "done", "data": {"n": before + 1}}
    assert fake.calls == before + 1  # sent once, not again
    assert list(tmp_path.iterdir()) == []
    [line] = warnings.lines
    assert line.startswith(f"recording dropped: POST {START.path} answered 200: ")
    assert "too short to scrub" in line
    assert "shortk" not in line
    assert "recorded" not in capsys.readouterr().out


def test_a_folder_it_cannot_write_drops_the_recording_not_the_answer(
    upstream: tuple[_Upstream, str], spec: Spec, tmp_path: Path, warnings: _Warnings
) -> None:
    _, url = upstream
    blocked = tmp_path / "out"
    blocked.write_text("a file where the folder should be")
    with _proxy(url, blocked, spec) as client:
        answer = client.post(
            START.path,
            json={"status": 503, "code": 503},
            headers={"Authorization": f"Bearer {KEY}"},
        )
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "7"
    assert answer.json()["code"] == 503
    [line] = warnings.lines
    assert line.startswith(f"recording dropped: POST {START.path} answered 503: ")
    assert KEY not in line


def test_each_recorded_exchange_is_printed_with_its_file(
    upstream: tuple[_Upstream, str],
    spec: Spec,
    tmp_path: Path,
    warnings: _Warnings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, url = upstream
    with _proxy(url, tmp_path, spec) as client:
        client.post(
            START.path + ";jsessionid=J5E55ION1D",
            json={"status": 200, "code": 0},
            headers={"Authorization": f"Bearer {KEY}"},
        )
    [saved] = tmp_path.iterdir()
    out = capsys.readouterr().out
    assert out == f"recorded POST {START.path};jsessionid=REDACTED 200 -> {saved}\n"
    assert warnings.lines == []


_FAULTS = st.lists(st.sampled_from(["ok", "short key", "no folder"]), min_size=1, max_size=6)


def test_whatever_the_recorder_does_every_answer_passes_through_once(
    upstream: tuple[_Upstream, str], spec: Spec, tmp_path: Path, warnings: _Warnings
) -> None:
    fake, url = upstream
    folder = tmp_path / "out"

    @settings(max_examples=40, deadline=None)
    @given(
        faults=_FAULTS,
        statuses=st.lists(st.sampled_from([200, 400, 401, 500, 503]), min_size=6, max_size=6),
    )
    def sequence(client: httpx.Client, faults: list[str], statuses: list[int]) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        warnings.lines.clear()
        calls = fake.calls
        for fault, status in zip(faults, statuses, strict=False):
            if fault == "no folder":
                folder.rename(folder.with_name("kept"))
                folder.write_text("not a folder")
            key = "shortk" if fault == "short key" else KEY
            got = _send(client, key, status, code=0 if status == 200 else status)
            if fault == "no folder":
                folder.unlink()
                folder.with_name("kept").rename(folder)
            assert got[0] == status
            assert json.loads(got[1])["data"] == {"n": fake.calls}
        assert fake.calls == calls + len(faults)  # each request did its work once
        assert len(list(folder.iterdir())) == faults.count("ok")
        assert len(warnings.lines) == len(faults) - faults.count("ok")
        assert not any(KEY in line or "shortk" in line for line in warnings.lines)

    with _proxy(url, folder, spec) as client:
        sequence(client)
