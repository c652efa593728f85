"""Reading the audit log: the administrators' search, its CSV form."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.csvcells import neutralise_cell


@dataclass(frozen=True)
class AuditFilter:
    """A validated search; empty fields do not filter. ``action`` is a declared action or a
    dotted prefix of some (``accounts``, ``accounts.login``)."""

    actor_id: int | None = None
    username: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_entries(*, search: AuditFilter) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.order_by("-at", "-pk")
    if search.actor_id is not None:
        entries = entries.filter(actor_id=search.actor_id)
    if search.username:
        entries = entries.filter(actor_username=search.username)
    if search.action:
        if search.action in AuditAction.values:
            entries = entries.filter(action=search.action)
        else:
            entries = entries.filter(
                Q(action=search.action) | Q(action__startswith=search.action + ".")
            )
    if search.target_type:
        entries = entries.filter(target_type=search.target_type)
    if search.target_id:
        entries = entries.filter(target_id=search.target_id)
    if search.since is not None:
        entries = entries.filter(at__gte=search.since)
    if search.until is not None:
        entries = entries.filter(at__lt=search.until)
    return entries


CSV_COLUMNS = ("id", "time", "user_id", "user", "action", "target_type", "target_id", "ip", "data")
CSV_BATCH = 2000


def audit_entries_csv(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """The rows as semicolon-separated UTF-8 lines (with BOM, for spreadsheet programs), every
    text cell neutralised against formula injection; streamed in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    for entry in entries.iterator(chunk_size=CSV_BATCH):
        cells = (
            entry.pk,
            entry.at.isoformat(),
            entry.actor_id or "",
            entry.actor_username,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.ip or "",
            entry.data_text,
        )
        writer.writerow([neutralise_cell(c) if isinstance(c, str) else c for c in cells])
        yield flush()
