"""Generalisation and confidence on unseen queries (issue 15).

Run:  .venv/bin/python -m tests.benchmarks.search_unseen [--verbose]

Scores the sets ``search_eval_unseen*.tsv`` (written before any change for issue 15; their
first measurement is recorded in the commit that added them) and, for comparison, the older
sets, on two corpora:

* ``dldb``: the DLDB export's names, topics and departments only (as ``test_search_benchmark``);
* ``dldb+demo``: the same, with the demo articles' texts and editors' search terms on the
  services they enrich (what ``manage.py import_dldb`` followed by ``load_demo`` indexes).

The unseen sets are scored with word associations learned from a stand-in usage log (the
older sets' queries and services, ``usage_log``) and, below each, with the text alone.
Per set: hit@1, hit@3, MRR@10 over the answerable queries; for the out-of-catalogue queries
(marked ``-``) the share that get any result and the share that get a confident one; for the
answerable queries the share whose right answer is in the top 10 but not marked confident
("lost confidence").
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
django.setup()  # the demo articles' package imports models

from knowledge.demo.articles import ARTICLES  # noqa: E402
from knowledge.search.engine import SearchDocument, SearchIndex  # noqa: E402
from knowledge.search.engine.associations import WordAssociations  # noqa: E402
from tests.benchmarks.test_search_benchmark import (  # noqa: E402
    DEV,
    FRESH5,
    FRESH6,
    HELD_OUT,
    OWN,
    OWN2,
    ROUNDS,
    dldb_documents,
)

HERE = Path(__file__).resolve().parent
UNSEEN = sorted(HERE.glob("search_eval_unseen*.tsv"))
# Marker in the ids column: no service of the catalogue answers the query.
NO_ANSWER = "-"

Query = tuple[str, frozenset[int], str]  # query, relevant ids (empty: out of catalogue), kind


def load_set(path: Path) -> list[Query]:
    """query<TAB>ids or "-"<TAB>optional kind; "#" lines are comments."""
    out: list[Query] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        ids = (
            frozenset()
            if cols[1].strip() == NO_ANSWER
            else frozenset(int(i) for i in cols[1].split(","))
        )
        out.append((cols[0], ids, cols[2].strip() if len(cols) > 2 else ""))
    return out


def older_sets() -> dict[str, list[Query]]:
    sets = {
        name: load_set(path)
        for name, path in (
            ("dev", DEV),
            ("own", OWN),
            ("own2", OWN2),
            ("fresh5", FRESH5),
            ("fresh6", FRESH6),
        )
    }
    sets["held-out"] = [(q, frozenset(ids), "") for q, ids in HELD_OUT]
    for name, rows in ROUNDS.items():
        sets[name] = [(q, frozenset(ids), "") for q, ids in rows]
    return sets


def demo_documents(base: Sequence[SearchDocument]) -> list[SearchDocument]:
    """The DLDB documents, with the demo articles' texts and search terms where they apply."""
    by_external = {d.external_id: d for d in base}
    out = {d.id: d for d in base}
    next_id = 90_000_000
    for article in ARTICLES:
        content = article["content"]
        text = "\n".join(
            str(v)
            for k, v in content.items()
            if isinstance(v, str) and k not in ("title", "online_service_url")
        )
        terms = list(content.get("search_terms", []))
        doc = by_external.get(article["external_id"])
        if doc is not None:
            out[doc.id] = replace(doc, text=text, search_terms=terms)
        else:
            out[next_id] = SearchDocument(
                id=next_id,
                external_id=None,
                title=content["title"],
                search_terms=terms,
                topic=article["topic"],
                text=text,
            )
            next_id += 1
    return list(out.values())


def usage_log() -> list[tuple[str, frozenset[int]]]:
    """The older evaluation sets as a stand-in for the desk's usage log: an agent searched
    for the query and linked its service. The unseen sets never enter it."""
    return [(q, ids) for rows in older_sets().values() for q, ids, _kind in rows if ids]


def learned_associations(
    index: SearchIndex, log: Sequence[tuple[str, frozenset[int]]]
) -> WordAssociations:
    """What knowledge.search.usage learns from such a log (query terms -> linked service)."""
    return WordAssociations(
        (index.query_terms(q), service_id, 1) for q, ids in log for service_id in ids
    )


def confident_flags(hits: Sequence[object]) -> list[bool]:
    return [bool(getattr(h, "confident", True)) for h in hits]


def evaluate(
    index: SearchIndex,
    queries: Sequence[Query],
    verbose: bool = False,
    associations: Sequence[tuple[str, frozenset[int]]] | None = None,
) -> dict:
    """Scores of a set; associations: a usage log the search learns word associations from."""
    learned = learned_associations(index, associations) if associations else None

    def search(query: str) -> list:
        scores = learned.scores(index.query_terms(query)) if learned else None
        return index.search(query, limit=10, associations=scores)

    answerable = [q for q in queries if q[1]]
    outside = [q for q in queries if not q[1]]
    hit1 = hit3 = 0
    rr = 0.0
    lost = 0
    for query, relevant, kind in answerable:
        hits = search(query)
        ids = [h.id for h in hits]
        flags = confident_flags(hits)
        rank = next((i + 1 for i, d in enumerate(ids) if d in relevant), None)
        hit1 += rank == 1
        hit3 += rank is not None and rank <= 3
        rr += 1.0 / rank if rank else 0.0
        if rank is not None and not flags[rank - 1]:
            lost += 1
        if verbose and (rank is None or rank > 1):
            top = [
                f"{h.title[:40]}{'' if c else '?'}"
                for h, c in zip(hits[:3], flags[:3], strict=False)
            ]
            print(f"  MISS rank={rank} [{kind}] {query!r} -> {top}")
        elif verbose and rank is not None and not flags[rank - 1]:
            print(f"  LOST-CONFIDENCE rank={rank} {query!r} -> {hits[0].title[:40]}")
    with_results = with_confident = 0
    for query, _ids, _kind in outside:
        hits = search(query)
        with_results += bool(hits)
        confident = any(confident_flags(hits))
        with_confident += confident
        if verbose and confident:
            print(f"  OUT-OF-CATALOGUE CONFIDENT {query!r} -> {hits[0].title[:50]}")
    n = max(len(answerable), 1)
    out = {
        "n": len(answerable),
        "hit@1": hit1 / n,
        "hit@3": hit3 / n,
        "mrr@10": rr / n,
        "lost_confidence": lost / n,
    }
    if outside:
        out["ooc_n"] = len(outside)
        out["ooc_with_results"] = with_results / len(outside)
        out["ooc_no_confident"] = 1.0 - with_confident / len(outside)
    return out


def by_kind(
    index: SearchIndex, queries: Sequence[Query], log: Sequence[tuple[str, frozenset[int]]]
) -> dict[str, dict]:
    kinds = sorted({k for _q, ids, k in queries if ids})
    return {
        k or "plain": evaluate(index, [q for q in queries if q[2] == k and q[1]], associations=log)
        for k in kinds
    }


def fmt(metrics: dict) -> str:
    parts = [f"n={metrics['n']:3d}"]
    for key in ("hit@1", "hit@3", "mrr@10", "lost_confidence"):
        parts.append(f"{key}={metrics[key]:.3f}")
    if "ooc_n" in metrics:
        parts.append(
            f"ooc n={metrics['ooc_n']} with_results={metrics['ooc_with_results']:.3f}"
            f" no_confident={metrics['ooc_no_confident']:.3f}"
        )
    return "  ".join(parts)


def run(verbose: bool = False) -> dict[str, dict[str, dict]]:
    base = dldb_documents()
    report: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for corpus, docs in (("dldb", base), ("dldb+demo", demo_documents(base))):
            index = SearchIndex(Path(tmp) / corpus.replace("+", "_"))
            index.rebuild(docs)
            print(f"\n== corpus {corpus} ({len(docs)} documents)")
            report[corpus] = {}
            log = usage_log()
            for path in UNSEEN:
                queries = load_set(path)
                name = path.stem.removeprefix("search_eval_")
                metrics = evaluate(index, queries, associations=log)
                report[corpus][name] = metrics
                print(f"{name:9s} {fmt(metrics)}")
                for kind, m in by_kind(index, queries, log).items():
                    print(f"   {kind:10s} {fmt(m)}")
                text_only = evaluate(index, queries, verbose=verbose)
                report[corpus][f"{name} (text only)"] = text_only
                print(f"   {'text only':10s} {fmt(text_only)}")
            for name, queries in older_sets().items():
                metrics = evaluate(index, queries)
                report[corpus][name] = metrics
                print(f"{name:9s} {fmt(metrics)}")
            index.close()
    return report


if __name__ == "__main__":
    run(verbose="--verbose" in sys.argv)
