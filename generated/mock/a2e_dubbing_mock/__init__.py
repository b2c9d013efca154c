"""A stateful mock of the A2E AI Dubbing API (2025.02.25), for tests.

    from a2e_dubbing_mock import ManualClock, create_app

    app = create_app(clock=ManualClock())  # an ASGI app; in memory unless db= a file
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://mock") as http:
        ...
    app.close()

Or as a server: `a2e-dubbing-mock serve --port 0 --db mock.sqlite3`.
"""

from ._app import MockApp, create_app
from ._clock import Clock, ManualClock, SystemClock
from ._errors import ConnectionDropped
from ._languages import LANGUAGES
from ._meta import VERSION as __version__

FAULT_HEADER = "X-Mock-Fault"

__all__ = [
    "FAULT_HEADER",
    "LANGUAGES",
    "Clock",
    "ConnectionDropped",
    "ManualClock",
    "MockApp",
    "SystemClock",
    "__version__",
    "create_app",
]
