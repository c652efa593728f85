"""Learned associations between query words and services, from the desk's usage.

Agents link an article to a call after searching (``knowledge.search.usage`` counts it per
query meaning). Whole queries rarely repeat, their words do: "verschlampt", "Mallorca" or
"Lappen" in a linked search say something about the service whichever words surround them.
``WordAssociations`` turns the counted uses into P(service | word), smoothed so that a word
seen a few times says little, and combines the words of a new query by a noisy-or: a service
several of its words point to scores high, one a single weak word points to scores low.
"""

from __future__ import annotations

from collections.abc import Iterable

from knowledge.search.weights import ASSOCIATION_MIN, ASSOCIATION_PRIOR


class WordAssociations:
    """P(service | word) from (query terms, service id, uses) rows."""

    def __init__(self, rows: Iterable[tuple[Iterable[str], int, int]]) -> None:
        by_word: dict[str, dict[int, float]] = {}
        for terms, service_id, uses in rows:
            for term in set(terms):
                services = by_word.setdefault(term, {})
                services[service_id] = services.get(service_id, 0.0) + uses
        self._by_word: dict[str, dict[int, float]] = {}
        for term, services in by_word.items():
            total = sum(services.values()) + ASSOCIATION_PRIOR
            self._by_word[term] = {s: n / total for s, n in services.items()}

    def __bool__(self) -> bool:
        return bool(self._by_word)

    def scores(self, terms: Iterable[str]) -> dict[int, float]:
        """Evidence in [0, 1] per service that a query with these terms means it."""
        missing: dict[int, float] = {}
        for term in set(terms):
            for service_id, p in self._by_word.get(term, {}).items():
                missing[service_id] = missing.get(service_id, 1.0) * (1.0 - p)
        return {s: 1.0 - m for s, m in missing.items() if 1.0 - m >= ASSOCIATION_MIN}
