"""The peer client: bare openapi-python-client output for the same spec, no config."""

from __future__ import annotations

import importlib
import shutil
import sys
from types import ModuleType

from benchmarks._paths import SPEC, WORK
from benchmarks._procs import run

PACKAGE = "bare_opc_client"


def generate_command(out_dir: str) -> list[str]:
    """`openapi-python-client generate` as a user would run it on our spec."""
    return [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(SPEC),
        "--output-path",
        out_dir,
        "--meta",
        "none",
    ]


def load() -> tuple[ModuleType, ModuleType]:
    """Generate the bare client into benchmarks/_work and import it.

    Returns its `client` module (with `AuthenticatedClient`) and the module of the
    get-details operation (with `sync` and `asyncio`).
    """
    out = WORK / PACKAGE
    if out.exists():
        shutil.rmtree(out)
    WORK.mkdir(parents=True, exist_ok=True)
    run(generate_command(str(out)))
    if str(WORK) not in sys.path:
        sys.path.insert(0, str(WORK))
    importlib.invalidate_caches()
    client = importlib.import_module(f"{PACKAGE}.client")
    operation = importlib.import_module(f"{PACKAGE}.api.dubbing.get_dubbing_task")
    return client, operation
