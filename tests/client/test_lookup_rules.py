"""The decisions of a lost start's look-up, without I/O: A2E's clock from `Date` headers,
the bound of the window, what matches and when a walk back through the pages may stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import formatdate
from types import SimpleNamespace
from typing import Any

import pytest
from a2e_dubbing._clock import ServerClock, epoch_seconds, parse_http_date
from a2e_dubbing._lookup import CLOCK_SLACK, LOCAL_SLACK, Lookup

NOW = 1_800_000_000.0  # A2E's time when the call begins (epoch seconds)


class Ticks:
    """A local monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _record(created: datetime | Any, task_id: str = "t1", **fields: Any) -> Any:
    values = {"id": task_id, "name": "ep1", "source_url": "https://e/a", "target_lang": "en"}
    return SimpleNamespace(**{**values, **fields, "created_at": created})


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _lookup(clock: ServerClock, ticks: Ticks) -> Lookup:
    return Lookup(
        {"name": "ep1", "source_url": "https://e/a", "target_lang": "en"},
        id_field="id",
        created_field="created_at",
        clock=clock,
        monotonic=ticks(),
        wall=NOW + 1000.0,  # our own clock, far off A2E's
    )


def test_a_date_header_is_a_lower_bound_of_a2es_time_before_and_after_it_came() -> None:
    ticks = Ticks()
    clock = ServerClock(monotonic=ticks)
    assert clock.lower_bound() is None
    clock.saw({"date": formatdate(NOW + 0.9, usegmt=True)})  # rounded down to NOW
    ticks.now += 5.0
    assert clock.lower_bound() == NOW + 5.0
    assert clock.lower_bound(at=ticks.now - 7.0) == NOW - 2.0
    clock.saw({})  # an answer without a Date: no bound from it
    assert clock.lower_bound() is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0),
        ("Wed, 21 Oct 2015 09:28:00 +0200", 1445412480.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 1445412480.0),
        ("yesterday", None),
        ("", None),
        (None, None),
        ("Wed, 21 Oct 99999 07:28:00 GMT", None),
    ],
)
def test_http_dates(value: str | None, seconds: float | None) -> None:
    assert parse_http_date(value) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (datetime(2024, 9, 18, 3, 49, 44, 704000, tzinfo=UTC), 1726631384.704),
        (datetime(2024, 9, 18, 3, 49, 44), 1726631384.0),  # naive: UTC
        (datetime(1, 1, 1), -62135596800.0),  # `timestamp()` raised ValueError for this one
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))), 253402351199.0),
        ("2024-09-18T03:49:44Z", None),
        (None, None),
    ],
)
def test_creation_times_are_read_without_raising(value: Any, seconds: float | None) -> None:
    assert epoch_seconds(value) == seconds


def test_the_bound_is_a2es_time_when_the_call_began_less_the_slack() -> None:
    ticks = Ticks()
    clock = ServerClock(monotonic=ticks)
    lookup = _lookup(clock, ticks)  # the call begins
    ticks.now += 3.0
    clock.saw({"date": formatdate(NOW + 3.0, usegmt=True)})  # an answer after it began
    assert lookup.bound == NOW - CLOCK_SLACK
    clock.saw({"date": formatdate(NOW + 500.0, usegmt=True)})
    assert lookup.bound == NOW - CLOCK_SLACK  # fixed once known


def test_without_any_date_the_local_clock_stands_in_with_its_allowance() -> None:
    ticks = Ticks()
    lookup = _lookup(ServerClock(monotonic=ticks), ticks)
    assert lookup.bound == NOW + 1000.0 - LOCAL_SLACK


def test_what_matches() -> None:
    ticks = Ticks()
    clock = ServerClock(monotonic=ticks)
    clock.saw({"date": formatdate(NOW, usegmt=True)})
    lookup = _lookup(clock, ticks)
    new = _at(NOW + 1.0)
    assert lookup.matches(_record(new))
    assert not lookup.matches(_record(new, target_lang="fr"))  # another field
    assert not lookup.matches(_record(_at(lookup.bound - 0.001)))  # before the call began
    assert lookup.matches(_record(_at(lookup.bound)))
    assert not lookup.matches(_record("not a time"))  # unreadable: never
    assert not lookup.matches(SimpleNamespace(id="x"))  # fields missing: never
    lookup.note_existing([_record(new, task_id="old")])
    assert not lookup.matches(_record(new, task_id="old"))  # it existed before the call
    assert lookup.first_match([_record(new, task_id="old"), _record(new, task_id="t9")]).id == "t9"


def test_a_walk_stops_after_the_page_that_reaches_back_before_the_bound() -> None:
    ticks = Ticks()
    clock = ServerClock(monotonic=ticks)
    clock.saw({"date": formatdate(NOW, usegmt=True)})
    lookup = _lookup(clock, ticks)
    newer = [_record(_at(NOW + 5.0)), _record(_at(lookup.bound))]
    assert not lookup.passed(newer)
    assert lookup.passed([*newer, _record(_at(lookup.bound - 1.0))])
    assert not lookup.passed([_record("?"), _record(None)])  # unreadable times: go on
    assert not lookup.passed([])
