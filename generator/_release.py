"""Versions and releases: `python -m generator diff` and `python -m generator mark-released`.

The version of both generated packages is `info.x-a2e-package-version` in the spec (one
place). A release leaves a copy of its spec in `openapi/releases/<version>.yaml`; `diff`
compares the working spec with the newest one (or a git ref, or a spec file), at the wire
and in the client's Python surface, classifies every change, and says which version the
change needs (semver: breaking -> major, additive -> minor, docs -> patch). It fails when
the spec's version is not bumped that far, or when `CHANGELOG.md` has no entry for it;
`--write-changelog` writes that entry (Keep a Changelog).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from generator._parse import GenerationError
from generator._wire import ORDER, Change, Kind

REPO_ROOT = Path(__file__).resolve().parent.parent
RELEASES_DIR = REPO_ROOT / "openapi" / "releases"
CHANGELOG = REPO_ROOT / "CHANGELOG.md"
SPEC_IN_GIT = "openapi/a2e-dubbing.yaml"
GENERATED_CLIENT = "generated/client"
LEVELS = {"wire": "API", "python": "Python", "spec": "Spec"}  # how reports name each level
VERSION_KEY = "x-a2e-package-version"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CHANGELOG_HEAD = """# Changelog

What changed in the `a2e-dubbing` client and the `a2e-dubbing-mock` server, release by
release ([Keep a Changelog](https://keepachangelog.com/en/1.1.0/), [Semantic
Versioning](https://semver.org/)). Entries are written by `python -m generator diff
--write-changelog` from the difference between two specs; notes by hand are kept.
"""


def package_version(document: dict[str, Any]) -> str:
    """`info.x-a2e-package-version`: the version of both generated packages."""
    value = (document.get("info") or {}).get(VERSION_KEY)
    if not isinstance(value, str) or not re.fullmatch(r"\d+\.\d+\.\d+", value):
        raise GenerationError(
            f"info.{VERSION_KEY} must be the packages' version as MAJOR.MINOR.PATCH, "
            f"found {value!r}"
        )
    return value


@dataclass(frozen=True)
class Base:
    """What the working spec is compared with."""

    label: str
    document: dict[str, Any]
    version: str | None
    commit: str | None = None  # where its generated client is in git, when known


def releases() -> list[tuple[Version, Path]]:
    """Every recorded release, oldest first."""
    found = []
    for path in RELEASES_DIR.glob("*.yaml"):
        with contextlib.suppress(InvalidVersion):
            found.append((Version(path.stem), path))
    return sorted(found)


def load_base(base: str | None) -> Base:
    """BASE: None (the last release), a spec file, or a git ref."""
    if base is None:
        recorded = releases()
        if not recorded:
            raise GenerationError(f"no release recorded in {RELEASES_DIR}: pass a BASE")
        version, path = recorded[-1]
        text = path.read_text(encoding="utf-8")
        commit = re.search(r"^#.*\bcommit ([0-9a-f]{40})\b", text, re.MULTILINE)
        return Base(f"release {version}", _load(text), str(version), commit[1] if commit else None)
    path = Path(base)
    if path.is_file():
        document = _load(path.read_text(encoding="utf-8"))
        return Base(str(path), document, _version_or_none(document))
    shown = subprocess.run(
        ["git", "show", f"{base}:{SPEC_IN_GIT}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        raise GenerationError(
            f"BASE {base!r} is neither a spec file nor a git ref with {SPEC_IN_GIT}: "
            f"{shown.stderr.strip()}"
        )
    document = _load(shown.stdout)
    return Base(f"git {base}", document, _version_or_none(document), _git("rev-parse", base))


def _git(*args: str) -> str | None:
    """The output of a git command in the repository (None when it fails)."""
    done = subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _committed_client(commit: str, out: Path) -> Path | None:
    """The generated client as committed at `commit`, unpacked into `out` (None when git
    does not have it, e.g. in a shallow clone)."""
    import tarfile

    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, GENERATED_CLIENT],
        cwd=REPO_ROOT,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return None
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(out, filter="data")
    project = out / GENERATED_CLIENT
    return project if (project / "pyproject.toml").is_file() else None


def _load(text: str) -> dict[str, Any]:
    document = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    if not isinstance(document, dict):
        raise GenerationError("not an OpenAPI document")
    return document


def _version_or_none(document: dict[str, Any]) -> str | None:
    try:
        return package_version(document)
    except GenerationError:
        return None


@dataclass
class Report:
    """The classified difference between a base and the working spec."""

    base: Base
    version: str
    changes: list[Change]
    notes: list[str] = field(default_factory=list)

    @property
    def needed(self) -> Kind | None:
        """The largest class of change, or None when nothing changed."""
        return max((c.kind for c in self.changes), key=ORDER.__getitem__, default=None)

    @property
    def base_version(self) -> str:
        return self.base.version or "0.0.0"

    def required_version(self) -> str:
        """The smallest version the changes allow."""
        return bumped(self.base_version, self.needed)

    def problems(self) -> list[str]:
        """Why the gate fails (nothing when it passes)."""
        found = []
        current, base = Version(self.version), Version(self.base_version)
        if current < base:
            found.append(f"version {self.version} is older than {self.base.label} ({base})")
        elif self.needed is not None and current < Version(self.required_version()):
            found.append(
                f"{self.needed} changes need version {self.required_version()} or later, but "
                f"info.{VERSION_KEY} is {self.version}: bump it in the spec"
            )
        if current != base and not changelog_has(self.version):
            found.append(
                f"CHANGELOG.md has no entry for {self.version}: run "
                "`python -m generator diff --write-changelog`"
            )
        return found


def bumped(version: str, needed: Kind | None) -> str:
    """`version` bumped for a change of class `needed` (semver; 0.x too: breaking -> 1.0.0)."""
    major, minor, patch = Version(version).release[:3]
    if needed == "breaking":
        return f"{major + 1}.0.0"
    if needed == "additive":
        return f"{major}.{minor + 1}.0"
    if needed == "docs":
        return f"{major}.{minor}.{patch + 1}"
    return version


def diff(spec_path: Path, base: str | None) -> Report:
    """Compare the spec at `spec_path` with `base` at the wire and in the Python surface."""
    from generator import _surface, _wire

    document = _load(spec_path.read_text(encoding="utf-8"))
    found = load_base(base)
    report = Report(found, package_version(document), _wire.compare(found.document, document))
    with tempfile.TemporaryDirectory(prefix="a2e-diff-") as tmp:
        # The client its users have (as committed, so template and runtime changes count
        # too), or else the base spec rendered by this generator.
        old_client = _committed_client(found.commit, Path(tmp) / "git") if found.commit else None
        if old_client is None:
            if found.commit:
                report.notes.append(
                    f"git has no commit {found.commit[:12]} here (a shallow clone?): the Python "
                    f"surface of {found.label} is its spec rendered by this generator"
                )
            older = _with_hints(found.document, document)
            old_client = _render_client(older, Path(tmp) / "old", report.notes, found.label)
        new_client = _render_client(document, Path(tmp) / "new", report.notes, "the working spec")
        if old_client is not None and new_client is not None:
            report.changes += _surface.compare(old_client, new_client)
    report.changes.sort(key=lambda c: (-ORDER[c.kind], c.level, c.where, c.what))
    return report


# Extensions the generator needs that do not shape the client's surface: a base written
# before they existed borrows them from the working spec to be rendered.
_HINTS = ("x-a2e-mock", "x-a2e-lifecycle")


def _with_hints(base: dict[str, Any], working: dict[str, Any]) -> dict[str, Any]:
    """`base` with the working spec's mock hints and lifecycle where it has none."""
    import copy

    merged = copy.deepcopy(base)
    schemas = (merged.get("components") or {}).get("schemas") or {}
    current = (working.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        source = current.get(name)
        if not isinstance(schema, dict) or not isinstance(source, dict):
            continue
        pairs = [(schema, source)]
        for prop, definition in (schema.get("properties") or {}).items():
            later = (source.get("properties") or {}).get(prop)
            if isinstance(definition, dict) and isinstance(later, dict):
                pairs.append((definition, later))
        for target, origin in pairs:
            for key in _HINTS:
                if key in origin and key not in target:
                    target[key] = copy.deepcopy(origin[key])
    return merged


def _render_client(
    document: dict[str, Any], out: Path, notes: list[str], label: str
) -> Path | None:
    """The client project of `document` rendered by this generator (no checks), or None."""
    from generator._client import render_client
    from generator._format import format_project
    from generator._parse import parse

    out.mkdir(parents=True)
    spec = out / "spec.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    project = out / "client"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            render_client(parse(spec), project, version=_version_or_none(document) or "0.0.0")
        format_project(project)
    except GenerationError as error:
        first = str(error).splitlines()[0]
        notes.append(
            f"the Python surface of {label} was not compared: this generator cannot render it "
            f"({first}); the wire comparison stands alone"
        )
        return None
    return project


def format_report(report: Report) -> str:
    """The report as text: each change with its class and level, then the verdict."""
    lines = [
        f"comparing the working spec ({report.version}) with {report.base.label} ({report.base_version})"
    ]
    if not report.changes:
        lines.append("no changes")
    for change in report.changes:
        level = LEVELS[change.level]
        lines.append(f"  {change.kind:<9} {level:<6} {change.where}: {change.what}")
    lines += [f"note: {note}" for note in report.notes]
    if report.needed is not None:
        lines.append(f"needs: {report.needed} -> version {report.required_version()} or later")
    problems = report.problems()
    lines += [f"error: {problem}" for problem in problems]
    if not problems:
        lines.append(f"ok: version {report.version}")
    return "\n".join(lines)


# CHANGELOG.md


def changelog_has(version: str) -> bool:
    return CHANGELOG.is_file() and _heading(version) in _headings(CHANGELOG.read_text("utf-8"))


def _heading(version: str) -> str:
    return f"## [{version}]"


def _headings(text: str) -> set[str]:
    return {line.split(" - ")[0].strip() for line in text.splitlines() if line.startswith("## [")}


def write_changelog(report: Report, *, today: dt.date | None = None) -> Path:
    """Add the entry of `report.version` to CHANGELOG.md, or add to it what it lacks (bullets
    already there, and notes by hand, stay)."""
    text = CHANGELOG.read_text("utf-8") if CHANGELOG.is_file() else _CHANGELOG_HEAD
    date = (today or dt.date.today()).isoformat()
    sections = _sections(report.changes)
    head, entries = _split(text)
    entry = entries.get(report.version)
    if entry is None:
        entry = f"{_heading(report.version)} - {date}\n"
    for title, bullets in sections.items():
        entry = _with_bullets(entry, title, bullets)
    entries[report.version] = entry.rstrip() + "\n"
    ordered = sorted(entries.items(), key=lambda item: Version(item[0]), reverse=True)
    CHANGELOG.write_text(
        head.rstrip() + "\n\n" + "\n".join(e for _, e in ordered), encoding="utf-8"
    )
    return CHANGELOG


def _sections(changes: Iterable[Change]) -> dict[str, list[str]]:
    """Keep a Changelog's sections for the changes. One change made in many places is one
    bullet naming them; documentation changes are one line."""
    grouped: dict[tuple[str, str, str], list[str]] = {}  # (section, prefix, what) -> wheres
    docs: list[str] = []
    for change in changes:
        if change.kind == "docs":
            docs.append(change.where)
            continue
        level = LEVELS[change.level]
        if "renamed to" in change.what:
            grouped.setdefault(("Deprecated", level, change.what), []).append(change.where)
        if change.kind == "breaking":
            title = "Removed" if change.what.endswith("removed") else "Changed"
            prefix = f"**Breaking** {level}"
        else:
            title = (
                "Added" if " added" in change.what or change.what.endswith("added") else "Changed"
            )
            prefix = level
        grouped.setdefault((title, prefix, change.what), []).append(change.where)
    sections: dict[str, list[str]] = {}
    for (title, prefix, what), wheres in grouped.items():
        sections.setdefault(title, []).append(f"{prefix}: {_places(wheres)}: {what}")
    if docs:
        sections.setdefault("Changed", []).append(f"Documentation: {_places(docs)}")
    order = ("Added", "Changed", "Deprecated", "Removed")
    return {title: sorted(sections[title]) for title in order if title in sections}


def _places(wheres: list[str], shown: int = 8) -> str:
    """`a`, `b` and 3 more: where a change was made."""
    unique = sorted(set(wheres))
    text = ", ".join(f"`{w}`" for w in unique[:shown])
    return text + (f" and {len(unique) - shown} more" if len(unique) > shown else "")


def _split(text: str) -> tuple[str, dict[str, str]]:
    """(the text before the first entry, entry text by version)."""
    parts = re.split(r"(?m)^(?=## \[)", text)
    head, entries = parts[0], {}
    for part in parts[1:]:
        version = part[4 : part.index("]")]
        entries[version] = part
    return head, entries


def _with_bullets(entry: str, title: str, bullets: list[str]) -> str:
    """`entry` with every bullet of `bullets` under `### title` (added when missing)."""
    missing = [b for b in bullets if f"- {b}" not in entry]
    if not missing:
        return entry
    lines = entry.rstrip("\n").split("\n")
    heading = f"### {title}"
    if heading not in lines:
        return "\n".join([*lines, "", heading, *(f"- {b}" for b in missing)]) + "\n"
    at = lines.index(heading) + 1
    while at < len(lines) and not lines[at].startswith("### "):
        at += 1
    while at > 0 and not lines[at - 1].strip():
        at -= 1
    return "\n".join([*lines[:at], *(f"- {b}" for b in missing), *lines[at:]]) + "\n"


# Releases


def mark_released(spec_path: Path) -> Path:
    """Record the working spec as the release of its version (refuses to change a release)."""
    text = spec_path.read_text(encoding="utf-8")
    version = package_version(_load(text))
    target = RELEASES_DIR / f"{version}.yaml"
    if target.is_file():
        if _load(target.read_text("utf-8")) != _load(text):
            raise GenerationError(
                f"{target.name} in {target.parent} already records {version} with another spec: "
                f"bump info.{VERSION_KEY}"
            )
        return target
    header = f"# The spec as released in a2e-dubbing {version} (python -m generator mark-released)"
    if spec_path.resolve() == (REPO_ROOT / SPEC_IN_GIT).resolve():  # not a scratch spec
        commit = _git("rev-parse", "HEAD")
        clean = _git("diff", "--quiet", "HEAD", "--", SPEC_IN_GIT, "generated") is not None
        if commit is None or not clean:
            raise GenerationError(
                "commit the spec and generated/ first: a release records the commit that "
                "holds them (its client is what `diff` compares later releases with)"
            )
        header += f",\n# commit {commit}"
    header += ".\n"
    RELEASES_DIR.mkdir(parents=True, exist_ok=True)
    target.write_text(header + text, encoding="utf-8")
    return target


def summary(changes: Iterable[Change]) -> Iterator[str]:
    """One line per class: how many changes of it."""
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    for kind in ("breaking", "additive", "docs"):
        if kind in counts:
            yield f"{counts[kind]} {kind}"
