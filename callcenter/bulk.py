"""Bulk upsert of rows keyed by a natural key, for imports that write thousands of rows.

Shared by the knowledge importers (topics, services) and the directory's sync services
(authorities, departments, locations): one ``bulk_create`` and one ``bulk_update`` per model
instead of a query per row.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class SyncResult(Generic[K, M]):
    rows: dict[K, M]
    created: int
    updated: int


def rows_sync(
    model: type[M],
    *,
    existing: Mapping[K, M],
    wanted: Mapping[K, dict[str, Any]],
    key_of: Callable[[M], K],
) -> SyncResult[K, M]:
    """Create the ``wanted`` rows missing from ``existing`` and update the ones that differ.

    Returns every wanted or existing row by key; ``updated_at`` is touched on updated rows
    (``bulk_update`` bypasses ``auto_now``).
    """
    to_create: list[M] = []
    to_update: list[M] = []
    update_fields: set[str] = set()
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            update_fields.update(changed)
            to_update.append(obj)
    created = model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        if "updated_at" in {f.name for f in model._meta.get_fields()}:
            now = timezone.now()
            for obj in to_update:
                setattr(obj, "updated_at", now)  # noqa: B010 (not every model has it)
            update_fields.add("updated_at")
        model._default_manager.bulk_update(to_update, sorted(update_fields), batch_size=500)
    rows = dict(existing)
    for obj in created:
        rows[key_of(obj)] = obj
    return SyncResult(rows=rows, created=len(created), updated=len(to_update))
