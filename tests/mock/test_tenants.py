"""Each token is its own tenant; `--token` limits who is accepted."""

from __future__ import annotations

import httpx
import pytest
from a2e_dubbing_mock import create_app

from tests.mock.conftest import (
    AUTH,
    COINS,
    ID,
    LIST,
    OTHER_AUTH,
    OTHER_TOKEN,
    PROCESSING,
    TENANT,
    TOKEN,
    Check,
    delete_task,
    get_task,
    start_task,
)

pytestmark = pytest.mark.anyio


async def test_another_tokens_tasks_are_invisible(client: httpx.AsyncClient, check: Check) -> None:
    mine = await start_task(client, AUTH, name="mine")
    theirs = await start_task(client, OTHER_AUTH, name="theirs")

    get = await get_task(client, theirs[ID])
    delete = await delete_task(client, theirs[ID])
    listed = check("listDubbingTasks", await client.get(LIST, headers=AUTH))["data"]
    running = check("listProcessingDubbingTasks", await client.get(PROCESSING, headers=AUTH))
    still_there = await get_task(client, theirs[ID], OTHER_AUTH)

    assert (get.status_code, check("getDubbingTask", get)["code"]) == (404, 404)
    assert (delete.status_code, check("deleteDubbingTask", delete)["code"]) == (404, 404)
    assert [r[ID] for r in listed["rows"]] == [mine[ID]]
    assert listed["count"] == 1
    assert [r[ID] for r in running["data"]] == [mine[ID]]
    assert check("getDubbingTask", still_there)["data"][ID] == theirs[ID]
    assert mine[TENANT] != theirs[TENANT]


async def test_user_id_and_spending_belong_to_the_token(
    client: httpx.AsyncClient, check: Check
) -> None:
    first = await start_task(client, AUTH)
    second = await start_task(client, AUTH)
    coins = check("getRemainingCoins", await client.get(COINS, headers=AUTH))["data"]["coins"]
    other = check("getRemainingCoins", await client.get(COINS, headers=OTHER_AUTH))["data"]["coins"]
    assert first[TENANT] == second[TENANT]
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
