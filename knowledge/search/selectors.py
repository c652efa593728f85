"""Reads of the search: the one search the agent desk, the API and ``search_kb`` share."""

from __future__ import annotations

from knowledge.search.engine import SearchHit
from knowledge.search.gaps import search_gap_record
from knowledge.search.index import search_index
from knowledge.search.usage import usage_boosts


def knowledge_search(
    *, query: str, limit: int = 10, topic_id: int | None = None, record_gaps: bool = True
) -> list[SearchHit]:
    """The search the agent desk, the API and ``search_kb`` share. Raises SearchQueryError.

    Articles agents linked after similar searches are lifted (bounded by the engine). A query
    without a confident result (nothing found, or only weak "maybe meant" results) is counted
    as a content gap for the editors.
    """
    index = search_index()
    hits = index.search(query, limit=limit, topic=topic_id, boosts=usage_boosts(index, query))
    if not any(hit.confident for hit in hits) and record_gaps and topic_id is None:
        search_gap_record(query=query)
    return hits
