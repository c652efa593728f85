"""Typed AMI wire events: the fields the adapter uses, parsed once, with safe types.

:func:`parse_event` turns a :class:`~telephony.ami.framing.Message` into one of the
dataclasses below. Values that should be numbers but are not (hostile or broken
input) become ``None`` rather than raising; an event that lacks a field the state
machine keys on (``Uniqueid``, ``Interface``, ``DestUniqueid``) is demoted to a
:class:`GenericEvent`, so it can never create or change a call. Every other event
name also passes through as a :class:`GenericEvent`.

Fields come in typed groups, built once and shared: every event has a :class:`Header`;
channel events a :class:`ChannelSnapshot` (``event.channel.uniqueid``); ``Agent*`` events
also a :class:`MemberLeg` (``event.member.interface``, ``event.member.uniqueid``). The
fields specific to one event are flat (``event.hold_time``).

Field-name traps this module hides (see AMI.md 2.5): the ``QueueMember`` list item says
``Name``/``Location`` where ``QueueMemberStatus`` says ``MemberName``/``Interface``;
``RingTime`` is milliseconds in ``AgentRingNoAnswer`` but seconds in ``AgentConnect``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from telephony.ami.framing import Message

logger = logging.getLogger(__name__)

UNKNOWN_VALUES = frozenset({"", "<unknown>", "unknown"})


def _text(message: Message, key: str) -> str:
    return message.get(key) or ""


def _optional(message: Message, key: str) -> str | None:
    """Caller numbers and names: Asterisk writes ``<unknown>`` for "none"."""
    value = message.get(key)
    if value is None or value.strip() in UNKNOWN_VALUES:
        return None
    return value


def _count(message: Message, key: str) -> int | None:
    """A non-negative integer, or None for anything else (``-5``, ``abc``, ``1e99``)."""
    value = (message.get(key) or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        return None
    return int(value)


def _flag(message: Message, key: str) -> bool:
    return (message.get(key) or "").strip().lower() in {"1", "true", "yes"}


def _timestamp(message: Message) -> float | None:
    value = (message.get("Timestamp") or "").strip()
    if not value or len(value) > 32:
        return None
    try:
        result = float(value)
    except ValueError:
        return None
    if not math.isfinite(result) or result < 0:
        return None
    return result


@dataclass(frozen=True, kw_only=True)
class Header:
    """What every event has: its name, Asterisk's ``Timestamp``, the ``ActionID`` of a list
    item, and the raw headers (for logging, and the odd field nobody models)."""

    name: str
    timestamp: float | None = None
    action_id: str | None = None
    message: Message = field(repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class ChannelSnapshot:
    """The channel block of an event (for queue and ``Agent*`` events: the caller's)."""

    name: str
    uniqueid: str
    linkedid: str
    caller_number: str | None
    caller_name: str | None


@dataclass(frozen=True, kw_only=True)
class MemberLeg:
    """The queue member an ``Agent*`` event is about, with its leg (``Dest*`` headers)."""

    queue: str
    interface: str
    member_name: str
    channel: str
    uniqueid: str


@dataclass(frozen=True, kw_only=True)
class AmiEvent:
    header: Header


@dataclass(frozen=True, kw_only=True)
class GenericEvent(AmiEvent):
    """Any event the adapter does not model (or one too broken to model)."""


@dataclass(frozen=True, kw_only=True)
class ChannelEvent(AmiEvent):
    """An event carrying a channel snapshot."""

    channel: ChannelSnapshot


@dataclass(frozen=True, kw_only=True)
class QueueCallerJoin(ChannelEvent):
    queue: str
    position: int | None
    count: int | None


@dataclass(frozen=True, kw_only=True)
class QueueCallerLeave(ChannelEvent):
    queue: str
    position: int | None
    count: int | None


@dataclass(frozen=True, kw_only=True)
class QueueCallerAbandon(ChannelEvent):
    queue: str
    position: int | None
    original_position: int | None
    hold_time: int | None  # seconds waited (a duration, whatever the XML docs say)


@dataclass(frozen=True, kw_only=True)
class AgentEvent(ChannelEvent):
    """Agent* events: the caller's channel snapshot plus the member and its leg."""

    member: MemberLeg


@dataclass(frozen=True, kw_only=True)
class AgentCalled(AgentEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class AgentRingNoAnswer(AgentEvent):
    ring_time_ms: int | None  # milliseconds here, unlike AgentConnect


@dataclass(frozen=True, kw_only=True)
class AgentConnect(AgentEvent):
    hold_time: int | None  # seconds
    ring_time: int | None  # seconds


@dataclass(frozen=True, kw_only=True)
class AgentComplete(AgentEvent):
    hold_time: int | None
    talk_time: int | None
    reason: str  # caller | agent | transfer


@dataclass(frozen=True, kw_only=True)
class AgentDump(AgentEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class DialEnd(ChannelEvent):
    dest_channel: str
    dest_uniqueid: str
    dial_status: str


@dataclass(frozen=True, kw_only=True)
class Hangup(ChannelEvent):
    cause: int | None
    cause_txt: str


@dataclass(frozen=True, kw_only=True)
class HangupRequest(ChannelEvent):
    """``HangupRequest`` and ``SoftHangupRequest`` (``header.name`` tells which)."""

    cause: int | None


@dataclass(frozen=True, kw_only=True)
class VarSet(ChannelEvent):
    variable: str
    value: str


@dataclass(frozen=True, kw_only=True)
class UserEvent(AmiEvent):
    """``UserEvent``; the channel block is present when raised from a channel."""

    user_event: str
    uniqueid: str | None
    channel: str | None


@dataclass(frozen=True, kw_only=True)
class TransferEvent(AmiEvent):
    """``BlindTransfer`` / ``AttendedTransfer``: the channels the transfer moved."""

    result: str
    transferee_uniqueid: str | None
    transferer_uniqueid: str | None


@dataclass(frozen=True, kw_only=True)
class MemberState(AmiEvent):
    """A queue member's state in one queue.

    Built from ``QueueMemberStatus/Added/Removed/Pause`` events and from the ``QueueMember``
    list item of ``QueueStatus`` (whose ``Name``/``Location`` are mapped here).
    ``status`` is the numeric device state (1 not in use, 2 in use, 6 ringing, ...).
    """

    queue: str
    interface: str
    member_name: str
    state_interface: str
    status: int | None
    paused: bool
    paused_reason: str
    in_call: bool
    calls_taken: int | None


@dataclass(frozen=True, kw_only=True)
class QueueParams(AmiEvent):
    queue: str
    strategy: str
    calls: int | None
    completed: int | None
    abandoned: int | None


@dataclass(frozen=True, kw_only=True)
class QueueEntry(AmiEvent):
    """A caller still waiting (``QueueStatus`` list item). ``wait`` is in seconds."""

    queue: str
    position: int | None
    channel: str
    uniqueid: str
    caller_number: str | None
    caller_name: str | None
    wait: int | None


@dataclass(frozen=True, kw_only=True)
class CoreShowChannel(ChannelEvent):
    bridge_id: str
    application: str
    duration: str


@dataclass(frozen=True, kw_only=True)
class Shutdown(AmiEvent):
    shutdown: str
    restart: bool


@dataclass(frozen=True, kw_only=True)
class FullyBooted(AmiEvent):
    uptime: int | None
    status: str


class _Missing(Exception):
    """A field the state machine keys on is absent: demote to GenericEvent (never escapes)."""


def _required(message: Message, key: str) -> str:
    value = (message.get(key) or "").strip()
    if not value:
        raise _Missing(key)
    return value


def _header(message: Message, name: str) -> Header:
    return Header(
        name=name,
        timestamp=_timestamp(message),
        action_id=message.get("ActionID"),
        message=message,
    )


def _channel(message: Message, *, required: bool = True) -> ChannelSnapshot:
    return ChannelSnapshot(
        name=_text(message, "Channel"),
        uniqueid=_required(message, "Uniqueid") if required else _text(message, "Uniqueid"),
        linkedid=_text(message, "Linkedid"),
        caller_number=_optional(message, "CallerIDNum"),
        caller_name=_optional(message, "CallerIDName"),
    )


def _member_leg(message: Message, *, required: bool = True) -> MemberLeg:
    leg = _required(message, "DestUniqueid") if required else _text(message, "DestUniqueid")
    return MemberLeg(
        queue=_text(message, "Queue"),
        interface=_required(message, "Interface"),
        member_name=_text(message, "MemberName"),
        channel=_text(message, "DestChannel"),
        uniqueid=leg,
    )


def _member(message: Message, name: str, *, list_item: bool = False) -> MemberState:
    interface_key, name_key = ("Location", "Name") if list_item else ("Interface", "MemberName")
    return MemberState(
        header=_header(message, name),
        queue=_required(message, "Queue"),
        interface=_required(message, interface_key),
        member_name=_text(message, name_key),
        state_interface=_text(message, "StateInterface"),
        status=_count(message, "Status"),
        paused=_flag(message, "Paused"),
        paused_reason=_text(message, "PausedReason"),
        in_call=_flag(message, "InCall"),
        calls_taken=_count(message, "CallsTaken"),
    )


# Each builder returns the typed event or raises _Missing.
_BUILDERS: dict[str, Callable[[Message, str], AmiEvent]] = {
    "QueueCallerJoin": lambda m, n: QueueCallerJoin(
        header=_header(m, n),
        channel=_channel(m),
        queue=_required(m, "Queue"),
        position=_count(m, "Position"),
        count=_count(m, "Count"),
    ),
    "QueueCallerLeave": lambda m, n: QueueCallerLeave(
        header=_header(m, n),
        channel=_channel(m),
        queue=_text(m, "Queue"),
        position=_count(m, "Position"),
        count=_count(m, "Count"),
    ),
    "QueueCallerAbandon": lambda m, n: QueueCallerAbandon(
        header=_header(m, n),
        channel=_channel(m),
        queue=_text(m, "Queue"),
        position=_count(m, "Position"),
        original_position=_count(m, "OriginalPosition"),
        hold_time=_count(m, "HoldTime"),
    ),
    "AgentCalled": lambda m, n: AgentCalled(
        header=_header(m, n), channel=_channel(m), member=_member_leg(m)
    ),
    "AgentRingNoAnswer": lambda m, n: AgentRingNoAnswer(
        header=_header(m, n),
        channel=_channel(m),
        member=_member_leg(m),
        ring_time_ms=_count(m, "RingTime"),
    ),
    "AgentConnect": lambda m, n: AgentConnect(
        header=_header(m, n),
        channel=_channel(m),
        member=_member_leg(m),
        hold_time=_count(m, "HoldTime"),
        ring_time=_count(m, "RingTime"),
    ),
    # app_queue reads both snapshots when it notices the hang-up; when a channel is already
    # gone by then (its snapshot left the cache: common under load, and for the caller when
    # it hung up) it sends the event without that snapshot ("incomplete event"). Queue,
    # Interface and the times are always there: CallTracker.agent_complete finds the call.
    "AgentComplete": lambda m, n: AgentComplete(
        header=_header(m, n),
        channel=_channel(m, required=False),
        member=_member_leg(m, required=False),
        hold_time=_count(m, "HoldTime"),
        talk_time=_count(m, "TalkTime"),
        reason=_text(m, "Reason").strip().lower(),
    ),
    "AgentDump": lambda m, n: AgentDump(
        header=_header(m, n), channel=_channel(m), member=_member_leg(m)
    ),
    "DialEnd": lambda m, n: DialEnd(
        header=_header(m, n),
        channel=_channel(m),
        dest_channel=_text(m, "DestChannel"),
        dest_uniqueid=_text(m, "DestUniqueid"),
        dial_status=_text(m, "DialStatus").strip().upper(),
    ),
    "Hangup": lambda m, n: Hangup(
        header=_header(m, n),
        channel=_channel(m),
        cause=_count(m, "Cause"),
        cause_txt=_text(m, "Cause-txt"),
    ),
    "HangupRequest": lambda m, n: HangupRequest(
        header=_header(m, n), channel=_channel(m), cause=_count(m, "Cause")
    ),
    "SoftHangupRequest": lambda m, n: HangupRequest(
        header=_header(m, n), channel=_channel(m), cause=_count(m, "Cause")
    ),
    "VarSet": lambda m, n: VarSet(
        header=_header(m, n),
        channel=_channel(m),
        variable=_text(m, "Variable"),
        value=_text(m, "Value"),
    ),
    "UserEvent": lambda m, n: UserEvent(
        header=_header(m, n),
        user_event=_text(m, "UserEvent"),
        uniqueid=(m.get("Uniqueid") or "").strip() or None,
        channel=m.get("Channel"),
    ),
    "BlindTransfer": lambda m, n: TransferEvent(
        header=_header(m, n),
        result=_text(m, "Result"),
        transferee_uniqueid=m.get("TransfereeUniqueid"),
        transferer_uniqueid=m.get("TransfererUniqueid"),
    ),
    "AttendedTransfer": lambda m, n: TransferEvent(
        header=_header(m, n),
        result=_text(m, "Result"),
        transferee_uniqueid=m.get("TransfereeUniqueid"),
        transferer_uniqueid=m.get("OrigTransfererUniqueid"),
    ),
    "QueueMemberStatus": _member,
    "QueueMemberAdded": _member,
    "QueueMemberRemoved": _member,
    "QueueMemberPause": _member,
    "QueueMember": lambda m, n: _member(m, n, list_item=True),
    "QueueParams": lambda m, n: QueueParams(
        header=_header(m, n),
        queue=_required(m, "Queue"),
        strategy=_text(m, "Strategy"),
        calls=_count(m, "Calls"),
        completed=_count(m, "Completed"),
        abandoned=_count(m, "Abandoned"),
    ),
    "QueueEntry": lambda m, n: QueueEntry(
        header=_header(m, n),
        queue=_required(m, "Queue"),
        position=_count(m, "Position"),
        channel=_text(m, "Channel"),
        uniqueid=_required(m, "Uniqueid"),
        caller_number=_optional(m, "CallerIDNum"),
        caller_name=_optional(m, "CallerIDName"),
        wait=_count(m, "Wait"),
    ),
    "CoreShowChannel": lambda m, n: CoreShowChannel(
        header=_header(m, n),
        channel=_channel(m),
        bridge_id=_text(m, "BridgeId"),
        application=_text(m, "Application"),
        duration=_text(m, "Duration"),
    ),
    "Shutdown": lambda m, n: Shutdown(
        header=_header(m, n), shutdown=_text(m, "Shutdown"), restart=_flag(m, "Restart")
    ),
    "FullyBooted": lambda m, n: FullyBooted(
        header=_header(m, n), uptime=_count(m, "Uptime"), status=_text(m, "Status")
    ),
}


def parse_event(message: Message) -> AmiEvent:
    """Type an event message. Never raises; see the module docstring for the fallbacks."""
    name = (message.event or "").strip()
    builder = _BUILDERS.get(name)
    if builder is not None:
        try:
            return builder(message, name)
        except _Missing as missing:
            logger.debug("AMI: %s without %s, passed on as a generic event", name, missing)
    return GenericEvent(header=_header(message, name))
