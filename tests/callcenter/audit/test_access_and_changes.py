"""Logins, logouts, failed logins, and changes of users, roles, memberships and master data
are on record with the acting user and address — through the services and the Django admin."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.services import user_password_set, user_roles_set
from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.audit.services import audit_record
from callcenter.directory.models import Department
from callcenter.directory.services import department_upsert, membership_remove, membership_set
from tests.factories import PASSWORD, UserFactory
from tests.support.admin_forms import department_change_form

from .conftest import logged_in

pytestmark = pytest.mark.django_db

Entries = Callable[[AuditAction], list[AuditEntry]]
IP = "198.51.100.23"


def test_a_login_and_a_logout_on_the_login_page_are_recorded_with_the_address(
    agent: User, entries: Entries
) -> None:
    client = Client(REMOTE_ADDR=IP)
    assert client.post("/login/", {"username": "agent", "password": PASSWORD}).status_code == 302
    assert client.post("/logout/").status_code == 302
    [login] = entries(AuditAction.LOGIN)
    [logout] = entries(AuditAction.LOGOUT)
    assert (login.actor, login.ip, login.target_id) == (agent, IP, str(agent.pk))
    assert (logout.actor, logout.ip) == (agent, IP)
    assert logout.at >= login.at


def test_a_failed_login_records_the_name_tried_and_never_the_password(
    agent: User, entries: Entries
) -> None:
    client = Client(REMOTE_ADDR=IP)
    client.post("/login/", {"username": "agent", "password": "Falsch-Geheim-1"})
    client.post("/login/", {"username": "niemand", "password": "Falsch-Geheim-2"})
    known, unknown = entries(AuditAction.LOGIN_FAILED)
    assert (known.actor, known.actor_username, known.ip) == (None, "agent", IP)
    assert (known.target_id, known.data["known_user"]) == (str(agent.pk), True)
    assert (unknown.actor_username, unknown.target_id, unknown.data["known_user"]) == (
        "niemand",
        "",
        False,
    )
    assert "Falsch-Geheim" not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_a_failed_token_login_is_recorded_too(agent: User, entries: Entries) -> None:
    response = APIClient(REMOTE_ADDR=IP).post(
        "/api/v1/auth/token/", {"username": "agent", "password": "falsch"}
    )
    assert response.status_code == 400
    [failed] = entries(AuditAction.LOGIN_FAILED)
    assert (failed.actor_username, failed.ip) == ("agent", IP)


def test_role_changes_name_the_roles_added_and_removed(agent: User, entries: Entries) -> None:
    user_roles_set(user=agent, roles=[Role.SUPERVISOR])
    rows = entries(AuditAction.USER_ROLES_CHANGED)
    changes = {key: value for row in rows for key, value in row.data.items()}
    assert changes == {"added": [Role.SUPERVISOR.value], "removed": [Role.CALL_AGENT.value]}
    assert {row.target_id for row in rows} == {str(agent.pk)}
    assert all(row.actor is None for row in rows)  # no request: the system


def test_a_password_change_is_recorded_without_any_hash(agent: User, entries: Entries) -> None:
    user_password_set(user=agent, password="n3u-Geheim!x")
    [row] = entries(AuditAction.USER_PASSWORD_CHANGED)
    assert row.target_id == str(agent.pk) and row.data == {}
    assert entries(AuditAction.USER_CHANGED) == []
    assert "pbkdf2" not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_memberships_are_recorded_on_the_member(
    agent: User, department: Department, entries: Entries
) -> None:
    membership_set(user=agent, department=department)
    membership_set(user=agent, department=department, is_lead=True)
    membership_set(user=agent, department=department, is_lead=True)  # no change: no row
    membership_remove(user=agent, department=department)
    [added] = entries(AuditAction.MEMBERSHIP_ADDED)
    [changed] = entries(AuditAction.MEMBERSHIP_CHANGED)
    [removed] = entries(AuditAction.MEMBERSHIP_REMOVED)
    assert {added.target_id, changed.target_id, removed.target_id} == {str(agent.pk)}
    assert added.data == {"department": department.pk, "is_lead": False}
    assert changed.data == {"department": department.pk, "is_lead": True, "fields": ["is_lead"]}


def test_master_data_changes_name_the_changed_fields_and_unchanged_saves_nothing(
    department: Department, entries: Entries
) -> None:
    same: dict[str, Any] = {
        "authority": department.authority,
        "name": department.name,
        "office_type": department.office_type,
        "phone": department.phone,
        "calendar": department.calendar,
    }
    department_upsert(**same, email="neu@example.org")
    department_upsert(**same, email="neu@example.org")
    [row] = entries(AuditAction.MASTER_DATA_CHANGED)
    assert (row.target_type, row.target_id) == ("directory.department", str(department.pk))
    assert row.data == {"object": department.name, "fields": ["email"]}


def _admin_client() -> Client:
    root = User.objects.create_superuser("root", password="r00t-Geheim!x")
    return logged_in(root, ip=IP)


def test_changes_in_the_django_admin_name_the_administrator_and_the_address(
    clerk: User, department: Department, entries: Entries
) -> None:
    client = _admin_client()
    url, data = department_change_form(client, department)
    data["phone"] = "030 9000"
    membership_prefix = next(k for k in data if k.endswith("-0-id")).removesuffix("-id")
    data[f"{membership_prefix}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    [changed] = entries(AuditAction.MASTER_DATA_CHANGED)
    [removed] = entries(AuditAction.MEMBERSHIP_REMOVED)
    for row in (changed, removed):
        assert (row.actor_username, row.ip) == ("root", IP)
    assert changed.data["fields"] == ["phone"]
    assert removed.target_id == str(clerk.pk)


def test_roles_given_in_the_django_admin_are_recorded(entries: Entries) -> None:
    client = _admin_client()
    user = UserFactory.create(username="neu", roles=[Role.CALL_AGENT])
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, value in form.initial.items():
        if name not in form.fields or value is None:
            continue
        if name in ("groups", "user_permissions"):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dt.datetime):  # the admin's split date and time widget
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%d.%m.%Y}", f"{local:%H:%M:%S}"
        else:
            data[name] = getattr(value, "pk", value)
    data["groups"] = list(
        user.groups.model.objects.filter(name=Role.SUPERVISOR.value).values_list("pk", flat=True)
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = [r for r in entries(AuditAction.USER_ROLES_CHANGED) if r.actor_username == "root"]
    changes = {key: value for row in rows for key, value in row.data.items()}
    assert changes == {"added": [Role.SUPERVISOR.value], "removed": [Role.CALL_AGENT.value]}
    assert {row.ip for row in rows} == {IP}


def test_the_address_is_the_client_behind_a_trusted_proxy_and_a_forged_header_is_ignored(
    agent: User, settings: Any, entries: Entries
) -> None:
    forged = "192.0.2.99"
    credentials = {"username": "agent", "password": PASSWORD}
    Client(REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR=forged).post("/login/", credentials)
    settings.CALLCENTER_TRUSTED_PROXIES = ["10.0.0.1"]
    Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged).post("/login/", credentials)
    assert [row.ip for row in entries(AuditAction.LOGIN)] == [IP, "192.0.2.99"]


def test_a_token_login_and_issued_and_revoked_tokens_are_recorded(
    agent: User, entries: Entries
) -> None:
    client = APIClient(REMOTE_ADDR=IP)
    response = client.post(
        "/api/v1/auth/token/", {"username": "agent", "password": PASSWORD, "name": "Wallboard"}
    )
    assert response.status_code == 200
    token_id = response.json()["id"]
    [login] = entries(AuditAction.LOGIN)
    assert (login.actor, login.ip, login.data["path"]) == (agent, IP, "/api/v1/auth/token/")
    [issued] = entries(AuditAction.API_TOKEN_CREATED)
    assert issued.target_id == str(agent.pk)
    assert issued.data == {"token": token_id, "name": "Wallboard"}
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.delete(f"/api/v1/auth/tokens/{token_id}/").status_code == 204
    [revoked] = entries(AuditAction.API_TOKEN_REVOKED)
    assert (revoked.actor, revoked.ip, revoked.target_id) == (agent, IP, str(agent.pk))
    assert response.json()["token"] not in json.dumps(
        list(AuditEntry.objects.values()), default=str
    )


def test_an_unknown_action_is_refused_before_anything_is_written() -> None:
    with pytest.raises(ValueError):
        audit_record(action="tickets.ticket.peeked", actor=None, ip=None)  # type: ignore[arg-type]
    assert not AuditEntry.objects.filter(action="tickets.ticket.peeked").exists()
