"""The package's logger, `a2e_dubbing`, and `A2E_LOG=info|debug` to turn it on.

`info` shows retries (reason and delay) and the look-ups after a lost start; `debug` adds
one line per request. Everything logged is redacted (`_redact`); a filter on the logger
redacts bearer credentials and A2E keys once more, whatever the message.
"""

from __future__ import annotations

import logging
import os

from ._redact import RedactingFilter

LOG_ENV = "A2E_LOG"
logger = logging.getLogger("a2e_dubbing")
logger.addFilter(RedactingFilter())
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def setup_from_env() -> None:
    """With `A2E_LOG=info` or `debug`: log the package at that level to stderr (once)."""
    level = _LEVELS.get(os.environ.get(LOG_ENV, "").strip().lower())
    if level is None or getattr(logger, "_a2e_handler", None) is not None:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger._a2e_handler = handler  # type: ignore[attr-defined]
