"""Celery tasks of the tickets app: ids in, re-fetch, call a service, idempotent."""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from django.utils import timezone

from tickets import emails, notifications, retention
from tickets.outbox import MessageClaimedError

# E-mail tasks: acknowledged after they ran, so a worker killed mid-send leaves the message to
# be delivered again (``task_reject_on_worker_lost`` and the broker's visibility timeout, see
# the settings); ``tickets.outbox`` makes the repeat send nothing the server already accepted.
_MAIL_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(bind=True, **_MAIL_TASK)
def send_notification(self: Task[..., bool], notification_id: int) -> bool:
    try:
        return emails.notification_send(notification_id=notification_id)
    except MessageClaimedError as claimed:
        raise self.retry(countdown=claimed.retry_in) from claimed


@shared_task(acks_late=True, ignore_result=True)
def notify_deadlines() -> int:
    """Beat: reminders at the reminder share of the service time, overdue escalations."""
    now = timezone.now()
    unsent = notifications.notifications_unsent(now=now)
    created = notifications.deadline_notifications_create(now=now)
    for pk in [*unsent, *(notification.pk for notification in created)]:
        # On commit, as everywhere: a mail must not go out for a row that was rolled back.
        transaction.on_commit(partial(send_notification.delay, pk))
    return len(created)


@shared_task(bind=True, **_MAIL_TASK)
def send_citizen_response(self: Task[..., bool], entry_id: int) -> bool:
    try:
        return emails.citizen_response_send(entry_id=entry_id)
    except MessageClaimedError as claimed:
        raise self.retry(countdown=claimed.retry_in) from claimed


@shared_task(bind=True, **_MAIL_TASK)
def send_participant_forward(self: Task[..., bool], entry_id: int) -> bool:
    try:
        return emails.participant_forward_send(entry_id=entry_id)
    except MessageClaimedError as claimed:
        raise self.retry(countdown=claimed.retry_in) from claimed


@shared_task(acks_late=True, ignore_result=True)
def anonymise_caller_data() -> int:
    """Beat: caller contact data of tickets closed longer than the retention period."""
    now = timezone.now()
    return sum(
        retention.caller_data_anonymise(ticket_id=pk, now=now)
        for pk in retention.tickets_past_retention(now=now)
    )
