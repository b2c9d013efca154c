"""contract_tests._api puts each value where the spec says, whatever the spec says.

Checked on the project's spec and on a copy whose Get details takes the task id in the other
place (in the path, as one client of A2E calls it, when the spec has it in the query; and the
other way round): the same test code makes the right request, the right respx route and reads
the same values back.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
import respx

from contract_tests import _api as api
from contract_tests._spec import Spec, load_spec

TASK_ID = "66ea4dd87db10c73fa29b570"


def moved_detail() -> Spec:
    """The project's spec with Get details' task id in the other place: in the path (on the
    delete's path) when the spec has it in the query, in the query (on a path of its own) when
    the spec has it in the path."""
    spec = load_spec()
    document: dict[str, Any] = copy.deepcopy(spec.document)
    get, delete = api.op("dubbing.get"), api.op("dubbing.delete")
    item = document["paths"][get.path]
    definition = item.pop("get")
    if not set(item) - {"parameters", "summary", "description"}:
        del document["paths"][get.path]
    if get.param("task_id").where == "query":
        definition["parameters"] = copy.deepcopy(delete.definition["parameters"])
        document["paths"][delete.path]["get"] = definition
    else:
        ids = [spec.resolve(p) for p in delete.definition["parameters"]]
        definition["parameters"] = [{**copy.deepcopy(p), "in": "query"} for p in ids]
        own = get.path.rsplit("/", 1)[0] + "/zz-by-query"
        document["paths"][own] = {"get": definition}
    return Spec(document)


SPECS = {"as it is": load_spec(), "id moved": moved_detail()}


@pytest.fixture(params=list(SPECS))
def spec(request: pytest.FixtureRequest) -> Spec:
    return SPECS[request.param]


def where_the_id_goes(spec: Spec) -> str:
    return api.op("dubbing.get", spec).param("task_id").where


def test_the_moved_copy_moves_the_id() -> None:
    assert {where_the_id_goes(s) for s in SPECS.values()} == {"query", "path"}


def test_a_call_puts_each_value_where_the_spec_says(spec: Spec) -> None:
    detail = api.op("dubbing.get", spec).call(task_id=TASK_ID)
    url = httpx.URL(detail["url"])
    assert detail["method"] == "GET"
    assert "json" not in detail
    if where_the_id_goes(spec) == "query":
        assert dict(url.params) == {"_id": TASK_ID}
        assert TASK_ID not in url.path
    else:
        assert url.path.endswith(f"/{TASK_ID}")
        assert not url.params
    start = api.op("dubbing.start", spec).call(source_url="https://e.com/a.mp3", name="n")
    assert start == {
        "method": "POST",
        "url": api.op("dubbing.start", spec).path,
        "json": {"source_url": "https://e.com/a.mp3", "name": "n"},
    }
    listing = httpx.URL(api.op("dubbing.list", spec).url(page_num=2, page_size=None))
    assert dict(listing.params) == {"pageNum": "2"}  # None: left out


def test_a_path_value_is_one_segment() -> None:
    url = api.op("dubbing.delete").url(task_id="../a b")
    assert url.endswith("/..%2Fa%20b")


def test_unknown_keywords_and_missing_path_values_are_errors() -> None:
    with pytest.raises(TypeError, match="takes task_id; not 'id'"):
        api.call("dubbing.get", id=TASK_ID)
    with pytest.raises(TypeError, match="the path needs task_id"):
        api.call("dubbing.delete")
    with pytest.raises(KeyError, match=r"no operation 'dubbing\.cancel'"):
        api.op("dubbing.cancel")


def test_values_are_read_back_from_a_request(spec: Spec) -> None:
    detail = api.op("dubbing.get", spec)
    sent = httpx.Request("GET", "https://a2e.test" + detail.url(task_id=TASK_ID))
    assert detail.values(sent) == {"task_id": TASK_ID}
    parts = detail.parts(task_id=TASK_ID)
    assert detail.value("task_id", path=parts.path, query=parts.query) == TASK_ID
    with pytest.raises(ValueError, match=r"is not dubbing\.get"):
        detail.values(httpx.Request("POST", "https://a2e.test" + detail.url(task_id=TASK_ID)))


def test_a_route_answers_its_operation_only(spec: Spec) -> None:
    """A templated route never takes a literal path of another operation of its method (as
    OpenAPI routes), and a given value must match."""
    get, listing = api.op("dubbing.get", spec), api.op("dubbing.list", spec)
    with respx.mock(base_url="https://a2e.test") as router:
        one = get.route(router, task_id=TASK_ID).respond(json={"one": True})
        rows = listing.route(router).respond(json={"rows": True})
        with httpx.Client(base_url="https://a2e.test") as http:
            assert http.request(**listing.call(page_num=1)).json() == {"rows": True}
            assert http.request(**get.call(task_id=TASK_ID)).json() == {"one": True}
            with pytest.raises(respx.models.AllMockedAssertionError):
                http.request(**get.call(task_id="0" * 24))
    assert (one.call_count, rows.call_count) == (1, 1)


def test_which_routes_like_a_server() -> None:
    found = {
        (o.method, o.url(**{p.keyword: TASK_ID for p in o.params if p.where == "path"})): o.name
        for o in api.operations()
    }
    for (method, url), name in found.items():
        matched = api.which(method, httpx.URL(url).path)
        assert matched is not None
        assert matched.name == name
    assert api.which("GET", "/zz-no-such-path") is None


def test_the_record_and_lifecycle_are_the_generators() -> None:
    from generator._build import SPEC_PATH
    from generator._parse import parse
    from generator._records import task_spec

    tasks = task_spec(parse(SPEC_PATH))
    record = api.record()
    assert [(f.wire, f.attr, f.when) for f in record.fields] == [
        (f.name, f.python_name, f.when) for f in tasks.fields
    ]
    assert record.id.wire == next(f.name for f in tasks.fields if f.source == "id")
    assert [f.attr for f in (*record.failure_messages, *record.failure_codes)] == list(
        tasks.failure_fields
    )
    assert record.name.attr == tasks.name_field
    assert api.lifecycle() == tasks.lifecycle
    with pytest.raises(LookupError, match="x-a2e-mock: zz-no-role"):
        record.role("zz-no-role")


def test_examples_are_copies() -> None:
    first = api.answer_example("dubbing.start")
    first["data"].clear()
    assert api.answer_example("dubbing.start")["data"]
    assert (
        api.request_example("dubbing.start")
        == load_spec().document["paths"][api.op("dubbing.start").path]["post"]["requestBody"][
            "content"
        ]["application/json"]["examples"]["seed"]["value"]
    )
