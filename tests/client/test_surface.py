"""The public surface: construction, keys, base URL, context managers, the caller's own httpx client."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys

import a2e_dubbing
import httpx
import pytest
import respx
from a2e_dubbing import A2E, A2EError, AsyncA2E, DubbingTask

from contract_tests import _api as api

from ._records import BASE_URL, KEY, ok, task


def test_every_public_name_is_importable() -> None:
    for name in a2e_dubbing.__all__:
        assert getattr(a2e_dubbing, name) is not None, name
    assert {"A2E", "AsyncA2E", "A2EError", "APIError", "TaskFailedError"} <= set(
        a2e_dubbing.__all__
    )


def test_a_missing_key_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("A2E_API_KEY", raising=False)
    with pytest.raises(A2EError, match=r"A2E_API_KEY.*Account > API Token"):
        A2E()


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A2E_API_KEY", KEY)
    monkeypatch.setenv("A2E_BASE_URL", "http://127.0.0.1:9/")
    with respx.mock(base_url="http://127.0.0.1:9") as router:
        route = api.route(router, "dubbing.get").respond(json=ok(task()))
        with A2E() as client:
            assert client.base_url == "http://127.0.0.1:9"
            client.dubbing.get("66ea4dd87db10c73fa29b570")
    assert route.calls.last.request.headers["authorization"] == f"Bearer {KEY}"


def test_the_default_base_url_is_the_global_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("A2E_BASE_URL", raising=False)
    assert A2E(api_key=KEY).base_url == "https://video.a2e.ai"


def test_a_default_timeout_is_set() -> None:
    client = A2E(api_key=KEY)
    assert isinstance(client.timeout, httpx.Timeout)
    assert client.timeout.read is not None
    assert client._http.timeout.read == client.timeout.read


def test_the_key_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = A2E(api_key=KEY, max_retries=0)
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(401, json={"code": 401, "msg": "bad key"})
        with pytest.raises(A2EError) as caught:
            client.dubbing.get("66ea4dd87db10c73fa29b570")
    shown = " ".join([repr(client), str(caught.value), repr(caught.value), caplog.text])
    assert "sk_test" not in shown
    assert "Bearer" not in shown


@pytest.mark.parametrize("module", ["api", "client", "errors", "api.dubbing"])
def test_the_package_has_one_client_surface(module: str) -> None:
    """openapi-python-client's per-operation layer is not shipped: the resources are the API."""
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"a2e_dubbing.{module}")


def test_a_key_that_cannot_be_a_header_is_refused_without_echoing_it() -> None:
    with pytest.raises(A2EError) as caught:
        A2E(api_key="sk_abc\r\nX-Injected: 1")
    assert "sk_abc" not in str(caught.value)


def test_the_callers_own_httpx_client_is_used_and_left_open() -> None:
    seen: list[str] = []
    own = httpx.Client(event_hooks={"request": [lambda r: seen.append(str(r.url))]})
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task()))
        with A2E(api_key=KEY, http_client=own) as client:
            client.dubbing.get("66ea4dd87db10c73fa29b570")
    assert seen == [BASE_URL + api.op("dubbing.get").url(task_id="66ea4dd87db10c73fa29b570")]
    assert not own.is_closed
    own.close()


def test_a_client_it_made_itself_is_closed_on_exit() -> None:
    with A2E(api_key=KEY) as client:
        pass
    assert client._http.is_closed


@pytest.mark.anyio
async def test_async_client_is_an_async_context_manager() -> None:
    with respx.mock(base_url=BASE_URL) as router:
        api.route(router, "dubbing.get").respond(json=ok(task()))
        async with AsyncA2E(api_key=KEY) as client:
            got = await client.dubbing.get("66ea4dd87db10c73fa29b570")
    assert isinstance(got, DubbingTask)
    assert client._http.is_closed


@pytest.mark.anyio
async def test_async_client_uses_the_callers_own_async_client() -> None:
    own = httpx.AsyncClient()
    with respx.mock(base_url=BASE_URL) as router:
        route = api.route(router, "account.remaining_coins").respond(
            json=ok({"coins": 12.5, "diamonds": 0})
        )
        async with AsyncA2E(api_key=KEY, http_client=own) as client:
            coins = await client.account.remaining_coins()
    assert (coins.coins, coins.diamonds) == (12.5, 0)
    assert route.called
    assert not own.is_closed
    await own.aclose()


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_package_loads_no_models_and_no_http() -> None:
    loaded = _imported_after("import a2e_dubbing")
    assert "httpx" not in loaded
    assert not any(name.startswith("a2e_dubbing.models.") for name in loaded)


def test_importing_the_client_loads_no_models_no_attrs_no_tenacity() -> None:
    loaded = _imported_after("from a2e_dubbing import A2E; A2E(api_key='sk_x')")
    assert "httpx" in loaded
    heavy = {"attrs", "tenacity", "asyncio", "secrets"} & loaded
    assert heavy == set()
    assert not any(name.startswith("a2e_dubbing.models.") for name in loaded)


def test_the_records_former_id_attribute_still_works_with_a_deprecation_warning() -> None:
    record = DubbingTask.from_dict(task())
    with pytest.warns(DeprecationWarning, match=r"DubbingTask\.id is deprecated.*`task_id`"):
        former = record.id  # type: ignore[attr-defined,unused-ignore]
    assert former == record.task_id == task()[api.record().id.wire]
