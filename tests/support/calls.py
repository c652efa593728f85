"""Calls for tests: ACD domain events applied as the AMI adapter applies them.

A caller joins queue 115, the agent's phone rings, the agent answers, someone hangs up; each
step is one ``domain_event_apply`` with the fields a real ACD sends.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from telephony.acd_events import CallAnswered, CallEnded, CallJoined, OfferStarted
from telephony.models import Call
from telephony.services import device_map, domain_event_apply
from tickets.models import Ticket

_ids = itertools.count(1)


def join_and_ring(
    username: str,
    *,
    interface: str = "PJSIP/2101",
    caller_number: str = "+49 30 1234567",
    caller_name: str = "Müller, Jürgen",
    queue: str = "115",
    at: float,
) -> str:
    """A caller joins the queue and the agent's phone rings; returns the caller's Uniqueid."""
    device_map(username=username, interface=interface)
    joined, offered = join_and_ring_events(
        username,
        interface=interface,
        caller_number=caller_number,
        caller_name=caller_name,
        queue=queue,
        at=at,
    )
    domain_event_apply(event=joined)
    domain_event_apply(event=offered)
    return joined.uniqueid


def join_and_ring_events(
    username: str,
    *,
    interface: str = "PJSIP/2101",
    caller_number: str = "+49 30 1234567",
    caller_name: str = "Müller, Jürgen",
    queue: str = "115",
    at: float,
) -> tuple[CallJoined, OfferStarted]:
    """The ACD events of :func:`join_and_ring`, not applied (the agent's device not mapped)."""
    n = next(_ids)
    uniqueid, agent_leg = f"1700000000.{n}", f"1700000000.{n}a"
    common: dict[str, Any] = {"system_id": "test", "uniqueid": uniqueid}
    joined = CallJoined(
        **common,
        at=at - 8,
        channel=f"PJSIP/trunk-{n}",
        queue=queue,
        caller_number=caller_number,
        caller_name=caller_name,
        joined_at=at - 8,
    )
    offered = OfferStarted(
        **common,
        at=at - 2,
        agent_uniqueid=agent_leg,
        agent_channel=f"{interface}-{n}",
        interface=interface,
        member_name=username,
        queue=queue,
    )
    return joined, offered


def put_call_through(
    username: str,
    *,
    interface: str = "PJSIP/2101",
    caller_number: str = "+49 30 1234567",
    caller_name: str = "Müller, Jürgen",
    end: bool = False,
    at: float | None = None,
) -> Call:
    """A caller joins, the agent's phone rings, the agent answers (and hangs up if ``end``)."""
    t = at if at is not None else dt.datetime.now(dt.UTC).timestamp()
    uniqueid = join_and_ring(
        username, interface=interface, caller_number=caller_number, caller_name=caller_name, at=t
    )
    domain_event_apply(
        event=answered_event(
            username,
            uniqueid,
            interface=interface,
            at=t,
            caller_number=caller_number,
            caller_name=caller_name,
        )
    )
    if end:
        hang_up(uniqueid, interface=interface, answered_at=t, at=t + 60)
    return Call.objects.get(system_id="test", uniqueid=uniqueid)


def answered_event(
    username: str,
    uniqueid: str,
    *,
    interface: str,
    at: float,
    caller_number: str = "+49 30 1234567",
    caller_name: str = "Müller, Jürgen",
) -> CallAnswered:
    return CallAnswered(
        system_id="test",
        uniqueid=uniqueid,
        at=at,
        queue="115",
        interface=interface,
        member_name=username,
        agent_uniqueid=f"{uniqueid}a",
        agent_channel=f"{interface}-x",
        caller_number=caller_number,
        caller_name=caller_name,
        wait_seconds=7,
        ring_seconds=2,
        answered_at=at,
    )


def hang_up(uniqueid: str, *, interface: str, answered_at: float, at: float) -> None:
    domain_event_apply(
        event=CallEnded(
            system_id="test",
            uniqueid=uniqueid,
            at=at,
            queue="115",
            outcome="answered",
            ended_by="caller",
            joined_at=answered_at - 8,
            answered_at=answered_at,
            ended_at=at,
            wait_seconds=7,
            talk_seconds=int(at - answered_at),
            agent_interface=interface,
        )
    )


def ticket_of(call: Call) -> Ticket:
    """The call's ticket, fresh from the database (an answered call always has one)."""
    assert call.ticket_id is not None, f"call {call.uniqueid} has no ticket"
    return Ticket.objects.get(pk=call.ticket_id)
