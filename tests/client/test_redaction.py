"""The API key never shows, whatever a server echoes back: not in an error's message,
`str`, `repr`, `body`, `url` or traceback, nor in a client's `repr`, a log line, a retry
event, a raw response's `repr` or the CLI's output.

Servers and proxies do echo requests: error pages that dump the headers, JSON that quotes
them (escaped or not), text cut off in the middle of the key.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import respx
from a2e_dubbing import A2E, A2EError, AsyncA2E, RetryEvent, _retry
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests import _api as api

from ._records import BASE_URL, RECORD, error, ok, task

KEY = "sk_live_5f2b9c0d1e7a4b3c8d6e"
TASK_ID = "66ea4dd87db10c73fa29b570"


def shown(failure: BaseException) -> str:
    """Everything an error lets out: message, str, repr, body, url, its traceback with the
    exceptions chained to it."""
    parts = [str(failure), repr(failure), "".join(traceback.format_exception(failure))]
    for name in ("message", "body", "url", "trace_id"):
        value = getattr(failure, name, None)
        parts.append(value.decode("utf-8", "replace") if isinstance(value, bytes) else repr(value))
    return "\n".join(parts)


def _echo_headers(request: httpx.Request) -> str:
    return "".join(f"{name}: {value}\n" for name, value in request.headers.items())


def _get(answer: Callable[[httpx.Request], httpx.Response], **options: Any) -> A2EError:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").mock(side_effect=answer)
        with pytest.raises(A2EError) as caught:
            A2E(api_key=KEY, max_retries=0).dubbing.get(TASK_ID, **options)
    return caught.value


ECHOES: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "html error page dumping the headers": lambda r: httpx.Response(
        502, text=f"<html><pre>{_echo_headers(r)}</pre></html>"
    ),
    "envelope whose msg quotes the header": lambda r: httpx.Response(
        401, json=error(401, f"bad header: {r.headers['authorization']}")
    ),
    "envelope at 200 echoing the request": lambda r: httpx.Response(
        200, json={"code": 1001, "msg": "token invalid", "request": dict(r.headers)}
    ),
    "text at 200": lambda r: httpx.Response(200, text=_echo_headers(r)),
    "data that is not a task, quoting the key": lambda r: httpx.Response(
        200, json=ok({"token": KEY, "headers": dict(r.headers)})
    ),
    "a bad field quoting the key": lambda r: httpx.Response(200, json=ok(task(duration=KEY))),
    "json-escaped key": lambda r: httpx.Response(
        500, content=b'{"code":500,"msg":"' + json.dumps(KEY).encode()[1:-1] + b'"}'
    ),
    "unicode-escaped key": lambda r: httpx.Response(
        400,
        content=b'{"code":400,"msg":"' + "".join(f"\\u{ord(c):04x}" for c in KEY).encode() + b'"}',
    ),
    "url-encoded key": lambda r: httpx.Response(
        404, json=error(404, f"no such task at /x?auth={quote('Bearer ' + KEY)}")
    ),
    "key at the snippet's end": lambda r: httpx.Response(
        503, text="x" * 290 + r.headers["authorization"]
    ),
}


@pytest.mark.parametrize("echo", ECHOES.values(), ids=ECHOES.keys())
def test_an_error_never_shows_the_key(echo: Callable[[httpx.Request], httpx.Response]) -> None:
    failure = _get(echo)
    assert KEY not in shown(failure)
    assert KEY[3:] not in shown(failure)  # not even without its prefix


def test_what_was_redacted_still_says_what_arrived() -> None:
    failure = _get(ECHOES["envelope whose msg quotes the header"])
    assert str(failure).startswith("bad header: Bearer REDACTED")
    body = failure.body  # type: ignore[attr-defined]
    assert body["msg"] == "bad header: Bearer REDACTED"
    assert body["code"] == 401


@pytest.mark.parametrize("status", [200, 401, 502])
def test_a_key_given_per_call_is_redacted_too(status: int) -> None:
    other = "sk_other_0a1b2c3d4e5f6a7b"

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=_echo_headers(request))

    failure = _get(echo, extra_headers={"Authorization": f"Bearer {other}"})
    assert other not in shown(failure)
    assert KEY not in shown(failure)


@st.composite
def echoes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A key (printable ASCII, as the client accepts) and a body that echoes it somewhere."""
    key = "sk_" + draw(
        st.text(
            alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="\\"),
            min_size=8,
            max_size=40,
        )
    )
    form = draw(st.sampled_from(["raw", "bearer", "json", "quoted", "header dump"]))
    shown_key = {
        "raw": key,
        "bearer": f"Bearer {key}",
        "json": json.dumps(key)[1:-1],
        "quoted": quote(key, safe=""),
        "header dump": f"authorization: Bearer {key}\r\nhost: video.a2e.ai",
    }[form]
    pad = draw(st.integers(0, 400))
    wrap = draw(st.sampled_from(["text", "msg", "data"]))
    if wrap == "text":
        body = ("." * pad + shown_key).encode()
    elif wrap == "msg":
        body = b'{"code":1,"msg":"' + ("." * pad + json.dumps(shown_key)[1:-1]).encode() + b'"}'
    else:
        body = json.dumps(ok({RECORD.id.wire: "." * pad + shown_key})).encode()
    return key, body


@settings(max_examples=300, derandomize=True, deadline=None)
@given(echo=echoes(), status=st.sampled_from([200, 400, 401, 429, 500, 502]))
def test_any_echo_of_any_key_is_redacted(echo: tuple[str, bytes], status: int) -> None:
    key, body = echo
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    client = A2E(api_key=key, max_retries=0, http_client=httpx.Client(transport=transport))
    with pytest.raises(A2EError) as caught:
        client.dubbing.get(TASK_ID)
    assert key not in shown(caught.value)


def test_a_connection_error_quoting_the_key_is_redacted() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ProxyError(f"proxy refused {request.headers['authorization']}")

    failure = _get(refuse)
    assert KEY not in shown(failure)
    assert "REDACTED" in str(failure)


def test_the_clients_reprs_never_show_the_key() -> None:
    clients: list[Any] = [
        A2E(api_key=KEY),
        AsyncA2E(api_key=KEY),
        A2E(api_key=KEY, base_url=f"https://user:{KEY}@proxy.example.com"),
        A2E(api_key="sk_other_key_1234567890").with_options(api_key=KEY, timeout=3),
    ]
    for client in clients:
        assert KEY not in repr(client)
        assert KEY not in str(client)
        assert "Bearer" not in repr(client)


def test_log_lines_and_retry_events_never_show_the_key(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_retry, "_sleep", lambda seconds: None)
    caplog.set_level(logging.DEBUG, logger="a2e_dubbing")
    events: list[RetryEvent] = []

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text=_echo_headers(request))

    with respx.mock(base_url=BASE_URL) as router:

        def done(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json=ok(task()))

        answers: Iterator[Callable[[httpx.Request], httpx.Response]] = iter([echo, echo, done])
        api.route(router, "dubbing.get").mock(side_effect=lambda request: next(answers)(request))
        client = A2E(api_key=KEY, on_retry=events.append, max_retries=2)
        client.dubbing.get(TASK_ID)
    assert len(events) == 2
    assert "retrying in" in caplog.text
    assert KEY not in caplog.text
    for event in events:
        assert KEY not in repr(event)
        assert KEY not in shown(event.error)


def test_a_lost_start_logs_its_look_up_without_the_key(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_retry, "_sleep", lambda seconds: None)
    caplog.set_level(logging.INFO, logger="a2e_dubbing")
    later = "2099-01-01T00:00:00.000Z"
    created = task(
        name="n", source_url="https://e.com/a.mp3", target_lang="en", created=later, updated=later
    )
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.list").respond(json=ok({"rows": [], "count": 0}))
        api.route(router, "dubbing.start").respond(502, text=f"upstream echoed Bearer {KEY}")
        api.route(router, "dubbing.list_processing").respond(json=ok([created]))
        got = A2E(api_key=KEY).dubbing.start(
            source_url="https://e.com/a.mp3", target_lang="en", name="n"
        )
    assert got.task_id == created[RECORD.id.wire]
    assert "looking for the record" in caplog.text
    assert "found the record" in caplog.text
    assert KEY not in caplog.text


def test_a_raw_responses_repr_never_shows_the_key() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task()))
        raw = A2E(api_key=KEY).dubbing.with_raw_response.get(TASK_ID)
    assert KEY not in repr(raw)
    assert KEY not in repr(raw.http_request)  # httpx masks the Authorization header


def test_the_cli_never_shows_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    from a2e_dubbing._cli import main

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json=error(401, f"rejected {request.headers['authorization']}"))

    for debug in ([], ["--debug"]):
        with respx.mock(base_url=BASE_URL) as router:
            api.route(router, "dubbing.get").mock(side_effect=echo)
            code = main(["--api-key", KEY, "--base-url", BASE_URL, *debug, "get", TASK_ID])
        out = capsys.readouterr()
        assert code == 1
        assert "rejected Bearer REDACTED" in out.err
        assert KEY not in out.out + out.err


@pytest.mark.parametrize(
    "key",
    ["sk_live.5f2b9c0d1e7a4b3c", "sk_abc123def.ghi456jkl.mno789", "sk_proj-1a2b3c.4d5e6f_7g8h"],
)
def test_a_key_the_client_was_never_told_about_is_redacted_whole(key: str) -> None:
    """Another key a server echoes (not the client's own): every part of it, dots and all;
    the sentence around it keeps its full stop."""
    from a2e_dubbing._redact import Redactor

    text = f'upstream said: {{"token": "{key}"}}; see {key}. Then retry'
    clean = Redactor().text(text)
    for part in key.removeprefix("sk_").split("."):
        assert part not in clean, clean
    assert clean.endswith("REDACTED. Then retry"), clean
    assert key.encode() not in Redactor().bytes(text.encode())
