"""`python -m generator generate|check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator._build import OUTPUT_DIR, SPEC_PATH, check, generate
from generator._parse import GenerationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--spec", type=Path, default=SPEC_PATH, help="the OpenAPI document")
    parser.add_argument("--out", type=Path, default=OUTPUT_DIR, help="the generated/ folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            changed = generate(args.spec, args.out)
            print(f"generated {args.out}: {len(changed)} file(s) changed")
            for path in changed:
                print(f"  {path}")
            return 0
        diff = check(args.spec, args.out)
    except GenerationError as error:
        print(f"generator: {error}", file=sys.stderr)
        return 2
    if diff:
        print(f"{args.out} is stale: run `python -m generator generate`\n{diff}", file=sys.stderr)
        return 1
    print(f"{args.out} matches {args.spec.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
