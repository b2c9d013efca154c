"""Without the `pytest` extra the plugin still loads; what needs the extra says how to get it."""

from __future__ import annotations

import pytest

# A downstream project's conftest that makes the extra's packages unimportable.
WITHOUT_THE_EXTRA = """
import sys

for name in ("a2e_dubbing", "httpx", "respx"):
    sys.modules[name] = None  # `import name` now raises ImportError
"""

USER_TESTS = """
import pytest


def test_the_in_process_app(a2e_mock_app, a2e_mock_clock):
    a2e_mock_clock.advance(1)
    assert callable(a2e_mock_app)


def test_a_live_server(a2e_mock_server):
    assert a2e_mock_server.url.startswith("http://127.0.0.1:")
    with pytest.raises(ImportError, match="MockServer.client.. needs httpx"):
        a2e_mock_server.client()


def test_the_client(a2e_client):
    pass


def test_the_recordings(a2e_recordings_router):
    pass
"""


def test_fixtures_that_need_the_extra_say_how_to_install_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(WITHOUT_THE_EXTRA)
    pytester.makepyfile(USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=2)
    advice = "pip install './generated/mock[pytest]' in a checkout of a2e-dubbing"
    output = result.stdout.str()
    assert "the a2e_client fixture needs the a2e-dubbing client, which is not installed" in output
    assert "the a2e_recordings_router fixture needs respx, which is not installed" in output
    # One advice per failing fixture, in its error; the short summary may repeat it (how wide it
    # prints depends on the terminal), so count the errors' own lines.
    errors = [
        line for line in result.stdout.lines if line.startswith("E ") and "MissingExtra:" in line
    ]
    assert len(errors) == 2
    assert all(advice in line for line in errors)
