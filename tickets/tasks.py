"""Celery tasks of the tickets app: ids in, re-fetch, call a service, idempotent."""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from tickets import emails, notifications, retention


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_notification(notification_id: int) -> bool:
    return emails.notification_send(notification_id=notification_id)


@shared_task(acks_late=True, ignore_result=True)
def notify_deadlines() -> int:
    """Beat: reminders at the reminder share of the service time, overdue escalations."""
    created = notifications.deadline_notifications_create(now=timezone.now())
    for notification in created:
        # On commit, as everywhere: a mail must not go out for a row that was rolled back.
        transaction.on_commit(partial(send_notification.delay, notification.pk))
    return len(created)


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_citizen_response(entry_id: int) -> bool:
    return emails.citizen_response_send(entry_id=entry_id)


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_participant_forward(entry_id: int) -> bool:
    return emails.participant_forward_send(entry_id=entry_id)


@shared_task(acks_late=True, ignore_result=True)
def anonymise_caller_data() -> int:
    """Beat: caller contact data of tickets closed longer than the retention period."""
    now = timezone.now()
    return sum(
        retention.caller_data_anonymise(ticket_id=pk, now=now)
        for pk in retention.tickets_past_retention(now=now)
    )
