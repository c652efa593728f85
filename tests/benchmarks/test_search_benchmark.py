"""Search quality and speed on the Berlin DLDB export (issue 4).

Run:  .venv/bin/python -m pytest tests/benchmarks/test_search_benchmark.py -s -o norecursedirs=
or:   .venv/bin/python -m tests.benchmarks.test_search_benchmark [--no-20k]

Documents are built straight from the JSON files (service name, root topic name, names of the
delivering authorities and locations), without the database. Quality is scored on the
development questions and on held-out queries written for this benchmark (HELD_OUT below),
which are not used for tuning the thesaurus.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from knowledge.search import SearchDocument, SearchIndex

SHARED = Path(
    os.environ.get(
        "CALLCENTER_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"
    )
)
DLDB = SHARED / "berlin-dldb-2016"
DEV = SHARED / "search-eval" / "dev-questions.tsv"

# Written after the thesaurus, to check that it generalises: agent shorthand, typos, prefixes.
HELD_OUT: list[tuple[str, set[int]]] = [
    ("perso verloren", {120726}),
    ("personalausweisverlust", {120726}),
    ("perso abgelaufen", {120703}),
    ("fürerschein geklaut", {121593}),
    ("fuehrerschein verloren", {121593}),
    ("führerschien umtauschen", {121616, 124556}),
    ("knöllchen raten", {326403}),
    ("ummelden", {120686, 120697}),
    ("wohnung abmelden ausland", {120335}),
    ("wunschkennzeichen", {121473, 121484}),
    ("nummernschild gestohlen", {121489}),
    ("auto abmelden", {120877, 326618}),
    ("kfz-zulassungsstelle neuwagen", {120882}),
    ("gez abmelden befreiung", {324531}),
    ("wbs beantragen", {120671}),
    ("wohngeld mite", {120656}),
    ("kitagutschein", {324873}),
    ("hundest", {121494, 324161}),
    ("sperrmüll auf dem gehweg", {121898}),
    ("geburtsurkunde beantragen", {318960}),
    ("sterbeurkunde", {318990, 318987}),
    ("kirchenaustrit", {326908}),
    ("gewerbe anmelden", {121921}),
    ("meldebescheinigung", {120702}),
    ("reisepas verloren", {121368}),
    ("kinderreisepass verlängern", {121469}),
    ("vaterschaft anerkennen", {318991}),
    ("schwerbehindertenausweis beantragen", {121737, 326173}),
    ("führungszeugnis beantragen", {120926}),
    ("halteverbot umzug", {325649}),
    ("anwohnerparkausweis", {121721}),
    ("feinstaubplakete", {121490}),
    ("hartz 4", {121829, 324394}),
    ("bafög schüler", {324985}),
    ("elterngelt", {326079}),
    ("hundebiss", {326243, 325869}),
    ("laterne kaputt", {326527}),
    ("einbürgerung test", {318998}),
    ("auto abgeschleppt", {324190, 324189, 326423}),
    ("hochzeit anmelden", {318961, 318963}),
]


def _load(name: str) -> list[dict]:
    with (DLDB / name).open(encoding="utf-8") as fh:
        return json.load(fh)["data"]


def dldb_documents() -> list[SearchDocument]:
    services = _load("services_de.json")
    topics = {str(t["id"]): t["name"] for t in _load("topic_de.json")}
    authorities = {str(a["id"]): a["name"] for a in _load("authority_de.json")}
    locations = {str(loc["id"]): loc["name"] for loc in _load("locations_de.json")}
    docs = []
    for s in services:
        root = str((s.get("relation") or {}).get("root_topic") or "")
        departments = [
            authorities[str(a["id"])]
            for a in s.get("authorities", [])
            if str(a["id"]) in authorities
        ]
        departments += [
            locations[str(loc["location"])]
            for loc in s.get("locations", [])
            if str(loc.get("location")) in locations
        ]
        docs.append(
            SearchDocument(
                id=int(s["id"]),
                external_id=str(s["id"]),
                title=s["name"].strip(),
                topic=topics.get(root, ""),
                topic_id=int(root) if root.isdigit() else None,
                departments=list(dict.fromkeys(departments)),
            )
        )
    return docs


def dev_queries() -> list[tuple[str, set[int]]]:
    out = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, ids = line.split("\t")
        out.append((query, {int(i) for i in ids.split(",")}))
    return out


def evaluate(
    index: SearchIndex, queries: Sequence[tuple[str, set[int]]], verbose: bool = False
) -> dict[str, float]:
    hits = {1: 0, 3: 0, 5: 0}
    rr = 0.0
    for query, relevant in queries:
        results = [h.id for h in index.search(query, limit=10)]
        rank = next((i + 1 for i, doc_id in enumerate(results) if doc_id in relevant), None)
        for k in hits:
            if rank is not None and rank <= k:
                hits[k] += 1
        rr += 1.0 / rank if rank else 0.0
        if verbose and (rank is None or rank > 3):
            top = [h.title[:50] for h in index.search(query, limit=3)]
            print(f"  MISS rank={rank} {query!r} -> {top}")
    n = len(queries)
    return {"hit@1": hits[1] / n, "hit@3": hits[3] / n, "hit@5": hits[5] / n, "mrr@10": rr / n}


def latency(index: SearchIndex, queries: Sequence[str], repetitions: int) -> dict[str, float]:
    samples = []
    for _ in range(repetitions):
        for q in queries:
            t = time.perf_counter()
            index.search(q, limit=10)
            samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95) - 1],
        "n": len(samples),
    }


def generated_documents(
    base: list[SearchDocument], n: int, seed: int = 115
) -> list[SearchDocument]:
    """Synthetic corpus of n documents mixing the real titles' vocabulary."""
    rng = random.Random(seed)
    words = [w for d in base for w in d.title.replace("-", " ").split() if len(w) > 3]
    docs = list(base)
    next_id = 10_000_000
    while len(docs) < n:
        src = rng.choice(base)
        title = " ".join(rng.sample(words, rng.randint(2, 6)))
        text = " ".join(rng.choice(words) for _ in range(rng.randint(30, 120)))
        docs.append(
            SearchDocument(
                id=next_id,
                external_id=None,
                title=title,
                topic=src.topic,
                topic_id=src.topic_id,
                text=text,
                departments=src.departments[:3],
            )
        )
        next_id += 1
    return docs


def run(tmp: Path, big: bool = True) -> dict[str, object]:
    docs = dldb_documents()
    index = SearchIndex(tmp / "dldb")
    t = time.perf_counter()
    index.rebuild(docs)
    build_s = time.perf_counter() - t
    index.search("warmup", limit=10)
    dev = dev_queries()
    report: dict[str, object] = {"documents": len(docs), "build_s": round(build_s, 2)}
    print(f"\nindex build: {len(docs)} documents in {build_s:.2f} s")
    for name, queries in (("dev", dev), ("held-out", HELD_OUT)):
        metrics = evaluate(index, queries, verbose=True)
        report[name] = metrics
        print(
            f"{name:9s} n={len(queries):3d} "
            + "  ".join(f"{k}={v:.3f}" for k, v in metrics.items())
        )
    all_queries = [q for q, _ in dev] + [q for q, _ in HELD_OUT]
    lat = latency(index, all_queries, repetitions=10)
    report["latency_560"] = lat
    print(
        f"latency 560 docs: median {lat['median_ms']:.2f} ms  p95 {lat['p95_ms']:.2f} ms"
        f"  ({lat['n']} searches)"
    )
    if big:
        big_docs = generated_documents(docs, 20_000)
        big_index = SearchIndex(tmp / "big")
        t = time.perf_counter()
        big_index.rebuild(big_docs)
        big_build = time.perf_counter() - t
        big_index.search("warmup", limit=10)
        lat20 = latency(big_index, all_queries, repetitions=3)
        report["build_20k_s"] = round(big_build, 2)
        report["latency_20k"] = lat20
        print(
            f"latency 20k docs: median {lat20['median_ms']:.2f} ms  p95 {lat20['p95_ms']:.2f} ms"
            f"  (build {big_build:.1f} s, {lat20['n']} searches)"
        )
    return report


def test_search_benchmark(tmp_path: Path) -> None:
    report = run(tmp_path, big=os.environ.get("SEARCH_BENCH_20K", "1") != "0")
    dev = report["dev"]
    assert isinstance(dev, dict)
    # Regression floors well below the measured figures; the targets are in the issue.
    assert dev["hit@3"] >= 0.8
    assert report["build_s"] < 5.0  # type: ignore[operator]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        run(Path(d), big="--no-20k" not in sys.argv)
