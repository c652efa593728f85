"""Scoring: BM25 per term over the postings, disjunction-max per query word, re-ranking."""

from __future__ import annotations

import math
from collections.abc import Iterable

from knowledge.search.engine.planner import Clause
from knowledge.search.engine.store import Generation
from knowledge.search.weights import (
    BINARY_TF_FIELDS,
    BM25_K1,
    CONTEXT_IMPORTANCE,
    DEFAULT_B,
    DISMAX_TIEBREAK,
    FIELD_B,
    FIELD_BOOSTS,
    INFORMATION_CAP,
    MAX_POPULARITY_FACTOR,
    PART_COVERAGE,
    PRIMARY_FIELDS,
    SECONDARY_DF_MIN,
    SECONDARY_DF_SHARE,
    TERM_CACHE_SIZE,
    TEXT_COVERAGE,
    UNMATCHED_KIND_INFORMATION,
    W_EXACT,
)


def term_scores(gen: Generation, stem: str) -> dict[int, float]:
    """BM25 contribution of stem per document, summed over the boosted fields.

    Postings are read from Whoosh once per generation and kept: Whoosh's own matcher tree
    costs ~15 us per posting in pure Python, a cached dict a fraction of that, which is
    what keeps a 20,000-document index within the latency budget. Secondary fields skip
    terms found in a large share of a big index: their idf is low, their lists long.
    """
    cached = gen.term_scores.get(stem)
    if cached is not None:
        return cached
    n = max(gen.doc_count, 1)
    cap = max(SECONDARY_DF_MIN, int(n * SECONDARY_DF_SHARE))
    # Whoosh readers share file state; cache misses read one at a time.
    with gen.read_lock:
        scores: dict[int, float] = {}
        for f, boost in FIELD_BOOSTS.items():
            df = gen.field_terms[f].get(stem, 0)
            if not df or (f not in PRIMARY_FIELDS and df > cap):
                continue
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            b = FIELD_B.get(f, DEFAULT_B)
            avg = gen.avg_lengths.get(f, 1.0)
            binary = f in BINARY_TF_FIELDS
            for doc, tf, length in gen.postings(f, stem):
                if binary:
                    tf = min(tf, 1.0)
                norm = tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * (1.0 - b + b * length / avg))
                scores[doc] = scores.get(doc, 0.0) + boost * idf * norm
        scores = gen.without_deleted(scores)
    if len(gen.term_scores) > TERM_CACHE_SIZE:
        gen.term_scores.clear()
    gen.term_scores[stem] = scores
    return scores


def score_clauses(gen: Generation, clauses: list[Clause]) -> dict[int, float]:
    """Sum over query words of the best-matching alternative (a disjunction-max)."""
    totals: dict[int, float] = {}
    for clause in clauses:
        best: dict[int, float] = {}
        for phrase, weight in clause.alternatives.items():
            w = weight * clause.importance
            maps = [term_scores(gen, stem) for stem in phrase]
            if not all(maps):
                continue
            if len(maps) == 1:
                items: Iterable[tuple[int, float]] = maps[0].items()
            else:
                # Every word of a multi-word alternative must occur in the document.
                maps.sort(key=len)
                share = 1.0 / len(maps)
                items = (
                    (d, sum(m[d] for m in maps) * share)
                    for d in maps[0]
                    if all(d in m for m in maps[1:])
                )
            for doc, value in items:
                value *= w
                old = best.get(doc)
                if old is None:
                    best[doc] = value
                elif value > old:
                    best[doc] = value + DISMAX_TIEBREAK * old
                else:
                    best[doc] = old + DISMAX_TIEBREAK * value
        for doc, value in best.items():
            totals[doc] = totals.get(doc, 0.0) + value
    return totals


def rerank(
    score: float,
    clauses: list[Clause],
    doc_terms: set[str],
    title_words: frozenset[str],
    pop: float,
) -> float:
    """The final score of a candidate: lifted by query coverage and bounded popularity."""
    # Share of query words whose meaning appears in the title or search terms: a title
    # answering every word beats one that repeats a single frequent word. A word met
    # only inside a longer compound ("Haus-" of Hauslärm, "Zulassung" of
    # Zulassungsbescheinigung) answers it less than a title word of its own.
    total = sum(c.importance for c in clauses)
    hit = 0.0
    for clause in clauses:
        best = 0.0
        for phrase, weight in clause.alternatives.items():
            if all(s in doc_terms for s in phrase):
                if not all(s in title_words for s in phrase):
                    weight *= PART_COVERAGE
                best = max(best, weight)
        hit += best * clause.importance
    coverage = hit / total if total else 0.0
    score *= 1.0 + coverage
    if pop and math.isfinite(pop):
        pop = min(max(pop, 0.0), 1.0)
        score *= 1.0 + (MAX_POPULARITY_FACTOR - 1.0) * pop
    return score


def term_information(gen: Generation, stem: str) -> float:
    """How much a term says (idf over the whole index); unknown terms say the most."""
    n = max(gen.doc_count, 1)
    df = gen.vocabulary.get(stem, 0)
    return math.log(1.0 + n / max(df, 1))


def rarest_information(gen: Generation) -> float:
    """The information of a term found in one document: what an unknown word says."""
    return math.log(1.0 + max(gen.doc_count, 1))


def clause_information(gen: Generation, clause: Clause) -> float:
    """The information of a query word: that of its best whole-word alternative the index
    knows; a word only parts of which are known (an unknown compound) says as much as an
    unknown word of its kind."""
    known = [
        (w, p)
        for p, w in clause.alternatives.items()
        if p not in clause.partial and all(s in gen.vocabulary for s in p)
    ]
    if not known:
        return rarest_information(gen) * UNMATCHED_KIND_INFORMATION.get(clause.kind, 1.0)
    _weight, phrase = max(known, key=lambda item: (item[0], item[1]))
    return sum(term_information(gen, s) for s in phrase) / len(phrase)


def meaning_coverage(
    gen: Generation,
    clauses: list[Clause],
    information: list[float],
    unmatched: float,
    unmatched_largest: float,
    doc: int,
    doc_terms: set[str],
) -> tuple[float, float]:
    """Share of the query's meaning a document covers, in [0, 1].

    Each query word counts with its importance times its information (idf): rare words
    carry the meaning, frequent ones little. A word is covered by the weight of its best
    alternative found in the title or the editors' search terms (an exact word fully, a
    typo's correction or a compound's part less), TEXT_COVERAGE of that when found only in
    the body, topic or departments. ``unmatched`` is the information of the query's words
    nothing in the index explains, which no document covers, ``unmatched_largest`` that of
    the most informative of them.

    Returns (coverage, hole): the covered share and the share of the largest single piece
    of meaning left uncovered.
    """
    rarest = rarest_information(gen)
    total = unmatched
    covered = 0.0
    hole = unmatched_largest
    for clause, info in zip(clauses, information, strict=True):
        weight = clause.importance * min(info, rarest * INFORMATION_CAP)
        if clause.context:
            weight *= CONTEXT_IMPORTANCE
        if not clause.optional:
            total += weight
        if not weight:
            continue
        best = 0.0
        for phrase, w in clause.alternatives.items():
            # A whole-word alternative (the word, its correction, its meaning) covers it
            # fully; a part of the word by the part's weight.
            w = min(w, W_EXACT) if phrase in clause.partial else W_EXACT
            if w <= best:
                continue
            if all(s in doc_terms for s in phrase):
                best = w
            elif TEXT_COVERAGE * w > best and all(doc in term_scores(gen, s) for s in phrase):
                best = TEXT_COVERAGE * w
        covered += weight * best
        if clause.optional:
            total += weight * best
        else:
            hole = max(hole, weight * (1.0 - best))
    if not total:
        return 0.0, 0.0
    return covered / total, hole / total
