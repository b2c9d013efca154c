"""The generator: deterministic output, a working `check`, and no silent loss."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import generator._client
from contract_tests import _api as api
from contract_tests._api import Op
from generator import GenerationError, build, check
from generator._build import OUTPUT_DIR, REPO_ROOT, SPEC_PATH
from generator._release import package_version
from generator._render import TEMPLATES_DIR, reject_unfiltered


def test_generated_is_what_the_spec_and_generator_make() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(SPEC_PATH, tmp_path / "one")
    second = build(SPEC_PATH, tmp_path / "two")
    assert [p.relative_to(tmp_path / "one") for p in first] == [
        p.relative_to(tmp_path / "two") for p in second
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a


def test_check_reports_a_hand_edit_with_a_short_diff(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(OUTPUT_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*_cache"))
    edited = copy / "client" / "a2e_dubbing" / "_meta.py"
    edited.write_text(edited.read_text() + "HAND_EDIT = True\n")
    (copy / "client" / "a2e_dubbing" / "extra.py").write_text("x = 1\n")

    diff = check(SPEC_PATH, copy)

    assert "+HAND_EDIT = True" not in diff  # the fresh side lacks it...
    assert "-HAND_EDIT = True" in diff  # ...so the diff removes it
    assert "only in generated/: client/a2e_dubbing/extra.py" in diff
    assert check(SPEC_PATH, OUTPUT_DIR) == ""


def test_a_spec_string_printed_without_its_filter_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    meta = templates / "client" / "_meta.py.jinja"
    meta.write_text(meta.read_text() + "RAW = '{{ view.title }}'\n")
    monkeypatch.setattr(generator._client, "TEMPLATES", templates / "client")

    with pytest.raises(GenerationError, match=r"without its filter[\s\S]*_meta.py:\d+"):
        build(SPEC_PATH, tmp_path / "out")


def test_check_as_a_command_exits_1_on_a_stale_tree(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(OUTPUT_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*_cache"))
    (copy / "client" / "a2e_dubbing" / "_meta.py").write_text("STALE = True\n")

    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--out", str(copy)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert "is stale" in result.stderr
    assert "-STALE = True" in result.stderr


@pytest.mark.parametrize(
    "template", ["_meta.py.jinja", "_resources.py.jinja", "project/README.md.jinja"]
)
def test_a_template_naming_a_missing_attribute_fails(
    template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    edited = templates / "client" / template
    edited.write_text(edited.read_text() + "{{ view.no_such_attribute }}\n")
    monkeypatch.setattr(generator._client, "TEMPLATES", templates / "client")

    with pytest.raises(GenerationError, match=rf"{template}.*no_such_attribute"):
        build(SPEC_PATH, tmp_path / "out")


def test_reject_unfiltered_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("ok = 1\nx = '<UntrustedString object at 0x7f00deadbeef>'\n")
    with pytest.raises(GenerationError, match=r"m\.py:2"):
        reject_unfiltered([tmp_path / "m.py"], tmp_path)


def test_a_parser_warning_is_an_error(tmp_path: Path) -> None:
    spec = SPEC_PATH.read_text().replace(
        "              minimum: 0\n              maximum: 0\n              description: Always 0 on success.",
        "              const: 0",
        1,
    )
    broken = tmp_path / "spec.yaml"
    broken.write_text(spec)
    with pytest.raises(GenerationError, match="warnings are errors"):
        build(broken, tmp_path / "out")


def _retry_rules(spec_text: str, tmp_path: Path) -> dict[str, str]:
    from generator._client import client_view
    from generator._parse import parse

    path = tmp_path / "spec.yaml"
    path.write_text(spec_text)
    parsed = parse(path)
    view = client_view(parsed, version=package_version(parsed.document))
    return {m.operation_id: m.retry_rule for r in view.resources for m in r.methods}


def _expected_rule(operation: Op) -> str:
    """The rule the spec's comment states: x-a2e-idempotent, else HTTP's (GET, HEAD, PUT,
    DELETE yes); not idempotent: a look-up with x-a2e-recover, else sent once."""
    declared = operation.definition.get("x-a2e-idempotent")
    if declared if declared is not None else operation.method in {"GET", "HEAD", "PUT", "DELETE"}:
        return "idempotent"
    return "look-up" if "x-a2e-recover" in operation.definition else "once"


def test_the_retry_rule_follows_the_http_method_and_the_spec(tmp_path: Path) -> None:
    rules = _retry_rules(SPEC_PATH.read_text(), tmp_path)
    assert rules == {
        o.operation_id: _expected_rule(o)
        for o in api.operations()
        if "x-a2e-client" in o.definition  # the others are the mock's alone
    }
    assert set(rules.values()) == {"idempotent", "look-up", "once"}  # the spec has each rule
    assert rules[api.op("dubbing.start").operation_id] == "look-up"  # spends credits


def test_x_a2e_idempotent_overrides_the_http_method(tmp_path: Path) -> None:
    spec = SPEC_PATH.read_text()
    spec = spec.replace(
        "      x-a2e-client: storage.transfer\n",
        "      x-a2e-client: storage.transfer\n      x-a2e-idempotent: true\n",
    ).replace(
        "      x-a2e-client: languages.list\n",
        "      x-a2e-client: languages.list\n      x-a2e-idempotent: false\n",
    )
    rules = _retry_rules(spec, tmp_path)
    assert (rules["transferToStorage"], rules["listLanguages"]) == ("idempotent", "once")


def test_a_recovery_rule_on_an_idempotent_operation_fails(tmp_path: Path) -> None:
    spec = SPEC_PATH.read_text()
    marker = "      x-a2e-idempotent: false\n"
    assert spec.count(marker) == 1  # start dubbing's
    broken = tmp_path / "spec.yaml"
    broken.write_text(spec.replace(marker, marker.replace("false", "true")))
    with pytest.raises(GenerationError, match="x-a2e-recover is for"):
        build(broken, tmp_path / "out")


@pytest.mark.parametrize(
    ("line", "replacement", "problem"),
    [
        (
            "          x-a2e-mock: created\n",
            "          x-a2e-mock: updated\n",
            "needs the record's created field",
        ),
        ("        unique: name\n", "", None),
    ],
    ids=["no creation time", "no unique"],
)
def test_a_recovery_rule_is_checked_against_the_body_and_the_record(
    line: str, replacement: str, problem: str | None, tmp_path: Path
) -> None:
    spec = SPEC_PATH.read_text()
    assert line in spec
    changed = tmp_path / "spec.yaml"
    changed.write_text(spec.replace(line, replacement, 1))
    if problem is None:  # without `unique`, every start reads the newest tasks first
        build(changed, tmp_path / "out")
        return
    with pytest.raises(GenerationError, match=problem):
        build(changed, tmp_path / "out")


def test_a_recovery_field_that_the_record_lacks_fails(tmp_path: Path) -> None:
    spec = SPEC_PATH.read_text().replace(
        "match: [name, source_url, target_lang]", "match: [name, source_url, num_speakerz]"
    )
    broken = tmp_path / "spec.yaml"
    broken.write_text(spec)
    with pytest.raises(GenerationError, match="num_speakerz"):
        build(broken, tmp_path / "out")


def test_the_pinned_versions_are_the_installed_ones() -> None:
    from generator._format import PINNED, check_pins

    check_pins()
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    for name, version in PINNED.items():
        assert f'"{name}=={version}"' in pyproject


def test_an_operation_without_x_a2e_client_gets_no_method(tmp_path: Path) -> None:
    """Such an operation is the mock's alone: the client renders without it, and ships no
    per-operation module for it (nor for any other)."""
    from generator._client import UNSHIPPED, render_client
    from generator._parse import parse

    operation = api.op("dubbing.list_processing")
    lines = f"      x-a2e-client: {operation.name}\n      x-a2e-cli: processing\n"
    spec = SPEC_PATH.read_text()
    assert spec.count(lines) == 1
    path = tmp_path / "spec.yaml"
    path.write_text(spec.replace(lines, ""))
    parsed = parse(path)
    assert operation.operation_id in {op.operation_id for op in parsed.operations}
    project = tmp_path / "client"
    render_client(parsed, project, version=package_version(parsed.document))
    package = project / generator._client.PACKAGE
    resources = (package / "_resources.py").read_text()
    assert operation.path not in resources
    assert "def list_processing(" not in resources
    assert api.op("dubbing.list").path in resources  # the others are there
    assert not any((package / name).exists() for name in UNSHIPPED)


def test_an_edit_whose_upstream_text_moved_fails_naming_the_hunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openapi-python-client's templates are used with small edits; a newer version whose
    template no longer has an edit's text fails generation, pointing at the edit."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    edit = templates / "client" / "edits" / "str_enum.py.jinja.edit"
    text = edit.read_text(encoding="utf-8")
    assert "from enum import StrEnum\n=======" in text
    edit.write_text(text.replace("from enum import StrEnum\n=", "from enum import OldEnum\n="))
    monkeypatch.setattr(generator._client, "TEMPLATES", templates / "client")
    with pytest.raises(GenerationError, match=r"str_enum\.py\.jinja\.edit:\d+: .* 0 times"):
        build(SPEC_PATH, tmp_path / "out")


def test_edits_apply_in_order_and_exactly_once(tmp_path: Path) -> None:
    from generator._edits import apply, read_hunks

    edit = tmp_path / "t.edit"
    edit.write_text(
        "# a comment\n<<<<<<< upstream\nb\n=======\nB\nB2\n>>>>>>> ours\n"
        "<<<<<<< upstream\nc\n=======\n>>>>>>> ours\n"
    )
    hunks = read_hunks(edit)
    assert apply("a\nb\nc\n", hunks, "t") == "a\nB\nB2\n"
    with pytest.raises(GenerationError, match="2 times"):
        apply("b\nb\nc\n", hunks, "t")
    edit.write_text("<<<<<<< upstream\nb\n=======\n")
    with pytest.raises(GenerationError, match="without its"):
        read_hunks(edit)


def test_the_sync_code_is_generated_from_the_async_code() -> None:
    """One source per sync/async pair: generator/runtime/client/_async/, which unasync turns
    into the package's _sync/; no sync twin is kept by hand."""
    import tokenize

    from generator._render import RUNTIME_DIR

    runtime = RUNTIME_DIR / "client"
    sources = sorted((runtime / "_async").glob("*.py"))
    assert {p.name for p in sources} >= {
        "__init__.py",
        "_http.py",
        "_retrying.py",
        "_task_resource.py",
    }
    assert not (runtime / "_sync").exists()
    package = OUTPUT_DIR / "client" / generator._client.PACKAGE
    for source in sources:
        made = package / "_sync" / source.name
        with made.open("rb") as stream:
            words = {t.string for t in tokenize.tokenize(stream.readline)}
        assert not words & {"async", "await", "AsyncAPIClient", "AsyncClient"}, made
        assert (package / "_async" / source.name).read_text().partition("\n")[2] == (
            source.read_text()
        ), f"{source.name} is copied as it is"
    assert "class SyncAPIClient(" in (package / "_sync" / "_http.py").read_text()


def test_the_cached_sync_code_is_what_unasync_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator._render import RUNTIME_DIR
    from generator._unasync import unasync_package
    from generator._verify import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache" / "mypy"))
    trees = []
    for run in ("fresh", "cached"):
        package = tmp_path / run
        package.mkdir()
        unasync_package(package, RUNTIME_DIR / "client")
        trees.append({p.name: p.read_bytes() for p in (package / "_sync").glob("*.py")})
        monkeypatch.setitem(sys.modules, "unasync", None)  # the second run cannot import it
    assert trees[0] == trees[1]
    assert "_http.py" in trees[0]
