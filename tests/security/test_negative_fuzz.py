"""Schemathesis's negative generation against the mock: no input gets a server error.

Only invalid requests (negative mode), with every check on. In the normal suite a short run;
`nox -s soak` sets A2E_SOAK_FULL=1 for at least 1,000 cases (150 per operation).
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from a2e_dubbing_mock import ManualClock, MockApp, create_app
from schemathesis.generation.case import Case

from contract_tests import _api as api
from contract_tests._checks import AppSlot, Budget, schemathesis_config
from contract_tests._spec import SPEC_PATH

pytestmark = pytest.mark.one_process  # see pyproject.toml

FULL = os.environ.get("A2E_SOAK_FULL", "") not in ("", "0")
PER_OPERATION = 150 if FULL else 25
AT_LEAST = 1000 if FULL else 100
TOKEN = "sk_test_negative_fuzz"

SLOT = AppSlot()
NEGATIVE = schemathesis.openapi.from_path(
    SPEC_PATH,
    config=schemathesis_config(
        TOKEN, budget=Budget(examples=PER_OPERATION, scenarios=2, steps=2), mode="negative"
    ),
)
NEGATIVE.app = SLOT
SENT: collections.Counter[str] = collections.Counter()
STATUSES: collections.Counter[int] = collections.Counter()


@pytest.fixture(scope="module")
def mock() -> Iterator[MockApp]:
    app = create_app(clock=ManualClock())
    SLOT.app = app
    yield app
    SLOT.app = None
    app.close()


@NEGATIVE.parametrize()
def test_invalid_requests_never_get_a_server_error(case: Case[Any], mock: MockApp) -> None:
    response = case.call_and_validate()
    SENT[case.operation.label] += 1
    STATUSES[response.status_code] += 1
    assert response.status_code < 500


def test_enough_negative_cases_were_sent() -> None:
    total = sum(SENT.values())
    print(f"negative cases: {total} over {len(SENT)} operations, statuses {dict(STATUSES)}")
    assert len(SENT) == len(api.operations())  # every operation of the spec
    assert total >= AT_LEAST
