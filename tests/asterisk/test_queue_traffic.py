"""Queue traffic of every outcome through the real app_queue, call by call against Asterisk's
own queue_log and the screen pops the agents' websockets receive."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from telephony.models import Call
from telephony.queue_log import Difference, LoggedCall, parse_queue_log, reconcile
from tests.asterisk.conftest import AGENTS, Desks, RunningAdapter
from tests.support.asterisk import Asterisk
from tests.support.waiting import wait_until

pytestmark = pytest.mark.asterisk

SYSTEM_ID = "asterisk-traffic"
MEMBER_USERS = {name: username for username, (_interface, name) in AGENTS.items()}


@dataclass(frozen=True)
class Planned:
    kind: str
    queue: str = "115"
    hold: float = 40
    qmax: int = 40
    ring: float = 1
    talk: float = 2


def scenario() -> list[Planned]:
    """54 callers. Members ring ``ring`` s (over the 2-s member timeout: ring-no-answer and
    the next member) and talk ``talk`` s; the citizen stays ``hold`` s; 115-nacht has only a
    member who never answers."""
    plan = [Planned("agent ends", talk=2) for _ in range(16)]
    plan += [Planned("caller ends", hold=7, talk=30) for _ in range(12)]
    plan += [Planned("abandon", hold=h, ring=5) for h in (1, 1, 1.5, 2, 2, 3, 3, 4, 4, 5)]
    plan += [Planned("timeout", queue="115-nacht", hold=12, qmax=3) for _ in range(8)]
    plan += [Planned("abandon ringing", queue="115-nacht", hold=h) for h in (1, 1.5, 2.5) * 2]
    plan += [Planned("short abandon", queue="115-nacht", hold=1) for _ in range(2)]
    # Interleave the kinds, so every moment has a mix of them.
    return [plan[(i * 19) % len(plan)] for i in range(len(plan))]


def _finished(asterisk: Asterisk, expected: int) -> dict[str, LoggedCall]:
    logged = parse_queue_log(asterisk.queue_log.read_text().splitlines())
    return logged if len(logged) >= expected and all(c.finished for c in logged.values()) else {}


def test_fifty_four_calls_match_the_queue_log_and_pop_once_at_the_right_desk(
    asterisk: Asterisk, adapter_factory: Callable[..., RunningAdapter], desks: Desks
) -> None:
    plan = scenario()
    assert len(set(plan)) >= 6 and len(plan) >= 50
    adapter = adapter_factory(asterisk, system_id=SYSTEM_ID)
    assert wait_until(lambda: adapter.client is not None and adapter.client.logged_in.is_set())
    started = time.monotonic()
    with asterisk.driver() as driver:
        for index, call in enumerate(plan):
            driver.call(
                number=f"+4930555{index:04d}",
                name=f"Bürger {index}",
                hold=call.hold,
                qmax=call.qmax,
                queue=call.queue,
                ring=call.ring,
                talk=call.talk,
            )
            time.sleep(0.6)  # arrivals spread over half a minute
    assert wait_until(lambda: _finished(asterisk, len(plan)))
    logged = _finished(asterisk, len(plan))
    assert wait_until(
        lambda: (
            Call.objects.filter(system_id=SYSTEM_ID, ended_at__isnull=False).count() >= len(logged)
        )
    )
    elapsed = time.monotonic() - started

    # Every outcome occurred, as Asterisk itself logged it.
    kinds = Counter((c.outcome, c.ended_by) for c in logged.values())
    assert kinds[("answered", "agent")] >= 5, kinds
    assert kinds[("answered", "caller")] >= 5, kinds
    assert kinds[("abandoned", "caller")] >= 8, kinds
    assert kinds[("timeout", None)] >= 5, kinds
    assert sum(c.ring_no_answers for c in logged.values()) >= 10
    assert any(c.outcome == "abandoned" and (c.wait_seconds or 0) <= 1 for c in logged.values())
    assert any(c.outcome == "answered" and c.ring_no_answers for c in logged.values())

    # Call by call: the same calls, outcome, who ended it and agent exactly as in the
    # queue_log; wait and talk to the second. Asterisk reads its clock twice for the two
    # records (time(NULL) for the queue_log line, again for the AMI event a moment later), so
    # the rare call straddling a second boundary differs by 1 s in Asterisk's own figures.
    calls = Call.objects.filter(system_id=SYSTEM_ID).prefetch_related("offers")
    result = reconcile(logged.values(), calls, tolerance=0)
    skew = [d for d in result.differences if d.what in {"wait", "talk"} and _one_second(d)]
    hard = [d for d in result.differences if d not in skew]
    assert hard == [], "\n".join(d.describe() for d in hard)
    assert len(skew) <= len(logged) // 10, "\n".join(d.describe() for d in skew)
    assert result.compared == len(logged) == calls.count() >= 50
    inferred = [
        (c.uniqueid, c.outcome, c.ended_by, c.talk_seconds, c.ended_at, logged[c.uniqueid])
        for c in calls.filter(end_inferred=True)
    ]
    assert not inferred, inferred

    # The screen pop: once per answered call, on the answering agent's websocket only.
    answered = {c.callid: c for c in logged.values() if c.outcome == "answered"}

    def all_popped() -> bool:
        pops = [e for name in desks.received for e in desks.events(name, "call.answered")]
        return len(pops) >= len(answered)

    assert wait_until(all_popped)
    for username in AGENTS:
        pops = Counter(e["data"]["uniqueid"] for e in desks.events(username, "call.answered"))
        mine = {callid for callid, c in answered.items() if MEMBER_USERS[c.agent or ""] == username}
        assert set(pops) == mine, username
        assert all(count == 1 for count in pops.values()), (username, pops)
    assert not desks.events("nie", "call.answered")
    print(
        f"\n{len(plan)} calls, {len(answered)} answered, {dict(kinds)}; {elapsed:.1f} s; "
        f"1-s clock skew in Asterisk's own figures: {[d.describe() for d in skew]}"
    )


def _one_second(difference: Difference) -> bool:
    logged, recorded = difference.logged, difference.recorded
    return isinstance(logged, int) and isinstance(recorded, int) and abs(logged - recorded) == 1
