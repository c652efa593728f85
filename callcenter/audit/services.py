"""Writing the audit log: ``audit_record`` is the one way any code adds a row.

Reads of callers' data are recorded where a person reads them (the view, in the request
thread), never in the AMI adapter's path. A row names its target by type and id only; ``data``
holds ids, counts, field names and filter values, never a caller's number, name or address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from callcenter.accounts.models import User
from callcenter.audit.context import current_request, request_ip, request_user
from callcenter.audit.models import AuditAction, AuditEntry

PURGE_BATCH = 5000


def audit_record(
    *,
    action: AuditAction,
    actor: User | None,
    ip: str | None,
    target_type: str = "",
    target_id: int | str | None = None,
    data: Mapping[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEntry:
    """Append one row. ``actor`` ``None`` is the system (or an unknown user: then
    ``actor_username`` names who it claimed to be, e.g. a failed login's user name). Code that
    does not hold the request takes ``actor`` and ``ip`` from ``audit_origin()``."""
    action = AuditAction(action)  # a typo is a bug: ValueError here, not an unsearchable row
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else actor_username)[:150],
        action=action,
        target_type=target_type[:64],
        target_id="" if target_id is None else str(target_id)[:64],
        ip=ip,
        data=dict(data or {}),
    )


def audit_origin() -> tuple[User | None, str | None]:
    """The acting user and client address of the request being served (``None`` outside one)."""
    request = current_request()
    return request_user(request), request_ip(request)


def audit_read(
    *,
    request: HttpRequest | Any,
    action: AuditAction,
    target_type: str,
    target_id: int | str | None = None,
    target_ids: Iterable[int | str] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """A person read callers' data (or exported) through ``request``, a Django or DRF request:
    one target (``target_id``), or a list or page of them (``target_ids``, kept in ``data``)."""
    extra = dict(data or {})
    if target_ids is not None:
        extra["ids"] = [str(pk) for pk in target_ids]
    http_request: HttpRequest = getattr(request, "_request", request)
    return audit_record(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor=request_user(http_request),
        ip=request_ip(http_request),
        data=extra,
    )


def audit_entries_purge(*, now: dt.datetime | None = None) -> int:
    """Delete rows older than ``CALLCENTER_AUDIT_RETENTION_DAYS`` (they name staff and IP
    addresses); the purge itself is recorded in a new row."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.CALLCENTER_AUDIT_RETENTION_DAYS)
    deleted = 0
    expired = AuditEntry.objects.filter(at__lt=cutoff).order_by("pk")
    # In batches: the first purge after enabling retention may meet most of the table.
    while batch := list(expired.values_list("pk", flat=True)[:PURGE_BATCH]):
        with transaction.atomic():
            deleted += AuditEntry.objects.filter(pk__in=batch).expire()
    if deleted:
        audit_record(
            action=AuditAction.AUDIT_LOG_PURGED,
            actor=None,
            ip=None,
            data={"deleted": deleted, "before": cutoff.isoformat()},
        )
    return deleted
