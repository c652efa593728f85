"""Sessions (issue 16.4): idle timeout by role, kept alive by an active call, an absolute
maximum, and an administrator's "log this user out everywhere"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings
from rest_framework.test import APIClient

from callcenter import consumers
from callcenter.accounts.models import User
from callcenter.accounts.roles import Role
from callcenter.accounts.services import api_token_create
from callcenter.audit.models import AuditAction, AuditEntry
from callcenter.consumers import CLOSE_ACCESS_REVOKED
from telephony.models import Call
from tests.factories import UserFactory
from tests.support.live import RECEIVE_GUARD_S, live_communicator

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(username="admin", roles=[Role.ADMINISTRATOR], is_staff=True)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ended(response: object) -> bool:
    location = getattr(response, "headers", {}).get("Location", "")
    return getattr(response, "status_code", 0) == 302 and location.startswith("/login/")


def _after(clock: time_machine.Traveller, minutes: float) -> None:
    clock.shift(dt.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_a_supervisor_is_signed_out_after_30_idle_minutes(
    supervisor: User, clock: time_machine.Traveller
) -> None:
    client = _signed_in(supervisor)
    _after(clock, 29)
    assert client.get("/").status_code == 200  # activity restarts the idle clock
    _after(clock, 29)
    assert client.get("/").status_code == 200
    _after(clock, 31)
    response = client.get("/desk/")
    assert _ended(response)
    assert "expired=1" in response["Location"]
    assert "next=%2Fdesk%2F" in response["Location"]
    assert _ended(client.get("/"))  # the session is gone, not only this request refused
    page = client.get(response["Location"])
    assert "Ihre Sitzung ist abgelaufen" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["editor", "administrator"])
def test_editors_and_administrators_have_the_short_idle_limit(
    persona: str, request: pytest.FixtureRequest, clock: time_machine.Traveller
) -> None:
    client = _signed_in(request.getfixturevalue(persona))
    _after(clock, 31)
    assert _ended(client.get("/"))


@pytest.mark.django_db
def test_agents_and_clerks_have_the_longer_idle_limit(
    agent: User, clerk: User, clock: time_machine.Traveller
) -> None:
    agent_client, clerk_client = _signed_in(agent), _signed_in(clerk)
    _after(clock, 119)
    assert agent_client.get("/").status_code == 200
    assert clerk_client.get("/").status_code == 200
    _after(clock, 121)
    assert _ended(agent_client.get("/"))
    assert _ended(clerk_client.get("/"))


@pytest.mark.django_db
def test_an_active_call_keeps_the_desk_session_alive(
    agent: User, clock: time_machine.Traveller
) -> None:
    client = _signed_in(agent)
    call = Call.objects.create(
        system_id="test",
        uniqueid="1700000000.1",
        queue="115",
        agent=agent,
        joined_at=timezone.now(),
        answered_at=timezone.now(),
    )
    _after(clock, 180)  # a three-hour call without a click
    assert client.get("/desk/").status_code == 200
    call.ended_at = timezone.now()
    call.save(update_fields=["ended_at"])
    _after(clock, 121)
    assert _ended(client.get("/desk/"))


@pytest.mark.django_db
def test_the_absolute_maximum_ends_even_a_busy_session(
    supervisor: User, clock: time_machine.Traveller, settings: Settings
) -> None:
    settings.CALLCENTER_SESSION_HOURS = 10
    client = _signed_in(supervisor)
    for _ in range(9 * 3):  # a click every 20 minutes for nine hours
        _after(clock, 20)
        assert client.get("/").status_code == 200
    _after(clock, 61)
    assert _ended(client.get("/"))


@pytest.mark.django_db
def test_the_api_answers_an_ended_session_with_401(
    supervisor: User, clock: time_machine.Traveller
) -> None:
    client = _signed_in(supervisor)
    assert client.get("/api/v1/me/").status_code == 200
    _after(clock, 31)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


@pytest.mark.django_db(transaction=True)
async def test_an_idle_sessions_websocket_closes_at_its_next_ping(
    supervisor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumers, "SESSION_RECHECK_S", 0.0)
    client = await database_sync_to_async(_signed_in)(supervisor)
    ws = live_communicator(f"sessionid={client.cookies['sessionid'].value}")
    connected, _ = await ws.connect(timeout=RECEIVE_GUARD_S)
    assert connected
    await ws.receive_json_from(timeout=RECEIVE_GUARD_S)  # hello
    await ws.send_json_to({"type": "ping"})
    assert (await ws.receive_json_from(timeout=RECEIVE_GUARD_S))["type"] == "pong"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        await ws.send_json_to({"type": "ping"})
        closing = await ws.receive_output(timeout=RECEIVE_GUARD_S)
    assert closing == {"type": "websocket.close", "code": CLOSE_ACCESS_REVOKED}
    await ws.disconnect()


# --- Log out everywhere ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_an_administrator_logs_a_user_out_everywhere(
    agent: User, administrator: User
) -> None:
    office = await database_sync_to_async(_signed_in)(agent)
    home = await database_sync_to_async(_signed_in)(agent)
    _, secret = await database_sync_to_async(api_token_create)(user=agent, name="Skript")
    ws = live_communicator(f"sessionid={office.cookies['sessionid'].value}")
    assert (await ws.connect(timeout=RECEIVE_GUARD_S))[0]
    await ws.receive_json_from(timeout=RECEIVE_GUARD_S)  # hello

    def act() -> dict[str, int]:
        admin = APIClient()
        admin.force_authenticate(administrator)
        response = admin.post(f"/api/v1/auth/users/{agent.pk}/logout-everywhere/")
        assert response.status_code == 200
        body: dict[str, int] = response.json()
        return body

    assert await database_sync_to_async(act)() == {"sessions": 2, "tokens": 1}
    closing = await ws.receive_output(timeout=RECEIVE_GUARD_S)
    assert closing == {"type": "websocket.close", "code": CLOSE_ACCESS_REVOKED}

    def check() -> None:
        assert _ended(office.get("/"))
        assert _ended(home.get("/"))
        token_client = APIClient()
        token_client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        assert token_client.get("/api/v1/me/").status_code in (401, 403)

    await database_sync_to_async(check)()
    await ws.disconnect()

    def audited() -> list[tuple[str, str, dict[str, int]]]:
        entries = AuditEntry.objects.filter(action=AuditAction.USER_LOGGED_OUT_EVERYWHERE)
        return [(e.actor_username, e.target_id, e.data) for e in entries]

    assert await database_sync_to_async(audited)() == [
        ("admin", str(agent.pk), {"sessions": 2, "tokens": 1})
    ]


@pytest.mark.django_db
def test_only_administrators_log_others_out(agent: User, supervisor: User) -> None:
    session = _signed_in(agent)
    other = APIClient()
    other.force_authenticate(supervisor)
    assert other.post(f"/api/v1/auth/users/{agent.pk}/logout-everywhere/").status_code == 403
    assert session.get("/").status_code == 200


@pytest.mark.django_db
def test_the_django_admin_logs_selected_users_out_everywhere(agent: User, supervisor: User) -> None:
    agent_session, supervisor_session = _signed_in(agent), _signed_in(supervisor)
    root = User.objects.create_superuser("root", password="r00t-Geheim!x")
    admin = _signed_in(root)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "logout_everywhere", "_selected_action": [agent.pk]},
    )
    assert response.status_code == 302
    assert _ended(agent_session.get("/"))
    assert supervisor_session.get("/").status_code == 200
