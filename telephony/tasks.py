"""Celery tasks of the telephony app."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from telephony import retention


@shared_task(acks_late=True, ignore_result=True)
def anonymise_call_data() -> int:
    """Beat: callers' numbers and names of calls older than the retention period."""
    return retention.calls_anonymise(now=timezone.now())
