"""Mock vs spec, stateful: the spec's links drive a schemathesis state machine over the mock.

startDubbing's answer links its `_id` to getDubbingTask (`query._id`) and
deleteDubbingTask (`path._id`). Schemathesis turns those links into a state machine that
starts tasks and reads or deletes them; we add rules that the links cannot express: list
the tasks, read a task deleted earlier in the scenario, (in-process) let time pass on the
mock's ManualClock so tasks move sent -> processing -> completed, and, as a second token
(another tenant), read, list and delete the scenario's tasks. Every call goes through every
check: schemathesis's built-ins (`use_after_free` and `ensure_resource_availability`
included), ours (`contract_tests._checks`), and `TaskBook.tasks_stay_until_deleted`, which
keeps the books of one scenario: a started task is readable and listed until its owner
deletes it, then it answers 404 and is listed no more; to the second token it is 404 and
unlisted all along, and its delete changes nothing (the owner still reads the task).

Why the last one: schemathesis's `use_after_free` and `ensure_resource_availability` only
compare paths that nest (`DELETE /items/{id}` then `GET /items/{id}`), and they need a
`201` or a `Location` header to know a resource was created. A2E's paths do not nest
(`DELETE /api/v1/userDubbing/{_id}` vs `GET /api/v1/userDubbing/detail?_id=`) and a start
answers 200, so both built-ins run but can never fire here; TaskBook does their job.

Next to the machine, two fixed walks make sure both flows happen in every run, whatever
the machine draws: start -> details -> list -> delete -> details (404), and a second token
that neither reads, lists nor deletes the first token's task. Machine and walks run
in-process and over a socket. A broken mock (a delete that keeps the task, a second token
let in as the first) shows that the machine and the walks fail when they should.

Budgets (`contract_tests._checks.BUDGET`), derandomized: default 25 scenarios of at most 10
calls; deep (A2E_CONFORMANCE_DEEP=1) 250 scenarios of at most 12 calls (10x).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from typing import Any

import hypothesis
import pytest
import schemathesis
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from a2e_dubbing_mock._app import DEFAULT_PROCESSING_SECONDS
from a2e_dubbing_mock._spec import LIFECYCLE
from a2e_dubbing_mock.pytest_plugin import MockServer
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from schemathesis import CheckContext, Response
from schemathesis.core.failures import CustomFailure, FailureGroup
from schemathesis.generation.case import Case
from schemathesis.generation.stateful.state_machine import APIStateMachine, StepInput
from schemathesis.schemas import BaseSchema

from contract_tests import _api as api
from contract_tests._checks import (
    BUDGET,
    DEFAULT_BUDGET,
    AppSlot,
    Budget,
    schemathesis_config,
)
from contract_tests._spec import SPEC_PATH

TOKEN = "sk_test_conformance_stateful_a"
OTHER_TOKEN = "sk_test_conformance_stateful_b"
SOCKET_TOKEN = "sk_test_conformance_stateful_socket"
DETAIL = api.op("dubbing.get")
LIST = api.op("dubbing.list")
DELETE = api.op("dubbing.delete")
RECORD = api.record()
ID, STATUS = RECORD.id.wire, RECORD.status.wire
SOURCE = {"source_url": "https://example.com/media/interview.mp3", "target_lang": "en"}

MOCK = AppSlot()
SCHEMA = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis_config(TOKEN))
SCHEMA.app = MOCK
OVER_SOCKET = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis_config(SOCKET_TOKEN))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def mock(clock: ManualClock) -> Iterator[MockApp]:
    """A fresh in-process mock behind SCHEMA, on `clock`."""
    app = create_app(clock=clock)
    MOCK.app = app
    yield app
    MOCK.app = None
    app.close()


def _value(case: Case[Any], keyword: str) -> Any:
    """The value of the client keyword `keyword` in `case`, wherever the spec puts it."""
    operation = api.op(case.operation.definition.raw["operationId"])
    return operation.value(keyword, path=case.path_parameters, query=case.query, body=case.body)


def _case(schema: BaseSchema, name: str, headers: dict[str, str], **values: Any) -> Case[Any]:
    """A case of the operation backing client method `name`, each value where the spec says."""
    operation = api.op(name)
    kwargs = operation.case_kwargs(**values)
    if "body" in kwargs:
        kwargs["media_type"] = "application/json"
    return schema[operation.path][operation.method].Case(headers=headers, **kwargs)


class TaskBook:
    """What one scenario did to its tasks, and the check that the mock kept to it."""

    def __init__(self, token: str, seen: Counter[str], *, other_token: str | None = None) -> None:
        self.authorization = f"Bearer {token}"
        self.stranger = f"Bearer {other_token}" if other_token else None  # another tenant
        self.live: set[str] = set()
        self.deleted: set[str] = set()
        self.seen = seen  # what happened, over all scenarios (the test asserts on it)

    def tasks_stay_until_deleted(
        self, ctx: CheckContext, response: Response, case: Case[Any]
    ) -> bool | None:
        """A started task answers and is listed until deleted; then it is 404 and unlisted.

        To the other token (`other_token`), the scenario's tasks, live or deleted, are 404
        and unlisted. The books follow every answer; only valid requests with the scenario's
        own token or the other token are judged (negative cases and spoiled tokens are the
        other checks' business).
        """
        operation_id = case.operation.definition.raw.get("operationId")
        status = response.status_code
        body = _json(response)
        authorization = response.request.headers.get("Authorization")
        valid = not (case.meta is not None and case.meta.generation.mode.is_negative)
        judged = valid and authorization == self.authorization
        if valid and self.stranger is not None and authorization == self.stranger:
            self._stranger(case, operation_id, status, body)
        elif operation_id == "startDubbing" and status == 200 and body.get("code") == 0:
            self.live.add(body["data"][ID])
            self.seen["started"] += 1
        elif operation_id in _READS and judged:
            self._read(case, status, body)
        elif operation_id == "deleteDubbingTask":
            self._delete(case, status, judged=judged)
        elif operation_id == "listDubbingTasks" and judged and status == 200:
            self._listed(case, body["data"]["rows"])
        return None

    def _stranger(
        self, case: Case[Any], operation_id: Any, status: int, body: Mapping[str, Any]
    ) -> None:
        """The other token: none of this scenario's tasks is found, listed or deleted."""
        mine = self.live | self.deleted
        task_id = _value(case, "task_id") if operation_id in _BY_ID else None
        if operation_id in _READS and task_id in mine:
            self.seen["another token read"] += 1
            _expect(case, status, 404, f"task {task_id} belongs to another token")
        elif operation_id == "deleteDubbingTask" and task_id in mine:
            self.seen["another token deleted"] += 1
            _expect(case, status, 404, f"task {task_id} belongs to another token")
        elif operation_id in _LISTS and status == 200:
            self.seen["another token listed"] += 1
            rows = _LISTS[operation_id](body)
            seen = sorted(mine & {row[ID] for row in rows})
            if seen:
                _fail(case, _LIST_PATHS[operation_id], f"lists another token's tasks {seen}")

    def _read(self, case: Case[Any], status: int, body: Mapping[str, Any]) -> None:
        task_id = _value(case, "task_id")
        if task_id in self.deleted:
            self.seen["read after delete"] += 1
            _expect(case, status, 404, f"task {task_id} was deleted in this scenario")
        elif task_id in self.live:
            self.seen["read live"] += 1
            _expect(case, status, 200, f"task {task_id} was started in this scenario")
            if body["data"][ID] != task_id:
                _fail(case, f"response.body $.data.{ID}", f"is not the task asked for ({task_id})")
            self.seen[f"read {body['data'][STATUS]}"] += 1

    def _delete(self, case: Case[Any], status: int, *, judged: bool) -> None:
        task_id = _value(case, "task_id")
        if judged and task_id in self.deleted:
            self.seen["deleted again"] += 1
            _expect(case, status, 404, f"task {task_id} was deleted already")
        elif judged and task_id in self.live:
            _expect(case, status, 200, f"task {task_id} was started in this scenario")
        if status == 200 and task_id in self.live:
            self.live.discard(task_id)
            self.deleted.add(task_id)
            self.seen["deleted"] += 1

    def _listed(self, case: Case[Any], rows: list[dict[str, Any]]) -> None:
        self.seen["listed"] += 1
        ids = [row[ID] for row in rows]
        for row in rows:
            if row[ID] in self.live:
                self.seen[f"listed {row[STATUS]}"] += 1
        # Newest first, and nobody else uses this token: this scenario's tasks come first.
        missing = sorted(self.live - set(ids))
        if missing and (_value(case, "page_size"), _value(case, "page_num")) == (100, 1):
            _fail(case, "response.body $.data.rows", f"leaves out live tasks {missing}")
        gone = sorted(self.deleted & set(ids))
        if gone:
            _fail(case, "response.body $.data.rows", f"lists deleted tasks {gone}")
        if self.live and not missing:
            self.seen["listed live"] += 1


_LISTS: dict[str, Callable[[Mapping[str, Any]], list[dict[str, Any]]]] = {
    "listDubbingTasks": lambda body: body["data"]["rows"],
    "listProcessingDubbingTasks": lambda body: body["data"],
}
# The two forms of a task's details (the spec's conflict), and all given one task's id.
_READS = {DETAIL.operation_id, api.op("getDubbingTaskByPath").operation_id}
_BY_ID = {*_READS, DELETE.operation_id}
_LIST_PATHS = {
    "listDubbingTasks": "response.body $.data.rows",
    "listProcessingDubbingTasks": "response.body $.data",
}


def _expect(case: Case[Any], status: int, expected: int, why: str) -> None:
    if status != expected:
        _fail(case, "status $", f"HTTP {status}, expected {expected}: {why}")


def _fail(case: Case[Any], where: str, problem: str) -> None:
    operation_id = case.operation.definition.raw.get("operationId")
    raise AssertionError(f"{operation_id} ({case.operation.label}): {where}: {problem}")


def _json(response: Response) -> Mapping[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, Mapping) else {}


def state_machine(
    schema: BaseSchema,
    token: str,
    seen: Counter[str],
    *,
    call_kwargs: Mapping[str, Any] | None = None,
    clock: ManualClock | None = None,
    other_token: str = OTHER_TOKEN,
) -> type[APIStateMachine]:
    """The spec's links as a state machine, with our rules and the books of each scenario.

    `token` is the one `schema` authenticates with, `other_token` another tenant's; `seen`
    counts what the scenarios did.
    """
    base = schema.as_state_machine()
    kwargs = dict(call_kwargs or {})
    auth = {"Authorization": f"Bearer {token}"}
    other = {"Authorization": f"Bearer {other_token}"}

    class Machine(base):  # type: ignore[valid-type, misc]
        def setup(self) -> None:
            super().setup()
            self.book = TaskBook(token, seen, other_token=other_token)

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return dict(kwargs)

        def validate_response(
            self,
            response: Response,
            case: Case[Any],
            additional_checks: list[Any] | None = None,
            **transport: Any,
        ) -> None:
            checks = [*(additional_checks or []), self.book.tasks_stay_until_deleted]
            super().validate_response(response, case, additional_checks=checks, **transport)

        def _own_step(self, case: Case[Any]) -> None:
            self.step(StepInput.initial(case))

        @precondition(lambda self: bool(self.book.live or self.book.deleted))
        @rule()
        def list_the_tasks(self) -> None:
            self._own_step(_case(schema, "dubbing.list", auth, page_num=1, page_size=100))

        @precondition(lambda self: bool(self.book.deleted))
        @rule(data=st.data())
        def read_a_deleted_task(self, data: st.DataObject) -> None:
            task_id = data.draw(st.sampled_from(sorted(self.book.deleted)))
            self._own_step(_case(schema, "dubbing.get", auth, task_id=task_id))

        @precondition(lambda self: bool(self.book.live))
        @rule(data=st.data())
        def another_token_reads_a_task(self, data: st.DataObject) -> None:
            task_id = data.draw(st.sampled_from(sorted(self.book.live)))
            self._own_step(_case(schema, "dubbing.get", other, task_id=task_id))

        @precondition(lambda self: bool(self.book.live))
        @rule()
        def another_token_lists_the_tasks(self) -> None:
            self._own_step(_case(schema, "dubbing.list", other, page_num=1, page_size=100))
            self._own_step(_case(schema, "dubbing.list_processing", other))

        @precondition(lambda self: bool(self.book.live))
        @rule(data=st.data())
        def another_token_deletes_a_task(self, data: st.DataObject) -> None:
            """The other token's delete is refused, and the owner still reads the task."""
            task_id = data.draw(st.sampled_from(sorted(self.book.live)))
            self._own_step(_case(schema, "dubbing.delete", other, task_id=task_id))
            self._own_step(_case(schema, "dubbing.get", auth, task_id=task_id))

        @precondition(lambda self: clock is not None and bool(self.book.live))
        @rule(seconds=st.sampled_from([0.5, 1.0, 2.5, 5.0]))
        def time_passes(self, seconds: float) -> None:
            assert clock is not None
            clock.advance(seconds)

        @precondition(lambda self: clock is not None and bool(self.book.live))
        @rule()
        def time_finishes_the_oldest_task(self) -> None:
            """After its whole processing time, the oldest live task reads as finished (ids
            are time first: the smallest is the oldest)."""
            assert clock is not None
            clock.advance(DEFAULT_PROCESSING_SECONDS + 0.5)
            finished = self.book.seen[f"read {LIFECYCLE.result}"]
            self._own_step(_case(schema, "dubbing.get", auth, task_id=min(self.book.live)))
            assert self.book.seen[f"read {LIFECYCLE.result}"] == finished + 1

    Machine.__name__ = Machine.__qualname__ = "MockStateMachine"
    return Machine


def run(machine: type[APIStateMachine], budget: Budget = BUDGET) -> None:
    machine.run(
        settings=hypothesis.settings(
            max_examples=budget.scenarios,
            stateful_step_count=budget.steps,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


def test_the_machine_follows_the_spec_links_with_every_check_on() -> None:
    transitions = [name for name in dir(SCHEMA.as_state_machine()) if "_200_" in name]
    links = api.op("dubbing.start").definition["responses"]["200"]["links"]
    assert sorted(name.split("_200_")[1].split("__")[0] for name in transitions) == sorted(links)
    assert {link["operationId"] for link in links.values()} == _BY_ID
    checks = SCHEMA.config.checks_config_for(phase="stateful")
    assert checks.use_after_free.enabled
    assert checks.ensure_resource_availability.enabled
    assert checks.ignored_auth.enabled
    assert checks.negative_data_rejection.enabled


def test_the_links_drive_a_state_machine_in_process(mock: MockApp, clock: ManualClock) -> None:
    seen: Counter[str] = Counter()
    run(state_machine(SCHEMA, TOKEN, seen, clock=clock))
    assert seen["started"] > 0, seen
    assert seen["read live"] > 0, seen
    assert seen["deleted"] > 0, seen
    assert seen["read after delete"] > 0, seen
    assert seen["listed live"] > 0, seen
    assert seen["read completed"] + seen["listed completed"] > 0, seen  # time passed
    assert seen["another token read"] > 0, seen
    assert seen["another token listed"] > 0, seen
    assert seen["another token deleted"] > 0, seen


def test_the_links_drive_a_state_machine_over_a_socket(
    a2e_mock_server_session: MockServer,
) -> None:
    seen: Counter[str] = Counter()
    url = a2e_mock_server_session.url
    run(state_machine(OVER_SOCKET, SOCKET_TOKEN, seen, call_kwargs={"base_url": url}))
    assert seen["started"] > 0, seen
    assert seen["deleted"] > 0, seen
    assert seen["read after delete"] > 0, seen
    assert seen["another token read"] > 0, seen
    assert seen["another token deleted"] > 0, seen


class Walk:
    """Requests sent one by one through schemathesis (every check applies to each answer)."""

    def __init__(self, schema: BaseSchema, *, time_stands_still: bool, **call_kwargs: Any) -> None:
        self.schema = schema
        self.time_stands_still = time_stands_still  # a ManualClock: tasks stay `sent`
        self.call_kwargs = call_kwargs
        self.seen: Counter[str] = Counter()
        self.books: dict[str, TaskBook] = {}

    def send(self, token: str, name: str, /, **values: Any) -> tuple[int, dict[str, Any]]:
        """Send client method `name`'s request with `values` as `token`; the HTTP status and
        the JSON body, after every check passed."""
        book = self.books.setdefault(token, TaskBook(token, self.seen))
        case = _case(self.schema, name, {"Authorization": f"Bearer {token}"}, **values)
        response = case.call_and_validate(
            additional_checks=[book.tasks_stay_until_deleted], **self.call_kwargs
        )
        body = response.json()
        assert isinstance(body, dict)
        return response.status_code, body


@pytest.fixture(params=["in-process", "socket"])
def walk(request: pytest.FixtureRequest) -> Walk:
    if request.param == "in-process":
        request.getfixturevalue("mock")
        return Walk(SCHEMA, time_stands_still=True)
    server: MockServer = request.getfixturevalue("a2e_mock_server_session")
    return Walk(OVER_SOCKET, time_stands_still=False, base_url=server.url)


def ids_listed(walk: Walk, token: str) -> tuple[list[str], list[str]]:
    """The ids `token` sees in the task list (first page of 100) and the processing list."""
    status, page = walk.send(token, "dubbing.list", page_num=1, page_size=100)
    assert status == 200, page
    status, processing = walk.send(token, "dubbing.list_processing")
    assert status == 200, processing
    return [r[ID] for r in page["data"]["rows"]], [r[ID] for r in processing["data"]]


def delete_flow(walk: Walk) -> None:
    """start -> details -> list -> delete -> details is 404, unlisted, a second delete 404."""
    status, started = walk.send(TOKEN, "dubbing.start", **SOURCE)
    assert status == 200, started
    task_id = started["data"][ID]

    status, details = walk.send(TOKEN, "dubbing.get", task_id=task_id)
    assert (status, details["data"][ID]) == (200, task_id)
    assert task_id in ids_listed(walk, TOKEN)[0]

    status, deleted = walk.send(TOKEN, "dubbing.delete", task_id=task_id)
    assert (status, deleted["code"]) == (200, 0)

    status, gone = walk.send(TOKEN, "dubbing.get", task_id=task_id)
    assert (status, gone["code"]) == (404, 404)
    listed, processing = ids_listed(walk, TOKEN)
    assert task_id not in listed
    assert task_id not in processing
    status, again = walk.send(TOKEN, "dubbing.delete", task_id=task_id)
    assert (status, again["code"]) == (404, 404)
    assert walk.seen["read after delete"] == 1
    assert walk.seen["deleted again"] == 1


def tenant_flow(walk: Walk) -> None:
    """A task of TOKEN: OTHER_TOKEN can neither read, list nor delete it; TOKEN still can."""
    status, started = walk.send(TOKEN, "dubbing.start", **SOURCE)
    assert status == 200, started
    task_id = started["data"][ID]

    status, details = walk.send(OTHER_TOKEN, "dubbing.get", task_id=task_id)
    assert status == 404, f"getDubbingTask: status $: another token read {task_id}: HTTP {status}"
    listed, processing = ids_listed(walk, OTHER_TOKEN)
    assert task_id not in listed, f"listDubbingTasks: $.data.rows: another token sees {task_id}"
    assert task_id not in processing, f"listProcessingDubbingTasks: $.data: {task_id} is seen"
    status, _ = walk.send(OTHER_TOKEN, "dubbing.delete", task_id=task_id)
    assert status == 404, f"deleteDubbingTask: status $: another token deleted: HTTP {status}"

    status, details = walk.send(TOKEN, "dubbing.get", task_id=task_id)
    assert (status, details["data"][ID]) == (200, task_id)  # still there, still the owner's
    tenant = RECORD.tenant.wire
    assert details["data"][tenant] == started["data"][tenant]
    listed, processing = ids_listed(walk, TOKEN)
    assert task_id in listed
    assert task_id in processing or not walk.time_stands_still  # a live server's task may be done
    status, deleted = walk.send(TOKEN, "dubbing.delete", task_id=task_id)
    assert (status, deleted["code"]) == (200, 0)


def test_start_details_list_delete_then_details_is_404(walk: Walk) -> None:
    delete_flow(walk)


def test_another_token_neither_sees_nor_deletes_the_task(walk: Walk) -> None:
    tenant_flow(walk)


# --- these checks can fail: a mock that does not delete, a mock that shares tenants --------

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class DeleteKeepsTheTask:
    """A broken mock: an authenticated delete answers success and deletes nothing."""

    def __init__(self, app: MockApp) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        authorization = dict(scope.get("headers", [])).get(b"authorization", b"")
        if (
            scope["type"] == "http"
            and scope["method"] == DELETE.method
            and authorization.startswith(b"Bearer sk_")
        ):
            content = json.dumps({"code": 0, "data": None, "trace_id": str(uuid.uuid4())})
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": content.encode()})
            return
        await self.app(scope, receive, send)


class OneTenantForAll:
    """A broken mock: OTHER_TOKEN is let in as TOKEN, so it sees TOKEN's tasks."""

    def __init__(self, app: MockApp) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            other = f"Bearer {OTHER_TOKEN}".encode()
            headers = [
                (k, f"Bearer {TOKEN}".encode() if v == other else v) for k, v in scope["headers"]
            ]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


@pytest.fixture
def broken(mock: MockApp) -> Callable[[Callable[[MockApp], Any]], None]:
    """`broken(wrap)`: SCHEMA now sends to `wrap(the fresh mock)`."""

    def install(wrap: Callable[[MockApp], Any]) -> None:
        MOCK.app = wrap(mock)

    return install


def custom_failures(group: FailureGroup) -> list[str]:
    return [f"{f.title}: {f.message}" for f in group.exceptions if isinstance(f, CustomFailure)]


def test_a_delete_that_keeps_the_task_is_caught(broken: Any) -> None:
    broken(DeleteKeepsTheTask)
    with pytest.raises(FailureGroup) as caught:
        delete_flow(Walk(SCHEMA, time_stands_still=True))
    [found] = custom_failures(caught.value)
    assert found.startswith(
        f"Custom check failed: `tasks_stay_until_deleted`: {DETAIL.operation_id} "
        f"({DETAIL.method} {DETAIL.path}): status $: HTTP 200, expected 404: task "
    ), found
    assert found.endswith("was deleted in this scenario"), found


def test_the_state_machine_catches_a_delete_that_keeps_the_task(
    broken: Any, clock: ManualClock
) -> None:
    broken(DeleteKeepsTheTask)
    with pytest.raises(FailureGroup) as caught:  # the default budget, deep mode or not
        run(state_machine(SCHEMA, TOKEN, Counter(), clock=clock), DEFAULT_BUDGET)
    found = custom_failures(caught.value)
    kept = (": HTTP 200, expected 404: task ", ": response.body $.data.rows: lists deleted tasks")
    assert any(sign in m for m in found for sign in kept), found
    assert all(m.startswith("Custom check failed: `tasks_stay_until_deleted`: ") for m in found)


def test_a_token_that_sees_another_tokens_task_is_caught(broken: Any) -> None:
    broken(OneTenantForAll)
    with pytest.raises(AssertionError, match=r"getDubbingTask: status \$: another token read"):
        tenant_flow(Walk(SCHEMA, time_stands_still=True))


def test_the_state_machine_catches_a_tenant_leak(broken: Any, clock: ManualClock) -> None:
    broken(OneTenantForAll)
    with pytest.raises(FailureGroup) as caught:  # the default budget, deep mode or not
        run(state_machine(SCHEMA, TOKEN, Counter(), clock=clock), DEFAULT_BUDGET)
    found = custom_failures(caught.value)
    leaked = ("belongs to another token", "lists another token's tasks")
    assert any(sign in m for m in found for sign in leaked), found
    assert all(m.startswith("Custom check failed: `tasks_stay_until_deleted`: ") for m in found)
