"""ACD events become calls, offers and agent state; the screen pop goes out on the answer.

Every function here is idempotent — the AMI adapter replays events after a reconnect and a
resync, and a CTI webhook may deliver the same event twice — so each one checks what is
already recorded before it changes anything, inside one transaction with the row locked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from telephony import events, screen_pop, selectors
from telephony.acd_events import (
    AgentStateChanged,
    CallAnswered,
    CallEnded,
    CallJoined,
    DomainEvent,
    OfferEnded,
    OfferStarted,
)
from telephony.models import AgentStatus, Call, CallOffer
from tickets.models import Channel
from tickets.phone import normalize_phone
from tickets.services import ticket_create

logger = logging.getLogger(__name__)


def _at(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def _call_locked(system_id: str, uniqueid: str) -> Call | None:
    return Call.objects.select_for_update().filter(system_id=system_id, uniqueid=uniqueid).first()


def call_joined(*, event: CallJoined) -> Call:
    # No transaction of its own: get_or_create inserts in one (and finds the row a racing
    # insert made), the rest only reads; the AMI adapter applies every join twice (its pop
    # thread, then its writer), and the second one is then a single SELECT.
    call, created = Call.objects.get_or_create(
        system_id=event.system_id,
        uniqueid=event.uniqueid,
        defaults={
            "channel": event.channel,
            "queue": event.queue,
            "caller_number": event.caller_number or "",
            "caller_number_normalized": normalize_phone(event.caller_number or ""),
            "caller_name": event.caller_name or "",
            "joined_at": _at(event.joined_at),
        },
    )
    if created:
        events.queued(call)
    # The AMI adapter prepares the draft ahead of its write queue, then writes the join in
    # order: the second time finds the row and the draft (or the pop sent) and looks up nothing.
    key = (call.system_id, call.uniqueid)
    if call.answered_at is None and call.ended_at is None and screen_pop.drafts.wanted(key):
        history = selectors.caller_history_data(call)
        transaction.on_commit(lambda: screen_pop.drafts.put(call, history))
    return call


def call_offer_started(*, event: OfferStarted) -> CallOffer | None:
    # Recorded already (the AMI adapter's pop thread writes offers ahead of its writer, which
    # applies them again): one read, no lock.
    recorded = (
        CallOffer.objects.select_related("call")
        .filter(
            call__system_id=event.system_id,
            call__uniqueid=event.uniqueid,
            agent_uniqueid=event.agent_uniqueid,
        )
        .first()
    )
    return recorded or _call_offer_record(event)


@transaction.atomic
def _call_offer_record(event: OfferStarted) -> CallOffer | None:
    call = _call_locked(event.system_id, event.uniqueid)
    if call is None:
        logger.warning("offer for unknown call %s/%s ignored", event.system_id, event.uniqueid)
        return None
    offer, created = CallOffer.objects.get_or_create(
        call=call,
        agent_uniqueid=event.agent_uniqueid,
        defaults={
            "interface": event.interface,
            "member_name": event.member_name,
            # Read afresh: the answer's screen pop relies on this cache entry being recent.
            "user_id": selectors.user_id_for_interface(event.interface, refresh=True),
            "offered_at": _at(event.at),
        },
    )
    if created:
        events.ringing(offer)
    return offer


@transaction.atomic
def call_offer_ended(*, event: OfferEnded) -> CallOffer | None:
    offer = (
        CallOffer.objects.select_for_update()
        .select_related("call")
        .filter(
            call__system_id=event.system_id,
            call__uniqueid=event.uniqueid,
            agent_uniqueid=event.agent_uniqueid,
        )
        .first()
    )
    if offer is None or offer.result:
        return offer
    offer.result = event.result
    offer.ended_at = _at(event.at)
    offer.ring_ms = event.ring_ms
    offer.save(update_fields=["result", "ended_at", "ring_ms"])
    events.ring_ended(offer)
    return offer


def call_answer_announce(*, event: CallAnswered) -> bool:
    """Send the screen pop now, before anything is written; False when it cannot be.

    Everything the pop shows is known already when the join was seen in this process: the
    call row (committed at the join), the caller's history (looked up then), the ACD's
    event and the cached agent of the interface. It is sent at once, not on commit, because
    it reports nothing that is being written; :func:`call_answered` records the answer and
    sends the call's new ticket as ``call.ticket``. No database access: the AMI adapter
    calls this on its event thread, ahead of the writes queued there (``runtime``).
    """
    key = (event.system_id, event.uniqueid)
    agent_id = selectors.user_id_for_interface(event.interface, cached_only=True)
    if agent_id is None:
        return False
    draft = screen_pop.drafts.claim(key, agent_id)
    if draft is None:
        return False
    known, history = draft
    known.answered_at = _at(event.answered_at)
    known.wait_seconds = event.wait_seconds
    events.screen_pop_now(agent_id, selectors.screen_pop_data(known, history=history))
    return True


def call_answered(*, event: CallAnswered) -> Call | None:
    """Record the answer, open the call's ticket, and make sure the agent got the pop.

    The pop went out already when :func:`call_answer_announce` could send it (this calls
    it, for callers that did not); then only the ticket follows, as ``call.ticket``.
    Otherwise the whole pop is sent on commit, with the ticket in it.
    """
    key = (event.system_id, event.uniqueid)
    call_answer_announce(event=event)
    announced_to = screen_pop.drafts.take_announced(key)
    with transaction.atomic():
        call = _call_locked(event.system_id, event.uniqueid)
        if call is None:
            logger.warning("answer for unknown call %s/%s ignored", event.system_id, event.uniqueid)
            return None
        if call.answered_at is not None:
            # Answered already (e.g. through the CTI webhook): complete a pop just sent.
            events.ticket_opened(call, agent_id=announced_to)
            return call
        agent_id = selectors.user_id_for_interface(event.interface)
        agent = User.objects.filter(pk=agent_id).first() if agent_id is not None else None
        call.answered_at = _at(event.answered_at)
        call.agent = agent
        call.agent_interface = event.interface
        call.wait_seconds = event.wait_seconds
        if call.ticket_id is None:
            call.ticket = ticket_create(
                actor=agent if has_capability(agent, Capability.USE_DESK) else None,
                subject=_("Call in queue %(queue)s") % {"queue": call.queue},
                channel=Channel.PHONE,
            )
        call.save(
            update_fields=["answered_at", "agent", "agent_interface", "wait_seconds", "ticket"]
        )
        if announced_to is not None and announced_to == call.agent_id:
            events.ticket_opened(call, agent_id=announced_to)
        else:
            screen_pop.drafts.sending_after_write(key)
            events.screen_pop(call, selectors.screen_pop_data(call))
    return call


@transaction.atomic
def call_ended(*, event: CallEnded) -> Call:
    call = _call_locked(event.system_id, event.uniqueid)
    if call is None:
        # The join was never seen (the adapter started mid-call): record what we know.
        call = Call.objects.create(
            system_id=event.system_id,
            uniqueid=event.uniqueid,
            queue=event.queue,
            joined_at=_at(event.joined_at),
        )
    if call.ended_at is not None:
        return call
    screen_pop.drafts.forget((event.system_id, event.uniqueid))
    call.ended_at = _at(event.ended_at)
    if event.answered_at is not None and call.answered_at is None:
        call.answered_at = _at(event.answered_at)
    call.outcome = event.outcome
    call.ended_by = event.ended_by or ""
    call.wait_seconds = event.wait_seconds if event.wait_seconds is not None else call.wait_seconds
    call.talk_seconds = event.talk_seconds
    call.queue_result = event.queue_result or ""
    call.end_inferred = event.inferred
    if event.agent_interface and not call.agent_interface:
        call.agent_interface = event.agent_interface
        call.agent_id = selectors.user_id_for_interface(event.agent_interface)
    call.save()
    events.ended(call)
    return call


def agent_state_changed(*, event: AgentStateChanged) -> None:
    # One UPDATE that only matches a real change: the ACD repeats states (one
    # QueueMemberStatus per queue), and this runs for most events of every call. A single
    # statement needs no transaction around it (BEGIN and COMMIT would triple its round
    # trips); get_or_create has its own for the first state of an interface.
    since = _at(event.at)
    changed = (
        AgentStatus.objects.filter(interface=event.interface)
        .exclude(state=event.state, paused_reason=event.paused_reason)
        .update(state=event.state, paused_reason=event.paused_reason, since=since)
    )
    if not changed:
        _status, created = AgentStatus.objects.get_or_create(
            interface=event.interface,
            defaults={"state": event.state, "paused_reason": event.paused_reason, "since": since},
        )
        if not created:
            return
    events.agent_state(
        interface=event.interface,
        state=event.state,
        paused_reason=event.paused_reason,
        since=since,
        user_id=selectors.user_id_for_interface(event.interface),
    )


_HANDLERS: dict[type[DomainEvent], Callable[..., Any]] = {
    CallJoined: call_joined,
    OfferStarted: call_offer_started,
    OfferEnded: call_offer_ended,
    CallAnswered: call_answered,
    CallEnded: call_ended,
    AgentStateChanged: agent_state_changed,
}


def domain_event_apply(*, event: DomainEvent) -> None:
    """The one entry point for the AMI adapter and the CTI webhook."""
    handler = _HANDLERS.get(type(event))
    if handler is None:
        raise TypeError(f"no handler for {type(event).__name__}")
    handler(event=event)
