"""Writes of the telephony app: domain events of the ACD become calls, offers and agent state.

Every function here is idempotent — the AMI adapter replays events after a reconnect and a
resync, and a CTI webhook may deliver the same event twice — so each one checks what is
already recorded before it changes anything, inside one transaction with the row locked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from callcenter.directory.models import Department
from knowledge.models import Service
from telephony import acd_commands, events, screen_pop, selectors
from telephony.acd_events import (
    AgentStateChanged,
    CallAnswered,
    CallEnded,
    CallJoined,
    DomainEvent,
    OfferEnded,
    OfferStarted,
)
from telephony.exceptions import (
    AmiError,
    CallAlreadyWrappedUp,
    CallNotFound,
    DeviceInvalid,
    TelephonyUnavailable,
    WrapUpInvalid,
)
from telephony.interfaces import interface_clean, interface_invalid_message
from telephony.models import AgentDevice, AgentStatus, Call, CallOffer, WrapUpOutcome
from tickets import services as ticket_services
from tickets.models import Channel, ResponseChannel
from tickets.phone import normalize_phone
from tickets.selectors import ticket_for_action
from tickets.services import CallerData, ticket_callback_record, ticket_create

logger = logging.getLogger(__name__)


def _at(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def _call_locked(system_id: str, uniqueid: str) -> Call | None:
    return Call.objects.select_for_update().filter(system_id=system_id, uniqueid=uniqueid).first()


@transaction.atomic
def call_joined(*, event: CallJoined) -> Call:
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
    if call.answered_at is None and call.ended_at is None:
        history = selectors.caller_history_data(call)
        transaction.on_commit(lambda: screen_pop.drafts.put(call, history))
    return call


@transaction.atomic
def call_offer_started(*, event: OfferStarted) -> CallOffer | None:
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
    draft = screen_pop.drafts.take(key)
    agent_id = selectors.user_id_for_interface(event.interface, cached_only=True)
    if draft is None or agent_id is None:
        return False
    known, history = draft
    known.answered_at = _at(event.answered_at)
    known.wait_seconds = event.wait_seconds
    events.screen_pop_now(agent_id, selectors.screen_pop_data(known, history=history))
    screen_pop.drafts.announced(key, agent_id)
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


@transaction.atomic
def agent_state_changed(*, event: AgentStateChanged) -> None:
    # One UPDATE that only matches a real change: the ACD repeats states (one
    # QueueMemberStatus per queue), and this runs for most events of every call.
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


@transaction.atomic
def device_map(*, username: str, interface: str) -> AgentDevice:
    """Map a queue member interface to a user; re-mapping an interface moves it."""
    cleaned = interface_clean(interface)
    if cleaned is None:
        raise DeviceInvalid.for_field("interface", interface_invalid_message())
    interface = cleaned
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DeviceInvalid.for_field("username", _("There is no active user with this username."))
    device, _created = AgentDevice.objects.update_or_create(
        interface=interface, defaults={"user": user}
    )
    selectors.device_cache_clear()
    return device


def agent_pause_set(*, user: User, paused: bool, reason: str = "") -> list[str]:
    """Pause or unpause the user's queue member interfaces in the ACD.

    The new state is not written here: it arrives as ``QueueMemberPause`` from the ACD, so
    the desk shows what the queue really does. Returns the interfaces changed.
    """
    reason = reason.strip()[:64]
    interfaces = list(
        AgentDevice.objects.filter(user=user)
        .order_by("interface")
        .values_list("interface", flat=True)
    )
    if not interfaces:
        raise DeviceInvalid(_("No phone is mapped to your user; ask a supervisor."))
    for interface in interfaces:
        try:
            acd_commands.queue_pause(
                interface=interface, paused=paused, reason=reason if paused else ""
            )
        except AmiError as exc:
            raise TelephonyUnavailable(
                _("The phone system did not accept the pause: %(error)s") % {"error": exc.message}
            ) from exc
    return interfaces


# --- Wrap-up at the desk -----------------------------------------------------------------------


# Outcomes that owe the citizen a response, so contact data (with consent) may be stored.
NEEDS_CONTACT = frozenset({WrapUpOutcome.ESCALATED, WrapUpOutcome.CALLBACK})


def _resolution(outcome: WrapUpOutcome, note: str) -> str:
    note = note.strip()
    return f"{outcome.label}: {note}" if note else str(outcome.label)


def call_wrap_up(
    *,
    call: Call,
    actor: User,
    outcome: str,
    note: str = "",
    department: Department | None = None,
    caller: CallerData | None = None,
    service: Service | None = None,
    expected_version: int | None = None,
) -> Call:
    """Save the agent's wrap-up: close or escalate the call's ticket, record after-call work.

    Only the answering agent wraps a call up. After-call work runs from the hang-up to now
    (0 when the agent wraps up while still talking). Contact data is accepted only for the
    outcomes that owe the caller a response, and only with consent (the tickets rules).
    """
    result = WrapUpOutcome(outcome)
    if call.agent_id != actor.pk:
        raise CallNotFound(_("Call not found."))
    if call.ticket_id is None:
        raise WrapUpInvalid(_("This call has no ticket to wrap up."))
    if result == WrapUpOutcome.ESCALATED and not note.strip():
        raise WrapUpInvalid.for_field("note", _("Describe the request for the department."))
    if result not in NEEDS_CONTACT and caller is not None and caller.has_contact_data():
        raise WrapUpInvalid.for_field(
            "caller", _("Contact data is only stored when the caller is owed a response.")
        )
    if result == WrapUpOutcome.CALLBACK and not (
        caller is not None and caller.consent and caller.phone.strip()
    ):
        raise WrapUpInvalid.for_field(
            "caller.phone", _("A callback needs the caller's phone number and consent.")
        )
    if result == WrapUpOutcome.CALLBACK and caller is not None:
        caller = dataclasses.replace(caller, response_channel=ResponseChannel.CALLBACK)
    now = timezone.now()
    with transaction.atomic():
        # Only the call row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.wrapped_up_at is not None:
            raise CallAlreadyWrappedUp(_("This call has already been wrapped up."))
        ticket = locked.ticket
        assert ticket is not None
        ticket = ticket_services.ticket_details_update(
            ticket=ticket,
            actor=actor,
            service=service,
            caller=caller if result in NEEDS_CONTACT else None,
            expected_version=expected_version,
        )
        if result == WrapUpOutcome.ESCALATED:
            ticket = ticket_services.ticket_escalate(
                ticket=ticket,
                actor=actor,
                department=department,
                note=note,
                expected_version=ticket.version,
            )
        else:
            ticket = ticket_services.ticket_close(
                ticket=ticket,
                actor=actor,
                resolution=_resolution(result, note),
                expected_version=ticket.version,
            )
        acw = max(0, int((now - locked.ended_at).total_seconds())) if locked.ended_at else 0
        locked.after_call_work_seconds = acw
        locked.wrap_up_outcome = result
        locked.wrapped_up_at = now
        locked.save(update_fields=["after_call_work_seconds", "wrap_up_outcome", "wrapped_up_at"])
    locked.ticket = ticket
    return locked


def ticket_callback_start(*, ticket_id: int, actor: User, number: str = "") -> tuple[str, str]:
    """Call the citizen back: ring the actor's phone, then dial the citizen (AMI Originate).

    The number is the one typed in, else the contact number stored with the caller's consent.
    Returns (number, interface). Recorded in the ticket's timeline once the ACD accepted it.
    """
    ticket = ticket_for_action(user=actor, ticket_id=ticket_id)
    number = (number or ticket.caller_phone).strip()
    if not normalize_phone(number):
        raise DeviceInvalid.for_field(
            "number",
            _("No number to call back: enter one or store the caller's number with consent."),
        )
    interface = (
        AgentDevice.objects.filter(user=actor)
        .order_by("interface")
        .values_list("interface", flat=True)
        .first()
    )
    if interface is None:
        raise DeviceInvalid(_("No phone is mapped to your user; ask a supervisor."))
    try:
        acd_commands.originate(
            agent_device=interface,
            number=normalize_phone(number),
            context=settings.AMI_CALLBACK_CONTEXT,
            caller_id=settings.AMI_CALLBACK_CALLER_ID,
        )
    except AmiError as exc:
        raise TelephonyUnavailable(
            _("The phone system did not start the callback: %(error)s") % {"error": exc.message}
        ) from exc
    ticket_callback_record(ticket=ticket, actor=actor, number=number, interface=interface)
    return number, interface
