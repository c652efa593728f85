"""Sending one e-mail exactly once across retries, redeliveries and killed workers.

The mechanism, per message (``OutgoingEmail``, unique ``key``):

1. the row is found or created; its Message-ID is chosen once, at creation;
2. a row already marked sent ends the attempt: nothing is sent again;
3. the attempt claims the row for ``CALLCENTER_EMAIL_CLAIM_S`` seconds (committed); a live
   claim of another attempt raises ``MessageClaimed`` and the task retries after it expires;
4. the message goes to the SMTP server on a connection opened here; as soon as the server
   accepted it (its answer to DATA), the row is marked sent, together with ``on_sent``'s
   writes, in one transaction; only then is the connection closed (QUIT).

A worker killed before the server's acceptance leaves a claimed, unsent row: the redelivered
task claims it again once the lease ran out and sends the same message, same Message-ID. A
worker killed after the mark sends nothing twice. The one window left is between the server's
acceptance and the mark's commit (a few milliseconds): a kill exactly there sends the message
again, with the same Message-ID (receiving systems that deduplicate by it show it once), and
the attempt is logged as a possible repeat. At the SMTP boundary this is at least once;
everywhere else exactly once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tickets.models import OutgoingEmail

logger = logging.getLogger(__name__)


class MessageClaimedError(Exception):
    """Another attempt holds the message's claim; try again in ``retry_in`` seconds."""

    def __init__(self, key: str, retry_in: float) -> None:
        super().__init__(f"{key} is claimed by another attempt for {retry_in:.0f} s more")
        self.key = key
        self.retry_in = retry_in


def _claim(row: OutgoingEmail, now: dt.datetime) -> bool:
    lease = dt.timedelta(seconds=settings.CALLCENTER_EMAIL_CLAIM_S)
    return bool(
        OutgoingEmail.objects.filter(pk=row.pk, sent_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lte=now))
        .update(claimed_until=now + lease, attempts=F("attempts") + 1)
    )


def outbox_send(
    *, key: str, message: EmailMessage, on_sent: Callable[[], object] | None = None
) -> bool:
    """Send ``message`` once under ``key``; False if it was sent before (by any attempt)."""
    row, _ = OutgoingEmail.objects.get_or_create(
        key=key, defaults={"message_id": make_msgid(domain=str(DNS_NAME))}
    )
    if row.sent_at is not None:
        return False
    now = timezone.now()
    if not _claim(row, now):
        row.refresh_from_db()
        if row.sent_at is not None:
            return False
        assert row.claimed_until is not None
        raise MessageClaimedError(key, max(1.0, (row.claimed_until - now).total_seconds()))
    row.refresh_from_db()
    if row.attempts > 1:
        logger.warning(
            "e-mail %s: attempt %d with Message-ID %s; an earlier attempt ended without "
            "its mark and may have reached the server",
            key,
            row.attempts,
            row.message_id,
        )
    message.extra_headers["Message-ID"] = row.message_id
    connection = get_connection()
    message.connection = connection
    try:
        connection.open()
        connection.send_messages([message])  # returns after the server accepted the message
    except Exception:
        OutgoingEmail.objects.filter(pk=row.pk, sent_at=None).update(claimed_until=None)
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
        raise
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now(), claimed_until=None)
        if on_sent is not None:
            on_sent()
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()  # QUIT after the mark: a kill from here on sends nothing twice
    return True
