"""The caller's contact data (stored only with consent) and callbacks to the caller."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from callcenter.accounts.models import User
from knowledge.models import Service
from tickets.exceptions import TicketInvalid
from tickets.intake import CallerData, caller_problems, problems_summary
from tickets.models import ResponseChannel, Ticket, TimelineEntry, Visibility
from tickets.phone import normalize_phone
from tickets.services.base import Changes, check_version, locked_visible
from tickets.timeline import timeline_entry_add
from tickets.workflow import AuditCode


def caller_fields(caller: CallerData) -> Changes:
    """The ticket's contact fields from ``caller``; refused when consent or a detail is missing."""
    problems = caller_problems(caller)
    if problems:
        raise TicketInvalid(problems_summary(problems), extra={"fields": problems})
    if not caller.consent:
        # Not personal data: "no response" or "the citizen gets in touch again".
        return {"response_channel": caller.response_channel or ResponseChannel.NONE}
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


# What an amended wrap-up that no longer owes a response leaves of the contact data.
CALLER_CLEARED: Changes = {
    "caller_consent": False,
    "caller_consent_at": None,
    "caller_name": "",
    "caller_phone": "",
    "caller_phone_normalized": "",
    "caller_email": "",
    "caller_address": "",
    "response_channel": ResponseChannel.NONE,
}


def _differs(ticket: Ticket, name: str, value: Any) -> bool:
    if name == "caller_consent_at":
        # A new consent time only with new contact data, not for each unchanged save.
        return (ticket.caller_consent_at is None) != (value is None)
    return bool(getattr(ticket, name) != value)


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
    subject: str = "",
    description: str | None = None,
    resolution: str | None = None,
    replace_caller: bool = False,
) -> Ticket:
    """Link the service used, store the caller's contact data (consent rules apply) and what
    the request is about (subject, the agent's note as description, a changed resolution).

    The desk's wrap-up calls this for the ticket a call opened: ``ticket_create`` sets these
    fields, but the call's ticket exists before the agent knows them. ``replace_caller``
    (an amended wrap-up) also clears contact data the new input no longer carries.
    """
    fields: dict[str, Any] = {}
    if caller is not None:
        if replace_caller and not caller.consent:
            fields.update(CALLER_CLEARED)
        fields.update(caller_fields(caller))
    fields = {name: value for name, value in fields.items() if _differs(ticket, name, value)}
    if service is not None and service.pk != ticket.service_id:
        fields["service"] = service
    if subject.strip() and subject.strip() != ticket.subject:
        fields["subject"] = subject.strip()
    if description is not None and description.strip() != ticket.description:
        fields["description"] = description.strip()
    if resolution is not None and resolution.strip() != ticket.resolution:
        fields["resolution"] = resolution.strip()
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
                "consent": locked.caller_consent,
                "response_channel": locked.response_channel,
                "changed": sorted(name for name in fields if not name.startswith("caller_")),
            },
        )
        return locked
