"""Benchmark: how long a desk's ACD command (a callback's Originate) takes to go out.

    python -m tests.benchmarks.bench_acd_commands [--mode postgres|sqlite]
        [--adapter process|thread] [--commands 40] [--idle 10]

The adapter runs on a simulated Asterisk (``tests.support.ami_replay``) either as
``manage.py ami_listen`` in a process of its own, as in production, or in a thread of this
process, as the embedded mode runs it; its command thread gets the commands through the
database (``telephony.acd_commands``). Measured:
- ``request_to_sent``: from calling ``acd_commands.originate`` until the ``Originate`` action
  arrives at the simulated Asterisk (p50/p95/max), the commands spaced by random pauses so the
  adapter is idle when each comes;
- ``request_to_answer``: until ``originate`` returns (the request has the ACD's answer);
- ``idle_table_reads_per_second`` (PostgreSQL only): reads of the command table per second
  while nothing happens for ``--idle`` seconds (the adapter looking for commands).
Prints one JSON object. PostgreSQL from ``CALLCENTER_TEST_POSTGRES_URL`` or a local server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.benchmarks._common import django_environment, latency_summary, scratch_database

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = "bench-acd"


class _Stamped(list[Any]):
    """The simulator's record of actions, with the moment each arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[tuple[str, float]] = []

    def append(self, message: Any) -> None:
        self.arrived.append(((message.get("Action") or "").lower(), time.perf_counter()))
        super().append(message)


def _table_reads() -> int:
    """How often the command table was read (scans of it or its indexes), by any process."""
    from django.db import connection

    from telephony.models import AcdCommand

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = %s",
            [AcdCommand._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _ami_listen(port: int) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.update(
        {"AMI_HOST": "127.0.0.1", "AMI_PORT": str(port), "AMI_USERNAME": "adapter",
         "AMI_SECRET": "secret", "AMI_SYSTEM_ID": SYSTEM}
    )  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "manage.py", "ami_listen"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def run(commands: int, idle: float, adapter: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from telephony import acd_commands
    from telephony.ami.client import AmiConfig
    from telephony.runtime import AdapterRuntime
    from tests.support.ami_replay import AmiReplayServer, Script, running_in_thread

    call_command("migrate", verbosity=0)
    server = AmiReplayServer(scripts=(Script(after="stay"),))
    stamped = _Stamped()
    server.actions = stamped
    with running_in_thread(server), override_settings(AMI_SYSTEM_ID=SYSTEM):
        config = AmiConfig(
            host="127.0.0.1", port=server.port, username="adapter", secret="secret",
            ping_interval=5.0, action_timeout=3.0, backoff_initial=0.05, backoff_max=0.2,
        )  # fmt: skip
        runtime = AdapterRuntime(config, system_id=SYSTEM)
        thread = threading.Thread(target=runtime.run, name="adapter", daemon=True)
        process = _ami_listen(server.port) if adapter == "process" else None
        if process is None:
            thread.start()
        deadline = time.monotonic() + 30
        while not acd_commands.adapter_running(SYSTEM):
            if time.monotonic() > deadline:
                raise RuntimeError("the adapter did not take its lease")
            time.sleep(0.05)
        time.sleep(1.0)  # the command thread is up and idle
        figures: dict[str, Any] = {}
        if connection.vendor == "postgresql":
            # The statistics reach the counters within a second or so: wait before reading.
            time.sleep(2.0)
            before, started = _table_reads(), time.monotonic()
            time.sleep(idle)
            spent = time.monotonic() - started
            figures["idle_table_reads_per_second"] = round((_table_reads() - before) / spent, 2)
        sent: list[float] = []
        answered: list[float] = []
        rng = random.Random(7)
        for _ in range(commands):
            time.sleep(rng.uniform(0.3, 0.7))
            seen = len(stamped.arrived)
            start = time.perf_counter()
            acd_commands.originate(
                agent_device="PJSIP/2101", number="+49301234567", context="from-internal",
                caller_id="115",
            )  # fmt: skip
            answered.append((time.perf_counter() - start) * 1000)
            arrival = next(at for name, at in stamped.arrived[seen:] if name == "originate")
            sent.append((arrival - start) * 1000)
        if process is None:
            runtime.stop()
            thread.join(15)
        else:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
    return {
        "mode": connection.vendor,
        "adapter": adapter,
        "request_to_sent": latency_summary(sent),
        "request_to_answer": latency_summary(answered),
        **figures,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--adapter", choices=["process", "thread"], default="process")
    parser.add_argument("--commands", type=int, default=40)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        if args.mode == "postgres":
            url = stack.enter_context(scratch_database())
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        django_environment(database_url=url, data_dir=tmp)
        result = run(args.commands, args.idle, args.adapter)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
