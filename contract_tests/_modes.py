"""The generation modes (positive, negative) of the cases that schemathesis's generated tests got.

Only generated cases count (the coverage and fuzzing phases): the spec's own examples are
sent whatever the mode, so they would hide positive generation being turned off.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest
from schemathesis import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.generation.meta import TestPhase

MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


class ModeCount:
    """How many cases of each mode every generated test (one pytest item per operation) got."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, GenerationMode]] = Counter()

    def add(self, item: str, case: Case[Any]) -> None:
        """Count `case`, received by the pytest item named `item`, if it was generated."""
        if case.meta is not None and case.meta.phase.name != TestPhase.EXAMPLES:
            self.counts[(item, case.meta.generation.mode)] += 1

    def lacking(self, items: Iterable[str]) -> list[str]:
        """What each of `items` got no generated case of, e.g. `test_x[GET /a]: no negative cases`."""
        return [
            f"{item}: no {mode.value} cases"
            for item in items
            for mode in MODES
            if self.counts[(item, mode)] == 0
        ]

    def check(self, request: pytest.FixtureRequest, *tests: str) -> None:
        """Fail unless every selected item of the generated `tests` got both modes.

        Call it from a test placed after `tests` in their module (pytest keeps file order).
        """
        session = request.session
        items = [item.name for item in session.items if getattr(item, "originalname", "") in tests]
        if not items:
            pytest.skip(f"none of {', '.join(tests)} is selected: no cases to count")
        if session.testsfailed:
            pytest.skip("a test failed before this one: the counts are partial")
        lacking = self.lacking(items)
        assert not lacking, "generated tests without both modes:\n" + "\n".join(lacking)
