"""Task ids and trace ids: unique, cheap, and not secret.

One `random.Random`, seeded once from `os.urandom`, instead of the OS for every request
(each os.urandom or uuid4 call is a system call, and gives the GIL away under load).
"""

from __future__ import annotations

import itertools
import os
import random

_RANDOM = random.Random(os.urandom(32))  # noqa: S311 - unique ids, not secrets
# A2E's ids are MongoDB ObjectIds: 4 bytes of time, 5 random bytes chosen once per
# process, a 3-byte counter that starts anywhere. Unique within a process (up to 16M ids
# per second), and across restarts on one database unless two processes draw the same 40
# bits in the same second (the store retries a start whose id is taken anyway).
_PROCESS = f"{_RANDOM.getrandbits(40):010x}"
_COUNTER = itertools.count(_RANDOM.getrandbits(24))  # next() is atomic under the GIL
_VERSION_4 = (0xF000 << 64, 0x4000 << 64)
_VARIANT_RFC_4122 = (0xC000 << 48, 0x8000 << 48)


def new_id(now: float) -> str:
    """24 lowercase hex digits, time first, like A2E's (MongoDB) ids."""
    return f"{int(now) & 0xFFFFFFFF:08x}{_PROCESS}{next(_COUNTER) & 0xFFFFFF:06x}"


def trace_id() -> str:
    """A random (version 4) UUID, as text."""
    value = _RANDOM.getrandbits(128)
    value = (value & ~_VERSION_4[0]) | _VERSION_4[1]
    value = (value & ~_VARIANT_RFC_4122[0]) | _VARIANT_RFC_4122[1]
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def reseed() -> None:
    """Draw the per-process part again, as a new process would (tests; after fork)."""
    global _PROCESS, _COUNTER
    _RANDOM.seed(os.urandom(32))
    _PROCESS = f"{_RANDOM.getrandbits(40):010x}"
    _COUNTER = itertools.count(_RANDOM.getrandbits(24))


if hasattr(os, "register_at_fork"):  # a forked worker is a new process: new ids
    os.register_at_fork(after_in_child=reseed)
