"""On a shared mock (started with tokens), wiping every tenant needs the admin token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from a2e_dubbing_mock import create_app

from contract_tests._api import call
from tests.mock.conftest import SEED_BODY, START

ALICE = {"Authorization": "Bearer sk_alice_secret"}
STRANGER = {"Authorization": "Bearer sk_not_on_the_list"}
ADMIN = "a long admin token, not a tenant's"
RESET_ALL = "/__mock/reset-all"

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def mock(admin_token: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        db=":memory:", tokens=["sk_alice_secret"], processing_seconds=None, admin_token=admin_token
    )
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
            assert (await http.post(START, json=SEED_BODY, headers=ALICE)).status_code == 200
            yield http
    finally:
        app.close()


async def alices_tasks(http: httpx.AsyncClient) -> int:
    answer = await http.get("/__mock/health")
    assert answer.status_code == 200
    listed = await http.request(**call("dubbing.list_processing"), headers=ALICE)
    return len(listed.json()["data"])


@pytest.mark.parametrize(
    "headers",
    [{}, STRANGER, ALICE, {**ALICE, "X-A2E-Mock-Admin": ADMIN}],
    ids=["anonymous", "a refused token", "a tenant", "any admin header"],
)
async def test_without_an_admin_token_reset_all_is_off(headers: dict[str, str]) -> None:
    async with mock() as http:
        answer = await http.post(RESET_ALL, headers=headers)
        assert answer.status_code == 403
        assert answer.json()["code"] == 403
        assert "--admin-token" in answer.json()["msg"]
        assert await alices_tasks(http) == 1  # nothing forgotten


@pytest.mark.parametrize(
    "headers",
    [{}, ALICE, {"X-A2E-Mock-Admin": ADMIN + "x"}, {"X-A2E-Mock-Admin": ""}],
    ids=["anonymous", "a tenant", "a wrong admin token", "an empty one"],
)
async def test_with_an_admin_token_only_that_token_resets_all(headers: dict[str, str]) -> None:
    async with mock(admin_token=ADMIN) as http:
        refused = await http.post(RESET_ALL, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (403, 403)
        assert ADMIN not in refused.text
        assert await alices_tasks(http) == 1
        done = await http.post(RESET_ALL, headers={"X-A2E-Mock-Admin": ADMIN})
        assert done.status_code == 200
        assert done.json()["data"] == {"deleted": 1}
        assert await alices_tasks(http) == 0


async def test_a_tenant_still_resets_its_own_tasks_on_a_shared_mock() -> None:
    async with mock() as http:
        assert (await http.post("/__mock/reset", headers=ALICE)).json()["data"] == {"deleted": 1}
        assert (await http.post("/__mock/reset", headers=STRANGER)).status_code == 401


def test_an_empty_admin_token_is_refused() -> None:
    with pytest.raises(ValueError, match="admin_token must not be empty"):
        create_app(db=":memory:", tokens=["sk_alice_secret"], admin_token=" ")
