"""Benchmark: what recording reads on the audit log costs a ticket view (issue 16, point 16).

    python -m tests.benchmarks.bench_audit [--requests 400] [--entries 200000] [--sqlite]

Creates a scratch database (PostgreSQL by default, ``CALLCENTER_TEST_POSTGRES_URL`` or the
local server; ``--sqlite`` for the embedded mode), migrates it, fills the audit log with
``--entries`` rows (so the insert meets a realistic table and its indexes), then measures
through the real views in-process, alternating in rounds so that machine load hits both
sides alike:
- ``GET /api/v1/tickets/{id}/`` and ``GET /posteingang/{id}/`` as a clerk, with the audit
  hook as shipped and with ``audit_read`` replaced by a no-op in those views (p50/p95 wall,
  app CPU per request);
- ``audit_record`` alone (p50).
The screen pop is not measured: nothing on its path writes the audit log. Prints one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from tests.benchmarks._common import django_environment, percentile, scratch_database

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 8


def _summary(wall: list[float], cpu: list[float]) -> dict[str, float]:
    return {
        "n": len(wall),
        "p50_ms": round(statistics.median(wall), 3),
        "p95_ms": round(percentile(wall, 0.95), 3),
        "app_cpu_p50_ms": round(statistics.median(cpu), 3),
    }


def _timed(call: Callable[[], Any], n: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def run(requests: int, entries: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from callcenter.accounts.roles import Role
    from callcenter.audit.models import AuditAction, AuditEntry
    from callcenter.audit.services import audit_record
    from frontend.inbox import views as inbox_views
    from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
    from tickets import services
    from tickets.api import views as ticket_views
    from tickets.models import ResponseChannel
    from tickets.services import CallerData

    call_command("migrate", interactive=False, verbosity=0)
    department = DepartmentFactory.create(name="Bürgeramt Mitte")
    agent = UserFactory.create(username="bench-agent", roles=[Role.CALL_AGENT])
    clerk = UserFactory.create(username="bench-clerk", roles=[Role.DEPARTMENT_CLERK])
    MembershipFactory.create(user=clerk, department=department)
    caller = CallerData(
        consent=True,
        name="Erika Mustermann",
        phone="030 1234567",
        email="erika@example.org",
        response_channel=ResponseChannel.EMAIL,
    )
    ticket = services.ticket_create(actor=agent, subject="Wohnsitz ummelden", caller=caller)
    ticket = services.ticket_escalate(ticket=ticket, actor=agent, department=department)
    for n in range(5):
        services.ticket_note_add(ticket=ticket, actor=clerk, text=f"Notiz {n}")

    batch = [
        AuditEntry(
            actor=clerk,
            actor_username=clerk.username,
            action=AuditAction.TICKET_READ,
            target_type="tickets.ticket",
            target_id=str(n % 50_000),
            ip="192.0.2.1",
        )
        for n in range(entries)
    ]
    AuditEntry.objects.bulk_create(batch, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditentry")

    api = APIClient(REMOTE_ADDR="192.0.2.7")
    api.force_authenticate(clerk)
    page = Client(REMOTE_ADDR="192.0.2.7")
    page.force_login(clerk)
    targets = {
        "api_ticket_detail": lambda: api.get(f"/api/v1/tickets/{ticket.pk}/"),
        "inbox_ticket_page": lambda: page.get(f"/posteingang/{ticket.pk}/"),
    }
    for call in targets.values():  # warm caches, templates, connections
        for _ in range(20):
            assert call().status_code == 200

    originals = (ticket_views.audit_read, inbox_views.audit_read)

    def hooks(on: bool) -> None:
        def noop(**kwargs: Any) -> None:
            return None

        ticket_views.audit_read = originals[0] if on else noop  # type: ignore[assignment]
        inbox_views.audit_read = originals[1] if on else noop  # type: ignore[assignment]

    samples: dict[str, dict[str, tuple[list[float], list[float]]]] = {
        name: {"with_audit": ([], []), "without_audit": ([], [])} for name in targets
    }
    per_round = max(1, requests // ROUNDS)
    before = AuditEntry.objects.count()
    for _ in range(ROUNDS):
        for side, on in (("with_audit", True), ("without_audit", False)):
            hooks(on)
            for name, call in targets.items():
                wall, cpu = _timed(call, per_round)
                samples[name][side][0].extend(wall)
                samples[name][side][1].extend(cpu)
    hooks(True)
    written = AuditEntry.objects.count() - before

    record_wall, record_cpu = _timed(
        lambda: audit_record(
            action=AuditAction.TICKET_READ,
            actor=clerk,
            ip="192.0.2.7",
            target_type="tickets.ticket",
            target_id=ticket.pk,
        ),
        requests,
    )
    result: dict[str, Any] = {
        "database": connection.vendor,
        "audit_rows_before": before,
        "audit_rows_written_by_reads": written,
        "audit_record_alone": _summary(record_wall, record_cpu),
    }
    for name, sides in samples.items():
        result[name] = {side: _summary(*values) for side, values in sides.items()}
        result[name]["p50_added_ms"] = round(
            result[name]["with_audit"]["p50_ms"] - result[name]["without_audit"]["p50_ms"], 3
        )
    result["load_average"] = os.getloadavg()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    data_dir = tempfile.mkdtemp(prefix="bench-audit-")
    database: AbstractContextManager[str] = (
        nullcontext(f"sqlite:///{data_dir}/bench.sqlite3") if args.sqlite else scratch_database()
    )
    with database as database_url:
        django_environment(database_url=database_url, data_dir=data_dir)
        print(json.dumps(run(args.requests, args.entries), indent=2))


if __name__ == "__main__":
    main()
