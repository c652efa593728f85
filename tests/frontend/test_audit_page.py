"""The audit log page (/protokoll/): administrators filter it and download it as CSV, in
German; everyone else gets 403; bad filters are a 400 naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(username="admin", roles=[Role.ADMINISTRATOR])


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(user)
    return client


def _at(entry: AuditEntry, when: dt.datetime) -> AuditEntry:
    AuditEntry.objects.filter(pk=entry.pk).redact(at=when)
    return entry


def test_administrators_filter_the_log_on_a_german_page(administrator: User, clerk: User) -> None:
    audit_record(
        action=AuditAction.TICKET_READ,
        actor=clerk,
        ip="192.0.2.5",
        target_type="tickets.ticket",
        target_id=41,
    )
    _at(
        audit_record(
            action=AuditAction.TICKET_READ,
            actor=clerk,
            ip=None,
            target_type="tickets.ticket",
            target_id=42,
        ),
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    client = _client(administrator)
    page = client.get("/protokoll/", {"username": "clerk", "action": "tickets"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="de">' in html and "Protokoll" in html
    assert "Ticket mit Anruferdaten gelesen" in html and "192.0.2.5" in html
    assert "tickets.ticket 41" in html and "tickets.ticket 42" in html
    assert "Einträge: 2" in html
    assert '<th scope="col">Zeitpunkt</th>' in html
    assert 'href="/protokoll/export.csv?username=clerk&amp;action=tickets"' in html
    recent = client.get("/protokoll/", {"since": "2021-01-01"}).content.decode()
    assert "tickets.ticket 41" in recent and "tickets.ticket 42" not in recent
    old = client.get("/protokoll/", {"until": "2020-01-01"}).content.decode()
    assert "tickets.ticket 42" in old and "tickets.ticket 41" not in old
    nobody = client.get("/protokoll/", {"username": "agent"}).content.decode()
    assert "Keine Einträge passen zu den Filtern." in nobody


def test_bad_filters_answer_400_with_the_message_at_the_field(administrator: User) -> None:
    page = _client(administrator).get(
        "/protokoll/", {"since": "2026-12-07", "until": "2026-12-01", "action": "nope"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Das Ende liegt vor dem Anfang." in html
    assert 'role="alert"' in html
    assert "Als CSV herunterladen" not in html
    export = _client(administrator).get("/protokoll/export.csv", {"until": "kein Datum"})
    assert export.status_code == 400


def test_the_page_export_is_a_csv_and_is_recorded(administrator: User) -> None:
    audit_record(action=AuditAction.LOGIN_FAILED, actor=None, ip=None, actor_username="@SUM(A1)")
    response = _client(administrator).get("/protokoll/export.csv", {"action": "accounts.login"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert ";'@SUM(A1);" in text
    exported = AuditEntry.objects.get(action=AuditAction.AUDIT_LOG_EXPORTED)
    assert exported.actor == administrator
    assert exported.data == {"filters": {"action": "accounts.login"}}


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DEPARTMENT_LEAD, Role.CALL_AGENT])
def test_only_administrators_open_the_page(role: Role) -> None:
    user = UserFactory.create(username=f"u-{role.value}", roles=[role])
    client = _client(user)
    assert client.get("/protokoll/").status_code == 403
    assert client.get("/protokoll/export.csv").status_code == 403
    assert "/protokoll/" not in client.get("/").content.decode()
    assert Client().get("/protokoll/").status_code == 302  # to the login page


def test_the_navigation_links_the_page_for_administrators(administrator: User) -> None:
    assert 'href="/protokoll/"' in _client(administrator).get("/").content.decode()
