"""openapi-python-client's templates with our few edits, instead of forks of them.

A template we change a few lines of is not copied: `generator/templates/<project>/edits/`
holds `<template>.edit`, a list of hunks, each the exact upstream text and what replaces
it (Git's conflict markers, `<<<<<<< upstream`, `=======`, `>>>>>>> ours`; lines outside a
hunk are comments). Each upstream text must occur exactly once in the template of the
pinned openapi-python-client, so a version bump that moves one is a clear error naming
the template and the hunk, not a silent change of the generated code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound

from generator._parse import GenerationError

SUFFIX = ".edit"
_START, _MIDDLE, _END = "<<<<<<< upstream", "=======", ">>>>>>> ours"


@dataclass(frozen=True)
class Hunk:
    """One edit: `upstream` (exact text of the template) becomes `ours`."""

    upstream: str
    ours: str
    line: int  # where the hunk starts in its .edit file


def read_hunks(path: Path) -> list[Hunk]:
    """The hunks of an `.edit` file."""
    hunks: list[Hunk] = []
    upstream: list[str] = []
    ours: list[str] = []
    state, start = "outside", 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(True), 1):
        marker = line.rstrip("\n")
        if state == "outside" and marker == _START:
            state, upstream, ours, start = "upstream", [], [], number
        elif state == "upstream" and marker == _MIDDLE:
            state = "ours"
        elif state == "ours" and marker == _END:
            hunks.append(Hunk("".join(upstream), "".join(ours), start))
            state = "outside"
        elif state == "upstream":
            upstream.append(line)
        elif state == "ours":
            ours.append(line)
        elif marker in (_MIDDLE, _END):
            raise GenerationError(f"{path}:{number}: {marker!r} outside a hunk")
    if state != "outside":
        raise GenerationError(f"{path}:{start}: a hunk without its {_END!r}")
    return hunks


def apply(source: str, hunks: list[Hunk], where: str) -> str:
    """`source` with every hunk applied; each upstream text must occur exactly once."""
    for hunk in hunks:
        found = source.count(hunk.upstream)
        if found != 1:
            first = hunk.upstream.strip().splitlines()[0] if hunk.upstream.strip() else ""
            raise GenerationError(
                f"{where}:{hunk.line}: the upstream text of this edit occurs {found} times in "
                f"openapi-python-client's template (once expected), from {first!r}: "
                "re-check the edit against the new version"
            )
        source = source.replace(hunk.upstream, hunk.ours)
    return source


class EditingLoader(BaseLoader):
    """Loads a template from `upstream`, with the hunks of its `.edit` file in `edits`
    applied when there is one."""

    def __init__(self, upstream: BaseLoader, edits: Path) -> None:
        self._upstream = upstream
        self._edits = edits

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self._upstream.get_source(environment, template)
        edit = self._edits / f"{template}{SUFFIX}"
        if not edit.is_file():
            return source, filename, uptodate
        return apply(source, read_hunks(edit), str(edit)), str(edit), uptodate

    def list_templates(self) -> list[str]:
        raise TemplateNotFound("the editing loader does not list templates")
