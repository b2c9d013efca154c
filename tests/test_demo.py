"""The main job (`nox -s demo` runs this same script) works end to end."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

from generator._build import REPO_ROOT


def test_the_demo_dubs_a_sample_and_downloads_a_valid_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "demo.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for number in range(1, 5):
        assert f"[{number}/4]" in result.stdout
    files = list(tmp_path.glob("*.wav"))
    assert len(files) == 1
    assert f"{files[0].resolve()}: a valid WAV" in result.stdout
    with wave.open(str(files[0])) as sound:
        assert sound.getnframes() > 0
    assert "completed" in result.stderr
