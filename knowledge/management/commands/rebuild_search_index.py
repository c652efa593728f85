"""``manage.py rebuild_search_index``: rebuild the knowledge search index from the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from knowledge.search.index import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index of published services from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        result = search_index_rebuild()
        self.stdout.write(
            f"Indexed {result.documents} published services in {result.seconds:.2f} s "
            f"(generation {result.generation})."
        )
