"""Append-only history tables ("revisionssicher"): the ticket timeline, published knowledge
versions, the knowledge audit trail and any later audit table.

A row is written once and never changed or deleted through the application: ``save`` of an
existing row, ``delete``, and ``update``/``delete`` on the default manager's querysets (also the
related managers, e.g. ``ticket.timeline``) raise ``AppendOnlyError``. The one permitted rewrite
is data protection: ``redact`` on the queryset, used by the retention job to remove personal data
from rows past their retention period, and ``expire``, which deletes rows whose whole content is
past its retention (the audit log); both jobs record what they did in a new row.

Django's own cascade handling (``on_delete=SET_NULL`` when an actor is deleted) goes through the
plain base manager and keeps working: the row stays, only the link goes.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models


class AppendOnlyError(Exception):
    """Code tried to change or delete a history row (a bug, never a user error)."""


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only (immutable)")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only (immutable)")

    def redact(self, **kwargs: Any) -> int:
        """Overwrite fields to remove personal data (DSGVO retention); nothing else may."""
        return super().update(**kwargs)

    def expire(self) -> int:
        """Delete rows past their retention period (DSGVO); nothing else may delete."""
        return super().delete()[0]


AppendOnlyManager = models.Manager.from_queryset(AppendOnlyQuerySet)


class AppendOnlyModel(models.Model):
    """Abstract base of every history table; adds no columns."""

    objects = AppendOnlyManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only (immutable)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only (immutable)")
