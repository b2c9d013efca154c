"""Every file URL the mock answers (a task's result, a stored or uploaded file) is signed and
expires: served exactly as answered until the spec's `x-a2e-expires-after` has passed by
the mock's clock, refused with 403 otherwise, whatever exists behind it; a fresh read of a
task answers a fresh URL; one tenant cannot make another's."""

from __future__ import annotations

import copy
import dataclasses
import math
import string
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests._spec import Spec
from generator import _mock as mock_renderer
from generator._build import SPEC_PATH
from generator._parse import GenerationError, parse
from generator._release import package_version
from tests.mock.conftest import (
    AUTH,
    ID,
    LIST,
    OTHER_AUTH,
    RECORD,
    RESULT,
    START,
    TRANSFER,
    Check,
    get_task,
    start_task,
    unsigned,
)
from tests.upload._spec import NAMES, PRESIGN, SOURCE_FIELD, presign_body, start_body, wav

pytestmark = pytest.mark.anyio
DURATION = RECORD.duration.wire


def lifetime(spec: Spec) -> int:
    """`x-a2e-expires-after` of the record's result URL, read from the spec file."""
    schema = spec.resolve(spec.pointer(f"#/components/schemas/{RECORD.schema}"))
    value = schema["properties"][RESULT]["x-a2e-expires-after"]
    assert isinstance(value, int)
    return value


def expires(url: str) -> int:
    return int(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["expires"])


def with_query(url: str, query: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(query=query))


def query_of(url: str) -> str:
    return urllib.parse.urlsplit(url).query


def refused(answer: httpx.Response, words: str = "signature") -> tuple[int, str]:
    """403 in A2E's envelope; (status, msg) to compare refusals with."""
    assert answer.status_code == 403, answer.text
    body = answer.json()
    assert body["code"] == 403
    assert words in body["msg"]
    return answer.status_code, body["msg"]


async def result_of(client: httpx.AsyncClient, check: Check, auth: dict[str, str] = AUTH) -> Any:
    """A task started and completed by the owner of `auth`: its record (result signed)."""
    task = await start_task(client, auth)
    done = await client.post(f"/__mock/tasks/{task[ID]}/complete", headers=auth)
    assert done.status_code == 200, done.text
    return check("getDubbingTask", await get_task(client, task[ID], auth))["data"]


async def uploaded(client: httpx.AsyncClient, content: bytes, auth: dict[str, str] = AUTH) -> str:
    """The reading URL of a file uploaded through a presigned URL."""
    answer = await client.request(
        PRESIGN.method.upper(), PRESIGN.path, json=presign_body(), headers=auth
    )
    data = answer.json()["data"]
    put = await client.put(data[NAMES["put"]], content=content)
    assert put.status_code == 200, put.text
    return str(data[NAMES["url"]])


async def transferred(client: httpx.AsyncClient, auth: dict[str, str] = AUTH) -> str:
    answer = await client.post(TRANSFER, json={"url": "https://e.com/a/talk.mp3"}, headers=auth)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["data"]["url"])


@pytest.fixture
async def urls(client: httpx.AsyncClient, check: Check) -> dict[str, str]:
    """One signed URL of each kind the mock answers."""
    return {
        "result": (await result_of(client, check))[RESULT],
        "upload": await uploaded(client, wav(1.0)),
        "storage": await transferred(client),
    }


KINDS = ("result", "upload", "storage")


@pytest.mark.parametrize("kind", KINDS)
async def test_a_signed_url_serves_get_and_head_without_a_token(
    client: httpx.AsyncClient, urls: dict[str, str], kind: str
) -> None:
    url = urls[kind]
    got, head = await client.get(url), await client.head(url)
    assert (got.status_code, head.status_code) == (200, 200)
    assert got.content[:4] == b"RIFF"
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(got.content)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_missing_or_changed_signature_is_refused(
    client: httpx.AsyncClient, urls: dict[str, str], kind: str, check: Check
) -> None:
    url = urls[kind]
    signature = dict(urllib.parse.parse_qsl(query_of(url)))["signature"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    refused(await client.get(unsigned(url)), "signature: missing")
    refused(await client.get(url.replace(signature, flipped)), "does not match")
    refused(await client.get(url.replace(signature, signature.upper())), "does not match")
    refused(await client.get(url.replace(signature, "")), "signature: missing")
    assert (await client.head(url.replace(signature, flipped))).status_code == 403
    later = url.replace(f"expires={expires(url)}", f"expires={expires(url) + 3600}")
    refused(await client.get(later), "does not match")  # a later expiry is not signed
    refused(await client.get(f"{url}&signature={signature}"), "does not match")  # twice
    refused(await client.get(f"{url}&download=1"), "does not match")  # anything more
    # This signature on another path of the same kind: another task, another file.
    last = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]
    if kind == "result":  # another completed task of the same owner
        other_id = (await result_of(client, check))[ID]
        other = url.replace(last, last.replace(last.split(".")[0], other_id))
    else:
        other = url.replace(last, "other.wav")
    assert unsigned(other) != unsigned(url)
    refused(await client.get(other), "does not match")
    assert (await client.get(url)).status_code == 200  # as answered it still works


async def test_a_url_of_one_kind_does_not_serve_another(
    client: httpx.AsyncClient, urls: dict[str, str]
) -> None:
    """A read signature is no PUT signature: the answered `url` of an upload cannot
    replace the file."""
    refused(await client.put(urls["upload"], content=b"replaced"), "does not match")
    assert (await client.get(urls["upload"])).content[:4] == b"RIFF"


@pytest.mark.parametrize("kind", KINDS)
async def test_a_url_expires_after_the_specs_lifetime_by_the_mocks_clock(
    client: httpx.AsyncClient, clock: ManualClock, spec: Spec, kind: str, check: Check
) -> None:
    seconds = lifetime(spec)
    assert seconds == 259200  # about 3 days, as the spec says of A2E's result URLs
    task: Any = None
    if kind == "result":
        task = await result_of(client, check)
        url = task[RESULT]
    else:
        url = await (uploaded(client, wav(1.0)) if kind == "upload" else transferred(client))
    assert expires(url) == math.ceil(clock.now()) + seconds
    clock.advance(seconds)  # the last second it is valid
    assert (await client.get(url)).status_code == 200
    clock.advance(1.5)
    _, message = refused(await client.get(url), "expired")
    assert (await client.head(url)).status_code == 403
    assert "ask the API for a new one" in message
    if kind == "result":  # a fresh read answers a fresh URL, valid from now
        fresh = check("getDubbingTask", await get_task(client, task[ID]))["data"][RESULT]
        assert expires(fresh) == math.ceil(clock.now()) + seconds
        assert (await client.get(fresh)).status_code == 200
        listed = (await client.get(LIST, headers=AUTH)).json()["data"]["rows"]
        assert (await client.get(listed[0][RESULT])).status_code == 200


async def test_each_read_signs_the_result_afresh(
    client: httpx.AsyncClient, clock: ManualClock, check: Check
) -> None:
    first = await result_of(client, check)
    clock.advance(10)
    again = check("getDubbingTask", await get_task(client, first[ID]))["data"]
    assert unsigned(again[RESULT]) == unsigned(first[RESULT])
    assert expires(again[RESULT]) == expires(first[RESULT]) + 10
    assert query_of(again[RESULT]) != query_of(first[RESULT])
    for url in (first[RESULT], again[RESULT]):  # both valid until they expire
        assert (await client.get(url)).status_code == 200


async def test_another_tenant_cannot_make_a_result_url(
    client: httpx.AsyncClient, check: Check
) -> None:
    alice = await result_of(client, check, AUTH)
    bob = await result_of(client, check, OTHER_AUTH)
    assert (await get_task(client, alice[ID], OTHER_AUTH)).status_code == 404
    # Bob knows (or guesses) Alice's id: the path alone, or with his own signature, is
    # refused exactly as for an id that does not exist: nothing is learnt.
    alices = unsigned(alice[RESULT])
    bobs_query = query_of(bob[RESULT])
    nobody = alices.replace(alice[ID], "f" * 24)
    for guess in (alices, with_query(alices, bobs_query)):
        assert refused(await client.get(guess)) == refused(
            await client.get(guess.replace(alices, nobody))
        )
    assert (await client.get(bob[RESULT])).status_code == 200
    assert (await client.get(alice[RESULT])).status_code == 200  # as answered to Alice


async def test_another_tenant_cannot_read_or_use_an_upload(
    client: httpx.AsyncClient, check: Check
) -> None:
    seconds = 3.0
    alices = await uploaded(client, wav(seconds), AUTH)
    bobs = await uploaded(client, wav(1.0), OTHER_AUTH)
    moved = with_query(alices, query_of(bobs))
    refused(await client.get(moved))
    refused(await client.get(unsigned(alices)))
    # A task started from the URL as answered gets the file's real length; from the URL
    # without its signature the mock does not read the file (a made-up length, as for
    # any URL it cannot fetch).
    own = await client.post(START, json=start_body(alices), headers=AUTH)
    stolen = await client.post(START, json=start_body(unsigned(alices)), headers=OTHER_AUTH)
    forged = await client.post(START, json=start_body(moved), headers=OTHER_AUTH)
    assert own.json()["data"][DURATION] == seconds
    for answer in (stolen, forged):
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"][DURATION] != seconds


async def test_an_expired_upload_url_is_not_read_as_a_source(
    client: httpx.AsyncClient, clock: ManualClock, spec: Spec
) -> None:
    seconds = 2.0
    url = await uploaded(client, wav(seconds))
    clock.advance(lifetime(spec) + 1.5)
    answer = await client.post(START, json=start_body(url), headers=AUTH)
    assert answer.json()["data"][DURATION] != seconds
    assert answer.json()["data"][SOURCE_FIELD] == url  # the request is kept as sent


async def test_urls_outlive_a_restart_on_the_same_storage_and_no_other(
    tmp_path: Path, check: Check
) -> None:
    async def answered(app: MockApp) -> dict[str, str]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://mock.test"
        ) as http:
            return {
                "result": (await result_of(http, check))[RESULT],
                "storage": await transferred(http),
            }

    async def statuses(app: MockApp, urls: dict[str, str]) -> list[int]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://mock.test"
        ) as http:
            return [(await http.get(url)).status_code for url in urls.values()]

    db = tmp_path / "mock.sqlite3"
    with create_app(db=db, processing_seconds=None) as first:
        urls = await answered(first)
    with create_app(db=db, processing_seconds=None) as again:
        assert await statuses(again, urls) == [200, 200]
    with create_app(db=db, uploads=tmp_path / "other", processing_seconds=None) as other:
        assert await statuses(other, urls) == [403, 403]  # another storage, another key
    with create_app() as in_memory, create_app() as another:
        assert await statuses(another, await answered(in_memory)) == [403, 403]


# Any change to a signed URL's path or query is refused, unless it leaves the path and the
# query's pairs as they were (a trailing `&`). No `%` (re-encoding is allowed: it names the
# same path), `/` or `?` is written, so httpx sends the string as it is. An edit is at a
# position, or just after the n-th `=`, `&`, `/` or `.` (where a change means most), or at
# the end; what it writes leans to the query's own characters.
_WRITTEN = string.ascii_letters + string.digits + "-._~=&"
_TEXT = st.text(
    st.one_of(st.sampled_from("=&0"), st.sampled_from(_WRITTEN)), min_size=1, max_size=3
)
_WHERE = st.one_of(
    st.integers(min_value=0),
    st.tuples(st.sampled_from("=&/."), st.integers(min_value=0)),
    st.just("end"),
)
Edit = tuple[str, int | tuple[str, int] | str, str]
_EDIT = st.tuples(st.sampled_from(["replace", "insert", "delete"]), _WHERE, _TEXT)


def _edited(url: str, edits: list[Edit]) -> str:
    """`url` with `edits` to its path (after its first `/`) and query."""
    parts = urllib.parse.urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}/"
    rest = url[len(origin) :]
    for kind, where, text in edits:
        if where == "end":
            at = len(rest)
        elif isinstance(where, tuple):
            marks = [i + 1 for i, char in enumerate(rest) if char == where[0]] or [len(rest)]
            at = marks[where[1] % len(marks)]
        else:
            at = int(where) % (len(rest) + 1)
        if kind == "insert":
            rest = rest[:at] + text + rest[at:]
        elif kind == "replace":
            rest = rest[:at] + text + rest[at + len(text) :]
        else:
            rest = rest[:at] + rest[at + len(text) :]
    return origin + rest


def _same_request(a: str, b: str) -> bool:
    """Whether the mock sees the same path and query pairs in `a` and `b`."""
    first, second = httpx.URL(a), httpx.URL(b)
    pairs = [
        urllib.parse.parse_qsl(url.query.decode(), keep_blank_values=True)
        for url in (first, second)
    ]
    return first.path == second.path and pairs[0] == pairs[1]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(KINDS), edits=st.lists(_EDIT, min_size=1, max_size=3))
async def test_any_changed_url_is_refused(
    client: httpx.AsyncClient,
    urls: dict[str, str],
    kind: str,
    edits: list[Edit],
) -> None:
    url = urls[kind]
    changed = _edited(url, edits)
    answer = await client.get(changed)
    if _same_request(changed, url):
        assert answer.status_code == 200, (changed, answer.text)
        return
    assert answer.status_code in (403, 404), (changed, answer.text)
    assert answer.json()["code"] == answer.status_code


def test_the_lifetime_comes_from_the_spec_and_generation_needs_it() -> None:
    from a2e_dubbing_mock import _spec

    parsed = parse(SPEC_PATH)
    assert lifetime(Spec.load()) == _spec.URL_LIFETIME
    document = copy.deepcopy(parsed.document)
    result = document["components"]["schemas"][RECORD.schema]["properties"][RESULT]
    del result["x-a2e-expires-after"]
    changed = dataclasses.replace(parsed, document=document)
    with pytest.raises(GenerationError, match="x-a2e-expires-after"):
        mock_renderer.mock_view(changed, version=package_version(parsed.document))
