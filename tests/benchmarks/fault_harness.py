"""Fault harness: PostgreSQL away for 30 s, Redis restarted, during traffic (issue 17).

    python -m tests.benchmarks.fault_harness --scenario pg-outage
    python -m tests.benchmarks.fault_harness --scenario redis-restart
    python -m tests.benchmarks.fault_harness --scenario celery-kill

Both run the production arrangement (``tests.support.topology``) on a PostgreSQL cluster and a
Redis server this script starts itself (``initdb``/``pg_ctl`` as the ``postgres`` user on
``--pg-port``, ``redis-server`` on ``--redis-port``) so it can stop them without touching
anything shared. Traffic: directed calls through the ACD simulator, one a second over the
agents, each answered after 0.5 s and hung up 3 s later, every agent's desk on a websocket.

pg-outage: ``pg_ctl stop -m fast`` for ``--outage`` seconds; figures: ``/healthz`` while the
database is away, whether the AMI session stayed up, the listener's log lines, seconds until
every call that ended is recorded, calls missing or duplicated against the simulator's own
record of what happened.

redis-restart: ``SHUTDOWN NOSAVE`` and a fresh ``redis-server`` on the same port; figures:
pops lost around the restart, seconds until pops arrive again, call records against the
simulator, websockets closed, and the desks' resync: each web worker's layer watch
(``callcenter.layerwatch``) says hello again on the sockets that stayed open, and the desk
fetches its status snapshot (seconds after the restart until the hello and until the
snapshot's answer; whether a call whose pop was lost shows in it).
celery-kill: an SMTP sink in this process (on ``--redis-port`` + 1) holds the Celery worker
inside an e-mail's SMTP exchange, the worker and its pool get kill -9
(``tests.support.mail_faults``), three kills a round: the citizen's response with an
attachment killed before the server's acceptance and after it, the deadline reminder killed
before; figures: messages the sink accepted per recipient, their Message-IDs, the outbox
row's attempts, seconds until the task ran again (the broker's visibility timeout
``--visibility`` and the claim ``--email-claim``).
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.redis_server import OwnRedis

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(argv: list[str]) -> subprocess.CompletedProcess[str]:
    command = argv if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


class OwnPostgres:
    """A throwaway PostgreSQL cluster on ``port`` (trust auth on loopback)."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.data = workdir / "pgdata"
        self.log = workdir / "postgres.log"
        workdir.mkdir(parents=True, exist_ok=True)
        shutil.chown(workdir, "postgres")
        initdb = _as_postgres(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        )
        if initdb.returncode != 0:
            raise RuntimeError(initdb.stderr)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {port}\nlisten_addresses = '127.0.0.1'\n")
            conf.write(f"unix_socket_directories = '{workdir}'\nfsync = off\n")
        self.start()

    def _ctl(self, *args: str) -> None:
        done = _as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *args]
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {args}: {done.stderr}")

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"


class Traffic:
    """Directed calls, one a second, over the free agents; the desks listen on websockets."""

    def __init__(self, running: Any) -> None:
        self.running = running
        self.stop = threading.Event()
        self.put_through: dict[str, float] = {}
        self.answered_at: dict[str, float] = {}
        self.pops: dict[str, float] = {}
        self.errors: list[str] = []
        self.closed_sockets = 0
        self.stopped_at = float("inf")
        # A hello on a socket that stayed open (the layer resumed): when, and when the desk's
        # resync (the status snapshot from the REST API, as live.js does) had its answer.
        self.hellos_again: list[tuple[str, float]] = []
        self.resynced: list[tuple[str, float, str | None]] = []
        self._thread = threading.Thread(target=self._calls, daemon=True)
        self._loop_thread = threading.Thread(target=self._sockets, daemon=True)

    def start(self) -> None:
        self._loop_thread.start()
        time.sleep(2)
        self._thread.start()

    def _calls(self) -> None:
        acd = self.running.acd
        interfaces = sorted(self.running.agents)
        busy: dict[str, str] = {}
        k = 0
        while not self.stop.is_set():
            interface = interfaces[k % len(interfaces)]
            k += 1
            if interface in busy:
                continue
            try:
                uniqueid = acd.call_put_through(
                    interface=interface, caller_number=f"+49301{k:07d}", caller_name=f"C{k}"
                )
                self.put_through[uniqueid] = time.time()
                busy[interface] = uniqueid

                def later(u: str = uniqueid, i: str = interface) -> None:
                    time.sleep(0.5)
                    acd.call_answer(u)
                    self.answered_at[u] = time.time()
                    time.sleep(3.0)
                    acd.call_hang_up(u)
                    busy.pop(i, None)

                threading.Thread(target=later, daemon=True).start()
            except Exception as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(1.0)

    def _sockets(self) -> None:
        import websockets

        async def desk(interface: str, port: int) -> None:
            headers = {"Cookie": self.running.agents[interface], "Origin": "http://127.0.0.1"}
            while not self.stop.is_set():
                try:
                    async with websockets.connect(
                        f"ws://127.0.0.1:{port}/ws/live/", additional_headers=headers
                    ) as ws:
                        greeted = False
                        while not self.stop.is_set():
                            try:
                                raw = await asyncio.wait_for(ws.recv(), 0.5)
                            except TimeoutError:
                                continue
                            event = json.loads(raw)
                            if event["type"] == "call.answered":
                                self.pops.setdefault(event["data"]["uniqueid"], time.time())
                            elif event["type"] == "hello" and greeted:
                                self.hellos_again.append((interface, time.time()))
                                status = await asyncio.to_thread(self._status, interface, port)
                                self.resynced.append((interface, time.time(), status))
                            greeted = greeted or event["type"] == "hello"
                except Exception:
                    self.closed_sockets += 1
                    await asyncio.sleep(0.5)  # the desk's reconnect

        async def main() -> None:
            ports = self.running.web_ports
            await asyncio.gather(
                *(desk(i, ports[k % len(ports)]) for k, i in enumerate(sorted(self.running.agents)))
            )

        asyncio.run(main())

    def _status(self, interface: str, port: int) -> str | None:
        """The desk's resync: its current call's uniqueid from the status snapshot."""
        import urllib.request

        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/telephony/status/",
            headers={"Cookie": self.running.agents[interface]},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            current = json.loads(response.read()).get("current_call")
        return None if not current else str(current.get("uniqueid"))

    def finish(self) -> None:
        self.stopped_at = time.time()
        self.stop.set()
        self._thread.join(10)
        time.sleep(4)  # the last calls hang up


def _ended_calls(running: Any) -> dict[str, int]:
    rows = running.query(
        "SELECT uniqueid, count(*) FROM telephony_call WHERE ended_at IS NOT NULL GROUP BY uniqueid"
    )
    return {str(u): int(n) for u, n in rows}


def _compare(running: Any) -> dict[str, Any]:
    outcomes = {o.uniqueid for o in running.acd.outcomes}
    recorded = _ended_calls(running)
    return {
        "calls_ended_at_acd": len(outcomes),
        "recorded_ended": len(recorded),
        "missing": sorted(outcomes - set(recorded))[:10],
        "missing_count": len(outcomes - set(recorded)),
        "duplicated": sorted(u for u, n in recorded.items() if n > 1)[:10],
        "tickets": running.query("SELECT count(*) FROM tickets_ticket")[0][0],
        "calls_with_ticket": running.query(
            "SELECT count(*) FROM telephony_call WHERE ticket_id IS NOT NULL"
        )[0][0],
    }


def _spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {"min": round(ordered[0], 2), "max": round(ordered[-1], 2), "n": len(ordered)}


def _wait_recorded(running: Any, limit: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        with contextlib.suppress(Exception):
            if _compare(running)["missing_count"] == 0:
                return round(time.monotonic() - started, 2)
        time.sleep(0.5)
    return None


def pg_outage(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from tests.support.topology import production_running

    postgres = OwnPostgres(args.pg_port, workdir / "pg")
    redis = OwnRedis(args.redis_port, workdir)
    try:
        with production_running(
            postgres_server=postgres.url, redis_url=redis.url, workdir=workdir, agents=6
        ) as running:
            traffic = Traffic(running)
            traffic.start()
            time.sleep(args.warmup)
            active = running.active_listener()
            acd = running.acd
            assert acd is not None
            postgres.stop()
            stopped_at = time.monotonic()
            health: list[int] = []
            ami_sessions: list[int] = []
            while time.monotonic() - stopped_at < args.outage:
                health.append(running.healthz())
                ami_sessions.append(len(acd.sessions))
                time.sleep(1.0)
            calls_during = sum(
                1 for t in traffic.answered_at.values() if t > time.time() - args.outage
            )
            postgres.start()
            back_at = time.monotonic()
            healthy_after = None
            while time.monotonic() - back_at < 60:
                if running.healthz() == 200:
                    healthy_after = round(time.monotonic() - back_at, 2)
                    break
                time.sleep(0.2)
            traffic.finish()
            recorded_after = _wait_recorded(running, 120)
            log = running.log_text(active or "ami-a")
            return {
                "scenario": "pg-outage",
                "outage_s": args.outage,
                "healthz_during": sorted(set(health)),
                "healthz_503_share": round(health.count(503) / max(1, len(health)), 2),
                "ami_session_up_during": min(ami_sessions) >= 1 if ami_sessions else None,
                "active_listener_unchanged": running.active_listener() == active,
                "calls_answered_during_outage": calls_during,
                "healthy_again_after_s": healthy_after,
                "all_recorded_after_s": recorded_after,
                "records": _compare(running),
                "listener_log": [
                    line[:200]
                    for line in log.splitlines()
                    if "database" in line or "backlog" in line or "behind" in line
                ][:10],
                "traffic_errors": traffic.errors[:5],
            }
    finally:
        with contextlib.suppress(Exception):
            postgres.stop()
        redis.stop()


def redis_restart(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from tests.support.services import postgres_url
    from tests.support.topology import production_running

    redis = OwnRedis(args.redis_port, workdir)
    try:
        with production_running(
            postgres_server=postgres_url().rsplit("/", 1)[0],
            redis_url=redis.url,
            workdir=workdir,
            agents=6,
        ) as running:
            traffic = Traffic(running)
            traffic.start()
            time.sleep(args.warmup)
            closed_before = traffic.closed_sockets
            restart_at = time.time()
            restarted_in = round(redis.restart(), 2)
            time.sleep(args.after)
            traffic.finish()
            recorded_after = _wait_recorded(running, 60)
            answered = traffic.answered_at
            # A call answered as the desks stopped listening is no lost pop.
            lost = sorted(
                u
                for u, t in answered.items()
                if u not in traffic.pops and t < traffic.stopped_at - 1.0
            )
            after = [t for u, t in traffic.pops.items() if answered.get(u, 0) > restart_at]
            first_pop_after = round(min(after) - restart_at, 2) if after else None
            return {
                "scenario": "redis-restart",
                "redis_down_s": restarted_in,
                "calls_answered": len(answered),
                "pops_lost": len(lost),
                "pops_lost_answered_after_restart_s": [
                    round(answered[u] - restart_at, 1) for u in lost
                ][:20],
                "first_pop_after_restart_s": first_pop_after,
                "websockets_closed_by_restart": traffic.closed_sockets - closed_before,
                "desks": len(running.agents),
                "desks_told_to_resync": len({i for i, _ in traffic.hellos_again}),
                "hello_after_restart_s": _spread([t - restart_at for _, t in traffic.hellos_again]),
                "resynced_after_restart_s": _spread(
                    [t - restart_at for _, t, _ in traffic.resynced]
                ),
                "lost_pops_shown_by_resync": sum(
                    1 for _, _, current in traffic.resynced if current in set(lost)
                ),
                "all_recorded_after_s": recorded_after,
                "records": _compare(running),
                "traffic_errors": traffic.errors[:5],
            }
    finally:
        redis.stop()


MAIL_KILLS = (("response", "data"), ("response", "quit"), ("reminder", "data"))


def celery_kill(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from tests.support.mail_faults import mail_environment, worker_killed_mid_email
    from tests.support.services import postgres_url
    from tests.support.smtp_sink import smtp_sink_running
    from tests.support.topology import production_running

    redis = OwnRedis(args.redis_port, workdir)
    runs: list[dict[str, Any]] = []
    try:
        with (
            smtp_sink_running(args.redis_port + 1) as sink,
            production_running(
                postgres_server=postgres_url().rsplit("/", 1)[0],
                redis_url=redis.url,
                workdir=workdir,
                agents=1,
                extra_env=mail_environment(
                    sink, claim_s=args.email_claim, visibility_s=args.visibility
                ),
            ) as running,
        ):
            for k in range(args.runs):
                for kind, point in MAIL_KILLS:
                    address = f"{kind}-{point}-{k}@example.org"
                    outcome = worker_killed_mid_email(
                        running, sink, kind=kind, point=point, address=address
                    )
                    runs.append(
                        {
                            "kind": kind,
                            "killed_at": point,
                            "ran_again_after_s": outcome.ran_again_after_s,
                            "messages_accepted": len(outcome.delivered),
                            "distinct_message_ids": len({m.message_id for m in outcome.delivered}),
                            "attempts": outcome.attempts,
                            "marked_sent": outcome.sent,
                        }
                    )
    finally:
        redis.stop()
    return {
        "scenario": "celery-kill",
        "email_claim_s": args.email_claim,
        "visibility_timeout_s": args.visibility,
        "kills": len(runs),
        "exactly_one_message_each": all(r["messages_accepted"] == 1 for r in runs),
        "ran_again_after_s": _spread([r["ran_again_after_s"] for r in runs]),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenario", choices=["pg-outage", "redis-restart", "celery-kill"], required=True
    )
    parser.add_argument("--pg-port", type=int, default=26798)
    parser.add_argument("--redis-port", type=int, default=26799)
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--after", type=float, default=15.0)
    parser.add_argument("--runs", type=int, default=3, help="celery-kill: rounds of 3 kills")
    parser.add_argument("--email-claim", type=int, default=3)
    parser.add_argument("--visibility", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)
        runner = {"pg-outage": pg_outage, "redis-restart": redis_restart}.get(
            args.scenario, celery_kill
        )
        result = runner(args, workdir)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
