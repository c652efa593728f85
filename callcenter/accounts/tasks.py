"""Periodic housekeeping: login records (they hold IP addresses: personal data), expired tokens."""

from __future__ import annotations

from celery import shared_task

from callcenter.accounts.services import access_logs_purge, api_tokens_purge_expired


@shared_task(acks_late=True, ignore_result=True)
def purge_access_logs() -> int:
    return access_logs_purge()


@shared_task(acks_late=True, ignore_result=True)
def purge_expired_api_tokens() -> int:
    return api_tokens_purge_expired()
