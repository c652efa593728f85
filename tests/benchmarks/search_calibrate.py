"""Calibration of the confidence thresholds (weights.CONFIDENT_*) on the unseen sets.

Run:  .venv/bin/python -m tests.benchmarks.search_calibrate [--corpus dldb|dldb+demo]

A hit is confident when it covers at least CONFIDENT_COVERAGE of the query's meaning and
scores at least CONFIDENT_SCORE_SHARE of the best hit; the grid also tries a cap on the
largest uncovered piece of meaning (the hit's ``hole``; 1.00 = no cap, what the engine
does: a cap gained nothing on the tuning sets). For each (coverage, hole, share) this prints, per
unseen set, the share of out-of-catalogue queries left without a confident result ("ooc-ok")
and the share of answerable queries whose right answer is in the top 10 but not confident
("lost", over all answerable queries, as in search_unseen). The thresholds are tuned on the
first two sets (the trade-off curve: the lowest "lost" at each "ooc-ok" level) and reported
on the later ones, which played no part in choosing them.
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

# Per query: its relevant ids (empty: out of catalogue) and its hits as
# (id, score, coverage, hole).
Hits = list[tuple[int, float, float, float]]
Rows = list[tuple[frozenset[int], Hits]]
TUNING_SETS = 2


def collect(index: SearchIndex, path: Path) -> Rows:
    learned = learned_associations(index, usage_log())
    rows: Rows = []
    for query, ids, _kind in load_set(path):
        hits = index.search(query, limit=10, associations=learned.scores(index.query_terms(query)))
        rows.append((ids, [(h.id, h.score, h.coverage, h.hole) for h in hits]))
    return rows


def rates(rows: Rows, coverage: float, hole: float, share: float) -> tuple[float, float]:
    """(out-of-catalogue queries without a confident hit, right answers not confident)."""

    def flags(hits: Hits) -> list[bool]:
        best = hits[0][1] if hits else 0.0
        return [c >= coverage and h <= hole and s >= share * best for _i, s, c, h in hits]

    answerable = [r for r in rows if r[0]]
    outside = [r for r in rows if not r[0]]
    lost = 0
    for ids, hits in answerable:
        rank = next((i for i, hit in enumerate(hits) if hit[0] in ids), None)
        lost += rank is not None and not flags(hits)[rank]
    confident = sum(any(flags(hits)) for _ids, hits in outside)
    return 1 - confident / max(len(outside), 1), lost / max(len(answerable), 1)


def main() -> None:
    corpus = sys.argv[sys.argv.index("--corpus") + 1] if "--corpus" in sys.argv else "dldb"
    docs = dldb_documents()
    if corpus == "dldb+demo":
        docs = demo_documents(docs)
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(Path(tmp) / "ix")
        index.rebuild(docs)
        sets = {p.stem.removeprefix("search_eval_"): collect(index, p) for p in UNSEEN}
        index.close()
    names = list(sets)
    tuning = [row for name in names[:TUNING_SETS] for row in sets[name]]
    grid = [
        (c / 100, h / 100, s)
        for c in range(30, 76, 3)
        for h in [*range(20, 62, 3), 100]
        for s in (0.0, 0.5)
    ]
    scored = [(rates(tuning, *p), p) for p in grid]
    print("trade-off on " + "+".join(names[:TUNING_SETS]) + ", checked on the others")
    print("ooc-ok>=  coverage  hole  share  tuning: ooc-ok lost  " + "  ".join(names))
    for level in (0.70, 0.75, 0.80, 0.85, 0.90, 0.95):
        feasible = [item for item in scored if item[0][0] >= level]
        if not feasible:
            continue
        (ok, lost), params = min(feasible, key=lambda item: (item[0][1], -item[0][0]))
        cells = [rates(sets[n], *params) for n in names]
        print(
            f"{level:7.2f}  {params[0]:8.2f} {params[1]:5.2f} {params[2]:6.2f}"
            f"  {ok:13.3f} {lost:5.3f}  " + "  ".join(f"{o:.3f}/{lo:.3f}" for o, lo in cells)
        )


if __name__ == "__main__":
    main()
