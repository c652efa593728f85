"""Calibration of the confidence thresholds (weights.CONFIDENT_*) on the unseen sets.

Run:  .venv/bin/python -m tests.benchmarks.search_calibrate [--corpus dldb|dldb+demo]

For every pair (coverage threshold, score share) prints, per unseen set, the share of
out-of-catalogue queries left without a confident result and the share of answerable queries
whose right answer (in the top 10) is not marked confident. Thresholds are chosen on one set
and checked on the other, so the figures show whether they transfer.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.benchmarks.search_unseen import (
    UNSEEN,
    demo_documents,
    learned_associations,
    load_set,
    usage_log,
)
from tests.benchmarks.test_search_benchmark import dldb_documents

from knowledge.search.engine import SearchIndex  # isort: skip

Features = tuple[list[tuple[float, float]], list[tuple[float, float] | None]]


def features(index: SearchIndex, path: Path) -> Features:
    """(coverage, score share) of every hit of out-of-catalogue queries, and of the right
    answer of answerable queries (None when it is not in the top 10)."""
    outside: list[tuple[float, float]] = []
    right: list[tuple[float, float] | None] = []
    learned = learned_associations(index, usage_log())
    for query, ids, _kind in load_set(path):
        hits = index.search(query, limit=10, associations=learned.scores(index.query_terms(query)))
        top = hits[0].score if hits else 1.0
        if not ids:
            outside.extend((h.coverage, h.score / top) for h in hits)
            # one marker per query so that the per-query share can be computed
            outside.append((-1.0, -1.0))
            continue
        hit = next((h for h in hits if h.id in ids), None)
        right.append((hit.coverage, hit.score / top) if hit else None)
    return outside, right


def rates(feats: Features, coverage: float, share: float) -> tuple[float, float]:
    outside, right = feats
    queries = confident_queries = 0
    confident = False
    for cov, sh in outside:
        if cov < 0:
            queries += 1
            confident_queries += confident
            confident = False
        elif cov >= coverage and sh >= share:
            confident = True
    found = [r for r in right if r is not None]
    lost = sum(1 for cov, sh in found if not (cov >= coverage and sh >= share))
    return 1 - confident_queries / max(queries, 1), lost / max(len(right), 1)


def main() -> None:
    corpus = sys.argv[sys.argv.index("--corpus") + 1] if "--corpus" in sys.argv else "dldb"
    docs = dldb_documents()
    if corpus == "dldb+demo":
        docs = demo_documents(docs)
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ix")
        index.rebuild(docs)
        feats = {p.stem.removeprefix("search_eval_"): features(index, p) for p in UNSEEN}
    print("coverage share  " + "  ".join(f"{n}: ooc-ok lost" for n in feats))
    for coverage in [c / 100 for c in range(30, 72, 3)]:
        for share in (0.5, 0.7):
            cells = [rates(f, coverage, share) for f in feats.values()]
            print(
                f"{coverage:8.2f} {share:5.2f}  "
                + "  ".join(f"{ok:6.3f} {lost:6.3f}" for ok, lost in cells)
            )


if __name__ == "__main__":
    main()
