"""An upload and the start after it, under any sequence of faults: the file is stored at
most once, one start never makes two tasks nor returns one it did not make, and every
failure is a typed error. Also: the key never goes to the storage, and what the storage
says back is kept without it."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from a2e_dubbing import (
    A2E,
    A2EError,
    AsyncA2E,
    UploadConnectionError,
    UploadHTTPError,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.client._records import BASE_URL, KEY, error, ok, task

from ._spec import NAMES, PRESIGN, SOURCE_FIELD, SPEC, START

STORAGE = "https://storage.example"
FILES = "https://cdn.example"
PUT_OUTCOMES = ("ok", "503", "503-after", "429", "refused", "dropped", "dropped-after")
START_OUTCOMES = ("ok", "503-before", "503-after", "dropped", "refused")


def _path(operation_id: str) -> str:
    return next(op.path for op in SPEC.operations if op.operation_id == operation_id)


pytestmark = pytest.mark.usefixtures("no_retry_sleep")


def _signature(number: int) -> str:
    return f"s3cr3t{number:058x}"  # 64 characters, as SigV4's


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Fakes:
    """A2E (presign, start, the look-up's lists) and its storage, each losing answers as
    told. The storage keeps one file per presigned URL, as the mock does."""

    def __init__(
        self, router: respx.Router, put_outcomes: list[str], start_outcomes: list[str]
    ) -> None:
        self.put_outcomes = list(put_outcomes)
        self.start_outcomes = list(start_outcomes)
        self.presigned = 0
        self.files: dict[int, bytes] = {}
        self.tasks: list[dict[str, Any]] = []
        self.requests: list[httpx.Request] = []
        self.ids = (f"77aa4dd87db10c73fa29{n:04x}" for n in itertools.count())
        router.route(method=PRESIGN.method.upper(), url=BASE_URL + PRESIGN.path).mock(
            side_effect=self._presign
        )
        router.route(method="PUT", url__startswith=f"{STORAGE}/put/").mock(side_effect=self._put)
        router.route(method="HEAD", url__startswith=f"{FILES}/files/").mock(side_effect=self._head)
        router.post(BASE_URL + START.path).mock(side_effect=self._start)
        router.get(BASE_URL + _path("listProcessingDubbingTasks")).mock(
            side_effect=lambda _: httpx.Response(200, json=ok(self.tasks))
        )
        router.get(BASE_URL + _path("listDubbingTasks")).mock(
            side_effect=lambda _: httpx.Response(
                200, json=ok({"rows": self.tasks[::-1], "count": len(self.tasks)})
            )
        )

    def _presign(self, request: httpx.Request) -> httpx.Response:
        self.presigned += 1
        number = self.presigned
        key = json.loads(request.content)[NAMES["name"]]
        return httpx.Response(
            200,
            json=ok(
                {
                    NAMES["put"]: f"{STORAGE}/put/{number}?X-Amz-Signature={_signature(number)}",
                    NAMES["url"]: f"{FILES}/files/{number}",
                    NAMES["name"]: key,
                    NAMES["expires"]: 3600,
                }
            ),
        )

    def _put(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        number = int(request.url.path.rsplit("/", 1)[1])
        content = request.read()
        assert len(content) == int(request.headers["content-length"])
        outcome = self.put_outcomes.pop(0) if self.put_outcomes else "ok"
        if outcome == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        if outcome in ("503", "429"):
            return httpx.Response(int(outcome), headers={"Retry-After": "0"}, text="busy")
        if number in self.files:
            return httpx.Response(409, json=error(409, "used already"))
        self.files[number] = content
        if outcome == "503-after":
            return httpx.Response(503, text="stored, but a gateway says otherwise")
        if outcome in ("dropped", "dropped-after"):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200)

    def _head(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        number = int(request.url.path.rsplit("/", 1)[1])
        if number not in self.files:
            return httpx.Response(404)
        return httpx.Response(200, headers={"Content-Length": str(len(self.files[number]))})

    def _start(self, request: httpx.Request) -> httpx.Response:
        outcome = self.start_outcomes.pop(0) if self.start_outcomes else "ok"
        if outcome == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        if outcome == "503-before":
            return httpx.Response(503, json=error(503, "busy"))
        sent = json.loads(request.content)
        record = task(
            _id=next(self.ids),
            name=sent["name"],
            source_url=sent[SOURCE_FIELD],
            target_lang=sent["target_lang"],
            createdAt=_now(),
            updatedAt=_now(),
        )
        self.tasks.append(record)
        if outcome == "503-after":
            return httpx.Response(503, json=error(503, "lost"))
        if outcome == "dropped":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, json=ok(record))


def _check(fakes: Fakes, source: Path, outcome: Any) -> None:
    """The invariants, whatever happened."""
    assert fakes.presigned == 1  # the upload is asked for once, before the start
    assert len(fakes.files) <= 1
    assert len(fakes.tasks) <= 1  # never two paid tasks
    for request in fakes.requests:
        assert "authorization" not in request.headers
    if isinstance(outcome, BaseException):
        assert isinstance(outcome, A2EError), repr(outcome)  # typed, always
        return
    (stored,) = fakes.files.values()
    assert stored == source.read_bytes()
    (made,) = fakes.tasks
    assert outcome.task_id == made["_id"]  # the task this call made, no other
    assert outcome.source_url == f"{FILES}/files/1"


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    puts=st.lists(st.sampled_from(PUT_OUTCOMES), max_size=5),
    starts=st.lists(st.sampled_from(START_OUTCOMES), max_size=5),
)
def test_any_sequence_of_faults_keeps_the_start_rules(
    tmp_path: Path, puts: list[str], starts: list[str]
) -> None:
    source = tmp_path / "talk.wav"
    source.write_bytes(b"RIFF" + bytes(range(256)) * 3000)
    with respx.mock(assert_all_called=False) as router:
        fakes = Fakes(router, puts, starts)
        with A2E(api_key=KEY, base_url=BASE_URL, max_retries=3) as client:
            try:
                outcome: Any = client.dubbing.start(source_url=source, target_lang="en")
            except Exception as raised:
                outcome = raised
    _check(fakes, source, outcome)


@pytest.mark.anyio
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    puts=st.lists(st.sampled_from(PUT_OUTCOMES), max_size=5),
    starts=st.lists(st.sampled_from(START_OUTCOMES), max_size=5),
)
async def test_async_any_sequence_of_faults_keeps_the_start_rules(
    tmp_path: Path, puts: list[str], starts: list[str]
) -> None:
    source = tmp_path / "talk.wav"
    source.write_bytes(b"RIFF" + bytes(range(256)) * 3000)
    with respx.mock(assert_all_called=False) as router:
        fakes = Fakes(router, puts, starts)
        async with AsyncA2E(api_key=KEY, base_url=BASE_URL, max_retries=3) as client:
            try:
                outcome: Any = await client.dubbing.start(source_url=source, target_lang="en")
            except Exception as raised:
                outcome = raised
    _check(fakes, source, outcome)


def test_a_stored_upload_whose_answer_was_lost_is_confirmed_not_sent_again(
    tmp_path: Path,
) -> None:
    source = tmp_path / "talk.wav"
    source.write_bytes(b"RIFF" * 1000)
    with respx.mock(assert_all_called=False) as router:
        fakes = Fakes(router, ["dropped-after"], [])
        with A2E(api_key=KEY, base_url=BASE_URL) as client:
            url = client.storage.upload(source)
    assert url == f"{FILES}/files/1"
    assert [r.method for r in fakes.requests] == ["PUT", "PUT", "HEAD"]  # 409, then confirmed
    assert fakes.files == {1: source.read_bytes()}


def test_when_every_attempt_fails_the_error_is_typed_and_says_what_happened(
    tmp_path: Path,
) -> None:
    source = tmp_path / "talk.wav"
    source.write_bytes(b"RIFF")
    with respx.mock(assert_all_called=False) as router:
        Fakes(router, ["503"] * 3, [])
        with (
            A2E(api_key=KEY, base_url=BASE_URL, max_retries=2) as client,
            pytest.raises(UploadHTTPError) as caught,
        ):
            client.storage.upload(source)
    assert caught.value.status_code == 503
    assert "HTTP 503" in str(caught.value)
    assert "busy" in str(caught.value)
    with respx.mock(assert_all_called=False) as router:
        Fakes(router, ["refused"] * 3, [])
        with (
            A2E(api_key=KEY, base_url=BASE_URL, max_retries=2) as client,
            pytest.raises(UploadConnectionError) as refused,
        ):
            client.storage.upload(source)
    assert refused.value.sent is False


# The key and the signature


def test_the_key_is_never_sent_to_the_storage_even_from_a_callers_client(tmp_path: Path) -> None:
    source = tmp_path / "talk.wav"
    source.write_bytes(b"RIFF")
    own = httpx.Client(headers={"Authorization": f"Bearer {KEY}"})
    with respx.mock(assert_all_called=False) as router:
        fakes = Fakes(router, ["dropped-after"], [])
        with A2E(api_key=KEY, base_url=BASE_URL, http_client=own) as client:
            client.storage.upload(source)
    own.close()
    assert fakes.requests
    for request in fakes.requests:
        assert "authorization" not in request.headers
        assert KEY not in str(request.headers)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            b"<?xml version='1.0'?><Error><Code>SignatureDoesNotMatch</Code><Message>The request "
            b"signature we calculated does not match</Message></Error>",
            "SignatureDoesNotMatch: The request signature we calculated does not match",
        ),
        (json.dumps(error(403, "signature: expired")).encode(), "signature: expired"),
        (
            f"denied for Bearer {KEY} at PUT /put/1?X-Amz-Signature={_signature(1)}".encode(),
            "denied for REDACTED at PUT /put/1?X-Amz-Signature=REDACTED",
        ),
    ],
)
def test_what_the_storage_says_is_kept_without_the_key_or_the_signature(
    tmp_path: Path, body: bytes, said: str
) -> None:
    source = tmp_path / "talk.wav"
    source.write_bytes(b"RIFF")
    with respx.mock(assert_all_called=False) as router:
        Fakes(router, [], [])
        router.route(method="PUT", url__startswith=f"{STORAGE}/put/").mock(
            return_value=httpx.Response(403, content=body)
        )
        with (
            A2E(api_key=KEY, base_url=BASE_URL) as client,
            pytest.raises(UploadHTTPError) as caught,
        ):
            client.storage.upload(source)
    shown = f"{caught.value} {caught.value!r} {caught.value.url}"
    assert caught.value.status_code == 403
    assert "expired or was changed" in str(caught.value)
    assert said in str(caught.value)
    assert KEY not in shown
    assert "s3cr3t" not in shown
    assert caught.value.url == f"{STORAGE}/put/1"
