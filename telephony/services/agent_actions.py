"""The agent asks the ACD for something: a pause, or a callback to a citizen.

Both go out as AMI commands over a short session of their own (:mod:`telephony.acd_commands`)
and never inside a database transaction: they wait on the network. Neither writes the
agent's state: the ACD reports it back through the adapter like any other change.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from telephony import acd_commands
from telephony.acd_members import member_interfaces_for
from telephony.exceptions import AmiError, DeviceInvalid, TelephonyUnavailable
from telephony.models import AgentDevice
from tickets.phone import normalize_phone
from tickets.selectors import ticket_for_action
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
