"""Live mode, proven against a mock over a real socket (it stands in for the real host)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from a2e_dubbing_mock import create_app
from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests import _api as api
from contract_tests._cli import main
from contract_tests._live import run_live
from contract_tests._local import serving
from contract_tests._recordings import Recording, check_recording
from contract_tests._spec import Spec
from contract_tests._strict import StrictValidator

RECORD = api.record()


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch, a2e_mock_server: MockServer) -> str:
    monkeypatch.setenv("A2E_API_KEY", a2e_mock_server.token)
    return a2e_mock_server.token


def test_without_a_key_it_says_so_and_skips(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("A2E_API_KEY", raising=False)
    junit = tmp_path / "live.xml"
    assert main(["live", "--base-url", "http://127.0.0.1:9", "--junit", str(junit)]) == 0
    assert "A2E_API_KEY is not set; skipping the live run" in capsys.readouterr().out
    assert ET.parse(junit).getroot().get("skipped") == "1"


def test_read_only_by_default(
    key: str, a2e_mock_server: MockServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["live", "--base-url", a2e_mock_server.url]) == 0
    out = capsys.readouterr().out
    assert "ok    remaining credits (getRemainingCoins)" in out
    assert "ok    a request without a key (getRemainingCoins)" in out
    assert "start dubbing (spends credits) (startDubbing): skipped, writes not allowed" in out
    with httpx_client(a2e_mock_server) as http:
        assert http.get(api.op("dubbing.list").path).json()["data"]["count"] == 0
    # The presigned upload's answer is checked (it stores nothing); nothing is PUT.
    assert "ok    presigned upload URL (getUploadPresignedUrl)" in out
    assert (
        "upload to the presigned URL (stores a file) (getUploadPresignedUrl): skipped, "
        "writes not allowed"
    ) in out
    assert _uploaded_files(a2e_mock_server) == []


def test_with_writes_every_operation_conforms_and_the_task_is_cleaned_up(
    key: str, a2e_mock_server: MockServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junit = tmp_path / "live.xml"
    code = main(
        ["live", "--base-url", a2e_mock_server.url, "--allow-writes", "--junit", str(junit)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    for operation in (o.operation_id for o in api.operations()):
        assert f"  {operation}: " in out
        assert f"{operation}: not covered" not in out
    assert "skipped" not in out
    assert "ok    upload to the presigned URL (stores a file) (getUploadPresignedUrl)" in out
    assert "getUploadPresignedUrl: 2 checked, no drift" in out
    assert len(_uploaded_files(a2e_mock_server)) == 1  # the probe, stored by the mock
    suite = ET.parse(junit).getroot()
    assert (suite.get("failures"), suite.get("skipped")) == ("0", "0")
    with httpx_client(a2e_mock_server) as http:
        assert http.get(api.op("dubbing.list").path).json()["data"]["count"] == 0


def test_live_exchanges_can_be_recorded_and_pass_the_strict_checks(
    key: str, a2e_mock_server: MockServer, spec: Spec, tmp_path: Path
) -> None:
    report = run_live(
        a2e_mock_server.url, key, spec=spec, allow_writes=True, record_to=tmp_path / "rec"
    )
    assert not report.drifted, report.render()
    saved = sorted((tmp_path / "rec").glob("*.json"))
    # every API exchange (both forms of a task's details); the PUT to the storage is not A2E's API
    assert len(saved) == 12
    validator = StrictValidator(spec)
    for path in saved:
        text = path.read_text()
        assert key not in text
        assert re.findall(r"sk_[A-Za-z0-9_]{3,}", text) == []
        assert check_recording(Recording.load(path), spec, validator) == []


class _Drifted:
    """The mock, broken on purpose: task records gain a field and a new status word."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def altered(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                body = json.loads(message["body"])
                data = body.get("data")
                if isinstance(data, dict) and RECORD.id.wire in data:
                    data["zz_not_a_field"] = "v1"  # words no A2E version will use
                    data[RECORD.status.wire] = "zz-not-a-status"
                message = {**message, "body": json.dumps(body).encode()}
            elif message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"content-length"]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, altered)


def test_a_drifted_server_fails_with_a_readable_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("A2E_API_KEY", "sk_live_check")
    app = create_app()
    try:
        with serving(_Drifted(app)) as url:
            code = main(["live", "--base-url", url, "--allow-writes"])
    finally:
        app.close()
    out = capsys.readouterr().out
    assert code == 1
    assert "DRIFT start dubbing (spends credits) (startDubbing)" in out
    assert "response.body $.data.zz_not_a_field: undocumented-field" in out
    status = RECORD.status.wire
    assert f"response.body $.data.{status}: enum: 'zz-not-a-status' is not one of" in out
    assert out.rstrip().endswith("DRIFT: the API and the spec disagree")


class _NoFileUrl:
    """The mock, drifted as the real API may be: the presign answer has no file URL (the
    field the spec chose, which no source shows), and its PUT URL refuses the upload."""

    def __init__(self, app: Any, spec: Spec) -> None:
        self.app = app
        self.names = spec.operation("getUploadPresignedUrl").definition["x-a2e-presign"]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def altered(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                body = json.loads(message["body"])
                data = body.get("data") if isinstance(body, dict) else None
                if isinstance(data, dict) and self.names["put"] in data:
                    del data[self.names["url"]]
                    data["bucket"] = "a2e-prod-jumpy"
                message = {**message, "body": json.dumps(body).encode()}
            elif message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"content-length"]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, altered)


def test_the_presigned_upload_shape_is_checked_without_writes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spec: Spec
) -> None:
    monkeypatch.setenv("A2E_API_KEY", "sk_live_upload_check")
    app = create_app()
    try:
        with serving(_NoFileUrl(app, spec)) as url:
            code = main(["live", "--base-url", url])
        stored = list(app.uploads.folder.rglob("*.data"))
    finally:
        app.close()
    out = capsys.readouterr().out
    assert code == 1, out
    assert "DRIFT presigned upload URL (getUploadPresignedUrl)" in out
    assert "response.body $.data.url: missing-required: required field 'url' is missing" in out
    assert "getUploadPresignedUrl: 1 checked, missing-required x1" in out
    assert stored == []


def test_a_refused_upload_is_drift(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("A2E_API_KEY", "sk_live_upload_refused")
    app = create_app(max_upload_bytes=10)  # smaller than the probe: the storage says 413
    try:
        with serving(app) as url:
            code = main(["live", "--base-url", url, "--allow-writes"])
    finally:
        app.close()
    out = capsys.readouterr().out
    assert code == 1, out
    assert "DRIFT upload to the presigned URL (stores a file) (getUploadPresignedUrl)" in out
    assert "the storage refused the PUT of 1644 bytes: HTTP 413" in out
    assert "ok    presigned upload URL (getUploadPresignedUrl)" in out


def _uploaded_files(server: MockServer) -> list[Path]:
    """The files the mock's storage holds (beside its database, see the mock's README)."""
    folder = server.db.with_name(f"{server.db.stem}-uploads")
    return sorted(folder.rglob("*.data")) if folder.is_dir() else []


def httpx_client(server: MockServer) -> Any:
    import httpx

    return httpx.Client(base_url=server.url, headers=server.headers)
