"""The few A2E requests the benchmarks make to set up and check a server (with httpx)."""

from __future__ import annotations

from typing import Any

import httpx

from benchmarks._procs import BenchError

TOKEN = "sk_bench"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
START_PATH = "/api/v1/userDubbing/startDubbing"
DETAIL_PATH = "/api/v1/userDubbing/detail"
LIST_PATH = "/api/v1/userDubbing/allRecords"
PROCESSING_PATH = "/api/v1/userDubbing/processingRecord"
START_BODY = {"source_url": "https://example.com/a.mp3", "target_lang": "en"}


def detail_path(task_id: str) -> str:
    return f"{DETAIL_PATH}?_id={task_id}"


def page_path(page: int, size: int = 10) -> str:
    return f"{LIST_PATH}?pageNum={page}&pageSize={size}"


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
    """Start one dubbing task; its `_id`."""
    return str(data(base_url, "POST", START_PATH, START_BODY)["_id"])


def task_count(base_url: str) -> int:
    """How many tasks the bench tenant has stored."""
    return int(data(base_url, "GET", page_path(1, 1))["count"])
