"""The life of queue calls, derived from app_queue and channel events. No I/O.

A call starts at ``QueueCallerJoin`` and is keyed by the caller channel's ``Uniqueid``
(the machine serves one Asterisk, ``system_id`` completes the key). Member legs are
found through ``DestUniqueid``. Decisions and why:

* **Idempotent.** A call that exists or has ended is never created again, an offer or
  answer is reported once, and ended calls are remembered (bounded) so a replay after
  a resync changes nothing.
* **Abandon vs. timeout.** app_queue raises ``QueueCallerAbandon`` for a caller hang-up
  *and* for a queue timeout, leave-empty and withdraw. So the outcome is decided at the
  caller's ``Hangup``: ``QUEUESTATUS`` (``VarSet``) or the dialplan's ``UserEvent
  QueueResult`` with ``Status`` says why the caller left the queue; a ``HangupRequest``
  before the abandon means the caller hung up.
* **AgentComplete vs. Hangup.** They travel on different Stasis topics and arrive in
  either order. An answered call ends when both the caller's ``Hangup`` and the
  ``AgentComplete`` have been seen; if ``AgentComplete`` never comes (a crash), :meth:`tick`
  closes the call ``complete_grace`` seconds (adapter clock) after the ``Hangup``, with
  talk time from the timestamps and ``inferred=True``.
* **Resync.** After a reconnect, a ``CoreShowChannels`` snapshot lists every live channel;
  a call not in it and not heard of since the reconnect ended during the outage and is
  closed with ``inferred=True``. Calls with events on the current session are never
  closed that way: the snapshot may predate them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace

from telephony.acd_events import (
    CallAnswered,
    CallEnded,
    CallJoined,
    DomainEvent,
    EndedBy,
    OfferEnded,
    OfferResult,
    OfferStarted,
    Outcome,
)
from telephony.ami import wire_events as ami

_MISSED_DIAL_STATUSES = frozenset({"NOANSWER", "BUSY", "CHANUNAVAIL", "CONGESTION"})
QUEUE_RESULT_EVENT = "queueresult"  # UserEvent(QueueResult,Status: ${QUEUESTATUS}) in the dialplan


@dataclass
class _Offer:
    agent_uniqueid: str
    agent_channel: str
    interface: str
    member_name: str
    ended: bool = False


@dataclass
class _Call:
    uniqueid: str
    channel: str
    queue: str
    caller_number: str | None
    caller_name: str | None
    joined_at: float
    generation: int
    offers: dict[str, _Offer] = field(default_factory=dict)
    answered_at: float | None = None
    interface: str | None = None
    agent_uniqueid: str | None = None
    wait_seconds: int | None = None
    talk_seconds: int | None = None
    complete_reason: str | None = None
    caller_hangup_requested: bool = False
    caller_hung_up_before_abandon: bool = False
    abandoned: bool = False
    queue_result: str | None = None
    transferred: bool = False
    first_hangup_request: EndedBy | None = None
    hangup_at: float | None = None
    finalise_after: float | None = None  # adapter clock; waiting for AgentComplete


class CallTracker:
    def __init__(self, system_id: str, *, complete_grace: float, remember_ended: int) -> None:
        self.system_id = system_id
        self.complete_grace = complete_grace
        self.remember_ended = remember_ended
        self.generation = 0
        self._calls: dict[str, _Call] = {}
        self._legs: dict[str, str] = {}  # member leg Uniqueid -> call Uniqueid
        self._ended: OrderedDict[str, None] = OrderedDict()

    # --- queries ----------------------------------------------------------------------

    @property
    def active_uniqueids(self) -> frozenset[str]:
        return frozenset(self._calls)

    def has_ended(self, uniqueid: str) -> bool:
        return uniqueid in self._ended

    # --- event handlers ----------------------------------------------------------------

    def join(self, ev: ami.QueueCallerJoin, at: float) -> list[DomainEvent]:
        return self._create(
            ev.channel.uniqueid,
            ev.channel.name,
            ev.queue,
            ev.channel.caller_number,
            ev.channel.caller_name,
            at,
        )

    def waiting_entry(self, entry: ami.QueueEntry, at: float) -> list[DomainEvent]:
        """A caller still waiting according to ``QueueStatus``: adopt it if it is new."""
        call = self._calls.get(entry.uniqueid)
        if call is not None:
            call.generation = self.generation
            return []
        joined_at = at - entry.wait if entry.wait is not None else at
        return self._create(
            entry.uniqueid, entry.channel, entry.queue, entry.caller_number, entry.caller_name,
            joined_at,
        )  # fmt: skip

    def adopt(
        self,
        *,
        uniqueid: str,
        channel: str,
        queue: str,
        caller_number: str | None,
        caller_name: str | None,
        joined_at: float,
        answered_at: float | None,
        interface: str | None,
        wait_seconds: int | None,
    ) -> None:
        """Know a call that another listener recorded and did not finish (a takeover).

        Emits nothing: the record exists. It belongs to no session yet, so the resync's
        channel list ends it (inferred) unless the channel is still up; then its own
        ``AgentComplete``/``Hangup`` end it as usual.
        """
        if uniqueid in self._calls or uniqueid in self._ended:
            return
        call = _Call(uniqueid, channel, queue, caller_number, caller_name, joined_at, -1)
        call.answered_at, call.interface, call.wait_seconds = answered_at, interface, wait_seconds
        self._calls[uniqueid] = call

    def _create(
        self,
        uniqueid: str,
        channel: str,
        queue: str,
        number: str | None,
        name: str | None,
        at: float,
    ) -> list[DomainEvent]:
        if uniqueid in self._calls or uniqueid in self._ended:
            return []
        self._calls[uniqueid] = _Call(uniqueid, channel, queue, number, name, at, self.generation)
        return [
            CallJoined(
                system_id=self.system_id,
                at=at,
                uniqueid=uniqueid,
                channel=channel,
                queue=queue,
                caller_number=number,
                caller_name=name,
                joined_at=at,
            )
        ]

    def _touch(self, uniqueid: str) -> _Call | None:
        call = self._calls.get(uniqueid)
        if call is not None:
            call.generation = self.generation
        return call

    def agent_called(self, ev: ami.AgentCalled, at: float) -> list[DomainEvent]:
        call = self._touch(ev.channel.uniqueid)
        if call is None or ev.member.uniqueid in call.offers or ev.member.uniqueid in self._legs:
            return []
        call.offers[ev.member.uniqueid] = _Offer(
            ev.member.uniqueid, ev.member.channel, ev.member.interface, ev.member.member_name
        )
        self._legs[ev.member.uniqueid] = call.uniqueid
        return [
            OfferStarted(
                system_id=self.system_id,
                at=at,
                uniqueid=call.uniqueid,
                agent_uniqueid=ev.member.uniqueid,
                agent_channel=ev.member.channel,
                interface=ev.member.interface,
                member_name=ev.member.member_name,
                queue=ev.member.queue or call.queue,
            )
        ]

    def _end_offer(
        self, call: _Call, leg: str, result: OfferResult, at: float, ring_ms: int | None = None
    ) -> list[DomainEvent]:
        offer = call.offers.get(leg)
        if offer is None or offer.ended:
            return []
        offer.ended = True
        return [
            OfferEnded(
                system_id=self.system_id,
                at=at,
                uniqueid=call.uniqueid,
                agent_uniqueid=leg,
                interface=offer.interface,
                result=result,
                ring_ms=ring_ms,
            )
        ]

    def ring_no_answer(self, ev: ami.AgentRingNoAnswer, at: float) -> list[DomainEvent]:
        call = self._touch(ev.channel.uniqueid)
        if call is None:
            return []
        return self._end_offer(call, ev.member.uniqueid, "missed", at, ev.ring_time_ms)

    def agent_dump(self, ev: ami.AgentDump, at: float) -> list[DomainEvent]:
        call = self._touch(ev.channel.uniqueid)
        if call is None:
            return []
        return self._end_offer(call, ev.member.uniqueid, "missed", at)

    def dial_end(self, ev: ami.DialEnd, at: float) -> list[DomainEvent]:
        call = self._touch(ev.channel.uniqueid)
        # ANSWER is reported by AgentConnect (the queue may still refuse the leg); a second
        # DialEnd for the same leg (app_queue sends two) finds the offer already ended.
        if call is None or ev.dial_status == "ANSWER":
            return []
        result: OfferResult = "missed" if ev.dial_status in _MISSED_DIAL_STATUSES else "cancelled"
        return self._end_offer(call, ev.dest_uniqueid, result, at)

    def agent_connect(self, ev: ami.AgentConnect, at: float) -> list[DomainEvent]:
        call = self._touch(ev.channel.uniqueid)
        if call is None or call.answered_at is not None:
            return []
        started: list[DomainEvent] = []
        if ev.member.uniqueid not in call.offers and ev.member.uniqueid not in self._legs:
            # AgentCalled was lost (e.g. during a reconnect); keep the offer history whole.
            started = self.agent_called(_as_called(ev), at)
        ended = self._end_offer(call, ev.member.uniqueid, "answered", at)
        call.answered_at = at
        call.interface = ev.member.interface
        call.agent_uniqueid = ev.member.uniqueid
        call.wait_seconds = ev.hold_time
        # The answer comes before the offer's end: its consumer sends the screen pop, which
        # should not wait for the offer bookkeeping (the records are the same either way).
        return [
            *started,
            CallAnswered(
                system_id=self.system_id,
                at=at,
                uniqueid=call.uniqueid,
                queue=ev.member.queue or call.queue,
                interface=ev.member.interface,
                member_name=ev.member.member_name,
                agent_uniqueid=ev.member.uniqueid,
                agent_channel=ev.member.channel,
                caller_number=call.caller_number,
                caller_name=call.caller_name,
                wait_seconds=ev.hold_time,
                ring_seconds=ev.ring_time,
                answered_at=at,
            ),
            *ended,
        ]

    def _completed_call(self, ev: ami.AgentComplete) -> _Call | None:
        """The call an AgentComplete is about, even when Asterisk left out the caller's
        snapshot (then by the member leg) or both (then the member's one answered call not
        yet completed; app_queue bridges a member to one caller at a time)."""
        if ev.channel.uniqueid:
            return self._touch(ev.channel.uniqueid)
        owner = self._legs.get(ev.member.uniqueid) if ev.member.uniqueid else None
        if owner is None:
            candidates = [
                call.uniqueid
                for call in self._calls.values()
                if call.interface == ev.member.interface
                and call.answered_at is not None
                and call.complete_reason is None
                and (not ev.member.queue or call.queue == ev.member.queue)
            ]
            owner = candidates[0] if len(candidates) == 1 else None
        return self._touch(owner) if owner else None

    def agent_complete(self, ev: ami.AgentComplete, at: float) -> list[DomainEvent]:
        call = self._completed_call(ev)
        if call is None or call.complete_reason is not None or call.answered_at is None:
            return []
        call.complete_reason = ev.reason or "unknown"
        call.talk_seconds = ev.talk_time
        if call.wait_seconds is None:
            call.wait_seconds = ev.hold_time
        if ev.reason == "transfer":
            # The caller lives on elsewhere; for the queue the call is over now.
            return self._finalise(call, "transferred", "transfer", at)
        if call.hangup_at is not None:
            return self._finalise(call, "answered", _ended_by(ev.reason), call.hangup_at)
        return []

    def hangup_request(self, ev: ami.HangupRequest) -> None:
        call = self._touch(ev.channel.uniqueid)
        if call is not None:
            call.caller_hangup_requested = True
            if call.answered_at is not None and call.first_hangup_request is None:
                call.first_hangup_request = "caller"
            return
        owner = self._legs.get(ev.channel.uniqueid)
        call = self._calls.get(owner) if owner else None
        if call is not None and call.agent_uniqueid == ev.channel.uniqueid:
            call.first_hangup_request = call.first_hangup_request or "agent"

    def abandon(self, ev: ami.QueueCallerAbandon) -> None:
        call = self._touch(ev.channel.uniqueid)
        if call is not None and call.answered_at is None and not call.abandoned:
            call.abandoned = True
            call.wait_seconds = ev.hold_time
            call.caller_hung_up_before_abandon = call.caller_hangup_requested

    def queue_result(self, uniqueid: str | None, status: str) -> None:
        call = self._touch(uniqueid) if uniqueid else None
        if call is not None and call.answered_at is None and status.strip():
            call.queue_result = status.strip().upper()

    def user_event(self, ev: ami.UserEvent) -> None:
        if ev.user_event.strip().lower() == QUEUE_RESULT_EVENT:
            self.queue_result(ev.uniqueid, ev.header.message.get("Status") or "")

    def transfer(self, ev: ami.TransferEvent) -> None:
        for uniqueid in (ev.transferee_uniqueid, ev.transferer_uniqueid):
            if not uniqueid:
                continue
            owner = uniqueid if uniqueid in self._calls else self._legs.get(uniqueid)
            call = self._calls.get(owner) if owner else None
            if call is not None and call.answered_at is not None:
                call.transferred = True

    def hangup(self, ev: ami.Hangup, at: float, now: float) -> list[DomainEvent]:
        call = self._touch(ev.channel.uniqueid)
        if call is not None:
            return self._caller_gone(call, at, now)
        owner = self._legs.get(ev.channel.uniqueid)
        leg_call = self._calls.get(owner) if owner else None
        if leg_call is None:
            return []
        # A leg that goes away unanswered was cancelled: the caller left, or under ringall
        # another member answered (Cause 26). Timed-out legs already ended as "missed".
        return self._end_offer(leg_call, ev.channel.uniqueid, "cancelled", at)

    def _caller_gone(self, call: _Call, at: float, now: float) -> list[DomainEvent]:
        if call.hangup_at is not None:
            return []
        call.hangup_at = at
        if call.answered_at is None:
            outcome, ended_by = _unanswered_outcome(call)
            return self._finalise(call, outcome, ended_by, at)
        if call.complete_reason is not None:
            return self._finalise(call, "answered", _ended_by(call.complete_reason), at)
        call.finalise_after = now + self.complete_grace
        return []

    # --- time and resync ---------------------------------------------------------------

    def tick(self, now: float) -> list[DomainEvent]:
        """Close answered calls whose ``AgentComplete`` did not come within the grace."""
        out: list[DomainEvent] = []
        for call in list(self._calls.values()):
            if call.finalise_after is not None and now >= call.finalise_after:
                out += self._close_without_complete(call, call.hangup_at or now)
        return out

    def channels_snapshot(self, alive: set[str], at: float) -> list[DomainEvent]:
        out: list[DomainEvent] = []
        for call in list(self._calls.values()):
            if call.generation >= self.generation or call.uniqueid in alive:
                continue
            if call.answered_at is not None:
                out += self._close_without_complete(call, call.hangup_at or at)
            else:
                outcome, ended_by = _unanswered_outcome(call)
                out += self._finalise(call, outcome, ended_by, call.hangup_at or at, inferred=True)
        return out

    def _close_without_complete(self, call: _Call, ended_at: float) -> list[DomainEvent]:
        if call.complete_reason is not None:
            reason = call.complete_reason
            outcome: Outcome = "transferred" if reason == "transfer" else "answered"
            return self._finalise(call, outcome, _ended_by(reason), ended_at, inferred=True)
        if call.talk_seconds is None and call.answered_at is not None and call.hangup_at:
            call.talk_seconds = max(0, round(call.hangup_at - call.answered_at))
        if call.transferred:
            return self._finalise(call, "transferred", "transfer", ended_at, inferred=True)
        return self._finalise(call, "answered", call.first_hangup_request, ended_at, inferred=True)

    def _finalise(
        self,
        call: _Call,
        outcome: Outcome,
        ended_by: EndedBy | None,
        ended_at: float,
        *,
        inferred: bool = False,
    ) -> list[DomainEvent]:
        out: list[DomainEvent] = []
        for leg, offer in call.offers.items():
            if not offer.ended:
                out += self._end_offer(call, leg, "cancelled", ended_at)
            self._legs.pop(leg, None)
        del self._calls[call.uniqueid]
        self._ended[call.uniqueid] = None
        while len(self._ended) > self.remember_ended:
            self._ended.popitem(last=False)
        out.append(
            CallEnded(
                system_id=self.system_id,
                at=ended_at,
                uniqueid=call.uniqueid,
                queue=call.queue,
                outcome=outcome,
                ended_by=ended_by,
                joined_at=call.joined_at,
                answered_at=call.answered_at,
                ended_at=ended_at,
                wait_seconds=call.wait_seconds,
                talk_seconds=call.talk_seconds if call.answered_at is not None else None,
                agent_interface=call.interface,
                queue_result=call.queue_result,
                inferred=inferred,
            )
        )
        return out


def _ended_by(reason: str | None) -> EndedBy | None:
    if reason == "caller":
        return "caller"
    if reason == "agent":
        return "agent"
    if reason == "transfer":
        return "transfer"
    return None


def _unanswered_outcome(call: _Call) -> tuple[Outcome, EndedBy | None]:
    if call.abandoned and call.caller_hung_up_before_abandon:
        return "abandoned", "caller"
    if call.queue_result == "TIMEOUT":
        return "timeout", None
    if call.queue_result is not None:
        return "unknown", None  # LEAVEEMPTY, WITHDRAW, ...: see queue_result
    if call.abandoned or call.caller_hangup_requested:
        return "abandoned", "caller"
    return "unknown", None


def _as_called(ev: ami.AgentConnect) -> ami.AgentCalled:
    return ami.AgentCalled(
        header=replace(ev.header, name="AgentCalled", action_id=None),
        channel=ev.channel,
        member=ev.member,
    )
