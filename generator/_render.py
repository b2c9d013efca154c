"""What every renderer shares: the Jinja environment, the runtime copy, the output checks."""

from __future__ import annotations

import pprint
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from openapi_python_client import TEMPLATE_FILTERS

from generator._parse import GenerationError

GENERATOR_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = GENERATOR_DIR / "templates"
RUNTIME_DIR = GENERATOR_DIR / "runtime"

# The text a spec string leaves behind when a template prints it without its filter.
UNFILTERED = re.compile(r"object at 0x[0-9a-fA-F]+")


def py_literal(value: Any) -> str:
    """Plain data (from the spec) as a Python literal; safe to embed in generated code."""
    _check_plain(value)
    return pprint.pformat(value, width=100, sort_dicts=False)


def _check_plain(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _check_plain(key)
            _check_plain(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_plain(item)
    elif value is not None and not isinstance(value, str | int | float | bool):
        raise GenerationError(f"py_literal accepts plain data only, got {type(value).__name__}")


def install_filters(env: Environment) -> Environment:
    """openapi-python-client's filters (safe_for_docstring, ...) plus ours."""
    env.filters.update(TEMPLATE_FILTERS)
    env.filters["py_literal"] = py_literal
    return env


def environment(*template_dirs: Path) -> Environment:
    """A Jinja environment over our template folders, configured like openapi-python-client's."""
    loader: BaseLoader = ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs])
    env = Environment(
        loader=loader,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701 - renders Python source, not HTML
    )
    return install_filters(env)


def render_to(env: Environment, template: str, target: Path, **context: Any) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(env.get_template(template).render(**context), encoding="utf-8")


def copy_runtime(name: str, package_dir: Path) -> list[str]:
    """Copy the hand-written runtime modules of `name` into the package, verbatim."""
    source = RUNTIME_DIR / name
    copied = []
    for path in sorted(source.glob("*.py")):
        shutil.copyfile(path, package_dir / path.name)
        copied.append(path.stem)
    return copied


def reject_unfiltered(paths: Iterable[Path], root: Path) -> None:
    """Fail when a spec string was rendered without its filter (`<... object at 0x...>`)."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if UNFILTERED.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    if found:
        raise GenerationError(
            "a spec string was rendered without its filter (use safe_for_docstring, "
            "in_double_quote_literal or as_unembedded_code):\n" + "\n".join(found)
        )
