"""Periodic and background work of the knowledge base (the search's own: ``search/tasks.py``)."""

from __future__ import annotations

from celery import shared_task

from knowledge.services import review_reminders_send


@shared_task(acks_late=True, ignore_result=True)
def mail_review_due_services() -> int:
    """Weekly (see CELERY_BEAT_SCHEDULE): remind editors of services due for review."""
    return review_reminders_send()
