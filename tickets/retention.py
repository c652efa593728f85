"""Removing caller personal data from closed tickets after the retention period (DSGVO).

After ``CALLCENTER_CALLER_DATA_RETENTION_DAYS`` a closed ticket loses the caller's contact
fields, and its texts — subject, description, resolution and the texts of its timeline
(notes, responses, reasons, callback numbers) — lose phone numbers, e-mail addresses and the
caller's name (``callcenter.scrubbing``), and its attachments are deleted (files and rows). That
applies to tickets without consent as well: an agent may have typed a number into the
description anyway. One timeline row records what
was removed, as counts only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

from callcenter.scrubbing import placeholders, scrub_text
from tickets.attachments import attachment_file_delete
from tickets.models import Ticket, TicketAttachment, TimelineEntry
from tickets.timeline import timeline_entry_add
from tickets.workflow import TERMINAL, AuditCode

# 1: contact fields cleared (the rules until December 2026); 2: texts scrubbed as well.
# Raising it runs the then current rules once more over every ticket past its retention.
ANONYMISATION_VERSION = 2

ANONYMISED_FIELDS = {
    "caller_name": "",
    "caller_phone": "",
    "caller_phone_normalized": "",
    "caller_email": "",
    "caller_address": "",
}
TEXT_FIELDS = ("subject", "description", "resolution")
# Timeline values that are contact data as a whole, whatever they look like.
CONTACT_KEYS: dict[str, frozenset[str]] = {AuditCode.CALLBACK_STARTED: frozenset({"number"})}
# Timeline values that are not the caller's: the 115 participant a ticket was handed to.
KEEP_KEYS: dict[str, frozenset[str]] = {
    AuditCode.FORWARDED_TO_PARTICIPANT: frozenset({"participant_name", "email"})
}
BATCH = 500


def tickets_past_retention(*, now: dt.datetime) -> Iterator[int]:
    """Ids of closed tickets past the retention period not anonymised by the current rules.

    In batches by id: the first run after an upgrade may meet most of the table.
    """
    cutoff = now - dt.timedelta(days=settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS)
    due = Ticket.objects.filter(
        status__in=TERMINAL,
        closed_at__lte=cutoff,
        anonymisation_version__lt=ANONYMISATION_VERSION,
    ).order_by("pk")
    last = 0
    while batch := list(due.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH]):
        yield from batch
        last = batch[-1]


def _scrub_value(value: Any, names: Sequence[str], found: Counter[str]) -> Any:
    if isinstance(value, str):
        result = scrub_text(value, names=names)
        found.update(result.found)
        return result.text
    if isinstance(value, list):
        return [_scrub_value(item, names, found) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item, names, found) for key, item in value.items()}
    return value


def _scrub_entry_data(
    code: str, data: dict[str, Any], names: Sequence[str], found: Counter[str]
) -> dict[str, Any]:
    keep, contact = KEEP_KEYS.get(code, frozenset()), CONTACT_KEYS.get(code, frozenset())
    phone_removed = placeholders()["phone"]
    scrubbed: dict[str, Any] = {}
    for key, value in data.items():
        if key in keep:
            scrubbed[key] = value
        elif key in contact and value and value != phone_removed:
            found["phone"] += 1
            scrubbed[key] = phone_removed
        else:
            scrubbed[key] = _scrub_value(value, names, found)
    return scrubbed


def _files_delete(storage_names: list[str]) -> None:
    for name in storage_names:
        attachment_file_delete(name)


def caller_data_anonymise(*, ticket_id: int, now: dt.datetime) -> bool:
    """Anonymise one ticket; ``False`` when there is nothing (more) to do. Idempotent."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        # Re-checked under the lock: a reopened ticket keeps its contact data.
        if (
            ticket is None
            or ticket.status not in TERMINAL
            or ticket.anonymisation_version >= ANONYMISATION_VERSION
        ):
            return False
        names = [ticket.caller_name] if ticket.caller_name else []
        found: Counter[str] = Counter()
        texts: dict[str, str] = {}
        for name in TEXT_FIELDS:
            result = scrub_text(getattr(ticket, name), names=names)
            if result.found:
                found.update(result.found)
                texts[name] = result.text
        entries = 0
        for entry in TimelineEntry.objects.filter(ticket=ticket).order_by("pk"):
            data = _scrub_entry_data(entry.code, entry.data, names, found)
            if data != entry.data:
                # The timeline's one permitted rewrite (see TimelineEntry).
                TimelineEntry.objects.filter(pk=entry.pk).redact(data=data)
                entries += 1
        # Attachments (a filled-in form, a letter) carry the caller's data as a whole: they
        # go with it. The files are deleted once the rows' removal is committed.
        attachments = list(
            TicketAttachment.objects.filter(ticket=ticket).values_list("pk", "storage_name")
        )
        if attachments:
            TicketAttachment.objects.filter(pk__in=[pk for pk, _name in attachments]).delete()
            stored = [name for _pk, name in attachments]
            transaction.on_commit(lambda: _files_delete(stored))
        had_contact_data = ticket.caller_consent and ticket.caller_data_anonymised_at is None
        fields: dict[str, Any] = {"anonymisation_version": ANONYMISATION_VERSION, **texts}
        if had_contact_data:
            fields.update(caller_data_anonymised_at=now, **ANONYMISED_FIELDS)
        Ticket.objects.filter(pk=ticket.pk).update(**fields)
        if had_contact_data or found or attachments:
            ticket.refresh_from_db()  # the live update must not carry the old subject
            timeline_entry_add(
                ticket=ticket,
                actor=None,
                code=AuditCode.CALLER_DATA_ANONYMISED,
                # Counts, never the data: this row outlives the data it describes.
                data={
                    "retention_days": settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS,
                    "rules": ANONYMISATION_VERSION,
                    "contact_fields": had_contact_data,
                    "removed": dict(sorted(found.items())),
                    "fields": sorted(texts),
                    "timeline_entries": entries,
                    **({"attachments": len(attachments)} if attachments else {}),
                },
            )
    return True
