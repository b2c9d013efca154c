"""The few A2E requests the benchmarks make to set up and check a server (with httpx)."""

from __future__ import annotations

from typing import Any

import httpx

from benchmarks._procs import BenchError
from contract_tests import _api as spec

TOKEN = "sk_bench"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# Paths and parameters from the spec (contract_tests._api): a path that moves moves here too.
START_PATH = spec.op("dubbing.start").path
PROCESSING_PATH = spec.op("dubbing.list_processing").path
START_BODY = spec.call(
    "dubbing.start", source_url="https://example.com/a.mp3", target_lang="en"
).get("json")  # also in wrk/*.lua


def detail_path(task_id: str) -> str:
    """Get details of `task_id`: the path, with the query string when there is one."""
    return spec.op("dubbing.get").url(task_id=task_id)


def page_path(page: int, size: int = 10) -> str:
    return spec.op("dubbing.list").url(page_num=page, page_size=size)


def data(base_url: str, method: str, path: str, json: Any = None) -> Any:
    """The `data` of a success envelope; BenchError on any other answer."""
    response = httpx.request(method, base_url + path, headers=AUTH, json=json, timeout=60.0)
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or body.get("code") != 0:
        raise BenchError(
            f"{method} {path} on {base_url}: HTTP {response.status_code} {response.text[:300]}"
        )
    return body.get("data")


def start_task(base_url: str) -> str:
    """Start one dubbing task; its id."""
    return str(data(base_url, "POST", START_PATH, START_BODY)[task_id_field()])


def task_id_field() -> str:
    """The task record's id field (the spec's `x-a2e-mock: id`)."""
    return spec.record().id.wire


def task_count(base_url: str) -> int:
    """How many tasks the bench tenant has stored."""
    return int(data(base_url, "GET", page_path(1, 1))["count"])
