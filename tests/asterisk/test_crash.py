"""Asterisk killed with calls up (``kill -9``: no Shutdown, no queue_log end) and restarted:
the adapter reconnects with backoff, resyncs, closes the lost calls as inferred ends and
records the new ones; nothing is duplicated."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from callcenter.accounts.models import User
from telephony.models import Call
from telephony.queue_log import parse_queue_log, reconcile
from tests.asterisk.conftest import RunningAdapter
from tests.support.asterisk import Asterisk
from tests.support.waiting import wait_until

pytestmark = pytest.mark.asterisk

SYSTEM_ID = "asterisk-crash"


def _calls() -> list[Call]:
    return list(Call.objects.filter(system_id=SYSTEM_ID).order_by("joined_at"))


def test_a_crash_with_calls_up_is_survived_without_duplicates(
    asterisk: Asterisk,
    adapter_factory: Callable[..., RunningAdapter],
    agents: dict[str, User],
) -> None:
    adapter = adapter_factory(asterisk, system_id=SYSTEM_ID)
    assert wait_until(lambda: adapter.client is not None and adapter.client.logged_in.is_set())
    client = adapter.client
    with asterisk.driver() as driver:
        for index in range(3):  # answered, still talking when Asterisk dies
            driver.call(number=f"+4930888{index}", name="Vorher", hold=90, talk=90, ring=0.5)
        for index in range(2):  # waiting in a queue nobody answers
            driver.call(
                number=f"+4930889{index}", name="Wartend", hold=90, qmax=90, queue="115-nacht"
            )
    assert wait_until(
        lambda: sum(c.answered_at is not None for c in _calls()) == 3 and len(_calls()) == 5
    )
    before = {c.uniqueid for c in _calls()}

    asterisk.kill9()
    assert wait_until(lambda: not client.logged_in.is_set())
    time.sleep(1.0)  # the adapter backs off against a closed port meanwhile
    asterisk.start()
    # Reconnected once, with the resync closing what Asterisk lost.
    assert wait_until(lambda: client.sessions == 2)
    assert wait_until(lambda: all(c.ended_at is not None for c in _calls() if c.uniqueid in before))
    lost = [c for c in _calls() if c.uniqueid in before]
    assert all(c.end_inferred for c in lost)
    assert sorted(c.outcome for c in lost) == ["answered"] * 3 + ["unknown"] * 2

    with asterisk.driver() as driver:
        for index in range(2):
            driver.call(number=f"+4930890{index}", name="Danach", hold=30, talk=1, ring=0.5)
        driver.call(number="+49308910", name="Danach", hold=1, queue="115-nacht")
        driver.call(number="+49308911", name="Danach", hold=30, qmax=3, queue="115-nacht")
    assert wait_until(lambda: len(_calls()) == 9 and all(c.ended_at is not None for c in _calls()))
    after = [c for c in _calls() if c.uniqueid not in before]
    assert sorted(c.outcome for c in after) == ["abandoned", "answered", "answered", "timeout"]
    assert not any(c.end_inferred for c in after)
    assert client.sessions == 2

    # Nothing duplicated, nothing missing: one record per caller Asterisk logged, across both
    # boots, and each agrees with the queue_log as far as the log goes.
    logged = parse_queue_log(asterisk.queue_log.read_text().splitlines())
    assert set(logged) == {c.uniqueid for c in _calls()}
    calls = Call.objects.filter(system_id=SYSTEM_ID).prefetch_related("offers")
    result = reconcile(logged.values(), calls, tolerance=1)
    assert result.ok, [d.describe() for d in result.differences]
