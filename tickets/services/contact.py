"""The caller's contact data (stored only with consent) and callbacks to the caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.models import User
from knowledge.models import Service
from tickets.exceptions import TicketInvalid
from tickets.models import ResponseChannel, Ticket, TimelineEntry, Visibility
from tickets.phone import normalize_phone
from tickets.services.base import Changes, check_version, locked_visible
from tickets.timeline import timeline_entry_add
from tickets.workflow import AuditCode


@dataclass(frozen=True)
class CallerData:
    """Contact data for the response; stored only when ``consent`` is given."""

    consent: bool = False
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    response_channel: str = ResponseChannel.NONE

    def has_contact_data(self) -> bool:
        return any((self.name, self.phone, self.email, self.address))


def caller_fields(caller: CallerData) -> Changes:
    if not caller.consent:
        if caller.has_contact_data():
            raise TicketInvalid.for_field(
                "caller.consent", _("Contact data may only be stored with the caller's consent.")
            )
        return {}
    required = {
        ResponseChannel.EMAIL: ("email", caller.email),
        ResponseChannel.CALLBACK: ("phone", caller.phone),
        ResponseChannel.LETTER: ("address", caller.address),
    }.get(ResponseChannel(caller.response_channel))
    if required and not required[1].strip():
        raise TicketInvalid.for_field(
            f"caller.{required[0]}", _("The chosen response channel needs this contact detail.")
        )
    return {
        "caller_consent": True,
        "caller_consent_at": timezone.now(),
        "caller_name": caller.name.strip(),
        "caller_phone": caller.phone.strip(),
        "caller_phone_normalized": normalize_phone(caller.phone),
        "caller_email": caller.email.strip().lower(),
        "caller_address": caller.address.strip(),
        "response_channel": caller.response_channel,
    }


def ticket_callback_record(
    *, ticket: Ticket, actor: User, number: str, interface: str, reason: str = ""
) -> TimelineEntry:
    """Record that the ACD was asked to connect ``actor``'s phone with the citizen.

    ``reason`` is why a number other than the recorded caller number was called: free text,
    scrubbed like a note when the caller data is anonymised.
    """
    data = {"number": number, "interface": interface}
    if reason:
        data["reason"] = reason
    # Additive like a note: a callback never conflicts with an edit, so no version bump.
    with transaction.atomic():
        locked = locked_visible(ticket, actor)
        return timeline_entry_add(
            ticket=locked,
            actor=actor,
            code=AuditCode.CALLBACK_STARTED,
            data=data,
            visibility=Visibility.INTERNAL,
        )


def ticket_details_update(
    *,
    ticket: Ticket,
    actor: User,
    service: Service | None,
    caller: CallerData | None,
    expected_version: int | None,
) -> Ticket:
    """Link the service used and store the caller's contact data (consent rules apply).

    The desk's wrap-up calls this for the ticket a call opened: ``ticket_create`` sets both
    fields, but the call's ticket exists before the agent knows them.
    """
    fields: dict[str, Any] = {}
    if caller is not None:
        fields.update(caller_fields(caller))
    if service is not None and service.pk != ticket.service_id:
        fields["service"] = service
    if not fields:
        check_version(ticket, expected_version)
        return ticket
    with transaction.atomic():
        locked = locked_visible(ticket, actor)
        check_version(locked, expected_version)
        Ticket.objects.filter(pk=locked.pk).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )
        locked.refresh_from_db()
        timeline_entry_add(
            ticket=locked,
            actor=actor,
            code=AuditCode.DETAILS_SET,
            # Never the contact data itself: the timeline outlives the retention period.
            data={
                "service": locked.service_id,
                "consent": bool(caller and caller.consent),
                "response_channel": locked.response_channel,
            },
        )
        return locked
