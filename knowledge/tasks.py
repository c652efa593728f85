"""Periodic and background work of the knowledge base."""

from __future__ import annotations

from celery import shared_task

from knowledge.services import review_reminders_send


@shared_task(acks_late=True, ignore_result=True)
def mail_review_due_services() -> int:
    """Weekly (see CELERY_BEAT_SCHEDULE): remind editors of services due for review."""
    return review_reminders_send()


@shared_task(acks_late=True, ignore_result=True)
def refresh_search_document(service_id: int) -> None:
    """Bring one service's search document in line with its published content (idempotent)."""
    from knowledge.indexing import search_index_rebuild, search_index_refresh
    from knowledge.search import SearchIndexMissing

    try:
        search_index_refresh(service_id=service_id)
    except SearchIndexMissing:
        # First publication on a fresh installation: build the index from the database.
        search_index_rebuild()


@shared_task(acks_late=True, ignore_result=True)
def rebuild_search_index() -> int:
    """Rebuild the whole index, e.g. after a bulk import; returns the number of documents."""
    from knowledge.indexing import search_index_rebuild

    return search_index_rebuild().documents
