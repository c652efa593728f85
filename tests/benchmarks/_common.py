"""What the stand-alone benchmarks share: a scratch PostgreSQL database and latency summaries.

Imported before Django starts (the benchmarks set their environment first), so nothing here
imports Django at module level.
"""

from __future__ import annotations

import os
import statistics
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

SERVER = os.environ.get(
    "CALLCENTER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432"
).rstrip("/")


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0 ≤ q ≤ 1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency_summary(values: list[float], quantiles: Sequence[float] = (0.95,)) -> dict[str, float]:
    """``n``, the median, the given quantiles and the maximum of latencies in milliseconds."""
    if not values:
        return {"n": 0}
    summary: dict[str, float] = {"n": len(values), "p50_ms": round(statistics.median(values), 2)}
    for q in quantiles:
        summary[f"p{round(q * 100)}_ms"] = round(percentile(values, q), 2)
    summary["max_ms"] = round(max(values), 2)
    return summary


@contextmanager
def scratch_database(keep: str | None = None) -> Iterator[str]:
    """A PostgreSQL database on ``SERVER`` for one run; yields its URL.

    A fresh randomly named database is dropped afterwards (Django's connections closed first).
    With ``keep`` the database of that name is created if missing and kept, for iterating on
    a change with the records of an earlier run.
    """
    import psycopg

    name = keep or f"callcenter_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_environment(*, database_url: str, data_dir: str) -> None:
    """Point Django at ``database_url`` with eager Celery and no Redis (set before it starts)."""
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "CALLCENTER_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "callcenter.settings",
            "CALLCENTER_CELERY_EAGER": "1",
        }
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
