"""The simulator measured against the real ACD: the events the adapter reads have the same
fields in both, and the same kinds of call give the same domain events with the same fields.

Differences found and fixed: AgentComplete arrives without the caller's snapshot from a real
Asterisk when the caller's channel is gone first (the adapter lost those calls' ends; the
simulator now sends that form too), and, depending on which leg's channel is destroyed before
app_queue handles the hang-up, without the member leg's snapshot or without both (a CI run
met one the simulator lacked; it now sends every form).

Differences that remain, on purpose: the simulator always sends ``Timestamp``
(``timestampevents = yes``; a manager.conf option, default off), models PJSIP trunk callers
rather than Local channel pairs (no ``SoftHangupRequest`` for the far half), serves one
all-powerful user (it does not filter by ``read`` class), and its Originate (callback) flow
leaves out the DialBegin/DialEnd with only the ``Dest`` snapshot that a real Originate sends
first (the adapter ignores them: no queue call).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from telephony.acd_events import CallEnded, DomainEvent, as_dict
from telephony.ami.client import AmiClient, AmiConfig
from telephony.ami.session import Item
from telephony.ami.state import StateMachine
from telephony.ami.wire_events import AmiEvent
from telephony.simulator.acd import AcdModel
from telephony.simulator.clock import SimClock
from telephony.simulator.server import AcdServer, running_in_thread
from tests.asterisk.conftest import ADAPTER
from tests.support.asterisk import Asterisk
from tests.support.waiting import HANG_GUARD_S, wait_until

pytestmark = pytest.mark.asterisk

# What the adapter's state machine reads.
ADAPTER_EVENTS = {
    "QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon", "AgentCalled",
    "AgentRingNoAnswer", "AgentConnect", "AgentComplete", "QueueMemberStatus",
    "QueueMemberPause", "Hangup", "HangupRequest", "DialEnd", "UserEvent",
}  # fmt: skip
# The citizen's number and name: some simulated callers withhold their name.
CALLER_FIELDS = {"caller_number", "caller_name"}
MORNING = datetime(2025, 11, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")).timestamp()


class Tap:
    """An AMI session that keeps the adapter-relevant events and feeds a state machine."""

    def __init__(self, config: AmiConfig) -> None:
        self.shapes: dict[str, set[frozenset[str]]] = defaultdict(set)
        self.machine = StateMachine("fidelity")
        self.domain: list[DomainEvent] = []
        self._lock = threading.Lock()
        self.client = AmiClient(config, self._keep)

    def _keep(self, item: Item) -> None:
        with self._lock:
            if isinstance(item, AmiEvent) and item.header.name in ADAPTER_EVENTS:
                keys = {k for k, _ in item.header.message.headers} - {"Timestamp"}
                if item.header.name != "DialEnd" or "Channel" in keys:
                    # A DialEnd without a caller is an Originate's (here: the test starting
                    # a citizen's call), not a queue call's.
                    self.shapes[item.header.name].add(frozenset(keys))
            self.domain += self.machine.handle(item)

    def run(self, until: Callable[[Tap], bool]) -> None:
        self.client.start()
        try:
            assert self.client.logged_in.wait(HANG_GUARD_S)
            assert wait_until(lambda: until(self))
        finally:
            self.client.stop(2)

    def ended(self) -> list[CallEnded]:
        with self._lock:
            return [e for e in self.domain if isinstance(e, CallEnded)]

    def per_kind(self) -> dict[tuple[str, str | None], dict[str, set[str]]]:
        """Per kind of call (outcome, ender): the domain event types its calls produced and,
        per type, the fields that carried a value (values differ; which are known must not)."""
        with self._lock:
            by_call: dict[str, list[DomainEvent]] = defaultdict(list)
            for event in self.domain:
                uniqueid = getattr(event, "uniqueid", None)
                if uniqueid:
                    by_call[uniqueid].append(event)
        kinds: dict[tuple[str, str | None], dict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        for events in by_call.values():
            end = next((e for e in events if isinstance(e, CallEnded)), None)
            if end is None or end.inferred:
                continue
            fields = kinds[(end.outcome, end.ended_by)]
            for event in events:
                data: dict[str, Any] = as_dict(event)
                fields[event.type] |= {
                    k for k, v in data.items() if v not in (None, "") and k not in CALLER_FIELDS
                }
        return kinds


def test_the_simulator_sends_what_the_real_acd_sends(
    asterisk: Asterisk, sim_kinds: tuple[set[tuple[str, str | None]], Tap]
) -> None:
    wanted, simulated = sim_kinds
    real = Tap(asterisk.config(*ADAPTER))

    def drive() -> None:
        with asterisk.driver() as driver:
            driver.call(number="+4930100", name="Agent", hold=20, talk=1, ring=0.5)
            driver.call(number="+4930101", name="Anrufer", hold=4, talk=20, ring=0.5)
            driver.call(number="+4930102", name="Auflegen", hold=1.5, ring=5)
            driver.call(number="+4930103", name="Zeit", hold=20, qmax=3, queue="115-nacht")
            driver.client.send_action(
                "QueuePause", {"Interface": "Local/2104@agents/n", "Paused": "true", "Reason": "x"}
            )

    threading.Timer(0.5, drive).start()
    real.run(lambda tap: len(tap.ended()) >= 4)

    # The wire: every event shape the real ACD sent is one the simulator sends.
    for name, shapes in real.shapes.items():
        missing = [
            (sorted(shape - other), sorted(other - shape))
            for shape in shapes - simulated.shapes[name]
            for other in simulated.shapes[name]
        ]
        assert not missing, (name, missing)
    assert set(real.shapes) <= set(simulated.shapes)

    # The calls: the same domain events with the same fields for each kind of call.
    real_kinds, sim_kinds_seen = real.per_kind(), simulated.per_kind()
    assert set(real_kinds) >= wanted
    for kind in wanted:
        real_events, sim_events = real_kinds[kind], sim_kinds_seen[kind]
        assert set(real_events) <= set(sim_events), (kind, set(real_events) - set(sim_events))
        for event_type, fields in real_events.items():
            assert fields <= sim_events[event_type], (
                kind,
                event_type,
                fields - sim_events[event_type],
            )


@pytest.fixture
def sim_kinds() -> tuple[set[tuple[str, str | None]], Tap]:
    """The simulator with the same FreePBX-style members, until every kind of call ran."""
    wanted = {
        ("answered", "agent"),
        ("answered", "caller"),
        ("abandoned", "caller"),
        ("timeout", None),
    }
    model = AcdModel(
        seed=4,
        start=MORNING,
        calls_per_minute=8.0,
        agents=4,
        breaks=True,
        member_interface="Local/{ext}@agents/n",
    )
    server = AcdServer(model, SimClock(speed=240.0, origin=MORNING), username="u", secret="s")
    with running_in_thread(server):
        tap = Tap(AmiConfig(host="127.0.0.1", port=server.port, username="u", secret="s"))

        def complete(t: Tap) -> bool:
            kinds = t.per_kind()
            # Each form app_queue sends when a leg's channel is gone: without the caller's
            # snapshot, without the member leg's, without either.
            forms = {
                ("Uniqueid" in shape, "DestUniqueid" in shape)
                for shape in t.shapes.get("AgentComplete", ())
            }
            incomplete = {(False, True), (True, False), (False, False)} <= forms
            rung_then_abandoned = "offer.ended" in kinds.get(("abandoned", "caller"), {})
            return (
                wanted <= set(kinds)
                and rung_then_abandoned
                and incomplete
                and "QueueMemberPause" in t.shapes
            )

        tap.run(complete)
    return wanted, tap
