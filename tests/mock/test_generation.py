"""How the mock is generated: handlers by operationId, spec data in (the body limit too),
indexes used."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from a2e_dubbing_mock import create_app

import generator._mock as mock_renderer
from generator._build import OUTPUT_DIR, SPEC_PATH
from generator._parse import GenerationError, parse

RUNTIME = Path(mock_renderer.__file__).parent / "runtime" / "mock"


def operations() -> tuple[mock_renderer.MockOperation, ...]:
    return mock_renderer.mock_view(parse(SPEC_PATH), version="0").operations


def test_every_operation_of_the_spec_has_a_handler() -> None:
    ops = operations()
    mock_renderer.check_handlers(ops)  # raises otherwise
    assert {op.operation_id for op in ops} == {
        "startDubbing",
        "listDubbingTasks",
        "listProcessingDubbingTasks",
        "getDubbingTask",
        "deleteDubbingTask",
        "getRemainingCoins",
        "listLanguages",
        "transferToStorage",
    }


def test_an_operation_without_a_handler_fails_generation_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (RUNTIME / "_handlers.py").read_text()
    handlers = tmp_path / "_handlers.py"
    handlers.write_text(source.replace("async def list_languages(", "async def _list_languages("))
    monkeypatch.setattr(mock_renderer, "HANDLERS_FILE", handlers)
    with pytest.raises(GenerationError) as raised:
        mock_renderer.check_handlers(operations())
    message = str(raised.value)
    assert "listLanguages" in message
    assert "async def list_languages" in message


def test_a_handler_without_an_operation_fails_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handlers = tmp_path / "_handlers.py"
    extra = "\n\nasync def cancel_dubbing(call):\n    return None\n"
    handlers.write_text((RUNTIME / "_handlers.py").read_text() + extra)
    monkeypatch.setattr(mock_renderer, "HANDLERS_FILE", handlers)
    with pytest.raises(GenerationError, match="cancel_dubbing"):
        mock_renderer.check_handlers(operations())


def test_the_runtime_is_copied_verbatim() -> None:
    package = OUTPUT_DIR / "mock" / mock_renderer.PACKAGE
    runtime = sorted(RUNTIME.glob("*.py"))
    assert len(runtime) > 10
    for path in runtime:
        assert (package / path.name).read_bytes() == path.read_bytes(), path.name


def test_spec_data_reaches_the_generated_package() -> None:
    from a2e_dubbing_mock import _spec

    start = next(op for op in _spec.OPERATIONS if op.operation_id == "startDubbing")
    assert start.method == "POST"
    assert start.body is not None
    assert start.body.defaults == {
        "source_lang": "auto",
        "num_speakers": 1,
        "drop_background_audio": False,
    }
    assert start.body.url_fields == ("source_url",)
    assert {"200", "400", "401", "413", "415", "422", "429", "5XX"} == start.statuses
    assert _spec.EXAMPLES["getRemainingCoins"] == {"coins": 1200, "diamonds": 0}


# How each read of a page of allRecords must run: a seek, never an OFFSET walk or a scan.
_PAGE_PLANS = {
    "page": "SEARCH tasks USING INDEX tasks_by_pos (tenant=? AND pos<?)",
    "gaps_between": "SEARCH gaps USING PRIMARY KEY (tenant=? AND pos>? AND pos<?)",
    "page_start": "SEARCH gaps USING PRIMARY KEY (tenant=? AND pos>?)",
}


def _unindexed(name: str, plan: list[str]) -> list[str]:
    """What is wrong with a read query's plan: a table scan, a sort, a page not on its index."""
    text = " ".join(plan)
    problems = [step for step in plan if step.startswith("SCAN") or "TEMP B-TREE" in step]
    if " USING " not in text or not any(
        way in text for way in ("INDEX", "INTEGER PRIMARY KEY", "USING PRIMARY KEY")
    ):
        problems.append(f"no index: {text}")
    if name in _PAGE_PLANS and _PAGE_PLANS[name] not in plan:
        problems.append(f"not a seek on its index: {text}")
    return problems


def test_reads_use_indexes_not_full_scans() -> None:
    app = create_app()
    try:
        plans = app.store.plans()
    finally:
        app.close()
    assert {*_PAGE_PLANS, "due", "unfinished"} <= set(plans)
    for name, plan in plans.items():
        assert _unindexed(name, plan) == [], (name, plan)


def test_a_page_of_all_records_is_a_seek_without_offset() -> None:
    from a2e_dubbing_mock import _store

    for name in ("_PAGE_START", "_GAPS_BETWEEN", "_PAGE"):
        assert "OFFSET" not in getattr(_store, name).upper(), name


@pytest.mark.parametrize("index", ["tasks_by_pos", "gaps"])
def test_the_plan_check_sees_a_list_query_without_its_index(index: str) -> None:
    app = create_app()  # in memory: the read connection may change the schema
    try:
        if index == "gaps":  # its index is its primary key: a table without one instead
            app.store._read.execute("DROP TABLE gaps")
            app.store._read.execute("CREATE TABLE gaps (tenant INTEGER, pos INTEGER)")
        else:
            app.store._read.execute(f"DROP INDEX {index}")
        plans = app.store.plans()
    finally:
        app.close()
    broken = {name for name in _PAGE_PLANS if _unindexed(name, plans[name])}
    assert broken == ({"page"} if index == "tasks_by_pos" else {"page_start", "gaps_between"})


def test_the_body_limit_comes_from_the_spec() -> None:
    from a2e_dubbing_mock import _http, _spec

    limit = parse(SPEC_PATH).document["info"]["x-a2e-max-body-bytes"]
    assert limit == 1048576
    assert limit == _spec.MAX_BODY_BYTES
    assert limit == _http.MAX_BODY


@pytest.mark.parametrize(
    "value",
    [None, 0, -1, "1048576", 1.5, True],
    ids=["missing", "0", "-1", "text", "float", "bool"],
)
def test_a_missing_or_bad_body_limit_fails_generation_clearly(value: object) -> None:
    parsed = parse(SPEC_PATH)
    info = dict(parsed.document["info"])
    if value is None:
        del info["x-a2e-max-body-bytes"]
    else:
        info["x-a2e-max-body-bytes"] = value
    changed = dataclasses.replace(parsed, document={**parsed.document, "info": info})
    with pytest.raises(GenerationError, match=r"info\.x-a2e-max-body-bytes must be a positive"):
        mock_renderer.mock_view(changed, version="0")
