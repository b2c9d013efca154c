"""The mock's access log: one `METHOD label outcome X.Xms` line per request.

The outcome starts with the HTTP status (`200`, `404`, `200 code=1001`) or names what
happened instead (`reset`, `dropped after commit`, `client gone`); a fault the mock injected
on purpose carries the word `injected` (`503 injected`, `429 injected`, `reset injected`).
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass

LOGGER = "a2e_dubbing_mock"
_LINE = re.compile(
    rf"{LOGGER}: (?P<method>[A-Z]+) (?P<label>.+?) "
    r"(?P<outcome>(?:\d{3}|reset|dropped|client gone|-)(?: .*?)?) (?P<ms>\d+(?:\.\d+)?)ms$"
)
_STATUS = re.compile(r"\d{3}")
_CODE = re.compile(r"\bcode=(-?\d+)\b")


@dataclass(frozen=True)
class Answer:
    """One request as the server logged it."""

    method: str
    label: str
    outcome: str

    @property
    def injected(self) -> bool:
        """The fault injection caused this answer."""
        return "injected" in self.outcome.split()

    @property
    def server_error(self) -> bool:
        """A 5xx HTTP status, or an A2E error envelope with a 5xx `code`."""
        first = self.outcome.split(" ", 1)[0]
        if _STATUS.fullmatch(first) and first.startswith("5"):
            return True
        code = _CODE.search(self.outcome)
        return code is not None and 500 <= int(code.group(1)) <= 599


def answers(log: str) -> list[Answer]:
    """Every access-log line of `log` (other lines are skipped)."""
    found = (_LINE.search(line) for line in log.splitlines())
    return [Answer(m["method"], m["label"], m["outcome"]) for m in found if m is not None]


def unexpected_server_errors(log: str) -> list[Answer]:
    """The 5xx answers that the fault injection did not cause."""
    return [answer for answer in answers(log) if answer.server_error and not answer.injected]


def outcomes(log: str) -> str:
    """How the server answered, most frequent first: `200 x1234, 503 injected x56, ...`."""
    counted = collections.Counter(answer.outcome for answer in answers(log))
    return ", ".join(f"{outcome} x{n}" for outcome, n in counted.most_common())
