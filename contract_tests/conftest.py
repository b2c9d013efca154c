from __future__ import annotations

import pytest

from contract_tests._spec import Spec, load_spec
from contract_tests._strict import StrictValidator


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def validator(spec: Spec) -> StrictValidator:
    return StrictValidator(spec)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
