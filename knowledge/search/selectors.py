"""Reads of the search: the one search the agent desk, the API and ``search_kb`` share."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from knowledge.models import Service
from knowledge.search.engine import SearchHit
from knowledge.search.gaps import search_gap_record
from knowledge.search.index import search_index, working_index_synced
from knowledge.search.usage import usage_signals
from knowledge.search.weights import MAX_LIMIT


def knowledge_search(
    *, query: str, limit: int = 10, topic_id: int | None = None, record_gaps: bool = True
) -> list[SearchHit]:
    """The search the agent desk, the API and ``search_kb`` share. Raises SearchQueryError.

    Articles agents linked after similar searches are lifted (bounded by the engine), and
    words of earlier answered searches point to the articles linked then. A query
    without a confident result (nothing found, or only weak "maybe meant" results) is counted
    as a content gap for the editors.
    """
    index = search_index()
    boosts, associations = usage_signals(index, query)
    hits = index.search(
        query, limit=limit, topic=topic_id, boosts=boosts, associations=associations
    )
    if not any(hit.confident for hit in hits) and record_gaps and topic_id is None:
        search_gap_record(query=query)
    return hits


def services_searched(
    queryset: QuerySet[Service], *, query: str, working: bool = False
) -> QuerySet[Service]:
    """queryset narrowed to the services a text search finds, best first; unchanged for an
    empty query. The list's other filters stay applied (they are in ``queryset``)."""
    if not query.strip():
        return queryset
    ids = knowledge_search_ids(query=query, working=working)
    rank = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), output_field=IntegerField()
    )
    return queryset.filter(pk__in=ids).order_by(rank)


def knowledge_search_ids(*, query: str, working: bool = False) -> list[int]:
    """Service ids for a text search in a list, best first (at most MAX_LIMIT).

    working=False: the published articles (the clerks' and agents' ``/wissen/``), the same
    search as the desk's but without recording content gaps; working=True: every service's
    working draft (the editors' ``/redaktion/``), the same engine on the working index.
    """
    if working:
        return [hit.id for hit in working_index_synced().search(query, limit=MAX_LIMIT)]
    return [hit.id for hit in knowledge_search(query=query, limit=MAX_LIMIT, record_gaps=False)]
