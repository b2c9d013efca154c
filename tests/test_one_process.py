"""A module with schemathesis's parametrized tests is marked `one_process`.

pytest-xdist runs one item of such a test and drops the rest (their node ids repeat), so nox
runs these modules apart, in one process (noxfile.py `_pytest`). A module that forgets the
mark would lose most of its cases without a word in `nox -s tests`.
"""

from __future__ import annotations

import ast

from generator._build import REPO_ROOT


def parametrized_by_schemathesis(tree: ast.Module) -> bool:
    """A test function of the module decorated with `@<schema>.parametrize()`."""
    return any(
        isinstance(node, ast.FunctionDef)
        and any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr == "parametrize"
            and not d.args
            and not d.keywords
            for d in node.decorator_list
        )
        for node in tree.body
    )


def marked_one_process(tree: ast.Module) -> bool:
    """The module's own `pytestmark` (not one in a string) names the one_process mark."""
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        and "one_process" in ast.unparse(node.value)
        for node in tree.body
    )


def modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(REPO_ROOT).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for folder in ("tests", "contract_tests")
        for path in sorted((REPO_ROOT / folder).rglob("test_*.py"))
    }


def test_every_module_of_schemathesis_parametrized_tests_runs_in_one_process() -> None:
    found = {
        name: marked_one_process(tree)
        for name, tree in modules().items()
        if parametrized_by_schemathesis(tree)
    }
    assert len(found) >= 2  # the guard still finds what it guards
    assert [name for name, marked in found.items() if not marked] == []


def test_a_mark_inside_a_string_does_not_count() -> None:
    source = 'X = """\npytestmark = pytest.mark.one_process\n"""\n'
    assert not marked_one_process(ast.parse(source))
    assert marked_one_process(ast.parse("pytestmark = pytest.mark.one_process\n"))
