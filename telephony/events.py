"""Real-time payloads of the telephony app (schemas registered with ``callcenter.realtime``).

``call.ringing`` / ``call.ring_ended`` go to the rung agent only; ``call.answered`` is the
screen pop, to the answering agent only, and ``call.ticket`` completes it with the call's
ticket when the pop went out before the ticket was opened; ``call.queued`` /
``call.ended`` / ``agent.state`` go to the supervisors' wallboard (and ``agent.state`` to
the agent it concerns).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from callcenter.realtime import (
    SUPERVISORS_GROUP,
    broadcast_now,
    broadcast_on_commit,
    register_event,
    user_group,
)
from telephony import selectors
from telephony.models import Call, CallOffer

register_event(
    "call.ringing", version=1, required={"call_id", "offer_id", "queue", "caller_number"}
)
register_event("call.ring_ended", version=1, required={"call_id", "offer_id", "result"})
register_event(
    "call.answered",
    version=1,
    required={
        "call_id",
        "uniqueid",
        "queue",
        "caller_number",
        "caller_name",
        "wait_seconds",
        "answered_at",
        "ticket",
        "earlier_calls",
        "open_tickets",
    },
)
# The ticket of a call whose pop went out before the ticket existed; the desk merges it in.
register_event("call.ticket", version=1, required={"call_id", "uniqueid", "ticket"})
register_event("call.queued", version=1, required={"call_id", "queue", "joined_at"})
register_event("call.ended", version=1, required={"call_id", "queue", "outcome"})
register_event(
    "agent.state", version=1, required={"interface", "state", "paused_reason", "user_id"}
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def ringing(offer: CallOffer) -> None:
    if offer.user_id is None:
        return
    call = offer.call
    broadcast_on_commit(
        [user_group(offer.user_id)],
        "call.ringing",
        {
            "call_id": call.pk,
            "offer_id": offer.pk,
            "queue": call.queue,
            "caller_number": call.caller_number,
            "caller_name": call.caller_name or None,
        },
    )


def ring_ended(offer: CallOffer) -> None:
    if offer.user_id is None:
        return
    broadcast_on_commit(
        [user_group(offer.user_id)],
        "call.ring_ended",
        {"call_id": offer.call_id, "offer_id": offer.pk, "result": offer.result},
    )


def screen_pop(call: Call, data: dict[str, Any]) -> None:
    """The pop goes to the answering agent's group only (never to everyone)."""
    if call.agent_id is None:
        return
    broadcast_on_commit([user_group(call.agent_id)], "call.answered", data)


def screen_pop_now(agent_id: int, data: dict[str, Any]) -> None:
    """The pop before the call's rows are written: only for data already committed."""
    broadcast_now([user_group(agent_id)], "call.answered", data)


def ticket_opened(call: Call, *, agent_id: int | None) -> None:
    """Completes a pop sent by :func:`screen_pop_now` with the call's ticket."""
    if agent_id is None or call.ticket_id is None:
        return
    broadcast_on_commit(
        [user_group(agent_id)],
        "call.ticket",
        {
            "call_id": call.pk,
            "uniqueid": call.uniqueid,
            "ticket": selectors.ticket_summary(call.ticket),
        },
    )


def queued(call: Call) -> None:
    broadcast_on_commit(
        [SUPERVISORS_GROUP],
        "call.queued",
        {"call_id": call.pk, "queue": call.queue, "joined_at": _iso(call.joined_at)},
    )


def ended(call: Call) -> None:
    groups = [SUPERVISORS_GROUP]
    if call.agent_id is not None:
        groups.append(user_group(call.agent_id))
    broadcast_on_commit(
        groups,
        "call.ended",
        {
            "call_id": call.pk,
            "queue": call.queue,
            "outcome": call.outcome,
            "ended_by": call.ended_by or None,
            "wait_seconds": call.wait_seconds,
            "talk_seconds": call.talk_seconds,
            "ended_at": _iso(call.ended_at),
        },
    )


def agent_state(
    *, interface: str, state: str, paused_reason: str, since: dt.datetime, user_id: int | None
) -> None:
    groups = [SUPERVISORS_GROUP] + ([user_group(user_id)] if user_id is not None else [])
    broadcast_on_commit(
        groups,
        "agent.state",
        {
            "interface": interface,
            "state": state,
            "paused_reason": paused_reason,
            "since": since.isoformat(),
            "user_id": user_id,
        },
    )
