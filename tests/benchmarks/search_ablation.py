"""Each generalisation mechanism of issue 15, measured before (switched off) and after.

Run:  .venv/bin/python -m tests.benchmarks.search_ablation

A mechanism is kept only if it helps on the unseen sets (search_eval_unseen*.tsv, written
before it was built). Each row switches one mechanism off in an otherwise complete engine
and scores both corpora of search_unseen.py; "all on" is the engine as shipped.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.benchmarks.search_unseen import (
    UNSEEN,
    demo_documents,
    evaluate,
    load_set,
    older_sets,
    usage_log,
)
from tests.benchmarks.test_search_benchmark import dldb_documents

import knowledge.search.engine.scoring as scoring  # isort: skip
import knowledge.search.engine.search_index as search_index  # isort: skip
from knowledge.search.engine import SearchIndex  # isort: skip


@contextmanager
def terms_as_title_off() -> Iterator[None]:
    boosts, binary, flag = (
        dict(scoring.FIELD_BOOSTS),
        scoring.BINARY_TF_FIELDS,
        search_index.TERMS_AS_TITLE,
    )
    scoring.FIELD_BOOSTS["terms"] = 2.5
    scoring.BINARY_TF_FIELDS = frozenset({"title"})
    search_index.TERMS_AS_TITLE = False
    try:
        yield
    finally:
        scoring.FIELD_BOOSTS.update(boosts)
        scoring.BINARY_TF_FIELDS = binary
        search_index.TERMS_AS_TITLE = flag


@contextmanager
def usage_off() -> Iterator[None]:
    yield


@contextmanager
def nothing_off() -> Iterator[None]:
    yield


ABLATIONS: dict[str, Callable[[], object]] = {
    "all on": nothing_off,
    "editors' terms as title off": terms_as_title_off,
    "usage association off": usage_off,
}


def main() -> None:
    base = dldb_documents()
    sets = {p.stem.removeprefix("search_eval_"): load_set(p) for p in UNSEEN}
    old = [q for rows in older_sets().values() for q in rows]
    with tempfile.TemporaryDirectory() as tmp:
        for name, switch in ABLATIONS.items():
            with switch():  # type: ignore[attr-defined]
                for corpus, docs in (("dldb", base), ("dldb+demo", demo_documents(base))):
                    index = SearchIndex(Path(tmp) / f"{len(list(Path(tmp).iterdir()))}")
                    index.rebuild(docs)
                    associations = None if name.startswith("usage") else usage_log()
                    cells = []
                    for set_name, queries in sets.items():
                        m = evaluate(index, queries, associations=associations)
                        cells.append(
                            f"{set_name} {m['hit@1']:.3f}/{m['hit@3']:.3f}/{m['mrr@10']:.3f}"
                        )
                    m = evaluate(index, old)
                    cells.append(f"older {m['hit@1']:.3f}/{m['hit@3']:.3f}/{m['mrr@10']:.3f}")
                    print(f"{name:30s} {corpus:9s} " + "  ".join(cells), flush=True)
                    index.close()


if __name__ == "__main__":
    main()
