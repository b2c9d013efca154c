"""Every kind of bad input gets a 4xx envelope whose `msg` names the field and the reason."""

from __future__ import annotations

import json
import random
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from a2e_dubbing_mock import _faults, _validation, create_app
from a2e_dubbing_mock._errors import ApiError
from a2e_dubbing_mock._spec import MAX_BODY_BYTES

from contract_tests._api import op, operations
from tests.mock.conftest import AUTH, SEED_BODY, START, Check

pytestmark = pytest.mark.anyio
JSON = {"content-type": "application/json"}


@dataclass
class Bad:
    """One bad request and what its answer must say."""

    name: str  # the operation, by its client method
    status: int
    says: tuple[str, ...]  # substrings of `msg`, the field first
    values: dict[str, Any] = field(default_factory=dict)  # by keyword, where the spec puts them
    query: str = ""  # a raw query string, as sent
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def operation(self) -> str:
        return op(self.name).operation_id

    def request(self) -> dict[str, Any]:
        """Keyword arguments of `httpx.Client.request` for this case (a valid key unless testing auth)."""
        headers = {**AUTH, **self.headers} if "Authorization" not in self.headers else self.headers
        if self.says[:1] == ("Authorization",) and "Authorization" not in self.headers:
            headers = dict(self.headers)
        target = op(self.name)
        url = target.url(**self.values) + self.query
        kwargs: dict[str, Any] = {"method": target.method, "url": url, "headers": headers}
        if self.content is not None:
            kwargs["content"] = self.content
        elif self.json is not None:
            kwargs["json"] = self.json
        return kwargs

    def assert_answered(self, status: int, body: dict[str, Any]) -> None:
        """The answer is this case's status, with a `msg` that names the field and reasons."""
        assert status == self.status, body
        assert body["code"] == (self.status if self.status != 200 else 400)
        field_name, *reasons = self.says
        assert body["msg"].startswith(field_name), body["msg"]
        for reason in reasons:
            assert reason in body["msg"], body["msg"]


def start(status: int, says: tuple[str, ...], **change: Any) -> Bad:
    body = {k: v for k, v in {**SEED_BODY, **change}.items() if v is not ...}
    return Bad("dubbing.start", status, says, json=body)


CASES = {
    # body: missing, wrong types, limits, URLs, languages
    "missing source_url": start(422, ("source_url", "required"), source_url=...),
    "missing target_lang": start(422, ("target_lang", "required"), target_lang=...),
    "num_speakers string": start(422, ("num_speakers", "type integer"), num_speakers="2"),
    "num_speakers zero": start(422, ("num_speakers", "at least 1"), num_speakers=0),
    "num_speakers too many": start(422, ("num_speakers", "at most 50"), num_speakers=51),
    "num_speakers boolean": start(422, ("num_speakers", "integer"), num_speakers=True),
    "drop flag string": start(422, ("drop_background_audio", "boolean"), drop_background_audio="no"),
    "name empty": start(422, ("name", "at least 1"), name=""),
    "name too long": start(422, ("name", "at most 256"), name="n" * 257),
    "name not a string": start(422, ("name", "string"), name=["a"]),
    "url not http": start(422, ("source_url", "must match"), source_url="ftp://example.com/a.wav"),
    "url with a space": start(422, ("source_url", "uri"), source_url="https://exa mple.com/a"),
    "url without host": start(422, ("source_url", "host"), source_url="https://"),
    "url too long": start(422, ("source_url", "2048"), source_url="https://e.com/" + "a" * 2100),
    "target_lang syntax": start(422, ("target_lang", "unsupported"), target_lang="EN"),
    "target_lang unknown": start(422, ("target_lang", "unsupported"), target_lang="xx"),
    "target_lang auto": start(422, ("target_lang", "unsupported"), target_lang="auto"),
    "target_lang number": start(422, ("target_lang", "must be of type string"), target_lang=7),
    "source_lang unknown": start(422, ("source_lang", "unsupported"), source_lang="qq"),
    "source_lang syntax": start(422, ("source_lang", "unsupported"), source_lang="Chinese"),
    "body is an array": Bad("dubbing.start", 422, ("request body", "object"), json=[1]),
    "body is null": Bad("dubbing.start", 422, ("request body", "object"), json=None, content=b"null", headers=JSON),
    "transfer url missing": Bad("storage.transfer", 422, ("url", "required"), json={}),
    "transfer url bad": Bad("storage.transfer", 422, ("url", "must match"), json={"url": "file:///etc/passwd"}),
    # body: not JSON at all
    "malformed JSON": Bad("dubbing.start", 400, ("request body", "malformed JSON"), content=b'{"source_url": ', headers=JSON),
    "trailing comma": Bad("dubbing.start", 400, ("request body", "malformed"), content=b'{"a": 1,}', headers=JSON),
    "empty body": Bad("dubbing.start", 400, ("request body", "required"), content=b"", headers=JSON),
    "invalid UTF-8": Bad("dubbing.start", 400, ("request body", "UTF-8"), content=b'{"source_url": "https://e.com/\xff", "target_lang": "en"}', headers=JSON),
    "lone surrogate": Bad("dubbing.start", 400, ("request body",), content=b'{"name": "\\ud800", "source_url": "https://e.com/a", "target_lang": "en"}', headers=JSON),
    "deep nesting": Bad("dubbing.start", 400, ("request body", "nested too deeply"), content=b'{"source_url": ' + b"[" * 5000 + b"]" * 5000 + b"}", headers=JSON),
    "huge number": Bad("dubbing.start", 400, ("request body",), content=b'{"num_speakers": 1e999}', headers=JSON),
    # content type and size
    "text/plain": Bad("dubbing.start", 415, ("Content-Type", "application/json"), content=b"{}", headers={"content-type": "text/plain"}),
    "form body": Bad("storage.transfer", 415, ("Content-Type",), content=b"url=x", headers={"content-type": "application/x-www-form-urlencoded"}),
    "no content type": Bad("dubbing.start", 415, ("Content-Type", "missing"), content=b"{}"),
    "latin-1 charset": Bad("dubbing.start", 415, ("Content-Type", "utf-8"), content=b"{}", headers={"content-type": "application/json; charset=latin-1"}),
    "body over 1 MiB": Bad("dubbing.start", 413, ("request body", "1048576"), content=b" " * (1024 * 1024 + 1), headers=JSON),
    # paging
    "pageSize zero": Bad("dubbing.list", 400, ("pageSize", "at least 1"), values={"page_size": 0}),
    "pageSize 101": Bad("dubbing.list", 400, ("pageSize", "at most 100"), values={"page_size": 101}),
    "pageNum zero": Bad("dubbing.list", 400, ("pageNum", "at least 1"), values={"page_num": 0}),
    "pageNum negative": Bad("dubbing.list", 400, ("pageNum", "at least 1"), values={"page_num": -3}),
    "pageNum not a number": Bad("dubbing.list", 400, ("pageNum", "integer"), values={"page_num": "two"}),
    "pageSize fraction": Bad("dubbing.list", 400, ("pageSize", "integer"), values={"page_size": "1.5"}),
    "pageSize empty": Bad("dubbing.list", 400, ("pageSize", "integer"), values={"page_size": ""}),
    "pageSize huge": Bad("dubbing.list", 400, ("pageSize", "integer"), values={"page_size": "9" * 5000}),
    "pageSize twice": Bad("dubbing.list", 400, ("pageSize", "more than once"), values={"page_size": ["1", "2"]}),
    "query not UTF-8": Bad("dubbing.list", 400, ("query string", "UTF-8"), query="?pageNum=%ff"),
    "pageNum Arabic-Indic digit": Bad("dubbing.list", 400, ("pageNum", "integer"), query="?pageNum=%D9%A1"),
    "pageSize full-width digits": Bad("dubbing.list", 400, ("pageSize", "integer"), values={"page_size": "\uff15"}),
    "pageNum Devanagari after a sign": Bad("dubbing.list", 400, ("pageNum", "integer"), values={"page_num": "+\u0967"}),
    # ids: wherever the spec puts the task's id (the case "missing" is built below, for a query)
    "detail short _id": Bad("dubbing.get", 400, ("_id", "must match"), values={"task_id": "66ea4dd8"}),
    "detail upper-case _id": Bad("dubbing.get", 400, ("_id", "must match"), values={"task_id": "66EA4DD87DB10C73FA29B570"}),
    "delete bad _id": Bad("dubbing.delete", 400, ("_id", "must match"), values={"task_id": "not-an-id"}),
    "delete encoded _id": Bad("dubbing.delete", 400, ("_id", "must match"), values={"task_id": "\u2603"}),
    "language label syntax": Bad("languages.list", 400, ("lang", "must match"), values={"lang": "EN!"}),
    # auth (every operation checks it the same way)
    "no Authorization": Bad("account.remaining_coins", 401, ("Authorization", "missing")),
    "Basic scheme": Bad("account.remaining_coins", 401, ("Authorization", "Bearer"), headers={"Authorization": "Basic c2tfeDp5"}),
    "not an sk_ token": Bad("dubbing.list_processing", 401, ("Authorization", "sk_"), headers={"Authorization": "Bearer abc"}),
    "empty sk_ suffix": Bad("account.remaining_coins", 401, ("Authorization",), headers={"Authorization": "Bearer sk_"}),
    "Bearer alone": Bad("account.remaining_coins", 401, ("Authorization",), headers={"Authorization": "Bearer"}),
    # the fault header itself, on an operation that documents no 400: HTTP 200, code 400
    "bad fault header": Bad("account.remaining_coins", 200, ("X-Mock-Fault", "unknown"), headers={"X-Mock-Fault": "explode"}),
    "undocumented fault status": Bad("dubbing.start", 400, ("X-Mock-Fault", "404"), json=SEED_BODY, headers={"X-Mock-Fault": "status=404"}),
}  # fmt: skip
# A required query parameter left out: 400, naming it.
CASES |= {
    f"{o.name} without {p.wire}": Bad(o.name, 400, (p.wire, "required"), values={
        q.keyword: "x" for q in o.params if q.where == "path"
    })
    for o in operations()
    for p in o.params
    if p.where == "query" and p.required
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
async def test_bad_input_is_a_4xx_envelope_that_names_the_problem(
    client: httpx.AsyncClient, check: Check, case: Bad
) -> None:
    response = await client.request(**case.request())
    case.assert_answered(response.status_code, check(case.operation, response))


async def test_an_oversized_body_is_refused_while_streaming(
    client: httpx.AsyncClient, check: Check
) -> None:
    sent = 0

    async def chunks() -> Any:  # no Content-Length: the size is only known by reading
        nonlocal sent
        for _ in range(64):
            sent += 64 * 1024
            yield b" " * (64 * 1024)

    response = await client.post(START, content=chunks(), headers={**AUTH, **JSON})
    assert check("startDubbing", response)["code"] == 413
    assert response.status_code == 413


async def test_a_body_of_exactly_the_spec_limit_is_read(client: httpx.AsyncClient) -> None:
    body = json.dumps(SEED_BODY).encode()
    padded = body[:-1] + b" " * (MAX_BODY_BYTES - len(body)) + b"}"
    at_limit = await client.post(START, content=padded, headers={**AUTH, **JSON})
    over = await client.post(START, content=padded + b" ", headers={**AUTH, **JSON})
    assert len(padded) == MAX_BODY_BYTES
    assert at_limit.status_code == 200
    assert over.status_code == 413
    assert over.json()["msg"] == f"request body: is larger than {MAX_BODY_BYTES} bytes"


async def test_several_problems_are_named_together(client: httpx.AsyncClient) -> None:
    response = await client.post(START, json={"num_speakers": 0}, headers=AUTH)
    message = response.json()["msg"]
    assert response.status_code == 422
    assert "source_url: is a required property" in message
    assert "target_lang: is a required property" in message


async def test_the_message_never_echoes_the_value(client: httpx.AsyncClient) -> None:
    secret = "https://example.com/" + "s3cr3t" * 500
    response = await client.post(START, json={**SEED_BODY, "source_url": secret}, headers=AUTH)
    assert response.status_code == 422
    assert "s3cr3t" not in response.text


async def test_random_garbage_never_gets_a_5xx(check: Check) -> None:
    chooser = random.Random(20240918)
    app = create_app()
    paths = [  # every operation of the spec; a path parameter is "x"
        (o.method, o.url(**{p.keyword: "x" for p in o.params if p.where == "path"}), o.operation_id)
        for o in operations()
    ]
    values: list[Any] = [None, True, -1, 0, 10**30, 1.5, "", "é", "\u0000", [], {}, "sk_x" * 40]
    keys = [*dict.fromkeys(p.wire for o in operations() for p in o.params), "é", ""]
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
            for _ in range(300):
                method, path, operation = chooser.choice(paths)
                body = {chooser.choice(keys): chooser.choice(values) for _ in range(3)}
                if chooser.random() < 0.3:
                    body = {**SEED_BODY, **body}
                raw = bytes(chooser.getrandbits(8) for _ in range(chooser.randint(0, 40)))
                params = {chooser.choice(keys): str(chooser.choice(values))}
                if chooser.random() < 0.5:
                    response = await http.request(
                        method, path, json=body, params=params, headers=AUTH
                    )
                else:
                    response = await http.request(
                        method, path, content=raw, params=params, headers={**AUTH, **JSON}
                    )
                assert response.status_code < 500, response.text
                check(operation, response)
    finally:
        app.close()


def test_the_quick_url_check_agrees_with_urllib() -> None:
    """A URL the quick pattern accepts has a host for urllib too (others go to urllib)."""
    rng = random.Random(5)
    alphabet = "ab:/.-@[]?#%09 \t\nHT+\x00"
    accepted = 0
    for _ in range(50_000):
        prefix = rng.choice(["http://", "https://", "a+b://", "", "h:", "http:/", " http://"])
        value = prefix + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        if _validation._PLAIN_URL.fullmatch(value) is not None:
            accepted += 1
            assert urllib.parse.urlsplit(value).hostname, value
    assert accepted > 1000
    assert _validation._has_host("https://example.com/a.mp3")
    assert not _validation._has_host("https://user@/a.mp3")
    assert not _validation._has_host("file:///etc/passwd")


# Arabic-Indic, full-width and Devanagari digits to their ASCII digits.
_ASCII_DIGITS = str.maketrans(
    {chr(base + n): str(n) for base in (0x0660, 0xFF10, 0x0966) for n in range(10)}
)


@pytest.mark.parametrize(
    "value",
    [
        "status=\u0665\u0660\u0663",  # 503 in Arabic-Indic digits, which int() reads
        "status=429; retry-after=\uff12",  # a full-width 2
        "code=\u0967\u0966\u0966\u0967",  # 1001 in Devanagari digits
        "delay=\u0661s",
    ],
)
def test_fault_header_numbers_are_ascii_digits(value: str) -> None:
    with pytest.raises(ApiError) as raised:
        _faults.parse_fault(value)
    assert raised.value.status == 400
    assert raised.value.msg.startswith("X-Mock-Fault:")
    assert _faults.parse_fault(value.translate(_ASCII_DIGITS)) != _faults.Fault()


def test_integers_and_url_ports_are_ascii_digits() -> None:
    assert _validation._INTEGER.fullmatch("+0123456789")
    assert not _validation._INTEGER.fullmatch("\u0661")
    assert not _validation._PLAIN_URL.fullmatch("https://example.com:\u0668\u0660/a.mp3")
    assert _validation._PLAIN_URL.fullmatch("https://example.com:80/a.mp3")
