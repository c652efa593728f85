"""The pure, I/O-free state machine: AMI items in, domain events out.

Feed it everything the client delivers (typed events, session markers, resync
snapshots) with :meth:`StateMachine.handle`, and call :meth:`StateMachine.tick` now and
then (the client's consumer does, about once a second) so calls whose ``AgentComplete``
never arrived are closed. Time comes from the AMI ``Timestamp`` header when present,
otherwise from the injected ``clock``; nothing here sleeps, reads or writes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telephony.acd_events import DomainEvent
from telephony.ami import wire_events as ami
from telephony.ami.agents import AgentTracker
from telephony.ami.calls import CallTracker
from telephony.ami.session import (
    ChannelsSnapshot,
    Item,
    QueueStatusSnapshot,
    SessionLost,
    SessionStarted,
)

logger = logging.getLogger(__name__)


class StateMachine:
    def __init__(
        self,
        system_id: str = "asterisk",
        *,
        clock: Callable[[], float] = time.time,
        complete_grace: float = 5.0,
        remember_ended: int = 100_000,
    ) -> None:
        self.system_id = system_id
        self.clock = clock
        self.calls = CallTracker(
            system_id, complete_grace=complete_grace, remember_ended=remember_ended
        )
        self.agents = AgentTracker(system_id)

    def tick(self, now: float | None = None) -> list[DomainEvent]:
        return self.calls.tick(self.clock() if now is None else now)

    def handle(self, item: Item) -> list[DomainEvent]:
        now = self.clock()
        out = self.calls.tick(now)
        if isinstance(item, ami.AmiEvent):
            at = item.header.timestamp if item.header.timestamp is not None else now
            out += self._event(item, at, now)
        elif isinstance(item, SessionStarted):
            self.calls.generation = item.generation
        elif isinstance(item, QueueStatusSnapshot):
            out += self.agents.snapshot(item.members, item.at)
            for entry in item.entries:
                out += self.calls.waiting_entry(entry, item.at)
        elif isinstance(item, ChannelsSnapshot):
            alive = {entry.channel.uniqueid for entry in item.channels}
            out += self.calls.channels_snapshot(alive, item.at)
        elif isinstance(item, SessionLost):
            logger.info("AMI session lost (%s); waiting for the resync", item.reason)
        return out

    def _event(self, ev: ami.AmiEvent, at: float, now: float) -> list[DomainEvent]:
        calls = self.calls
        if isinstance(ev, ami.QueueCallerJoin):
            return calls.join(ev, at)
        if isinstance(ev, ami.AgentCalled):
            return calls.agent_called(ev, at)
        if isinstance(ev, ami.AgentRingNoAnswer):
            return calls.ring_no_answer(ev, at)
        if isinstance(ev, ami.AgentConnect):
            return calls.agent_connect(ev, at)
        if isinstance(ev, ami.AgentComplete):
            return calls.agent_complete(ev, at)
        if isinstance(ev, ami.AgentDump):
            return calls.agent_dump(ev, at)
        if isinstance(ev, ami.DialEnd):
            return calls.dial_end(ev, at)
        if isinstance(ev, ami.Hangup):
            return calls.hangup(ev, at, now)
        if isinstance(ev, ami.HangupRequest):
            calls.hangup_request(ev)
        elif isinstance(ev, ami.QueueCallerAbandon):
            calls.abandon(ev)
        elif isinstance(ev, ami.VarSet):
            if ev.variable == "QUEUESTATUS":
                calls.queue_result(ev.channel.uniqueid, ev.value)
        elif isinstance(ev, ami.UserEvent):
            calls.user_event(ev)
        elif isinstance(ev, ami.TransferEvent):
            calls.transfer(ev)
        elif isinstance(ev, ami.MemberState):
            # A QueueMember list item reaches us inside a QueueStatusSnapshot; alone it is an
            # answer nobody waited for (or a hostile frame) and says nothing reliable.
            if ev.header.name != "QueueMember":
                return [*self.agents.member_event(ev, at)]
        elif isinstance(ev, ami.Shutdown):
            logger.warning("Asterisk is shutting down (%s)", ev.shutdown)
        return []
