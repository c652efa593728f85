"""Acceptance (issue 4): four processes search while articles are published.

The parent publishes through the editorial workflow (the index update runs as the on-commit
Celery task does, eagerly in tests) into a file index in a temporary directory, and once
rebuilds the whole index (a new generation). Four forked OS processes search continuously
with their own ``SearchIndex`` handles. No search may fail, and every process must find every
new article on its first search after the publication, including across the generation
switch. (The issue asked for "within 2 s"; counted in searches instead of seconds, a loaded
machine cannot fail the test by being slow, and the worst lag is still printed.)
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from pathlib import Path
from typing import Any

import pytest

from knowledge.search.engine import SearchIndex
from knowledge.search.index import search_index_rebuild
from tests.support.knowledge import published
from tests.support.waiting import HANG_GUARD_S, wait_for

pytestmark = pytest.mark.django_db

PROCESSES = 4
# Words unrelated to each other and to the base corpus, so no typo tolerance blurs them.
NEW_WORDS = [
    "Alpakazucht",
    "Bienenweide",
    "Drachenflug",
    "Eisstockbahn",
    "Floßfahrt",
    "Glockenturm",
    "Heißluftballon",
    "Imkerkurs",
]
BASE_TITLES = [
    "Personalausweis beantragen",
    "Reisepass verlängern",
    "Wohnsitz anmelden",
    "Hundesteuer",
    "Führerschein umtauschen",
    "Wohngeld beantragen",
    "Sperrmüll abholen lassen",
    "Gewerbe anmelden",
]
BACKGROUND_QUERIES = ["perso", "ummelden", "hundest", "fürerschein", "wohngeld antrag", "gewerbe"]


def _searcher(
    path: str,
    published_at: Any,
    ids: Any,
    ready: Any,
    seen: Any,
    stop: Any,
    results: Any,
    worker: int,
) -> None:
    errors: list[str] = []
    lags: dict[int, float] = {}
    misses: dict[int, int] = {}
    searches = 0
    try:
        index = SearchIndex(path)
        while not stop.is_set():
            for i, word in enumerate(NEW_WORDS):
                at = published_at[i]
                if at and i not in lags:
                    # The article was committed and indexed before ``at`` was set.
                    hits = index.search(word, limit=5)
                    searches += 1
                    if any(hit.id == ids[i] for hit in hits):
                        lags[i] = time.time() - at
                        seen[worker] += 1
                    else:
                        misses[i] = misses.get(i, 0) + 1
            index.search(BACKGROUND_QUERIES[searches % len(BACKGROUND_QUERIES)], limit=10)
            searches += 1
            ready[worker] = 1
    except Exception:
        errors.append(traceback.format_exc())
    results.put((worker, errors, lags, misses, searches))


def test_four_processes_search_without_errors_and_see_each_new_article_on_their_next_search(
    search_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    for title in BASE_TITLES:
        published(title)
    search_index_rebuild()

    ctx = multiprocessing.get_context("fork")  # the children need no Django, only the files
    published_at = ctx.Array("d", len(NEW_WORDS))
    ids = ctx.Array("q", len(NEW_WORDS))
    ready = ctx.Array("b", PROCESSES)
    seen = ctx.Array("i", PROCESSES)
    stop = ctx.Event()
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=_searcher,
            args=(
                str(search_dir),
                *(published_at, ids, ready, seen, stop, results, n),
            ),
        )
        for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()

    def all_alive() -> bool:
        return all(process.is_alive() for process in workers)

    try:
        wait_for(lambda: all(ready[:]), what="all four processes searching", alive=all_alive)
        for i, word in enumerate(NEW_WORDS):
            with django_capture_on_commit_callbacks(execute=True):
                ids[i] = published(f"{word} genehmigen").pk
            published_at[i] = time.time()
            if i == len(NEW_WORDS) // 2:
                search_index_rebuild()  # a new generation while they search
            time.sleep(0.2)  # let them search between publications
        wait_for(
            lambda: all(count == len(NEW_WORDS) for count in seen[:]),
            what="every process to find every new article",
            alive=all_alive,
        )
    finally:
        stop.set()
        reports = [results.get(timeout=HANG_GUARD_S) for _ in workers]
        for process in workers:
            process.join(timeout=HANG_GUARD_S)
    worst = max((max(lags.values(), default=0.0) for _, _, lags, _, _ in reports), default=0.0)
    total = sum(report[4] for report in reports)
    print(f"\n{total} searches in {PROCESSES} processes, worst lag {worst:.3f} s")
    for worker, errors, lags, misses, _ in reports:
        assert errors == [], f"process {worker}: {errors}"
        assert sorted(lags) == list(range(len(NEW_WORDS))), f"process {worker} missed some"
        # Each search stats CURRENT: the first search after a publication already finds it,
        # however long a loaded machine makes that search take.
        assert misses == {}, f"process {worker} searched without finding: {misses}"
    assert all(process.exitcode == 0 for process in workers)
