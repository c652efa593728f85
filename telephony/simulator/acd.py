"""The ACD model: queues ``115`` (linear) and ``115-kfz`` (ringall), agents, callers.

Pure and deterministic: no sockets, no sleeping, no wall clock. Time is whatever the
caller passes to :meth:`AcdModel.advance` (simulated Unix seconds); randomness comes
from one seeded ``random.Random``. The same seed and the same sequence of ``advance``
and action calls give byte-identical AMI output, which the tests rely on.

Usage::

    acd = AcdModel(seed=7, start=clock.now(), calls_per_minute=2)
    messages = acd.advance(clock.now())     # AMI events that happened up to then
    acd.next_due()                          # when something happens next (or None)
    acd.queue_pause(interface="PJSIP/2101", paused=True, reason="Pause")
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Literal

from telephony.ami.framing import Message
from telephony.simulator import wire
from telephony.simulator.callflow import CallFlow
from telephony.simulator.emitter import Emitter
from telephony.simulator.model import (
    DEVICE_STATE,
    QUEUES,
    Call,
    Member,
    MemberInQueue,
    Originated,
    QueueStats,
)
from telephony.simulator.originate import OriginateFlow
from telephony.simulator.outcome import CallOutcome
from telephony.simulator.people import (
    DEFAULT_MEMBER_INTERFACE,
    Agent,
    Caller,
    random_caller,
    roster,
)
from telephony.simulator.profile import ArrivalProfile
from telephony.simulator.rtcp import RtcpReporter
from telephony.simulator.scheduler import Scheduler

KFZ_SHARE = 0.2  # calls for the vehicle registration line 1152 -> queue 115-kfz
# (reason, weight, minimum seconds, maximum seconds) of the breaks agents take.
BREAKS = (
    ("Kurzpause", 5.0, 180, 600),
    ("Teamrunde", 1.0, 600, 1200),
    ("Mittagspause", 1.0, 1800, 2700),
    ("Schulung", 0.5, 900, 1800),
)
BREAK_EVERY = 2700.0  # mean seconds between an agent's breaks
WRAP_UP_SHARE = 0.25  # calls after which the agent pauses for after-call work
WRAP_UP = ("Nacharbeit", 20.0, 90.0)


class AcdModel:
    def __init__(
        self,
        *,
        start: float,
        seed: int | None = None,
        calls_per_minute: float = 2.0,
        agents: int = 3,
        daily_profile: bool = True,
        breaks: bool = True,
        rtcp: bool = True,
        member_interface: str = DEFAULT_MEMBER_INTERFACE,
        state_interface: str = "",
    ) -> None:
        self.rng = random.Random(seed)
        self.now = start
        self.queues = {queue.name: queue for queue in QUEUES}
        self.stats = {name: QueueStats() for name in self.queues}
        self.waiting: dict[str, list[Call]] = {name: [] for name in self.queues}
        self.calls: dict[str, Call] = {}  # live inbound calls by the caller's Uniqueid
        self.originated: dict[str, Originated] = {}
        self.outcomes: list[CallOutcome] = []
        self.emitter = Emitter(self.rng)
        self.scheduler = Scheduler()
        self.flow = CallFlow(self)
        self.originate_flow = OriginateFlow(self)
        self.rtcp = RtcpReporter(self) if rtcp else None
        self.profile = ArrivalProfile(calls_per_minute, daily=daily_profile)
        self.breaks = breaks  # random breaks and after-call pauses; off for focused tests
        self.members = [
            self._member(agent)
            for agent in roster(
                agents, member_interface=member_interface, state_interface=state_interface
            )
        ]
        self._schedule_arrival()
        if breaks:
            for member in self.members:
                self._schedule_break(member)

    def _member(self, agent: Agent) -> Member:
        login = int(self.now) - self.rng.randrange(1800, 4 * 3600)
        queues = {
            name: MemberInQueue(
                calls_taken=self.rng.randrange(0, 15),
                last_call=int(self.now) - self.rng.randrange(60, 1800),
            )
            for name in self.queues
        }
        return Member(agent, login, queues)

    # --- driving the model ---------------------------------------------------------------

    def advance(self, until: float) -> list[Message]:
        """Run everything due up to ``until``; return the AMI events raised, in order."""
        while (due := self.scheduler.pop_due(until)) is not None:
            at, timer = due
            self.now = max(self.now, at)
            timer.action()
        self.now = max(self.now, until)
        return self.emitter.drain()

    def next_due(self) -> float | None:
        return self.scheduler.next_due()

    def drain_outcomes(self) -> list[CallOutcome]:
        out, self.outcomes = self.outcomes, []
        return out

    def later(self, delay: float, action: Callable[[], None]) -> None:
        self.scheduler.at(self.now + delay, action)

    # --- arrivals and dispatch -----------------------------------------------------------

    def _schedule_arrival(self) -> None:
        at = self.profile.next_arrival(self.rng, self.now)
        if at is not None:
            self.scheduler.at(at, self._arrive)

    def _arrive(self) -> None:
        name = "115-kfz" if self.rng.random() < KFZ_SHARE else "115"
        self.flow.join(self.queues[name], random_caller(self.rng))
        self._schedule_arrival()
        self.dispatch()

    def dispatch(self) -> None:
        """Offer waiting callers, in queue order, to members who are free (autofill)."""
        for queue in self.queues.values():
            for call in list(self.waiting[queue.name]):
                if call.legs or call.answered_at is not None or self.now < call.next_try_at:
                    continue
                free = [member for member in self.members if member.available_for(queue.name)]
                if not free:
                    break
                if queue.strategy == "linear":
                    free = [self._linear_pick(free, call)]
                self.flow.ring(call, free)

    def _linear_pick(self, free: list[Member], call: Call) -> Member:
        # app_queue's linear strategy remembers where it stopped (linpos) and moves on to
        # the next member after one rang out; approximated by skipping the last one.
        if call.last_missed is not None and len(free) > 1:
            order = [member.interface for member in self.members]
            last = order.index(call.last_missed)
            return min(free, key=lambda m: (order.index(m.interface) - last - 1) % len(order))
        return free[0]

    def device_changed(self, member: Member) -> None:
        """``DeviceStateChange`` and one ``QueueMemberStatus`` per queue the member is in."""
        self.emitter.device_state(
            member.agent.state_interface, DEVICE_STATE[member.device], self.now
        )
        for queue in member.queues:
            self.emitter.emit(
                "QueueMemberStatus", "agent", self.now, wire.member_blob(member, queue)
            )

    def after_call(self, member: Member) -> None:
        reason, shortest, longest = WRAP_UP
        if self.breaks and not member.manual_pause and self.rng.random() < WRAP_UP_SHARE:
            self._auto_pause(member, reason, self.rng.uniform(shortest, longest))
        self.dispatch()

    # --- pauses ---------------------------------------------------------------------------

    def set_pause(
        self, member: Member, *, paused: bool, reason: str = "", queue: str | None = None
    ) -> None:
        """Pause or unpause in one queue or all; one ``QueueMemberPause`` per queue."""
        member.pause_token += 1  # a running break's automatic end no longer applies
        if paused:
            member.last_pause = int(self.now)  # LastPause is left alone on unpause (f)
        for name in [queue] if queue else list(member.queues):
            member.paused[name] = paused
            member.paused_reason[name] = reason if paused else ""
            self.emitter.emit("QueueMemberPause", "agent", self.now, wire.member_blob(member, name))
            self.emitter.device_state(
                f"Queue:{name}_pause_{member.interface}",
                "INUSE" if paused else "NOT_INUSE",
                self.now,
            )
        if not paused:
            self.dispatch()

    def queue_pause(
        self, *, interface: str, paused: bool, reason: str = "", queue: str | None = None
    ) -> bool:
        """The ``QueuePause`` action. False when no such member (or not in that queue)."""
        member = self.member(interface)
        if member is None or (queue is not None and queue not in member.queues):
            return False
        member.manual_pause = paused
        self.set_pause(member, paused=paused, reason=reason, queue=queue)
        return True

    def member(self, interface: str) -> Member | None:
        for member in self.members:
            if member.interface.lower() == interface.strip().lower():
                return member
        return None

    def _auto_pause(self, member: Member, reason: str, seconds: float) -> None:
        self.set_pause(member, paused=True, reason=reason)
        token = member.pause_token

        def end() -> None:
            if member.pause_token == token and not member.manual_pause:
                self.set_pause(member, paused=False)

        self.later(seconds, end)

    def _schedule_break(self, member: Member) -> None:
        self.later(self.rng.expovariate(1 / BREAK_EVERY), lambda: self._take_break(member))

    def _take_break(self, member: Member) -> None:
        if member.manual_pause or any(member.paused.values()) or member.device != "idle":
            self.later(self.rng.uniform(30, 120), lambda: self._take_break(member))
            return
        reason, _, shortest, longest = self.rng.choices(BREAKS, [b[1] for b in BREAKS])[0]
        seconds = self.rng.uniform(shortest, longest)
        self._auto_pause(member, reason, seconds)
        self.later(seconds, lambda: self._schedule_break(member))

    # --- directed calls (tests, demos) -------------------------------------------------

    def call_put_through(self, *, interface: str, caller: Caller, queue: str = "115") -> str | None:
        """A caller joins ``queue`` now and rings at ``interface`` only; the caller's Uniqueid.

        The call waits for :meth:`call_answer` and :meth:`call_hang_up` (no patience, queue
        timeout or ring timeout of its own), so a test decides when the ``AgentConnect``
        goes out. None when that member is not free for the queue (busy, ringing, paused).
        """
        member = self.member(interface)
        if member is None or queue not in self.queues or not member.available_for(queue):
            return None
        call = self.flow.join(self.queues[queue], caller, directed=True)
        self.flow.ring(call, [member])
        return call.channel.uniqueid

    def call_answer(self, uniqueid: str) -> bool:
        """The member a directed call rings at picks up now (``AgentConnect``)."""
        call = self.calls.get(uniqueid)
        if call is None or not call.directed or call.answered_at is not None or not call.legs:
            return False
        self.flow.answer(call, call.legs[0])
        return True

    def call_hang_up(
        self, uniqueid: str, *, ended_by: Literal["agent", "caller"] = "agent"
    ) -> bool:
        """End a directed call now: hung up by either side, or abandoned while it rings."""
        call = self.calls.get(uniqueid)
        if call is None or not call.directed:
            return False
        if call.answered_at is None:
            self.flow.abandon(call)
        else:
            self.flow.hang_up(call, ended_by)
        return True

    # --- actions --------------------------------------------------------------------------

    def originate(self, fields: dict[str, str], action_id: str | None) -> str | None:
        """The ``Originate`` action; returns an error text or None when queued."""
        return self.originate_flow.start(fields, action_id)
