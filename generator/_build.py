"""Build every package from one parse, then write it to generated/ or compare with it."""

from __future__ import annotations

import difflib
import filecmp
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from generator._client import render_client
from generator._extensions import validate
from generator._format import check_pins, format_project
from generator._mock import render_mock
from generator._parse import ParsedSpec, parse
from generator._release import package_version
from generator._render import reject_unfiltered, stamp
from generator._verify import verify

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = REPO_ROOT / "openapi" / "a2e-dubbing.yaml"
OUTPUT_DIR = REPO_ROOT / "generated"

Renderer = Callable[[ParsedSpec, Path], None]
# One renderer per generated project, all fed by the same parse; both carry the version
# the spec gives (info.x-a2e-package-version).
RENDERERS: dict[str, Renderer] = {
    "client": lambda parsed, out: render_client(
        parsed, out, version=package_version(parsed.document)
    ),
    "mock": lambda parsed, out: render_mock(parsed, out, version=package_version(parsed.document)),
}
# Files that tools leave next to generated code; neither written nor compared.
IGNORED = (
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "*.egg-info",
    "build",
    "dist",
)


def build(spec_path: Path, out_dir: Path) -> list[Path]:
    """Render every project into `out_dir` (created fresh); return the files written."""
    check_pins()
    parsed = parse(spec_path)
    validate(parsed)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for name, render in RENDERERS.items():
        project = out_dir / name
        render(parsed, project)
        stamp(project, name)
        format_project(project)
    files = _files(out_dir)
    reject_unfiltered(files, out_dir)
    verify([out_dir / name for name in RENDERERS], files)
    return files


def generate(spec_path: Path = SPEC_PATH, out_dir: Path = OUTPUT_DIR) -> list[Path]:
    """Regenerate `out_dir` from the spec; return the paths that changed."""
    with tempfile.TemporaryDirectory(prefix="a2e-generate-") as tmp:
        fresh = Path(tmp) / "generated"
        build(spec_path, fresh)
        changed = _changes(fresh, out_dir)
        for name in RENDERERS:
            target = out_dir / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh / name, target)
    return changed


def check(spec_path: Path = SPEC_PATH, out_dir: Path = OUTPUT_DIR, *, context: int = 40) -> str:
    """A short diff between `out_dir` and a fresh build; empty when they are identical."""
    with tempfile.TemporaryDirectory(prefix="a2e-check-") as tmp:
        fresh = Path(tmp) / "generated"
        build(spec_path, fresh)
        lines: list[str] = []
        for path in _changes(fresh, out_dir):
            old = out_dir / path
            new = fresh / path
            if not new.exists():
                lines.append(f"only in {out_dir.name}/: {path} (not generated from the spec)")
            elif not old.exists():
                lines.append(f"missing from {out_dir.name}/: {path}")
            else:
                diff = difflib.unified_diff(
                    old.read_text(encoding="utf-8").splitlines(),
                    new.read_text(encoding="utf-8").splitlines(),
                    f"{out_dir.name}/{path}",
                    f"fresh/{path}",
                    lineterm="",
                    n=1,
                )
                lines.extend(diff)
        if len(lines) > context:
            lines = [*lines[:context], f"... {len(lines) - context} more lines"]
        return "\n".join(lines)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not _ignored(p.relative_to(root)))


def _ignored(relative: Path) -> bool:
    return any(part.match(pattern) for part in map(Path, relative.parts) for pattern in IGNORED)


def _changes(fresh: Path, existing: Path) -> list[Path]:
    """Relative paths that differ between two trees (only under the rendered projects)."""
    names: set[Path] = set()
    for name in RENDERERS:
        for root in (fresh, existing):
            if (root / name).exists():
                names.update(p.relative_to(root) for p in _files(root / name))
    return sorted(
        p
        for p in names
        if not (fresh / p).exists()
        or not (existing / p).exists()
        or not filecmp.cmp(fresh / p, existing / p, shallow=False)
    )
