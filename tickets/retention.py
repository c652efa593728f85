"""Anonymising caller contact data of closed tickets after the retention period (DSGVO)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from tickets.models import Ticket
from tickets.services import timeline_entry_add
from tickets.workflow import TERMINAL

ANONYMISED_FIELDS = {
    "caller_name": "",
    "caller_phone": "",
    "caller_phone_normalized": "",
    "caller_email": "",
    "caller_address": "",
}


def tickets_past_retention(*, now: dt.datetime) -> list[int]:
    cutoff = now - dt.timedelta(days=settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS)
    return list(
        Ticket.objects.filter(
            status__in=TERMINAL,
            closed_at__lte=cutoff,
            caller_consent=True,
            caller_data_anonymised_at=None,
        ).values_list("pk", flat=True)
    )


def caller_data_anonymise(*, ticket_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        # Re-checked under the lock: a reopened ticket keeps its contact data.
        if (
            ticket is None
            or ticket.status not in TERMINAL
            or ticket.caller_data_anonymised_at is not None
        ):
            return False
        Ticket.objects.filter(pk=ticket.pk).update(
            caller_data_anonymised_at=now, **ANONYMISED_FIELDS
        )
        timeline_entry_add(
            ticket=ticket,
            actor=None,
            code="tickets.ticket.caller_data_anonymised",
            data={"retention_days": settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS},
        )
    return True
