"""No test spells out a path of the spec: tests take paths from it (`contract_tests._api`).

A path that moves is then a spec edit plus the tests that are really about that path: the
files in ALLOWED, each with its reason. Every string of the code of tests/, contract_tests/
and benchmarks/ (docstrings and comments are prose, left out) and every other text file
there is searched for the spec's paths, a concrete one (`.../allRecords`, a task id in place
of `{_id}`) or a template, whole or by its last two segments (`userDubbing/detail`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_tests import _api as api
from generator._build import REPO_ROOT

FOLDERS = ("tests", "contract_tests", "benchmarks")
SKIPPED_PARTS = {"__pycache__", "node_modules", "_work", ".pytest_cache"}
BINARY = {".png", ".pyc", ".sqlite3"}
# Files that are about the paths themselves, and why. Everything else takes them from the spec.
ALLOWED = {
    "contract_tests/test_spec.py": "pins the operations' methods and paths as the evidence has them",
    "contract_tests/recordings/start_dubbing.seed.json": "an exchange recorded from the real API",
    "contract_tests/_cli.py": "the a2e-conformance command's help shows an example path",
}
_PARAM = re.compile(r"\{[^{}]+\}")
# A path parameter in a test: a value, or a placeholder (`{task_id}` in an f-string, `{}`).
_VALUE = r"(?:\{[^{}]*\}|[^/\s\"'?#{}]+)"


@dataclass(frozen=True)
class Found:
    file: str
    line: int
    text: str
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text[:80]!r} spells the spec's path {self.path}"


def signatures() -> dict[str, re.Pattern[str]]:
    """Each path of the spec -> a pattern of its last two segments (its values any), or of a
    string that is its last segment alone (`"/detail"`, as in `path.endswith("/detail")`)."""
    found = {}
    for operation in api.operations():
        segments = operation.path.rstrip("/").split("/")
        pieces = re.split(r"(\{[^{}]+\})", "/".join(segments[-2:]))
        regex = "".join(_VALUE if _PARAM.fullmatch(p) else re.escape(p) for p in pieces)
        regex = rf"(?<![\w-]){regex}(?![\w-])"
        if not _PARAM.search(segments[-1]):
            regex += rf"|^/{re.escape(segments[-1])}$"
        found[operation.path] = re.compile(regex)
    return found


def python_strings(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string and bytes literal of `source` but its docstrings; an
    f-string's replacement fields read `{}`."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            yield node.lineno, "".join(str(p) for p in parts)
        elif isinstance(node, ast.Constant) and id(node) not in docstrings:
            if isinstance(node.value, str):
                yield node.lineno, node.value
            elif isinstance(node.value, bytes):
                yield node.lineno, node.value.decode("latin-1")


def literals(name: str, text: str, patterns: dict[str, re.Pattern[str]]) -> list[Found]:
    """The spec's paths spelled out in the file `name` (of content `text`)."""
    if name.endswith(".py"):
        strings = list(python_strings(text))
    else:
        strings = list(enumerate(text.splitlines(), start=1))
    return [
        Found(name, line, string, path)
        for line, string in strings
        for path, pattern in patterns.items()
        if pattern.search(string)
    ]


def checked_files() -> Iterator[Path]:
    for folder in FOLDERS:
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            relative = path.relative_to(REPO_ROOT)
            if (
                path.is_file()
                and path.suffix not in BINARY
                and not SKIPPED_PARTS & set(relative.parts)
            ):
                yield path


@pytest.fixture(scope="module")
def found() -> list[Found]:
    patterns = signatures()
    return [
        literal
        for path in checked_files()
        for literal in literals(
            path.relative_to(REPO_ROOT).as_posix(), path.read_text(encoding="utf-8"), patterns
        )
    ]


def test_no_test_spells_out_a_path_of_the_spec(found: list[Found]) -> None:
    outside = [str(f) for f in found if f.file not in ALLOWED]
    assert outside == [], (
        "take paths from the spec: contract_tests._api (op(...).path, call(...), "
        "route(router, ...)), or add the file to ALLOWED saying why it is about the path:\n"
        + "\n".join(outside)
    )


def test_every_allowed_file_still_spells_out_a_path(found: list[Found]) -> None:
    spelling = {f.file for f in found}
    assert set(ALLOWED) <= spelling, f"no longer needed in ALLOWED: {set(ALLOWED) - spelling}"


@pytest.mark.parametrize("operation", api.operations(), ids=lambda o: o.name)
def test_the_guard_finds_every_form_of_a_path(operation: api.Op) -> None:
    """Each path, written as tests wrote them: literal, in a URL, with a value, in an
    f-string, in bytes, as a tail; a docstring is prose and is left alone."""
    path = operation.path
    concrete = _PARAM.sub("66ea4dd87db10c73fa29b570", path)
    templated = _PARAM.sub("{task_id}", path)
    tail = "/".join(concrete.split("/")[-2:])
    sources = [
        f"X = {path!r}\n",
        f"X = {'https://video.a2e.ai' + concrete!r}\n",
        f"X = f{templated!r}\n",
        f"X = {('GET ' + concrete + ' HTTP/1.1').encode()!r}\n",
        f"X = {'?' + tail!r}.endswith('x')\n",
    ]
    if not _PARAM.search(path.rsplit("/", 1)[1]):  # its last segment alone
        sources.append(f"X = s.endswith({'/' + path.rsplit('/', 1)[1]!r})\n")
    patterns = signatures()
    for source in sources:
        assert [f.path for f in literals("t.py", source, patterns)] != [], source
    docstring = f'"""Calls {path}."""\n'
    assert literals("t.py", docstring, patterns) == []
    assert literals("t.md", f"GET {concrete}\n", patterns) != []
