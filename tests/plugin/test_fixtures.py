"""The pytest plugin shipped with the mock, used the way a downstream project would."""

from __future__ import annotations

import io
import wave

import httpx
import pytest
from a2e_dubbing import A2E, AsyncA2E, AuthenticationError, NotFoundError
from a2e_dubbing_mock import ManualClock, MockApp
from a2e_dubbing_mock.pytest_plugin import MockServer

SOURCE = "https://example.com/podcast/episode-1.mp3"


def test_a2e_client_runs_a_whole_dubbing_on_a_live_mock(a2e_client: A2E) -> None:
    task = a2e_client.dubbing.start(source_url=SOURCE, target_lang="fr", name="episode 1")
    assert task.current_status == "sent"
    done = a2e_client.dubbing.wait(task.task_id, timeout=30, poll_interval=0.05)
    assert done.current_status == "completed"
    audio = httpx.get(done.result_url)
    with wave.open(io.BytesIO(audio.content)) as sound:
        assert sound.getnframes() > 0
    a2e_client.dubbing.delete(task.task_id)
    with pytest.raises(NotFoundError):
        a2e_client.dubbing.get(task.task_id)


def test_each_server_has_its_own_database(a2e_mock_server: MockServer) -> None:
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        assert client.dubbing.list().count == 0
        client.dubbing.start(source_url=SOURCE, target_lang="en")
        assert client.dubbing.list().count == 1


def test_a_server_keeps_its_tasks_across_a_restart(a2e_mock_server: MockServer) -> None:
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        task = client.dubbing.start(source_url=SOURCE, target_lang="en")
    a2e_mock_server.kill()
    a2e_mock_server.start()
    with A2E(api_key=a2e_mock_server.token, base_url=a2e_mock_server.url) as client:
        assert client.dubbing.get(task.task_id).task_id == task.task_id


def test_the_factory_passes_server_options(a2e_mock_server_factory: object) -> None:
    assert callable(a2e_mock_server_factory)
    server: MockServer = a2e_mock_server_factory("--token", "sk_only_this", token="sk_only_this")
    with A2E(api_key="sk_only_this", base_url=server.url) as client:
        assert client.account.remaining_coins().coins >= 0
    with (
        A2E(api_key="sk_someone_else", base_url=server.url, max_retries=0) as client,
        pytest.raises(AuthenticationError),
    ):
        client.account.remaining_coins()


def test_the_session_server_is_shared(a2e_mock_server_session: MockServer) -> None:
    response = httpx.get(f"{a2e_mock_server_session.url}/__mock/health")
    assert response.status_code == 200


@pytest.mark.anyio
async def test_the_in_process_app_with_the_async_client(
    a2e_mock_app: MockApp, a2e_mock_clock: ManualClock
) -> None:
    transport = httpx.ASGITransport(app=a2e_mock_app)
    async with (
        httpx.AsyncClient(transport=transport) as http,
        AsyncA2E(api_key="sk_inproc", base_url="http://mock", http_client=http) as client,
    ):
        task = await client.dubbing.start(source_url=SOURCE, target_lang="de")
        assert [t.task_id for t in await client.dubbing.list_processing()] == [task.task_id]
        a2e_mock_clock.advance(3600)
        done = await client.dubbing.get(task.task_id)
    assert done.current_status == "completed"


def test_the_recordings_router_answers_as_recorded(a2e_recordings_router: object) -> None:
    # Without a name of its own: a named start first reads the task list, which no
    # recording answers (the router answers the recorded exchanges only).
    with A2E(api_key="sk_replay") as client:
        task = client.dubbing.start(source_url="https://example.com/x.wav", target_lang="en")
    assert (task.task_id, task.current_status, task.source_lang) == (
        "66ea4dd87db10c73fa29b570",
        "sent",
        "auto",
    )


def test_a_user_project_gets_the_fixtures_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_user_code(a2e_client):
            task = a2e_client.dubbing.start(source_url="https://example.com/a.mp3", target_lang="en")
            assert a2e_client.dubbing.get(task.task_id).task_id == task.task_id
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
