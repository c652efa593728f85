"""The life of one inbound queue call, event by event, as app_queue tells it over AMI.

Sequences follow AMI.md 2.4 and the transcripts d (answer, agent hangs up), e (ring no
answer, queue timeout with ``UserEvent QueueResult``) and f (``ringall``, caller hangs
up). Where no transcript exists (a caller abandoning) the order is the one 2.4 derives
from the code: ``HangupRequest`` before ``QueueCallerAbandon``, no ``QUEUESTATUS``.
All durations are simulated seconds; Asterisk computes ``HoldTime``/``TalkTime``/
``RingTime`` (s) from ``time()`` seconds, hence the ``int()`` differences.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Literal

from telephony.simulator import wire
from telephony.simulator.emitter import Emitter
from telephony.simulator.model import Call, Channel, Leg, Member, QueueConfig
from telephony.simulator.outcome import CallOutcome
from telephony.simulator.people import Agent, Caller
from telephony.simulator.scheduler import Timer
from telephony.simulator.wire import Pairs

if TYPE_CHECKING:
    from telephony.simulator.acd import AcdModel

ANSWER_PROBABILITY = 0.85  # an idle agent picks up before the ring timeout
PATIENCE_MEAN = 150.0  # seconds a caller waits before hanging up (exponential)
TALK_MEDIAN = 240.0  # log-normal talk time: median 4 min, 90 % between ~2.5 and ~6.5 min
TALK_SIGMA = 0.3
AGENT_HANGS_UP = 0.55
# app_queue looks up the caller's and the member leg's snapshots when it handles the first
# hang-up and leaves out each one whose channel is already gone (common under load; each form
# seen against a real Asterisk 20). Every n-th call a side ends gets an AgentComplete without
# that side's snapshot, and every n-th of those without the other's too: the adapter must
# complete the call from whatever is left.
INCOMPLETE_COMPLETE_EVERY = 3


class CallFlow:
    def __init__(self, acd: AcdModel) -> None:
        self.acd = acd
        self.emitter = acd.emitter
        self.rng = acd.rng
        self._exit_timers: dict[str, list[Timer]] = {}
        self._ring_timers: dict[str, Timer] = {}
        self._completes: Counter[str] = Counter()

    @property
    def now(self) -> float:
        return self.acd.now

    # --- arrival -------------------------------------------------------------------------

    def join(self, queue: QueueConfig, caller: Caller, *, directed: bool = False) -> Call:
        e, now = self.emitter, self.now
        uniqueid = e.uniqueid(now)
        channel = e.new_channel(
            Channel(
                name=e.channel_name("PJSIP/trunk-dtag"),
                uniqueid=uniqueid,
                linkedid=uniqueid,
                state=4,
                caller_num=caller.number,
                caller_name=caller.name,
                context="from-pstn",
                exten=queue.exten,
                priority=1,
                created_at=now,
            ),
            now,
        )
        e.newexten(channel, now, "Answer", "")
        e.new_state(channel, 6, now)
        channel.priority = 2
        e.newexten(channel, now, "Queue", queue.app_data)
        waiting = self.acd.waiting[queue.name]
        call = Call(channel, queue, now, len(waiting) + 1, now + queue.max_wait)
        call.directed = directed
        waiting.append(call)
        e.channel_event(
            "QueueCallerJoin",
            channel,
            now,
            ("Queue", queue.name),
            ("Position", str(len(waiting))),
            ("Count", str(len(waiting))),
            privilege="agent",
        )
        if len(waiting) == 1:
            e.device_state(f"Queue:{queue.name}", "RINGING", now)
        e.channel_event("MusicOnHoldStart", channel, now, ("Class", "default"))
        self.acd.calls[uniqueid] = call
        if directed:
            return call
        timers = [self.acd.scheduler.at(call.expires_at, lambda: self.timeout(call))]
        patience = self.rng.expovariate(1 / PATIENCE_MEAN)
        if now + patience < call.expires_at:
            timers.append(self.acd.scheduler.at(now + patience, lambda: self.abandon(call)))
        self._exit_timers[uniqueid] = timers
        return call

    # --- offers ------------------------------------------------------------------------

    def ring(self, call: Call, members: list[Member]) -> None:
        e, now, caller = self.emitter, self.now, call.channel
        queue = call.queue
        for member in members:
            agent = member.agent
            leg_channel = e.new_channel(
                Channel(
                    name=_leg_name(e, agent),
                    uniqueid=e.uniqueid(now),
                    linkedid=caller.uniqueid,
                    state=0,
                    caller_num=agent.extension,
                    caller_name=agent.name,
                    context="intern",
                    exten="s",
                    priority=1,
                    created_at=now,
                    application="AppQueue",
                    application_data="(Outgoing Line)",
                ),
                now,
            )
            leg_channel.exten = caller.exten
            leg_channel.connected_num, leg_channel.connected_name = (
                caller.caller_num,
                caller.caller_name,
            )
            e.varset(leg_channel, now, "DIALEDPEERNUMBER", agent.extension)
            e.dial_event(
                "AgentCalled",
                caller,
                leg_channel,
                now,
                *self._member_fields(call, member),
                privilege="agent",
            )
            e.dial_event("DialBegin", caller, leg_channel, now, ("DialString", agent.interface))
            after = None
            if not call.directed:
                picks_up = self.rng.random() < ANSWER_PROBABILITY
                after = self.rng.uniform(2.0, 14.0) if picks_up else None
            call.legs.append(Leg(leg_channel, member, now, after))
            call.offers += 1
            member.device = "ringing"
        for leg in call.legs:
            e.new_state(leg.channel, 5, now)
            e.dial_event("DialState", caller, leg.channel, now, ("DialStatus", "RINGING"))
        for leg in call.legs:
            self.acd.device_changed(leg.member)
        if call.directed:
            return  # rings until an action answers it
        ring_end = min(now + queue.ring_timeout, call.expires_at)
        answering = [
            leg
            for leg in call.legs
            if leg.answers_after is not None and now + leg.answers_after < ring_end
        ]
        if answering:
            first = min(answering, key=lambda leg: leg.answers_after or 0.0)
            at = now + (first.answers_after or 0.0)
            timer = self.acd.scheduler.at(at, lambda: self.answer(call, first))
        else:
            timer = self.acd.scheduler.at(ring_end, lambda: self.ring_out(call))
        self._ring_timers[caller.uniqueid] = timer

    def _member_fields(self, call: Call, member: Member) -> list[tuple[str, str]]:
        return [
            ("Queue", call.queue.name),
            ("Interface", member.interface),
            ("MemberName", member.agent.name),
        ]

    def _complete_body(
        self, caller: Channel, agent_channel: Channel, ended_by: str, complete: Pairs
    ) -> Pairs:
        """The snapshots app_queue still finds: the side that hung up first is gone from every
        n-th call, and from every n-th of those the other side is gone as well."""
        self._completes[ended_by] += 1
        seen = self._completes[ended_by]
        gone: set[str] = set()
        if seen % INCOMPLETE_COMPLETE_EVERY == 0:
            gone.add(ended_by)
        if seen % INCOMPLETE_COMPLETE_EVERY**2 == 0:
            gone = {"caller", "agent"}
        return [
            *(wire.snapshot(caller) if "caller" not in gone else ()),
            *(wire.snapshot(agent_channel, "Dest") if "agent" not in gone else ()),
            *complete,
        ]

    def ring_out(self, call: Call) -> None:
        """Nobody picked up within the queue's ring timeout: RNA, then retry later."""
        self._ring_timers.pop(call.channel.uniqueid, None)
        if not call.legs or call.answered_at is not None:
            return
        for leg in call.legs:
            self._no_answer(call, leg)
        call.last_missed = call.legs[-1].member.interface
        call.legs = []
        call.next_try_at = self.now + call.queue.retry
        self.acd.scheduler.at(call.next_try_at, self.acd.dispatch)
        self.acd.dispatch()

    def _no_answer(self, call: Call, leg: Leg) -> None:
        e, now, caller = self.emitter, self.now, call.channel
        ring_ms = round((now - leg.started) * 1000)  # the one RingTime in milliseconds
        e.dial_event(
            "AgentRingNoAnswer",
            caller,
            leg.channel,
            now,
            *self._member_fields(call, leg.member),
            ("RingTime", str(ring_ms)),
            privilege="agent",
        )
        e.dial_event("DialEnd", caller, leg.channel, now, ("DialStatus", "NOANSWER"))
        e.dial_event("DialEnd", caller, leg.channel, now, ("DialStatus", "CANCEL"))
        e.hangup(leg.channel, now, 0, "Unknown")
        leg.member.device = "idle"
        self.acd.device_changed(leg.member)

    def _cancel_leg(self, call: Call, leg: Leg, cause: int, text: str) -> None:
        e, now = self.emitter, self.now
        e.dial_event("DialEnd", call.channel, leg.channel, now, ("DialStatus", "CANCEL"))
        e.hangup(leg.channel, now, cause, text)

    # --- answer and talk ---------------------------------------------------------------

    def answer(self, call: Call, leg: Leg) -> None:
        e, now, caller, agent_channel = self.emitter, self.now, call.channel, leg.channel
        self._stop_timers(call)
        e.new_state(agent_channel, 6, now)
        e.dial_event("DialEnd", caller, agent_channel, now, ("DialStatus", "ANSWER"))
        losers = [other for other in call.legs if other is not leg]
        for other in losers:  # wait_for_answer() cancels the others ...
            e.dial_event("DialEnd", caller, other.channel, now, ("DialStatus", "CANCEL"))
        caller.connected_num = leg.member.agent.extension
        caller.connected_name = leg.member.agent.name
        e.channel_event("NewConnectedLine", caller, now)
        for other in losers:  # ... and hangupcalls() once more, with cause 26
            self._cancel_leg(call, other, 26, "Answered elsewhere")
        e.channel_event("MusicOnHoldStop", caller, now)
        self._leave(call)
        call.answered_at = now
        call.hold_time = int(now) - int(call.joined_at)
        call.agent_leg = leg
        call.legs = [leg]
        ring_seconds = int(now) - int(leg.started)
        e.dial_event(
            "AgentConnect",
            caller,
            agent_channel,
            now,
            *self._member_fields(call, leg.member),
            ("HoldTime", str(call.hold_time)),
            ("RingTime", str(ring_seconds)),
            privilege="agent",
        )
        call.bridge_id = caller.bridge_id = agent_channel.bridge_id = e.uuid()
        e.bridge("BridgeCreate", call.bridge_id, 0, now)
        e.bridge("BridgeEnter", call.bridge_id, 1, now, channel=caller)
        e.bridge("BridgeEnter", call.bridge_id, 2, now, channel=agent_channel)
        e.bridge_peers(caller, agent_channel, now)
        if self.acd.rtcp is not None:
            self.acd.rtcp.start(caller, agent_channel)
        for other in losers:
            other.member.device = "idle"
            self.acd.device_changed(other.member)
        member = leg.member
        member.device = "busy"
        member.queues[call.queue.name].in_call = True
        self.acd.device_changed(member)
        self.acd.stats[call.queue.name].answered(call.hold_time)
        if not call.directed:  # a directed call talks until an action hangs up
            talk = self.rng.lognormvariate(math.log(TALK_MEDIAN), TALK_SIGMA)
            ended_by: Literal["agent", "caller"] = (
                "agent" if self.rng.random() < AGENT_HANGS_UP else "caller"
            )
            self.acd.scheduler.at(now + talk, lambda: self.hang_up(call, ended_by))
        self.acd.dispatch()

    def hang_up(self, call: Call, ended_by: Literal["agent", "caller"]) -> None:
        e, now = self.emitter, self.now
        leg = call.agent_leg
        assert leg is not None and call.answered_at is not None
        caller, agent_channel = call.channel, leg.channel
        first, second = (agent_channel, caller) if ended_by == "agent" else (caller, agent_channel)
        talk = int(now) - int(call.answered_at)
        e.hangup_request(first, now)
        e.leave_bridge(first, 1, now)
        # AgentComplete is triggered by the hang-up request, so it follows the first leg's
        # BridgeLeave and precedes the other leg's (transcripts d and f).
        complete: Pairs = [
            *self._member_fields(call, leg.member),
            ("HoldTime", str(call.hold_time)),
            ("TalkTime", str(talk)),
            ("Reason", ended_by),
        ]
        body = self._complete_body(caller, agent_channel, ended_by, complete)
        e.emit("AgentComplete", "agent", now, body)
        e.leave_bridge(second, 0, now)
        e.bridge("BridgeDestroy", call.bridge_id, 0, now)
        e.hangup(agent_channel, now)
        e.hangup(caller, now)
        member = leg.member
        stats = member.queues[call.queue.name]
        stats.in_call = False
        stats.calls_taken += 1
        stats.last_call = int(now)
        member.device = "idle"
        self.acd.device_changed(member)
        self.acd.stats[call.queue.name].finished(call.hold_time, talk, call.queue.service_level)
        self._finish(call, "answered", talk_seconds=talk, agent=member.interface, ended_by=ended_by)
        self.acd.after_call(member)

    # --- leaving unanswered ------------------------------------------------------------

    def abandon(self, call: Call) -> None:
        """The caller hangs up while waiting (or while a member's phone rings)."""
        e, now, caller = self.emitter, self.now, call.channel
        if call.answered_at is not None or caller.uniqueid not in self.acd.calls:
            return
        self._stop_timers(call)
        e.hangup_request(caller, now)
        for leg in call.legs:  # no AgentRingNoAnswer: the offer was cancelled, not missed
            e.dial_event("DialEnd", caller, leg.channel, now, ("DialStatus", "CANCEL"))
            self._cancel_leg(call, leg, 0, "Unknown")
            leg.member.device = "idle"
            self.acd.device_changed(leg.member)
        call.legs = []
        self._abandon_events(call)
        self._leave(call)
        e.hangup(caller, now)
        self._finish(call, "abandoned")
        self.acd.dispatch()

    def timeout(self, call: Call) -> None:
        """The fifth ``Queue()`` argument expired: the dialplan carries on (transcript e)."""
        e, now, caller = self.emitter, self.now, call.channel
        if call.answered_at is not None or caller.uniqueid not in self.acd.calls:
            return
        self._stop_timers(call)
        for leg in call.legs:  # the last ring is cut to the time left (timeoutpriority=app)
            self._no_answer(call, leg)
        call.legs = []
        self._abandon_events(call)
        self._leave(call)
        e.varset(caller, now, "QUEUESTATUS", "TIMEOUT")
        caller.priority = 3
        e.newexten(caller, now, "UserEvent", "QueueResult,Status: TIMEOUT")
        e.channel_event(
            "UserEvent",
            caller,
            now,
            ("UserEvent", "QueueResult"),
            ("Status", "TIMEOUT"),
            privilege="user",
        )
        caller.priority = 4
        e.newexten(caller, now, "Hangup", "")
        e.hangup(caller, now)
        self._finish(call, "timeout")
        self.acd.dispatch()

    def _abandon_events(self, call: Call) -> None:
        e, now, caller = self.emitter, self.now, call.channel
        e.varset(caller, now, "ABANDONED", "TRUE")
        waiting = self.acd.waiting[call.queue.name]
        e.channel_event(
            "QueueCallerAbandon",
            caller,
            now,
            ("Queue", call.queue.name),
            ("Position", str(waiting.index(call) + 1)),
            ("OriginalPosition", str(call.original_position)),
            ("HoldTime", str(int(now) - int(call.joined_at))),
            privilege="agent",
        )
        e.channel_event("MusicOnHoldStop", caller, now)
        # The Abandoned counter of QueueParams counts timeouts too (record_abandoned()).
        self.acd.stats[call.queue.name].abandoned += 1

    def _leave(self, call: Call) -> None:
        """``leave_queue()``; the callers behind move up without any event."""
        e, now, caller = self.emitter, self.now, call.channel
        waiting = self.acd.waiting[call.queue.name]
        position = waiting.index(call) + 1
        waiting.remove(call)
        e.channel_event(
            "QueueCallerLeave",
            caller,
            now,
            ("Queue", call.queue.name),
            ("Position", str(position)),
            ("Count", str(len(waiting))),
            privilege="agent",
        )
        e.varset(caller, now, "QUEUEPOSITION", str(position))
        if not waiting:
            e.device_state(f"Queue:{call.queue.name}", "NOT_INUSE", now)

    def _stop_timers(self, call: Call) -> None:
        for timer in self._exit_timers.pop(call.channel.uniqueid, []):
            timer.cancel()
        ring = self._ring_timers.pop(call.channel.uniqueid, None)
        if ring is not None:
            ring.cancel()

    def _finish(
        self,
        call: Call,
        outcome: Literal["answered", "abandoned", "timeout"],
        *,
        talk_seconds: int | None = None,
        agent: str | None = None,
        ended_by: Literal["agent", "caller"] | None = None,
    ) -> None:
        self.acd.calls.pop(call.channel.uniqueid, None)
        wait = call.hold_time if outcome == "answered" else int(self.now) - int(call.joined_at)
        self.acd.outcomes.append(
            CallOutcome(
                uniqueid=call.channel.uniqueid,
                queue=call.queue.name,
                outcome=outcome,
                caller_number=call.channel.caller_num,
                wait_seconds=wait,
                talk_seconds=talk_seconds,
                agent=agent,
                ended_by=ended_by,
                offers=call.offers,
            )
        )


def _leg_name(e: Emitter, agent: Agent) -> str:
    """A member leg's channel: ``PJSIP/2101-0000002a``, or a Local channel's first half
    (``Local/2101@from-queue-0000002a;1``), the side app_queue dials."""
    name = e.channel_name(agent.leg_endpoint)
    return f"{name};1" if agent.leg_endpoint.lower().startswith("local/") else name
