"""Waiting for processes, servers and workers: on a readiness signal, never on a time budget.

A test that starts something waits until it is observably ready (port open, worker consuming,
event seen), however long a loaded machine takes. ``HANG_GUARD_S`` only turns a hang into a
failure; it is no speed requirement, so it is generous on purpose.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any

HANG_GUARD_S = 600.0
POLL_S = 0.05
# One browser step (a page loading, a pop or a row appearing): the default timeout of every
# Playwright wait in tests/e2e. A hang guard too, not a speed requirement.
UI_GUARD_MS = 120_000.0
# Latency budgets that are product requirements (screen pop, keystroke, wallboard) are
# asserted on the machine as it is; the load harness (tests/support/stress_suite.py), which
# saturates every core with a competing process on purpose, widens them by this factor.
LATENCY_FACTOR_ENV = "CALLCENTER_TEST_LATENCY_FACTOR"


def latency_budget(budget: float) -> float:
    """``budget`` (ms or s), times ``CALLCENTER_TEST_LATENCY_FACTOR`` (default 1)."""
    factor = float(os.environ.get(LATENCY_FACTOR_ENV, "") or 1)
    assert factor >= 1, f"{LATENCY_FACTOR_ENV} must be at least 1"
    return budget * factor


def wait_for(
    condition: Callable[[], bool],
    *,
    what: str,
    alive: Callable[[], bool] = lambda: True,
    poll: float = POLL_S,
) -> None:
    """Return once ``condition()`` holds; fail if ``alive()`` turns false first, or on a hang."""
    guard = time.monotonic() + HANG_GUARD_S
    while not condition():
        assert alive(), f"gave up waiting for {what}: what should provide it has stopped"
        assert time.monotonic() < guard, f"still waiting for {what} after {HANG_GUARD_S:.0f} s"
        time.sleep(poll)


def wait_until(condition: Callable[[], object]) -> bool:
    """Whether ``condition()`` came true (polled); false only after the hang guard.

    For ``assert wait_until(...)`` where the assertion's own message says enough.
    """
    guard = time.monotonic() + HANG_GUARD_S
    while not condition():
        if time.monotonic() > guard:
            return False
        time.sleep(POLL_S / 5)
    return True


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port nothing listens on right now, for a server the test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, *, process: subprocess.Popen[Any]) -> None:
    """Wait until ``process`` (or a child of it) accepts connections on ``host:port``."""
    wait_for(
        lambda: port_open(host, port),
        what=f"{host}:{port} to accept connections",
        alive=lambda: process.poll() is None,
    )
