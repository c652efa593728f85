"""Benchmark: the 115 KPIs over a year of Berlin-sized traffic in PostgreSQL (issue 14).

    python -m tests.benchmarks.bench_reports [--calls 1130000] [--tickets 200000]
        [--repeats 5] [--wallboard-reads 300] [--arrivals-per-second 5] [--reuse-db NAME]

Creates a scratch PostgreSQL database, migrates it and generates (COPY) a year of calls ending
today: 1.13 M calls Monday to Friday 07-18 h, Monday busiest, peaks 09-11 h and 14-16 h, July
the peak month; 88 % answered, 9 % abandoned, 3 % queue timeouts; wrap-ups, after-call work;
200 k tickets of which a fifth escalated to 150 departments, most answered within the
deadline. Then it measures in-process, through the real code:
- ``GET /api/v1/reports/kpis/`` for each of the last 12 whole months (``--repeats`` each;
  p50/p95), as a supervisor,
- ``GET /api/v1/reports/kpis/series/?interval=month`` over the whole year (p50/max),
- the wallboard's today figures (``telephony.kpis.wallboard.wallboard_snapshot``, server time
  including the JSON encoding) while a thread feeds new calls through the real ACD services
  (``domain_event_apply``: join, answer, end) at ``--arrivals-per-second``.
Latencies are wall-clock; ``*_app_cpu`` is the CPU time of the measuring thread (the Django
side; the database's own work is not in it), which other load on the machine barely changes;
``load_average`` is taken at the end. Prints one JSON object. Needs
``CALLCENTER_TEST_POSTGRES_URL`` or a local PostgreSQL.

By default the scratch database is dropped afterwards; ``--reuse-db NAME`` keeps it and a later
run reuses its records (migrating first, so new indexes apply; today's calls are added if the
day changed). That is for iterating on a change, not for the reported figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.benchmarks._common import django_environment, latency_summary, scratch_database

ROOT = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
SYSTEM = "bench"

WEEKDAY_WEIGHT = [5300, 4700, 4400, 4500, 3900, 0, 0]  # Monday … Sunday
MONTH_WEIGHT = [1.0, 0.97, 1.0, 0.95, 0.93, 0.98, 1.10, 1.05, 1.0, 0.98, 0.97, 0.85]
# Share of a day's calls per hour 07-17: peaks 09-11 h and 14-16 h.
HOUR_WEIGHT = {7: 0.5, 8: 1.0, 9: 1.5, 10: 1.5, 11: 1.2, 12: 0.9, 13: 1.0, 14: 1.3, 15: 1.3,
               16: 0.9, 17: 0.5}  # fmt: skip
WRAP_UPS = [("first_contact", 0.75), ("escalated", 0.15), ("callback", 0.04),
            ("transferred", 0.02), ("not_115", 0.04)]  # fmt: skip
CALL_COLUMNS = (
    "system_id, uniqueid, channel, queue, caller_number, caller_number_normalized, caller_name, "
    "agent_id, agent_interface, joined_at, answered_at, ended_at, wait_seconds, talk_seconds, "
    "outcome, ended_by, queue_result, end_inferred, after_call_work_seconds, wrap_up_outcome, "
    "wrapped_up_at, created_at, updated_at"
)
TICKET_COLUMNS = (
    "number, channel, subject, description, department_id, priority, status, resolution, "
    "version, created_at, updated_at, escalated_at, first_response_at, closed_at, due_at, "
    "caller_consent, caller_name, caller_phone, caller_phone_normalized, caller_email, "
    "caller_address, response_channel, anonymisation_version"
)


def _days(last: dt.date) -> list[dt.date]:
    return [last - dt.timedelta(days=k) for k in range(364, -1, -1)]


def _day_volumes(days: list[dt.date], total: int) -> dict[dt.date, int]:
    raw = {d: WEEKDAY_WEIGHT[d.weekday()] * MONTH_WEIGHT[d.month - 1] for d in days}
    scale = total / sum(raw.values())
    return {d: round(w * scale) for d, w in raw.items()}


def _cdf_case(column: str, weights: dict[int, float], value: str) -> str:
    """A SQL CASE picking a key of ``weights`` by the uniform random ``column``."""
    total, acc, branches = sum(weights.values()), 0.0, []
    for key, weight in weights.items():
        acc += weight / total
        branches.append(f"WHEN {column} < {acc:.6f} THEN {value.format(key=key, w=weight)}")
    last = list(weights)[-1]
    return f"CASE {' '.join(branches)} ELSE {value.format(key=last, w=weights[last])} END"


def _generate_calls_sql() -> str:
    hour = _cdf_case("r_hour", HOUR_WEIGHT, "{key}")
    busy = _cdf_case("r_hour", HOUR_WEIGHT, "{w}")
    wrap = " ".join(
        f"WHEN r_wrap / 0.97 < {sum(p for _, p in WRAP_UPS[: i + 1]):.4f} THEN '{name}'"
        for i, (name, _) in enumerate(WRAP_UPS)
    )
    return f"""
WITH days AS (
    SELECT day, n FROM unnest(%(days)s::date[], %(counts)s::int[]) AS t(day, n)
), raw AS (
    SELECT day, k, random() AS r_hour, random() AS r_sec, random() AS r_out,
           random() AS r_wait, random() AS r_talk, random() AS r_acw, random() AS r_wrap,
           random() AS r_agent, random() AS r_num
    FROM days, generate_series(1, n) AS k
), shaped AS (
    SELECT *,
        ((day + ({hour}) * interval '1 hour' + r_sec * interval '1 hour')
            AT TIME ZONE 'Europe/Berlin') AS joined,
        CASE WHEN r_out < 0.88 THEN 'answered' WHEN r_out < 0.97 THEN 'abandoned'
             ELSE 'timeout' END AS outcome,
        ({busy}) AS busy
    FROM raw
), timed AS (
    SELECT *,
        CASE outcome WHEN 'answered' THEN least(600, -ln(1 - r_wait) * 14 * busy)
                     WHEN 'abandoned' THEN -ln(1 - r_wait) * 40
                     ELSE 60 + r_wait END AS wait,
        (60 - ln(1 - r_talk) * 120)::int AS talk,
        (-ln(1 - r_acw) * 30)::int AS acw,
        (%(agents)s::bigint[])[1 + floor(r_agent * array_length(%(agents)s::bigint[], 1))::int]
            AS agent
    FROM shaped
    WHERE joined < %(until)s
)
INSERT INTO telephony_call ({CALL_COLUMNS})
SELECT
    '{SYSTEM}', to_char(day, 'YYYYMMDD') || '-' || k, 'PJSIP/trunk', '115',
    '+4930' || lpad((r_num * 1e7)::bigint::text, 7, '0'),
    '+4930' || lpad((r_num * 1e7)::bigint::text, 7, '0'), '',
    CASE WHEN outcome = 'answered' THEN agent END,
    CASE WHEN outcome = 'answered' THEN 'PJSIP/' || agent ELSE '' END,
    joined,
    CASE WHEN outcome = 'answered' THEN joined + wait * interval '1 second' END,
    joined + wait * interval '1 second'
        + CASE WHEN outcome = 'answered' THEN talk * interval '1 second' ELSE interval '0' END,
    wait::int,
    CASE WHEN outcome = 'answered' THEN talk END,
    outcome,
    CASE outcome WHEN 'answered' THEN CASE WHEN r_talk < 0.5 THEN 'caller' ELSE 'agent' END
                 WHEN 'abandoned' THEN 'caller' ELSE '' END,
    '', false,
    CASE WHEN outcome = 'answered' AND r_wrap < 0.97 THEN acw END,
    CASE WHEN outcome = 'answered' AND r_wrap < 0.97 THEN CASE {wrap} END ELSE '' END,
    CASE WHEN outcome = 'answered' AND r_wrap < 0.97
         THEN joined + (wait + talk + acw) * interval '1 second' END,
    joined, joined
FROM timed
ON CONFLICT (system_id, uniqueid) DO NOTHING
"""


GENERATE_TICKETS = f"""
WITH raw AS (
    SELECT k, random() AS r_day, random() AS r_time, random() AS r_esc, random() AS r_dep,
           random() AS r_resp, random() AS r_hours
    FROM generate_series(0, %(tickets)s - 1) AS k
), dated AS (
    SELECT *, (%(first)s::date + floor(r_day * %(span)s)::int) AS day FROM raw
), shaped AS (
    SELECT *,
        least(%(now)s::timestamptz - interval '1 minute',
              ((day - CASE extract(isodow FROM day) WHEN 6 THEN 1 WHEN 7 THEN 2 ELSE 0 END)
                + interval '7 hours' + r_time * interval '11 hours')
              AT TIME ZONE 'Europe/Berlin') AS created,
        r_esc < 0.2 AS escalated
    FROM dated
), answered AS (
    SELECT *,
        CASE WHEN NOT escalated THEN NULL
             WHEN r_resp < 0.85 THEN created + (1 + r_hours * 22) * interval '1 hour'
             WHEN r_resp < 0.95 THEN created + (25 + r_hours * 75) * interval '1 hour'
        END AS response
    FROM shaped
), settled AS (
    SELECT *, CASE WHEN response < %(now)s THEN response END AS first_response FROM answered
)
INSERT INTO tickets_ticket ({TICKET_COLUMNS})
SELECT
    '115-B' || lpad(k::text, 7, '0'), 'phone', 'Anliegen ' || k, '',
    CASE WHEN escalated THEN (%(departments)s::bigint[])[
        1 + floor(r_dep * array_length(%(departments)s::bigint[], 1))::int] END,
    'normal',
    CASE WHEN NOT escalated THEN 'resolved'
         WHEN first_response + interval '2 days' < %(now)s THEN 'closed'
         WHEN first_response IS NOT NULL THEN 'answered'
         WHEN r_hours < 0.5 THEN 'escalated' ELSE 'in_progress' END,
    '', 1, created, created,
    CASE WHEN escalated THEN created END,
    first_response,
    CASE WHEN NOT escalated THEN created + interval '5 minutes'
         WHEN first_response + interval '2 days' < %(now)s THEN first_response + interval '2 days'
    END,
    CASE WHEN escalated THEN created + CASE WHEN extract(isodow FROM created) < 5
         THEN interval '24 hours' ELSE interval '72 hours' END END,
    false, '', '', '', '', '', '', 0
FROM settled
"""


def _arrivals(rate: float, stop: threading.Event, counter: list[int]) -> None:
    """New calls through the real ACD services at ``rate`` per second: each caller joins,
    waits two arrivals, is answered (two in three) or hangs up, and an answered call ends
    four arrivals later. Waiting callers keep the wallboard's queue figures moving."""
    from collections import deque

    from django.db import connection

    from telephony.acd_events import CallAnswered, CallEnded, CallJoined
    from telephony.services import domain_event_apply

    waiting: deque[tuple[str, float]] = deque()
    talking: deque[tuple[str, float, float]] = deque()
    interval, k, started = 1 / rate, 0, time.monotonic()
    try:
        while not stop.is_set():
            now = time.time()
            uid = f"live-{uuid.uuid4().hex[:12]}"
            domain_event_apply(event=CallJoined(
                system_id=SYSTEM, uniqueid=uid, queue="115", at=now, channel="PJSIP/trunk-live",
                caller_number="+493012345", caller_name=None, joined_at=now))  # fmt: skip
            waiting.append((uid, now))
            if len(waiting) > 2:
                old, joined = waiting.popleft()
                if k % 3:
                    domain_event_apply(event=CallAnswered(
                        system_id=SYSTEM, uniqueid=old, queue="115", at=now,
                        interface="PJSIP/live", member_name="", agent_uniqueid=old + "a",
                        agent_channel="PJSIP/live-1", caller_number=None, caller_name=None,
                        wait_seconds=int(now - joined), ring_seconds=0,
                        answered_at=now))  # fmt: skip
                    talking.append((old, joined, now))
                else:
                    domain_event_apply(event=CallEnded(
                        system_id=SYSTEM, uniqueid=old, queue="115", at=now,
                        outcome="abandoned", ended_by="caller", joined_at=joined,
                        answered_at=None, ended_at=now, wait_seconds=int(now - joined),
                        talk_seconds=None, agent_interface=None))  # fmt: skip
            if len(talking) > 4:
                old, joined, answered = talking.popleft()
                domain_event_apply(event=CallEnded(
                    system_id=SYSTEM, uniqueid=old, queue="115", at=now, outcome="answered",
                    ended_by="agent", joined_at=joined, answered_at=answered, ended_at=now,
                    wait_seconds=int(answered - joined), talk_seconds=int(now - answered),
                    agent_interface="PJSIP/live"))  # fmt: skip
            k += 1
            counter[0] = k
            stop.wait(max(0.0, started + k * interval - time.monotonic()))
    finally:
        connection.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIClient

    from callcenter.accounts.models import User
    from callcenter.accounts.roles import Role
    from callcenter.accounts.services import user_create_or_update
    from callcenter.directory.services import authority_upsert, department_upsert
    from telephony.kpis.wallboard import wallboard_snapshot
    from telephony.models import AgentState, AgentStatus

    call_command("migrate", interactive=False, verbosity=0)
    now = timezone.now()
    today = now.astimezone(BERLIN).date()
    days = _days(today)
    authority = authority_upsert(name="Bezirksamt Benchmark")
    departments = [
        department_upsert(authority=authority, name=f"Amt {k:03d}", office_type="buergeramt").pk
        for k in range(150)
    ]
    supervisor = user_create_or_update(
        username="supervisor", password=None, roles=[Role.SUPERVISOR]
    )
    agents = []
    for k in range(158):
        agents.append(
            user_create_or_update(
                username=f"agent{k:03d}", password=None, roles=[Role.CALL_AGENT]
            ).pk
        )
    if not AgentStatus.objects.exists():
        states = [AgentState.AVAILABLE, AgentState.IN_CALL, AgentState.WRAP_UP, AgentState.PAUSED]
        AgentStatus.objects.bulk_create(
            AgentStatus(interface=f"PJSIP/{pk}", state=states[k % 4], since=now)
            for k, pk in enumerate(agents)
        )

    started = time.perf_counter()
    volumes = _day_volumes(days, args.calls)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT left(uniqueid, 8) FROM telephony_call WHERE system_id = %s", [SYSTEM]
        )
        present = {row[0] for row in cursor.fetchall()}
    missing = [d for d in days if volumes[d] and f"{d:%Y%m%d}" not in present]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.115)")
        cursor.execute(
            _generate_calls_sql(),
            {
                "days": missing,
                "counts": [volumes[d] for d in missing],
                "agents": agents,
                "until": now,
            },
        )
        generated = cursor.rowcount
        cursor.execute(
            "SELECT 1 FROM tickets_ticket WHERE number = %s", [f"115-B{args.tickets - 1:07d}"]
        )
        if cursor.fetchone() is None:
            cursor.execute(
                GENERATE_TICKETS,
                {
                    "tickets": args.tickets,
                    "first": days[0],
                    "span": len(days),
                    "now": now,
                    "departments": departments,
                },
            )
        # A bulk load leaves the visibility map empty (no index-only scans) until autovacuum
        # gets to it, within a minute in production: measure that steady state.
        cursor.execute("VACUUM (ANALYZE) telephony_call")
        cursor.execute("VACUUM (ANALYZE) tickets_ticket")
        cursor.execute("ANALYZE")  # the small tables too (departments, users), as autovacuum does
        cursor.execute("SELECT count(*) FROM telephony_call")
        calls_total = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        tickets_total = cursor.fetchone()[0]
    generate_seconds = time.perf_counter() - started

    client = APIClient()
    client.force_authenticate(supervisor)
    months = []
    first_of_month = today.replace(day=1)
    for _ in range(12):
        last = first_of_month - dt.timedelta(days=1)
        first_of_month = last.replace(day=1)
        months.append((first_of_month, last))
    monthly: dict[str, list[float]] = {"wall": [], "cpu": []}
    yearly: dict[str, list[float]] = {"wall": [], "cpu": []}
    wallboard: dict[str, list[float]] = {"wall": [], "cpu": []}

    def timed(into: dict[str, list[float]], work: Any) -> Any:
        # Wall clock, and this thread's own CPU time (the app's share, whatever else runs).
        t0, c0 = time.perf_counter(), time.thread_time()
        result = work()
        into["wall"].append((time.perf_counter() - t0) * 1000)
        into["cpu"].append((time.thread_time() - c0) * 1000)
        return result

    july_offered = None
    for _ in range(args.repeats):
        for first, last in months:
            url = f"/api/v1/reports/kpis/?date_from={first}&date_to={last}"
            response = timed(monthly, lambda url=url: client.get(url))
            assert response.status_code == 200, response.content[:300]
            if first.month == 7:
                july_offered = response.json()["offered"]
    year_url = f"/api/v1/reports/kpis/series/?date_from={days[0]}&date_to={today}&interval=month"
    for _ in range(args.repeats):
        response = timed(yearly, lambda: client.get(year_url))
        assert response.status_code == 200, response.content[:300]

    user = User.objects.get(pk=supervisor.pk)
    stop, counter = threading.Event(), [0]
    feeder = threading.Thread(target=_arrivals, args=(args.arrivals_per_second, stop, counter))
    feeder.start()
    feed_started = time.monotonic()
    try:
        for _ in range(args.wallboard_reads):
            timed(
                wallboard,
                lambda: json.dumps(wallboard_snapshot(user=user, now=timezone.now())),
            )
            time.sleep(0.02)
    finally:
        stop.set()
        feeder.join()
    feed_seconds = time.monotonic() - feed_started
    return {
        "calls": calls_total,
        "tickets": tickets_total,
        "generated_calls_this_run": generated,
        "generate_seconds": round(generate_seconds, 1),
        "july_offered": july_offered,
        "monthly_kpis": latency_summary(monthly["wall"]),
        "monthly_kpis_app_cpu": latency_summary(monthly["cpu"]),
        "year_by_month": latency_summary(yearly["wall"]),
        "year_by_month_app_cpu": latency_summary(yearly["cpu"]),
        "wallboard_today": latency_summary(wallboard["wall"]),
        "wallboard_today_app_cpu": latency_summary(wallboard["cpu"]),
        "arrivals_per_second_achieved": round(counter[0] / feed_seconds, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=1_130_000)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--wallboard-reads", type=int, default=300)
    parser.add_argument("--arrivals-per-second", type=float, default=5.0)
    parser.add_argument("--reuse-db", metavar="NAME", help="keep the scratch database NAME")
    args = parser.parse_args()
    if not math.isfinite(args.arrivals_per_second) or args.arrivals_per_second <= 0:
        parser.error("--arrivals-per-second must be positive")
    sys.path.insert(0, str(ROOT))
    with scratch_database(keep=args.reuse_db) as url, tempfile.TemporaryDirectory() as tmp:
        django_environment(database_url=url, data_dir=tmp)
        result = run(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
