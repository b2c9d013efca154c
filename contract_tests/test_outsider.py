"""The mock as an outsider checks it: schemathesis's CLI with defaults, and Prism's proxy.

A default run draws new cases each time; the conformance session (A2E_CONFORMANCE_DEEP=1)
does that, the normal suite pins the seed so that it repeats.
"""

from __future__ import annotations

import os
from pathlib import Path

from a2e_dubbing_mock.pytest_plugin import MockServer

from contract_tests._outsider import answer_violations, prism_proxy, schemathesis_run

SEED = None if os.environ.get("A2E_CONFORMANCE_DEEP") == "1" else 20261204
TOKEN = "sk_outsider"


def test_an_outsiders_default_schemathesis_run_finds_nothing(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    report = tmp_path / "schemathesis.txt"
    code = schemathesis_run(a2e_mock_server.url, TOKEN, report, seed=SEED)
    text = report.read_text(errors="replace")
    assert code == 0, text[-6000:]
    assert "No issues found" in text, text[-3000:]


def test_prism_validating_proxy_finds_no_violation_in_the_mocks_answers(
    a2e_mock_server: MockServer, tmp_path: Path
) -> None:
    log = tmp_path / "prism.log"
    with prism_proxy(a2e_mock_server.url, log) as url:
        code = schemathesis_run(
            url, TOKEN, tmp_path / "schemathesis.txt", seed=SEED, mode="positive"
        )
    text = (tmp_path / "schemathesis.txt").read_text(errors="replace")
    prism = log.read_text(errors="replace")
    assert prism.count("Received forward response") > 100  # the run went through Prism
    assert answer_violations(prism) == [], prism[-4000:]
    assert code == 0, text[-6000:]


def test_the_violation_reader_finds_answer_violations_only() -> None:
    log = (
        "[VALIDATOR] ✖  error     Violation: request Invalid security scheme used\n"
        "[VALIDATOR] ✖  error     Violation: response.body Response body must have "
        "required property 'code'\n"
    )
    assert answer_violations(log) == [
        "Violation: response.body Response body must have required property 'code'"
    ]
