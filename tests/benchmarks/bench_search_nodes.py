"""Experiment: the Whoosh index when web workers run on two machines (issue 17, scaling).

    python -m tests.benchmarks.bench_search_nodes

Two index directories stand for two machines' local disks. Both are built from the same
database (the Berlin DLDB export in ``knowledge/fixtures``); then an editor publishes a
change, and the project's refresh task runs once, as one Celery worker would, writing the
directory of the node it runs on. Measured: the build time and size of a node's index, the
time of one document refresh, and whether the other node finds the change (it does not until
its own refresh runs). Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="search-nodes-") as tmp:
        work = Path(tmp)
        os.environ["CALLCENTER_DATA_DIR"] = str(work)
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
        os.environ.pop("REDIS_URL", None)
        os.environ["CELERY_BROKER_URL"] = "memory://"
        os.environ["CALLCENTER_CELERY_EAGER"] = "1"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from knowledge.models import Service
        from knowledge.search.index import search_index, search_index_rebuild
        from knowledge.search.tasks import refresh_search_document
        from tests.support.knowledge import published

        call_command("migrate", interactive=False, verbosity=0)
        call_command(
            "import_dldb", ROOT / "knowledge" / "fixtures" / "dldb-berlin-2016", verbosity=0
        )
        nodes = {"node-a": work / "search-a", "node-b": work / "search-b"}
        result: dict[str, object] = {"services": Service.objects.count()}
        for name, path in nodes.items():
            settings.CALLCENTER_SEARCH_DIR = path
            started = time.perf_counter()
            built = search_index_rebuild()
            result[f"{name}_build_s"] = round(time.perf_counter() - started, 2)
            result[f"{name}_documents"] = built.documents
            result[f"{name}_bytes"] = _size(path)

        def found(node: str, query: str) -> bool:
            settings.CALLCENTER_SEARCH_DIR = nodes[node]
            hits = search_index().search(query, limit=5)
            return any("Zaunkönigpass" in hit.title for hit in hits)

        # An editor publishes on node A's web worker; the refresh task runs on node A's worker.
        settings.CALLCENTER_SEARCH_DIR = nodes["node-a"]
        service = published("Zaunkönigpass beantragen", short_text="Der Pass für Zaunkönige.")
        started = time.perf_counter()
        refresh_search_document.run(service.pk)  # what the worker runs (again: idempotent)
        result["refresh_one_document_s"] = round(time.perf_counter() - started, 3)
        result["node_a_finds_change"] = found("node-a", "Zaunkönigpass")
        result["node_b_finds_change_before_its_refresh"] = found("node-b", "Zaunkönigpass")
        settings.CALLCENTER_SEARCH_DIR = nodes["node-b"]
        refresh_search_document.run(service.pk)
        result["node_b_finds_change_after_its_refresh"] = found("node-b", "Zaunkönigpass")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
