"""Answers to the list actions, built from the live model (AMI.md 1.4 and 2.6).

Each function returns the list items only; the server wraps them in the ``EventList:
start`` response and the ``…Complete`` event with ``ListItems``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telephony.ami.framing import Message
from telephony.simulator import wire

if TYPE_CHECKING:
    from telephony.simulator.acd import AcdModel


def _matches(value: str, wanted: str | None) -> bool:
    return not wanted or value.lower() == wanted.strip().lower()


def queue_status(
    acd: AcdModel, action_id: str | None, *, queue: str | None = None, member: str | None = None
) -> list[Message]:
    """``QueueParams``, its ``QueueMember`` items, then its ``QueueEntry`` items, per queue.

    Only waiting callers are entries: an answered caller has left the queue.
    """
    items: list[Message] = []
    for name, config in acd.queues.items():
        if not _matches(name, queue):
            continue
        waiting = acd.waiting[name]
        if not member:
            items.append(wire.queue_params(config, acd.stats[name], len(waiting), action_id))
        for candidate in acd.members:
            if name in candidate.queues and (
                _matches(candidate.interface, member) or _matches(candidate.agent.name, member)
            ):
                items.append(wire.member_item(candidate, name, action_id))
        if not member:
            for position, call in enumerate(waiting, start=1):
                wait = int(acd.now) - int(call.joined_at)
                items.append(wire.queue_entry(name, position, call.channel, wait, action_id))
    return items


def queue_summary(
    acd: AcdModel, action_id: str | None, *, queue: str | None = None
) -> list[Message]:
    items: list[Message] = []
    for name in acd.queues:
        if not _matches(name, queue):
            continue
        members = [m for m in acd.members if name in m.queues]
        available = sum(1 for m in members if m.available_for(name))
        waiting = acd.waiting[name]
        longest = max((int(acd.now) - int(c.joined_at) for c in waiting), default=0)
        items.append(
            wire.queue_summary(
                name, len(members), available, len(waiting), acd.stats[name], longest, action_id
            )
        )
    return items


def core_show_channels(acd: AcdModel, action_id: str | None) -> list[Message]:
    channels = sorted(acd.emitter.channels.values(), key=lambda c: c.created_at)
    return [wire.core_show_channel(channel, acd.now, action_id) for channel in channels]
