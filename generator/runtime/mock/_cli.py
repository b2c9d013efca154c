"""`a2e-dubbing-mock serve ...`: the mock as a local HTTP server."""

from __future__ import annotations

import argparse
import logging
import math
import os
import sqlite3
import sys
from pathlib import Path

from ._app import DEFAULT_PROCESSING_SECONDS, LOGGER, MAX_PROCESSING_SECONDS, create_app
from ._disk import describe, free_bytes
from ._meta import VERSION
from ._server import serve
from ._uploads import DEFAULT_MAX_BYTES

DEFAULT_DB = "a2e-dubbing-mock.sqlite3"
LEVELS = ("critical", "error", "warning", "info", "debug")
ADMIN_ENV = "A2E_MOCK_ADMIN_TOKEN"  # rather than --admin-token, which other users see in ps


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        app = create_app(
            db=args.db,
            tokens=args.token,
            processing_seconds=args.processing_seconds,
            fault_rate=args.fault_rate,
            seed=args.seed,
            rate_limit=args.rate_limit,
            logger=logging.getLogger(LOGGER),
            uploads=args.uploads,
            max_upload_bytes=args.max_upload_bytes,
            admin_token=args.admin_token,
            read_only=args.read_only,
        )
    except (sqlite3.DatabaseError, OSError) as error:
        reason = describe(error)
        if reason is not None:  # the disk, not the file: the same file may work later
            free = free_bytes(args.db)
            left = "" if free is None else f"; {free} bytes free there"
            print(
                f"a2e-dubbing-mock: cannot open {args.db}: {reason} ({error}){left}",
                file=sys.stderr,
            )
            return 2
        if isinstance(error, OSError):
            print(f"a2e-dubbing-mock: {error}", file=sys.stderr)
            return 2
        print(
            f"a2e-dubbing-mock: cannot use {args.db} as the mock's database ({error}): give "
            "--db a new file name, or a database this mock wrote",
            file=sys.stderr,
        )
        return 2
    except ValueError as error:
        print(f"a2e-dubbing-mock: {error}", file=sys.stderr)
        return 2
    try:
        serve(app, host=args.host, port=args.port, log_level=args.log_level)
    finally:
        app.close()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="a2e-dubbing-mock", description="A stateful mock of the A2E AI Dubbing API."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the mock over HTTP")
    run.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    run.add_argument("--port", type=_port, default=8000, help="0 picks a free port")
    run.add_argument("--db", type=_database, default=DEFAULT_DB, help="SQLite file, or :memory:")
    run.add_argument(
        "--token",
        action="append",
        help="accept only this bearer token (repeatable; default: any sk_... token)",
    )
    run.add_argument(
        "--processing-seconds",
        type=_seconds,
        default=DEFAULT_PROCESSING_SECONDS,
        help="seconds from start to completed, or 'off' (only /__mock/ calls move tasks)",
    )
    run.add_argument("--fault-rate", type=_rate, default=0.0, help="share of faulty requests")
    run.add_argument("--seed", type=int, default=0, help="seed of --fault-rate")
    run.add_argument("--rate-limit", type=_positive, help="requests per second per token")
    run.add_argument(
        "--uploads",
        metavar="DIR",
        help="folder of the files uploaded to presigned URLs (default: NAME-uploads beside "
        "the database NAME.sqlite3; a temporary folder with :memory:)",
    )
    run.add_argument(
        "--max-upload-bytes",
        type=_size,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"the largest upload, in bytes (413 above it; default: {DEFAULT_MAX_BYTES})",
    )
    run.add_argument(
        "--admin-token",
        default=os.environ.get(ADMIN_ENV) or None,
        metavar="TOKEN",
        help="with --token: what POST /__mock/reset-all needs in its X-A2E-Mock-Admin header "
        f"(default: ${ADMIN_ENV}; without one, reset-all is off on a mock with --token)",
    )
    run.add_argument(
        "--read-only",
        action="store_true",
        help="serve an existing --db without writing to it (e.g. on a read-only file "
        "system): reads are answered, writes get 503",
    )
    run.add_argument("--log-level", choices=LEVELS, default="info")
    return parser


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError("must be a port number from 0 to 65535 (0: a free one)")
    return int(text)


def _database(text: str) -> str:
    if text == ":memory:":
        return text
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder: give a file name in it")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {path.parent} does not exist")
    return text


def _seconds(text: str) -> float | None:
    if text == "off":
        return None
    value = float(text)
    if not (math.isfinite(value) and 0 <= value <= MAX_PROCESSING_SECONDS):
        raise argparse.ArgumentTypeError(
            f"must be 'off' or a number of seconds from 0 to {MAX_PROCESSING_SECONDS} (a year)"
        )
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _size(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number of bytes, at least 1")
    return int(text)
