"""The spec says which operation presigns uploads and which fields take a local file; the
generator checks both extensions and follows them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import GenerationError
from generator._build import SPEC_PATH
from generator._client import client_view
from generator._commands import cli_view
from generator._extensions import validate
from generator._mock import mock_view
from generator._parse import parse
from generator._release import package_version
from generator._surface import _parameters

from ._spec import PRESIGN, SOURCE_FIELD, START

Edit = Callable[[dict[str, Any]], None]


def _parsed(tmp_path: Path, edit: Edit) -> Any:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return parse(path)


def _op(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(
        op
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and op.get("operationId") == operation_id
    )


def _request(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    schema = _op(document, operation_id)["requestBody"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    return dict(document["components"]["schemas"][name])


def test_presign_names_that_the_operation_lacks_are_all_listed(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        presign = _op(document, PRESIGN.operation_id)["x-a2e-presign"]
        presign["name"] = "filename"
        presign["url"] = "publicUrl"

    with pytest.raises(GenerationError) as caught:
        validate(_parsed(tmp_path, edit))
    message = str(caught.value)
    assert "x-a2e-presign.name names 'filename', which the request does not have" in message
    assert "x-a2e-presign.url names 'publicUrl', which the answer's data does not have" in message


def test_the_url_to_put_to_must_be_a_required_field_of_the_answer(tmp_path: Path) -> None:
    put = PRESIGN.definition["x-a2e-presign"]["put"]

    def edit(document: dict[str, Any]) -> None:
        schema = document["components"]["schemas"]["PresignedUpload"]
        schema["required"] = [name for name in schema["required"] if name != put]

    with pytest.raises(GenerationError, match=f"names {put!r}: make it a required field"):
        validate(_parsed(tmp_path, edit))


def test_an_upload_hint_must_name_a_presign_operation_on_a_url(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        properties = _request(document, START.operation_id)["properties"]
        properties[SOURCE_FIELD]["x-a2e-upload"] = "transferToStorage"
        properties["name"]["x-a2e-upload"] = PRESIGN.operation_id

    with pytest.raises(GenerationError) as caught:
        validate(_parsed(tmp_path, edit))
    message = str(caught.value)
    assert "names 'transferToStorage', which is not an operation with x-a2e-presign" in message
    assert "request body property name: x-a2e-upload is for a URL (`format: uri`)" in message


def test_the_fields_that_take_a_local_file_follow_the_spec(tmp_path: Path) -> None:
    """Moving the hint moves the behaviour: the start takes a str only, the transfer a Path."""

    def edit(document: dict[str, Any]) -> None:
        del _request(document, START.operation_id)["properties"][SOURCE_FIELD]["x-a2e-upload"]
        transfer = document["components"]["schemas"]["TransferRequest"]["properties"]["url"]
        transfer["x-a2e-upload"] = PRESIGN.operation_id

    parsed = _parsed(tmp_path, edit)
    view = client_view(parsed, version=package_version(parsed.document))
    params = {
        (r.name, m.name, p.name): p for r in view.resources for m in r.methods for p in m.params
    }
    start = params[("dubbing", "start", SOURCE_FIELD)]
    transfer = params[("storage", "transfer", "url")]
    assert (start.annotation, start.upload) == ("str", None)
    assert (transfer.annotation, transfer.upload) == ("str | os.PathLike[str]", "Storage")
    commands = {c.name: c for c in cli_view(parsed, view.resources).commands}
    assert {p.name: p.upload for p in commands["transfer"].params} == {"url": "storage.upload"}
    assert not any(p.upload for p in commands["start"].params)
    assert commands["upload"].uploads


def test_without_a_presign_operation_there_is_no_upload(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        del _op(document, PRESIGN.operation_id)["x-a2e-presign"]
        del _request(document, START.operation_id)["properties"][SOURCE_FIELD]["x-a2e-upload"]

    parsed = _parsed(tmp_path, edit)
    view = client_view(parsed, version=package_version(parsed.document))
    assert not view.uses_upload
    assert all(r.presign is None for r in view.resources)
    assert "upload" not in {c.name for c in cli_view(parsed, view.resources).commands}


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("str", "str | os.PathLike[str]", "additive"),  # takes more: no caller breaks
        ("str | int", "str", "breaking"),
        ("str", "int", "breaking"),
        ("dict[str, int | None]", "dict[str, int | None] | None", "additive"),
        ("dict[str, int | None]", "dict[str, int] | None", "breaking"),
    ],
)
def test_a_parameter_type_that_only_widens_is_additive(before: str, after: str, kind: str) -> None:
    changes = list(
        _parameters(
            "Dubbing.start",
            (("x", "positional", None, before),),
            (("x", "positional", None, after),),
        )
    )
    assert [c.kind for c in changes] == [kind]


def test_the_mock_must_be_able_to_answer_every_required_field(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["components"]["schemas"]["PresignedUpload"]["required"].append("bucket")

    parsed = _parsed(tmp_path, edit)
    with pytest.raises(GenerationError, match=r"cannot answer the required field\(s\) bucket"):
        mock_view(parsed, version=package_version(parsed.document))
