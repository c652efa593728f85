"""Periodic purge of the audit log past its retention period."""

from __future__ import annotations

from celery import shared_task

from callcenter.audit.services import audit_entries_purge


@shared_task(acks_late=True, ignore_result=True)
def purge_audit_log() -> int:
    return audit_entries_purge()
