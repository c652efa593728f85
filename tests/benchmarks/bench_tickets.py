"""Benchmark: department inbox and ticket creation with 1,000,000 tickets in PostgreSQL (issue 5).

    python -m tests.benchmarks.bench_tickets [--tickets 1000000] [--requests 300]
        [--no-vacuum] [--reuse-db NAME]

Creates a scratch PostgreSQL database, migrates it, generates the tickets in SQL (150
departments, a realistic status mix: most tickets closed long ago, a few thousand open per
department), then measures through the real API views in-process:
- ``GET /api/v1/tickets/?status=…`` (the inbox statuses), first page, for a clerk of two
  departments (p50/p95),
- ``POST /api/v1/tickets/`` as an agent (p50/p95),
- the query count of inbox pages 1 and 5 (must be equal).
Latencies are wall-clock; ``*_app_cpu`` is the CPU time of this (the Django) process per
request, which other load on the machine barely changes; ``load_average`` is taken at the end.
Prints one JSON object. Needs ``CALLCENTER_TEST_POSTGRES_URL`` or a local PostgreSQL.

After generating, the table is vacuumed as autovacuum would soon do in production;
``--no-vacuum`` measures the moment right after the bulk load instead.

By default every run starts from an empty database that is dropped afterwards. With
``--reuse-db NAME`` the database ``NAME`` is kept: a run that finds it already holding the
generated tickets migrates it (so new indexes apply) and skips the generation; the output
says ``"reused_db": true``. It is for iterating on a change, not for the reported figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks._common import django_environment, latency_summary, scratch_database

ROOT = Path(__file__).resolve().parents[2]


GENERATE = """
INSERT INTO tickets_ticket (
    number, channel, subject, description, department_id, priority, status, resolution,
    version, created_at, updated_at, escalated_at, closed_at, due_at, caller_consent,
    caller_name, caller_phone, caller_phone_normalized, caller_email, caller_address,
    response_channel, anonymisation_version
)
SELECT
    '115-' || (2016 + i %% 10) || '-' || lpad(i::text, 7, '0'),
    'phone',
    'Anliegen ' || i,
    '',
    %(first_department)s + ((i::bigint * 7919) %% %(departments)s)::int,
    'normal',
    CASE WHEN i %% 100 < 3 THEN 'escalated' WHEN i %% 100 < 5 THEN 'in_progress'
         WHEN i %% 100 < 6 THEN 'waiting_for_citizen' WHEN i %% 100 < 20 THEN 'resolved'
         ELSE 'closed' END,
    '',
    1,
    now() - ((i %% 3650) || ' days')::interval,
    now(),
    now() - ((i %% 3650) || ' days')::interval,
    CASE WHEN i %% 100 >= 6 THEN now() - ((i %% 3650) || ' days')::interval END,
    now() + (((i %% 200) - 100) || ' hours')::interval,
    false, '', '', '', '', '', 'none', 0
FROM generate_series(1, %(tickets)s) AS i
"""


def _last_number(tickets: int) -> str:
    """The number GENERATE gives its last ticket: its presence marks a complete generation."""
    return f"115-{2016 + tickets % 10}-{tickets:07d}"


def run(tickets: int, requests: int, *, vacuum: bool = True) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from callcenter.accounts.roles import Role
    from callcenter.accounts.services import user_create_or_update
    from callcenter.directory.services import authority_upsert, department_upsert, membership_set

    call_command("migrate", interactive=False, verbosity=0)
    authority = authority_upsert(name="Bezirksamt Benchmark")
    departments = [
        department_upsert(authority=authority, name=f"Amt {k:03d}", office_type="buergeramt")
        for k in range(150)
    ]
    clerk = user_create_or_update(username="clerk", password=None, roles=[Role.DEPARTMENT_CLERK])
    membership_set(user=clerk, department=departments[0])
    membership_set(user=clerk, department=departments[1])
    agent = user_create_or_update(username="agent", password=None, roles=[Role.CALL_AGENT])

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM tickets_ticket WHERE number = %s", [_last_number(tickets)])
        reused = cursor.fetchone() is not None
        if not reused:
            cursor.execute(
                GENERATE,
                {
                    "first_department": departments[0].pk,
                    "departments": len(departments),
                    "tickets": tickets,
                },
            )
        if vacuum:
            # A bulk load leaves the visibility map empty, so no index-only scan is possible
            # until autovacuum gets to the table (its insert threshold, within a minute in
            # production). Vacuuming here measures that steady state instead of racing it.
            cursor.execute("VACUUM (ANALYZE) tickets_ticket")
        else:
            cursor.execute("ANALYZE tickets_ticket")
        cursor.execute(
            "SELECT count(*) FROM tickets_ticket WHERE department_id IN (%s, %s) "
            "AND status IN ('escalated', 'in_progress', 'waiting_for_citizen')",
            [departments[0].pk, departments[1].pk],
        )
        inbox_size = cursor.fetchone()[0]
    generated = time.perf_counter() - started

    client = APIClient()
    client.force_authenticate(clerk)
    inbox_url = "/api/v1/tickets/?status=escalated,in_progress,waiting_for_citizen"
    first = client.get(inbox_url)
    assert first.status_code == 200
    last_page = max(1, -(-first.json()["count"] // 50))
    queries: dict[int, int] = {}
    for page in (1, min(5, last_page)):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{inbox_url}&page={page}")
        assert response.status_code == 200, response.content[:300]
        queries[page] = len(ctx.captured_queries)
    inbox, inbox_cpu = [], []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(inbox_url)
        inbox.append((time.perf_counter() - t0) * 1000)
        inbox_cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    plan = ""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM tickets_ticket WHERE department_id IN (%s, %s) AND status IN "
            "('escalated','in_progress','waiting_for_citizen') ORDER BY due_at LIMIT 50",
            [departments[0].pk, departments[1].pk],
        )
        plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:3])

    client.force_authenticate(agent)
    creates, creates_cpu = [], []
    for k in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.post("/api/v1/tickets/", {"subject": f"Neu {k}"}, format="json")
        creates.append((time.perf_counter() - t0) * 1000)
        creates_cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 201, response.content[:300]
    return {
        "tickets": tickets,
        "reused_db": reused,
        "vacuumed": vacuum,
        "generate_seconds": round(generated, 1),
        "clerk_inbox_tickets": inbox_size,
        "inbox_first_page": latency_summary(inbox),
        "inbox_first_page_app_cpu": latency_summary(inbox_cpu),
        "inbox_queries_per_page": queries,
        "inbox_plan": plan,
        "ticket_create": latency_summary(creates),
        "ticket_create_app_cpu": latency_summary(creates_cpu),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="measure right after the bulk load, before the table is vacuumed (worst case)",
    )
    parser.add_argument(
        "--reuse-db",
        metavar="NAME",
        help="keep the scratch database NAME and reuse its tickets on the next run",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with scratch_database(keep=args.reuse_db) as url, tempfile.TemporaryDirectory() as tmp:
        django_environment(database_url=url, data_dir=tmp)
        result = run(args.tickets, args.requests, vacuum=not args.no_vacuum)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
