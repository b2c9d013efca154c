"""Mock vs spec: schemathesis drives every operation of the mock, in-process and over a socket.

Every operation, with positive and negative data (schemathesis's examples, coverage and
fuzzing phases), is sent to the mock twice: in-process (the ASGI app of `create_app`) and
over a real socket (a live mock on 127.0.0.1, from the plugin's session fixture). A guard
counts the generation modes each operation's test got and fails unless every one got both
positive and negative cases (so turning negative generation off fails the gate). Every
answer goes through all of schemathesis's built-in checks (`not_a_server_error`,
`status_code_conformance`, `negative_data_rejection`, `positive_data_acceptance`,
`ignored_auth`, ...) and our own (`contract_tests._checks`: `undocumented_status_code`,
`undocumented_fields`, `envelope_code_matches_status`). Requests carry a valid bearer
token (`Authorization: Bearer sk_...`, schemathesis's OpenAPI auth), which `ignored_auth`
removes or spoils to see the mock refuse.

Budgets (`contract_tests._checks.BUDGET`), derandomized with a fixed seed, so every run
sends the same requests:

    default   50 fuzzed examples per operation, plus the spec's examples and coverage cases
    deep      A2E_CONFORMANCE_DEEP=1: 500 fuzzed examples per operation (10x)

The second half proves that the gate can fail: a deliberately broken mock (the real one
wrapped in a tiny ASGI middleware that spoils its answers) is caught by each of our checks
and by schemathesis, with a message that names the operation and the JSON path; and the
mode guard fails a run (pytester) whose negative or positive generation is turned off.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import hypothesis
import pytest
import schemathesis
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock.pytest_plugin import MockServer
from schemathesis import GenerationMode, Response
from schemathesis.core.failures import AcceptedNegativeData, Failure, FailureGroup, ServerError
from schemathesis.core.result import Ok
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import IgnoredAuth, JsonSchemaError, UndefinedStatusCode

from contract_tests import _api as api
from contract_tests._checks import (
    OUR_CHECKS,
    AppSlot,
    envelope_code_matches_status,
    schemathesis_config,
    undocumented_fields,
    undocumented_status_code,
)
from contract_tests._modes import ModeCount
from contract_tests._spec import SPEC_PATH, Spec

pytestmark = pytest.mark.one_process  # see pyproject.toml

pytest_plugins = ("pytester",)  # the guard of generation modes is shown failing in a pytester run

IN_PROCESS_TOKEN = "sk_test_conformance_in_process"
SOCKET_TOKEN = "sk_test_conformance_socket"

# Built at import: schemathesis makes one test per operation when pytest collects them.
IN_PROCESS_MOCK = AppSlot()
IN_PROCESS = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis_config(IN_PROCESS_TOKEN))
IN_PROCESS.app = IN_PROCESS_MOCK
OVER_SOCKET = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis_config(SOCKET_TOKEN))
MODES = ModeCount()  # what the generated tests below got, checked after them


@pytest.fixture(scope="module")
def in_process_mock() -> Iterator[MockApp]:
    """A fresh mock in IN_PROCESS_MOCK for this module's in-process tests; closed after."""
    app = create_app(clock=ManualClock())
    IN_PROCESS_MOCK.app = app
    yield app
    IN_PROCESS_MOCK.app = None
    app.close()


@IN_PROCESS.parametrize()
def test_the_mock_conforms_in_process(
    case: Case[Any], in_process_mock: MockApp, request: pytest.FixtureRequest
) -> None:
    MODES.add(request.node.name, case)
    response = case.call_and_validate()
    assert_sent_with_token(case, response, IN_PROCESS_TOKEN)


@OVER_SOCKET.parametrize()
def test_the_mock_conforms_over_a_socket(
    case: Case[Any], a2e_mock_server_session: MockServer, request: pytest.FixtureRequest
) -> None:
    MODES.add(request.node.name, case)
    response = case.call_and_validate(base_url=a2e_mock_server_session.url)
    assert str(response.request.url).startswith(a2e_mock_server_session.url)
    assert_sent_with_token(case, response, SOCKET_TOKEN)


def assert_sent_with_token(case: Case[Any], response: Response, token: str) -> None:
    """A valid case went with the valid token (negative ones may spoil it on purpose)."""
    if case.meta is not None and not case.meta.generation.mode.is_negative:
        assert response.request.headers.get("Authorization") == f"Bearer {token}"


def test_every_operation_got_positive_and_negative_cases(request: pytest.FixtureRequest) -> None:
    MODES.check(
        request, "test_the_mock_conforms_in_process", "test_the_mock_conforms_over_a_socket"
    )


def test_every_operation_of_the_spec_is_tested(spec: Spec) -> None:
    for schema in (IN_PROCESS, OVER_SOCKET):
        tested = {
            result.ok().definition.raw["operationId"]
            for result in schema.get_all_operations()
            if isinstance(result, Ok)
        }
        assert tested == {op.operation_id for op in spec.operations}


# --- the gate can fail: a deliberately broken mock ----------------------------------------

BROKEN_TOKEN = "sk_test_conformance_broken"
AUTH = {"Authorization": f"Bearer {BROKEN_TOKEN}"}
START = api.op("dubbing.start")
DETAIL = api.op("dubbing.get")
RECORD = api.record()
VALID_START = {"source_url": "https://example.com/media/interview.mp3", "target_lang": "en"}
UNKNOWN_ID = "66ea4dd87db10c73fa29b570"

BROKEN_MOCK = AppSlot()
BROKEN = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis_config(BROKEN_TOKEN))
BROKEN.app = BROKEN_MOCK

Message = MutableMapping[str, Any]
Spoil = Callable[[str, int, Any], tuple[int, Any]]  # (path, status, body) -> (status, body)


class SpoiledAnswers:
    """The mock behind a middleware that rewrites its JSON answers: a broken mock."""

    def __init__(self, app: MockApp, spoil: Spoil) -> None:
        self.app = app
        self.spoil = spoil

    async def __call__(
        self,
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            status, body = self.spoil(scope["path"], start["status"], json.loads(b"".join(chunks)))
            content = json.dumps(body).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(content)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, rewrite)


class AnyoneIsLetIn:
    """The mock behind a middleware that lends every request a valid token: ignores auth."""

    def __init__(self, app: MockApp) -> None:
        self.app = app

    async def __call__(
        self,
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"authorization"]
            headers.append((b"authorization", AUTH["Authorization"].encode()))
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


@pytest.fixture
def broken() -> Iterator[Callable[[Callable[[MockApp], Any]], None]]:
    """`broken(wrap)`: BROKEN now sends to `wrap(a fresh mock)`; the mock is closed after."""
    apps: list[MockApp] = []

    def install(wrap: Callable[[MockApp], Any]) -> None:
        app = create_app(clock=ManualClock())
        apps.append(app)
        BROKEN_MOCK.app = wrap(app)

    yield install
    BROKEN_MOCK.app = None
    for app in apps:
        app.close()


def spoiling(spoil: Spoil) -> Callable[[MockApp], Any]:
    return lambda app: SpoiledAnswers(app, spoil)


def failures_of(case: Case[Any], **validate: Any) -> list[Failure]:
    """Send `case` to the broken mock; the failures the checks found (none: an empty list)."""
    try:
        case.call_and_validate(**validate)
    except FailureGroup as group:
        return list(group.exceptions)
    return []


def start_case(body: dict[str, Any] | None = None) -> Case[Any]:
    sent: dict[str, Any] = VALID_START if body is None else body
    operation = BROKEN[START.path][START.method]
    return operation.Case(body=sent, headers=AUTH, media_type="application/json")


def detail_case(task_id: str = UNKNOWN_ID) -> Case[Any]:
    operation = BROKEN[DETAIL.path][DETAIL.method]
    return operation.Case(**DETAIL.case_kwargs(task_id=task_id), headers=AUTH)


def messages(found: list[Failure]) -> list[str]:
    return [f"{f.title}: {f.message}" for f in found]


def named(operation: api.Op) -> str:
    """How our checks name an operation: `startDubbing (POST /api/v1/...)`."""
    return f"{operation.operation_id} ({operation.method} {operation.path})"


def test_the_real_mock_passes_the_probes_used_below(broken: Any) -> None:
    broken(lambda app: app)
    assert failures_of(start_case()) == []
    assert failures_of(detail_case()) == []
    assert failures_of(detail_case(start_task_id())) == []
    assert failures_of(start_case({"source_url": "ftp://x", "target_lang": "en"})) == []
    schemathesis_run(START, GenerationMode.NEGATIVE)
    schemathesis_run(START, GenerationMode.POSITIVE)
    schemathesis_run(DETAIL, GenerationMode.POSITIVE)


def with_an_undocumented_field(path: str, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body.get("data"), dict):
        body["data"]["zz_not_a_field"] = "alloy"  # a word no A2E version will use
    return status, body


def test_an_undocumented_field_is_caught(broken: Any) -> None:
    broken(spoiling(with_an_undocumented_field))
    case = start_case()
    assert messages(failures_of(case, checks=[undocumented_fields])) == [
        f"Custom check failed: `undocumented_fields`: {named(START)}: response.body "
        "$.data.zz_not_a_field: undocumented-field: field 'zz_not_a_field' is not in the spec"
    ]
    # The trap this check closes: schemathesis's own checks let the extra field through.
    builtin_only = [c for c in failures_of(start_case()) if "undocumented_fields" not in c.title]
    assert builtin_only == []
    assert_generated_run_fails(START, GenerationMode.POSITIVE, undocumented_fields)


def unknown_status(path: str, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body.get("data"), dict) and RECORD.status.wire in body["data"]:
        body["data"][RECORD.status.wire] = "zz-not-a-status"  # a word no A2E version will use
    return status, body


def test_an_unknown_status_word_is_caught(broken: Any) -> None:
    broken(spoiling(unknown_status))
    found = messages(failures_of(start_case()))
    ours = [m for m in found if "`undocumented_fields`" in m]
    assert len(ours) == 1, found
    assert ours[0].startswith(
        f"Custom check failed: `undocumented_fields`: {named(START)}: response.body "
        f"$.data.{RECORD.status.wire}: enum: 'zz-not-a-status'"
    )
    builtin = [f for f in failures_of(start_case()) if isinstance(f, JsonSchemaError)]
    assert len(builtin) == 1, found  # schemathesis's response_schema_conformance too


def gone_is_410(path: str, status: int, body: Any) -> tuple[int, Any]:
    return (410 if status == 404 else status), body


def test_an_undocumented_status_code_is_caught(broken: Any) -> None:
    broken(spoiling(gone_is_410))
    assert messages(failures_of(detail_case(), checks=[undocumented_status_code])) == [
        f"Custom check failed: `undocumented_status_code`: {named(DETAIL)}: status $: "
        "undocumented-status: HTTP 410 is not documented for this operation "
        "(documented: 200, 400, 401, 404, 429, 5XX)"
    ]
    found = failures_of(detail_case())
    assert any(isinstance(f, UndefinedStatusCode) for f in found), messages(found)  # built-in


def rejection_says_success(path: str, status: int, body: Any) -> tuple[int, Any]:
    if status >= 400:
        body["code"] = 0
    return status, body


def test_a_rejection_that_says_code_0_is_caught(broken: Any) -> None:
    broken(spoiling(rejection_says_success))
    invalid = start_case({"source_url": "https://example.com/a.mp3", "num_speakers": 0})
    assert messages(failures_of(invalid, checks=[envelope_code_matches_status])) == [
        f"Custom check failed: `envelope_code_matches_status`: {named(START)}: response.body "
        "$.code: HTTP 422 rejects the request but `code` is 0 (success)"
    ]
    assert_generated_run_fails(START, GenerationMode.NEGATIVE, envelope_code_matches_status)


def success_says_error(path: str, status: int, body: Any) -> tuple[int, Any]:
    if status == 200:
        body["code"] = 1001
    return status, body


def test_a_success_that_says_code_not_0_is_caught(broken: Any) -> None:
    broken(spoiling(success_says_error))
    assert messages(failures_of(start_case(), checks=[envelope_code_matches_status])) == [
        f"Custom check failed: `envelope_code_matches_status`: {named(START)}: response.body "
        "$.code: HTTP 200 carries a payload ($.data) but `code` is 1001 (not success)"
    ]


def an_error_at_200_is_documented(path: str, status: int, body: Any) -> tuple[int, Any]:
    return (200 if status == 404 else status), body  # A2E's "HTTP 200 with code != 0"


def test_an_error_envelope_at_http_200_passes_every_check(broken: Any) -> None:
    broken(spoiling(an_error_at_200_is_documented))
    assert failures_of(detail_case()) == []


def accepts_anything(path: str, status: int, body: Any) -> tuple[int, Any]:
    if START.matches(START.method, path) and 400 <= status < 500 and status != 401:
        return 200, {"code": 0, "data": SEED_TASK, "trace_id": body["trace_id"]}
    return status, body


# The seed's answer (the spec's example), for the request of VALID_START.
SEED_TASK = {
    **api.answer_example("dubbing.start")["data"],
    "source_url": VALID_START["source_url"],
    RECORD.id.wire: UNKNOWN_ID,
}


def schemathesis_run(operation: api.Op, mode: GenerationMode, examples: int = 25) -> None:
    """Generated cases (derandomized) for one operation of BROKEN, every check applied."""

    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(
        case=BROKEN[operation.path][operation.method].as_strategy(generation_mode=mode)
    )
    def run(case: Case[Any]) -> None:
        case.call_and_validate()

    run()


def assert_generated_run_fails(operation: api.Op, mode: GenerationMode, check: Any) -> None:
    """A generated run on the broken mock fails with `check`'s message (ours, by name)."""
    with pytest.raises(FailureGroup) as caught:
        schemathesis_run(operation, mode, examples=10)
    found = messages(list(caught.value.exceptions))
    assert any(m.startswith(f"Custom check failed: `{check.__name__}`: ") for m in found), found


def test_invalid_data_accepted_is_caught_by_negative_data_rejection(broken: Any) -> None:
    broken(spoiling(accepts_anything))
    with pytest.raises(FailureGroup) as caught:
        schemathesis_run(START, GenerationMode.NEGATIVE)
    found = list(caught.value.exceptions)
    assert any(isinstance(f, AcceptedNegativeData) for f in found), messages(found)


def test_ignored_auth_is_caught(broken: Any) -> None:
    broken(AnyoneIsLetIn)
    found = failures_of(detail_case(start_task_id()))
    assert [type(f) for f in found] == [IgnoredAuth], messages(found)
    assert found[0].title == "API accepts requests without authentication"
    assert f"{DETAIL.method} {DETAIL.path}" in found[0].message


def start_task_id() -> str:
    response = start_case().call()
    assert response.status_code == 200, response.text
    task_id = response.json()["data"][RECORD.id.wire]
    assert isinstance(task_id, str)
    return task_id


def server_error(path: str, status: int, body: Any) -> tuple[int, Any]:
    if DETAIL.matches(DETAIL.method, path):
        return 500, {"code": 500, "msg": "boom", "trace_id": body["trace_id"]}
    return status, body


def test_a_server_error_is_caught_by_schemathesis(broken: Any) -> None:
    broken(spoiling(server_error))
    with pytest.raises(FailureGroup) as caught:
        schemathesis_run(DETAIL, GenerationMode.POSITIVE, examples=5)
    found = list(caught.value.exceptions)
    assert any(isinstance(f, ServerError) for f in found), messages(found)


def test_our_checks_are_registered_with_schemathesis() -> None:
    from schemathesis.checks import CHECKS

    registered = set(CHECKS.get_all_names())
    assert {check.__name__ for check in OUR_CHECKS} <= registered


# A generated test as above, on one operation, with the guard after it; generation only.
GUARDED_RUN = """
import pytest
import schemathesis
from contract_tests._checks import Budget, schemathesis_config
from contract_tests._modes import ModeCount
from contract_tests._spec import SPEC_PATH

MODES = ModeCount()
CONFIG = schemathesis_config("sk_test_modes", mode={mode!r}, budget=Budget({examples}, 1, 2))
SCHEMA = schemathesis.openapi.from_path(SPEC_PATH, config=CONFIG).include(operation_id={op!r})


@SCHEMA.parametrize()
def test_generated(case, request):
    MODES.add(request.node.name, case)


def test_guard(request):
    MODES.check(request, "test_generated")
"""


@pytest.mark.parametrize("mode", ["all", "positive", "negative"])
def test_the_mode_guard_fails_when_a_mode_is_turned_off(
    pytester: pytest.Pytester, mode: str
) -> None:
    pytester.makepyfile(GUARDED_RUN.format(mode=mode, examples=5, op=DETAIL.operation_id))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "error")
    if mode == "all":
        result.assert_outcomes(passed=2)
        return
    result.assert_outcomes(passed=1, failed=1)
    other = "negative" if mode == "positive" else "positive"
    result.stdout.fnmatch_lines(
        [f"*test_generated[[]{DETAIL.method} {DETAIL.path}[]]: no {other} cases*"]
    )
