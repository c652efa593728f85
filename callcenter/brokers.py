"""The Celery broker's transport options on Redis (read by the settings)."""

from __future__ import annotations

from typing import Any


def redis_broker_options(*, installation: str, visibility_s: int) -> dict[str, Any]:
    """Queues, bindings and the workers' control pub/sub under the installation's name.

    A task taken by a worker that is then killed (kill -9, OOM, power) stays unacknowledged
    (``acks_late``); Redis hands it out again once it is ``visibility_s`` old, so that must be
    longer than any task runs and any retry waits (the e-mail claim, ``tickets.outbox``). The
    sweep for such tasks runs every few seconds, not kombu's default of every 100.
    """
    return {
        "global_keyprefix": f"{installation}:",
        "visibility_timeout": visibility_s,
        "unacked_restore_interval": max(1, min(10, visibility_s // 3)),
        "unacked_restore_throttle": 1,
    }
