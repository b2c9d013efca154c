"""The whole loop in one run: a mock A2E, a dubbing started with the CLI, the result on disk.

    python examples/demo.py [--out DIR]

1. starts the mock server (`a2e-dubbing-mock serve`) on a free loopback port with a
   temporary database,
2. runs `a2e-dubbing start SOURCE --to fr --wait --download DIR` against it,
3. checks the downloaded file is a valid WAV and prints where it is,
4. stops the mock. Exits non-zero when any step fails.
"""

from __future__ import annotations

import argparse
import os
import selectors
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

SOURCE = (
    "https://dh24as48lv9ce.cloudfront.net/adam2eve/stable/user_voice_clone/"
    "b89f5b2e-2c7a-4de5-89b4-17ffee2799b6/audio.WAV"
)
TOKEN = "sk_demo_local_mock"  # noqa: S105 - any sk_ token is a tenant of the mock


def step(number: int, text: str) -> None:
    print(f"\n[{number}/4] {text}", flush=True)


def start_mock(db: Path) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "a2e_dubbing_mock", "serve", "--host", "127.0.0.1", "--port", "0",
        "--db", str(db), "--processing-seconds", "3", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=30)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("Listening on "):
        process.kill()
        raise SystemExit(f"demo: the mock did not start ({line.strip() or 'no answer in 30 s'})")
    return process, line.removeprefix("Listening on ").strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path("demo-output"), help="where to save the result"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="a2e-demo-") as tmp:
        step(1, "Starting the mock A2E server (temporary SQLite database)")
        mock, url = start_mock(Path(tmp) / "mock.sqlite3")
        try:
            print(f"      mock listening on {url}")
            step(2, f"Dubbing {SOURCE.rsplit('/', 1)[-1]} into French with the CLI, waiting for it")
            command = [
                sys.executable, "-m", "a2e_dubbing", "--base-url", url, "start", SOURCE,
                "--to", "fr", "--name", "demo", "--wait", "--download", str(args.out), "--poll", "0.5",
            ]  # fmt: skip
            print("      $ a2e-dubbing " + " ".join(command[3:]))
            started = time.monotonic()
            result = subprocess.run(command, env={**os.environ, "A2E_API_KEY": TOKEN}, check=False)
            if result.returncode != 0:
                print(f"demo: the CLI failed with exit code {result.returncode}", file=sys.stderr)
                return 1
            print(f"      finished in {time.monotonic() - started:.1f}s")
            step(3, "Checking the downloaded result")
            files = sorted(args.out.glob("*.wav"), key=lambda p: p.stat().st_mtime)
            if not files:
                print(f"demo: no .wav file in {args.out}", file=sys.stderr)
                return 1
            with wave.open(str(files[-1])) as sound:
                seconds = sound.getnframes() / sound.getframerate()
            print(f"      {files[-1].resolve()}: a valid WAV, {seconds:.1f}s of audio")
        finally:
            step(4, "Stopping the mock")
            mock.terminate()
            mock.wait(timeout=15)
            if mock.stdout is not None:
                mock.stdout.close()
    print(f"\nDone. The dubbed file is in {args.out.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
