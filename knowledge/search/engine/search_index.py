"""`SearchIndex`: the engine's one entry point, composing store, planner, scoring, snippets.

A search cleans the text, plans it against the current generation's vocabulary and the
thesaurus (``planner.py``), scores the clauses term by term with BM25 over the postings
(``scoring.py``), re-ranks the best candidates by coverage and bounded popularity and
highlights their snippets (``snippets.py``). Every tuning constant is in ``weights.py``.
"""

from __future__ import annotations

import heapq
import math
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from knowledge.search.analysis import (
    DEFAULT_WORDLISTS,
    STOPWORDS,
    Analyzer,
    Decompounder,
    clean,
    load_lexicons,
    tokenize,
)
from knowledge.search.engine.planner import NOUN, Clause, QueryPlanner
from knowledge.search.engine.scoring import (
    clause_information,
    meaning_coverage,
    rarest_information,
    rerank,
    score_clauses,
)
from knowledge.search.engine.snippets import snippet
from knowledge.search.engine.store import (
    Generation,
    IndexStore,
    corpus_words,
    document_fields,
    german_stemmer,
)
from knowledge.search.engine.types import SearchDocument, SearchHit, SearchQueryError
from knowledge.search.frequency import load_zipf, specificity
from knowledge.search.thesaurus import DEFAULT_THESAURUS, Thesaurus
from knowledge.search.weights import (
    ASSOCIATION_COVERAGE,
    ASSOCIATION_WEIGHT,
    CONFIDENT_COVERAGE,
    CONFIDENT_SCORE_SHARE,
    CONTEXT_IMPORTANCE,
    INFORMATION_CAP,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    RANK_SPECIFICITY_EXPONENT,
    RERANK_DEPTH,
    STORED_CACHE_SIZE,
    TERMS_AS_TITLE,
    UNMATCHED_KIND_INFORMATION,
)

# The folded general lexicon, kept in the index directory for the next process's start.
LEXICON_CACHE = ".lexicon.marshal"
# The folded general-language frequency list (knowledge/search/frequency.py), likewise.
ZIPF_CACHE = ".zipf.marshal"

SynonymEntries = Iterable[str | tuple[Iterable[str], Iterable[str]]]


def doc_id_of(fields: Mapping[str, Any]) -> int:
    return int(fields["id"])


class SearchIndex:
    """A search index in a directory; safe to share between threads and processes."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        thesaurus_files: Sequence[str | os.PathLike[str]] = (DEFAULT_THESAURUS,),
        wordlists: Sequence[str] = DEFAULT_WORDLISTS,
        synonyms: SynonymEntries = (),
    ) -> None:
        self.path = Path(path)
        self._thesaurus_files = tuple(thesaurus_files)
        lexicon, nouns, word_forms = load_lexicons(
            [str(w) for w in wordlists], cache=self.path / LEXICON_CACHE
        )
        self._decompounder = Decompounder(lexicon)
        self.analyzer = Analyzer(german_stemmer(), self._decompounder)
        thesaurus = Thesaurus(self.analyzer.stem)
        for thesaurus_file in thesaurus_files:
            thesaurus.load(thesaurus_file)
        thesaurus.merge(synonyms)
        self._planner = QueryPlanner(self.analyzer, thesaurus, nouns=nouns, word_forms=word_forms)
        self._store = IndexStore(self.path, on_words=self._decompounder.add)
        self._zipf = load_zipf(cache=self.path / ZIPF_CACHE)
        self._lock = threading.RLock()

    @property
    def thesaurus(self) -> Thesaurus:
        return self._planner.thesaurus

    # ---------------------------------------------------------------- synonyms

    def merge_synonyms(self, entries: SynonymEntries) -> None:
        """Add editor-maintained synonyms (file line syntax or (terms, expansions) pairs)."""
        with self._lock:
            self._planner.thesaurus.merge(entries)
            self._use_thesaurus(self._planner.thesaurus)

    def set_synonyms(self, entries: SynonymEntries) -> None:
        """Replace all editor synonyms (the shipped thesaurus stays): deletions take effect."""
        thesaurus = Thesaurus(self.analyzer.stem)
        for thesaurus_file in self._thesaurus_files:
            thesaurus.load(thesaurus_file)
        thesaurus.merge(entries)
        with self._lock:
            self._use_thesaurus(thesaurus)

    def _use_thesaurus(self, thesaurus: Thesaurus) -> None:
        self._planner.use_thesaurus(thesaurus)
        gen = self._store.opened
        if gen is not None:
            gen.fuzzy = None  # the typo vocabulary includes the thesaurus words

    # ---------------------------------------------------------------- writing

    def rebuild(self, documents: Iterable[SearchDocument]) -> str:
        """Build a complete new generation from documents and switch readers to it."""
        docs = list(documents)
        return self._store.rebuild(
            corpus_words(docs), lambda: (document_fields(self.analyzer, d) for d in docs)
        )

    def update(self, document: SearchDocument) -> None:
        """Add or replace one document in the live generation."""
        self._store.update(
            corpus_words([document]), lambda: document_fields(self.analyzer, document)
        )

    def delete(self, doc_id: int) -> None:
        """Remove one document from the live generation (no error if it is absent)."""
        self._store.delete(doc_id)

    # ---------------------------------------------------------------- reading

    def close(self) -> None:
        self._store.close()

    @property
    def generation(self) -> str:
        gen = self._store.current()
        return f"{gen.name}:{gen.version}"

    def search(
        self,
        query: str,
        limit: int = 10,
        topic: str | int | None = None,
        *,
        boosts: Mapping[int, float] | None = None,
        associations: Mapping[int, float] | None = None,
    ) -> list[SearchHit]:
        """Best matches for what an agent typed; [] when nothing searchable was typed.

        boosts: optional popularity per document id in [0, 1] (e.g. normalised click counts);
        it multiplies the score by at most MAX_POPULARITY_FACTOR.
        associations: optional evidence per document id in [0, 1] that the query's words mean
        it, learned from use (``engine/associations.py``): it lifts like popularity, brings in
        documents sharing no word with the query (at ASSOCIATION_WEIGHT of the best text
        score), and covers part of the meaning the text did not.
        """
        if not isinstance(query, str):
            raise SearchQueryError("query must be a string")
        if len(query) > MAX_QUERY_CHARS:
            raise SearchQueryError(f"query longer than {MAX_QUERY_CHARS} characters")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise SearchQueryError(f"limit must be between 1 and {MAX_LIMIT}")
        text = clean(query)
        gen = self._store.current()
        unmatched: list[tuple[str, bool]] = []
        clauses = self._planner.plan(gen, text, unmatched)
        learned = self._learned(gen, associations) if text.strip() else {}
        if not clauses and not learned:
            return []
        ranked = self._ranking_clauses(clauses)
        totals = score_clauses(gen, ranked)
        if learned:
            reference = max(totals.values(), default=0.0) or 1.0
            for doc, evidence in learned.items():
                # A floor, not a bonus: the evidence brings in documents the text missed and
                # lifts weak text matches, but never pushes past a document the text itself
                # matches better (an exact title stays first, as with the boosts).
                floor = ASSOCIATION_WEIGHT * reference * evidence
                if floor > totals.get(doc, 0.0):
                    totals[doc] = floor
        if topic is not None:
            allowed = gen.topic_docs(topic)
            totals = {d: v for d, v in totals.items() if d in allowed}
        top = heapq.nlargest(max(limit, RERANK_DEPTH), totals.items(), key=lambda item: item[1])
        scored: list[tuple[float, dict[str, Any]]] = []
        docs_by_id: dict[int, int] = {}
        query_words = self._word_stems(text) if boosts or learned else frozenset()
        for doc, score in top:
            fields = gen.stored_fields(doc)
            doc_terms = set(fields.get("highlight_terms", "").split())
            title_words = self._title_words(gen, doc, fields)
            docs_by_id[doc_id_of(fields)] = doc
            pop = boosts.get(doc_id_of(fields), 0.0) if boosts else 0.0
            # Learned evidence lifts like popularity, within the same bound.
            pop = max(pop, learned.get(doc, 0.0))
            if query_words and query_words in self._names(fields):
                # An exact title (or search term) match counts as most popular: a used
                # neighbour can catch up by the same factor at most, never overtake it.
                pop = 1.0
            scored.append((rerank(score, ranked, doc_terms, title_words, pop), fields))
        scored.sort(key=lambda item: -item[0])
        matched_terms = {s for c in clauses for p in c.alternatives for s in p}
        information = [clause_information(gen, c) * self._specificity(c.surface) for c in clauses]
        rarest = rarest_information(gen)
        unmatched_info = [
            rarest
            * INFORMATION_CAP
            * UNMATCHED_KIND_INFORMATION[self._planner.word_kind(w)]
            * (CONTEXT_IMPORTANCE if in_context else 1.0)
            for w, in_context in unmatched
        ]
        best_score = scored[0][0] if scored else 0.0
        out: list[SearchHit] = []
        for score, fields in scored[:limit]:
            doc_id = int(fields["id"])
            evidence = learned.get(docs_by_id[doc_id], 0.0)
            coverage, hole = meaning_coverage(
                gen,
                clauses,
                information,
                sum(unmatched_info),
                max(unmatched_info, default=0.0),
                docs_by_id[doc_id],
                set(fields.get("highlight_terms", "").split()),
            )
            # What agents confirmed by use covers part of what the text left open.
            coverage += (1.0 - coverage) * ASSOCIATION_COVERAGE * evidence
            hole *= 1.0 - ASSOCIATION_COVERAGE * evidence
            out.append(
                SearchHit(
                    id=doc_id,
                    external_id=fields.get("external_id"),
                    title=fields.get("display_title", ""),
                    score=round(score, 4),
                    snippet=snippet(
                        self.analyzer,
                        fields.get("display_title", ""),
                        fields.get("display_text", "") or "",
                        matched_terms,
                    ),
                    department=fields.get("department"),
                    confident=coverage >= CONFIDENT_COVERAGE
                    and score >= CONFIDENT_SCORE_SHARE * best_score,
                    coverage=round(coverage, 4),
                    hole=round(hole, 4),
                )
            )
        return out

    def _ranking_clauses(self, clauses: list[Clause]) -> list[Clause]:
        """The clauses as ranking weighs them: an everyday word ("Berlin", "Straße",
        "vergessen") counts less than a specific one, by its specificity to the power
        RANK_SPECIFICITY_EXPONENT; the confidence keeps the planned importances."""
        if not RANK_SPECIFICITY_EXPONENT:
            return clauses
        return [
            replace(
                c,
                importance=c.importance * self._specificity(c.surface) ** RANK_SPECIFICITY_EXPONENT,
            )
            for c in clauses
        ]

    def _specificity(self, word: str) -> float:
        """How specific a query word is in general German (1 for a thesaurus phrase)."""
        return specificity(self._zipf, word) if word else 1.0

    def _learned(
        self, gen: Generation, associations: Mapping[int, float] | None
    ) -> dict[int, float]:
        """Learned evidence per internal document number (documents in this generation)."""
        out: dict[int, float] = {}
        for doc_id, evidence in (associations or {}).items():
            if evidence > 0.0 and math.isfinite(evidence):
                doc = gen.docnum(doc_id)
                if doc is not None:
                    out[doc] = min(evidence, 1.0)
        return out

    def query_terms(self, query: str) -> frozenset[str]:
        """What a query means, as index terms: one term per word, typos corrected.

        For each word the best single-term alternative is kept (the word itself when the
        index knows it, else its correction or thesaurus meaning), so "Perso abgelaufen",
        "perso abgelaufen " and "Personalausweis abgelaufen" come out alike. Nouns of the
        general lexicon the index does not know are kept as their stems ("Mallorca",
        "Matratze"): learned associations can give them a meaning. Used to recognise similar
        queries and words when learning from use; never raises on odd input (returns empty).
        """
        if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS:
            return frozenset()
        # A trailing space: the last word is complete, no prefix alternatives.
        unmatched: list[tuple[str, bool]] = []
        clauses = self._planner.plan(self._store.current(), clean(query).strip() + " ", unmatched)
        out: set[str] = {
            self.analyzer.stem(word)
            for word, _context in unmatched
            if self._planner.word_kind(word) == NOUN
        }
        for clause in clauses:
            if clause.kind == NOUN:
                # Only guesses stand for this noun ("Bahn" -> "Mahn"): the noun says more.
                out.add(self.analyzer.stem(clause.word))
            singles = [(w, p[0]) for p, w in clause.alternatives.items() if len(p) == 1]
            if singles:
                out.add(min(singles, key=lambda item: (-item[0], len(item[1]), item[1]))[1])
        return frozenset(out)

    def _word_stems(self, text: str) -> frozenset[str]:
        return frozenset(
            self.analyzer.stem(t.folded) for t in tokenize(text) if t.folded not in STOPWORDS
        )

    def _names(self, fields: Mapping[str, Any]) -> list[frozenset[str]]:
        """The word stems of the title and, as strongly, of each of the editors' search terms."""
        names = [self._word_stems(fields.get("display_title", ""))]
        if TERMS_AS_TITLE:
            names += [self._word_stems(t) for t in (fields.get("display_terms") or "").split("\n")]
        return names

    def _title_words(self, gen: Generation, doc: int, fields: Mapping[str, Any]) -> frozenset[str]:
        """Stems of the title's (and the editors' search terms') written words, without their
        compound parts (cached)."""
        words = gen.title_words.get(doc)
        if words is None:
            found: set[str] = set()
            names = fields.get("display_title", "")
            if TERMS_AS_TITLE:
                names += "\n" + (fields.get("display_terms") or "")
            for token in tokenize(names):
                found.update(self.analyzer.word_terms_split(token.folded)[0])
            words = frozenset(found)
            if len(gen.title_words) > STORED_CACHE_SIZE:
                gen.title_words.clear()
            gen.title_words[doc] = words
        return words
