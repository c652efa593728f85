"""The production arrangement on this machine, for fault tests, the benchmark and the soak.

``production_running()`` creates a database of its own on a PostgreSQL server, prepares it
(``tests.support.topology_setup``), starts an ACD simulator in a thread of the caller (directed
calls or its own traffic) and then the very processes ``python -m callcenter.run --production``
starts (``callcenter.topology``): web workers, AMI listener and standby, Celery worker and beat,
each a real OS process with its own log file. The caller reads results with SQL
(``Running.query``) and talks to the web workers over HTTP and websockets, like browsers.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg

from callcenter.topology import Supervisor, production_processes
from telephony.simulator.acd import AcdModel
from telephony.simulator.clock import SimClock
from telephony.simulator.server import AcdServer, running_in_thread
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
AMI_USER, AMI_SECRET = "topology", "topology-secret"


def free_port_pair(count: int = 2) -> int:
    """A port ``p`` with ``p … p + count - 1`` free (web workers listen on consecutive ports).

    ``CALLCENTER_TOPOLOGY_PORTS=FIRST-LAST`` keeps them in a range (a machine shared by
    several runs hands each its own); otherwise the system picks.
    """
    allowed = os.environ.get("CALLCENTER_TOPOLOGY_PORTS", "")
    candidates: list[int] = []
    if allowed:
        first, last = (int(part) for part in allowed.split("-", 1))
        candidates = list(range(first, last - count + 2))
    for attempt in range(len(candidates) or 50):
        if candidates:
            base = candidates[attempt]
        else:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                base = int(probe.getsockname()[1])
        if base + count > 65535:
            continue
        try:
            with contextlib.ExitStack() as stack:
                for offset in range(count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise RuntimeError("no consecutive free ports")


def database_with(server_url: str, name: str) -> str:
    parsed = urlparse(server_url)
    return parsed._replace(path=f"/{name}").geturl()


@dataclass
class Running:
    supervisor: Supervisor
    database_url: str
    web_ports: list[int]
    acd: AcdServer | None
    log_dir: Path
    system_id: str
    agents: dict[str, str]  # interface -> session cookie
    clerk: str
    department_id: int
    csrf: str
    environ: dict[str, str] = field(default_factory=dict)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return list(conn.execute(sql, params).fetchall())

    def lease(self) -> tuple[str, bool] | None:
        rows = self.query(
            "SELECT holder, connected FROM telephony_listenerlease WHERE system_id = %s",
            self.system_id,
        )
        return (str(rows[0][0]), bool(rows[0][1])) if rows else None

    def active_listener(self) -> str | None:
        """The process name (``ami-a``/``ami-b``) holding a connected lease, if any."""
        lease = self.lease()
        if lease is None or not lease[1]:
            return None
        pid = int(lease[0].rsplit(":", 1)[1])
        for name in ("ami-a", "ami-b"):
            if self.supervisor.pid(name) == pid:
                return name
        return None

    def healthz(self, port: int | None = None) -> int:
        url = f"http://127.0.0.1:{port or self.web_ports[0]}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0  # not listening (yet, or any more)

    def log_text(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(encoding="utf-8", errors="replace")


def _healthy(running: Running, port: int) -> bool:
    return running.healthz(port) == 200


def _prepare(environ: dict[str, str], agents: int) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.topology_setup", "--agents", str(agents)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"preparing the arrangement's database failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@contextlib.contextmanager
def production_running(
    *,
    postgres_server: str,
    redis_url: str,
    workdir: Path,
    agents: int,
    web_workers: int = 2,
    calls_per_minute: float = 0.0,
    acd_agents: int | None = None,
    extra_env: dict[str, str] | None = None,
    ami_port: int | None = None,
) -> Iterator[Running]:
    """The arrangement on a fresh database; everything is stopped and dropped afterwards.

    The listeners connect to a simulator started here, or to ``ami_port`` if given (then
    ``Running.acd`` is None and the caller plays the ACD).
    """
    # CALLCENTER_TOPOLOGY_DATABASE_PREFIX names the databases on a shared server.
    prefix = os.environ.get("CALLCENTER_TOPOLOGY_DATABASE_PREFIX", "cc_topology")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_with(postgres_server, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = database_with(postgres_server, name)
    clock = SimClock()
    model = AcdModel(
        start=clock.now(),
        seed=17,
        calls_per_minute=calls_per_minute,
        agents=acd_agents or agents,
        daily_profile=False,
        breaks=False,
        rtcp=calls_per_minute > 0,
    )
    server = AcdServer(model, clock, username=AMI_USER, secret=AMI_SECRET)
    stack = contextlib.ExitStack()
    log_dir = workdir / "log"
    base = free_port_pair(web_workers)
    supervisor: Supervisor | None = None
    try:
        with stack:
            if ami_port is None:
                ami_port = stack.enter_context(running_in_thread(server))
            system_id = f"topology-{name}"
            environ = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "callcenter.settings",
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "CELERY_BROKER_URL": redis_url,
                "CALLCENTER_INSTALLATION": name.replace("_", "-"),
                "CALLCENTER_DATA_DIR": str(workdir),
                "CALLCENTER_MODE": "development",
                "CALLCENTER_LOG_LEVEL": "INFO",
                "AMI_HOST": "127.0.0.1",
                "AMI_PORT": str(ami_port),
                "AMI_USERNAME": AMI_USER,
                "AMI_SECRET": AMI_SECRET,
                "AMI_SYSTEM_ID": system_id,
                "PYTHONUNBUFFERED": "1",
                **(extra_env or {}),
            }
            for key in (
                "CALLCENTER_AMI_IN_PROCESS",
                "CALLCENTER_CELERY_EAGER",
                "AMI_SECRET_FILE",
                "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests, not in production
            ):
                environ.pop(key, None)
            prepared = _prepare(environ, agents)
            specs = production_processes(
                host="127.0.0.1",
                port=base,
                web_workers=web_workers,
                worker_concurrency=1,
                with_ami=True,
                schedule_file=workdir / "celerybeat-schedule",
                proxy_args=["--no-proxy-headers"],
            )
            supervisor = Supervisor(specs, log_dir=log_dir, cwd=ROOT, environ=environ)
            supervisor.start()
            running = Running(
                supervisor=supervisor,
                database_url=database_url,
                web_ports=[base + k for k in range(web_workers)],
                acd=server if server.port else None,
                log_dir=log_dir,
                system_id=system_id,
                agents=prepared["agents"],
                clerk=prepared["clerk"],
                department_id=int(prepared["department_id"]),
                csrf=str(prepared["csrf"]),
                environ=environ,
            )
            for port in running.web_ports:
                wait_for(partial(_healthy, running, port), what=f"web worker on {port}")
            wait_for(lambda: running.active_listener() is not None, what="an active AMI listener")
            yield running
    finally:
        if supervisor is not None:
            supervisor.stop()
        time.sleep(0.2)
        with psycopg.connect(database_with(postgres_server, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
