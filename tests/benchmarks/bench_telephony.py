"""Benchmark: screen-pop latency and AMI adapter throughput (issue 6).

    python -m tests.benchmarks.bench_telephony --mode embedded   # SQLite + in-memory layer
    python -m tests.benchmarks.bench_telephony --mode postgres   # PostgreSQL + Redis

Latency: from the moment the ``AgentConnect`` frame is written to the AMI socket to the
moment the ``call.answered`` screen pop arrives on the answering agent's authenticated
websocket (and, reported apart, the ``call.ticket`` event that follows it with the ticket
opened for the call), with ``--agents`` websockets connected and ``--rate`` new calls per
second. The adapter runs as a thread of the server process (the embedded mode's
arrangement; with Redis the pop crosses Redis as in production). Throughput: the same
calls, with all their dialplan/bridge/RTCP noise, written as fast as the socket takes them;
events per second until every call is recorded as ended, and whether the adapter's queue
dropped anything.
Prints one JSON object.
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
from pathlib import Path
from typing import Any

from tests.benchmarks._common import latency_summary, scratch_database

ROOT = Path(__file__).resolve().parents[2]
RING_SECONDS = 0.6
TALK_SECONDS = 2.0
TARGET_EVENTS_PER_SECOND = 2000
TAIL = (0.90, 0.99)  # the quantiles reported beside the median


def _configure(workdir: Path, database_url: str | None) -> None:
    """Set the environment before Django starts: PostgreSQL and Redis, or SQLite and none."""
    os.environ["CALLCENTER_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    if database_url is None:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ.pop("REDIS_URL", None)
        os.environ.pop("CELERY_BROKER_URL", None)
        return
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"]


class MiniAcd:
    """The AMI side: banner, login, empty resync lists; the benchmark writes the events."""

    def __init__(self) -> None:
        self.writer: asyncio.StreamWriter | None = None
        self.logged_in = asyncio.Event()
        self.port = 0

    async def start(self) -> None:
        server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        from telephony.ami.framing import FrameParser

        writer.write(b"Asterisk Call Manager/9.0.0\r\n")
        parser = FrameParser()
        while data := await reader.read(65536):
            for message in parser.feed(data):
                action = (message.get("Action") or "").lower()
                action_id = message.get("ActionID") or ""
                head = f"Response: Success\r\nActionID: {action_id}\r\n"
                if action == "login":
                    writer.write(f"{head}Message: Authentication accepted\r\n\r\n".encode())
                    self.writer = writer
                    self.logged_in.set()
                elif action == "ping":
                    writer.write(
                        f"{head}Ping: Pong\r\nTimestamp: {time.time():.6f}\r\n\r\n".encode()
                    )
                elif action in ("queuestatus", "coreshowchannels"):
                    name = "QueueStatus" if action == "queuestatus" else "CoreShowChannels"
                    writer.write(
                        f"{head}EventList: start\r\nMessage: will follow\r\n\r\n"
                        f"Event: {name}Complete\r\nActionID: {action_id}\r\n"
                        f"EventList: Complete\r\nListItems: 0\r\n\r\n".encode()
                    )
                else:
                    writer.write(f"{head}\r\n".encode())
            await writer.drain()


def _clients_main(
    ws_url: str, cookies: dict[str, str], ready: Any, stop: Any, results: Any
) -> None:
    """Runs in its own process, as browsers would: the agents' websockets."""
    import websockets

    arrivals: dict[str, tuple[float, str]] = {}
    tickets: dict[str, float] = {}

    async def listen(interface: str, connected: asyncio.Event) -> None:
        headers = {"Cookie": cookies[interface], "Origin": "http://127.0.0.1"}
        async with websockets.connect(ws_url, additional_headers=headers, max_queue=None) as ws:
            await ws.recv()  # hello
            connected.set()
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.25)
                except TimeoutError:
                    continue
                now = time.time()
                event = json.loads(raw)
                if event["type"] == "call.answered":
                    arrivals[event["data"]["uniqueid"]] = (now, interface)
                elif event["type"] == "call.ticket":
                    tickets[event["data"]["uniqueid"]] = now

    async def main() -> None:
        flags = {interface: asyncio.Event() for interface in cookies}
        tasks = [asyncio.create_task(listen(i, flags[i])) for i in cookies]
        await asyncio.wait_for(asyncio.gather(*(f.wait() for f in flags.values())), 120)
        ready.set()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    results.put((arrivals, tickets))


def run(mode: str, agents: int, calls: int, rate: float, burst_calls: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)

    from callcenter.accounts.roles import Role
    from callcenter.accounts.services import user_create_or_update
    from telephony.ami.client import AmiConfig
    from telephony.models import Call
    from telephony.runtime import AdapterRuntime
    from telephony.services import device_map
    from tests.benchmarks.ami_traffic import render_call
    from tests.support.asgi import AsgiServerThread

    interfaces = [f"PJSIP/{3000 + k}" for k in range(agents)]
    cookies: dict[str, str] = {}
    for k, interface in enumerate(interfaces):
        user = user_create_or_update(username=f"bench{k}", password=None, roles=[Role.CALL_AGENT])
        device_map(username=user.username, interface=interface)
        client = Client()
        client.force_login(user)
        cookies[interface] = f"sessionid={client.cookies['sessionid'].value}"

    server = AsgiServerThread()
    server.start_and_wait()
    ws_url = f"ws://127.0.0.1:{server.port}/ws/live/"
    context = multiprocessing.get_context("spawn")
    ready, stop, results = context.Event(), context.Event(), context.Queue()
    clients = context.Process(target=_clients_main, args=(ws_url, cookies, ready, stop, results))
    clients.start()
    if not ready.wait(180):
        raise RuntimeError("the agents' websockets did not connect")
    sent: dict[str, float] = {}
    expected_agent: dict[str, str] = {}

    async def scenario() -> dict[str, Any]:
        acd = MiniAcd()
        await acd.start()
        config = AmiConfig(
            host="127.0.0.1",
            port=acd.port,
            username="bench",
            secret="bench",
            ping_interval=30.0,
            tick_interval=1.0,
        )
        runtime = AdapterRuntime(config, system_id=f"bench-{mode}")
        adapter = threading.Thread(target=runtime.run, daemon=True)
        adapter.start()
        await asyncio.wait_for(acd.logged_in.wait(), 30)
        writer = acd.writer
        assert writer is not None
        await asyncio.sleep(1.0)  # let the resync finish

        # Latency: `rate` new calls per second; each rings RING_SECONDS before the answer.
        async def one_call(index: int) -> None:
            interface = interfaces[index % len(interfaces)]
            frames = render_call(index, interface)
            expected_agent[frames.uniqueid] = interface
            writer.write(frames.before_connect)
            await writer.drain()
            await asyncio.sleep(RING_SECONDS)
            sent[frames.uniqueid] = time.time()
            writer.write(frames.connect)
            await writer.drain()
            await asyncio.sleep(TALK_SECONDS)
            writer.write(frames.after_connect)
            await writer.drain()

        tasks = []
        for index in range(calls):
            tasks.append(asyncio.create_task(one_call(index)))
            await asyncio.sleep(1.0 / rate)
        await asyncio.gather(*tasks)
        await asyncio.sleep(3.0)

        # Throughput: the noise mix (each call with RTCP reports for a 4-minute talk) written
        # at TARGET_EVENTS_PER_SECOND; every call must be recorded and nothing dropped.
        def ended() -> int:
            rows = Call.objects.filter(uniqueid__startswith="1800000000.")
            return rows.filter(ended_at__isnull=False).count()

        burst = [
            render_call(index, interfaces[index % len(interfaces)], base=1_800_000_000, rtcp=96)
            for index in range(burst_calls)
        ]
        events = sum(f.events for f in burst)
        client = runtime.listener.client if runtime.listener else None
        dropped_before = client.dropped_events if client else 0
        t0 = time.perf_counter()
        written = 0
        cut_off = False
        try:
            for frames in burst:
                writer.write(frames.before_connect + frames.connect + frames.after_connect)
                await writer.drain()
                written += frames.events
                ahead = written / TARGET_EVENTS_PER_SECOND - (time.perf_counter() - t0)
                if ahead > 0:
                    await asyncio.sleep(ahead)
        except ConnectionError:
            # The adapter dropped the connection (its queue overflowed): report, don't crash.
            cut_off = True
        write_seconds = time.perf_counter() - t0
        while (
            not cut_off
            and await asyncio.to_thread(ended) < burst_calls
            and time.perf_counter() - t0 < 300
        ):
            await asyncio.sleep(0.05)
        processed = time.perf_counter() - t0
        done = await asyncio.to_thread(ended)
        runtime.stop()
        await asyncio.to_thread(adapter.join, 15)
        return {
            "events": events,
            "write_seconds": write_seconds,
            "processed": processed,
            "done": done,
            "dropped": (client.dropped_events - dropped_before) if client else None,
            "queue_capacity": config.queue_size,
            "written": written,
            "cut_off": cut_off,
        }

    try:
        burst = asyncio.run(scenario())
    finally:
        stop.set()
        arrivals, tickets = results.get(timeout=60)
        clients.join(30)
        server.stop()
    latencies = [(arrivals[u][0] - sent[u]) * 1000 for u in sent if u in arrivals]
    ticket_latencies = [(tickets[u] - sent[u]) * 1000 for u in sent if u in tickets]
    wrong = sum(
        1 for u, (_, interface) in arrivals.items() if expected_agent.get(u, interface) != interface
    )
    return {
        "mode": mode,
        "agents_connected": len(interfaces),
        "calls_per_second": rate,
        "screen_pop": latency_summary(latencies, TAIL),
        "pops_missing": calls - len(latencies),
        # The ticket follows the pop as call.ticket (the pop goes out before any write).
        "ticket_follow_up": latency_summary(ticket_latencies, TAIL),
        "pops_to_wrong_agent": wrong,
        "throughput": {
            "calls": burst_calls,
            "events": burst["events"],
            "target_events_per_second": TARGET_EVENTS_PER_SECOND,
            "written_events_per_second": round(burst["written"] / burst["write_seconds"], 1),
            "connection_dropped_by_adapter": burst["cut_off"],
            "all_recorded_s": round(burst["processed"], 2),
            "recorded_events_per_second": round(burst["events"] / burst["processed"], 1),
            "calls_ended": burst["done"],
            "dropped_events": burst["dropped"],
            "queue_capacity": burst["queue_capacity"],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=["embedded", "postgres"], default="embedded")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--calls", type=int, default=150)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--burst-calls", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        url = stack.enter_context(scratch_database()) if args.mode == "postgres" else None
        _configure(Path(tmp), url)
        result = run(args.mode, args.agents, args.calls, args.rate, args.burst_calls)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
