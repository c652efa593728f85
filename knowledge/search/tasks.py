"""Background work of the search: the Celery tasks that write the index.

The task names stay those of their former home (``knowledge.tasks``), so messages queued
before an upgrade are still understood by the workers.
"""

from __future__ import annotations

from celery import shared_task

from knowledge.search.engine import SearchIndexMissing
from knowledge.search.index import search_index_rebuild, search_index_refresh


@shared_task(name="knowledge.tasks.refresh_search_document", acks_late=True, ignore_result=True)
def refresh_search_document(service_id: int) -> None:
    """Bring one service's search document in line with its published content (idempotent)."""
    try:
        search_index_refresh(service_id=service_id)
    except SearchIndexMissing:
        # First publication on a fresh installation: build the index from the database.
        search_index_rebuild()


@shared_task(name="knowledge.tasks.rebuild_search_index", acks_late=True, ignore_result=True)
def rebuild_search_index() -> int:
    """Rebuild the whole index, e.g. after a bulk import; returns the number of documents."""
    return search_index_rebuild().documents
