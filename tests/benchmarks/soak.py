"""Soak: Berlin's Monday peak through the whole production arrangement (``make soak``).

    python -m tests.benchmarks.soak                      # 30 minutes, figures every 5 minutes
    python -m tests.benchmarks.soak --minutes 5 --interval 60

The arrangement is ``python -m callcenter.run --production``'s (``tests.support.topology``)
on PostgreSQL and Redis; the ACD simulator produces its own traffic (arrivals, patience,
abandons, breaks, after-call work, RTCP noise) for Berlin's 158 agents at the peak rate
(``--calls-per-hour``, default 800: about 15 % of a 5,300-call Monday in its busiest hour),
and every agent's desk listens on a websocket. Per interval: resident memory and CPU of every
process, calls ended at the ACD vs recorded, screen pops received, error lines in the logs.
Pass/fail: memory of every process within ``--memory-tolerance`` (10 %) of its value after
the first interval (warm-up), no error line, no call missing, no answered call without its
pop. Judged are the calls that began after every desk was connected (the simulator starts
before the listener; a call answered while no listener works is not adopted by the resync).
Prints one JSON object per interval and a final verdict; exits 1 when it fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.bench_topology import cpu_seconds, error_lines, log_offsets, rss_mib

ROOT = Path(__file__).resolve().parents[2]
BERLIN_AGENTS = 158


class Desks:
    """Every agent's websocket; notes each screen pop's Uniqueid."""

    def __init__(self, running: Any) -> None:
        self.running = running
        self.pops: set[str] = set()
        self.connected = 0
        self.reconnects = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _desk(self, interface: str, port: int) -> None:
        import websockets

        headers = {"Cookie": self.running.agents[interface], "Origin": "http://127.0.0.1"}
        while not self.stop.is_set():
            try:
                async with websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/live/", additional_headers=headers
                ) as ws:
                    await ws.recv()  # hello
                    self.connected += 1
                    while not self.stop.is_set():
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        event = json.loads(raw)
                        if event["type"] == "call.answered":
                            self.pops.add(event["data"]["uniqueid"])
            except Exception:
                self.reconnects += 1
                await asyncio.sleep(1.0)

    def counted(self, uniqueid: str, since: float) -> bool:
        """A call the soak judges: created (its Uniqueid's time) after the desks were up.

        Calls the ACD took before the listener and the desks were connected have no record
        and no pop by design (an answered call is not adopted from a resync).
        """
        return float(uniqueid.split(".", 1)[0]) >= since

    async def _main(self) -> None:
        ports = self.running.web_ports
        interfaces = sorted(self.running.agents)
        await asyncio.gather(
            *(self._desk(i, ports[k % len(ports)]) for k, i in enumerate(interfaces))
        )


def _recorded_ended(running: Any) -> set[str]:
    rows = running.query("SELECT uniqueid FROM telephony_call WHERE ended_at IS NOT NULL")
    return {str(uniqueid) for (uniqueid,) in rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=300.0, help="seconds between figures")
    parser.add_argument("--calls-per-hour", type=float, default=800.0)
    parser.add_argument("--agents", type=int, default=BERLIN_AGENTS)
    parser.add_argument("--memory-tolerance", type=float, default=0.10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callcenter.settings")
    from tests.support.services import postgres_url, redis_url
    from tests.support.topology import production_running

    with (
        tempfile.TemporaryDirectory(prefix="soak-") as tmp,
        production_running(
            postgres_server=postgres_url().rsplit("/", 1)[0],
            redis_url=redis_url(),
            workdir=Path(tmp),
            agents=args.agents,
            calls_per_minute=args.calls_per_hour / 60,
            extra_env={"CALLCENTER_LOG_LEVEL": "WARNING"},
        ) as running,
    ):
        desks = Desks(running)
        desks.thread.start()
        guard = time.monotonic() + 300
        while desks.connected < len(running.agents) and time.monotonic() < guard:
            time.sleep(0.5)
        since = time.time() + 1
        offsets = log_offsets(running)
        names = list(running.supervisor.specs)
        pids = {n: running.supervisor.pid(n) for n in names}
        cpu_before = {n: cpu_seconds(pids[n]) for n in names}
        started = time.monotonic()
        baseline: dict[str, float] | None = None
        intervals: list[dict[str, Any]] = []
        seen: set[str] = set()
        failures: list[str] = []
        while time.monotonic() - started < args.minutes * 60 - 1:
            time.sleep(min(args.interval, args.minutes * 60 - (time.monotonic() - started)))
            memory = {n: rss_mib(running.supervisor.pid(n)) for n in names}
            restarted = [n for n in names if running.supervisor.pid(n) != pids[n]]
            outcomes = [
                o
                for o in (running.acd.outcomes if running.acd else [])
                if desks.counted(o.uniqueid, since)
            ]
            ended = _recorded_ended(running)
            # Calls the ACD had ended by the previous figure must be recorded (and popped) by
            # now; the ones that ended since may still be in the listener's write queue.
            acd_ended = {o.uniqueid for o in outcomes if o.uniqueid in seen}
            answered = {
                o.uniqueid for o in outcomes if o.uniqueid in seen and o.outcome == "answered"
            }
            seen = {o.uniqueid for o in outcomes}
            errors = error_lines(running, offsets)
            figure: dict[str, Any] = {
                "minute": round((time.monotonic() - started) / 60, 1),
                "rss_mib": memory,
                "cpu_s": {n: round(cpu_seconds(pids[n]) - cpu_before[n], 1) for n in names},
                "calls_ended_at_acd": len(acd_ended),
                "calls_recorded_ended": len(ended & acd_ended),
                "calls_missing": len(acd_ended - ended),
                "answered_without_pop": len(answered - desks.pops),
                "error_lines": len(errors),
                "desk_reconnects": desks.reconnects,
                "restarted": restarted,
                "load_average": os.getloadavg(),
            }
            if baseline is None:
                baseline = memory  # after the first interval: warm-up done
            else:
                figure["rss_vs_warm"] = {
                    n: round(memory[n] / baseline[n] - 1, 3) for n in names if baseline[n]
                }
            intervals.append(figure)
            print(json.dumps(figure), flush=True)
        time.sleep(15)  # the last calls' writes, then the final count over every call
        outcomes = [
            o
            for o in (running.acd.outcomes if running.acd else [])
            if desks.counted(o.uniqueid, since)
        ]
        missing_at_end = {o.uniqueid for o in outcomes} - _recorded_ended(running)
        no_pop_at_end = {o.uniqueid for o in outcomes if o.outcome == "answered"} - desks.pops
        # What the record says about the calls that differ (for the report).
        differing = [
            {"acd": o.describe(), "record": [str(v) for v in rows[0]] if rows else None}
            for o in outcomes
            if o.uniqueid in missing_at_end | no_pop_at_end
            for rows in [
                running.query(
                    "SELECT answered_at, ended_at, outcome, agent_interface FROM telephony_call "
                    "WHERE uniqueid = %s",
                    o.uniqueid,
                )
            ]
        ][:10]
        desks.stop.set()
        # What grows with the calls: rows, table and index bytes (for docs/scaling.md).
        tables = {}
        for name, data, index in running.query(
            "SELECT relname, pg_table_size(relid), pg_indexes_size(relid) FROM pg_stat_user_tables"
        ):
            rows = running.query(f'SELECT count(*) FROM "{name}"')[0][0]
            if rows:
                tables[str(name)] = {"rows": rows, "table_bytes": data, "index_bytes": index}
        calls_total = running.query("SELECT count(*) FROM telephony_call")[0][0]
        last = intervals[-1]
        for name, change in last.get("rss_vs_warm", {}).items():
            if abs(change) > args.memory_tolerance:
                failures.append(f"{name} memory changed {change:+.1%} after warm-up")
        if last["error_lines"]:
            failures += error_lines(running, offsets)[:10]
        if missing_at_end:
            failures.append(f"{len(missing_at_end)} calls ended at the ACD are not recorded")
        if no_pop_at_end:
            failures.append(f"{len(no_pop_at_end)} answered calls without a screen pop")
        if last["restarted"]:
            failures.append(f"processes restarted: {last['restarted']}")
    verdict = {
        "passed": not failures,
        "failures": failures,
        "intervals": len(intervals),
        "calls": calls_total,
        "calls_ended_at_acd": len(outcomes),
        "missing_at_end": sorted(missing_at_end)[:10],
        "answered_without_pop_at_end": sorted(no_pop_at_end)[:10],
        "differing": differing,
        "tables": tables,
    }
    print(json.dumps(verdict), flush=True)
    raise SystemExit(0 if not failures else 1)


if __name__ == "__main__":
    main()
