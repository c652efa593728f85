"""``/healthz``: database, channel layer and Celery broker, as JSON with 200 or 503."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

from callcenter.celery import app as celery_app

CHECK_TIMEOUT_SECONDS = 2.0

# Status reports of long-running parts that live in apps above the ground floor (the AMI
# listeners), registered by those apps in ``AppConfig.ready()``: shown, never deciding the status.
StatusReport = Callable[[], list[dict[str, object]]]
_status_reports: dict[str, StatusReport] = {}


def status_report_register(name: str, report: StatusReport) -> None:
    """Show ``report()`` under ``name`` in ``/healthz`` (an app's extension point)."""
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


def _status_reports_collect() -> dict[str, list[dict[str, object]]]:
    reports: dict[str, list[dict[str, object]]] = {}
    for name, report in _status_reports.items():
        try:
            reports[name] = report()
        except Exception as exc:  # reported, not raised: the database check says why
            reports[name] = [{"error": f"{type(exc).__name__}: {exc}"[:300]}]
    return reports


async def healthz(request: HttpRequest) -> JsonResponse:
    database, channel_layer, broker = await asyncio.gather(
        _run(sync_to_async(_check_database, thread_sensitive=True)),
        _run(_check_channel_layer),
        _run(sync_to_async(_check_broker, thread_sensitive=False)),
    )
    checks = {"database": database, "channel_layer": channel_layer, "broker": broker}
    healthy = all(check["ok"] for check in checks.values())
    # The AMI listeners run as their own processes: reported here, but a web process stays
    # healthy (and in the load balancer) while an adapter reconnects.
    reports = await sync_to_async(_status_reports_collect, thread_sensitive=True)()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks, **reports},
        status=200 if healthy else 503,
    )
