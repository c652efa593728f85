"""ACD events: what an automatic call distributor tells the rest of the system.

Two sources produce them: the AMI call-state machine (:mod:`telephony.ami.state`) and the
generic CTI webhook (:mod:`telephony.cti`). They are the only objects the ``telephony``
services (database writes, screen pops, wallboard) need to understand; they carry no AMI
vocabulary beyond identifiers. (Not to be confused with the AMI wire events of
:mod:`telephony.ami.wire_events`, nor with the real-time payloads of :mod:`telephony.events`.)
All are frozen dataclasses; :func:`as_dict` turns one into a JSON-ready dict with a
``type`` key. Schema (every event has ``system_id``, the Asterisk the adapter speaks to,
and ``at``, Unix seconds taken from the AMI ``Timestamp`` header when present, else
from the adapter's clock):

``call.joined`` (:class:`CallJoined`)
    ``uniqueid`` (caller channel, with ``system_id`` the call key), ``channel``, ``queue``,
    ``caller_number`` / ``caller_name`` (``None`` when Asterisk says ``<unknown>``; numbers
    are kept as received, E.164 or national), ``joined_at`` (= ``at``).
``offer.started`` (:class:`OfferStarted`)
    A member phone starts ringing: ``uniqueid`` (call), ``agent_uniqueid`` / ``agent_channel``
    (the member leg), ``interface`` (e.g. ``PJSIP/2101``), ``member_name``, ``queue``.
``offer.ended`` (:class:`OfferEnded`)
    Same identifiers plus ``result``: ``missed`` (rang out, ``AgentRingNoAnswer``, or the
    member dropped, ``AgentDump``), ``answered`` (this member took the call) or
    ``cancelled`` (the caller hung up, or another member answered under ``ringall``), and
    ``ring_ms`` when Asterisk reported it.
``call.answered`` (:class:`CallAnswered`) — the screen pop
    Sent once per call, at ``AgentConnect``, for the ``interface`` of that event only.
    ``wait_seconds`` (``HoldTime``), ``ring_seconds``, caller number/name, agent leg.
``call.ended`` (:class:`CallEnded`)
    Sent once per call. ``outcome``: ``answered`` | ``abandoned`` (the caller hung up while
    waiting) | ``timeout`` (the queue's timeout expired) | ``transferred`` | ``unknown``;
    ``ended_by``: ``caller`` | ``agent`` | ``transfer`` | ``None``; ``wait_seconds``
    (``HoldTime`` of AgentConnect/QueueCallerAbandon), ``talk_seconds`` (``TalkTime``);
    ``queue_result`` (``QUEUESTATUS`` when the caller left the queue without an answer,
    e.g. ``TIMEOUT``, ``LEAVEEMPTY``); ``inferred`` is true when the end was not seen but
    deduced (a resync found the channel gone, or ``AgentComplete`` never came).
``agent.state`` (:class:`AgentStateChanged`)
    Per member ``interface``: ``state`` one of ``available``, ``paused``, ``ringing``,
    ``in_call``, ``unavailable``, ``logged_out``; ``paused_reason`` when paused. Sent only
    when the state or reason changes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Outcome = Literal["answered", "abandoned", "timeout", "transferred", "unknown"]
EndedBy = Literal["caller", "agent", "transfer"]
OfferResult = Literal["missed", "answered", "cancelled"]
AgentState = Literal["available", "paused", "ringing", "in_call", "unavailable", "logged_out"]


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    type: ClassVar[str] = ""
    system_id: str
    at: float


@dataclass(frozen=True, kw_only=True)
class CallJoined(DomainEvent):
    type: ClassVar[str] = "call.joined"
    uniqueid: str
    channel: str
    queue: str
    caller_number: str | None
    caller_name: str | None
    joined_at: float


@dataclass(frozen=True, kw_only=True)
class OfferStarted(DomainEvent):
    type: ClassVar[str] = "offer.started"
    uniqueid: str
    agent_uniqueid: str
    agent_channel: str
    interface: str
    member_name: str
    queue: str


@dataclass(frozen=True, kw_only=True)
class OfferEnded(DomainEvent):
    type: ClassVar[str] = "offer.ended"
    uniqueid: str
    agent_uniqueid: str
    interface: str
    result: OfferResult
    ring_ms: int | None = None


@dataclass(frozen=True, kw_only=True)
class CallAnswered(DomainEvent):
    type: ClassVar[str] = "call.answered"
    uniqueid: str
    queue: str
    interface: str
    member_name: str
    agent_uniqueid: str
    agent_channel: str
    caller_number: str | None
    caller_name: str | None
    wait_seconds: int | None
    ring_seconds: int | None
    answered_at: float


@dataclass(frozen=True, kw_only=True)
class CallEnded(DomainEvent):
    type: ClassVar[str] = "call.ended"
    uniqueid: str
    queue: str
    outcome: Outcome
    ended_by: EndedBy | None
    joined_at: float
    answered_at: float | None
    ended_at: float
    wait_seconds: int | None
    talk_seconds: int | None
    agent_interface: str | None
    queue_result: str | None = None
    inferred: bool = False


@dataclass(frozen=True, kw_only=True)
class AgentStateChanged(DomainEvent):
    type: ClassVar[str] = "agent.state"
    interface: str
    member_name: str
    state: AgentState
    paused_reason: str = ""


def as_dict(event: DomainEvent) -> dict[str, Any]:
    """JSON-ready payload: ``{"type": ..., **fields}``."""
    return {"type": event.type, **dataclasses.asdict(event)}
