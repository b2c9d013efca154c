"""`python -m generator generate|check|diff|mark-released`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator._build import OUTPUT_DIR, SPEC_PATH, check, generate
from generator._parse import GenerationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in (
        ("generate", "rewrite generated/ from the spec"),
        ("check", "fail when generated/ is not what the spec makes"),
    ):
        command = commands.add_parser(name, help=summary)
        command.add_argument("--spec", type=Path, default=SPEC_PATH, help="the OpenAPI document")
        command.add_argument("--out", type=Path, default=OUTPUT_DIR, help="the generated/ folder")
    diff = commands.add_parser(
        "diff", help="classify the changes since BASE; fail when the version is not bumped enough"
    )
    diff.add_argument(
        "base",
        nargs="?",
        metavar="BASE",
        help="a git ref or a spec file (default: the last release in openapi/releases/)",
    )
    diff.add_argument("--spec", type=Path, default=SPEC_PATH, help="the working spec")
    diff.add_argument(
        "--write-changelog", action="store_true", help="add the changes to CHANGELOG.md"
    )
    released = commands.add_parser(
        "mark-released", help="record the spec as the release of its version (openapi/releases/)"
    )
    released.add_argument("--spec", type=Path, default=SPEC_PATH, help="the OpenAPI document")
    args = parser.parse_args(argv)
    try:
        if args.command == "diff":
            return _diff(args)
        if args.command == "mark-released":
            from generator._release import mark_released

            print(f"recorded {mark_released(args.spec)}")
            return 0
        if args.command == "generate":
            changed = generate(args.spec, args.out)
            print(f"generated {args.out}: {len(changed)} file(s) changed")
            for path in changed:
                print(f"  {path}")
            return 0
        stale = check(args.spec, args.out)
    except GenerationError as error:
        print(f"generator: {error}", file=sys.stderr)
        return 2
    if stale:
        print(f"{args.out} is stale: run `python -m generator generate`\n{stale}", file=sys.stderr)
        return 1
    print(f"{args.out} matches {args.spec.name}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from generator._release import diff, format_report, write_changelog

    report = diff(args.spec, args.base)
    if args.write_changelog and report.changes:
        print(f"wrote the {report.version} entry of {write_changelog(report)}")
    print(format_report(report))
    return 1 if report.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
