"""The spec drives the command line: a new operation is a new command with no hand edit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from contract_tests import _api as api
from generator import GenerationError
from generator._build import REPO_ROOT, SPEC_PATH
from generator._client import client_view
from generator._commands import cli_view
from generator._parse import parse
from generator._release import package_version
from generator._render import RUNTIME_DIR

# A new path beside start dubbing's (a made-up operation: "cancel").
CANCEL_PATH = api.op("dubbing.start").path.rsplit("/", 1)[0] + "/cancel"
ID = api.record().id.wire
CANCEL = {
    "post": {
        "operationId": "cancelDubbingTask",
        "tags": ["dubbing"],
        "summary": "Cancel a dubbing task",
        "description": "Stop a running task; the answer is its record.",
        "x-evidence": "unknown",
        "x-a2e-client": "dubbing.cancel",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/CancelRequest"},
                }
            },
        },
        "responses": {
            "200": {
                "description": "The task, as it is now.",
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/DubbingTaskEnvelope"},
                                {"$ref": "#/components/schemas/ErrorEnvelope"},
                            ]
                        }
                    }
                },
            },
            **{
                code: {"$ref": f"#/components/responses/{name}"}
                for code, name in (
                    ("400", "BadRequest"),
                    ("401", "Unauthorized"),
                    ("404", "NotFound"),
                    ("422", "UnprocessableEntity"),
                    ("429", "TooManyRequests"),
                    ("5XX", "ServerError"),
                )
            },
        },
    }
}
CANCEL_REQUEST = {
    "type": "object",
    "required": ["_id"],
    "properties": {
        "_id": {
            "$ref": "#/components/schemas/ObjectId",
            "description": "The `_id` of the task to cancel (100% sure).",
        }
    },
}
# One wire name, one Python name: `_id` is `task_id` wherever the spec says so (parameters),
# so the body's `_id` is the keyword `task_id` too.
# The mock's handler of a new operation is hand-written (the generator says so when it is
# missing); this one answers the task's record.
CANCEL_HANDLER = """

async def cancel_dubbing_task(call: Call) -> Any:
    import dataclasses

    return await get_dubbing_task(dataclasses.replace(call, params={"_id": call.body["_id"]}))
"""


def _scratch_copy(root: Path) -> Path:
    """The generator, the spec and the recordings the mock ships, copied under `root`."""
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", "*.pyc")
    shutil.copytree(REPO_ROOT / "generator", root / "generator", ignore=ignore)
    shutil.copytree(REPO_ROOT / "openapi", root / "openapi", ignore=ignore)
    recordings = REPO_ROOT / "contract_tests" / "recordings"
    shutil.copytree(recordings, root / "contract_tests" / "recordings", ignore=ignore)
    return root / "openapi" / SPEC_PATH.name


def _edit_spec(path: Path, edit: Callable[[dict[str, object]], None]) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")


def _add_cancel(document: dict[str, object]) -> None:
    document["paths"][CANCEL_PATH] = CANCEL  # type: ignore[index]
    document["components"]["schemas"]["CancelRequest"] = CANCEL_REQUEST  # type: ignore[index]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch repository whose spec has one more operation, generated into `generated/`."""
    root = tmp_path_factory.mktemp("scratch-repo")
    spec = _scratch_copy(root)
    _edit_spec(spec, _add_cancel)
    handlers = root / "generator" / "runtime" / "mock" / "_handlers.py"
    before = handlers.read_text(encoding="utf-8")
    generate = [sys.executable, "-m", "generator", "generate", "--out", str(root / "generated")]
    missing = subprocess.run(generate, cwd=root, capture_output=True, text=True, check=False)
    assert missing.returncode == 2  # the generator names the handler to write
    assert "cancel_dubbing_task" in missing.stderr
    handlers.write_text(before + CANCEL_HANDLER, encoding="utf-8")
    done = subprocess.run(generate, cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return root / "generated"


def _scratch_env(generated: Path, **extra: str) -> dict[str, str]:
    paths = [str(generated / "client"), str(generated / "mock")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **extra}


def test_a_new_operation_is_a_command_with_no_hand_edit(scratch: Path, tmp_path: Path) -> None:
    env = _scratch_env(scratch)
    help_text = subprocess.run(
        [sys.executable, "-m", "a2e_dubbing", "--help"], env=env, capture_output=True, text=True
    )
    assert help_text.returncode == 0, help_text.stderr
    assert "dubbing-cancel" in help_text.stdout
    assert "Cancel a dubbing task" in help_text.stdout
    command_help = subprocess.run(
        [sys.executable, "-m", "a2e_dubbing", "dubbing-cancel", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    positional = command_help.stdout.split("positional arguments:\n", 1)[1].split("\n")[0]
    metavar, described = positional.split(maxsplit=1)
    assert (metavar, described) == ("TASK_ID", "The `_id` of the task to cancel (100% sure).")
    mock = subprocess.Popen(
        [sys.executable, "-m", "a2e_dubbing_mock", "serve", "--port", "0",
         "--db", str(tmp_path / "mock.sqlite3"), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert mock.stdout is not None
        url = mock.stdout.readline().removeprefix("Listening on ").strip()
        assert url.startswith("http://127.0.0.1:"), url
        cli_env = _scratch_env(scratch, A2E_BASE_URL=url, A2E_API_KEY="sk_scratch_tenant")

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "a2e_dubbing", *args],
                env=cli_env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )

        started = cli("--json", "start", "https://example.com/a.mp3", "--to", "fr")
        assert started.returncode == 0, started.stderr
        task_id = json.loads(started.stdout)[ID]
        cancelled = cli("dubbing-cancel", task_id)
        assert cancelled.returncode == 0, cancelled.stderr
        assert re.search(rf"^{re.escape(ID)} +{task_id}$", cancelled.stdout, re.MULTILINE)
        as_json = cli("--json", "dubbing-cancel", task_id)
        assert json.loads(as_json.stdout)[ID] == task_id
        unknown = cli("dubbing-cancel", "0" * 24)
        assert unknown.returncode == 1
        assert unknown.stderr.startswith(
            f"a2e-dubbing: error: task {'0' * 24} not found — see: a2e-dubbing list (HTTP 404"
        )
        malformed = cli("dubbing-cancel", "nope")
        assert malformed.returncode == 1
        assert malformed.stderr.startswith("a2e-dubbing: error: TASK_ID 'nope': must match ")
    finally:
        mock.terminate()
        mock.wait(timeout=15)
        if mock.stdout is not None:
            mock.stdout.close()


def test_the_scratch_copy_changed_only_the_spec_and_the_handler(scratch: Path) -> None:
    """The only hand edits the new command needed (the check of the drill itself)."""
    root = scratch.parent
    for folder in ("templates", "runtime/client"):
        for path in (root / "generator" / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                original = REPO_ROOT / "generator" / path.relative_to(root / "generator")
                assert path.read_bytes() == original.read_bytes(), path
    for path in (root / "generator").glob("*.py"):
        assert path.read_bytes() == (REPO_ROOT / "generator" / path.name).read_bytes(), path
    handlers = (root / "generator" / "runtime" / "mock" / "_handlers.py").read_text("utf-8")
    ours = (RUNTIME_DIR / "mock" / "_handlers.py").read_text("utf-8")
    assert handlers == ours + CANCEL_HANDLER


def _cli_of(tmp_path: Path, edit: Callable[[dict[str, object]], None]) -> object:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    _edit_spec(spec, edit)
    parsed = parse(spec)
    return cli_view(parsed, client_view(parsed, version=package_version(parsed.document)).resources)


def _operation(document: dict[str, object], name: str) -> dict[str, object]:
    """The definition of the operation backing client method `name` in `document`."""
    found = api.op(name)
    return document["paths"][found.path][found.method.lower()]  # type: ignore[index,no-any-return]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: _operation(d, "dubbing.get").update({"x-a2e-cli": "list"}),
            "both the command 'list'",
        ),
        (
            lambda d: _operation(d, "dubbing.get").update({"x-a2e-cli": "Get Task"}),
            "kebab case",
        ),
        (
            lambda d: d["components"]["schemas"]["LanguageCode"].update(
                {"x-a2e-values-from": "noSuchOperation"}
            ),
            "x-a2e-values-from names 'noSuchOperation'",
        ),
        (
            lambda d: d["components"]["schemas"]["Language"].update(
                {"x-a2e-cli-columns": {"code": "kode"}}
            ),
            "x-a2e-cli-columns names 'kode'",
        ),
    ],
    ids=["duplicate", "not kebab case", "unknown values-from", "unknown column"],
)
def test_a_spec_that_cannot_make_a_command_line_fails_generation(
    edit: Callable[[dict[str, object]], None], message: str, tmp_path: Path
) -> None:
    with pytest.raises(GenerationError, match=message):
        _cli_of(tmp_path, edit)


def test_without_x_a2e_cli_a_command_is_named_resource_method(tmp_path: Path) -> None:
    def unnamed(document: dict[str, object]) -> None:
        del _operation(document, "account.remaining_coins")["x-a2e-cli"]

    view = _cli_of(tmp_path, unnamed)
    names = {c.name for c in view.commands}  # type: ignore[attr-defined]
    assert "account-remaining-coins" in names
    assert "credits" not in names
