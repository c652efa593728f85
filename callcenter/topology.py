"""The production arrangement as processes: web workers, AMI listener + standby, Celery.

``python -m callcenter.run --production`` starts it on one machine (the systemd units in
``deploy/`` start the same processes one unit each). Each process writes its own log file;
a process that dies is started again after a pause, as systemd's ``Restart=always`` would,
so a standby takes over from a killed listener and the killed one comes back as the standby.
Nothing here imports an app: the processes are command lines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

RESTART_PAUSE_SECONDS = 1.0
STOP_SECONDS = 10.0


class TopologyRefused(Exception):
    """The environment cannot run the production arrangement (one line for the operator)."""


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


def production_requirements(environ: dict[str, str] | os._Environ[str]) -> None:
    """Raise ``TopologyRefused`` unless PostgreSQL and Redis are configured."""
    database = environ.get("DATABASE_URL", "")
    redis = environ.get("REDIS_URL", "")
    if not database.startswith(("postgresql://", "postgres://")):
        raise TopologyRefused(
            "--production needs DATABASE_URL=postgresql://… (the processes share PostgreSQL)"
        )
    if not redis.startswith(("redis://", "rediss://", "unix://")):
        raise TopologyRefused(
            "--production needs REDIS_URL=redis://… (channel layer and broker across processes)"
        )


def production_processes(
    *,
    host: str,
    port: int,
    web_workers: int,
    worker_concurrency: int,
    with_ami: bool,
    schedule_file: Path,
    proxy_args: list[str],
    python: str = sys.executable,
) -> list[ProcessSpec]:
    """Web workers on ``port``, ``port + 1``, …; one listener and one standby; worker; beat."""
    manage = [python, "manage.py"]
    specs = [
        ProcessSpec(
            f"web{index + 1}",
            [
                python,
                "-m",
                "uvicorn",
                "callcenter.asgi:application",
                "--host",
                host,
                "--port",
                str(port + index),
                "--ws",
                "websockets-sansio",
                "--lifespan",
                "on",
                "--no-access-log",
                *proxy_args,
            ],
        )
        for index in range(web_workers)
    ]
    if with_ami:
        # Same system id: the lease in the database lets one of them work, the other waits.
        specs += [
            ProcessSpec("ami-a", [*manage, "ami_listen"]),
            ProcessSpec("ami-b", [*manage, "ami_listen"]),
        ]
    specs += [
        ProcessSpec(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "callcenter",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(worker_concurrency),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
        ),
        ProcessSpec(
            "beat",
            [
                python,
                "-m",
                "celery",
                "-A",
                "callcenter",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(schedule_file),
            ],
        ),
    ]
    return specs


class Supervisor:
    """Runs ``specs`` with one log file each and restarts any that exits until ``stop()``."""

    def __init__(
        self,
        specs: list[ProcessSpec],
        *,
        log_dir: Path,
        cwd: Path,
        restart: bool = True,
        announce: IO[str] | None = None,
        environ: dict[str, str] | None = None,
    ) -> None:
        self.environ = dict(os.environ) if environ is None else environ
        self.specs = {spec.name: spec for spec in specs}
        self.log_dir = log_dir
        self.cwd = cwd
        self.restart = restart
        self.announce = announce
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = dict.fromkeys(self.specs, 0)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def _say(self, line: str) -> None:
        if self.announce is not None:
            self.announce.write(f"» {line}\n")
            self.announce.flush()

    def _spawn(self, spec: ProcessSpec) -> subprocess.Popen[bytes]:
        with self.log_path(spec.name).open("ab") as log:
            return subprocess.Popen(
                spec.argv,
                cwd=self.cwd,
                env={**self.environ, **spec.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a signal to the supervisor is not sent to them too
            )

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            for spec in self.specs.values():
                self.processes[spec.name] = self._spawn(spec)
                self._say(
                    f"{spec.name:<7} pid {self.processes[spec.name].pid:<7} logs to "
                    f"{self.log_path(spec.name)}"
                )
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while not self._stopping.wait(0.2):
            with self._lock:
                exited = [
                    name for name, process in self.processes.items() if process.poll() is not None
                ]
            for name in exited:
                code = self.processes[name].returncode
                self._say(f"{name} exited with code {code}")
                if not self.restart:
                    self._stopping.set()
                    return
                if self._stopping.wait(RESTART_PAUSE_SECONDS):
                    return
                with self._lock:
                    self.processes[name] = self._spawn(self.specs[name])
                    self.restarts[name] += 1
                self._say(f"{name} restarted, pid {self.processes[name].pid}")

    def pid(self, name: str) -> int:
        with self._lock:
            return self.processes[name].pid

    def kill(self, name: str, sig: int = signal.SIGKILL, *, group: bool = False) -> int:
        """Send ``sig`` to one process (a fault for tests), or with ``group`` to it and the
        children it forked (a Celery worker's pool: each runs in a session of its own)."""
        with self._lock:
            process = self.processes[name]
            if group:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
            return process.pid

    def wait_stopped(self, timeout: float | None = None) -> bool:
        return self._stopping.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            processes = list(self.processes.items())
        for _, process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for _, process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
