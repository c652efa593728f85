"""Administrators search and export the audit log; everyone else gets 403; bad filters 400;
rows past the retention period are purged by the beat task."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.audit import tasks
from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.audit.services import audit_record
from callcenter.history import AppendOnlyError

pytestmark = pytest.mark.django_db

Entries = Callable[[AuditAction], list[AuditEntry]]
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def _api(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _row(
    action: AuditAction, *, at: dt.datetime, actor: User | None = None, **kw: Any
) -> AuditEntry:
    entry = audit_record(action=action, actor=actor, ip="192.0.2.1", **kw)
    AuditEntry.objects.filter(pk=entry.pk).redact(at=at)
    return entry


@pytest.fixture
def log(agent: User, clerk: User) -> dict[str, AuditEntry]:
    AuditEntry.objects.filter(action__startswith="accounts.").expire()
    return {
        "old_read": _row(
            AuditAction.TICKET_READ,
            at=NOW - dt.timedelta(days=3),
            actor=clerk,
            target_type="tickets.ticket",
            target_id=7,
        ),
        "read": _row(
            AuditAction.TICKET_READ, at=NOW, actor=agent, target_type="tickets.ticket", target_id=8
        ),
        "failed": _row(
            AuditAction.LOGIN_FAILED,
            at=NOW - dt.timedelta(hours=1),
            actor_username='=HYPERLINK("http://evil.example")',
        ),
    }


def _ids(response: Any) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_rows_cannot_be_changed_or_deleted(log: dict[str, AuditEntry]) -> None:
    entry = log["read"]
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(target_id="9")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_administrators_search_by_actor_action_target_and_period(
    administrator: User, agent: User, log: dict[str, AuditEntry]
) -> None:
    client = _api(administrator)
    everything = client.get("/api/v1/audit/")
    assert everything.status_code == 200
    assert _ids(everything) >= {e.pk for e in log.values()}
    first = everything.json()["results"][0]
    assert set(first) == {
        "id",
        "at",
        "actor",
        "username",
        "action",
        "action_label",
        "target_type",
        "target_id",
        "ip",
        "data",
    }
    assert _ids(client.get("/api/v1/audit/", {"actor": agent.pk})) == {log["read"].pk}
    assert _ids(client.get("/api/v1/audit/", {"username": "clerk"})) == {log["old_read"].pk}
    assert _ids(client.get("/api/v1/audit/", {"action": "accounts"})) == {log["failed"].pk}
    assert _ids(client.get("/api/v1/audit/", {"action": "tickets.ticket.read"})) == {
        log["read"].pk,
        log["old_read"].pk,
    }
    by_target = {"target_type": "tickets.ticket", "target_id": "7"}
    assert _ids(client.get("/api/v1/audit/", by_target)) == {log["old_read"].pk}
    period = {"since": "2026-12-04", "until": "2026-12-06"}
    assert _ids(client.get("/api/v1/audit/", period)) == {log["old_read"].pk}
    moment = {"since": "2026-12-07T09:30:00+00:00", "action": "tickets"}
    assert _ids(client.get("/api/v1/audit/", moment)) == {log["read"].pk}


def test_the_search_pages_and_runs_a_fixed_number_of_queries(
    administrator: User, log: dict[str, AuditEntry], django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        _row(AuditAction.CALL_READ, at=NOW, target_type="telephony.call", target_id=n)
    client = _api(administrator)
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/audit/", {"page_size": 10}).json()
    assert len(page["results"]) == 10 and page["count"] >= 33 and page["next"]


@pytest.mark.parametrize(
    "query",
    [
        {"action": "tickets.ticket.deleted"},
        {"action": "accounts."},
        {"since": "gestern"},
        {"until": "2026-13-01"},
        {"since": "2026-12-07", "until": "2026-12-01"},
        {"actor": "x"},
        {"actor": str(2**70)},
        {"target_type": "Tickets Ticket"},
        {"target_id": "9" * 65},
    ],
)
def test_bad_filters_are_a_400_naming_the_field(administrator: User, query: dict[str, str]) -> None:
    response = _api(administrator).get("/api/v1/audit/", query)
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) <= set(query)


def test_only_administrators_see_the_log(
    supervisor: User, clerk: User, agent: User, log: dict[str, AuditEntry]
) -> None:
    for user in (supervisor, clerk, agent):
        assert _api(user).get("/api/v1/audit/").status_code == 403
        assert _api(user).get("/api/v1/audit/export/").status_code == 403
    assert _api(None).get("/api/v1/audit/").status_code in (401, 403)


def test_the_csv_export_neutralises_formulas_and_is_itself_recorded(
    administrator: User, log: dict[str, AuditEntry], entries: Entries
) -> None:
    response = _api(administrator).get("/api/v1/audit/export/", {"action": "accounts"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["id"] for row in rows] == [str(log["failed"].pk)]
    assert rows[0]["user"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["action"] == "accounts.login.failed" and rows[0]["ip"] == "192.0.2.1"
    [export] = entries(AuditAction.AUDIT_LOG_EXPORTED)
    assert export.actor == administrator and export.data == {"filters": {"action": "accounts"}}


def test_the_beat_task_purges_rows_past_the_retention_and_records_it(
    settings: Settings, log: dict[str, AuditEntry], entries: Entries
) -> None:
    settings.CALLCENTER_AUDIT_RETENTION_DAYS = 2
    old = _row(AuditAction.LOGIN, at=timezone.now() - dt.timedelta(days=2, minutes=1))
    recent = _row(AuditAction.LOGIN, at=timezone.now() - dt.timedelta(days=1, hours=23))
    assert tasks.purge_audit_log.delay().get() >= 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    [purge] = entries(AuditAction.AUDIT_LOG_PURGED)
    assert purge.data["deleted"] >= 1 and purge.actor is None
    assert tasks.purge_audit_log.delay().get() == 0  # idempotent
    assert len(entries(AuditAction.AUDIT_LOG_PURGED)) == 1


def test_the_purge_runs_on_the_beat_schedule_with_a_year_by_default() -> None:
    schedule = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "callcenter.audit.tasks.purge_audit_log" in schedule
    assert tasks.purge_audit_log.name == "callcenter.audit.tasks.purge_audit_log"
