"""The generic CTI webhook for ACDs other than Asterisk, in the style of Zammad's CTI API.

The ACD posts ``newCall``, ``answer`` and ``hangup`` for a ``callId``; each becomes the same
domain event the AMI adapter produces and goes through the same services. Providers drop,
repeat and reorder these events (zammad/zammad#3247), so: a repeated event changes nothing,
an ``answer`` or ``hangup`` for a call whose ``newCall`` never came still records the call,
and an ``answer`` after the ``hangup`` is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _

from telephony import selectors
from telephony.acd_events import CallAnswered, CallEnded, CallJoined, EndedBy, Outcome
from telephony.exceptions import CtiSystemNameTaken, CtiTokenInvalid
from telephony.models import Call, CtiSystem
from telephony.services import domain_event_apply

HangupCause = Literal[
    "normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded"
]
_UNANSWERED_OUTCOME: dict[str, Outcome] = {
    "cancel": "abandoned",
    "noAnswer": "timeout",
    "forwarded": "transferred",
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def cti_system_create(*, name: str) -> tuple[CtiSystem, str]:
    """Register an ACD; returns the system and its token (shown this once)."""
    if CtiSystem.objects.filter(name=name).exists():
        message = _("A CTI system named %(name)s already exists.") % {"name": name}
        raise CtiSystemNameTaken(message, extra={"fields": {"name": message}})
    token = secrets.token_urlsafe(32)
    system = CtiSystem.objects.create(name=name, token_hash=_hash(token))
    return system, token


def cti_system_for_token(token: str) -> CtiSystem:
    if token:
        digest = _hash(token)
        for system in CtiSystem.objects.filter(is_active=True, token_hash=digest):
            if hmac.compare_digest(system.token_hash, digest):
                return system
    raise CtiTokenInvalid(_("Unknown or inactive CTI token."))


def _joined(system: CtiSystem, *, call_id: str, caller: str, queue: str, at: float) -> None:
    domain_event_apply(
        event=CallJoined(
            system_id=system.system_id,
            at=at,
            uniqueid=call_id,
            channel="",
            queue=queue,
            caller_number=caller or None,
            caller_name=None,
            joined_at=at,
        )
    )


def cti_new_call(*, system: CtiSystem, call_id: str, caller: str, queue: str) -> None:
    _joined(system, call_id=call_id, caller=caller, queue=queue, at=time.time())


def cti_answer(*, system: CtiSystem, call_id: str, caller: str, queue: str, agent: str) -> None:
    now = time.time()
    call = Call.objects.filter(system_id=system.system_id, uniqueid=call_id).first()
    if call is None:
        _joined(system, call_id=call_id, caller=caller, queue=queue, at=now)
        call = Call.objects.get(system_id=system.system_id, uniqueid=call_id)
    if call.ended_at is not None:
        return  # an answer after the hang-up: the record is complete already
    domain_event_apply(
        event=CallAnswered(
            system_id=system.system_id,
            at=now,
            uniqueid=call_id,
            queue=call.queue,
            interface=selectors.interface_for_agent(agent),
            member_name=agent,
            agent_uniqueid="",
            agent_channel="",
            caller_number=call.caller_number or None,
            caller_name=call.caller_name or None,
            wait_seconds=max(0, round(now - call.joined_at.timestamp())),
            ring_seconds=None,
            answered_at=now,
        )
    )


def cti_hangup(*, system: CtiSystem, call_id: str, caller: str, queue: str, cause: str) -> None:
    now = time.time()
    call = Call.objects.filter(system_id=system.system_id, uniqueid=call_id).first()
    if call is None:
        _joined(system, call_id=call_id, caller=caller, queue=queue, at=now)
        call = Call.objects.get(system_id=system.system_id, uniqueid=call_id)
    answered_at = call.answered_at
    ended_by: EndedBy | None = None
    if answered_at is not None:
        outcome: Outcome = "transferred" if cause == "forwarded" else "answered"
        talk: int | None = max(0, round(now - answered_at.timestamp()))
        wait = call.wait_seconds
    else:
        outcome = _UNANSWERED_OUTCOME.get(cause, "unknown")
        talk = None
        wait = max(0, round(now - call.joined_at.timestamp()))
    if cause == "forwarded":
        ended_by = "transfer"
    elif outcome == "abandoned":
        ended_by = "caller"
    domain_event_apply(
        event=CallEnded(
            system_id=system.system_id,
            at=now,
            uniqueid=call_id,
            queue=call.queue,
            outcome=outcome,
            ended_by=ended_by,
            joined_at=call.joined_at.timestamp(),
            answered_at=answered_at.timestamp() if answered_at else None,
            ended_at=now,
            wait_seconds=wait,
            talk_seconds=talk,
            agent_interface=call.agent_interface or None,
        )
    )


def cti_event_apply(
    *,
    system: CtiSystem,
    event: str,
    callId: str,
    direction: str,
    from_: str,
    to: str,
    queue: str,
    user: list[str],
    answeringNumber: str,
    cause: str,
) -> None:
    if direction != "in":
        return  # 115 queues are inbound; outbound calls are the callback feature's business
    queue = queue or to
    if event == "newCall":
        cti_new_call(system=system, call_id=callId, caller=from_, queue=queue)
    elif event == "answer":
        agent = answeringNumber or user[0]
        cti_answer(system=system, call_id=callId, caller=from_, queue=queue, agent=agent)
    else:
        cti_hangup(system=system, call_id=callId, caller=from_, queue=queue, cause=cause)
