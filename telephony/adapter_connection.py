"""The database connection of an AMI adapter thread (its writer, its pop thread).

Such a thread keeps its connection across events: with the request-style ``CONN_MAX_AGE=0``,
``close_old_connections()`` would close it after every event, and a reconnect per event
(milliseconds with PostgreSQL or SQLite's PRAGMAs) costs throughput. A broken connection is
still dropped, after the event that found it broken, and an old one now and then.
"""

from __future__ import annotations

import time

from django.db import connection

# How long an adapter thread keeps one database connection.
RECYCLE_SECONDS = 600.0


def connection_ready(connected_at: float) -> float:
    """Open this thread's connection if needed; returns when the open one was opened."""
    now = time.monotonic()
    if now - connected_at > RECYCLE_SECONDS:
        connection.close()
    if connection.connection is not None:
        return connected_at
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        # Call records are rebuilt from the ACD's resync after a crash, so waiting for the
        # WAL flush on every event buys nothing but latency. Set for the session: this
        # connection serves only the adapter's services.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    return now


def connection_check() -> None:
    """After an event: drop the connection if an error left it unusable."""
    if connection.connection is not None and connection.errors_occurred:
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            connection.close()
