"""The agent asks the ACD for something: a pause, or a callback to a citizen.

Both go out as AMI commands on the running adapter's connection, or over a short session of
their own when no adapter runs (:mod:`telephony.acd_commands`), and never inside a database
transaction: they wait on the network. Neither writes the agent's state: the ACD reports it
back through the adapter like any other change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from telephony import acd_commands
from telephony.acd_members import member_interfaces_for
from telephony.dial_policy import Refusal, dial_policy
from telephony.exceptions import (
    AmiError,
    CallbackNumberMissing,
    CallbackNumberRefused,
    CallbackRateLimited,
    CallbackReasonRequired,
    DeviceInvalid,
    TelephonyUnavailable,
)
from telephony.models import AgentDevice
from tickets.phone import normalize_phone
from tickets.selectors import callbacks_started_count, ticket_for_action
from tickets.services import ticket_callback_record


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
    interfaces = member_interfaces_for(interfaces)
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


def ticket_callback_start(
    *, ticket_id: int, actor: User, number: str = "", reason: str = ""
) -> tuple[str, str]:
    """Call the citizen back: ring the actor's phone, then dial the citizen (AMI Originate).

    Without a number typed in, the ticket's recorded caller number is called. A number other
    than the recorded one needs a ``reason``; both go into the ticket's timeline. Every number
    must pass the dial policy (:mod:`telephony.dial_policy`), and an agent starts at most
    ``CALLCENTER_CALLBACK_RATE_LIMIT`` callbacks per window. Returns (number, interface).
    Recorded in the ticket's timeline once the ACD accepted it.
    """
    ticket = ticket_for_action(user=actor, ticket_id=ticket_id)
    reason = reason.strip()
    number = (number or ticket.caller_phone).strip()
    normalized = normalize_phone(number)
    if not normalized:
        raise CallbackNumberMissing.for_field(
            "number",
            _("No number to call back: enter one or store the caller's number with consent."),
        )
    _check_dial_policy(normalized)
    recorded = ticket.caller_phone_normalized or normalize_phone(ticket.caller_phone)
    # Without a recorded number there is nothing to deviate from: the typed one is the contact.
    other_number = bool(recorded) and normalized != recorded
    if other_number and not reason:
        raise CallbackReasonRequired.for_field(
            "reason",
            _(
                "This is not the number the caller gave: say why you call it "
                "(it is recorded in the ticket)."
            ),
        )
    interface = (
        AgentDevice.objects.filter(user=actor)
        .order_by("interface")
        .values_list("interface", flat=True)
        .first()
    )
    if interface is None:
        raise DeviceInvalid(_("No phone is mapped to your user; ask a supervisor."))
    _check_rate_limit(actor)
    try:
        acd_commands.originate(
            agent_device=interface,
            number=normalized,
            context=settings.AMI_CALLBACK_CONTEXT,
            caller_id=settings.AMI_CALLBACK_CALLER_ID,
        )
    except AmiError as exc:
        raise TelephonyUnavailable(
            _("The phone system did not start the callback: %(error)s") % {"error": exc.message}
        ) from exc
    ticket_callback_record(
        ticket=ticket,
        actor=actor,
        number=number,
        interface=interface,
        reason=reason if other_number else "",
    )
    return number, interface


def _check_dial_policy(normalized: str) -> None:
    refusal = dial_policy().refusal(normalized)
    if refusal is None:
        return
    messages = {
        Refusal.EMERGENCY: _("Emergency numbers are never called back."),
        Refusal.DENIED: _(
            "Premium-rate and service numbers (such as 0900, 0137, 0180, 0800) are not called back."
        ),
        Refusal.INTERNATIONAL: _(
            "Numbers outside Germany (and satellite numbers) are not called back."
        ),
        Refusal.INCOMPLETE: _("The number is incomplete: enter it with the area code."),
        Refusal.NOT_ALLOWED: _("Only German landline and mobile numbers are called back."),
    }
    message = messages[refusal]
    raise CallbackNumberRefused(
        message, extra={"reason": str(refusal), "fields": {"number": message}}
    )


def _check_rate_limit(actor: User) -> None:
    window = settings.CALLCENTER_CALLBACK_RATE_WINDOW_MINUTES
    limit = settings.CALLCENTER_CALLBACK_RATE_LIMIT
    since = timezone.now() - dt.timedelta(minutes=window)
    if callbacks_started_count(actor=actor, since=since) >= limit:
        raise CallbackRateLimited(
            _("You started %(limit)s callbacks in the last %(minutes)s minutes: wait a little.")
            % {"limit": limit, "minutes": window},
            extra={"limit": limit, "window_minutes": window},
        )
