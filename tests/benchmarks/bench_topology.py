"""Benchmark: the production arrangement at scale (issue 17).

    python -m tests.benchmarks.bench_topology --agents 1000 --rate 10 --seconds 60
    python -m tests.benchmarks.bench_topology --layer core      # RedisChannelLayer instead

The arrangement is ``python -m callcenter.run --production``'s (``tests.support.topology``):
two uvicorn web workers, ``ami_listen`` with a standby, Celery worker and beat, each its own
process, on PostgreSQL (``CALLCENTER_TEST_POSTGRES_URL`` or DATABASE_URL's server) and Redis
(``REDIS_URL``). This script plays the ACD (every call is the 51 frames Asterisk 20 writes for
an answered queue call, with dialplan, bridge and RTCP noise, ``tests.benchmarks.ami_traffic``)
and, in a separate process, the browsers: ``--agents`` desk websockets spread over the web
workers and one department clerk's inbox socket.

Measured: screen pop (``AgentConnect`` written → ``call.answered`` on the answering agent's
socket), lost and misrouted pops, ``ticket.changed`` on the clerk's inbox socket for every
``--escalate-every``-th call (escalate POST sent → event), channel-layer overflow (lost pops,
``over capacity``/``ChannelFull`` in any log), CPU seconds per call of each process
(``/proc``, children included) and resident memory. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.benchmarks._common import latency_summary

ROOT = Path(__file__).resolve().parents[2]
RING_SECONDS = 0.6
TALK_SECONDS = 4.0
RTCP_PER_CALL = 2
OVERFLOW_MARKERS = ("over capacity", "ChannelFull", "output buffer limits")


def summary(values: list[float]) -> dict[str, float]:
    return latency_summary(values, (0.90, 0.99))


# --- /proc: CPU and memory of a process tree ----------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def tree(pid: int) -> list[int]:
    pids = [pid]
    for child in _children(pid):
        pids += tree(child)
    return pids


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    return total


def rss_mib(pid: int) -> float:
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


# --- the browsers, in their own process ---------------------------------------------------


def clients_main(
    ports: list[int],
    agents: dict[str, str],
    clerk: str,
    csrf: str,
    escalate: dict[str, int],  # uniqueid -> department id, for the calls to escalate
    ready: Any,
    stop: Any,
    results: Any,
) -> None:
    import websockets

    pops: dict[str, tuple[float, str]] = {}
    duplicates: list[str] = []
    changed: dict[int, float] = {}
    escalated: dict[int, float] = {}
    failures: list[str] = []
    connect_errors: list[str] = []

    def post_escalate(ticket_id: int, department: int, port: int, cookie: str) -> None:
        """What the desk does: read the ticket's version, then escalate it (timed from the POST)."""
        try:
            detail = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/tickets/{ticket_id}/", headers={"Cookie": cookie}
            )
            with urllib.request.urlopen(detail, timeout=30) as response:
                version = json.loads(response.read())["version"]
        except Exception as exc:
            failures.append(f"{ticket_id}: GET {exc}")
            return
        # An escalation is a request: a note and an explicit response channel (tickets.intake).
        body = json.dumps(
            {
                "department": department,
                "version": version,
                "note": "Lasttest: Anliegen für den Fachbereich.",
                "caller": {"response_channel": "self"},
            }
        ).encode()
        escalated[ticket_id] = time.time()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/tickets/{ticket_id}/escalate",
            data=body,
            method="POST",
            headers={"Cookie": cookie, "X-CSRFToken": csrf, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            failures.append(f"{ticket_id}: {exc} {exc.read()[:200]!r}")
            escalated.pop(ticket_id, None)
        except Exception as exc:  # reported, not fatal: the figure counts only successes
            failures.append(f"{ticket_id}: {exc}")
            escalated.pop(ticket_id, None)

    async def agent(interface: str, port: int, connected: asyncio.Event) -> None:
        headers = {"Cookie": agents[interface], "Origin": "http://127.0.0.1"}
        try:
            async with websockets.connect(
                f"ws://127.0.0.1:{port}/ws/live/",
                additional_headers=headers,
                max_queue=None,
                open_timeout=120,
            ) as ws:
                await ws.recv()  # hello
                connected.set()
                while not stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), 0.5)
                    except TimeoutError:
                        continue
                    now = time.time()
                    event = json.loads(raw)
                    data = event.get("data") or {}
                    if event["type"] == "call.answered":
                        uniqueid = data["uniqueid"]
                        if uniqueid in pops:
                            duplicates.append(uniqueid)
                        pops[uniqueid] = (now, interface)
                    elif event["type"] == "call.ticket" and data.get("uniqueid") in escalate:
                        ticket_id = int(data["ticket"]["id"])
                        department = escalate[data["uniqueid"]]
                        await asyncio.to_thread(
                            post_escalate, ticket_id, department, port, agents[interface]
                        )
        except Exception as exc:
            connect_errors.append(f"{interface}: {type(exc).__name__}: {exc}")
            connected.set()

    async def inbox(connected: asyncio.Event) -> None:
        headers = {"Cookie": clerk, "Origin": "http://127.0.0.1"}
        # The same opening budget as the agents' sockets: the clerk connects while 1,000 desks
        # are being accepted, and websockets' default (10 s) timed a run out before traffic.
        async with websockets.connect(
            f"ws://127.0.0.1:{ports[-1]}/ws/live/",
            additional_headers=headers,
            max_queue=None,
            open_timeout=120,
        ) as ws:
            await ws.recv()
            connected.set()
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                now = time.time()
                event = json.loads(raw)
                if event["type"] == "ticket.changed":
                    ticket_id = int(event["data"].get("id") or event["data"]["ticket"]["id"])
                    changed.setdefault(ticket_id, now)

    async def main() -> None:
        interfaces = sorted(agents)
        flags = {i: asyncio.Event() for i in interfaces}
        clerk_ready = asyncio.Event()
        tasks = [asyncio.create_task(inbox(clerk_ready))]
        for k, interface in enumerate(interfaces):
            tasks.append(
                asyncio.create_task(agent(interface, ports[k % len(ports)], flags[interface]))
            )
            if k % 50 == 49:
                await asyncio.sleep(0.2)  # a morning's logins, not one burst
        await asyncio.wait_for(
            asyncio.gather(clerk_ready.wait(), *(f.wait() for f in flags.values())), 600
        )
        ready.set()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    results.put(
        {
            "pops": pops,
            "duplicates": duplicates,
            "changed": changed,
            "escalated": escalated,
            "failures": failures,
            "connect_errors": connect_errors,
        }
    )


# --- the ACD and the run ------------------------------------------------------------------


class LoopThread:
    """An asyncio loop in a thread: the ACD must answer while the main thread waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def process_figures(running: Any, before: dict[str, float], calls: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in running.supervisor.specs:
        pid = running.supervisor.pid(name)
        used = cpu_seconds(pid) - before.get(name, 0.0)
        out[name] = {
            "cpu_s": round(used, 2),
            "cpu_ms_per_call": round(1000 * used / max(1, calls), 2),
            "rss_mib": rss_mib(pid),
        }
    return out


def overflow_lines(running: Any) -> list[str]:
    lines = []
    for name in running.supervisor.specs:
        for line in running.log_text(name).splitlines():
            if any(marker in line for marker in OVERFLOW_MARKERS):
                lines.append(f"{name}: {line[:200]}")
    return lines


def log_offsets(running: Any) -> dict[str, int]:
    return {name: len(running.log_text(name)) for name in running.supervisor.specs}


def error_lines(running: Any, offsets: dict[str, int]) -> list[str]:
    """Error lines written since ``offsets`` (the start-up's 503s of /healthz are not counted)."""
    lines = []
    for name in running.supervisor.specs:
        for line in running.log_text(name)[offsets.get(name, 0) :].splitlines():
            if " ERROR " in line or "Traceback" in line or " CRITICAL " in line:
                lines.append(f"{name}: {line[:200]}")
    return lines


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    from tests.benchmarks.ami_traffic import render_call
    from tests.benchmarks.bench_telephony import MiniAcd
    from tests.support.topology import production_running

    server = os.environ.get("CALLCENTER_TEST_POSTGRES_URL") or os.environ.get(
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    server = server.rsplit("/", 1)[0]
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    loop = LoopThread()
    acd = MiniAcd()
    loop.run(acd.start())
    calls = int(args.rate * args.seconds)
    started = time.monotonic()
    with production_running(
        postgres_server=server,
        redis_url=redis,
        workdir=workdir,
        agents=args.agents,
        web_workers=args.web_workers,
        ami_port=acd.port,
        extra_env={"CALLCENTER_CHANNEL_LAYER": args.layer, "CALLCENTER_LOG_LEVEL": "WARNING"},
    ) as running:
        setup_s = time.monotonic() - started
        interfaces = sorted(running.agents, key=lambda i: int(i.split("/")[1]))
        frames = [
            render_call(k, interfaces[k % len(interfaces)], rtcp=RTCP_PER_CALL)
            for k in range(calls)
        ]
        escalate = {
            f.uniqueid: running.department_id
            for k, f in enumerate(frames)
            if args.escalate_every and k % args.escalate_every == 0
        }
        context = multiprocessing.get_context("spawn")
        ready, stop, results = context.Event(), context.Event(), context.Queue()
        clients = context.Process(
            target=clients_main,
            args=(
                running.web_ports,
                running.agents,
                running.clerk,
                running.csrf,
                escalate,
                ready,
                stop,
                results,
            ),
        )
        connect_started = time.monotonic()
        clients.start()
        if args.renice:
            # Not fair to the machine's other users: only to show what the code does when its
            # processes get the CPU (reported as such).
            for pid in [clients.pid or 0] + [
                running.supervisor.pid(n) for n in running.supervisor.specs
            ]:
                for p in tree(pid):
                    with contextlib.suppress(OSError):
                        os.setpriority(os.PRIO_PROCESS, p, args.renice)
        if not ready.wait(900):
            raise RuntimeError("the agents' websockets did not connect")
        connect_s = time.monotonic() - connect_started
        sent: dict[str, float] = {}
        before = {n: cpu_seconds(running.supervisor.pid(n)) for n in running.supervisor.specs}
        offsets = log_offsets(running)

        async def scenario() -> None:
            writer = acd.writer
            assert writer is not None

            async def one_call(k: int) -> None:
                call = frames[k]
                writer.write(call.before_connect)
                await writer.drain()
                await asyncio.sleep(RING_SECONDS)
                sent[call.uniqueid] = time.time()
                writer.write(call.connect)
                await writer.drain()
                await asyncio.sleep(TALK_SECONDS)
                writer.write(call.after_connect)
                await writer.drain()

            tasks = []
            t0 = time.monotonic()
            for k in range(calls):
                tasks.append(asyncio.create_task(one_call(k)))
                delay = t0 + (k + 1) / args.rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            await asyncio.gather(*tasks)

        loop.run(scenario())
        # Let the writes and the escalations settle before counting.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ended = running.query("SELECT count(*) FROM telephony_call WHERE ended_at IS NOT NULL")[
                0
            ][0]
            if ended >= calls:
                break
            time.sleep(1)
        time.sleep(3)
        cpu = process_figures(running, before, calls)
        stop.set()
        got = results.get(timeout=120)
        clients.join(60)
        rows = running.query(
            "SELECT count(*), count(DISTINCT uniqueid), count(ticket_id), "
            "count(*) FILTER (WHERE ended_at IS NOT NULL) FROM telephony_call"
        )[0]
        overflow = overflow_lines(running)
        errors = error_lines(running, offsets)
    loop.stop()

    pops = got["pops"]
    latencies = [(pops[u][0] - sent[u]) * 1000 for u in sent if u in pops]
    expected = {f.uniqueid: interfaces[k % len(interfaces)] for k, f in enumerate(frames)}
    misrouted = sum(1 for u, (_, i) in pops.items() if expected.get(u) != i)
    changed = got["changed"]
    inbox = [(changed[t] - s) * 1000 for t, s in got["escalated"].items() if t in changed]
    return {
        "layer": args.layer,
        "renice": args.renice,
        "agents": args.agents,
        "web_workers": args.web_workers,
        "calls_per_second": args.rate,
        "calls": calls,
        "setup_s": round(setup_s, 1),
        "websockets_connect_s": round(connect_s, 1),
        "websocket_errors": got["connect_errors"][:5],
        "screen_pop": summary(latencies),
        "pops_lost": calls - len(latencies),
        "pops_duplicated": len(got["duplicates"]),
        "pops_misrouted": misrouted,
        "inbox_ticket_changed": summary(inbox),
        "escalations_sent": len(got["escalated"]),
        "escalations_failed": got["failures"][:5],
        "inbox_events_missing": len(got["escalated"]) - len(inbox) - len(got["failures"]),
        "call_rows": {
            "rows": rows[0],
            "distinct": rows[1],
            "with_ticket": rows[2],
            "ended": rows[3],
        },
        "channel_layer_overflow_lines": overflow[:10],
        "error_lines": errors[:10],
        "error_line_count": len(errors),
        "processes": cpu,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--layer", choices=["pubsub", "core"], default="pubsub")
    parser.add_argument("--escalate-every", type=int, default=5)
    parser.add_argument("--renice", type=int, default=0, help="nice value for every process")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args, Path(tmp))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
