"""``manage.py search_kb "QUERY" --limit N --json``: the search the agent desk uses.

With ``--queries FILE`` it reads one query per line and prints one JSON array per line, in
order, in one process (the index is opened once).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from knowledge.search.engine import SearchError, SearchHit
from knowledge.search.selectors import knowledge_search


def _row(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "external_id": hit.external_id,
        "title": hit.title,
        "score": hit.score,
        "confident": hit.confident,
    }


class Command(BaseCommand):
    help = "Search the published knowledge base like the agent desk does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", default=None)
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="Print a JSON array.")
        parser.add_argument("--queries", type=Path, help="A file with one query per line.")

    def handle(self, *args: Any, **options: Any) -> None:
        queries: list[str]
        if options["queries"] is not None:
            try:
                queries = options["queries"].read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"cannot read {options['queries']}: {exc.strerror}") from None
        elif options["query"] is not None:
            queries = [options["query"]]
        else:
            raise CommandError("give a QUERY or --queries FILE")
        for query in queries:
            try:
                hits = knowledge_search(query=query, limit=options["limit"], record_gaps=False)
            except SearchError as exc:
                raise CommandError(str(exc)) from None
            if options["json"] or options["queries"] is not None:
                self.stdout.write(json.dumps([_row(hit) for hit in hits], ensure_ascii=False))
            else:
                for rank, hit in enumerate(hits, 1):
                    self.stdout.write(f"{rank:>2}. {hit.title}  ({hit.score:.2f}, id {hit.id})")
