"""What a spec change does to the client's Python surface, read with griffe.

The surface is what a user of `a2e_dubbing` touches: the names the package exports
(`__all__`: clients, errors, models), the resources the clients hold (`client.dubbing`,
...), and in packages before 2.0.0 the per-operation functions of `a2e_dubbing.api` (so
that their removal is reported), with every public member,
parameter, type annotation and docstring. griffe's own breaking-change check
(`griffe.find_breaking_changes`) runs over the package and over each resource class (they
live in a private module, which it skips); a walk over both surfaces adds what it does not
report: additions, changed types and changed docstrings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator._wire import Change, Kind

PACKAGE = "a2e_dubbing"
RESOURCES_MODULE = "_resources"
VERSION_NAMES = frozenset({"VERSION", "__version__"})


@dataclass(frozen=True)
class Entry:
    """One public object of the surface, as plain text to compare."""

    kind: str
    signature: tuple[tuple[str, str, str | None, str], ...]  # (name, kind, default, annotation)
    annotation: str
    docstring: str


def load(project_dir: Path) -> Any:
    """The client package of a generated project, loaded by griffe (aliases resolved)."""
    import griffe  # only `diff` needs it

    loader = griffe.GriffeLoader(search_paths=[str(project_dir)])
    package = loader.load(PACKAGE)
    loader.resolve_aliases(implicit=False, external=False)
    return package


def compare(old_project: Path, new_project: Path) -> list[Change]:
    """Every change of the Python surface between two generated client projects."""
    import griffe

    old, new = load(old_project), load(new_project)
    changes = _collapsed(list(_walk(_entries(old), _entries(new))))
    broken = {c.where for c in changes if c.kind == "breaking"}
    old_resources, new_resources = _resources(old), _resources(new)
    pairs = [(old, new)]
    pairs += [
        (old_resources[n], new_resources[n])
        for n in sorted(old_resources.keys() & new_resources.keys())
    ]
    for before, after in pairs:  # griffe's verdicts, where the walk saw nothing breaking
        for breakage in griffe.find_breaking_changes(before, after):
            where = _short(str(breakage.obj.path))
            if where.rsplit(".", 1)[-1] in VERSION_NAMES:
                continue  # the version itself changes with every release
            if where not in broken:
                broken.add(where)
                changes.append(Change("breaking", "python", where, _describe(breakage)))
    return sorted(set(changes), key=lambda c: (-_rank(c.kind), c.where, c.what))


def _collapsed(changes: list[Change]) -> list[Change]:
    """Leave out what is inside an object that was itself added or removed."""
    whole = {
        c.where
        for c in changes
        if c.what.endswith((" added", " removed")) and "parameter" not in c.what
    }
    return [c for c in changes if not any(c.where.startswith(w + ".") for w in whole)]


def _describe(breakage: Any) -> str:
    old = getattr(breakage, "old_value", None)
    name = getattr(old, "name", None)
    text = _lower_first(str(breakage.kind.value))
    return f"{text} ({name})" if isinstance(name, str) else text


def _rank(kind: Kind) -> int:
    return {"docs": 0, "additive": 1, "breaking": 2}[kind]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _short(path: str) -> str:
    """`a2e_dubbing._resources.Dubbing.start` -> `Dubbing.start`; models by their class."""
    parts = path.split(".")
    if parts[:1] == [PACKAGE]:
        parts = parts[1:]
    while parts and (parts[0].startswith("_") or parts[0] in ("models",)) and len(parts) > 1:
        parts = parts[1:]
        if parts and parts[0].islower() and len(parts) > 1 and parts[0] != "api":
            parts = parts[1:]  # models.dubbing_task.DubbingTask -> DubbingTask
    return ".".join(parts)


def _resources(package: Any) -> dict[str, Any]:
    module = package.members.get(RESOURCES_MODULE)
    if module is None:
        return {}
    return {
        name: obj
        for name, obj in module.members.items()
        if not obj.is_alias and obj.is_class and not name.startswith("_")
    }


def _entries(package: Any) -> dict[str, Entry]:
    """Every public object: exports, resources and `api`, each with its public members."""
    entries: dict[str, Entry] = {}
    roots: list[tuple[str, Any]] = []
    for name in package.exports or ():
        member = package.members.get(str(name))
        if member is not None and not str(name).startswith("__"):
            roots.append((str(name), member))
    roots += sorted(_resources(package).items())
    api = package.members.get("api")
    if api is not None:
        roots.append(("api", api))
    for name, obj in roots:
        _collect(entries, name, obj, depth=0)
    return entries


def _collect(entries: dict[str, Entry], path: str, obj: Any, *, depth: int) -> None:
    if depth > 6 or path in entries:
        return
    target = obj.final_target if obj.is_alias else obj
    entries[path] = _entry(target)
    if target.is_class or target.is_module:
        members = target.all_members if target.is_class else target.members
        for name, member in sorted(members.items()):
            if name.startswith("_") or (
                target.is_module and member.is_alias and not _inside(member, target)
            ):
                continue
            _collect(entries, f"{path}.{name}", member, depth=depth + 1)


def _ours(member: Any) -> bool:
    """Whether an alias points into the package (not at an import from elsewhere)."""
    return str(member.target_path).split(".", 1)[0] == PACKAGE


def _inside(member: Any, module: Any) -> bool:
    """Whether an alias in `module` points into it (a submodule's object, not an import)."""
    return str(member.target_path).startswith(str(module.path) + ".")


def _entry(obj: Any) -> Entry:
    signature: tuple[tuple[str, str, str | None, str], ...] = ()
    if obj.is_function:
        signature = tuple(
            (
                p.name,
                str(p.kind.value),
                None if p.default is None else str(p.default),
                str(p.annotation),
            )
            for p in obj.parameters
            if p.name not in ("self", "cls")
        )
    annotation = str(
        getattr(obj, "returns", None) if obj.is_function else getattr(obj, "annotation", None)
    )
    docstring = obj.docstring.value if obj.docstring else ""
    return Entry(str(obj.kind.value), signature, annotation, docstring)


def _walk(old: dict[str, Entry], new: dict[str, Entry]) -> Iterator[Change]:
    for path in sorted(old.keys() - new.keys()):
        yield Change("breaking", "python", path, f"{old[path].kind} removed")
    for path in sorted(new.keys() - old.keys()):
        # A model's new field is additive here even when its constructor needs it: models
        # of requests are built by the methods, whose new required parameter is breaking.
        yield Change("additive", "python", path, f"{new[path].kind} added")
    for path in sorted(old.keys() & new.keys()):
        before, after = old[path], new[path]
        if before.kind != after.kind:
            yield Change("breaking", "python", path, f"{before.kind} -> {after.kind}")
            continue
        if before.annotation != after.annotation:
            yield Change(
                "breaking", "python", path, f"type {before.annotation} -> {after.annotation}"
            )
        yield from _parameters(path, before.signature, after.signature)
        if before.docstring != after.docstring:
            yield Change("docs", "python", path, "docstring changed")


def _parameters(
    path: str,
    old: tuple[tuple[str, str, str | None, str], ...],
    new: tuple[tuple[str, str, str | None, str], ...],
) -> Iterator[Change]:
    before = {p[0]: p for p in old}
    after = {p[0]: p for p in new}
    for name in sorted(before.keys() - after.keys()):
        yield Change("breaking", "python", path, f"parameter {name} removed")
    for name in sorted(after.keys() - before.keys()):
        required = after[name][2] is None and not after[name][1].startswith("variadic")
        kind: Kind = "breaking" if required else "additive"
        yield Change(
            kind, "python", path, f"{'required' if required else 'optional'} parameter {name} added"
        )
    for name in sorted(before.keys() & after.keys()):
        (_, old_kind, old_default, old_type), (_, new_kind, new_default, new_type) = (
            before[name],
            after[name],
        )
        if old_kind != new_kind:
            yield Change("breaking", "python", path, f"parameter {name}: {old_kind} -> {new_kind}")
        if old_default != new_default:
            yield Change(
                "breaking",
                "python",
                path,
                f"parameter {name}: default {old_default} -> {new_default}",
            )
        if old_type != new_type:
            # A parameter that takes more than before (a union that keeps every old member)
            # breaks no caller.
            widened = _members(old_type) < _members(new_type)
            yield Change(
                "additive" if widened else "breaking",
                "python",
                path,
                f"parameter {name}: type {old_type} -> {new_type}",
            )


def _members(annotation: str) -> frozenset[str]:
    """The members of a union annotation (`a | b[c | d]` -> {a, b[c | d]}), as text."""
    members, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(annotation[start:index])
            start = index + 1
    members.append(annotation[start:])
    return frozenset(" ".join(m.split()) for m in members)
