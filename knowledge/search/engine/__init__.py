"""The search engine: Django-free, shared by the knowledge base and the benchmarks."""

from __future__ import annotations

from knowledge.search.engine.search_index import SearchIndex
from knowledge.search.engine.types import (
    SearchDocument,
    SearchError,
    SearchHit,
    SearchIndexMissing,
    SearchQueryError,
)

__all__ = [
    "SearchDocument",
    "SearchError",
    "SearchHit",
    "SearchIndex",
    "SearchIndexMissing",
    "SearchQueryError",
]
