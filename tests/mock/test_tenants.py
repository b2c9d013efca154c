"""Each token is its own tenant; `--token` limits who is accepted."""

from __future__ import annotations

import httpx
import pytest
from a2e_dubbing_mock import create_app

from tests.mock.conftest import (
    AUTH,
    COINS,
    DETAIL,
    LIST,
    OTHER_AUTH,
    OTHER_TOKEN,
    PROCESSING,
    TOKEN,
    Check,
    start_task,
    task_path,
)

pytestmark = pytest.mark.anyio


async def test_another_tokens_tasks_are_invisible(client: httpx.AsyncClient, check: Check) -> None:
    mine = await start_task(client, AUTH, name="mine")
    theirs = await start_task(client, OTHER_AUTH, name="theirs")

    get = await client.get(DETAIL, params={"_id": theirs["_id"]}, headers=AUTH)
    delete = await client.delete(task_path(theirs["_id"]), headers=AUTH)
    listed = check("listDubbingTasks", await client.get(LIST, headers=AUTH))["data"]
    running = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    still_there = await client.get(DETAIL, params={"_id": theirs["_id"]}, headers=OTHER_AUTH)

    assert (get.status_code, check("getDubbingTask", get)["code"]) == (404, 404)
    assert (delete.status_code, check("deleteDubbingTask", delete)["code"]) == (404, 404)
    assert [r["_id"] for r in listed["rows"]] == [mine["_id"]]
    assert listed["count"] == 1
    assert [r["_id"] for r in running["data"]] == [mine["_id"]]
    assert check("getDubbingTask", still_there)["data"]["_id"] == theirs["_id"]
    assert mine["user_id"] != theirs["user_id"]


async def test_user_id_and_spending_belong_to_the_token(
    client: httpx.AsyncClient, check: Check
) -> None:
    first = await start_task(client, AUTH)
    second = await start_task(client, AUTH)
    coins = check("getRemainingCoins", await client.get(COINS, headers=AUTH))["data"]["coins"]
    other = check("getRemainingCoins", await client.get(COINS, headers=OTHER_AUTH))["data"]["coins"]
    assert first["user_id"] == second["user_id"]
    assert coins < other


async def test_only_the_given_tokens_are_accepted(check: Check) -> None:
    app = create_app(tokens=[TOKEN])
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
            allowed = await http.get(COINS, headers=AUTH)
            refused = await http.get(COINS, headers=OTHER_AUTH)
    finally:
        app.close()
    assert check("getRemainingCoins", allowed)["code"] == 0
    body = check("getRemainingCoins", refused)
    assert refused.status_code == 401
    assert body["msg"].startswith("Authorization:")
    assert OTHER_TOKEN not in refused.text


def test_an_accepted_token_must_look_like_one() -> None:
    with pytest.raises(ValueError, match="sk_"):
        create_app(tokens=["not-a-token"])
