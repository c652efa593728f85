"""A throwaway ``redis-server`` of a test's own, which the test may stop and restart.

For faults that need Redis to go away (the shared server of the machine must never be
restarted): no persistence, bound to loopback, on ``port``.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path


def free_port() -> int:
    """A free port, within ``CALLCENTER_TOPOLOGY_PORTS`` when a shared machine set it."""
    from tests.support.topology import free_port_pair

    return free_port_pair(1)


class OwnRedis:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def _ping(self) -> bool:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False
        )
        return done.stdout.strip() == b"PONG"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            if self._ping():
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], check=False)
        if self.process is not None:
            self.process.wait(10)

    def restart(self) -> float:
        """Stop and start again (all data and connections gone); the seconds it was away."""
        stopped = time.monotonic()
        self.stop()
        self.start()
        return time.monotonic() - stopped

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"
