"""Make SQLite's LIKE case-insensitive for all of Unicode, as it is on PostgreSQL (ILIKE).

SQLite folds case for ASCII only, so ``name__icontains="BÜRGERAMT"`` would miss "Bürgeramt" in
the embedded mode while matching on PostgreSQL. Django's SQLite backend compiles both
``contains`` and ``icontains`` to ``LIKE … ESCAPE '\\'``; replacing the SQL function ``like``
on each new connection keeps that behaviour but folds umlauts and ß too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.db.backends.signals import connection_created


@lru_cache(maxsize=512)
def _compile(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char.casefold()))
    return re.compile("".join(parts), re.DOTALL)


def _like(pattern: str | None, value: Any, escape: str | None = None) -> bool | None:
    if pattern is None or value is None:
        return None
    regex = _compile(pattern.casefold(), escape)
    return regex.fullmatch(str(value).casefold()) is not None


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("like", 2, _like, deterministic=True)
        raw.create_function("like", 3, _like, deterministic=True)


def install() -> None:
    # connection_created is Django's documented hook for per-connection setup.
    connection_created.connect(_on_connection_created, dispatch_uid="callcenter.sqlite.like")
