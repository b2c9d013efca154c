"""`pip install ./generated/client` into a fresh venv gives a client that imports and works."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from generator._build import OUTPUT_DIR

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import httpx
    from a2e_dubbing import A2E, NotFoundError

    seed = json.loads(sys.argv[1])

    def answer(request):
        if request.url.path.endswith("/startDubbing"):
            return httpx.Response(200, json=seed)
        return httpx.Response(404, json={"code": 404, "msg": "no such task"})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with A2E(api_key="sk_fresh", http_client=http) as client:
        task = client.dubbing.start(source_url="https://example.com/a.mp3", target_lang="en")
        try:
            client.dubbing.get(task.id)
        except NotFoundError as error:
            print(task.id, task.current_status, error.status_code)
    """
)


def test_the_client_installs_into_a_fresh_venv_and_works(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(OUTPUT_DIR / "client"),
        ],
        check=True,
        capture_output=True,
    )
    seed = (
        Path(__file__).parent.parent / "contract_tests" / "recordings" / "start_dubbing.seed.json"
    )
    import json

    body = json.dumps(json.loads(seed.read_text())["response"]["body"])
    result = subprocess.run(
        [str(python), "-c", SCRIPT, body], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.split() == ["66ea4dd87db10c73fa29b570", "sent", "404"]
