"""Acceptance (issue 4): four processes search while articles are published.

The parent publishes through the editorial workflow (the index update runs as the on-commit
Celery task does, eagerly in tests) into a file index in a temporary directory, and once
rebuilds the whole index (a new generation). Four forked OS processes search continuously
with their own ``SearchIndex`` handles. No search may fail, and every process must find every
new article within 2 s of its publication, including across the generation switch.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from pathlib import Path
from typing import Any

import pytest

from knowledge import services
from knowledge.search.engine import SearchIndex
from knowledge.search.index import search_index_rebuild

pytestmark = pytest.mark.django_db

PROCESSES = 4
VISIBLE_WITHIN_S = 2.0
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
    published: Any,
    ids: Any,
    stop: Any,
    results: Any,
    worker: int,
) -> None:
    errors: list[str] = []
    lags: dict[int, float] = {}
    searches = 0
    try:
        index = SearchIndex(path)
        while not stop.is_set():
            for i, word in enumerate(NEW_WORDS):
                at = published[i]
                if at and i not in lags:
                    hits = index.search(word, limit=5)
                    searches += 1
                    if any(hit.id == ids[i] for hit in hits):
                        lags[i] = time.time() - at
            index.search(BACKGROUND_QUERIES[searches % len(BACKGROUND_QUERIES)], limit=10)
            searches += 1
    except Exception:
        errors.append(traceback.format_exc())
    results.put((worker, errors, lags, searches))


def _publish(title: str) -> int:
    service = services.service_create(actor=None, content={"title": title})
    service = services.service_submit(service=service, actor=None)
    return services.service_publish(service=service, actor=None).pk


def test_four_processes_search_without_errors_and_see_new_articles_within_2_s(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CALLCENTER_SEARCH_DIR = tmp_path / "search"
    for title in BASE_TITLES:
        _publish(title)
    search_index_rebuild()

    ctx = multiprocessing.get_context("fork")  # the children need no Django, only the files
    published = ctx.Array("d", len(NEW_WORDS))
    ids = ctx.Array("q", len(NEW_WORDS))
    stop = ctx.Event()
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=_searcher,
            args=(str(settings.CALLCENTER_SEARCH_DIR), published, ids, stop, results, n),
        )
        for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    try:
        time.sleep(0.5)  # all four searching
        for i, word in enumerate(NEW_WORDS):
            with django_capture_on_commit_callbacks(execute=True):
                ids[i] = _publish(f"{word} genehmigen")
            published[i] = time.time()
            if i == len(NEW_WORDS) // 2:
                search_index_rebuild()  # a new generation while they search
            time.sleep(0.2)
        time.sleep(VISIBLE_WITHIN_S + 0.3)
    finally:
        stop.set()
        reports = [results.get(timeout=20) for _ in workers]
        for process in workers:
            process.join(timeout=10)
    worst = max((max(lags.values(), default=0.0) for _, _, lags, _ in reports), default=0.0)
    total = sum(report[3] for report in reports)
    print(f"\n{total} searches in {PROCESSES} processes, worst lag {worst:.3f} s")
    for worker, errors, lags, searches in reports:
        assert errors == [], f"process {worker}: {errors}"
        assert searches > 50, f"process {worker} barely searched ({searches})"
        assert sorted(lags) == list(range(len(NEW_WORDS))), f"process {worker} missed some"
        assert max(lags.values()) <= VISIBLE_WITHIN_S, f"process {worker}: {lags}"
    assert all(process.exitcode == 0 for process in workers)
