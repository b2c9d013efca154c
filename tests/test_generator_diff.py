"""`python -m generator diff`: classified changes, the version gate, the changelog, aliases."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import generator._release as release
from contract_tests import _api as api
from generator import GenerationError, build
from generator._build import REPO_ROOT, SPEC_PATH
from generator._release import bumped, diff, format_report, mark_released, write_changelog

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(autouse=True)
def scratch_releases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Releases and changelog of a scratch project: the working spec is release 0.1.0."""
    releases = tmp_path / "releases"
    releases.mkdir()
    _spec(releases, lambda document: None, version="0.1.0", name="0.1.0.yaml")
    monkeypatch.setattr(release, "RELEASES_DIR", releases)
    monkeypatch.setattr(release, "CHANGELOG", tmp_path / "CHANGELOG.md")
    return releases


def _document() -> dict[str, Any]:
    """The working spec, without the renames it declares: those are dated by its own
    version, which the scratch releases here replace (a test of a rename declares its own)."""
    document: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    for schema in document["components"]["schemas"].values():
        for prop in (schema.get("properties") or {}).values():
            if isinstance(prop, dict):
                prop.pop("x-a2e-renamed-from", None)
                prop.pop("x-a2e-python-renamed-from", None)
    return document


def _spec(tmp_path: Path, edit: Edit, version: str = "0.1.0", name: str = "spec.yaml") -> Path:
    document = _document()
    edit(document)
    document["info"]["x-a2e-package-version"] = version
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def _start(document: dict[str, Any]) -> dict[str, Any]:
    return next(
        op
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and op.get("x-a2e-client") == "dubbing.start"
    )


def _request_schema(document: dict[str, Any]) -> dict[str, Any]:
    ref = _start(document)["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = _schemas(document)[ref.rsplit("/", 1)[-1]]
    return schema


def _record_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The task record: what `dubbing.get` answers in `data`."""
    schema: dict[str, Any] = _schemas(document)["DubbingTask"]
    return schema


def add_optional_field(document: dict[str, Any]) -> None:
    for schema in (_request_schema(document), _record_schema(document)):
        schema["properties"]["voice_style"] = {"type": "string", "description": "A style."}


def add_required_request_field(document: dict[str, Any]) -> None:
    schema = _request_schema(document)
    schema["properties"]["voice_style"] = {"type": "string"}
    schema["required"] = [*schema["required"], "voice_style"]


def add_status_word(document: dict[str, Any]) -> None:
    status = _schemas(document)["DubbingStatus"]
    status["enum"] = [*status["enum"], "zz_new_word"]


def move_detail_path(document: dict[str, Any]) -> None:
    paths = document["paths"]
    path = api.op("dubbing.get").path
    paths[f"{path}/moved"] = {"get": paths[path].pop("get")}
    if not paths[path]:
        del paths[path]


# The field renamed by `rename_failure_field`: the record's first failure message field (in
# the drill `faild_message`, which became `failed_message`), and its new name.
FAILURE = api.record().failure
RENAMED = f"zz_{FAILURE.wire}"


def rename_failure_field(document: dict[str, Any]) -> None:
    """The first failure message field gets a new name, declared as a rename."""
    record = _record_schema(document)
    props = record["properties"]
    props[RENAMED] = {
        **props.pop(FAILURE.wire),
        "x-a2e-renamed-from": {"name": FAILURE.wire, "since": "1.0.0"},
    }
    record["required"] = [RENAMED if name == FAILURE.wire else name for name in record["required"]]


def edit_description(document: dict[str, Any]) -> None:
    _start(document)["description"] += "\nOne more sentence."


def _kinds(report: release.Report) -> set[str]:
    return {c.kind for c in report.changes}


@pytest.mark.parametrize(
    ("edit", "needed", "expect"),
    [
        (add_optional_field, "additive", ("API", "optional field voice_style added")),
        (add_status_word, "additive", ("API", "enum values added: ['zz_new_word']")),
        (add_required_request_field, "breaking", ("API", "required field voice_style added")),
        (move_detail_path, "breaking", ("API", "moved: GET")),
        (
            rename_failure_field,
            "breaking",
            ("API", f"field {FAILURE.wire} renamed to {RENAMED}"),
        ),
        (edit_description, "docs", ("API", "description changed")),
    ],
)
def test_each_kind_of_change_is_classified_and_needs_its_bump(
    tmp_path: Path, edit: Edit, needed: str, expect: tuple[str, str]
) -> None:
    report = diff(_spec(tmp_path, edit), None)
    assert report.needed == needed
    text = format_report(report)
    assert any(expect[0] in line and expect[1] in line for line in text.splitlines()), text
    assert report.problems()  # 0.1.0 is not enough for any change
    assert f"version {bumped('0.1.0', report.needed)}" in text


def test_the_python_surface_is_compared_too(tmp_path: Path) -> None:
    report = diff(_spec(tmp_path, add_required_request_field), None)
    python = {(c.where, c.what) for c in report.changes if c.level == "python"}
    assert ("Dubbing.start", "required parameter voice_style added") in python
    assert ("AsyncDubbing.start", "required parameter voice_style added") in python


def test_no_change_needs_nothing(tmp_path: Path) -> None:
    report = diff(_spec(tmp_path, lambda d: None), None)
    assert report.changes == []
    assert report.problems() == []


def test_a_bump_passes_once_the_changelog_has_its_entry(tmp_path: Path) -> None:
    spec = _spec(tmp_path, add_optional_field, version="0.2.0")
    report = diff(spec, None)
    assert report.problems() == [
        "CHANGELOG.md has no entry for 0.2.0: run `python -m generator diff --write-changelog`"
    ]
    write_changelog(report, today=dt.date(2026, 12, 4))
    assert diff(spec, None).problems() == []
    text = release.CHANGELOG.read_text(encoding="utf-8")
    assert "## [0.2.0] - 2026-12-04\n\n### Added\n" in text
    # One change in many places is one bullet naming them.
    assert "- API: `DubbingTask`, `StartDubbingRequest`: optional field voice_style added" in text
    assert (
        "- Python: `AsyncDubbing.start`, `Dubbing.start`: optional parameter voice_style added"
        in text
    )


def test_writing_the_changelog_again_keeps_notes_by_hand_and_adds_only_what_is_new(
    tmp_path: Path,
) -> None:
    first = diff(_spec(tmp_path, add_optional_field, version="0.2.0"), None)
    write_changelog(first, today=dt.date(2026, 12, 4))
    changelog = release.CHANGELOG
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace(
            "### Added\n", "### Added\n- A note by hand.\n"
        ),
        encoding="utf-8",
    )

    def both(document: dict[str, Any]) -> None:
        add_optional_field(document)
        add_status_word(document)

    write_changelog(diff(_spec(tmp_path, both, version="0.2.0"), None), today=dt.date(2026, 12, 5))
    text = changelog.read_text(encoding="utf-8")
    assert "- A note by hand." in text
    assert text.count("optional field voice_style added") == 1
    assert text.count("optional parameter voice_style added") == 1
    assert "enum values added: ['zz_new_word']" in text
    assert text.count("## [0.2.0]") == 1


def test_a_breaking_change_without_a_major_bump_fails_the_command(tmp_path: Path) -> None:
    spec = _spec(tmp_path, add_required_request_field, version="0.2.0")
    base = _spec(tmp_path, lambda document: None, version="0.1.0", name="base.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "diff", str(base), "--spec", str(spec)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error: breaking changes need version 1.0.0 or later" in result.stdout


def test_the_base_can_be_a_git_ref(tmp_path: Path) -> None:
    """HEAD's spec read from git is compared as that spec in a file is (whatever the working
    spec has changed since the last commit)."""
    shown = subprocess.run(
        ["git", "show", f"HEAD:{release.SPEC_IN_GIT}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = tmp_path / "committed.yaml"
    committed.write_text(shown, encoding="utf-8")
    patch = bumped(yaml.safe_load(shown)["info"]["x-a2e-package-version"], "docs")
    spec = _spec(tmp_path, edit_description, version=patch)
    report = diff(spec, "HEAD")
    from_file = diff(spec, str(committed))
    assert report.base.label == "git HEAD"
    assert [c for c in report.changes if c.level != "python"] == [
        c for c in from_file.changes if c.level != "python"
    ]
    assert ("wire", "description changed") in {(c.level, c.what) for c in report.changes}
    assert report.needed == from_file.needed


def test_an_unknown_base_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GenerationError, match="neither a spec file nor a git ref"):
        diff(SPEC_PATH, "no-such-ref-or-file")


def test_mark_released_records_once_and_never_rewrites(tmp_path: Path) -> None:
    spec = _spec(tmp_path, add_optional_field, version="0.2.0")
    recorded = mark_released(spec)
    assert recorded == release.RELEASES_DIR / "0.2.0.yaml"
    assert mark_released(spec) == recorded  # the same spec again: nothing to do
    assert diff(spec, None).base.label == "release 0.2.0"
    other = _spec(tmp_path, add_status_word, version="0.2.0", name="other.yaml")
    with pytest.raises(GenerationError, match=r"already records 0\.2\.0"):
        mark_released(other)


def test_bumps_follow_semver_also_below_1() -> None:
    assert bumped("0.1.0", "breaking") == "1.0.0"
    assert bumped("1.4.2", "breaking") == "2.0.0"
    assert bumped("1.4.2", "additive") == "1.5.0"
    assert bumped("1.4.2", "docs") == "1.4.3"
    assert bumped("1.4.2", None) == "1.4.2"


# The deprecated alias of a renamed field


def _client_script(
    project: Path, script: str, *, strict: bool = True
) -> subprocess.CompletedProcess[str]:
    warnings_as_errors = ["-W", "error::DeprecationWarning"] if strict else []
    return subprocess.run(
        [sys.executable, *warnings_as_errors, "-c", script],
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_declared_rename_keeps_the_old_attribute_as_a_deprecated_alias(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(_spec(tmp_path, rename_failure_field, version="1.0.0"), out)
    data = dict(api.answer_example("dubbing.start")["data"])
    data.pop(FAILURE.wire)
    data[RENAMED] = "no voice found"
    script = f"""
import json, warnings
from a2e_dubbing import DubbingTask
task = DubbingTask.from_dict(json.loads({json.dumps(json.dumps(data))}))
assert task.{RENAMED} == "no voice found"
try:
    task.{FAILURE.attr}
except DeprecationWarning as warning:
    print(warning)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(task.{FAILURE.attr})
"""
    result = _client_script(out / "client", script)
    assert result.returncode == 0, result.stderr
    warning, value = result.stdout.splitlines()
    assert f"DubbingTask.{FAILURE.attr} is deprecated" in warning
    assert f"use `{RENAMED}`" in warning
    assert "goes in 2.0.0" in warning
    assert value == "no voice found"


def test_the_next_major_version_drops_the_alias(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(_spec(tmp_path, rename_failure_field, version="2.0.0"), out)
    model = (out / "client" / "a2e_dubbing" / "models" / "dubbing_task.py").read_text()
    assert f"def {FAILURE.attr}" not in model
    assert RENAMED in model


def test_a_rename_dated_after_the_version_fails_generation(tmp_path: Path) -> None:
    with pytest.raises(GenerationError, match=r"since 1.0.0 is later than the packages' version"):
        build(_spec(tmp_path, rename_failure_field, version="0.2.0"), tmp_path / "out")


def test_a_release_older_than_the_mock_hints_is_still_compared_in_python() -> None:
    first = REPO_ROOT / "openapi" / "releases" / "0.1.0.yaml"
    assert "x-a2e-mock" not in first.read_text(encoding="utf-8")
    report = diff(SPEC_PATH, str(first))
    assert report.notes == []  # rendered, with the working spec's hints borrowed


def test_a_hint_for_the_mock_beside_a_ref_is_a_docs_change(tmp_path: Path) -> None:
    def edit(document: dict[str, Any]) -> None:
        record = _record_schema(document)["properties"]
        ref = next(name for name, prop in record.items() if "$ref" in prop)
        record[ref]["x-a2e-mock"] = {"const": "zz"}

    report = diff(_spec(tmp_path, edit), None)
    assert report.needed == "docs"
    assert next(c.what for c in report.changes if c.kind == "docs").startswith("x-a2e-mock")


def test_a_release_with_its_commit_compares_the_client_its_users_have(
    scratch_releases: Path,
) -> None:
    """Template and runtime changes count too: the old client is the committed one."""
    first = (REPO_ROOT / "openapi" / "releases" / "0.1.0.yaml").read_text(encoding="utf-8")
    assert "commit 0dc17ac60f21b1e266b9d1a4de3432cb41bdc578" in first
    (scratch_releases / "0.1.0.yaml").write_text(first, encoding="utf-8")
    report = diff(SPEC_PATH, None)
    if any("shallow clone" in note for note in report.notes):
        pytest.skip("this clone lacks the commit of release 0.1.0 (git history is shallow)")
    python = {(c.where, c.what) for c in report.changes if c.level == "python"}
    # 0.1.0's models said `str | Unset`; the same spec now renders `str | None`.
    assert ("DubbingTask.failed_message", "type None | str | Unset -> None | str") in python
    assert report.needed == "breaking"


def rename_request_fields(document: dict[str, Any]) -> None:
    """`num_speakers` -> `speaker_count` (optional) and `target_lang` -> `language`
    (required, one of the start's look-up fields), in the request and the record."""
    renames = {"num_speakers": "speaker_count", "target_lang": "language"}
    for schema in (_request_schema(document), _record_schema(document)):
        props = schema["properties"]
        for old, new in renames.items():
            props[new] = {**props.pop(old), "x-a2e-renamed-from": {"name": old, "since": "1.0.0"}}
        schema["required"] = [renames.get(name, name) for name in schema["required"]]
    recover = _start(document)["x-a2e-recover"]
    recover["match"] = [renames.get(name, name) for name in recover["match"]]
    columns = _record_schema(document)["x-a2e-cli-columns"]
    for header, field in columns.items():
        columns[header] = renames.get(field, field)


def test_a_renamed_request_field_keeps_its_old_keyword_as_a_deprecated_alias(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    build(_spec(tmp_path, rename_request_fields, version="1.0.0"), out)
    script = """
import json, warnings
import httpx
from a2e_dubbing import A2E
sent = []
def answer(request):
    if request.method != "POST":  # a named start first notes the tasks that exist
        return httpx.Response(200, json={"code": 0, "data": {"rows": [], "count": 0}})
    sent.append(json.loads(request.content))
    return httpx.Response(200, json={"code": 422, "msg": "no"})
client = A2E(api_key="sk_test_key_x", base_url="http://a2e.test", max_retries=0,
             http_client=httpx.Client(transport=httpx.MockTransport(answer)))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        client.dubbing.start("https://example.com/a.mp3", target_lang="fr", num_speakers=2, name="n")
    except Exception as error:
        print(type(error).__name__)
for warning in caught:
    print(warning.category.__name__, warning.message)
print(json.dumps(sent))
"""
    result = _client_script(out / "client", script, strict=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "BadRequestError"  # sent, and answered: no TypeError before it
    warnings = [line for line in lines if line.startswith("DeprecationWarning")]
    assert any("start(target_lang=...) is deprecated" in w and "`language`" in w for w in warnings)
    assert any("start(num_speakers=...)" in w and "`speaker_count`" in w for w in warnings)
    body = json.loads(lines[-1])[-1]
    assert body["language"] == "fr"
    assert body["speaker_count"] == 2
    assert "target_lang" not in body
