"""The search learns from use: which articles agents use after which searches.

Two signals, both without caller data and without the agent's name in the database:

* The last search of an agent's session is kept *in that session* (``search_observed``).
  When the agent opens or links an article (``search_result_used``, the desk's feedback
  call), the search counts as answered. A linked article is counted for the search's meaning
  (``SearchUse``: index terms, service, day). A search whose results were never opened before
  the agent searched for something else is logged as a content gap of kind "ignored" —
  only once the session's desk is known to send feedback, so a client that never reports
  use does not flood the editors' list.
* ``UsageTable`` aggregates the uses over a window and turns them into the engine's bounded
  ``boosts`` for similar queries (shared index terms, Jaccard similarity). Every process
  reloads it at most every ``USAGE_REFRESH_SECONDS``; the recording process at once, after
  commit.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Iterable, MutableMapping
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from knowledge.models import SearchGap, SearchUse
from knowledge.search.engine import SearchIndex, SearchIndexMissing
from knowledge.search.engine.associations import WordAssociations
from knowledge.search.gaps import search_gap_record
from knowledge.search.index import search_index
from knowledge.search.weights import MIN_SIMILARITY, USAGE_SATURATION
from knowledge.selectors import service_list_published

# How long after a search an opened or linked article still answers it.
PENDING_SECONDS = 15 * 60
USAGE_WINDOW_DAYS = 90
USAGE_REFRESH_SECONDS = 60.0
USAGE_ROWS_MAX = 20_000
QUERY_KEY_MAX = 200

_PENDING = "knowledge.search.pending"
_FEEDBACK = "knowledge.search.feedback"

Session = MutableMapping[str, Any]


def _normalised(query: str) -> str:
    return " ".join(query.casefold().split())[:QUERY_KEY_MAX]


def _refines(earlier: str, later: str) -> bool:
    # Search as you type: "perso ab" -> "perso abgelaufen" is the same search growing.
    return later.startswith(earlier) or earlier.startswith(later)


def search_observed(
    *, session: Session, query: str, hit_ids: Iterable[int], now: float | None = None
) -> None:
    """Remember the session's latest search; log the previous one if its results went unused."""
    text = _normalised(query)
    if not text:
        return
    now = time.time() if now is None else now
    previous = session.get(_PENDING)
    if (
        previous
        and session.get(_FEEDBACK)
        and not previous.get("used")
        and previous.get("hits")
        and now - previous.get("at", 0) <= PENDING_SECONDS
        and not _refines(previous["q"], text)
    ):
        search_gap_record(query=previous["q"], kind=SearchGap.Kind.IGNORED)
    session[_PENDING] = {"q": text, "hits": list(hit_ids)[:10], "at": now, "used": False}


def search_result_used(
    *, session: Session, service_id: int, linked: bool, now: float | None = None
) -> bool:
    """The agent opened (linked=False) or linked an article; True if it answered a search."""
    session[_FEEDBACK] = True
    now = time.time() if now is None else now
    pending = session.get(_PENDING)
    if not pending or now - pending.get("at", 0) > PENDING_SECONDS:
        return False
    pending["used"] = True
    counted = pending.setdefault("linked", [])
    # One search teaches one link once.
    if (
        linked
        and service_id not in counted
        and search_use_record(query=pending["q"], service_id=service_id)
    ):
        counted.append(service_id)
    session[_PENDING] = pending  # re-assign: the session saves only what it sees assigned
    return True


def search_use_record(*, query: str, service_id: int, day: dt.date | None = None) -> bool:
    """Count one use of a published service for the meaning of query; False if not counted."""
    try:
        terms = search_index().query_terms(query)
    except SearchIndexMissing:
        return False
    key = " ".join(sorted(terms))[:QUERY_KEY_MAX]
    if not key or not service_list_published().filter(pk=service_id).exists():
        return False
    day = day or timezone.localdate()
    with transaction.atomic():
        updated = SearchUse.objects.filter(query_key=key, service_id=service_id, day=day).update(
            uses=F("uses") + 1
        )
        if not updated:
            SearchUse.objects.get_or_create(query_key=key, service_id=service_id, day=day)
        SearchUse.objects.filter(day__lt=day - dt.timedelta(days=USAGE_WINDOW_DAYS)).delete()
    transaction.on_commit(usage_changed, robust=True)
    return True


class UsageTable:
    """Uses per (query terms, service) within the window, looked up by shared terms.

    Two signals: ``boosts`` for queries similar as a whole (shared terms), and ``associations``
    learned per word (P(service | word), ``engine/associations.py``), which transfer to new
    phrasings that share only some words with the searches agents answered.
    """

    def __init__(self, rows: Iterable[tuple[str, int, int]]) -> None:
        rows = list(rows)
        self.associations = WordAssociations((key.split(), sid, uses) for key, sid, uses in rows)
        self._by_term: dict[str, list[tuple[frozenset[str], int, float]]] = {}
        for key, service_id, uses in rows:
            terms = frozenset(key.split())
            popularity = 1.0 - math.exp(-uses / USAGE_SATURATION)
            for term in terms:
                self._by_term.setdefault(term, []).append((terms, service_id, popularity))

    def __bool__(self) -> bool:
        return bool(self._by_term)

    def boosts(self, terms: frozenset[str]) -> dict[int, float]:
        """Popularity in [0, 1] per service for a query with these terms."""
        out: dict[int, float] = {}
        for term in terms:
            for key, service_id, popularity in self._by_term.get(term, ()):
                similarity = len(terms & key) / len(terms | key)
                if similarity >= MIN_SIMILARITY:
                    value = similarity * popularity
                    if value > out.get(service_id, 0.0):
                        out[service_id] = value
        return out


_table: UsageTable | None = None
_table_loaded_at = -math.inf
_table_lock = threading.Lock()


def usage_table() -> UsageTable:
    """This process's view of the uses, reloaded at most every USAGE_REFRESH_SECONDS."""
    global _table, _table_loaded_at
    if _table is not None and time.monotonic() - _table_loaded_at <= USAGE_REFRESH_SECONDS:
        return _table
    with _table_lock:
        since = timezone.localdate() - dt.timedelta(days=USAGE_WINDOW_DAYS)
        rows = (
            SearchUse.objects.filter(day__gte=since)
            .values_list("query_key", "service_id")
            .annotate(total=Sum("uses"))
            .order_by("-total")[:USAGE_ROWS_MAX]
        )
        _table = UsageTable(rows)
        _table_loaded_at = time.monotonic()
        return _table


def usage_changed() -> None:
    """Reload the table on this process's next search."""
    global _table_loaded_at
    _table_loaded_at = -math.inf


def usage_signals(
    index: SearchIndex, query: str
) -> tuple[dict[int, float] | None, dict[int, float] | None]:
    """(boosts, associations) for a query from the agents' uses; (None, None) without uses."""
    table = usage_table()
    if not table:
        return None, None
    terms = index.query_terms(query)
    return table.boosts(terms) or None, table.associations.scores(terms) or None
