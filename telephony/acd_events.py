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

Every text field is bounded to the column that stores it (the ``*_MAX`` constants, which the
models use as ``max_length``) when the event is built, so no value from an ACD can make a call
unrecordable. Informational text is cut and ends in :data:`TRUNCATED`; an identifier cannot be
cut (two calls would share a key), so it becomes :func:`bounded_identifier`, a stable and still
distinct key, and a warning is logged. The CTI webhook refuses over-long identifiers with a 400
before they get here; Asterisk cannot be refused, so for the AMI adapter this is the edge.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal

logger = logging.getLogger(__name__)

# Column sizes, shared with telephony.models.
SYSTEM_ID_MAX: Final = 64
UNIQUEID_MAX: Final = 64
CHANNEL_MAX: Final = 128
QUEUE_MAX: Final = 64
CALLER_NUMBER_MAX: Final = 64
CALLER_NAME_MAX: Final = 255
INTERFACE_MAX: Final = 128
MEMBER_NAME_MAX: Final = 128
PAUSED_REASON_MAX: Final = 128
QUEUE_RESULT_MAX: Final = 32

TRUNCATED: Final = "…"
_DIGEST_CHARS: Final = 16


def truncated(value: str, limit: int) -> str:
    """Informational text cut to ``limit`` characters, the cut marked with :data:`TRUNCATED`."""
    return value if len(value) <= limit else value[: limit - len(TRUNCATED)] + TRUNCATED


def bounded_identifier(value: str, limit: int) -> str:
    """An identifier of at most ``limit`` characters: as it is if it fits, else its start and a
    digest of the whole, so equal values stay equal and different ones different."""
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST_CHARS]
    return f"{value[: limit - _DIGEST_CHARS - 1]}~{digest}"


# Field name → (column size, is an identifier). The names mean the same in every event.
_BOUNDS: Final[dict[str, tuple[int, bool]]] = {
    "system_id": (SYSTEM_ID_MAX, True),
    "uniqueid": (UNIQUEID_MAX, True),
    "agent_uniqueid": (UNIQUEID_MAX, True),
    "queue": (QUEUE_MAX, True),
    "interface": (INTERFACE_MAX, True),
    "agent_interface": (INTERFACE_MAX, True),
    "channel": (CHANNEL_MAX, False),
    "agent_channel": (CHANNEL_MAX, False),
    "caller_number": (CALLER_NUMBER_MAX, False),
    "caller_name": (CALLER_NAME_MAX, False),
    "member_name": (MEMBER_NAME_MAX, False),
    "paused_reason": (PAUSED_REASON_MAX, False),
    "queue_result": (QUEUE_RESULT_MAX, False),
}

Outcome = Literal["answered", "abandoned", "timeout", "transferred", "unknown"]
EndedBy = Literal["caller", "agent", "transfer"]
OfferResult = Literal["missed", "answered", "cancelled"]
AgentState = Literal["available", "paused", "ringing", "in_call", "unavailable", "logged_out"]


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    type: ClassVar[str] = ""
    system_id: str
    at: float

    def __post_init__(self) -> None:
        for name, (limit, identifier) in _BOUNDS.items():
            value = getattr(self, name, None)
            if not isinstance(value, str) or len(value) <= limit:
                continue
            if identifier:
                bounded = bounded_identifier(value, limit)
                logger.warning(
                    "%s: %s of %d characters bounded to %r", self.type, name, len(value), bounded
                )
            else:
                bounded = truncated(value, limit)
            object.__setattr__(self, name, bounded)


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
