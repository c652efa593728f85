"""What the client hands its consumer besides AMI events.

The client puts these on the same queue as the events, in wire order, so the
state machine sees a resync snapshot exactly where it sits between live events.
"""

from __future__ import annotations

from dataclasses import dataclass

from telephony.ami.wire_events import (
    AmiEvent,
    CoreShowChannel,
    MemberState,
    QueueEntry,
    QueueParams,
)


@dataclass(frozen=True)
class SessionStarted:
    """A login succeeded. ``generation`` counts sessions (1 for the first login)."""

    generation: int
    banner: str | None
    at: float


@dataclass(frozen=True)
class SessionLost:
    """The connection ended (EOF, error, watchdog, shutdown). Events may be lost from here."""

    reason: str
    at: float


@dataclass(frozen=True)
class QueueStatusSnapshot:
    """The complete answer to ``QueueStatus`` (all queues)."""

    params: tuple[QueueParams, ...]
    members: tuple[MemberState, ...]
    entries: tuple[QueueEntry, ...]
    at: float


@dataclass(frozen=True)
class ChannelsSnapshot:
    """The complete answer to ``CoreShowChannels``: every channel that exists right now."""

    channels: tuple[CoreShowChannel, ...]
    at: float


Item = AmiEvent | SessionStarted | SessionLost | QueueStatusSnapshot | ChannelsSnapshot
