"""Removing callers' numbers and names from call records after the retention period (DSGVO).

A call keeps what the statistics need — queue, times, agent, outcome, its ticket — for good;
the caller's number and name go after ``CALLCENTER_CALLER_DATA_RETENTION_DAYS``, counted from
the moment the caller joined the queue, the same period after which closed tickets lose their
contact data (``tickets.retention``). The caller history then no longer finds the call.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q

from telephony.models import Call, WrapUpDraft

logger = logging.getLogger(__name__)

CLEARED = {"caller_number": "", "caller_number_normalized": "", "caller_name": ""}
BATCH = 1000


def calls_anonymise(*, now: dt.datetime) -> int:
    """Clear caller number and name of calls older than the retention period; returns how many.

    Idempotent: a cleared call is not matched again. In batches by id, so the first run after
    an upgrade does not hold one long transaction over the whole table.
    """
    cutoff = now - dt.timedelta(days=settings.CALLCENTER_CALLER_DATA_RETENTION_DAYS)
    due = Call.objects.filter(joined_at__lte=cutoff).filter(
        ~Q(caller_number="") | ~Q(caller_number_normalized="") | ~Q(caller_name="")
    )
    # Unsaved wrap-ups of such calls go too: they may hold contact data typed with consent.
    WrapUpDraft.objects.filter(call__joined_at__lte=cutoff).delete()
    total = 0
    while batch := list(due.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        total += Call.objects.filter(pk__in=batch).update(**CLEARED, updated_at=now)
    if total:
        logger.info("caller data removed from %d calls joined before %s", total, cutoff)
    return total
