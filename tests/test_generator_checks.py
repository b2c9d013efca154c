"""The generator checks its own output and its input: lint, types, extensions, names,
the generated-file header."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import generator._client
import generator._mock
import generator._render
import generator._verify
from contract_tests import _api as api
from generator import GenerationError, build
from generator._build import OUTPUT_DIR, REPO_ROOT, SPEC_PATH, _files
from generator._render import RUNTIME_DIR, TEMPLATES_DIR, UNSTAMPED

Edit = Callable[[dict[str, Any]], None]


def _spec(tmp_path: Path, edit: Edit) -> Path:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _operation(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise AssertionError(operation_id)


def _recovering_operation(document: dict[str, Any]) -> dict[str, Any]:
    """The operation that has `x-a2e-recover` (start dubbing today)."""
    return next(
        op
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-a2e-recover" in op
    )


# Extensions


def test_a_typo_in_recover_match_fails_naming_the_field_and_the_choices(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        recover = _recovering_operation(document)["x-a2e-recover"]
        recover["match"] = [*recover["match"][:-1], recover["match"][-1] + "x"]

    with pytest.raises(GenerationError, match=r"match names '\w+x', which the request does not"):
        build(_spec(tmp_path, edit), tmp_path / "out")


def test_an_unknown_extension_is_an_error(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        op = _recovering_operation(document)
        op["x-a2e-idempotant"] = op.pop("x-a2e-idempotent")

    with pytest.raises(GenerationError, match="unknown extension x-a2e-idempotant"):
        build(_spec(tmp_path, edit), tmp_path / "out")


def test_a_misplaced_or_malformed_extension_is_an_error_and_all_are_listed(
    tmp_path: Path,
) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["info"]["x-a2e-client"] = "dubbing.start"
        op = _recovering_operation(document)
        op["x-evidence"] = "rumour"
        op["x-a2e-recover"]["unique"] = "no_such"

    with pytest.raises(GenerationError) as raised:
        build(_spec(tmp_path, edit), tmp_path / "out")
    message = str(raised.value)
    assert "3 problem(s)" in message
    assert "info: x-a2e-client belongs on operation, not on info" in message
    assert 'x-evidence: "rumour" is not one of "seed"' in message
    assert "unique 'no_such' must be one of match" in message


def _labelled(document: dict[str, Any]) -> dict[str, Any]:
    """The schema whose values have names (`x-a2e-labels`: the language codes today)."""
    return next(s for s in document["components"]["schemas"].values() if "x-a2e-labels" in s)


def test_labels_must_name_every_listed_value_and_nothing_else(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        schema = _labelled(document)
        schema["enum"] = [*schema["enum"][1:], "xq"]  # the first named but unlisted, xq unnamed

    with pytest.raises(GenerationError) as raised:
        build(_spec(tmp_path, edit), tmp_path / "out")
    message = str(raised.value)
    assert "has no names for xq" in message
    assert "which the enum does not list" in message


def test_a_listed_value_is_a_plain_string_for_the_client() -> None:
    """The client sends and reads a code the spec does not list (A2E's list may be longer)."""
    from a2e_dubbing.models import StartDubbingRequest

    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    unlisted = "xq"
    assert unlisted not in _labelled(document)["enum"]
    request = StartDubbingRequest(source_url="https://e.com/a.mp3", target_lang=unlisted)
    wire = request.to_dict()
    assert wire["target_lang"] == unlisted
    assert StartDubbingRequest.from_dict({**wire, "source_lang": unlisted}).source_lang == unlisted


def test_two_operations_cannot_be_the_same_client_method(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        _operation(document, "getDubbingTask")["x-a2e-client"] = "dubbing.list"

    with pytest.raises(GenerationError, match=r"x-a2e-client dubbing.list is already"):
        build(_spec(tmp_path, edit), tmp_path / "out")


# Python names


def _add_cancel(document: dict[str, Any]) -> None:
    """A new operation whose body carries the record id (`_id`), as the issue's drill."""
    detail = _operation(document, "getDubbingTask")
    beside_start = api.op("dubbing.start").path.rsplit("/", 1)[0]
    document["paths"][f"{beside_start}/cancel"] = {
        "post": {
            "operationId": "cancelDubbingTask",
            "tags": detail["tags"],
            "summary": "Cancel",
            "description": "Cancel a task.",
            "x-evidence": "unknown",
            "x-a2e-client": "dubbing.cancel",
            "x-a2e-idempotent": True,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["_id"],
                            "properties": {"_id": {"$ref": "#/components/schemas/ObjectId"}},
                        }
                    }
                },
            },
            "responses": detail["responses"],
        }
    }


def _runtime_with_cancel_handler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = tmp_path / "runtime"
    shutil.copytree(RUNTIME_DIR, runtime)
    handlers = runtime / "mock" / "_handlers.py"
    handlers.write_text(
        handlers.read_text(encoding="utf-8")
        + "\n\nasync def cancel_dubbing_task(call: Call) -> Any:\n"
        + "    return await get_dubbing_task(call)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(generator._render, "RUNTIME_DIR", runtime)
    monkeypatch.setattr(generator._mock, "HANDLERS_FILE", handlers)


def test_a_body_property_has_one_python_name_in_its_model_and_its_method(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _runtime_with_cancel_handler(tmp_path, monkeypatch)
    build(_spec(tmp_path, _add_cancel), tmp_path / "out")  # mypy --strict passed inside
    script = """
import json, httpx
from a2e_dubbing import A2E
sent = []
def answer(request):
    sent.append(json.loads(request.content))
    return httpx.Response(200, json={"code": 404, "msg": "no such task"})
client = A2E(api_key="sk_x", base_url="http://a2e.test", max_retries=0,
             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
try:
    client.dubbing.cancel(task_id="66ea4dd87db10c73fa29b570")
except Exception as error:
    print(type(error).__name__)
print(json.dumps(sent))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(tmp_path / "out" / "client"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    error, sent = result.stdout.splitlines()
    assert error == "NotFoundError"  # the call was made: no TypeError before it
    assert json.loads(sent) == [{"_id": "66ea4dd87db10c73fa29b570"}]


def test_a_keyword_that_would_shadow_a_builtin_fails_with_the_fix(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        _operation(document, "listLanguages")["parameters"].append(
            {"name": "id", "in": "query", "required": False, "schema": {"type": "string"}}
        )

    with pytest.raises(
        GenerationError, match=r"`id`, which shadows a Python builtin.*x-a2e-python-name"
    ):
        build(_spec(tmp_path, edit), tmp_path / "out")


def test_one_wire_name_cannot_have_two_python_names(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        """Get details names its task id parameter differently from every other operation."""
        get = _operation(document, "getDubbingTask")
        parameters = []
        for param in get["parameters"]:
            resolved = param
            if "$ref" in param:
                resolved = document["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
            if "x-a2e-python-name" in resolved:
                resolved = {**resolved, "x-a2e-python-name": "record_id"}
            parameters.append(resolved)
        assert parameters != get["parameters"], "Get details declares no Python name"
        get["parameters"] = parameters

    with pytest.raises(GenerationError, match="one wire name has one Python name"):
        build(_spec(tmp_path, edit), tmp_path / "out")


def test_every_wire_name_has_one_python_name_in_models_methods_and_cli_options() -> None:
    """Across the model attributes, the method keywords and the CLI options the spec makes."""
    from generator._client import client_view
    from generator._commands import cli_view
    from generator._names import wire_name
    from generator._parse import parse
    from generator._release import package_version

    parsed = parse(SPEC_PATH)
    view = client_view(parsed, version=package_version(parsed.document))
    names: dict[str, set[str]] = {}
    for model in parsed.data.models:
        for prop in (*(model.required_properties or ()), *(model.optional_properties or ())):
            names.setdefault(wire_name(prop), set()).add(str(prop.python_name))
    for resource in view.resources:
        for method in resource.methods:
            for param in method.params:
                names.setdefault(param.wire, set()).add(str(param.name))
    for command in cli_view(parsed, view.resources).commands:
        for option in command.params:
            if option.wire:  # not a request field (`upload`'s file, ...)
                names.setdefault(option.wire, set()).add(option.name)
    assert {wire: found for wire, found in names.items() if len(found) > 1} == {}
    assert names[api.record().id.wire] == {api.op("dubbing.get").params[0].keyword}


def test_a_schema_property_cannot_disagree_with_a_parameter_on_the_python_name(
    tmp_path: Path,
) -> None:
    def edit(document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        record = schemas[api.record().schema]["properties"][api.record().id.wire]
        record["x-a2e-python-name"] = "record_id"

    with pytest.raises(GenerationError, match="one wire name has one Python name"):
        build(_spec(tmp_path, edit), tmp_path / "out")


# The output is linted and type-checked


def _template_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    meta = templates / "client" / "_meta.py.jinja"
    meta.write_text(meta.read_text(encoding="utf-8") + extra, encoding="utf-8")
    monkeypatch.setattr(generator._client, "TEMPLATES", templates / "client")


def test_generated_code_that_fails_mypy_fails_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _template_with(tmp_path, monkeypatch, '\nBROKEN: int = "not an int"\n')
    with pytest.raises(GenerationError, match=r"mypy --strict[\s\S]*_meta.py.*assignment"):
        build(SPEC_PATH, tmp_path / "out")


def test_generated_code_that_fails_ruff_fails_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _template_with(tmp_path, monkeypatch, "\nBROKEN = undefined_name\n")
    with pytest.raises(GenerationError, match=r"fails ruff's lint[\s\S]*F821"):
        build(SPEC_PATH, tmp_path / "out")


def test_a_tree_that_passed_is_not_checked_again_until_a_byte_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(generator._verify.CACHE_ENV, str(tmp_path / "cache" / "mypy"))
    tools: list[str] = []

    def passing(command: list[str], cwd: Path, **_: Any) -> subprocess.CompletedProcess[str]:
        tools.append(command[2])  # python -m <tool>
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(generator._verify, "_run", passing)
    build(SPEC_PATH, tmp_path / "first")
    assert tools == ["ruff", "ruff", "mypy"]  # each package's lint, then one mypy run
    build(SPEC_PATH, tmp_path / "second")  # the same bytes, somewhere else
    assert tools == ["ruff", "ruff", "mypy"]
    _template_with(tmp_path, monkeypatch, "\nEXTRA: int = 1\n")  # one file changes
    build(SPEC_PATH, tmp_path / "third")
    assert tools == ["ruff", "ruff", "mypy"] * 2


def test_a_tree_that_failed_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(generator._verify.CACHE_ENV, str(tmp_path / "cache" / "mypy"))
    runs: list[str] = []

    def failing(command: list[str], cwd: Path, **_: Any) -> subprocess.CompletedProcess[str]:
        runs.append(command[2])
        return subprocess.CompletedProcess(command, int(command[2] == "mypy"), "x.py: error", "")

    monkeypatch.setattr(generator._verify, "_run", failing)
    for attempt in ("first", "second"):
        with pytest.raises(GenerationError, match="mypy --strict"):
            build(SPEC_PATH, tmp_path / attempt)
    assert runs.count("mypy") == 2


# Every generated file says so


def test_every_generated_file_starts_with_the_generated_line_naming_what_to_edit() -> None:
    files = _files(OUTPUT_DIR)  # what the generator writes, not what tools leave (.ruff_cache)
    stamped = [p for p in files if not any(p.match(pattern) for pattern in UNSTAMPED)]
    assert len(stamped) > 70
    for path in stamped:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert "Generated by a2e-dubbing's generator: do not edit." in first, path
        for named in re.findall(r"Edit (\S+?)[,)]? ", first) + re.findall(
            r"templates in (\S+?)/\)", first
        ):
            assert (REPO_ROOT / named).exists(), (path, named)
    exempt = sorted(
        {p.name if p.name == "py.typed" else p.suffix for p in files if p not in stamped}
    )
    assert exempt == [".json", "py.typed"]  # no comment syntax, or must stay empty
