"""Opening a ticket: its number and first timeline row."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from callcenter.accounts.capabilities import Capability, has_capability
from callcenter.accounts.models import User
from knowledge.models import Service
from tickets.exceptions import ActionNotPermitted
from tickets.models import Channel, Priority, Ticket, TicketNumberCounter
from tickets.services.base import require_text
from tickets.services.contact import CallerData, caller_fields
from tickets.timeline import timeline_entry_add
from tickets.workflow import AuditCode


def ticket_number_allocate(*, year: int) -> str:
    """The next ``115-YYYY-NNNNNN``; the counter row is locked until the caller commits.

    ``UPDATE … SET last_value = last_value + 1`` takes the row lock on PostgreSQL and the write
    lock on SQLite, so concurrent creators queue up instead of reading the same value.
    """
    with transaction.atomic():
        if not TicketNumberCounter.objects.filter(year=year).update(last_value=F("last_value") + 1):
            try:
                with transaction.atomic():  # savepoint: a racing first ticket of the year
                    TicketNumberCounter.objects.create(year=year, last_value=1)
            except IntegrityError:
                TicketNumberCounter.objects.filter(year=year).update(last_value=F("last_value") + 1)
        value = TicketNumberCounter.objects.get(year=year).last_value
    return f"115-{year}-{value:06d}"


def ticket_create(
    *,
    actor: User | None,
    subject: str,
    description: str = "",
    channel: str = Channel.PHONE,
    priority: str = Priority.NORMAL,
    caller: CallerData | None = None,
    service: Service | None = None,
) -> Ticket:
    if actor is not None and not has_capability(actor, Capability.USE_DESK):
        raise ActionNotPermitted(_("Only the service centre opens tickets."))
    fields = caller_fields(caller or CallerData())
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=ticket_number_allocate(year=timezone.localtime(now).year),
            subject=require_text(subject, "subject"),
            description=description.strip(),
            channel=channel,
            priority=priority,
            service=service,
            created_by=actor,
            created_at=now,
            **fields,
        )
        timeline_entry_add(
            ticket=ticket,
            actor=actor,
            code=AuditCode.CREATED,
            # Never the contact data itself: the timeline outlives the retention period.
            data={
                "channel": channel,
                "consent": bool(fields.get("caller_consent")),
                "number": ticket.number,
                "service": service.pk if service else None,
            },
        )
    return ticket
