"""``/healthz``: database, channel layer, Celery broker and registered parts, 200 or 503.

Anonymous callers (load balancers, monitoring) get only ``{"status": "ok"|"unavailable"}``
and the status code; the details (hosts, versions, error texts, listener states) go only to a
staff session or a user with an API token.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

from callcenter.accounts.selectors import api_tokens_valid
from callcenter.celery import app as celery_app

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class StatusReport:
    """A part's state: ``details`` are shown to staff; ``healthy=False`` makes ``/healthz`` 503."""

    details: list[dict[str, object]] = field(default_factory=list)
    healthy: bool = True


# Status reports of long-running parts that live in apps above the ground floor (the AMI
# listeners), registered by those apps in ``AppConfig.ready()``.
StatusReporter = Callable[[], StatusReport]
_status_reports: dict[str, StatusReporter] = {}


def status_report_register(name: str, report: StatusReporter) -> None:
    """Show ``report()`` under ``name`` in ``/healthz`` and let it decide the status, too."""
    _status_reports[name] = report


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


async def _check_channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned a different message")
    return {"backend": f"{type(layer).__module__}.{type(layer).__name__}"}


def _check_broker() -> dict[str, Any]:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=int(CHECK_TIMEOUT_SECONDS))
        transport = conn.transport_cls
    return {"transport": str(transport)}


async def _run(check: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        details = await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
        result: dict[str, Any] = {"ok": True, **details}
    except Exception as exc:  # a health check reports every failure, whatever it is
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _status_reports_collect() -> dict[str, StatusReport]:
    reports: dict[str, StatusReport] = {}
    for name, report in _status_reports.items():
        try:
            reports[name] = report()
        except Exception as exc:  # a report that cannot say how its part is doing: unhealthy
            reports[name] = StatusReport(
                details=[{"error": f"{type(exc).__name__}: {exc}"[:300]}], healthy=False
            )
    return reports


async def _may_see_details(request: HttpRequest) -> bool:
    user = await request.auser()
    if user.is_authenticated and user.is_staff:
        return True
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return False
    return await api_tokens_valid(key.strip()).aexists()


async def healthz(request: HttpRequest) -> JsonResponse:
    database, channel_layer, broker = await asyncio.gather(
        _run(sync_to_async(_check_database, thread_sensitive=True)),
        _run(_check_channel_layer),
        _run(sync_to_async(_check_broker, thread_sensitive=False)),
    )
    checks = {"database": database, "channel_layer": channel_layer, "broker": broker}
    reports = await sync_to_async(_status_reports_collect, thread_sensitive=True)()
    healthy = all(check["ok"] for check in checks.values()) and all(
        report.healthy for report in reports.values()
    )
    body: dict[str, Any] = {"status": "ok" if healthy else "unavailable"}
    if await _may_see_details(request):
        body["checks"] = checks
        body.update({name: report.details for name, report in reports.items()})
    return JsonResponse(body, status=200 if healthy else 503)
