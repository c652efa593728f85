"""What goes into the engine and what comes out: documents, hits, errors."""

from __future__ import annotations

from dataclasses import dataclass, field


class SearchError(Exception):
    """Base class of search failures."""


class SearchQueryError(SearchError, ValueError):
    """The query cannot be run as given (maps to HTTP 400)."""


class SearchIndexMissing(SearchError):
    """No index has been built in the directory yet (run rebuild_search_index)."""


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the engine needs of a knowledge article; built from the database by the caller."""

    id: int
    title: str
    external_id: str | None = None
    search_terms: list[str] = field(default_factory=list)
    topic: str = ""
    text: str = ""
    departments: list[str] = field(default_factory=list)
    topic_id: int | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    external_id: str | None
    title: str
    score: float
    snippet: str  # HTML: escaped text, matches wrapped in <mark>
    department: str | None
    # The hit covers enough of the query's meaning to be read out as the answer; weak hits
    # are shown as "maybe meant" (see engine/scoring.py: meaning_coverage).
    confident: bool = False
    coverage: float = 0.0
    hole: float = 0.0
