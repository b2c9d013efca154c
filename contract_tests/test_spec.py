"""The spec is valid OpenAPI 3.1 and keeps the project's own rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from contract_tests import _api as api
from contract_tests._recordings import RECORDINGS_DIR
from contract_tests._spec import SPEC_PATH, Operation, Spec, load_spec
from contract_tests._strict import StrictValidator

OPERATIONS = load_spec().operations
EVIDENCE = {"seed", "official-sibling", "third-party", "unknown"}
ERROR_ENVELOPE = "#/components/schemas/ErrorEnvelope"


def _ids(ops: tuple[Operation, ...]) -> list[str]:
    return [op.operation_id for op in ops]


def test_openapi_spec_validator_accepts_the_spec() -> None:
    document, base_uri = read_from_filename(str(SPEC_PATH))
    validate(document, base_uri=base_uri)


def test_the_spec_is_openapi_3_1_with_both_servers_and_bearer(spec: Spec) -> None:
    doc = spec.document
    assert doc["openapi"].startswith("3.1")
    assert [s["url"] for s in doc["servers"]] == [
        "https://video.a2e.ai",
        "https://video.a2e.com.cn",
    ]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    assert doc["security"] == [{"bearerAuth": []}]


def test_the_spec_has_its_ten_operations(spec: Spec) -> None:
    # About the paths themselves: the API's surface as the evidence has it, spelled out so
    # that moving a path is a decision this test records (tests/test_spec_literals.py).
    found = {(op.method.upper(), op.path) for op in spec.operations}
    assert found == {
        ("POST", "/api/v1/userDubbing/startDubbing"),
        ("GET", "/api/v1/userDubbing/allRecords"),
        ("GET", "/api/v1/userDubbing/processingRecord"),
        ("GET", "/api/v1/userDubbing/detail"),
        ("GET", "/api/v1/userDubbing/{_id}"),  # the second detail form (third-party, conflicting)
        ("DELETE", "/api/v1/userDubbing/{_id}"),
        ("GET", "/api/v1/user/remainingCoins"),
        ("GET", "/api/v1/anchor/language_list"),
        ("POST", "/api/v1/tos/transferToStorage"),
        ("POST", "/api/v1/r2/get_upload_presigned_url"),
    }


@pytest.mark.parametrize("op", OPERATIONS, ids=_ids(OPERATIONS))
def test_every_operation_states_its_evidence(op: Operation) -> None:
    assert op.definition.get("x-evidence") in EVIDENCE
    description = op.definition["description"]
    assert "Evidence:" in description
    assert "Uncertain:" in description


@pytest.mark.parametrize("op", OPERATIONS, ids=_ids(OPERATIONS))
def test_every_operation_documents_the_common_errors(op: Operation, spec: Spec) -> None:
    responses = op.definition["responses"]
    assert {"200", "401", "429", "5XX"} <= set(responses)
    ok = responses["200"]["content"]["application/json"]["schema"]
    assert {"$ref": ERROR_ENVELOPE} in ok["oneOf"], "a 200 may carry code != 0"
    assert "code != 0" in responses["200"]["description"]
    too_many = spec.resolve(responses["429"])
    assert "Retry-After" in too_many["headers"]
    for status, response in responses.items():
        if status != "200":
            schema = spec.resolve(response)["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_ENVELOPE}, status
    has_input = "requestBody" in op.definition or any(
        spec.resolve(p).get("schema") for p in op.definition.get("parameters", [])
    )
    if "requestBody" in op.definition:
        assert {"413", "415", "422"} <= set(responses)
    if has_input:
        assert "400" in responses


def _examples(op: Operation, spec: Spec) -> list[tuple[str, int | None, Any]]:
    """(name, status or None for the request, value) of every example of an operation."""
    found: list[tuple[str, int | None, Any]] = []
    body = op.definition.get("requestBody", {}).get("content", {}).get("application/json", {})
    for name, example in body.get("examples", {}).items():
        found.append((name, None, spec.resolve(example)["value"]))
    for status, response in op.definition["responses"].items():
        media = spec.resolve(response)["content"]["application/json"]
        code = 503 if status == "5XX" else int(status)
        for name, example in media.get("examples", {}).items():
            found.append((f"{status}:{name}", code, spec.resolve(example)["value"]))
    return found


@pytest.mark.parametrize("op", OPERATIONS, ids=_ids(OPERATIONS))
def test_every_example_validates_strictly(
    op: Operation, spec: Spec, validator: StrictValidator
) -> None:
    examples = _examples(op, spec)
    assert any(status == 200 for _, status, _ in examples), "the success answer needs an example"
    for name, status, value in examples:
        if status is None:
            problems = validator.check_request(op, {}, value, has_body=True)
        else:
            problems = validator.check_response(op, status, value)
        assert problems == [], f"example {name}: {problems}"


def test_the_seed_exchange_is_the_named_example_of_start_dubbing(spec: Spec) -> None:
    op = spec.operation("startDubbing")
    recorded = json.loads((RECORDINGS_DIR / "start_dubbing.seed.json").read_text(encoding="utf-8"))
    request_examples = op.definition["requestBody"]["content"]["application/json"]["examples"]
    response_examples = op.definition["responses"]["200"]["content"]["application/json"]["examples"]
    assert request_examples["seed"]["value"] == recorded["request"]["body"]
    assert response_examples["seed"]["value"] == recorded["response"]["body"]


def test_the_task_record_keeps_the_published_field_names(spec: Spec) -> None:
    task = spec.document["components"]["schemas"]["DubbingTask"]
    recorded = json.loads((RECORDINGS_DIR / "start_dubbing.seed.json").read_text(encoding="utf-8"))
    assert set(task["required"]) == set(recorded["response"]["body"]["data"])
    assert "faild_message" in task["properties"], "A2E's own spelling"
    assert {"failed_message", "failed_code"} <= set(task["properties"]) - set(task["required"])
    status = spec.resolve(task["properties"]["current_status"])
    assert status["enum"] == ["initialized", "sent", "processing", "completed", "failed"]


def test_the_envelope_base_leaves_data_untyped(spec: Spec) -> None:
    envelope = spec.document["components"]["schemas"]["Envelope"]
    assert envelope["required"] == ["code"]
    assert set(envelope["properties"]) == {"code", "msg", "trace_id", "data"}
    assert set(envelope["properties"]["data"]) == {"description"}


LINKS = api.op("dubbing.start").definition["responses"]["200"]["links"]


def test_start_dubbing_links_its_id_to_details_and_delete() -> None:
    linked = {link["operationId"] for link in LINKS.values()}
    details = {api.op("dubbing.get").operation_id, api.op("getDubbingTaskByPath").operation_id}
    assert linked == {*details, api.op("dubbing.delete").operation_id}


@pytest.mark.parametrize("link", LINKS)
def test_a_link_puts_the_id_where_its_operation_takes_it(link: str) -> None:
    target = api.op(LINKS[link]["operationId"])
    field = api.record().id.wire
    [param] = [p for p in target.params if p.wire == field]
    assert LINKS[link]["parameters"] == {f"{param.where}.{field}": f"$response.body#/data/{field}"}


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        ("ObjectId", "66ea4dd87db10c73fa29b570", "66EA4DD87DB10C73FA29B570"),
        ("LanguageCode", "pt-BR", "english"),
        ("SourceLanguageCode", "auto", "Auto"),
    ],
)
def test_constraints_tell_good_input_from_bad(spec: Spec, schema: str, good: str, bad: str) -> None:
    import jsonschema

    document = {
        **spec.document["components"]["schemas"][schema],
        "components": spec.document["components"],
    }
    jsonschema.Draft202012Validator(document).validate(good)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(document).validate(bad)


def test_start_request_constraints(spec: Spec, validator: StrictValidator) -> None:
    op = spec.operation("startDubbing")
    good = {"source_url": "https://example.com/a.mp3", "target_lang": "en"}
    assert validator.check_request(op, {}, good, has_body=True) == []
    bad_inputs = [
        {"target_lang": "en"},
        {**good, "source_url": "ftp://example.com/a.mp3"},
        {**good, "num_speakers": 0},
        {**good, "target_lang": "EN!"},
        {**good, "drop_background_audio": "no"},
    ]
    for bad in bad_inputs:
        assert validator.check_request(op, {}, bad, has_body=True), bad


def test_page_size_is_bounded(spec: Spec, validator: StrictValidator) -> None:
    op = spec.operation("listDubbingTasks")
    assert (
        validator.check_request(op, {"pageNum": "1", "pageSize": "100"}, None, has_body=False) == []
    )
    for query in ({"pageSize": "101"}, {"pageSize": "0"}, {"pageNum": "0"}, {"pageNum": "x"}):
        assert validator.check_request(op, query, None, has_body=False), query
