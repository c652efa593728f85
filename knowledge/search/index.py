"""The bridge between the knowledge base in the database and the search engine.

Two indexes, one engine. The agents' index holds published content only: a document is
built from a service's published snapshot and the departments responsible for it. The
editors' working index (a sibling directory, ``<search dir>-working``) holds every service's
working draft, for the text search of the editors' list; it is brought up to date from the
services changed since its last sync when an editor searches (``working_index_synced``).
``knowledge.search.engine`` knows nothing of Django; this module knows nothing of Whoosh.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet

from knowledge.content import ServiceContent
from knowledge.models import SearchSynonym, Service, ServiceResponsibility
from knowledge.search.engine import SearchDocument, SearchIndex, SearchIndexMissing
from knowledge.selectors import service_list_published

_index: SearchIndex | None = None
_index_lock = threading.Lock()
# Editors' synonyms are read from the database at most this often per process; the process
# that saved a change applies it at once (``synonyms_changed``).
SYNONYM_REFRESH_SECONDS = 60.0
_synonyms_seen: frozenset[int] | None = None
_synonyms_checked_at = -math.inf


def search_index() -> SearchIndex:
    """This process's handle on the shared index directory (re-opened when it changes)."""
    global _index, _synonyms_seen
    with _index_lock:
        if _index is None or _index.path != settings.CALLCENTER_SEARCH_DIR:
            _index = SearchIndex(settings.CALLCENTER_SEARCH_DIR)
            _synonyms_seen = None
            _refresh_synonyms(_index)
        elif time.monotonic() - _synonyms_checked_at > SYNONYM_REFRESH_SECONDS:
            _refresh_synonyms(_index)
        return _index


def synonyms_changed() -> None:
    """An editor added or deleted a synonym: re-read them on this process's next search."""
    global _synonyms_checked_at
    _synonyms_checked_at = -math.inf


def _refresh_synonyms(index: SearchIndex) -> None:
    """Bring the editors' synonyms in line with the database.

    Additions are merged; when one has gone, the thesaurus is rebuilt from the shipped file
    plus the remaining synonyms, so a deletion applies without a restart.
    """
    global _synonyms_checked_at, _synonyms_seen
    _synonyms_checked_at = time.monotonic()
    current = frozenset(SearchSynonym.objects.values_list("pk", flat=True))
    if current == _synonyms_seen:
        return
    if _synonyms_seen is None and not current:
        pass  # a fresh index already holds the shipped thesaurus
    elif _synonyms_seen is not None and current >= _synonyms_seen:
        fresh = SearchSynonym.objects.filter(pk__in=current - _synonyms_seen)
        index.merge_synonyms([synonym.pair() for synonym in fresh])
    else:
        index.set_synonyms([synonym.pair() for synonym in SearchSynonym.objects.all()])
    _synonyms_seen = current


def _indexable() -> QuerySet[Service]:
    """Published services with the departments their documents name."""
    return service_list_published().prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=ServiceResponsibility.objects.filter(department__is_active=True)
            .select_related("department")
            .order_by("-is_default", "department__name"),
        )
    )


def document_for(service: Service) -> SearchDocument:
    """The searchable form of a published service (its snapshot, not the working draft)."""
    version = service.published_version
    assert version is not None
    content = ServiceContent.from_snapshot(version.snapshot)
    return SearchDocument(
        id=service.pk,
        external_id=service.external_id,
        title=content.title or service.title,
        search_terms=list(content.search_terms),
        topic=content.topic.name if content.topic else "",
        topic_id=content.topic.id if content.topic else None,
        text="\n".join(text for _module, text in content.modules()),
        departments=[link.department.name for link in service.responsibilities.all()],
    )


@dataclass(frozen=True)
class RebuildResult:
    documents: int
    seconds: float
    generation: str


def search_index_rebuild() -> RebuildResult:
    started = time.perf_counter()
    services = _indexable().order_by("pk").iterator(chunk_size=500)
    documents = [document_for(service) for service in services]
    generation = search_index().rebuild(documents)
    return RebuildResult(len(documents), time.perf_counter() - started, generation)


def search_index_refresh(*, service_id: int) -> None:
    """Bring one service's document in line with the database (publish, edit, archive)."""
    service = _indexable().filter(pk=service_id).first()
    index = search_index()
    if service is None:
        index.delete(service_id)
    else:
        index.update(document_for(service))


# ------------------------------------------------------------------ the editors' working index

_working: SearchIndex | None = None
_WORKING_SYNCED = "SYNCED_AT"


def working_search_dir() -> Path:
    base = Path(settings.CALLCENTER_SEARCH_DIR)
    return base.with_name(base.name + "-working")


def _working_indexable() -> QuerySet[Service]:
    return Service.objects.select_related("topic").prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=ServiceResponsibility.objects.filter(department__is_active=True)
            .select_related("department")
            .order_by("-is_default", "department__name"),
        )
    )


def working_document_for(service: Service) -> SearchDocument:
    """The searchable form of a service's working draft (any status)."""
    content = ServiceContent.from_service(service)
    return SearchDocument(
        id=service.pk,
        external_id=service.external_id,
        title=content.title or service.title,
        search_terms=list(content.search_terms),
        topic=service.topic.name if service.topic else "",
        topic_id=service.topic_id,
        text="\n".join(text for _module, text in content.modules()),
        departments=[link.department.name for link in service.responsibilities.all()],
    )


def working_index_synced() -> SearchIndex:
    """The editors' working index, brought in line with the services changed since its last
    sync (every process shares the directory and its sync stamp); built when missing."""
    global _working
    with _index_lock:
        if _working is None or _working.path != working_search_dir():
            _working = SearchIndex(working_search_dir())
            _working.set_synonyms([s.pair() for s in SearchSynonym.objects.all()])
        index = _working
    stamp_file = index.path / _WORKING_SYNCED
    latest = Service.objects.aggregate(latest=Max("updated_at"))["latest"]
    try:
        seen = dt.datetime.fromisoformat(stamp_file.read_text(encoding="utf-8").strip())
        index.generation  # noqa: B018 - raises SearchIndexMissing before the first build
    except (OSError, ValueError, SearchIndexMissing):
        services = _working_indexable().order_by("pk").iterator(chunk_size=500)
        index.rebuild(working_document_for(service) for service in services)
    else:
        if latest is None or latest <= seen:
            return index
        # Equal stamps are taken again: re-indexing a document twice is harmless.
        for service in _working_indexable().filter(updated_at__gte=seen):
            index.update(working_document_for(service))
    if latest is not None:
        stamp_file.write_text(latest.isoformat(), encoding="utf-8")
    return index
