"""The task record and lifecycle come from the spec (x-a2e-mock, x-a2e-lifecycle), found
through it; a field without a source or a broken lifecycle fails generation, saying why."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from a2e_dubbing import _meta as client_meta
from a2e_dubbing_mock import _spec, _task_records
from a2e_dubbing_mock._shape import CONST, REQUEST

from contract_tests._api import answer_example
from contract_tests._api import op as spec_op
from generator._build import SPEC_PATH
from generator._parse import GenerationError, ParsedSpec, parse
from generator._records import SOURCES, task_spec

Schemas = dict[str, Any]


@pytest.fixture(scope="module")
def parsed() -> ParsedSpec:
    return parse(SPEC_PATH)


def edited(parsed: ParsedSpec, edit: Callable[[Schemas], None]) -> ParsedSpec:
    """The spec with `edit` applied to a copy of its components.schemas."""
    document = copy.deepcopy(parsed.document)
    edit(document["components"]["schemas"])
    return dataclasses.replace(parsed, document=document)


def generation_error(parsed: ParsedSpec, edit: Callable[[Schemas], None]) -> str:
    with pytest.raises(GenerationError) as raised:
        task_spec(edited(parsed, edit))
    return str(raised.value)


def test_the_record_and_lifecycle_are_found_through_the_spec(parsed: ParsedSpec) -> None:
    tasks = task_spec(parsed)
    record = parsed.document["components"]["schemas"]["DubbingTask"]
    assert tasks.start.operation_id == "startDubbing"
    assert (tasks.request_schema, tasks.record_schema) == ("StartDubbingRequest", "DubbingTask")
    example = answer_example("dubbing.start")["data"]  # the seed's recorded answer
    assert [f.name for f in tasks.fields] == [  # the seed's order, then the others
        *example,
        *(name for name in record["properties"] if name not in example),
    ]
    by_name = {f.name: f for f in tasks.fields}
    assert by_name["_id"].source == "id"
    assert by_name["current_status"].source == "status"
    assert (by_name["source_lang"].source, by_name["source_lang"].value) == (CONST, "auto")
    assert (by_name["name"].source, by_name["name"].value) == (REQUEST, "")
    assert (by_name["num_speakers"].value, by_name["num_speakers"].has_value) == (1, True)
    assert not by_name["source_url"].has_value  # required in the request: always there
    assert by_name["failed_code"].when == "failure"
    assert tasks.lifecycle.path == ("sent", "processing", "completed")
    assert tasks.lifecycle.terminal == ("completed", "failed")
    assert tasks.failure_fields == ("faild_message", "failed_message", "failed_code")


def test_both_packages_carry_what_the_spec_declares(parsed: ParsedSpec) -> None:
    tasks = task_spec(parsed)
    assert [(f.name, f.source, f.when) for f in _spec.RECORD.fields] == [
        (f.name, f.source, f.when) for f in tasks.fields
    ]
    assert _spec.LIFECYCLE.path == tasks.lifecycle.path
    assert set(_spec.LIFECYCLE.unfinished) == set(tasks.lifecycle.unfinished)
    assert tasks.lifecycle.terminal == (client_meta.RESULT_STATUS, client_meta.FAILURE_STATUS)
    assert tasks.failure_fields == client_meta.FAILURE_FIELDS


def test_the_mock_makes_every_source_the_generator_accepts() -> None:
    assert set(_task_records._MADE) == set(SOURCES)


def test_a_record_field_without_a_source_fails_naming_it_and_the_fix(parsed: ParsedSpec) -> None:
    def add(schemas: Schemas) -> None:
        schemas["DubbingTask"]["properties"]["lip_sync_url"] = {"type": "string"}

    message = generation_error(parsed, add)
    assert "DubbingTask.lip_sync_url: the mock has no value for this field" in message
    assert "add `x-a2e-mock: <source>`" in message
    assert "or the same field to StartDubbingRequest" in message


def test_a_required_echo_of_an_optional_request_field_needs_a_default(parsed: ParsedSpec) -> None:
    def drop_default(schemas: Schemas) -> None:
        del schemas["DubbingTask"]["properties"]["name"]["x-a2e-mock"]

    message = generation_error(parsed, drop_default)
    assert "DubbingTask.name: required here, but StartDubbingRequest.name is optional" in message
    assert "x-a2e-mock: {default: <value>}" in message


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("price", "source must be one of id, tenant"),
        ({"source": "id", "default": 1}, "takes no `default`"),
        ({"const": 1, "source": "id"}, "`const` takes no `source`"),
        ({"source": "result", "when": "sometimes"}, "`when` must be one of result, failure"),
        ({"sauce": "id"}, "unknown key(s) sauce"),
        (["id"], "must be a source word or a mapping"),
    ],
)
def test_a_bad_hint_fails_clearly(parsed: ParsedSpec, hint: Any, expected: str) -> None:
    def set_hint(schemas: Schemas) -> None:
        schemas["DubbingTask"]["properties"]["result_url"]["x-a2e-mock"] = hint

    assert expected in generation_error(parsed, set_hint)


def test_a_required_field_cannot_be_limited_to_a_state(parsed: ParsedSpec) -> None:
    def limit(schemas: Schemas) -> None:
        schemas["DubbingTask"]["properties"]["result_url"]["x-a2e-mock"] = {
            "source": "result",
            "when": "result",
        }

    assert "a required property cannot be left out" in generation_error(parsed, limit)


@pytest.mark.parametrize("source", ["id", "status"])
def test_the_id_and_the_status_have_exactly_one_field(parsed: ParsedSpec, source: str) -> None:
    def twice(schemas: Schemas) -> None:
        schemas["DubbingTask"]["properties"]["duration"]["x-a2e-mock"] = source

    message = generation_error(parsed, twice)
    assert f"exactly one property needs `x-a2e-mock: {source}`" in message


def lifecycle_edit(**changes: Any) -> Callable[[Schemas], None]:
    def edit(schemas: Schemas) -> None:
        declared = schemas["DubbingStatus"]["x-a2e-lifecycle"]
        for key, value in changes.items():
            if value is None:
                del declared[key]
            else:
                declared[key] = value

    return edit


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Words no A2E version will use: unknown to the spec whatever it adds.
        (
            {"path": ["sent", "zz-not-a-status", "completed"]},
            "`path`: 'zz-not-a-status' is not in DubbingStatus's",
        ),
        ({"initial": "zz-new"}, "`initial`: 'zz-new' is not in DubbingStatus's enum"),
        (
            {"unfinished": ["initialized", "sent", "processing", "failed"]},
            "`failure`: 'failed' is terminal, so it cannot be listed in `unfinished`",
        ),
        (
            {"unfinished": ["initialized", "sent", "processing", "completed"]},
            "`result`: 'completed' is terminal",
        ),
        ({"failure": "completed"}, "`result` and `failure` must be different"),
        ({"unfinished": ["sent", "processing"]}, "'initialized' in the enum is neither"),
        ({"initial": "initialized"}, "`path` must go from `initial` ('initialized')"),
        ({"path": ["sent", "failed", "completed"]}, "'failed' must be listed in `unfinished`"),
        ({"path": ["sent"]}, "`path` must go from `initial`"),
        ({"path": ["sent", "sent", "completed"]}, "`path` names a word twice"),
        ({"result": ["completed"]}, "`result` must be one status word"),
        ({"unfinished": "sent"}, "`unfinished` must be a list of status words"),
        ({"failure": None}, "missing failure"),
        ({"terminal": ["completed"]}, "unknown key(s) terminal"),
    ],
)
def test_a_broken_lifecycle_fails_generation_clearly(
    parsed: ParsedSpec, changes: dict[str, Any], expected: str
) -> None:
    message = generation_error(parsed, lifecycle_edit(**changes))
    assert "DubbingStatus.x-a2e-lifecycle" in message
    assert expected in message


def test_an_enum_word_outside_the_lifecycle_fails(parsed: ParsedSpec) -> None:
    def add_word(schemas: Schemas) -> None:
        schemas["DubbingStatus"]["enum"].append("cancelled")

    message = generation_error(parsed, add_word)
    assert "'cancelled' in the enum is neither unfinished nor `result` nor `failure`" in message


def test_a_status_schema_without_a_lifecycle_fails(parsed: ParsedSpec) -> None:
    def drop(schemas: Schemas) -> None:
        del schemas["DubbingStatus"]["x-a2e-lifecycle"]

    assert "DubbingStatus (the status of DubbingTask.current_status) needs `x-a2e-lifecycle`" in (
        generation_error(parsed, drop)
    )


def test_the_start_operation_must_be_unambiguous(parsed: ParsedSpec) -> None:
    document = copy.deepcopy(parsed.document)
    document["paths"][spec_op("dubbing.delete").path]["delete"]["x-a2e-idempotent"] = False
    operations = tuple(
        dataclasses.replace(op, definition=document["paths"][op.path][op.method])
        for op in parsed.operations
    )
    twice = dataclasses.replace(parsed, document=document, operations=operations)
    with pytest.raises(GenerationError, match="exactly one operation that starts a task"):
        task_spec(twice)


def test_a_bad_hint_on_a_request_property_fails(parsed: ParsedSpec) -> None:
    def set_hint(schemas: Schemas) -> None:
        schemas["StartDubbingRequest"]["properties"]["name"]["x-a2e-mock"] = "id"

    message = generation_error(parsed, set_hint)
    assert "StartDubbingRequest.name: x-a2e-mock is for the task record's properties" in message


def test_the_compiled_record_keeps_order_leaves_out_and_never_runs_spec_text() -> None:
    from a2e_dubbing_mock._shape import FieldSpec
    from a2e_dubbing_mock._spec import LIFECYCLE
    from a2e_dubbing_mock._task_records import TaskRow, compile_record

    odd = "x'}; raise SystemExit('ran') #\"\n"
    fields = (
        FieldSpec(odd, "const", value={"nested": [1, "two"]}),
        FieldSpec("asked", "request"),  # no default: left out when absent
        FieldSpec("kind", "request", value="plain", has_value=True),
        FieldSpec("why", "failure-message", when="failure"),
        FieldSpec("status", "status"),
        FieldSpec("url", "result"),
        FieldSpec("code", "failure-code"),
    )
    record = compile_record(fields)
    doc = {"request": {"asked": "yes"}, "failure-message": "no speech", "failure-code": "E1"}
    signed: list[str] = []

    def result_url(task_id: str) -> str:  # asked only for a result, each time
        signed.append(task_id)
        return f"signed URL of {task_id}"

    sent = record(TaskRow("a" * 24, 0, 0, LIFECYCLE.initial, None, doc), "u", result_url)
    failed = record(
        TaskRow("a" * 24, 0, 0, LIFECYCLE.failure, None, {"request": {}}), "u", result_url
    )
    done = record(TaskRow("b" * 24, 0, 0, LIFECYCLE.result, None, doc), "u", result_url)
    assert list(sent) == [odd, "asked", "kind", "status", "url", "code"]
    assert sent[odd] == {"nested": [1, "two"]}
    assert (sent["asked"], sent["kind"], sent["url"], sent["code"]) == ("yes", "plain", "", None)
    assert list(failed) == [odd, "kind", "why", "status", "url", "code"]  # `asked` left out
    assert failed["why"] == ""  # failed without a message
    assert done["url"] == f"signed URL of {'b' * 24}"
    assert signed == ["b" * 24]
