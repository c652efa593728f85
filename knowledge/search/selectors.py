"""Reads of the search: the one search the agent desk, the API and ``search_kb`` share."""

from __future__ import annotations

from knowledge.search.engine import SearchHit
from knowledge.search.gaps import search_gap_record
from knowledge.search.index import search_index
from knowledge.search.usage import usage_signals


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
